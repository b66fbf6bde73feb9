import DNSWire

/// What the engine asks its driver to do. Plain values; one thing each.
public enum Action: Hashable, Sendable {
    case send(Message, to: Destination)
    case report(Event)
}

/// Why a received packet was dropped without effect.
public enum DropReason: Hashable, Sendable, CustomStringConvertible {
    /// The bytes did not decode (the code says why).
    case malformed(DNSWireError.Code)
    /// RFC 6762 §18.3: OPCODE ≠ 0.
    case nonZeroOpcode
    /// RFC 6762 §18.11: RCODE ≠ 0.
    case nonZeroRcode
    /// RFC 6762 §5.5 / §11: unicast from a source that is not on the link.
    case offLink
    /// The interface is not known to the engine.
    case unknownInterface
    /// Sent by this host (same or another interface).
    case ownPacket

    public var description: String {
        switch self {
        case .malformed(let c): return "malformed(\(c.rawValue))"
        case .nonZeroOpcode: return "opcode"
        case .nonZeroRcode: return "rcode"
        case .offLink: return "off-link"
        case .unknownInterface: return "unknown-interface"
        case .ownPacket: return "own-packet"
        }
    }
}

/// A capped table that overflowed.
public enum LimitKind: String, Hashable, Sendable, CaseIterable {
    case pendingResponses, truncatedQueryBuffers, knownAnswersPerBuffer, questionsPerBuffer, registrations,
         conflictHistory, probeRecordsCompared
}

/// Things the engine reports to its owner.
public enum Event: Hashable, Sendable {
    /// A probe sequence for `name` started on `interface` (RFC 6762 §8.1).
    case probing(RegistrationID, name: DNSName, interface: InterfaceID)
    /// Probing succeeded; announcing starts (§8.3).
    case registered(RegistrationID, name: DNSName, interface: InterfaceID)
    /// A simultaneous probe had later data (§8.2); probing restarts in one second.
    case lostTiebreak(RegistrationID, name: DNSName, interface: InterfaceID)
    /// Another host holds a conflicting record (§8.1, §9).
    case conflict(RegistrationID, name: DNSName, interface: InterfaceID)
    /// The registration took a new name after a conflict.
    case renamed(RegistrationID, from: DNSName, to: DNSName)
    /// `register` refused: the registration limit is reached or the registration is invalid.
    case refused(reason: String)
    case withdrawn(RegistrationID)
    case dropped(DropReason)
    case overflow(LimitKind)
    /// The querier: browse, resolve, enumeration and query results (Querier.swift).
    case querier(QuerierEvent)
}

/// Counters; never reset by the engine.
public struct Statistics: Hashable, Sendable {
    public var packetsReceived = 0
    public var messagesSent = 0
    /// Decode failures by DNSWire error code.
    public var decodeErrors: [DNSWireError.Code: Int] = [:]
    /// Questions and records left out of packets whose framing held (salvage decoding), by code.
    public var salvageDrops: [DNSWireError.Code: Int] = [:]
    public var dropped: [DropReason: Int] = [:]
    /// Entries dropped because a cap was reached (the oldest goes).
    public var overflows: [LimitKind: Int] = [:]
    public var conflicts = 0
    public var lostTiebreaks = 0
    public var knownAnswerSuppressions = 0
    public var duplicateAnswerSuppressions = 0
    public init() {}
}
