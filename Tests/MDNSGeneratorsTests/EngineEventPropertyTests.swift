import Testing
import PropertyBased
import DNSWire
import MDNSCore
@testable import MDNSGenerators

/// Seeds print in hex so that `mdns generate --kind events --seed 0x…` shows the failing sequence.
func hex(_ seed: UInt64) -> String { "0x" + String(seed, radix: 16) }

@Suite("Engine event sequences: RFC 6762 rules hold for any seeded sequence")
struct EngineEventPropertyTests {
    static let length = 100

    @Test("no unique record before probing (§8.1), TTL 0 only in goodbyes (§10.1), shared answers delayed (§6), cache-flush on unique records (§10.2), conflicts resolved (§9), no cap exceeded, no trap")
    func invariantsHold() async {
        await propertyCheck(count: 100, input: eventGen(length: Self.length)) { v in
            let s = v.sequence
            let found = EventProperties.violations(s.run(), of: s)
            #expect(found.isEmpty, "seed \(hex(s.seed)): \(found.prefix(3))")
        }
    }

    @Test("the monitor catches an engine that announces without probing")
    func skippedProbingIsCaught() {
        var f = Faults()
        f.skipProbing = true
        // Seeds chosen by nothing but order: each sequence registers a host at once with probability 0.9.
        let caught = (UInt64(0)..<10).filter { seed in
            EngineEventSequence(seed: seed, length: 30).run(faults: f).violations.contains { $0.contains("probes") }
        }
        #expect(caught.count >= 5, "caught only for seeds \(caught)")
    }

    @Test("the same seed gives the same events and the same actions")
    func deterministic() async {
        await propertyCheck(count: 20, input: Gen.uint64()) { seed in
            let a = EngineEventSequence(seed: seed, length: 80), b = EngineEventSequence(seed: seed, length: 80)
            #expect(a == b, "seed \(hex(seed))")
            let ra = a.run(), rb = b.run()
            #expect(ra.trace == rb.trace, "seed \(hex(seed))")
            #expect(ra.deadlines == rb.deadlines, "seed \(hex(seed))")
            #expect(ra.engines[0].statistics == rb.engines[0].statistics, "seed \(hex(seed))")
        }
    }

    @Test("different seeds give different sequences and start times")
    func seedsDiffer() {
        let a = EngineEventSequence(seed: 1), b = EngineEventSequence(seed: 2)
        #expect(a.events != b.events)
        #expect(a.start != b.start)
        #expect(a.events.count == 120)
    }

    @Test("a malformed packet changes no state: later actions and deadlines are the same without it")
    func malformedPacketsChangeNothing() async {
        await propertyCheck(count: 40, input: Gen.uint64(), Gen.int(in: 0...59)) { seed, at in
            let s = EngineEventSequence(seed: seed, length: 60)
            let p = s.malformedPacket(seed: seed ^ 0x5EED)
            #expect((try? SalvagedMessage(decoding: p.bytes)) == nil, "seed \(hex(seed))")
            let with = s.inserting(.receive(p), at: at)
            let r0 = s.run(), r1 = with.run()
            // At the hostile packet's step: one drop report and nothing else.
            let atStep = r1.trace.filter { $0.step == at }.map(\.action)
            guard case .receive = with.events[at] else { Issue.record("seed \(hex(seed)): not inserted"); return }
            #expect(atStep.count == 1 && atStep.allSatisfy { if case .report(.dropped(.malformed)) = $0 { true } else { false } },
                    "seed \(hex(seed)) at \(at): \(atStep)")
            // Everything after is the same as in the run without it.
            let shifted = r1.trace.filter { $0.step != at }.map { e -> EngineTraceEntry in
                var e = e
                if e.step > at { e.step -= 1 }
                return e
            }
            #expect(shifted == r0.trace, "seed \(hex(seed)) at \(at): \(firstDifference(shifted, r0.trace))")
            var deadlines = r1.deadlines
            deadlines.remove(at: at)
            #expect(deadlines == r0.deadlines, "seed \(hex(seed)) at \(at)")
            #expect(r1.engines[0].cache.all == r0.engines[0].cache.all, "seed \(hex(seed)) at \(at)")
            #expect(r1.registrations == r0.registrations, "seed \(hex(seed)) at \(at)")
            #expect(r1.engines[0].statistics.decodeErrors.values.reduce(0, +) == r0.engines[0].statistics.decodeErrors.values.reduce(0, +) + 1)
        }
    }

    @Test("two engines on one link with the same names end with distinct names or identical records (§8.2, §9)")
    func conflictsLeadToRenames() async {
        await propertyCheck(count: 20, input: eventGen(length: 60, engines: 2)) { v in
            let s = v.sequence
            let found = EventProperties.violations(s.run(engines: 2, settle: .seconds(60)), of: s)
            #expect(found.isEmpty, "seed \(hex(s.seed)): \(found.prefix(3))")
        }
    }

    @Test("two engines registering the same host name: one renames")
    func sameHostNameTwice() {
        var s = EngineEventSequence(seed: 7, length: 1)
        s.events = [.registerHost(HostRegistration(label: "evhost")), .advance(.seconds(5))]
        let r = s.run(engines: 2, settle: .seconds(20))
        #expect(r.violations.isEmpty, "\(r.violations)")
        let names = Set(r.engines.indices.compactMap { k in r.registrations[k].first.flatMap { r.engines[k].responder.name(of: $0) } })
        #expect(names == [try! DNSName(parsing: "evhost.local"), try! DNSName(parsing: "evhost-2.local")])
        #expect(r.trace.contains { if case .report(.renamed) = $0.action { true } else { false } })
        #expect(EventProperties.clashes(r).isEmpty)
    }

    @Test("the generator reaches the engine's caps, conflicts, renames, tiebreaks and decode errors")
    func coverage() {
        var overflows: [LimitKind: Int] = [:]
        var evicted = 0, conflicts = 0, renames = 0, lost = 0, decodeErrors = 0, sent = 0
        for seed in UInt64(0)..<40 {
            let s = EngineEventSequence(seed: seed, length: Self.length)
            let r = s.run()
            #expect(r.violations.isEmpty, "seed \(hex(seed)): \(r.violations.prefix(3))")
            let st = r.engines[0].statistics
            for (k, v) in st.overflows { overflows[k, default: 0] += v }
            evicted += r.engines[0].querierStatistics.totalEvicted
            conflicts += st.conflicts
            lost += st.lostTiebreaks
            decodeErrors += st.decodeErrors.values.reduce(0, +)
            sent += st.messagesSent
            renames += r.trace.filter { if case .report(.renamed) = $0.action { true } else { false } }.count
        }
        print("coverage over 40 sequences: overflows \(overflows), querier evictions \(evicted), conflicts \(conflicts), renames \(renames), lost tiebreaks \(lost), decode errors \(decodeErrors), messages sent \(sent)")
        #expect(overflows[.pendingResponses, default: 0] > 0, "\(overflows)")
        #expect(overflows[.truncatedQueryBuffers, default: 0] > 0, "\(overflows)")
        #expect(overflows[.registrations, default: 0] > 0, "\(overflows)")
        #expect(evicted > 0)
        #expect(conflicts > 0)
        #expect(renames > 0)
        #expect(lost > 0)
        #expect(decodeErrors > 0)
        #expect(sent > 0)
    }

    @Test("every event has a one-line description")
    func lines() {
        let s = EngineEventSequence(seed: 3, length: 40)
        #expect(s.lines.count == 40 + 1 + s.interfaces.count)
        #expect(s.lines.allSatisfy { !$0.contains("\n") })
    }
}

func firstDifference(_ a: [EngineTraceEntry], _ b: [EngineTraceEntry]) -> String {
    for (x, y) in zip(a, b) where x != y { return "\(x) vs \(y)" }
    return "lengths \(a.count) vs \(b.count)"
}
