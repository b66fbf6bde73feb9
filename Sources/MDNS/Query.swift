import DNSWire
import MDNSCore

/// A record answering a query appeared or left (TTL 0 / expiry).
public struct RecordEvent: Hashable, Sendable {
    public var change: Change
    public var record: ResourceRecord
    public var interface: InterfaceLabel
}

extension MDNSDriver {
    /// RFC 6762 §5.2 continuous query, or (`continuous: false`) a §5.1 one-shot query whose
    /// stream ends after three seconds of collecting answers.
    public func query(_ name: DNSName, _ type: RRType, continuous: Bool = true) -> AsyncStream<Delivery<RecordEvent>> {
        stream { engine, now in [engine.query(name, type, oneShot: !continuous, at: now)] } convert: { q, iface in
            guard case .record(_, let c, let r, _) = q else { return nil }
            return RecordEvent(change: c, record: r, interface: iface)
        }
    }

    /// A and AAAA of `host` (`printer.local.`), asked together as one-shot queries; the stream ends
    /// when both have finished collecting (three seconds) or the consumer stops.
    public func lookup(host: DNSName) -> AsyncStream<Delivery<RecordEvent>> {
        stream { engine, now in
            options.families.map { engine.query(host, $0 == .ipv4 ? .a : .aaaa, oneShot: true, at: now) }
        } convert: { q, iface in
            guard case .record(_, let c, let r, _) = q, r.type == .a || r.type == .aaaa else { return nil }
            return RecordEvent(change: c, record: r, interface: iface)
        }
    }
}

extension ResourceRecord {
    /// The address of an A or AAAA record.
    public var address: IPAddress? {
        switch rdata {
        case .a(let a): return .v4(a)
        case .aaaa(let a): return .v6(a)
        default: return nil
        }
    }
}
