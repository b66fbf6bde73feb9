import Testing
import PropertyBased
import DNSWire
import MDNSCore
@testable import MDNSGenerators

/// A generated event sequence that shrinks with `EventShrink` and prints as a replayable script.
struct SeededSequence: Sendable, CustomStringConvertible {
    var sequence: EngineEventSequence
    var engines = 1
    var description: String { EventScript(sequence: sequence, engines: engines).text }
}

func eventGen(length: Int, engines: Int = 1) -> Generator<SeededSequence, [SeededSequence]> {
    Generator(run: { rng in SeededSequence(sequence: EngineEventSequence(seed: rng.next(), length: length), engines: engines) },
              shrink: { v in EventShrink.sequence(v.sequence).map { SeededSequence(sequence: $0, engines: v.engines) } })
}

@Suite("Shrinking event sequences: a broken rule shrinks to a handful of events")
struct EventShrinkingTests {
    struct Demo: Sendable, CustomTestStringConvertible {
        var fault: String
        var rule: EventInvariant
        var maxEvents: Int
        var testDescription: String { "\(fault) breaks \(rule.rawValue)" }
    }

    static let demos = [Demo(fault: "skip-probing", rule: .engineRules, maxEvents: 2),
                        Demo(fault: "no-cache-flush", rule: .cacheFlush, maxEvents: 2),
                        Demo(fault: "shared-immediately", rule: .sharedAnswerDelay, maxEvents: 4)]

    @Test("a fault is found and shrinks to a replayable script of a handful of events", arguments: demos)
    func faultShrinks(_ demo: Demo) throws {
        var faults = Faults()
        #expect(FaultName.set(demo.fault, in: &faults))
        let clock = ContinuousClock()
        var outcome: EventPropertyRun.Outcome?
        let took = clock.measure { outcome = EventPropertyRun(seed: 1, count: 30, length: 60, engines: 1, faults: faults).run() }
        let f = try #require(outcome?.failure, "\(demo.fault) not found in 30 sequences")
        print("\(demo.fault): sequence \(f.index) of 60 events -> \(f.minimal.sequence.events.count) in \(f.steps) steps, \(f.attempts) runs, \(took)\n\(f.minimal.text)")
        #expect(f.minimal.sequence.events.count <= demo.maxEvents, "\(f.minimal.text)")
        #expect(f.violations.contains { EventInvariant.of($0) == demo.rule }, "\(f.violations)")
        // The printed script replays to the same failure, and passes without the fault.
        let replayed = try EventScript(parsing: f.minimal.text)
        #expect(replayed == f.minimal)
        #expect(replayed.violations().contains { EventInvariant.of($0) == demo.rule })
        var healthy = replayed
        healthy.faults = Faults()
        #expect(healthy.violations().isEmpty, "\(healthy.violations())")
    }

    @Test("every sequence survives its script: parse(text) gives it back")
    func scriptRoundTrip() async {
        await propertyCheck(count: 40, input: eventGen(length: 80)) { v in
            let script = EventScript(sequence: v.sequence, engines: 2, faults: Faults(), settle: .seconds(3))
            #expect((try? EventScript(parsing: script.text)) == script, "\(script.text)")
        }
    }

    @Test("the Swift test snippet carries the script as a raw string literal")
    func snippet() throws {
        let script = EventScript(sequence: EngineEventSequence(seed: 0x2a, length: 12), engines: 2)
        let snippet = script.swiftTestSnippet
        #expect(snippet.contains("func eventScript2a() throws {"))
        #expect(snippet.contains("try EventScript(parsing: #\"\"\"\n"))
        for line in script.text.split(separator: "\n") { #expect(snippet.contains("\n        " + line + "\n"), "\(line)") }
        #expect(snippet.contains("\n        \"\"\"#)\n    #expect(script.violations().isEmpty)"))
    }

    @Test("a bad script line is an error with its line number")
    func badLines() {
        for (text, line) in [("engines 2\nfrobnicate 3\n", 2), ("receive 1.2.3.4 5353 1 multicast 0g \"x\"\n", 1),
                             ("# c\nregister-host \"a\n", 2), ("advance 5\n", 1), ("query \"a.local\" NOPE\n", 1)] {
            #expect(throws: EventScriptError.self) { try EventScript(parsing: text) }
            do { _ = try EventScript(parsing: text) } catch { #expect(error.line == line, "\(text): \(error)") }
        }
    }

    @Test("scripts are bounded: EventScript.maxEngines and maxAdvance")
    func limits() throws {
        #expect(EventScript.maxEngines == 4)
        #expect(EventScript.maxAdvance == .seconds(86_400))
        #expect(try EventScript(parsing: "engines 99\n").engines == EventScript.maxEngines)
        #expect(throws: EventScriptError.self) { try EventScript(parsing: "advance 86400000000001ns\n") }
        #expect(try EventScript(parsing: "advance 86400000000000ns\n").sequence.events == [.advance(.seconds(86_400))])
    }

    @Test("event candidates are never the sequence itself and drop the largest runs first")
    func candidates() {
        let s = EngineEventSequence(seed: 5, length: 40)
        let c = EventShrink.sequence(s)
        #expect(c.first?.events.isEmpty == true)
        #expect(!c.contains(s))
        #expect(c.contains { $0.events.count == 20 })
    }
}
