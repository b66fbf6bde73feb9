import MDNSConformance
import MDNSCore
import Testing

enum QuerierSupport {
    static func run(_ id: String, seed: UInt64 = Support.seed) -> CaseResult {
        let c = QuerierCatalogue.all.first { $0.id == id }!
        return ConformanceRunner.run(c, seed: seed, makeTarget: { EngineTarget(seed: $0) })
    }
    static var ids: [String] { QuerierCatalogue.all.map(\.id) }
}

@Suite("RFC 6762 §5, §7, §10 and RFC 6763 §4–§5: querier and cache cases")
struct QuerierConformanceTests {
    @Test("passes against the built-in engine on the simulated link", arguments: QuerierSupport.ids)
    func builtInEnginePasses(_ id: String) {
        let r = QuerierSupport.run(id)
        #expect(r.verdict == .pass, "\(Support.describe(r))")
    }

    @Test("every querier and cache entry of CONFORMANCE.md has a case, ids are unique across the whole catalogue")
    func coverage() {
        let entries = Set(QuerierCatalogue.all.flatMap(\.catalogue))
        for e in ["A14", "A15", "A16", "A17", "A30", "A32", "A47", "A48", "A49", "A50", "A51", "A52", "A53", "A54", "A72"] {
            #expect(entries.contains(e), "no querier case for \(e)")
        }
        let all = ConformanceCatalogue.all
        #expect(Set(all.map(\.id)).count == all.count)
        #expect(all.count == ResponderCatalogue.all.count + QuerierCatalogue.all.count)
    }

    @Test("results are the same for the same seed")
    func deterministic() {
        let a = QuerierSupport.run("rfc6762-5.2-refresh-queries", seed: 4), b = QuerierSupport.run("rfc6762-5.2-refresh-queries", seed: 4)
        #expect(a.summary == b.summary && a.evidence == b.evidence)
    }
}
