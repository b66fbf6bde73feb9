import DNSWire
import MDNSCore

public enum Verdict: String, Sendable, Comparable, CaseIterable {
    case pass, warn, fail
    /// Nothing to judge: the situation the rule is about never arose.
    case notApplicable = "n/a"
    /// The target cannot do what the case needs (no TXT update, no IP headers): not a failure.
    case unsupported

    var rank: Int {
        switch self { case .unsupported: 0; case .notApplicable: 1; case .pass: 2; case .warn: 3; case .fail: 4 }
    }
    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
}

/// The RFC 2119 level of the sentence a case checks; it decides what a violation is worth.
public enum RequirementLevel: String, Sendable, CaseIterable, Comparable {
    /// MUST, MUST NOT, REQUIRED, SHALL: a violation fails.
    case must
    /// SHOULD, SHOULD NOT, RECOMMENDED: a violation warns.
    case should
    /// No RFC 2119 keyword (descriptive text, lowercase "should"), or a threshold of BCT only: info.
    case info

    /// The verdict a violation of a sentence at this level earns.
    public var violation: Verdict {
        switch self { case .must: .fail; case .should: .warn; case .info: .warn }
    }

    /// A case's verdict at this level: a broken rule (`fail` from the check) earns `violation`;
    /// warn, pass, n/a and unsupported stand.
    public func judge(_ v: Verdict) -> Verdict { v == .fail ? violation : v }

    var rank: Int { switch self { case .info: 0; case .should: 1; case .must: 2 } }
    public static func < (a: RequirementLevel, b: RequirementLevel) -> Bool { a.rank < b.rank }
}

/// Which verdicts make `mdns conform` exit 1.
public enum FailurePolicy: String, Sendable, CaseIterable {
    /// Any fail (a MUST broken).
    case must
    /// Any fail or warn (a MUST or a SHOULD broken).
    case should

    public func fails(_ v: Verdict) -> Bool {
        switch self { case .must: v == .fail; case .should: v == .fail || v == .warn }
    }
}

/// A verdict with a one-line reason.
public struct CaseOutcome: Sendable {
    public var verdict: Verdict
    public var summary: String
    public init(_ verdict: Verdict, _ summary: String) { self.verdict = verdict; self.summary = summary }
    public static func pass(_ s: String) -> CaseOutcome { .init(.pass, s) }
    public static func warn(_ s: String) -> CaseOutcome { .init(.warn, s) }
    public static func fail(_ s: String) -> CaseOutcome { .init(.fail, s) }
    public static func notApplicable(_ s: String) -> CaseOutcome { .init(.notApplicable, s) }
    public static func unsupported(_ s: String) -> CaseOutcome { .init(.unsupported, s) }

    /// The worse of several outcomes, with all their reasons.
    public static func worst(_ os: [CaseOutcome]) -> CaseOutcome {
        guard let w = os.map(\.verdict).max() else { return .pass("nothing to check") }
        let reasons = os.filter { $0.verdict == w }.map(\.summary)
        return .init(w, reasons.joined(separator: "; "))
    }
}

/// One conformance case: a stable id, its RFC section, the catalogue entries it covers.
public struct ConformanceCase: Sendable {
    public var id: String
    /// "RFC 6762 §8.1"
    public var section: String
    public var title: String
    /// CONFORMANCE.md entries: "A34", "B: PROBING".
    public var catalogue: [String]
    /// The RFC 2119 level of the sentence checked.
    public var level: RequirementLevel
    /// The sentence checked, quoted from the RFC (or BCT, named).
    public var citation: String
    public var requires: Set<TargetCapability>
    public var publication: Publication
    /// Real time the case needs on a live target; nil: the time it takes on the simulated link.
    public var realTime: Duration?
    public var run: @Sendable (CaseContext) -> CaseOutcome

    public init(id: String, section: String, title: String, catalogue: [String], level: RequirementLevel,
                citation: String, requires: Set<TargetCapability> = [],
                publication: Publication = Publication(), realTime: Duration? = nil,
                run: @escaping @Sendable (CaseContext) -> CaseOutcome) {
        self.id = id; self.section = section; self.title = title; self.catalogue = catalogue
        self.level = level; self.citation = citation
        self.requires = requires; self.publication = publication; self.realTime = realTime; self.run = run
    }
}

/// What a case sees: the target, the packets it sent, and helpers to talk to it.
public final class CaseContext {
    public let target: ConformanceTarget
    public let publication: Publication
    public var rng: SplitMix64
    public private(set) var startTime: Instant
    /// Every packet the target sent since the case started.
    public private(set) var observed: [ObservedPacket] = []
    public private(set) var evidence: [String] = []
    /// The packets `cite` added to the evidence: the results' evidence frames.
    public private(set) var cited: [ObservedPacket] = []
    /// The tester's own address (on-link, port 5353).
    public var tester = SocketAddress(.v4(IPv4Address(169, 254, 200, 10)))
    /// A second on-link peer.
    public var otherPeer = SocketAddress(.v4(IPv4Address(169, 254, 200, 20)))
    /// Evidence lines kept per case.
    public static let maxEvidenceLines = 60

    init(target: ConformanceTarget, publication: Publication, seed: UInt64) {
        self.target = target
        self.publication = publication
        rng = SplitMix64(seed: seed)
        startTime = target.now
    }

    public var now: Instant { target.now }

    // MARK: - Names

    public var hostName: DNSName { publication.hostName }
    public func instanceName(_ i: Int = 0) -> DNSName {
        let s = publication.services[i]
        return (try? s.typeName!.prepending(s.instance)) ?? .root
    }
    public func typeName(_ i: Int = 0) -> DNSName { publication.services[i].typeName ?? .root }

    // MARK: - Driving

    public func start() {
        target.start(publication)
        startTime = target.now
        note("start: publish \(hostName) and \(publication.services.count) service(s)")
    }

    /// Sends a message from the tester (or `from`) to the group or to the target.
    public func send(_ m: Message, from: SocketAddress? = nil, to destination: Destination.Kind = .multicast, link: Int = 0) {
        let src = from ?? tester
        note("tester \(src) → \(destination == .multicast ? "group" : "target"): \(Self.summary(m))")
        target.deliver(m.encoded(), from: src, to: destination, link: link)
    }

    public func sendBytes(_ b: [UInt8], from: SocketAddress? = nil, to destination: Destination.Kind = .multicast, what: String) {
        note("tester → group: \(what) (\(b.count) bytes)")
        target.deliver(b, from: from ?? tester, to: destination, link: 0)
    }

    /// Lets time run until `t`; returns what the target sent meanwhile.
    @discardableResult
    public func wait(until t: Instant) -> [ObservedPacket] {
        let ps = target.advance(until: t, stop: nil)
        observed += ps
        return ps
    }

    @discardableResult
    public func wait(_ d: Duration) -> [ObservedPacket] { wait(until: now + d) }

    /// Waits up to `timeout` for a packet matching `predicate`.
    public func waitFor(_ timeout: Duration, _ predicate: @escaping (ObservedPacket) -> Bool) -> ObservedPacket? {
        let end = now + timeout
        let ps = target.advance(until: end, stop: predicate)
        observed += ps
        return ps.first(where: predicate)
    }

    /// Waits until the target has been quiet for `quiet` (probing and announcing over), at most `limit`.
    public func settle(quiet: Duration = .seconds(3), limit: Duration = .seconds(30)) {
        let end = now + limit
        while now < end {
            let before = observed.count
            wait(quiet)
            if observed.count == before { return }
        }
    }

    public func note(_ s: String) {
        guard evidence.count < Self.maxEvidenceLines else { return }
        evidence.append("+\(Instant.format((now - startTime).nanoseconds)) \(s)")
    }

    /// Adds a packet the target sent to the evidence.
    public func cite(_ p: ObservedPacket, _ label: String = "") {
        guard evidence.count < Self.maxEvidenceLines else { return }
        cited.append(p)
        let dest: String
        switch p.destination {
        case .multicast: dest = "group"
        case .unicast(let a): dest = "unicast \(a)"
        }
        let body = p.message.map(Self.summary) ?? "undecodable \(p.bytes.count) bytes"
        evidence.append("+\(Instant.format((p.time - startTime).nanoseconds)) target → \(dest): \(body)\(label.isEmpty ? "" : "  [\(label)]")")
    }

    /// Milliseconds from `a` to `b`.
    public func ms(_ a: Instant, _ b: Instant) -> Double { (b - a).milliseconds }

    // MARK: - Packet helpers

    public static func summary(_ m: Message) -> String {
        var parts: [String] = []
        let h = m.header
        parts.append(h.isResponse ? "response" : "query")
        if h.id != 0 { parts.append("id=\(h.id)") }
        if h.truncated { parts.append("TC") }
        for q in m.questions { parts.append("Q \(q.name) \(q.type)\(q.unicastResponse ? " QU" : "")") }
        func rr(_ r: ResourceRecord) -> String {
            "\(r.name) \(r.type) \(r.ttl)\(r.cacheFlush ? " cf" : "") \(r.rdata)"
        }
        if !m.answers.isEmpty { parts.append("AN[" + m.answers.map(rr).joined(separator: " | ") + "]") }
        if !m.authorities.isEmpty { parts.append("NS[" + m.authorities.map(rr).joined(separator: " | ") + "]") }
        if !m.additionals.isEmpty { parts.append("AR[" + m.additionals.map(rr).joined(separator: " | ") + "]") }
        let s = parts.joined(separator: " ")
        return s.count > 400 ? String(s.prefix(400)) + "…" : s
    }

    public static func query(_ name: DNSName, _ type: RRType, qu: Bool = false, known: [ResourceRecord] = [], id: UInt16 = 0) -> Message {
        var h = Header.query
        h.id = id
        return Message(header: h, questions: [Question(name: name, type: type, unicastResponse: qu)], answers: known)
    }

    /// A probe from the tester: QU ANY for `name`, `records` in Authority.
    public static func probe(_ name: DNSName, _ records: [ResourceRecord]) -> Message {
        Message(header: .query, questions: [Question(name: name, type: .any, unicastResponse: true)], authorities: records)
    }

    public static func response(_ answers: [ResourceRecord], additionals: [ResourceRecord] = []) -> Message {
        Message(header: .response, answers: answers, additionals: additionals)
    }

    /// True for a probe (query with Authority records) about `name`, whatever the question type
    /// (type ANY is `rfc6762-8.1-probe-format`'s to judge).
    public static func isProbe(_ p: ObservedPacket, for name: DNSName? = nil) -> Bool {
        guard let m = p.message, !m.header.isResponse, !m.authorities.isEmpty else { return false }
        guard let name else { return true }
        return m.questions.contains { $0.name == name }
    }

    /// True for a response carrying a non-goodbye answer named `name` (of `type`, if given).
    public static func answers(_ p: ObservedPacket, _ name: DNSName, _ type: RRType? = nil) -> Bool {
        guard let m = p.message, m.header.isResponse else { return false }
        return m.answers.contains { $0.name == name && (type == nil || $0.type == type!) && $0.ttl > 0 }
    }

    public static func isResponse(_ p: ObservedPacket) -> Bool { p.message?.header.isResponse ?? false }

    /// Packets sent after `t`.
    public func sent(after t: Instant) -> [ObservedPacket] { observed.filter { $0.time > t } }
}
