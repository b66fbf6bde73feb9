import DNSWire
import MDNSCore

/// The one results document of every `--json` run (schema `mdns-results/1`, README "Results
/// JSON"): the targets with their timelines, the cases with their verdicts, and the frames both
/// refer to by index, each packet once.
public struct ResultsDocument: Sendable {
    public static let schema = "mdns-results/1"

    public enum Kind: String, Sendable, CaseIterable {
        case engine, capture, live, replay, interop, matrix
    }

    public var kind: Kind
    /// The target's name or the capture's path.
    public var source: String
    public var seed: UInt64?
    public var runSeconds: Double
    public var targets: [ResultsTarget]
    public var cases: [ResultsCase]
    public var frames: [ResultsFrame]
    /// Capture counters (datagrams, undecodable, ...), for capture and replay documents.
    public var capture: [(String, JSONValue)]?

    public init(kind: Kind, source: String, seed: UInt64? = nil, runSeconds: Double, targets: [ResultsTarget],
                cases: [ResultsCase], frames: [ResultsFrame], capture: [(String, JSONValue)]? = nil) {
        self.kind = kind; self.source = source; self.seed = seed; self.runSeconds = runSeconds
        self.targets = targets; self.cases = cases; self.frames = frames; self.capture = capture
    }

    public var json: JSONValue {
        var o: [(String, JSONValue)] = [("schema", .string(Self.schema)), ("kind", .string(kind.rawValue)), ("source", .string(source))]
        if let seed { o.append(("seed", .int(Int(truncatingIfNeeded: seed)))) }
        o.append(("runSeconds", .number(Results.seconds(runSeconds))))
        o.append(("totals", Results.totals(cases.map(\.verdict))))
        o.append(("targets", .array(targets.map { t in t.json(cases: cases.filter { $0.target == t.id }) })))
        o.append(("cases", .array(cases.map(\.json))))
        o.append(("frames", .array(frames.map(\.json))))
        if let capture { o.append(("capture", .object(capture))) }
        return .object(o)
    }

    public var text: String { json.text }
}

/// A device of a capture, or a target the cases ran against.
public struct ResultsTarget: Sendable {
    /// Unique in the document; cases name their target by it.
    public var id: String
    public var name: String
    public var implementation: String?
    public var roles: [String]
    public var addresses: [String]
    public var hostNames: [String]
    public var packets: Int
    /// What the device did, in time order.
    public var timeline: [TimelineMark]

    public init(id: String, name: String, implementation: String? = nil, roles: [String], addresses: [String],
                hostNames: [String], packets: Int, timeline: [TimelineMark]) {
        self.id = id; self.name = name; self.implementation = implementation; self.roles = roles
        self.addresses = addresses; self.hostNames = hostNames; self.packets = packets; self.timeline = timeline
    }

    func json(cases: [ResultsCase]) -> JSONValue {
        var o: [(String, JSONValue)] = [("id", .string(id)), ("name", .string(name))]
        if let implementation { o.append(("implementation", .string(implementation))) }
        o += [("roles", Results.strings(roles)), ("addresses", Results.strings(addresses)), ("hostNames", Results.strings(hostNames)),
              ("packets", .int(packets)), ("totals", Results.totals(cases.map(\.verdict))), ("timeline", .array(timeline.map(\.json)))]
        return .object(o)
    }
}

/// One thing a device did (or the tester did to it), at a time, with the frame that shows it.
public struct TimelineMark: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case probe, query
        case legacyQuery = "legacy-query"
        case announcement, answer, defence, goodbye
        case unicastReply = "unicast-reply"
        case legacyReply = "legacy-reply"
        /// Another host's record or probe that took a name this device probed (RFC 6762 §8.1, §8.2, §9).
        case conflict
        /// The first probe for a new name after a conflict (RFC 6762 §9).
        case rename
        /// A packet the tester put on the link.
        case sent
    }

    /// Seconds from the start of the run.
    public var t: Double
    public var kind: Kind
    /// Index into the document's frames; nil when the frame was left out.
    public var frame: Int?
    public var name: String?
    /// The case run this mark belongs to (engine and live targets).
    public var caseID: String?
    /// The frame this mark answers.
    public var cause: Int?

    public init(t: Double, kind: Kind, frame: Int?, name: String? = nil, caseID: String? = nil, cause: Int? = nil) {
        self.t = t; self.kind = kind; self.frame = frame; self.name = name; self.caseID = caseID; self.cause = cause
    }

    /// Sorted by time; marks at the same time keep their order.
    public static func inTimeOrder(_ ms: [TimelineMark]) -> [TimelineMark] {
        ms.enumerated().sorted { $0.element.t != $1.element.t ? $0.element.t < $1.element.t : $0.offset < $1.offset }.map(\.element)
    }

    var json: JSONValue {
        var o: [(String, JSONValue)] = [("t", .number(Results.seconds(t))), ("kind", .string(kind.rawValue)), ("frame", frame.map { .int($0) } ?? .null)]
        if let name { o.append(("name", .string(name))) }
        if let caseID { o.append(("case", .string(caseID))) }
        if let cause { o.append(("cause", .int(cause))) }
        return .object(o)
    }
}

/// A time span drawn on a case's timeline: the window an RFC allows.
public struct ResultsWindow: Sendable {
    public var label: String
    public var start: Double
    public var end: Double
    public var frame: Int?

    public init(label: String, start: Double, end: Double, frame: Int? = nil) {
        self.label = label; self.start = start; self.end = end; self.frame = frame
    }

    var json: JSONValue {
        .object([("label", .string(label)), ("start", .number(Results.seconds(start))), ("end", .number(Results.seconds(end))),
                 ("frame", frame.map { .int($0) } ?? .null)])
    }
}

/// One case's verdict on one target.
public struct ResultsCase: Sendable {
    public var target: String
    public var id: String
    public var section: String
    public var title: String
    public var level: RequirementLevel
    public var citation: String
    public var catalogue: [String]
    public var verdict: Verdict
    public var summary: String
    public var targetSeconds: Double
    /// Frame indices that decided the verdict.
    public var evidence: [Int]
    /// Free text lines: what the case did and saw.
    public var notes: [String]
    public var windows: [ResultsWindow]

    public init(target: String, _ r: CaseResult, evidence: [Int] = [], windows: [ResultsWindow] = []) {
        self.target = target; id = r.id; section = r.section; title = r.title; level = r.level; citation = r.citation
        catalogue = r.catalogue; verdict = r.verdict; summary = r.summary; targetSeconds = r.targetTime.seconds
        self.evidence = evidence; notes = r.evidence; self.windows = windows
    }

    var json: JSONValue {
        var o: [(String, JSONValue)] = [
            ("target", .string(target)), ("id", .string(id)), ("section", .string(section)), ("title", .string(title)),
            ("level", .string(level.rawValue)), ("citation", .string(citation)), ("catalogue", Results.strings(catalogue)),
            ("verdict", .string(verdict.schemaName)), ("summary", .string(summary)),
            ("targetSeconds", .number(Results.seconds(targetSeconds))), ("evidence", .array(evidence.map { .int($0) })),
            ("notes", Results.strings(notes)),
        ]
        if !windows.isEmpty { o.append(("windows", .array(windows.map(\.json)))) }
        return .object(o)
    }
}

/// One packet, decoded, as the timeline and the evidence show it.
public struct ResultsFrame: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case query, response, undecodable }

    /// Its position in the document's frames.
    public var index: Int
    /// The 1-based frame number in the capture.
    public var number: Int?
    public var t: Double
    public var source: String
    public var destination: String
    public var interface: String?
    public var message: Message?
    /// Why the bytes did not decode (kind `undecodable`).
    public var error: String?

    public init(index: Int, number: Int? = nil, t: Double, source: String, destination: String, interface: String? = nil,
                message: Message?, error: String? = nil) {
        self.index = index; self.number = number; self.t = t; self.source = source; self.destination = destination
        self.interface = interface; self.message = message; self.error = message == nil ? error ?? "does not decode as a DNS message" : error
    }

    public var kind: Kind { message.map { $0.header.isResponse ? .response : .query } ?? .undecodable }

    var json: JSONValue {
        var o: [(String, JSONValue)] = [("index", .int(index))]
        if let number { o.append(("number", .int(number))) }
        o += [("t", .number(Results.seconds(t))), ("source", .string(source)), ("destination", .string(destination))]
        if let interface { o.append(("interface", .string(interface))) }
        o.append(("kind", .string(kind.rawValue)))
        let m = message
        o += [("id", .int(Int(m?.header.id ?? 0))), ("flags", .string(m?.header.flagNames.joined(separator: " ") ?? "")),
              ("questions", Results.strings(m?.questions.map(Results.text) ?? [])),
              ("answers", Results.strings(m?.answers.map(Results.text) ?? [])),
              ("authority", Results.strings(m?.authorities.map(Results.text) ?? [])),
              ("additional", Results.strings(m?.additionals.map(Results.text) ?? []))]
        if let error { o.append(("error", .string(error))) }
        return .object(o)
    }
}

extension Verdict {
    /// The verdict as the results schema spells it (`notApplicable` for n/a).
    public var schemaName: String { self == .notApplicable ? "notApplicable" : rawValue }
}

/// Shared pieces of the results encoders.
public enum Results {
    /// Seconds rounded to the microsecond: enough for every RFC window, short in the JSON.
    public static func seconds(_ s: Double) -> Double { (s * 1_000_000).rounded() / 1_000_000 }

    public static func seconds(nanoseconds ns: Int64) -> Double { Double(ns / 1000) / 1_000_000 }

    static func strings(_ ss: [String]) -> JSONValue { .array(ss.map { .string($0) }) }

    public static func totals(_ vs: [Verdict]) -> JSONValue {
        var t: [Verdict: Int] = [:]
        for v in vs { t[v, default: 0] += 1 }
        return .object([("cases", .int(vs.count))] + [Verdict.pass, .warn, .fail, .notApplicable, .unsupported].map { v in
            (v.schemaName, .int(t[v, default: 0]))
        })
    }

    /// A question as one line: name, type, QU or QM (RFC 6762 §5.4).
    static func text(_ q: Question) -> String {
        "\(q.name) \(q.type) \(q.unicastResponse ? "QU" : "QM")"
    }

    /// A record as one line of presentation format, the cache-flush bit (RFC 6762 §10.2) named.
    static func text(_ r: ResourceRecord) -> String {
        let cls = r.type == .opt ? "CLASS\(r.rrclass.rawValue)" : "\(r.rrclass)"
        return "\(r.name) \(r.ttl) \(cls) \(r.type) \(r.rdata)" + (r.cacheFlush ? " cache-flush" : "")
    }
}
