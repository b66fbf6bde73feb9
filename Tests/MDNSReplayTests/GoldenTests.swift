import DNSWire
import Foundation
@testable import MDNSReplay
import PCAP
import Testing

struct ManifestEntry: CustomTestStringConvertible, Sendable {
    var name, file, mode, expected, flags: String
    var testDescription: String { name }

    static func load() -> [ManifestEntry] {
        guard let text = try? String(contentsOfFile: Paths.captures + "/manifest.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") || line.isEmpty { return nil }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 5 else { return nil }
            return ManifestEntry(name: f[0], file: f[1], mode: f[2], expected: f[3], flags: f[4])
        }
    }
}

@Suite("Captures/ manifest: every capture replays to its golden output")
struct GoldenTests {
    @Test func manifestIsComplete() throws {
        let entries = ManifestEntry.load()
        #expect(entries.count >= 9)
        // Every capture file in Captures/ has at least one manifest line.
        let files = try FileManager.default.contentsOfDirectory(atPath: Paths.captures).filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }
        for f in files { #expect(entries.contains { $0.file == f }, "\(f) has no manifest line") }
        let readme = try String(contentsOfFile: Paths.captures + "/README.md", encoding: .utf8)
        for f in files { #expect(readme.contains("`\(f)`"), "\(f) has no provenance line in Captures/README.md") }
    }

    @Test(arguments: ManifestEntry.load())
    func replayMatchesGolden(_ e: ManifestEntry) throws {
        let mode = try #require(ReplayRunner.Mode(rawValue: e.mode))
        var out = ""
        let summary = ReplayRunner.run(path: Paths.captures + "/" + e.file, displayName: e.file, mode: mode, emit: { out += $0 })
        // Scripts/bless writes the command's output followed by one newline.
        let golden = try String(contentsOfFile: Paths.captures + "/" + e.expected, encoding: .utf8)
        let got = out.hasSuffix("\n") ? out : out + "\n"
        #expect(got == golden || got + "\n" == golden, "output of \(e.name) differs from \(e.expected); run Scripts/bless after review")
        #expect((summary.fileError != nil) == e.flags.contains("file-error"))
    }

    @Test func syntheticCapturesAreDeterministic() throws {
        let dir = "/tmp/swift-mdns-synthetic-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = try SyntheticCaptures.writeAll(to: dir)
        #expect(lines.count == 9)
        for f in try FileManager.default.contentsOfDirectory(atPath: dir) {
            let fresh = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + f))
            let kept = try Data(contentsOf: URL(fileURLWithPath: Paths.captures + "/" + f))
            #expect(fresh == kept, "Captures/\(f) differs from what Scripts/make-captures writes")
        }
    }
}

@Suite("Replay summary: the network as seen")
struct SummaryTests {
    func summary(_ file: String) -> CaptureSummary {
        ReplayRunner.run(path: Paths.captures + "/" + file, displayName: file, mode: .summary, emit: { _ in })
    }

    @Test func probeAnnounceGoodbye() throws {
        let s = summary("probe-announce.pcap")
        #expect(s.frames == 8 && s.messages == 8)
        #expect(s.queries == 4 && s.responses == 4)
        #expect(s.kinds[.probe] == 3 && s.kinds[.goodbye] == 1 && s.kinds[.response] == 3 && s.kinds[.query] == 1)
        let host = try DNSName(parsing: "printer.local")
        let inst = try DNSName(parsing: "Office\\032Printer._ipp._tcp.local")
        #expect(s.probes[host]?.count == 3)
        #expect(s.probes[inst]?.firstFrame == 1)
        #expect(s.hosts[host] == [.a(IPv4Address(10, 0, 53, 2))])
        #expect(s.instances[inst]?.srv?.port == 631)
        #expect(s.instances[inst]?.txt?["rp"] == .value(Array("ipp/print".utf8)))
        #expect(s.serviceTypes[try DNSName(parsing: "_ipp._tcp.local")] == [inst])
        #expect(s.goodbyes.count == 4)
        #expect(s.conflicts.isEmpty)
    }

    @Test func conflictAndLegacyUnicast() {
        let s = summary("conflict-legacy.pcap")
        #expect(s.conflicts.count == 1)
        #expect(s.conflicts.first?.first.source == IPAddress("10.0.53.2"))
        #expect(s.conflicts.first?.second.source == IPAddress("10.0.53.9"))
        #expect(s.kinds[.legacyQuery] == 1 && s.kinds[.legacyResponse] == 1)
    }

    @Test func sameHostOverIPv4AndIPv6IsNoConflict() throws {
        // One device announces the same A record from its IPv4 and IPv6 addresses.
        let r = ResourceRecord(name: try DNSName(parsing: "h.local"), cacheFlush: true, ttl: 120, rdata: .a(.init(10, 0, 0, 1)))
        let m = Message(header: .response, answers: [r]).encoded()
        var s = CaptureSummary(file: "x")
        for (i, src) in [IPAddress("10.0.0.1")!, IPAddress("fe80::1")!].enumerated() {
            s.add(ReplayMessage(UDPDatagram(frame: i + 1, timestamp: Timestamp(seconds: 0), source: src, destination: src,
                                            sourcePort: 5353, destinationPort: 5353, payload: m)))
        }
        #expect(s.conflicts.isEmpty)
    }

    @Test func damagedFramesAreCountedByCode() {
        let s = summary("damaged.pcap")
        #expect(s.skipped[.snapLengthCut]?.frames == [2])
        #expect(s.skipped[.badUDPLength]?.frames == [3])
        #expect(s.skipped[.badIPLength]?.frames == [4])
        #expect(s.skipped[.overlappingFragments]?.frames == [7])
        #expect(s.decodeErrors[.countExceedsData]?.frames == [5])
        #expect(s.trailing.frames == [8])
        #expect(s.messages == 4)
    }

    @Test func listedFramesAreCapped() {
        var l = CaptureSummary.FrameList()
        for f in 1...(CaptureSummary.maxListedFrames + 5) { l.add(f) }
        #expect(l.count == CaptureSummary.maxListedFrames + 5)
        #expect(l.frames.count == CaptureSummary.maxListedFrames)
    }

    @Test func namesPastTheSummaryArenaAreReadFromTheMessage() throws {
        // 120 host names of about 200 bytes sharing one compressed suffix: expanded, about 24 KB,
        // more than the summary's arena; the hosts past it must be found all the same.
        let suffix = String(repeating: "s", count: 60) + "." + String(repeating: "t", count: 60) + "." + String(repeating: "u", count: 60) + ".local"
        let records = try (0..<120).map { i in
            ResourceRecord(name: try DNSName(parsing: "h\(i).\(suffix)"), cacheFlush: true, ttl: 120, rdata: .a(.init(10, 0, 0, 1)))
        }
        #expect(records.reduce(0) { $0 + $1.name.wire.count } > CaptureSummary.arenaSize)
        var s = CaptureSummary(file: "x")
        s.add(ReplayMessage(UDPDatagram(frame: 1, timestamp: Timestamp(seconds: 0), source: .v4(1), destination: .v4(2), sourcePort: 5353,
                                        destinationPort: 5353, payload: Message(header: .response, answers: records).encoded(compression: .suffixes))))
        #expect(s.hosts.count == 120)
        #expect(s.hosts[try DNSName(parsing: "h119.\(suffix)")] == [.a(.init(10, 0, 0, 1))])
    }

    @Test func trackedEntriesAreCapped() throws {
        var s = CaptureSummary(file: "x")
        for i in 0..<(CaptureSummary.maxTrackedEntries + 3) {
            let r = ResourceRecord(name: try DNSName(parsing: "h\(i).local"), ttl: 120, rdata: .a(.init(10, 0, 0, 1)))
            s.add(ReplayMessage(UDPDatagram(frame: i + 1, timestamp: Timestamp(seconds: 0), source: .v4(1), destination: .v4(2),
                                            sourcePort: 5353, destinationPort: 5353, payload: Message(header: .response, answers: [r]).encoded())))
        }
        #expect(s.hosts.count == CaptureSummary.maxTrackedEntries)
        #expect(s.untracked == 3)
    }

    @Test func truncatedFileReportsFramesBefore() {
        var lines: [String] = []
        let s = ReplayRunner.run(path: Paths.captures + "/truncated.pcap", mode: .transcript, emit: { lines.append($0) })
        #expect(s.fileError?.code == .truncatedFile)
        #expect(s.fileError?.frame == 3)
        #expect(s.messages == 2)
        #expect(lines.last?.hasPrefix("# truncatedFile in frame 3") == true)
    }

    @Test func injectionPacing() {
        let t0 = Timestamp(seconds: 100, nanoseconds: 0)
        let t = Timestamp(seconds: 102, nanoseconds: 500_000_000)
        #expect(ReplayInjection.offset(of: t, from: t0, speed: .scaled(1)) == 2_500_000_000)
        #expect(ReplayInjection.offset(of: t, from: t0, speed: .scaled(10)) == 250_000_000)
        #expect(ReplayInjection.offset(of: t, from: t0, speed: .max) == nil)
        #expect(ReplayInjection.offset(of: t0, from: t, speed: .scaled(1)) == 0)     // out of order: no waiting
        #expect(ReplayInjection.Speed("max") == .max && ReplayInjection.Speed("0") == nil && ReplayInjection.Speed("x") == nil)
    }
}

@Suite("Third-party captures replay with tshark's message counts")
struct ThirdPartyCountTests {
    @Test(.enabled(if: Paths.thirdPartyPresent, "../shared/captures/third-party is absent: skipped"))
    func everyCaptureReplaysWithTsharkCounts() throws {
        let tshark = try #require(Tshark.path, "tshark is not installed and cannot be installed: skipped")
        let files = Paths.thirdPartyCaptures()
        #expect(files.count >= 30)
        for f in files {
            let path = Paths.thirdParty + "/" + f
            let s = ReplayRunner.run(path: path, mode: .summary, emit: { _ in })
            #expect(s.fileError == nil, "\(f): \(String(describing: s.fileError))")
            let (status, out, _) = try run(tshark, ["-r", path, "-Y", "mdns", "-T", "fields", "-e", "frame.number"])
            #expect(status == 0)
            let tsharkCount = out.split(separator: "\n").count
            #expect(s.messages == tsharkCount, "\(f): swift-mdns \(s.messages) mDNS messages, tshark \(tsharkCount)")
        }
    }
}
