/// The verdicts an implementation is known to get: one line per case that does not pass,
/// `CASE-ID VERDICT REASON...`; every case not listed is expected to pass. A run differs when
/// any verdict differs from the file, in either direction (a newly passing case too).
public struct ExpectedResults: Sendable {
    public struct Entry: Sendable, Equatable {
        public var verdict: Verdict
        public var reason: String
    }
    public var entries: [String: Entry]

    public init(entries: [String: Entry] = [:]) { self.entries = entries }

    public static func parse(_ text: String) throws(LiveError) -> ExpectedResults {
        var out: [String: Entry] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop { $0 == " " }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard words.count >= 2, let v = Verdict(rawValue: String(words[1])) else {
                throw LiveError("expected results line \(n + 1): want 'CASE-ID VERDICT REASON' (verdicts: \(Verdict.allCases.map(\.rawValue).joined(separator: " ")))")
            }
            out[String(words[0])] = Entry(verdict: v, reason: words.count > 2 ? String(words[2]) : "")
        }
        return ExpectedResults(entries: out)
    }

    public func expected(_ id: String) -> Verdict { entries[id]?.verdict ?? .pass }

    /// One line per case whose verdict is not the expected one.
    public func differences(_ rs: [CaseResult]) -> [String] {
        var out: [String] = []
        for r in rs where r.verdict != expected(r.id) {
            out.append("\(r.id): expected \(expected(r.id).rawValue), got \(r.verdict.rawValue) (\(r.summary))")
        }
        return out
    }

    /// The file for `rs`: the existing reasons kept, new non-passes with their summary; cases
    /// not run keep their lines.
    public func blessed(_ rs: [CaseResult], header: String) -> String {
        var out = header.split(separator: "\n").map { "# " + $0 }.joined(separator: "\n") + "\n"
        let ran = Set(rs.map(\.id))
        for id in entries.keys.sorted() where !ran.contains(id) {
            out += "\(id) \(entries[id]!.verdict.rawValue) \(entries[id]!.reason)\n"
        }
        for r in rs where r.verdict != .pass {
            let reason = entries[r.id].flatMap { $0.verdict == r.verdict && !$0.reason.isEmpty ? $0.reason : nil } ?? r.summary
            out += "\(r.id) \(r.verdict.rawValue) \(reason.replacingNewlines())\n"
        }
        return out
    }
}

extension String {
    func replacingNewlines() -> String { String(map { $0 == "\n" ? " " : $0 }) }
}
