import DNSWire

/// RFC 6762 timing constants. Each is cited where it is used.
public enum RFC6762 {
    /// §8.1: probing starts after a random delay of 0–250 ms.
    public static let probeStartDelay: ClosedRange<Duration> = .zero ... .milliseconds(250)
    /// §8.1: three probes.
    public static let probeCount = 3
    /// §8.1: probes are 250 ms apart; announcing starts 250 ms after the third.
    public static let probeInterval: Duration = .milliseconds(250)
    /// §8.2: the loser of a simultaneous probe waits one second, then probes again.
    public static let lostTiebreakDelay: Duration = .seconds(1)
    /// §8.1: fifteen conflicts within ten seconds ...
    public static let conflictRateCount = 15
    public static let conflictRateWindow: Duration = .seconds(10)
    /// §8.1: ... and each further probe attempt waits at least five seconds.
    public static let rateLimitedProbeDelay: Duration = .seconds(5)
    /// §8.3: the first two announcements are at least one second apart, then the interval doubles.
    public static let announceInterval: Duration = .seconds(1)
    /// §6: shared answers wait a uniform 20–120 ms.
    public static let sharedResponseDelay: ClosedRange<Duration> = .milliseconds(20) ... .milliseconds(120)
    /// §6 / §7.2: a query with TC set is answered after 400–500 ms.
    public static let truncatedQueryDelay: ClosedRange<Duration> = .milliseconds(400) ... .milliseconds(500)
    /// §6.4: answers may be held up to 500 ms to aggregate them.
    public static let maxAggregationDelay: Duration = .milliseconds(500)
    /// §6: a record is not multicast again on an interface within one second ...
    public static let multicastRateLimit: Duration = .seconds(1)
    /// §6: ... except when answering a probe: 250 ms.
    public static let probeDefenseRateLimit: Duration = .milliseconds(250)
    /// §6.7: legacy unicast answers carry a TTL of at most ten seconds.
    public static let legacyUnicastMaxTTL: UInt32 = 10
    /// §10: host-name records (A, AAAA, SRV, HINFO, and reverse PTR) live 120 s.
    public static let hostRecordTTL: UInt32 = 120
    /// §10: other records live 75 minutes.
    public static let otherRecordTTL: UInt32 = 4500
}

/// Caps on engine state. Overflow drops the oldest entry and counts it (`Statistics.overflows`).
public struct Limits: Hashable, Sendable {
    /// Scheduled responses (multicast per interface and unicast per destination) held at once.
    public var maxPendingResponses: Int = 64
    /// Sources whose TC query (RFC 6762 §7.2) is being held for continuation packets.
    public var maxTruncatedQueryBuffers: Int = 16
    /// Known answers kept per held TC query.
    public var maxKnownAnswersPerBuffer: Int = 256
    /// Questions kept per held TC query.
    public var maxQuestionsPerBuffer: Int = 64
    /// Live registrations; `register` beyond this is refused and reported.
    public var maxRegistrations: Int = 256
    /// Recent conflict times kept for the §8.1 fifteen-in-ten-seconds rule.
    public var maxConflictHistory: Int = 32
    /// Records of a received probe compared in a §8.2 tiebreak, per name.
    public var maxProbeRecordsCompared: Int = 64
    public init() {}
}

/// How a name is chosen after a conflict (RFC 6762 §9: "Name (2)", "host-2").
public struct RenamePolicy: Sendable {
    public enum Kind: Sendable { case host, service, records }
    /// Returns the new first label for attempt `n` (2, 3, ...) of the original label.
    public var rename: @Sendable (_ original: String, _ attempt: Int, _ kind: Kind) -> String

    public init(_ rename: @escaping @Sendable (_ original: String, _ attempt: Int, _ kind: Kind) -> String) {
        self.rename = rename
    }

    /// "Name (2)" for services (RFC 6763 §9 style) and "host-2" for hosts, cut to fit 63 bytes.
    public static let numbered = RenamePolicy { original, n, kind in
        let suffix = kind == .host ? "-\(n)" : " (\(n))"
        // Strip a suffix this policy added before: "-n" for hosts, " (n)" otherwise.
        let chars = Array(original)
        var end = chars.count
        if kind == .host {
            var i = end
            while i > 0, chars[i - 1].isASCII, chars[i - 1].isNumber { i -= 1 }
            if i < end, i > 1, chars[i - 1] == "-" { end = i - 1 }
        } else if end >= 4, chars[end - 1] == ")" {
            var i = end - 1
            while i > 0, chars[i - 1].isASCII, chars[i - 1].isNumber { i -= 1 }
            if i < end - 1, i >= 3, chars[i - 1] == "(", chars[i - 2] == " " { end = i - 2 }
        }
        let base = String(chars[0..<end])
        // RFC 1035 §2.3.4: labels ≤ 63 bytes; cut on a character boundary.
        var s = base
        while s.utf8.count + suffix.utf8.count > DNSLimits.maxLabelLength { s.removeLast() }
        return s + suffix
    }
}

/// Deliberate rule breaking, used only to show that the conformance suite catches it.
public struct Faults: Hashable, Sendable {
    /// Announce without probing (breaks RFC 6762 §8.1).
    public var skipProbing = false
    /// Answer shared records with no random delay (breaks §6).
    public var answerSharedImmediately = false
    /// Never set the cache-flush bit (breaks §10.2 / BCT "cache flush bit set in non-shared responses").
    public var omitCacheFlush = false
    /// Treat the host's own echoed packets as conflicts (breaks §9 / §14).
    public var conflictOnOwnEcho = false
    public init() {}
    public var isEmpty: Bool { self == Faults() }
}

/// Everything the engine needs besides events: seed, caps, policy.
public struct Configuration: Sendable {
    /// Seeds the engine's `SplitMix64`; equal seeds and events give equal actions.
    public var seed: UInt64
    public var limits = Limits()
    public var renamePolicy = RenamePolicy.numbered
    /// RFC 6762 §8.3: at least two announcements.
    public var announcementCount = 2
    /// RFC 6762 §17: responses are split to stay under this many bytes (1440 avoids fragmentation).
    public var maxMessageSize = DNSLimits.typicalMessageLength
    public var faults = Faults()

    public init(seed: UInt64) { self.seed = seed }
}
