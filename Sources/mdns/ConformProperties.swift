import ArgumentParser
import MDNSConformance
import MDNSCore
import MDNSGenerators

struct ConformPropertyOptions: ParsableArguments {
    @Flag(help: "Property-based conformance: random event sequences against the engine, every invariant checked after each step; the first failure is shrunk to a minimal script for `mdns replay-events`.")
    var properties = false

    @Option(help: "With --properties: how many sequences (each from its own seed derived from --seed).")
    var count = 200

    @Option(help: "With --properties: stop starting new sequences after this many seconds of wall time.")
    var time: Double = 120

    @Option(help: "With --properties: events per sequence.")
    var length = 60

    @Option(help: "With --properties: engines sharing the simulated link (1...4).")
    var engines = 2

    @Option(help: "With --properties: write the minimal failing script to this file.")
    var script: String?
}

extension Conform {
    /// `--properties`: deterministic from --seed on virtual time; exit 1 with the shrunk script on a failure.
    func runProperties() throws {
        let o = properties
        guard live.target == "engine" else {
            throw ValidationError("--properties runs against the built-in engine; live targets are not driven by event sequences yet")
        }
        guard (1...EventScript.maxEngines).contains(o.engines), o.count >= 0, o.length >= 0 else {
            throw ValidationError("--engines 1...\(EventScript.maxEngines), --count and --length at least 0")
        }
        let run = EventPropertyRun(seed: seed, count: o.count, length: o.length, engines: o.engines, faults: try parsedFaults())
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = run.run { (clock.now - started).seconds < o.time }
        let searched = (clock.now - started).seconds
        print("properties: \(outcome.ran) sequences of \(o.length) events on \(o.engines) engine(s), seed \(seed), \(format(searched)) s")
        print("rules: " + EventInvariant.allCases.map(\.rawValue).joined(separator: ", "))
        guard let f = outcome.failure else { print("no violation"); return }
        print("FAIL sequence \(f.index) (seed 0x\(String(f.itemSeed, radix: 16))): \(f.original.events.count) events shrunk to "
              + "\(f.minimal.sequence.events.count) in \(f.steps) steps (\(f.attempts) runs)")
        for v in f.violations.prefix(5) { print("  \(v)") }
        print(f.minimal.text)
        print("As a Swift test:\n" + f.minimal.swiftTestSnippet)
        if let path = o.script { try writeFile(f.minimal.text, to: path) }
        throw ExitCode(1)
    }
}
