import DNSWire
import MDNSCore

/// A line of an event script that does not parse: its line number and why.
public struct EventScriptError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public var description: String { "line \(line): \(reason)" }
}

/// The fault names `mdns conform --fault` and event scripts use.
public enum FaultName {
    public static let all = ["skip-probing", "shared-immediately", "no-cache-flush", "own-echo-conflict"]

    public static func set(_ name: String, in f: inout Faults) -> Bool {
        switch name {
        case "skip-probing": f.skipProbing = true
        case "shared-immediately": f.answerSharedImmediately = true
        case "no-cache-flush": f.omitCacheFlush = true
        case "own-echo-conflict": f.conflictOnOwnEcho = true
        default: return false
        }
        return true
    }

    /// The names of the faults set in `f` (those that setting again leaves unchanged).
    public static func names(_ f: Faults) -> [String] {
        all.filter { n in var g = f; _ = set(n, in: &g); return g == f }
    }
}

/// A replayable event sequence: the run's settings, then one event per line, every value in
/// full (packets as hex). `mdns replay-events FILE` reads it; README "Event scripts" documents it.
public struct EventScript: Hashable, Sendable {
    /// The most engines a script may ask for (each one is a full responder and querier).
    public static let maxEngines = 4
    /// The longest single time step a script may take.
    public static let maxAdvance = Duration.seconds(86_400)

    public var sequence: EngineEventSequence
    public var engines: Int
    public var faults: Faults
    /// Virtual time the run goes on after the last event.
    public var settle: Duration

    public init(sequence: EngineEventSequence, engines: Int = 1, faults: Faults = Faults(), settle: Duration = .seconds(10)) {
        self.sequence = sequence; self.engines = engines; self.faults = faults; self.settle = settle
    }

    public func run() -> EngineRun { sequence.run(engines: engines, settle: settle, faults: faults) }

    /// The violations of every `EventInvariant` when the script runs.
    public func violations() -> [String] { EventProperties.violations(run(), of: sequence) }

    public var text: String {
        let s = sequence
        var out = ["# mdns event script: one event per line; replay with `mdns replay-events FILE`",
                   "seed 0x\(String(s.seed, radix: 16))", "engine-seed 0x\(String(s.engineSeed, radix: 16))",
                   "start \(s.start.nanoseconds)", "engines \(engines)", "settle \(settle.nanoseconds)ns"]
        out += FaultName.names(faults).map { "fault \($0)" }
        out += s.interfaces.map { i in
            (["interface", "\(i.id.rawValue)", i.name] + i.addresses.map { "\($0.address)/\($0.prefixLength)" }).joined(separator: " ")
        }
        out += s.events.map(Self.line)
        return out.joined(separator: "\n") + "\n"
    }

    /// A Swift Testing case that replays this script and expects every invariant to hold (paste
    /// it into a test target that imports MDNSGenerators, keep it as a regression test).
    public var swiftTestSnippet: String {
        let seed = String(sequence.seed, radix: 16)
        let body = text.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n")
        return """
            @Test("regression: event script from seed 0x\(seed)")
            func eventScript\(seed)() throws {
                let script = try EventScript(parsing: #\"\"\"
            \(body)
                    \"\"\"#)
                #expect(script.violations().isEmpty)
            }
            """
    }

    static func line(_ e: EngineEvent) -> String {
        func on(_ s: Set<InterfaceID>?) -> String { s.map { " on " + $0.sorted().map { String($0.rawValue) }.joined(separator: ",") } ?? "" }
        func txt(_ t: TXT) -> String { t.strings.map { " " + ScriptText.quote($0) }.joined() }
        switch e {
        case .registerHost(let h): return "register-host \(ScriptText.quote(h.label))\(on(h.interfaces))"
        case .registerService(let s):
            let subs = s.subtypes.isEmpty ? "" : " subtypes " + s.subtypes.joined(separator: ",")
            return "register-service \(ScriptText.quote(s.instance)) \(s.type) \(s.port)\(subs)\(on(s.interfaces)) txt\(txt(s.txt))"
        case .updateTXT(let r, let t): return "update-txt \(r)\(txt(t))"
        case .rename(let r, let label): return "rename \(r) \(ScriptText.quote(label))"
        case .withdraw(let r): return "withdraw \(r)"
        case .receive(let p):
            return "receive \(p.source.address) \(p.source.port) \(p.interface.rawValue) \(p.via == .unicast ? "unicast" : "multicast") "
                + Counterexample.hex(p.bytes).replacingSpaces() + " " + ScriptText.quote(p.label)
        case .echo(let back): return "echo \(back)"
        case .interfaceDown(let i): return "interface-down \(i.rawValue)"
        case .interfaceUp(let i): return "interface-up \(i.rawValue)"
        case .browse(let t): return "browse \(t)"
        case .resolve(let n): return "resolve \(ScriptText.quote(n))"
        case .query(let n, let t, let oneShot): return "query \(ScriptText.quote(n)) \(t)\(oneShot ? " one-shot" : "")"
        case .stop(let s): return "stop \(s)"
        case .advance(let d): return "advance \(d.nanoseconds)ns"
        }
    }
}

extension String {
    func replacingSpaces() -> String { String(filter { $0 != " " }) }
}

/// Quoting for script values: printable ASCII stays, `"`, `\` and every other byte become `\DDD`.
enum ScriptText {
    static func quote(_ s: String) -> String { quote(Array(s.utf8)) }
    static func quote(_ n: DNSName) -> String { quote(n.description) }

    static func quote(_ b: [UInt8]) -> String {
        var out = "\""
        for c in b {
            if c >= 0x20 && c < 0x7F && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\") { out.unicodeScalars.append(Unicode.Scalar(c)) } else {
                let d = String(c)
                out += "\\" + String(repeating: "0", count: 3 - d.count) + d
            }
        }
        return out + "\""
    }

    /// Splits a line into words; a quoted word comes back as its bytes with escapes undone.
    static func words(_ line: Substring) -> [[UInt8]]? {
        var out: [[UInt8]] = [], b = Array(line.utf8), i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: " ") { i += 1; continue }
            var w: [UInt8] = []
            if b[i] == UInt8(ascii: "\"") {
                i += 1
                while i < b.count && b[i] != UInt8(ascii: "\"") {
                    if b[i] == UInt8(ascii: "\\") {
                        guard i + 3 < b.count, let v = UInt8(String(decoding: b[(i + 1)...(i + 3)], as: UTF8.self)) else { return nil }
                        w.append(v); i += 4
                    } else { w.append(b[i]); i += 1 }
                }
                guard i < b.count else { return nil }
                i += 1
            } else {
                while i < b.count && b[i] != UInt8(ascii: " ") { w.append(b[i]); i += 1 }
            }
            out.append(w)
        }
        return out
    }
}
