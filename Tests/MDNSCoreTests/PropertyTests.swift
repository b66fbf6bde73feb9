import DNSWire
import MDNSCore
import MDNSConformance
import Testing

@Suite("Engine properties over random event sequences")
struct PropertyTests {
    static func randomBytes(_ seed: UInt64, _ n: Int) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// Seed bytes, then `count` one-second advances.
    static func quietRun(_ count: Int) -> [UInt8] {
        Array(repeating: 7, count: 9) + Array(repeating: [0, 0, 0, 250], count: count).flatMap { $0 }
    }

    @Test("no invariant breaks over 300 random sequences (announce only after probing, TTL 0 only as goodbye, caps, headers)")
    func randomSequences() {
        var failures: [(UInt64, String)] = []
        for seed in UInt64(0)..<300 {
            let v = EngineFuzz.check(bytes: Self.randomBytes(seed, 64 + Int(seed % 7) * 128))
            if let first = v.first { failures.append((seed, first)) }
        }
        #expect(failures.isEmpty, "first failing seed: \(failures.first.map { "\($0.0): \($0.1)" } ?? "")")
    }

    @Test("the monitor catches an engine that announces without probing")
    func monitorCatchesSkippedProbing() {
        #expect(EngineFuzz.check(bytes: Self.quietRun(10)).isEmpty)
        var f = Faults()
        f.skipProbing = true
        let v = EngineFuzz.check(bytes: Self.quietRun(10), faults: f)
        #expect(v.contains { $0.contains("after 0 probes") })
    }

    @Test("equal seeds and events give equal actions")
    func deterministic() {
        func run() -> [Action] {
            var h = Harness(seed: 42)
            _ = h.establish()
            h.receive(Harness.query(Harness.type, .ptr))
            h.run(for: .seconds(1))
            return h.log.map { .send($0.message, to: $0.to) }
        }
        #expect(run() == run())
    }

    @Test("EngineFuzz.run accepts empty and arbitrary input")
    func fuzzEntry() {
        EngineFuzz.run(bytes: [])
        EngineFuzz.run(bytes: Self.randomBytes(99, 2000))
    }
}

@Suite("Simulated link")
struct SimulatedLinkTests {
    static func iface(_ d: UInt8) -> NetworkInterface {
        NetworkInterface(id: InterfaceID(1), name: "eth0", addresses: [InterfaceAddress(.v4(IPv4Address(169, 254, 1, d)), prefixLength: 16)])
    }

    static func twins(seed: UInt64, conditions: LinkConditions) -> Set<DNSName> {
        let net = SimulatedNetwork(seed: seed, links: [conditions])
        let a = net.addEngine(configuration: Configuration(seed: seed &+ 1), attachments: [(iface(1), link: 0)])
        let b = net.addEngine(configuration: Configuration(seed: seed &+ 2), attachments: [(iface(2), link: 0)])
        let ia = net.register(.host(HostRegistration(label: "twin")), on: a)!
        let ib = net.register(.host(HostRegistration(label: "twin")), on: b)!
        net.run(for: .seconds(30))
        return [net.engine(a).responder.name(of: ia)!, net.engine(b).responder.name(of: ib)!]
    }

    @Test("two engines wanting one host name end up with two names")
    func twoEngines() {
        for seed in UInt64(1)...10 {
            #expect(Self.twins(seed: seed, conditions: .clean) == [try! DNSName(parsing: "twin.local"), try! DNSName(parsing: "twin-2.local")])
        }
    }

    @Test("with loss, duplication and reordering they still end up distinct")
    func lossyLink() {
        var c = LinkConditions()
        c.lossRate = 0.2
        c.duplicationRate = 0.2
        c.reorderRate = 0.3
        c.latency = .milliseconds(1) ... .milliseconds(20)
        for seed in UInt64(1)...10 { #expect(Self.twins(seed: seed, conditions: c).count == 2) }
    }

    @Test("own packets looped back and reflected never rename")
    func echo() {
        var c = LinkConditions()
        c.echoToSender = true
        c.reflector = SocketAddress(.v4(IPv4Address(169, 254, 250, 1)))
        let net = SimulatedNetwork(seed: 5, links: [c])
        let n = net.addEngine(configuration: Configuration(seed: 5), attachments: [(Self.iface(1), link: 0)])
        let id = net.register(.host(HostRegistration(label: "solo")), on: n)!
        net.run(for: .seconds(20))
        #expect(net.engine(n).responder.name(of: id) == (try! DNSName(parsing: "solo.local")))
        #expect(net.engine(n).statistics.conflicts == 0)
        #expect(net.trace.contains { $0.sender == .reflector })
    }

    @Test("virtual time starts at a seeded random offset and never sleeps")
    func virtualTime() {
        let a = SimulatedNetwork(seed: 1), b = SimulatedNetwork(seed: 2), c = SimulatedNetwork(seed: 1)
        #expect(a.start != b.start)
        #expect(a.start == c.start)
        a.run(for: .seconds(3600))
        #expect(a.now - a.start == .seconds(3600))
    }
}
