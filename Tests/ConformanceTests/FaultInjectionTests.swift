import MDNSConformance
import MDNSCore
import Testing

/// Each rule broken on purpose must make the suite fail: the cases can fail.
@Suite("Fault injection: the suite fails responders that break the rules")
struct FaultInjectionTests {
    /// The case reports the rule broken at its level: fail for a MUST, warn for a SHOULD or info rule.
    static func fails(_ id: String, _ faults: Faults) -> Bool {
        let r = Support.run(id, faults: faults)
        return r.verdict == r.level.violation
    }

    @Test("a responder that skips probing fails the probing cases")
    func skipProbing() {
        var f = Faults()
        f.skipProbing = true
        for id in ["rfc6762-8.1-probe-timing", "rfc6762-8.1-probe-before-announce", "rfc6762-8.1-probe-format", "rfc6762-8.2-simultaneous-probe-lose",
                   "rfc6762-9-subsequent-conflict-a", "bct-hot-plug-probing"] {
            #expect(Self.fails(id, f), "\(id) should fail")
        }
    }

    @Test("a responder that answers shared records at once fails shared reply timing")
    func sharedImmediately() {
        var f = Faults()
        f.answerSharedImmediately = true
        #expect(Self.fails("rfc6762-6-shared-reply-time", f))
        #expect(Self.fails("bct-multiple-questions-shared-timing", f))
        #expect(Support.run("bct-shared-reply-distribution", faults: f).verdict >= .warn)
    }

    @Test("a responder that omits the cache-flush bit fails the hygiene and announcement cases")
    func noCacheFlush() {
        var f = Faults()
        f.omitCacheFlush = true
        #expect(Self.fails("bct-cache-flush-unique", f))
        #expect(Self.fails("rfc6762-6.1-nsec", f))
    }

    @Test("a responder that renames on its own echo fails the echo cases")
    func ownEcho() {
        var f = Faults()
        f.conflictOnOwnEcho = true
        #expect(Self.fails("rfc6762-14-own-echo-other-interface", f))
        #expect(Self.fails("rfc6762-8.1-own-data-ignored", f))
    }

    @Test("without faults the same cases pass")
    func control() {
        for id in ["rfc6762-8.1-probe-timing", "rfc6762-6-shared-reply-time", "bct-cache-flush-unique", "rfc6762-14-own-echo-other-interface"] {
            #expect(Support.run(id).verdict == .pass)
        }
    }
}
