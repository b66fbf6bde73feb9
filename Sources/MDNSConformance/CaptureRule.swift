import DNSWire
import MDNSCore
import PCAP

extension CaptureConformance {
    /// One rule judged on a recording: a stable id (Captures/real/RULES.tsv), the sentence it checks
    /// and its RFC 2119 level, and a short function over a device's timeline.
    public struct Rule: Sendable {
        public var id: String
        public var section: String
        public var level: RequirementLevel
        /// The sentence checked, quoted from the RFC.
        public var citation: String
        public var judge: @Sendable (Timeline) -> Judgement

        public init(_ id: String, _ section: String, _ level: RequirementLevel, _ citation: String,
                    judge: @escaping @Sendable (Timeline) -> Judgement) {
            self.id = id; self.section = section; self.level = level; self.citation = citation; self.judge = judge
        }
    }

    /// A rule broken once: what happened and the frames that show it.
    public struct Observation: Sendable {
        public var summary: String
        /// Capture frame numbers, the deciding one first.
        public var frames: [Int]
    }

    /// What a rule found on one device.
    public struct Judgement: Sendable {
        public var violations: [Observation] = []
        /// Situations the rule judged (0: nothing to judge, n/a).
        public var checked = 0
        /// Why nothing was judged, or what was fine.
        public var note = ""
        /// Frames of a passing judgement.
        public var frames: [Int] = []

        public init(checked: Int = 0, note: String = "") { self.checked = checked; self.note = note }

        mutating func violate(_ s: String, _ frames: [Int]) { violations.append(Observation(summary: s, frames: frames)) }
    }

    /// The verdict of one rule for one device.
    public struct Finding: Sendable {
        public var id: String
        public var section: String
        public var level: RequirementLevel
        public var citation: String
        public var verdict: Verdict
        public var summary: String
        /// The frames that decided the verdict.
        public var frames: [Int]
        /// One line per deciding frame (shown with -v).
        public var evidence: [String]
    }

    /// Observations summarised per finding; the rest are counted.
    public static let maxListed = 3
    /// Evidence lines kept per finding.
    public static let maxEvidence = 8

    static func finding(_ r: Rule, _ j: Judgement, _ t: Timeline) -> Finding {
        let verdict: Verdict = !j.violations.isEmpty ? r.level.violation : (j.checked > 0 ? .pass : .notApplicable)
        var summary: String
        var frames: [Int]
        if j.violations.isEmpty {
            summary = j.note
            frames = j.frames
        } else {
            summary = j.violations.prefix(maxListed).map(\.summary).joined(separator: "; ")
            if j.violations.count > maxListed { summary += "; \(j.violations.count - maxListed) more" }
            frames = []
            for o in j.violations { for f in o.frames where !frames.contains(f) { frames.append(f) } }
        }
        frames = Array(frames.prefix(maxEvidence))
        let byFrame = Dictionary(t.all.map { ($0.frame, $0) }, uniquingKeysWith: { a, _ in a })
        return Finding(id: r.id, section: r.section, level: r.level, citation: r.citation, verdict: verdict, summary: summary,
                       frames: frames, evidence: frames.compactMap { byFrame[$0].map { line($0) } })
    }

    static func line(_ p: Packet) -> String {
        let dst = p.isMulticast ? "group" : "\(endpoint(p.destination, p.destinationPort))"
        let body = p.message.map(CaseContext.summary) ?? "undecodable"
        return "frame \(p.frame) +\(Instant.format(p.time)) \(endpoint(p.source, p.sourcePort)) → \(dst): \(body)"
    }

    /// One rule for unique against shared, everywhere: the cache-flush bit the owner sets
    /// (RFC 6762 §10.2), or a type that names one host's data (address, service, host info
    /// records: RFC 6762 §8.1, RFC 6763 §6) even when the bit is missing.
    static func isUnique(_ r: ResourceRecord) -> Bool {
        r.cacheFlush || [RRType.a, .aaaa, .srv, .txt, .hinfo].contains(r.type)
    }

    static func endpoint(_ a: PCAP.IPAddress, _ port: UInt16) -> String { a.isIPv6 ? "[\(a)]:\(port)" : "\(a):\(port)" }
    static func ms(_ ns: Int64) -> String { "\(ns / 1_000_000) ms" }
}

extension CaptureConformance.Timeline {
    /// The device's mDNS responses (from port 5353, to port 5353), multicast and unicast.
    var responses: [(Int, CaptureConformance.Packet)] { device.packets.map { ($0, all[$0]) }.filter { $0.1.isMDNSResponse && $0.1.sourcePort == mdnsPort } }
    func frames(_ is: Int...) -> [Int] { `is`.map { all[$0].frame } }
    func frames(_ is: [Int]) -> [Int] { `is`.map { all[$0].frame } }

    /// Unique records (cache-flush set) the device multicast with TTL > 0 before `time`.
    func heldRecords(before time: Int64) -> [ResourceRecord] {
        var out: [ResourceRecord] = []
        for (_, p) in responses where p.time < time && p.isMulticast {
            let rs = p.message!.answers + p.message!.additionals
            // RFC 6762 §10.2: a cache-flush record replaces the older rdata of its name, type and class.
            out.removeAll { h in rs.contains { CaptureConformance.isUnique($0) && $0.ttl > 0 && $0.name == h.name && $0.type == h.type && $0.rrclass == h.rrclass } }
            for r in rs where CaptureConformance.isUnique(r) && r.ttl > 0 && !out.contains(where: { $0.isSameRecord(as: r) }) {
                out.append(r)
            }
            for r in p.message!.answers where r.ttl == 0 { out.removeAll { $0.isSameRecord(as: r) } }
        }
        return out
    }

    /// Records, shared or unique, the device multicast in an Answer Section before `time`, as last sent.
    func announcedRecords(before time: Int64) -> [ResourceRecord] {
        var out: [ResourceRecord] = []
        for (_, p) in responses where p.time < time && p.isMulticast {
            for r in p.message!.answers where r.type != .opt {
                out.removeAll { $0.isSameRecord(as: r) }
                if r.ttl > 0 { out.append(r) }
            }
        }
        return out
    }

    /// The last time before `time` the device multicast `r` on this path (family, interface; and
    /// source address, one of the host's interfaces, when given), if seen.
    func lastMulticast(of r: ResourceRecord, before time: Int64, path: CaptureConformance.Packet, from source: PCAP.IPAddress? = nil) -> Int? {
        device.packets.last { i in
            let p = all[i]
            return p.time < time && p.isMulticast && p.isResponse && p.samePath(path) && (source == nil || p.source == source!)
                && (p.message!.answers + p.message!.additionals).contains { $0.isSameRecord(as: r) && $0.ttl > 0 }
        }
    }
}
