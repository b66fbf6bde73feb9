import MDNSConformance
import MDNSCore
import Testing

@Suite("RFC 6763 DNS-Based Service Discovery")
struct RFC6763Tests {
    @Test("passes against the built-in engine on the simulated link", arguments: Support.ids("RFC 6763"))
    func builtInEnginePasses(_ id: String) {
        let r = Support.run(id)
        #expect([.pass, .notApplicable, .unsupported].contains(r.verdict), "\(Support.describe(r))")
    }
}
