import MDNSConformance
import MDNSCore
import Testing

@Suite("RFC 6762 §8 Probing and announcing")
struct RFC6762Section8Tests {
    @Test("passes against the built-in engine on the simulated link", arguments: Support.ids("RFC 6762 §8"))
    func builtInEnginePasses(_ id: String) {
        let r = Support.run(id)
        #expect([.pass, .notApplicable, .unsupported].contains(r.verdict), "\(Support.describe(r))")
    }
}
