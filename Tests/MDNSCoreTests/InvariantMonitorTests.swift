import DNSWire
import MDNSCore
import Testing

/// The monitor behind EngineFuzz and the property tests must catch what it is there to catch.
@Suite("Invariant monitor catches broken packets")
struct InvariantMonitorTests {
    static let eth0 = NetworkInterface(id: InterfaceID(1), name: "eth0", addresses: [
        InterfaceAddress(.v4(IPv4Address(169, 254, 1, 1)), prefixLength: 16)])
    static let now = Instant(nanoseconds: 1_000_000_000_000)

    static func record(_ label: String, _ d: UInt8, ttl: UInt32 = 120) -> ResourceRecord {
        ResourceRecord(name: try! DNSName(labels: [label, "local"]), ttl: ttl, rdata: .a(IPv4Address(169, 254, 9, d)))
    }

    static func violations(after answers: [ResourceRecord]) -> [String] {
        let engine = MDNSEngine(configuration: Configuration(seed: 1), interfaces: [eth0])
        var monitor = InvariantMonitor()
        var header = Header.response
        header.authoritativeAnswer = true
        monitor.observe([.send(Message(header: header, answers: answers), to: .multicast(on: eth0.id))], engine: engine, at: now)
        return monitor.violations
    }

    @Test("a distinct set of records passes")
    func distinctRecordsPass() {
        #expect(Self.violations(after: (0..<40).map { Self.record("h\($0)", UInt8($0)) }).isEmpty)
    }

    // RFC 6762 §16: names compare ASCII case-insensitively, so HOST.local is host.local.
    @Test("a record twice in a small packet is caught, names folded", arguments: [2, 16])
    func duplicateInSmallPacket(size: Int) {
        var rs = (0..<(size - 1)).map { Self.record("h\($0)", UInt8($0)) }
        rs.append(Self.record("H0", 0))
        #expect(Self.violations(after: rs).contains { $0.contains("twice in one packet") })
    }

    @Test("a record twice in a large packet is caught, names folded")
    func duplicateInLargePacket() {
        var rs = (0..<40).map { Self.record("h\($0)", UInt8($0)) }
        rs.append(Self.record("H39", 39))
        #expect(Self.violations(after: rs).filter { $0.contains("twice in one packet") }.count == 1)
    }

    @Test("the same name with other rdata is not a duplicate")
    func sameNameOtherRdataPasses() {
        #expect(Self.violations(after: [Self.record("h", 1), Self.record("h", 2)]).isEmpty)
    }

    // RFC 6762 §10.1: TTL 0 is a goodbye for a record that was announced.
    @Test("a goodbye for a record never announced is caught; after an announcement it passes")
    func goodbyeNeedsAnnouncement() {
        #expect(Self.violations(after: [Self.record("h", 1, ttl: 0)]).contains { $0.contains("never announced") })
        #expect(Self.violations(after: [Self.record("h", 1), Self.record("g", 1)]).isEmpty)
        let engine = MDNSEngine(configuration: Configuration(seed: 1), interfaces: [Self.eth0])
        var monitor = InvariantMonitor()
        var header = Header.response
        header.authoritativeAnswer = true
        for ttl: UInt32 in [120, 0] {
            monitor.observe([.send(Message(header: header, answers: [Self.record("h", 1, ttl: ttl)]), to: .multicast(on: Self.eth0.id))],
                            engine: engine, at: Self.now)
        }
        #expect(monitor.violations.isEmpty)
    }
}
