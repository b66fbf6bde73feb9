import MDNSConformance
import MDNSCore
import Testing

@Suite("RFC 6762 §7 Traffic reduction")
struct RFC6762Section7Tests {
    @Test("passes against the built-in engine on the simulated link", arguments: Support.ids("RFC 6762 §7"))
    func builtInEnginePasses(_ id: String) {
        let r = Support.run(id)
        #expect([.pass, .notApplicable, .unsupported].contains(r.verdict), "\(Support.describe(r))")
    }
}
