import Logging
import MDNSCore

/// Where engine reports go: subscription results to their streams, registration events to
/// their `Registration`, everything else to the log.
struct Routes {
    struct Sink {
        /// Called on the driver with the event and the interface it concerns.
        let yield: @Sendable (QuerierEvent, InterfaceLabel) -> Void
        let finish: @Sendable () -> Void
    }
    var sinks: [Int: Sink] = [:]
    var subscriptions: [SubscriptionID: Int] = [:]
    var registrations: [RegistrationID: AsyncStream<RegistrationEvent>.Continuation] = [:]
    var nextSink = 0
}

extension MDNSDriver {
    func route(_ e: Event) {
        switch e {
        case .probing(let id, let name, let i): registration(id, .probing(name, interface: interfaceName(i)))
        case .registered(let id, let name, let i): registration(id, .registered(name, interface: interfaceName(i)))
        case .lostTiebreak(let id, let name, let i): registration(id, .lostTiebreak(name, interface: interfaceName(i)))
        case .conflict(let id, let name, let i): registration(id, .conflict(name, interface: interfaceName(i)))
        case .renamed(let id, let from, let to): registration(id, .renamed(from: from, to: to))
        case .withdrawn(let id):
            registration(id, .withdrawn)
            routes.registrations.removeValue(forKey: id)?.finish()
        case .refused(let reason): elog.warning("registration refused", metadata: ["reason": "\(reason)"])
        case .dropped(let reason): elog.trace("packet dropped", metadata: ["reason": "\(reason)"])
        case .overflow(let kind): elog.notice("limit reached, oldest entry dropped", metadata: ["limit": "\(kind)"])
        case .querier(let q): route(q)
        }
    }

    private func route(_ q: QuerierEvent) {
        let sid: SubscriptionID, iface: InterfaceID?
        switch q {
        case .instance(let s, _, let i): (sid, iface) = (s, i.interface)
        case .serviceType(let s, _, _, let i): (sid, iface) = (s, i)
        case .record(let s, _, _, let i): (sid, iface) = (s, i)
        case .finished(let s): (sid, iface) = (s, nil)
        case .refused(let reason): return elog.warning("subscription refused", metadata: ["reason": "\(reason)"])
        case .flushed(let r, _, let reason): return elog.debug("cache flush", metadata: ["record": "\(r.name)", "reason": "\(reason)"])
        }
        guard let key = routes.subscriptions[sid], let sink = routes.sinks[key] else { return }
        sink.yield(q, iface.map(interfaceLabel) ?? InterfaceLabel(name: "", families: []))
        if case .finished = q {
            routes.subscriptions[sid] = nil
            if !routes.subscriptions.values.contains(key) { routes.sinks.removeValue(forKey: key)?.finish() }
        }
    }

    private func registration(_ id: RegistrationID, _ e: RegistrationEvent) {
        elog.info("registration", metadata: ["id": "\(id)", "event": "\(e)"])
        routes.registrations[id]?.yield(e)
    }

    /// Starts subscriptions whose results go to one sink; stopping the stream stops them all.
    func subscribe(_ sink: Routes.Sink, _ start: (inout MDNSEngine, Instant) -> [(id: SubscriptionID?, actions: [Action])]) -> Int {
        let key = routes.nextSink
        routes.nextSink += 1
        routes.sinks[key] = sink
        let started = start(&engine, now)
        var refused: [String] = []
        for (id, actions) in started {
            if let id {
                routes.subscriptions[id] = key
                elog.info("subscription started", metadata: ["id": "\(id)"])
            }
            for case .report(.querier(.refused(let r))) in actions where id == nil { refused.append(r) }
        }
        for (_, actions) in started { perform(actions) }
        if started.contains(where: { $0.id == nil }) {
            sink.yield(.refused(reason: refused.first ?? "refused"), InterfaceLabel(name: "", families: []))
            stop(sink: key)
        }
        return key
    }

    /// Ends every subscription of a sink (its consumer went away or it was refused).
    func stop(sink key: Int) {
        let ids = routes.subscriptions.filter { $0.value == key }.map(\.key)
        for id in ids {
            routes.subscriptions[id] = nil
            perform(engine.stop(id, at: now))
        }
        routes.sinks.removeValue(forKey: key)?.finish()
    }

    var elog: Logger { options.makeLogger("mdns.engine") }
}
