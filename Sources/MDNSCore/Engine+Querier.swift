import DNSWire

/// The querier's events in: browse, resolve, enumerate, query, stop, reconfirm. Results come out
/// as `.report(.querier(...))` actions, queries as `.send` actions.
extension MDNSEngine {
    /// RFC 6763 §4: browses `type` ("_http._tcp") in `domain`; every instance is resolved (SRV,
    /// TXT, addresses per interface) and reported as added, updated and removed.
    public mutating func browse(_ type: String, domain: DNSName = .local, interfaces: Set<InterfaceID>? = nil,
                                at now: Instant) -> (id: SubscriptionID?, actions: [Action]) {
        guard let t = try? DNSName(parsing: type),
              let full = try? DNSName(labels: t.labels.map(Array.init) + domain.labels.map(Array.init)) else {
            querier.report(.refused(reason: "invalid service type \"\(type)\""))
            return (nil, querier.drain())
        }
        return browse(type: full, interfaces: interfaces, at: now)
    }

    /// Browses a full service type name (`_http._tcp.local.`).
    public mutating func browse(type: DNSName, interfaces: Set<InterfaceID>? = nil, at now: Instant) -> (id: SubscriptionID?, actions: [Action]) {
        let id = querier.subscribe(.browse(type: type), interfaces: interfaces, at: now)
        return (id, querier.drain())
    }

    /// RFC 6763 §5: resolves one instance and follows SRV target and address changes.
    public mutating func resolve(_ instance: DNSName, interfaces: Set<InterfaceID>? = nil, at now: Instant) -> (id: SubscriptionID?, actions: [Action]) {
        let id = querier.subscribe(.resolve(instance: instance), interfaces: interfaces, at: now)
        return (id, querier.drain())
    }

    /// RFC 6763 §9: the service types on the link.
    public mutating func enumerateServiceTypes(domain: DNSName = .local, interfaces: Set<InterfaceID>? = nil,
                                               at now: Instant) -> (id: SubscriptionID?, actions: [Action]) {
        let id = querier.subscribe(.enumerate(domain: domain), interfaces: interfaces, at: now)
        return (id, querier.drain())
    }

    /// RFC 6762 §5.2 continuous query, or a §5.1 one-shot query that collects answers for
    /// three seconds and then reports `.finished`.
    public mutating func query(_ name: DNSName, _ type: RRType, oneShot: Bool = false, interfaces: Set<InterfaceID>? = nil,
                               at now: Instant) -> (id: SubscriptionID?, actions: [Action]) {
        let id = querier.subscribe(.query(name: name, type: type, oneShot: oneShot), interfaces: interfaces, at: now)
        return (id, querier.drain())
    }

    /// Stops a subscription: its questions stop unless another subscription asks them too.
    public mutating func stop(_ id: SubscriptionID, at now: Instant) -> [Action] {
        querier.unsubscribe(id)
        querier.settle(at: now)
        return querier.drain()
    }

    /// RFC 6762 §10.4: the record seems wrong (e.g. a connection to it failed): query for it and
    /// flush it unless an answer comes within ten seconds. False when it is not cached.
    public mutating func reconfirm(_ record: ResourceRecord, interface: InterfaceID? = nil, at now: Instant) -> (accepted: Bool, actions: [Action]) {
        let ok = querier.reconfirm(record, interface: interface, at: now)
        return (ok, querier.drain())
    }

    /// The current results of a browse or resolve.
    public func instances(of id: SubscriptionID) -> [ServiceInstance] { querier.results(of: id) }

    public var cache: RecordCache { querier.cache }
    public var querierStatistics: QuerierStatistics { querier.statistics }
}
