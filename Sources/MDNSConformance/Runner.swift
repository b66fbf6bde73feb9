import DNSWire
import MDNSCore

/// One case's result.
public struct CaseResult: Sendable {
    public var id: String
    public var section: String
    public var title: String
    public var catalogue: [String]
    public var level: RequirementLevel = .info
    public var citation: String = ""
    public var verdict: Verdict
    public var summary: String
    public var evidence: [String]
    /// Time that passed on the target's clock.
    public var targetTime: Duration
    /// Capture frame numbers that decided the verdict (recordings only).
    public var frames: [Int] = []
    /// The packets of the case's run (engine and live targets).
    public var traffic: CaseTraffic?
}

/// Runs cases, each against a fresh target.
public enum ConformanceRunner {
    /// FNV-1a: a per-case seed that is stable across runs and platforms.
    public static func seed(_ base: UInt64, _ id: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h ^ base
    }

    /// Cases whose id, section, title or catalogue entry contains `pattern` (case-insensitive);
    /// a pattern ending in `*` matches id prefixes.
    public static func select(_ cases: [ConformanceCase], pattern: String?) -> [ConformanceCase] {
        guard let p = pattern?.lowercased(), !p.isEmpty else { return cases }
        if p.hasSuffix("*") {
            let prefix = String(p.dropLast())
            return cases.filter { $0.id.lowercased().hasPrefix(prefix) }
        }
        return cases.filter { c in
            ([c.id, c.section, c.title] + c.catalogue).contains { $0.lowercased().contains(p) }
        }
    }

    public static func run(_ c: ConformanceCase, seed: UInt64, makeTarget: (UInt64) -> ConformanceTarget) -> CaseResult {
        let s = Self.seed(seed, c.id)
        let target = makeTarget(s)
        let missing = c.requires.subtracting(target.capabilities)
        guard missing.isEmpty else {
            return CaseResult(id: c.id, section: c.section, title: c.title, catalogue: c.catalogue, level: c.level,
                              citation: c.citation, verdict: .unsupported,
                              summary: "target lacks " + missing.map(\.rawValue).sorted().joined(separator: ", "),
                              evidence: [], targetTime: .zero)
        }
        let ctx = CaseContext(target: target, publication: c.publication, seed: s)
        let t0 = target.now
        let o = c.run(ctx)
        return CaseResult(id: c.id, section: c.section, title: c.title, catalogue: c.catalogue, level: c.level,
                          citation: c.citation, verdict: c.level.judge(o.verdict), summary: o.summary, evidence: ctx.evidence,
                          targetTime: target.now - t0,
                          traffic: CaseTraffic(start: t0, sent: ctx.observed, delivered: target.delivered, cited: ctx.cited))
    }

    public static func run(_ cases: [ConformanceCase], seed: UInt64, makeTarget: (UInt64) -> ConformanceTarget,
                           progress: ((CaseResult) -> Void)? = nil) -> [CaseResult] {
        cases.map { c in
            let r = run(c, seed: seed, makeTarget: makeTarget)
            progress?(r)
            return r
        }
    }
}

/// Renders results: text, JSON, JUnit XML.
public enum ConformanceReport {
    /// Case counts by RFC section, in section order.
    public static func countsBySection(_ cases: [(section: String, id: String)]) -> [(section: String, count: Int)] {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for c in cases {
            if counts[c.section] == nil { order.append(c.section) }
            counts[c.section, default: 0] += 1
        }
        return order.sorted(by: sectionLess).map { ($0, counts[$0]!) }
    }

    /// "RFC 6762 §8.2.1" → "RFC 6762 §8".
    public static func majorSection(_ s: String) -> String {
        guard let mark = s.firstIndex(of: "§") else { return s }
        let tail = s[s.index(after: mark)...]
        return String(s[...mark]) + String(tail.prefix { $0 != "." })
    }

    /// One line per top-level section, with the subsections' counts.
    public static func sectionSummary(_ cases: [(section: String, id: String)]) -> String {
        let exact = countsBySection(cases)
        var majors: [String] = []
        for (s, _) in exact where !majors.contains(majorSection(s)) { majors.append(majorSection(s)) }
        var out = ""
        for m in majors {
            let subs = exact.filter { majorSection($0.section) == m }
            let total = subs.reduce(0) { $0 + $1.count }
            let detail = subs.count > 1 || subs[0].section != m
                ? "  (" + subs.map { "§" + ($0.section.split(separator: "§").last.map(String.init) ?? "") + " \($0.count)" }.joined(separator: ", ") + ")" : ""
            out += "  \(m.padding(16)) \(String(total).padding(3))\(detail)\n"
        }
        return out
    }

    static func sectionLess(_ a: String, _ b: String) -> Bool {
        func key(_ s: String) -> ([Int], String) {
            // "RFC 6762 §8.2" → [6762, 8, 2]; BCT areas sort last.
            var nums: [Int] = []
            var cur = ""
            for ch in s {
                if ch.isNumber { cur.append(ch) } else if !cur.isEmpty { nums.append(Int(cur) ?? 0); cur = "" }
            }
            if !cur.isEmpty { nums.append(Int(cur) ?? 0) }
            return (s.hasPrefix("RFC") ? nums : [99999] + nums, s)
        }
        let (x, y) = (key(a), key(b))
        if x.0 != y.0 { return x.0.lexicographicallyPrecedes(y.0) }
        return x.1 < y.1
    }

    public static func tally(_ rs: [CaseResult]) -> [Verdict: Int] {
        var t: [Verdict: Int] = [:]
        for r in rs { t[r.verdict, default: 0] += 1 }
        return t
    }

    public static func text(_ rs: [CaseResult], target: String, seed: UInt64, verbose: Bool) -> String {
        var out = "mdns conform — target: \(target), seed: \(seed)\n\n"
        for r in rs {
            let v = r.verdict.rawValue.uppercased()
            out += "\(v.padding(5)) \(r.id.padding(44)) \(r.section.padding(15)) \(r.summary)\n"
            if verbose || r.verdict == .fail || r.verdict == .warn {
                for e in r.evidence { out += "        \(e)\n" }
            }
        }
        out += "\nCases by section:\n" + sectionSummary(rs.map { ($0.section, $0.id) })
        let t = tally(rs)
        out += "\n\(rs.count) cases: \(t[.pass, default: 0]) pass, \(t[.warn, default: 0]) warn, \(t[.fail, default: 0]) fail, "
            + "\(t[.notApplicable, default: 0]) n/a, \(t[.unsupported, default: 0]) unsupported\n"
        return out
    }

    /// One device (the engine, or a host of a recording) and its results: the unit of the JSON
    /// and JUnit reports of both `mdns conform` and `mdns conform --capture`.
    public struct DeviceResults: Sendable {
        public var name: String
        public var addresses: [String]
        public var hostNames: [String]
        public var roles: [String]
        public var packets: Int
        public var cases: [CaseResult]
        public init(name: String, addresses: [String], hostNames: [String], roles: [String], packets: Int, cases: [CaseResult]) {
            self.name = name; self.addresses = addresses; self.hostNames = hostNames; self.roles = roles
            self.packets = packets; self.cases = cases
        }
    }

    public static func junit(_ rs: [CaseResult], target: String, wallSeconds: Double) -> String {
        junit([DeviceResults(name: target, addresses: [], hostNames: [], roles: [], packets: 0, cases: rs)], wallSeconds: wallSeconds)
    }

    /// JUnit XML: a test suite per device, a test case per case.
    public static func junit(_ devices: [DeviceResults], wallSeconds: Double) -> String {
        let all = devices.flatMap(\.cases)
        let t = tally(all)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"mdns conform\" tests=\"\(all.count)\" failures=\"\(t[.fail, default: 0])\" time=\"\(format(wallSeconds))\">\n"
        for d in devices { out += suite(d) }
        out += "</testsuites>\n"
        return out
    }

    static func suite(_ d: DeviceResults) -> String {
        let t = tally(d.cases)
        let name = d.addresses.isEmpty ? d.name : d.name + " [" + d.addresses.joined(separator: ", ") + "]"
        var out = "  <testsuite name=\(xattr(name)) tests=\"\(d.cases.count)\" failures=\"\(t[.fail, default: 0])\" skipped=\"\(t[.notApplicable, default: 0] + t[.unsupported, default: 0])\">\n"
        for r in d.cases {
            out += "    <testcase classname=\(xattr(r.section)) name=\(xattr(r.title.isEmpty ? r.id : r.id + " " + r.title)) time=\"\(format(r.targetTime.seconds))\">\n"
            let ev = r.evidence.joined(separator: "\n")
            switch r.verdict {
            case .fail: out += "      <failure message=\(xattr(r.summary))>\(xml(ev))</failure>\n"
            case .notApplicable, .unsupported: out += "      <skipped message=\(xattr(r.summary))/>\n"
            case .warn: out += "      <system-out>WARN (\(r.level.rawValue)): \(xml(r.summary))\n\(xml(ev))</system-out>\n"
            case .pass: break
            }
            out += "    </testcase>\n"
        }
        return out + "  </testsuite>\n"
    }

    static func format(_ d: Double) -> String {
        let v = Int(d * 1000 + 0.5)
        let ms = String(v % 1000)
        return "\(v / 1000).\(String(repeating: "0", count: 3 - ms.count))\(ms)"
    }

    static func xml(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: if u.value < 0x20 && u != "\n" && u != "\t" { out += " " } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    static func xattr(_ s: String) -> String { "\"" + xml(s) + "\"" }
}

extension String {
    func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
