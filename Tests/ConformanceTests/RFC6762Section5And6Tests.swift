import MDNSConformance
import MDNSCore
import Testing

@Suite("RFC 6762 §5–§6 Querying and responding")
struct RFC6762Section5And6Tests {
    @Test("passes against the built-in engine on the simulated link", arguments: Support.ids("RFC 6762 §5", "RFC 6762 §6"))
    func builtInEnginePasses(_ id: String) {
        let r = Support.run(id)
        #expect([.pass, .notApplicable, .unsupported].contains(r.verdict), "\(Support.describe(r))")
    }
}
