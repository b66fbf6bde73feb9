import MDNSConformance
import MDNSCore
import Testing

@Suite("RFC 6762 §10–§18 Caching, interfaces, names and wire format")
struct RFC6762Section10To18Tests {
    @Test("passes against the built-in engine on the simulated link", arguments: Support.ids("RFC 6762 §1"))
    func builtInEnginePasses(_ id: String) {
        let r = Support.run(id)
        #expect([.pass, .notApplicable, .unsupported].contains(r.verdict), "\(Support.describe(r))")
    }
}
