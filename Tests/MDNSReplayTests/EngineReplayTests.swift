import DNSWire
import PCAP
import Foundation
import MDNSReplay
import Testing

@Suite("Replay through the engine: what a browser would have seen")
struct EngineReplayTests {
    @Test("the project's probe-and-announce capture: service, instance, host, then the goodbye")
    func probeAnnounce() {
        var out = ""
        let r = EngineReplay.run(path: Paths.captures + "/probe-announce.pcap", displayName: "probe-announce.pcap", emit: { out += $0 })
        #expect(r.fileError == nil)
        #expect(r.datagrams == 8)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.contains("+0.750 instance added Office\\032Printer._ipp._tcp.local. (if1) → printer.local.:631 txt [txtvers=1, rp=ipp/print, Color=T] addresses [10.0.53.2]"))
        #expect(lines.contains("+0.750 host added printer.local. (if1) [10.0.53.2]"))
        #expect(lines.contains { $0.contains("instance removed Office\\032Printer._ipp._tcp.local.") })
        #expect(lines.contains { $0.contains("host removed printer.local.") })
        #expect(r.querier.goodbyesReceived == 4)
    }

    @Test("every third-party capture replays through the engine", .enabled(if: Paths.thirdPartyPresent, "../shared/captures/third-party is absent"))
    func thirdParty() {
        for f in Paths.thirdPartyCaptures() {
            var out = ""
            let r = EngineReplay.run(path: Paths.thirdParty + "/" + f, emit: { out += $0 })
            #expect(r.fileError == nil, "\(f)")
            #expect(out.contains("counters: datagrams \(r.datagrams)"), "\(f)")
        }
        var out = ""
        EngineReplay.run(path: Paths.thirdParty + "/jmdns/a_record_before_srv.pcapng", emit: { out += $0 })
        #expect(out.contains("instance added DeviceManagementService._ibisip_http._tcp.local. (if1) → DIST500_7-F07_OC030_05_03941.local.:5000 txt [ver=1.0, path=1.0] addresses [192.168.88.236]"))
    }
}

/// Small recordings written for one test each: (milliseconds, source, source port, destination, destination port, message).
enum Recorded {
    static func write(_ name: String, _ packets: [(Int64, String, UInt16, String, UInt16, Message)]) throws -> String {
        let path = "/tmp/mdns-replay-\(name)-\(getpid()).pcap"
        let w = try CaptureWriter(path: path)
        for (ms, src, sport, dst, dport, m) in packets {
            for f in FrameBuilder.ethernetUDP(source: PCAP.IPAddress(src)!, destination: PCAP.IPAddress(dst)!, sourcePort: sport,
                                              destinationPort: dport, payload: m.encoded()) {
                try w.write(f, at: Timestamp(totalNanoseconds: 1_700_000_000_000_000_000 + ms * 1_000_000))
            }
        }
        try w.close()
        return path
    }

    static func n(_ s: String) -> DNSName { try! DNSName(parsing: s) }
    static func host(ttl: UInt32, flush: Bool = true) -> ResourceRecord {
        ResourceRecord(name: n("printer.local"), cacheFlush: flush, ttl: ttl, rdata: .a(IPv4Address(10, 0, 53, 2)))
    }
}

@Suite("Replay through the engine: what a browser on port 5353 receives, and when")
struct EngineReplayTimingTests {
    @Test("a legacy unicast reply to another host's port is not taken in: its 10 s TTL removes nothing")
    func legacyReplyIgnored() throws {
        var legacy = Message(header: .response, questions: [Question(name: Recorded.n("printer.local"), type: .a)], answers: [Recorded.host(ttl: 10, flush: false)])
        legacy.header.id = 0x1234
        let path = try Recorded.write("legacy", [
            (0, "10.0.53.2", 5353, "224.0.0.251", 5353, Message(header: .response, answers: [Recorded.host(ttl: 120)])),
            (100, "10.0.53.3", 40000, "224.0.0.251", 5353, Message(header: .query, questions: [Question(name: Recorded.n("printer.local"), type: .a)])),
            (110, "10.0.53.2", 5353, "10.0.53.3", 40000, legacy),
            (15_000, "10.0.53.3", 5353, "224.0.0.251", 5353, Message(header: .query, questions: [Question(name: Recorded.n("other.local"), type: .a)])),
        ])
        var out = ""
        let r = EngineReplay.run(path: path, emit: { out += $0 })
        #expect(r.legacyReplies == 1)
        #expect(out.contains("host added printer.local."))
        #expect(!out.contains("host removed"), "\(out)")
    }

    @Test("a host whose record expires is reported removed at its expiry, not at the next datagram")
    func removalAtDeadline() throws {
        let path = try Recorded.write("expiry", [
            (0, "10.0.53.2", 5353, "224.0.0.251", 5353, Message(header: .response, answers: [Recorded.host(ttl: 2)])),
            (20_000, "10.0.53.3", 5353, "224.0.0.251", 5353, Message(header: .query, questions: [Question(name: Recorded.n("other.local"), type: .a)])),
        ])
        var out = ""
        EngineReplay.run(path: path, emit: { out += $0 })
        let removed = out.split(separator: "\n").first { $0.contains("host removed printer.local.") }
        #expect(removed != nil, "\(out)")
        // The record lives 2 s (RFC 6762 §10); the report must not wait for the datagram at 20 s.
        let stamp = removed.flatMap { Double($0.dropFirst().prefix { $0 != " " }) } ?? 99
        #expect(stamp >= 2 && stamp < 3, "\(removed ?? "")")
    }
}

@Suite("Replay summary: conflicts")
struct SummaryConflictTests {
    @Test("a conflict settled during probing is reported: two hosts propose other data for one name")
    func probeConflict() throws {
        let probe = { (last: UInt8) in
            Message(header: .query, questions: [Question(name: Recorded.n("printer.local"), type: .any, unicastResponse: true)],
                    authorities: [ResourceRecord(name: Recorded.n("printer.local"), ttl: 120, rdata: .a(IPv4Address(10, 0, 53, last)))])
        }
        let shared = { (inst: String) in
            Message(header: .query, questions: [Question(name: Recorded.n("_http._tcp.local"), type: .ptr, unicastResponse: true)],
                    authorities: [ResourceRecord(name: Recorded.n("_http._tcp.local"), ttl: 4500, rdata: .ptr(Recorded.n(inst)))])
        }
        let path = try Recorded.write("probe-conflict", [
            (0, "10.0.53.2", 5353, "224.0.0.251", 5353, probe(2)),
            (5, "10.0.53.9", 5353, "224.0.0.251", 5353, probe(9)),
            (10, "10.0.53.2", 5353, "224.0.0.251", 5353, shared("a._http._tcp.local")),
            (15, "10.0.53.9", 5353, "224.0.0.251", 5353, shared("b._http._tcp.local")),
        ])
        let s = ReplayRunner.run(path: path, mode: .summary, emit: { _ in })
        #expect(s.conflicts.count == 1)
        #expect(s.conflicts.first?.name == Recorded.n("printer.local"))
        #expect(s.conflicts.first?.second.source == PCAP.IPAddress("10.0.53.9"))
    }
}
