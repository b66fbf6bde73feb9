@testable import MDNSCore
import Testing

/// EngineFuzz inputs begin either at registration or from one settled state built once.
@Suite("Engine fuzz inputs start fresh or settled")
struct EngineFuzzStartTests {
    @Test("a seed whose first byte is below freshStartBelow starts at registration, nothing sent yet")
    func freshStart() {
        let s = EngineFuzz.Start.for(seed: UInt64(EngineFuzz.freshStartBelow - 1) << 56, timeByte: 3, faults: Faults())
        #expect(s.monitor.messagesChecked == 0)
        #expect(s.ids.count == 2)
    }

    @Test("a seed from freshStartBelow on starts probed and announced on both interfaces, no invariant broken")
    func settledStart() {
        let s = EngineFuzz.Start.for(seed: UInt64(EngineFuzz.freshStartBelow) << 56, timeByte: 3, faults: Faults())
        // Three probes for each of two names on two interfaces, then announcements.
        #expect(s.monitor.messagesChecked > 12)
        #expect(s.monitor.violations.isEmpty)
        #expect(!s.engine.responder.liveRecords(on: InterfaceID(1)).isEmpty)
        #expect(!s.engine.responder.liveRecords(on: InterfaceID(2)).isEmpty)
    }

    @Test("an engine with faults always starts fresh (the settled state has none)")
    func faultsStartFresh() {
        var f = Faults()
        f.skipProbing = true
        #expect(EngineFuzz.Start.for(seed: .max, timeByte: 0, faults: f).monitor.messagesChecked == 0)
    }

    @Test("reseeding gives the random sequence a new engine with that seed has")
    func reseedMatchesInit() {
        let e = MDNSEngine(configuration: Configuration(seed: 5), interfaces: [EngineFuzz.Fixture.if1])
        var f = MDNSEngine(configuration: Configuration(seed: 9), interfaces: [EngineFuzz.Fixture.if1])
        f.reseed(5)
        var (a, b) = (e.responder.rng, f.responder.rng)
        var (c, d) = (e.querier.rng, f.querier.rng)
        #expect((0..<4).map { _ in a.next() } == (0..<4).map { _ in b.next() })
        #expect((0..<4).map { _ in c.next() } == (0..<4).map { _ in d.next() })
    }
}
