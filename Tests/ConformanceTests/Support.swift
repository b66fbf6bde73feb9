import MDNSConformance
import MDNSCore

enum Support {
    static let seed: UInt64 = 1

    static func run(_ id: String, faults: Faults = Faults(), seed: UInt64 = Support.seed) -> CaseResult {
        let c = ResponderCatalogue.all.first { $0.id == id }!
        return ConformanceRunner.run(c, seed: seed, makeTarget: { EngineTarget(seed: $0, faults: faults) })
    }

    /// Ids of the cases in sections starting with one of `prefixes`.
    static func ids(_ prefixes: String...) -> [String] {
        ResponderCatalogue.all.filter { c in prefixes.contains { c.section.hasPrefix($0) } }.map(\.id)
    }

    static func describe(_ r: CaseResult) -> String {
        "\(r.verdict.rawValue) \(r.id): \(r.summary)\n" + r.evidence.joined(separator: "\n")
    }
}
