import DNSWire
import Glibc
import MDNSCore
import MDNSTransport

/// What happens to a registration (RFC 6762 §8, §9).
public enum RegistrationEvent: Hashable, Sendable, CustomStringConvertible {
    case probing(DNSName, interface: String)
    case registered(DNSName, interface: String)
    /// §8.2: a simultaneous probe had later data; probing again in one second.
    case lostTiebreak(DNSName, interface: String)
    case conflict(DNSName, interface: String)
    case renamed(from: DNSName, to: DNSName)
    case withdrawn

    public var description: String {
        switch self {
        case .probing(let n, let i): return "probing \(n.display) on \(i)"
        case .registered(let n, let i): return "registered \(n.display) on \(i)"
        case .lostTiebreak(let n, let i): return "lost tiebreak \(n.display) on \(i)"
        case .conflict(let n, let i): return "conflict \(n.display) on \(i)"
        case .renamed(let a, let b): return "renamed \(a.display) -> \(b.display)"
        case .withdrawn: return "withdrawn"
        }
    }
}

extension DNSName {
    /// Labels as they are, joined by dots ("My Web._http._tcp.local"): for people, not parsers.
    public var display: String { labels.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".") }
}

/// A live registration: its events, and `withdraw()` (goodbyes, RFC 6762 §10.1).
public struct Registration: Sendable {
    public let id: RegistrationID
    public let events: AsyncStream<RegistrationEvent>
    let driver: MDNSDriver
    public func withdraw() async { await driver.withdraw(id) }
}

extension MDNSDriver {
    /// Registers a service; its SRV target is the host name (registered with the first service)
    /// unless the service names its own host. Throws when the engine refuses it.
    public func register(_ service: ServiceRegistration) throws(MDNSError) -> Registration {
        if service.host == nil { try registerHost() }
        return try register(.service(service))
    }

    /// Registers any records (a host's A/AAAA for `--host H --address A`, for example).
    public func register(_ r: MDNSCore.Registration) throws(MDNSError) -> Registration {
        let (s, c) = DriverLimits.boundedStream(of: RegistrationEvent.self)
        let (id, actions) = engine.register(r, at: now)
        guard let id else {
            var reason = "refused"
            for case .report(.refused(let why)) in actions { reason = why }
            perform(actions)
            throw MDNSError(reason.contains("TXT") ? .invalidTXT : .invalidName, reason)
        }
        routes.registrations[id] = c
        perform(actions)
        return Registration(id: id, events: s, driver: self)
    }

    func withdraw(_ id: RegistrationID) {
        perform(engine.withdraw(id, at: now))
    }

    /// The host's own name (A/AAAA per interface, RFC 6762 §14), registered once.
    func registerHost() throws(MDNSError) {
        guard hostRegistration == nil else { return }
        let label = options.hostName ?? Self.systemHostLabel()
        let (id, actions) = engine.register(.host(HostRegistration(label: label)), at: now)
        perform(actions)
        guard let id else { throw MDNSError(.invalidName, "invalid host name \"\(label)\"") }
        hostRegistration = id
    }

    /// The first label of gethostname(2).
    static func systemHostLabel() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count - 1) == 0 else { return "swift-mdns" }
        let name = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(name.split(separator: ".").first ?? "swift-mdns")
    }

    /// The name a registration uses now (after renames).
    public func name(of r: Registration) -> DNSName? { engine.responder.name(of: r.id) }

    /// Withdraws every registration (goodbyes go out at once), then closes the sockets.
    public func shutdown() {
        guard !isShutDown else { return }
        for id in engine.responder.registrationIDs { perform(engine.withdraw(id, at: now)) }
        isShutDown = true
        let s = statistics
        log.info("shutdown", metadata: [
            "received": "\(s.transport.received)", "sent": "\(s.transport.sent)", "sendErrors": "\(s.transport.sendErrors)",
            "queueDrops": "\(s.transport.queueDrops)", "truncated": "\(s.transport.truncated)",
            "engineReceived": "\(s.engine.packetsReceived)", "decodeErrors": "\(s.engine.decodeErrors.values.reduce(0, +))",
        ])
        for t in tasks { t.cancel() }
        timer?.cancel()
        for key in Array(routes.sinks.keys) { routes.sinks.removeValue(forKey: key)?.finish() }
        for c in routes.registrations.values { c.finish() }
        routes.registrations = [:]
        transport.shutdown()
    }

    /// Counters of the engine, the querier and the transport.
    public var statistics: (engine: Statistics, querier: QuerierStatistics, transport: TransportStatistics) {
        (engine.statistics, engine.querierStatistics, transport.statistics)
    }
}
