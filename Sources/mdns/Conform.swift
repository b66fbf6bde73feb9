import ArgumentParser
import MDNSConformance
import MDNSCore
import MDNSGenerators
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Conform: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the mDNS responder conformance suite (RFC 6762/6763, Bonjour Conformance Test areas).",
        discussion: """
        By default every case runs against the built-in engine on a simulated link in virtual time. \
        Each case has a stable id, its RFC section and a verdict (pass, warn, fail, n/a, unsupported) with \
        the packets and times that decided it. Exit status is 1 when any case fails (--fail-on should: or warns).
        """
    )

    @Option(name: .customLong("case"), help: "Run only cases whose id, section, title or catalogue entry contains PATTERN (or id prefix with a trailing *); PATTERN,PATTERN,... for several.")
    var pattern: String?

    @Option(help: "Seed for the targets and the link (each case derives its own).")
    var seed: UInt64 = 1

    @Flag(help: "List the cases and exit.")
    var list = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Also write a JUnit XML report to this file.")
    var junit: String?

    @Option(help: "Also write the results as one self-contained HTML page to this file (matrix, timelines, evidence; as mdns report --html).")
    var html: String?

    @Flag(name: .shortAndLong, help: "Print evidence for passing cases too.")
    var verbose = false

    @Option(help: "Break a rule on purpose to see the suite catch it: skip-probing, shared-immediately, no-cache-flush, own-echo-conflict.")
    var fault: [String] = []

    @Option(name: .customLong("fail-on"), help: "Exit status 1 on: must (any fail, the default) or should (any fail or warn).")
    var failOn: FailurePolicy = .must

    @OptionGroup var live: ConformTargetOptions

    @Option(help: "Judge a recording instead (repeatable): the capture rules, a verdict per device (a host: its addresses and host names, its roles) with the deciding frames. --case, --list, --json (one document per file), --junit (a suite per device) and --fail-on apply.")
    var capture: [String] = []

    @OptionGroup var properties: ConformPropertyOptions

    func parsedFaults() throws -> Faults {
        var faults = Faults()
        for f in fault where !FaultName.set(f, in: &faults) { throw ValidationError("unknown fault \(f)") }
        return faults
    }

    func run() throws {
        if properties.properties { return try runProperties() }
        if !capture.isEmpty { return try runCaptures() }
        // PATTERN,PATTERN,...: the union, in catalogue order
        let parts = (pattern ?? "").split(separator: ",").map(String.init)
        let chosen = Set(parts.flatMap { ConformanceRunner.select(ConformanceCatalogue.all, pattern: $0).map(\.id) })
        let cases = parts.count > 1 ? ConformanceCatalogue.all.filter { chosen.contains($0.id) }
            : ConformanceRunner.select(ConformanceCatalogue.all, pattern: pattern)
        if list {
            for c in cases { print("\(c.id.padded(44)) \(c.section.padded(16)) \(c.catalogue.joined(separator: ", "))") }
            printSections(cases.map { ($0.section, $0.id) })
            return
        }
        guard !cases.isEmpty else { throw ValidationError("no case matches \(pattern ?? "")") }
        if live.target != "engine" { return try runLive(cases) }
        let faults = try parsedFaults()
        let clock = ContinuousClock()
        let started = clock.now
        let target = EngineTarget(seed: 0, faults: faults).name
        let results = ConformanceRunner.run(cases, seed: seed, makeTarget: { EngineTarget(seed: $0, faults: faults) }) { r in
            if !json { stderr("\(r.verdict.rawValue.uppercased()) \(r.id)\n") }
        }
        let wall = (clock.now - started).seconds
        let t = ResultsTarget(id: "engine", name: target, roles: ["responder", "querier"],
                              addresses: [EngineTarget.primaryAddress, EngineTarget.primaryAddress6].map { "\($0)" }, hostNames: [], packets: 0, timeline: [])
        let document = json || html != nil ? ConformanceReport.results(results, kind: .engine, target: t, seed: seed, runSeconds: wall).text : ""
        if let html { try writeReport(html, json: document) }
        if json {
            print(document)
        } else {
            print(ConformanceReport.text(results, target: target, seed: seed, verbose: verbose), terminator: "")
            let virtual = results.reduce(Duration.zero) { $0 + $1.targetTime }
            print("Run time: \(format(wall)) s (\(format(virtual.seconds)) s of virtual time)")
        }
        if let junit {
            try writeFile(ConformanceReport.junit(results, target: target, wallSeconds: wall), to: junit)
        }
        if results.contains(where: { failOn.fails($0.verdict) }) { throw ExitCode(1) }
    }

    /// `--capture`: every file judged with the capture rules, in the same formats as the engine's results.
    func runCaptures() throws {
        let rules = CaptureConformance.select(pattern)
        if list {
            for r in rules { print("\(r.id.padded(32)) \(r.section.padded(16)) \(r.level.rawValue)") }
            print("\(rules.count) capture rules")
            return
        }
        guard !rules.isEmpty else { throw ValidationError("no capture rule matches \(pattern ?? "")") }
        var failed = false
        var suites: [ConformanceReport.DeviceResults] = []
        var documents: [String] = []
        let clock = ContinuousClock()
        for f in capture {
            let started = clock.now
            let r = CaptureConformance.run(path: f, rules: rules)
            let devices = r.devices.map(CaptureConformance.results)
            let document = json || html != nil ? CaptureConformance.results(r, runSeconds: (clock.now - started).seconds).text : ""
            documents.append(document)
            if json {
                print(document)
            } else {
                print(CaptureConformance.text(r, verbose: verbose), terminator: "")
            }
            suites += devices.map { d in var d = d; d.name = f + ": " + d.name; return d }
            if r.fileError != nil || r.devices.contains(where: { failOn.fails($0.worst) }) { failed = true }
        }
        if let junit { try writeFile(ConformanceReport.junit(suites, wallSeconds: 0), to: junit) }
        if let html { try writeReport(html, json: documents.joined(separator: "\n")) }
        if failed { throw ExitCode(1) }
    }

    func writeFile(_ text: String, to path: String) throws {
        guard let f = fopen(path, "w") else { throw ValidationError("cannot write \(path)") }
        _ = text.withCString { fputs($0, f) }
        fclose(f)
    }

    func printSections(_ cases: [(section: String, id: String)]) {
        print("\nCases by section:")
        print(ConformanceReport.sectionSummary(cases), terminator: "")
        print("\(cases.count) cases")
    }

    func stderr(_ s: String) { _ = s.withCString { write(2, $0, strlen($0)) } }

    func format(_ d: Double) -> String {
        let v = Int((d * 100).rounded())
        return "\(v / 100).\(v % 100 < 10 ? "0" : "")\(v % 100)"
    }
}

extension FailurePolicy: ExpressibleByArgument {}

extension String {
    fileprivate func padded(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
