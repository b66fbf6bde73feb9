import DNSWire
import MDNSCore

/// One change seen by a browse or resolve (RFC 6763 §4, §5).
public struct BrowseEvent: Hashable, Sendable {
    public var change: Change
    public var instance: ServiceInstance
    public var interface: InterfaceLabel
}

/// A service type appearing or leaving (RFC 6763 §9).
public struct ServiceTypeEvent: Hashable, Sendable {
    public var change: Change
    /// `_http._tcp.local.`
    public var type: DNSName
    public var interface: InterfaceLabel
}

/// What a browse, resolve or query stream delivers: results, or why it was refused.
public enum Delivery<Value: Hashable & Sendable>: Hashable, Sendable {
    case event(Value)
    case refused(String)
}

extension MDNSDriver {
    /// RFC 6763 §4: instances of `type` ("_http._tcp"), each resolved; ends when the consumer stops.
    public func browse(_ type: String, domain: DNSName = .local) -> AsyncStream<Delivery<BrowseEvent>> {
        stream { engine, now in [engine.browse(type, domain: domain, at: now)] } convert: { q, name in
            guard case .instance(_, let c, let i) = q else { return nil }
            return BrowseEvent(change: c, instance: i, interface: name)
        }
    }

    /// RFC 6763 §5: one instance (`Name._http._tcp.local.`), following its changes.
    public func resolve(_ instance: DNSName) -> AsyncStream<Delivery<BrowseEvent>> {
        stream { engine, now in [engine.resolve(instance, at: now)] } convert: { q, name in
            guard case .instance(_, let c, let i) = q else { return nil }
            return BrowseEvent(change: c, instance: i, interface: name)
        }
    }

    /// RFC 6763 §9: the service types on the link.
    public func browseServiceTypes(domain: DNSName = .local) -> AsyncStream<Delivery<ServiceTypeEvent>> {
        stream { engine, now in [engine.enumerateServiceTypes(domain: domain, at: now)] } convert: { q, name in
            guard case .serviceType(_, let c, let t, _) = q else { return nil }
            return ServiceTypeEvent(change: c, type: t, interface: name)
        }
    }

    /// A stream fed by subscriptions `start` opens; finishing it stops them.
    func stream<T>(_ start: (inout MDNSEngine, Instant) -> [(id: SubscriptionID?, actions: [Action])],
                   convert: @escaping @Sendable (QuerierEvent, InterfaceLabel) -> T?) -> AsyncStream<Delivery<T>> {
        let (s, c) = DriverLimits.boundedStream(of: Delivery<T>.self)
        let sink = Routes.Sink(yield: { q, name in
            if case .refused(let r) = q { c.yield(.refused(r)) } else if let v = convert(q, name) { c.yield(.event(v)) }
        }, finish: { c.finish() })
        let key = subscribe(sink, start)
        c.onTermination = { [weak self] _ in Task { await self?.stop(sink: key) } }
        return s
    }
}

/// Caps of the driver.
public enum DriverLimits {
    /// Events held for a slow consumer of one stream; older ones are dropped beyond it.
    public static let streamBuffer = 1024

    static func boundedStream<T>(of: T.Type) -> (AsyncStream<T>, AsyncStream<T>.Continuation) {
        AsyncStream.makeStream(of: T.self, bufferingPolicy: .bufferingNewest(streamBuffer))
    }
}
