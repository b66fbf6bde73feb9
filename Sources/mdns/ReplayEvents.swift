import ArgumentParser
import MDNSCore
import MDNSGenerators

struct ReplayEvents: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay-events",
        abstract: "Run an event script (as `mdns conform --properties` prints it) against the built-in engine and check every invariant.",
        discussion: """
        One event per line (README "Event scripts"). Prints each engine action with the step that \
        caused it (-v), then the invariants' verdict. Exit status 1 when an invariant is broken, 65 \
        when the script does not parse.
        """
    )

    @Argument(help: "The script file.")
    var file: String

    @Flag(name: .shortAndLong, help: "Print every engine action, with its time and step.")
    var verbose = false

    @Option(help: "Break a rule on purpose (as `mdns conform --fault`); adds to the script's own fault lines.")
    var fault: [String] = []

    func run() throws {
        guard let text = readText(file) else { throw ValidationError("cannot read \(file)") }
        var script: EventScript
        do { script = try EventScript(parsing: text) } catch {
            print("\(file): \(error)")
            throw ExitCode(65)
        }
        for f in fault where !FaultName.set(f, in: &script.faults) { throw ValidationError("unknown fault \(f)") }
        let run = script.run()
        if verbose { for e in run.trace { print(e) } }
        let violations = EventProperties.violations(run, of: script.sequence)
        print("\(script.sequence.events.count) events on \(script.engines) engine(s), \(run.trace.count) actions, \(run.messagesChecked) messages checked")
        guard !violations.isEmpty else { print("all invariants hold"); return }
        for v in violations { print("FAIL \(EventInvariant.of(v).rawValue): \(v)") }
        throw ExitCode(1)
    }
}
