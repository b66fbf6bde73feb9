import MDNSConformance
import MDNSCore
import Testing

@Suite("RFC 1035 §4.1 Malformed packets")
struct RobustnessTests {
    @Test("passes against the built-in engine on the simulated link", arguments: Support.ids("RFC 1035", "RFC 6891"))
    func builtInEnginePasses(_ id: String) {
        let r = Support.run(id)
        #expect([.pass, .notApplicable, .unsupported].contains(r.verdict), "\(Support.describe(r))")
    }
}
