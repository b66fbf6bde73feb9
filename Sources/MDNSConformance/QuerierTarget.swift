import DNSWire
import MDNSCore

/// A target that can act as a querier: the querier and cache cases drive it through this, on top
/// of `ConformanceTarget`. A target that is not one gets n/a for those cases.
public protocol QuerierTarget: ConformanceTarget {
    /// RFC 6762 §5.2 continuous query, or a §5.1 one-shot query.
    func startQuery(_ name: DNSName, _ type: RRType, oneShot: Bool) -> SubscriptionID?
    /// RFC 6763 §4: browse a service type (full name, `_ipp._tcp.local.`).
    func startBrowse(_ type: DNSName) -> SubscriptionID?
    /// RFC 6763 §5: resolve an instance.
    func startResolve(_ instance: DNSName) -> SubscriptionID?
    func stop(_ id: SubscriptionID)
    /// RFC 6762 §10.4: reconfirm a cached record; false when it is not cached.
    func reconfirm(_ record: ResourceRecord) -> Bool
    /// The records the target caches now, `ttl` being the TTL they arrived with.
    func cachedRecords() -> [ResourceRecord]
    /// Everything the querier reported, in order.
    var querierEvents: [(time: Instant, event: QuerierEvent)] { get }
    var querierStatistics: QuerierStatistics { get }
    var querierLimits: QuerierLimits { get }
}

extension EngineTarget: QuerierTarget {
    public func startQuery(_ name: DNSName, _ type: RRType, oneShot: Bool) -> SubscriptionID? {
        network.withEngine(node) { e, t in let r = e.query(name, type, oneShot: oneShot, at: t); return (r.id, r.actions) }
    }

    public func startBrowse(_ type: DNSName) -> SubscriptionID? {
        network.withEngine(node) { e, t in let r = e.browse(type: type, at: t); return (r.id, r.actions) }
    }

    public func startResolve(_ instance: DNSName) -> SubscriptionID? {
        network.withEngine(node) { e, t in let r = e.resolve(instance, at: t); return (r.id, r.actions) }
    }

    public func stop(_ id: SubscriptionID) {
        network.withEngine(node) { e, t in ((), e.stop(id, at: t)) }
    }

    public func reconfirm(_ record: ResourceRecord) -> Bool {
        network.withEngine(node) { e, t in let r = e.reconfirm(record, at: t); return (r.accepted, r.actions) }
    }

    public func cachedRecords() -> [ResourceRecord] { network.engine(node).cache.all.map(\.record) }

    public var querierEvents: [(time: Instant, event: QuerierEvent)] {
        network.events.compactMap { e in
            if e.node == node, case .querier(let q) = e.event { return (e.time, q) }
            return nil
        }
    }

    public var querierStatistics: QuerierStatistics { network.engine(node).querierStatistics }
    public var querierLimits: QuerierLimits { network.engine(node).querier.configuration.limits }
}
