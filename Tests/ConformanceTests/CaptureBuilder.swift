import DNSWire
import MDNSConformance
import MDNSCore
import PCAP

/// Hand-built recordings for the capture rules: packets at given milliseconds between hosts 10.0.53.x.
struct Recording {
    typealias Packet = CaptureConformance.Packet
    static let group = PCAP.IPAddress.v4(0xE000_00FB)
    static func host(_ last: UInt8) -> PCAP.IPAddress { .v4(0x0A00_3500 | UInt32(last)) }
    static func name(_ s: String) -> DNSName { try! DNSName(parsing: s) }
    static func a(_ n: String, _ last: UInt8, ttl: UInt32 = 120, flush: Bool = true) -> ResourceRecord {
        ResourceRecord(name: name(n), cacheFlush: flush, ttl: ttl, rdata: .a(IPv4Address(0x0A00_3500 | UInt32(last))))
    }
    static func ptr(_ n: String, _ target: String, ttl: UInt32 = 4500) -> ResourceRecord {
        ResourceRecord(name: name(n), ttl: ttl, rdata: .ptr(name(target)))
    }
    static func srv(_ n: String, _ target: String, ttl: UInt32 = 120) -> ResourceRecord {
        ResourceRecord(name: name(n), cacheFlush: true, ttl: ttl, rdata: .srv(SRV(port: 80, target: name(target))))
    }
    static func txt(_ n: String, ttl: UInt32 = 4500) -> ResourceRecord {
        ResourceRecord(name: name(n), cacheFlush: true, ttl: ttl, rdata: .txt(TXT(strings: [Array("a=1".utf8)])))
    }
    static func probe(_ n: String, _ rs: [ResourceRecord]) -> Message {
        CaseContext.probe(name(n), rs.map { var r = $0; r.cacheFlush = false; return r })
    }
    static func response(_ rs: [ResourceRecord], additionals: [ResourceRecord] = []) -> Message { CaseContext.response(rs, additionals: additionals) }
    static func query(_ n: String, _ t: RRType, qu: Bool = false, known: [ResourceRecord] = [], id: UInt16 = 0) -> Message {
        CaseContext.query(name(n), t, qu: qu, known: known, id: id)
    }

    var packets: [Packet] = []

    /// Adds a packet `ms` milliseconds into the recording (to the group unless `to` is given).
    mutating func at(_ ms: Int, _ from: UInt8, _ m: Message, to: UInt8? = nil, sport: UInt16 = mdnsPort, dport: UInt16 = mdnsPort, hop: UInt8 = 255) {
        packets.append(Packet(frame: packets.count + 1, time: Int64(ms) * 1_000_000, source: Self.host(from), sourcePort: sport,
                              destination: to.map(Self.host) ?? Self.group, destinationPort: dport, hopLimit: hop, message: m))
    }

    /// Three probes 250 ms apart from `from` starting at `ms`.
    mutating func probes(_ ms: Int, _ from: UInt8, _ n: String, _ rs: [ResourceRecord]) {
        for k in 0..<3 { at(ms + 250 * k, from, Self.probe(n, rs)) }
    }

    func judge() -> [CaptureConformance.Device] { CaptureConformance.judge(packets) }

    /// The verdict of `rule` for the device that sent from 10.0.53.`host`.
    func verdict(_ rule: String, _ host: UInt8) -> Verdict? { finding(rule, host)?.verdict }

    func finding(_ rule: String, _ host: UInt8) -> CaptureConformance.Finding? {
        judge().first { $0.addresses.contains(Self.host(host)) }?.findings.first { $0.id == rule }
    }
}
