import DNSWire

/// RFC 6762 querier timing constants. Each is cited where it is used.
public enum RFC6762Querier {
    /// §5.2: the first query of a continuous query goes out 20–120 ms after it starts.
    public static let firstQueryDelay: ClosedRange<Duration> = .milliseconds(20) ... .milliseconds(120)
    /// §5.2: the interval between the first two queries is at least one second ...
    public static let minimumQueryInterval: Duration = .seconds(1)
    /// §5.2: ... and doubles each time; it may be capped at sixty minutes.
    public static let maximumQueryInterval: Duration = .seconds(3600)
    /// §5.2: refresh queries at 80, 85, 90 and 95 % of the TTL ...
    public static let refreshFractions: [Double] = [0.80, 0.85, 0.90, 0.95]
    /// §5.2: ... each plus a random variation of up to 2 % of the TTL.
    public static let refreshJitter = 0.02
    /// §7.1: a known answer is listed only while at least half its TTL remains.
    public static let knownAnswerMinimumFraction = 0.5
    /// §10.1: a goodbye (TTL 0) makes the record expire one second later.
    public static let goodbyeGrace: Duration = .seconds(1)
    /// §10.2: cache-flush marks same-name/type/class records older than one second to expire in one second.
    public static let cacheFlushGrace: Duration = .seconds(1)
    /// §10.4: a record being reconfirmed is flushed when no answer comes within ten seconds.
    public static let reconfirmTimeout: Duration = .seconds(10)
    /// §10.4: reconfirmation queries: one at once, one more after this.
    public static let reconfirmRetry: Duration = .seconds(3)
    /// §10.5: two or more unanswered queries within ten seconds flush the record.
    public static let poofWindow: Duration = .seconds(10)
    public static let poofQueryCount = 2
    /// §5.1: how long a one-shot query collects answers before it reports `finished`.
    public static let oneShotCollection: Duration = .seconds(3)
}

/// Default caps on querier state (DESIGN.md rule 4). Each has a test in `QuerierLimitsTests`.
public enum QuerierDefaults {
    /// Cached records over all interfaces.
    public static let maxCacheEntries = 4096
    /// Cached records of one name on one interface (a name flooded with distinct rdata).
    public static let maxRecordsPerName = 512
    /// Questions the querier asks at once (its question history).
    public static let maxActiveQuestions = 256
    /// Known answers listed in one query (RFC 6762 §7.1), over all its TC continuation packets (§7.2).
    public static let maxKnownAnswersPerQuery = 256
    /// Browse, resolve, enumerate and query subscriptions at once.
    public static let maxSubscriptions = 64
    /// Instances (or service types) one browse reports at once.
    public static let maxBrowseResults = 512
    /// Records being reconfirmed (RFC 6762 §10.4) at once.
    public static let maxPendingReconfirms = 64
}

/// Caps on querier state. Overflow is counted in `QuerierStatistics.evicted` (or `.rejected`).
public struct QuerierLimits: Hashable, Sendable {
    public var maxCacheEntries = QuerierDefaults.maxCacheEntries
    public var maxRecordsPerName = QuerierDefaults.maxRecordsPerName
    public var maxActiveQuestions = QuerierDefaults.maxActiveQuestions
    public var maxKnownAnswersPerQuery = QuerierDefaults.maxKnownAnswersPerQuery
    public var maxSubscriptions = QuerierDefaults.maxSubscriptions
    public var maxBrowseResults = QuerierDefaults.maxBrowseResults
    public var maxPendingReconfirms = QuerierDefaults.maxPendingReconfirms
    public init() {}
}

/// What the querier is configured with besides the engine's seed.
public struct QuerierConfiguration: Hashable, Sendable {
    public var limits = QuerierLimits()
    /// RFC 6762 §5.4: set QU on the first query after start or an interface change.
    public var unicastFirstQuery = true
    /// Send no queries at all (passive observation, e.g. replaying a capture).
    public var passive = false
    /// RFC 6762 §17: queries with known answers are split to stay under this many bytes.
    public var maxMessageSize = DNSLimits.typicalMessageLength
    public init() {}
}

/// A capped querier table.
public enum QuerierLimitKind: String, Hashable, Sendable, CaseIterable {
    case cacheEntries, recordsPerName, activeQuestions, knownAnswersPerQuery, subscriptions, browseResults, pendingReconfirms
}

/// Why the querier ignored something it received or was asked.
public enum QuerierRejection: String, Hashable, Sendable, CaseIterable {
    /// RFC 6762 §11: a response from a port other than 5353.
    case responseNotFromPort5353
    /// RFC 6762 §11: a unicast response from a source not on the link.
    case offLinkUnicast
    /// RFC 6762 §18.3 / §18.11: OPCODE or RCODE not zero.
    case opcodeOrRcode
    /// OPT or ANY in a response: not cacheable records.
    case uncacheableRecord
    /// The host's own packet.
    case ownPacket
    /// The interface is not known.
    case unknownInterface
}

/// Counters; never reset by the querier.
public struct QuerierStatistics: Hashable, Sendable {
    public var responsesReceived = 0
    public var queriesObserved = 0
    public var queriesSent = 0
    /// RFC 6762 §7.2: packets after the first of a query with too many known answers.
    public var continuationPacketsSent = 0
    public var knownAnswersSent = 0
    public var recordsAdded = 0
    public var recordsRefreshed = 0
    public var recordsExpired = 0
    public var goodbyesReceived = 0
    /// RFC 6762 §10.2: older records marked to expire in one second by a cache-flush record.
    public var cacheFlushed = 0
    /// RFC 6762 §7.3: own queries treated as sent because another host asked the same.
    public var duplicateQuestionsSuppressed = 0
    /// RFC 6762 §10.4 and §10.5 flushes.
    public var reconfirmFlushes = 0
    public var poofFlushes = 0
    /// Entries dropped or refused because a cap was reached.
    public var evicted: [QuerierLimitKind: Int] = [:]
    public var rejected: [QuerierRejection: Int] = [:]
    public init() {}

    public var totalEvicted: Int { evicted.values.reduce(0, +) }
    public var totalRejected: Int { rejected.values.reduce(0, +) }
}

/// Identifies a browse, resolve, enumeration or query.
public struct SubscriptionID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (a: SubscriptionID, b: SubscriptionID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "q\(rawValue)" }
}

/// What a subscription asks for.
public enum SubscriptionKind: Hashable, Sendable {
    /// RFC 6762 §5.2 continuous query (or §5.1 one-shot) for `name` and `type`: records.
    case query(name: DNSName, type: RRType, oneShot: Bool)
    /// RFC 6763 §4: instances of a service type, each resolved (SRV, TXT, addresses).
    case browse(type: DNSName)
    /// RFC 6763 §5: one instance, following SRV target and address changes.
    case resolve(instance: DNSName)
    /// RFC 6763 §9: the service types on the link.
    case enumerate(domain: DNSName)
}

public enum Change: String, Hashable, Sendable { case added, updated, removed }

/// One TXT attribute (RFC 6763 §6.4): `value` nil for a boolean attribute.
public struct TXTAttribute: Hashable, Sendable, CustomStringConvertible {
    public var key: String
    public var value: [UInt8]?
    public init(key: String, value: [UInt8]?) { self.key = key; self.value = value }
    public var description: String {
        guard let v = value else { return key }
        return key + "=" + String(decoding: v, as: UTF8.self)
    }
}

/// A service instance as a browser sees it on one interface.
public struct ServiceInstance: Hashable, Sendable {
    /// The full instance name, e.g. `Printer._ipp._tcp.local.`
    public var name: DNSName
    /// The instance label (RFC 6763 §4.1: any UTF-8).
    public var instance: String
    /// The service type with domain, e.g. `_ipp._tcp.local.`
    public var type: DNSName
    public var interface: InterfaceID
    /// From the SRV record (RFC 2782); nil until it is known.
    public var target: DNSName?
    public var port: UInt16?
    public var priority: UInt16?
    public var weight: UInt16?
    /// RFC 6763 §6: nil until the TXT record is known.
    public var txt: [TXTAttribute]?
    /// Addresses of the SRV target on this interface, sorted.
    public var addresses: [IPAddress]

    /// SRV, TXT and at least one address are known.
    public var isResolved: Bool { target != nil && txt != nil && !addresses.isEmpty }
}

/// Things the querier reports (as `Event.querier`).
public enum QuerierEvent: Hashable, Sendable {
    /// A browse or resolve subscription: an instance appeared, changed or left.
    case instance(SubscriptionID, Change, ServiceInstance)
    /// An enumeration: a service type appeared or left on an interface.
    case serviceType(SubscriptionID, Change, DNSName, InterfaceID)
    /// A query subscription: a record answering it appeared or left.
    case record(SubscriptionID, Change, ResourceRecord, InterfaceID)
    /// A one-shot query stopped collecting answers (RFC 6762 §5.1).
    case finished(SubscriptionID)
    /// A subscription was refused (cap reached or invalid).
    case refused(reason: String)
    /// A cached record was flushed early: reconfirmation (§10.4) or passive failure observation (§10.5).
    case flushed(ResourceRecord, InterfaceID, reason: String)
}

extension IPAddress: Comparable {
    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): return x.value < y.value
        case (.v6(let x), .v6(let y)): return (x.high, x.low) < (y.high, y.low)
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }
}
