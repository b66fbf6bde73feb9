import MDNSConformance
import MDNSCore
import Testing

enum CapturePaths {
    static let packageRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()
    static let thirdParty = packageRoot + "/../shared/captures/third-party"
}

@Suite("Captures as conformance targets (verdicts per device)")
struct QuerierCaptureTests {
    @Test("the project's probe-and-announce capture: probing, announcing, hygiene judged per device")
    func probeAnnounce() {
        let r = CaptureConformance.run(path: CapturePaths.packageRoot + "/Captures/probe-announce.pcap")
        #expect(r.fileError == nil)
        #expect(r.datagrams == 8)
        #expect(r.devices.map { "\($0.address)" } == ["10.0.53.2", "10.0.53.3"])
        let d = r.devices[0]
        func verdict(_ id: String) -> Verdict? { d.cases.first { $0.id == id }?.verdict }
        #expect(verdict("rfc6762-8.1-probe-timing") == .pass)
        #expect(verdict("rfc6762-8.3-announcements") == .pass)
        #expect(verdict("bct-cache-flush-unique") == .pass)
        #expect(verdict("rfc6762-11-ip-ttl") == .pass)
        #expect(verdict("rfc6762-10.1-goodbye") == .pass)
        // The recorded probes carry no QU bit: a warning with the frames as evidence.
        #expect(verdict("rfc6762-8.1-probe-format") == .warn)
        #expect(d.cases.first { $0.id == "rfc6762-8.1-probe-format" }!.evidence.first!.hasPrefix("frame 2 +0.250 10.0.53.2:5353 → group: query"))
        // Capture case ids are ids of the simulated-link catalogue.
        let ids = Set(ConformanceCatalogue.all.map(\.id))
        #expect(d.cases.allSatisfy { ids.contains($0.id) })
    }

    @Test("every third-party capture is judged without a crash",
          .enabled(if: FileManagerLite.exists(CapturePaths.thirdParty), "../shared/captures/third-party is absent"))
    func thirdParty() {
        let files = FileManagerLite.captures(under: CapturePaths.thirdParty)
        #expect(files.count >= 20)
        for f in files {
            let r = CaptureConformance.run(path: f)
            #expect(r.fileError == nil, "\(f)")
            #expect(!r.devices.isEmpty, "\(f)")
        }
        // A finding: nDPI's iPhone capture has a device sending mDNS with IP TTL 1.
        let iphone = CaptureConformance.run(path: CapturePaths.thirdParty + "/ndpi/iphone.mdns-only.pcap")
        let d = iphone.devices.first { "\($0.address)" == "192.168.2.1" }
        #expect(d?.cases.first { $0.id == "rfc6762-11-ip-ttl" }?.verdict == .fail)
    }
}

/// Directory listing without Foundation.
enum FileManagerLite {
    static func exists(_ path: String) -> Bool { opendirOK(path) }

    static func opendirOK(_ path: String) -> Bool {
        guard let d = opendir(path) else { return false }
        closedir(d)
        return true
    }

    static func captures(under root: String) -> [String] {
        var out: [String] = []
        guard let d = opendir(root) else { return [] }
        defer { closedir(d) }
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let p = root + "/" + name
            if name.hasSuffix(".pcap") || name.hasSuffix(".pcapng") { out.append(p) } else if opendirOK(p) { out += captures(under: p) }
        }
        return out.sorted()
    }
}

#if canImport(Glibc)
import Glibc
#endif
