import DNSWire
import MDNSCore

/// One action of one engine, and the event that led to it.
public struct EngineTraceEntry: Hashable, Sendable, CustomStringConvertible {
    public var at: Instant
    /// The index of the event being run; `events.count` for the final settling.
    public var step: Int
    public var engine: Int
    public var action: Action

    public var description: String { "\(at) [\(step)] e\(engine) \(action)" }
}

/// What happened when a sequence ran.
public struct EngineRun: Sendable {
    public var trace: [EngineTraceEntry]
    /// Engine 0's `nextDeadline` after each event.
    public var deadlines: [Instant?]
    /// `InvariantMonitor` violations and the run's own checks (querier caps, message size,
    /// deadlines that do not move), each prefixed with the engine and step.
    public var violations: [String]
    public var engines: [MDNSEngine]
    /// Each engine's live registrations at the end, in registration order.
    public var registrations: [[RegistrationID]]
    public var messagesChecked: Int
    public var end: Instant
}

/// Caps small enough that a sequence of a hundred events meets them.
public enum EngineEventLimits {
    public static var responder: Limits {
        var l = Limits()
        l.maxPendingResponses = 8
        l.maxTruncatedQueryBuffers = 3
        l.maxKnownAnswersPerBuffer = 24
        l.maxQuestionsPerBuffer = 8
        l.maxRegistrations = 6
        l.maxConflictHistory = 20
        return l
    }

    public static var querier: QuerierLimits {
        var l = QuerierLimits()
        l.maxCacheEntries = 40
        l.maxRecordsPerName = 12
        l.maxActiveQuestions = 12
        l.maxKnownAnswersPerQuery = 16
        l.maxSubscriptions = 5
        l.maxBrowseResults = 10
        l.maxPendingReconfirms = 6
        return l
    }
}

extension EngineEventSequence {
    /// The most deadline firings in one `advance` step before the run reports a stuck engine.
    public static let maxFiringsPerStep = 20_000

    /// Runs the sequence on `engines` fresh engines (each with its own seed and addresses) that
    /// share one link per interface: every packet one sends reaches the others `latency` later.
    /// Registrations, packets from the link, subscriptions and interface changes go to all of
    /// them; an echo returns each engine's own packet to itself. Every action goes through an
    /// `InvariantMonitor`. After the last event time runs on for `settle`.
    public func run(engines count: Int = 1, settle: Duration = .seconds(10), latency: Duration = .milliseconds(2),
                    faults: Faults = Faults()) -> EngineRun {
        var runner = Runner(sequence: self, count: count, latency: latency, faults: faults)
        for (n, e) in events.enumerated() {
            runner.step = n
            runner.apply(e)
            runner.deadlines.append(runner.engines[0].nextDeadline)
        }
        runner.step = events.count
        runner.advance(to: runner.now + settle)
        return EngineRun(trace: runner.trace, deadlines: runner.deadlines,
                         violations: runner.violations + runner.monitors.enumerated().flatMap { k, m in m.violations.map { "e\(k): \($0)" } },
                         engines: runner.engines, registrations: runner.registrations.map { $0.map(\.id) },
                         messagesChecked: runner.monitors.reduce(0) { $0 + $1.messagesChecked }, end: runner.now)
    }
}

struct Runner {
    struct Delivery {
        var at: Instant
        var order: Int
        var to: Int
        var bytes: [UInt8]
        var source: SocketAddress
        var interface: InterfaceID
        var via: ReceivedVia
    }

    let sequence: EngineEventSequence
    let latency: Duration
    var engines: [MDNSEngine]
    var monitors: [InvariantMonitor]
    var interfaces: [[NetworkInterface]]
    var down: [Set<InterfaceID>]
    var registrations: [[(id: RegistrationID, registration: Registration)]]
    var subscriptions: [[SubscriptionID]]
    var sent: [[(Message, Destination)]]
    var deliveries: [Delivery] = []
    var deliveryOrder = 0
    var now: Instant
    var step = 0
    var trace: [EngineTraceEntry] = []
    var deadlines: [Instant?] = []
    var violations: [String] = []

    init(sequence: EngineEventSequence, count: Int, latency: Duration, faults: Faults) {
        self.sequence = sequence
        self.latency = latency
        now = sequence.start
        let n = max(1, count)
        interfaces = (0..<n).map { sequence.interfaces(ofEngine: $0) }
        engines = (0..<n).map { k in
            var c = Configuration(seed: sequence.engineSeed &+ UInt64(k))
            c.limits = EngineEventLimits.responder
            c.faults = faults
            var q = QuerierConfiguration()
            q.limits = EngineEventLimits.querier
            return MDNSEngine(configuration: c, interfaces: sequence.interfaces(ofEngine: k), querier: q)
        }
        monitors = Array(repeating: InvariantMonitor(), count: n)
        down = Array(repeating: [], count: n)
        registrations = Array(repeating: [], count: n)
        subscriptions = Array(repeating: [], count: n)
        sent = Array(repeating: [], count: n)
    }

    mutating func fail(_ k: Int, _ s: String) {
        if violations.count < 100 { violations.append("e\(k) step \(step) at \(now): \(s)") }
    }

    /// Actions returned by `receive` of `bytes`: RFC 6762 §6 wants shared answers to a query
    /// delayed 20–120 ms, so a multicast response with a shared answer in this same call came with
    /// no delay. (Defences and re-announcements after a received response are not answers.)
    mutating func takeReceived(_ k: Int, _ bytes: [UInt8], _ actions: [Action]) {
        let isQuery = bytes.count > 2 && bytes[2] & 0x80 == 0
        for case .send(let m, let d) in actions where isQuery && m.header.isResponse && d.isMulticast {
            if let r = m.answers.first(where: { $0.type == .ptr && !$0.cacheFlush && $0.ttl > 0 }) {
                fail(k, "\(EventInvariant.sharedAnswerDelay.marker) shared answer \(r.name) PTR sent with no delay")
            }
        }
        take(k, actions)
    }

    /// Records, checks and forwards the actions engine `k` just returned.
    mutating func take(_ k: Int, _ actions: [Action]) {
        monitors[k].observe(actions, engine: engines[k], at: now)
        let q = engines[k].querier, l = q.configuration.limits
        if q.cache.count > l.maxCacheEntries { fail(k, "cache entries \(q.cache.count) > \(l.maxCacheEntries)") }
        if q.activeQuestionCount > l.maxActiveQuestions { fail(k, "active questions \(q.activeQuestionCount) > \(l.maxActiveQuestions)") }
        if q.subscriptionCount > l.maxSubscriptions { fail(k, "subscriptions \(q.subscriptionCount) > \(l.maxSubscriptions)") }
        if q.pendingReconfirmCount > l.maxPendingReconfirms { fail(k, "reconfirms \(q.pendingReconfirmCount) > \(l.maxPendingReconfirms)") }
        for a in actions {
            trace.append(EngineTraceEntry(at: now, step: step, engine: k, action: a))
            guard case .send(let m, let d) = a else { continue }
            if m.header.isResponse && d.isMulticast { checkCacheFlush(k, m) }
            let bytes = m.encoded(compression: .suffixes)
            // RFC 6762 §17: never more than 9000 bytes.
            if bytes.count > DNSLimits.maxMulticastMessageLength { fail(k, "sent \(bytes.count) bytes") }
            sent[k].append((m, d))
            if sent[k].count > 8 { sent[k].removeFirst() }
            guard let from = address(of: k, on: d.interface) else { continue }
            for j in engines.indices where j != k && !down[j].contains(d.interface) {
                var via = ReceivedVia.multicast
                if case .unicast(let to) = d.kind {
                    guard address(of: j, on: d.interface, matching: to.address) else { continue }
                    via = .unicast
                }
                deliveryOrder += 1
                deliveries.append(Delivery(at: now + latency, order: deliveryOrder, to: j, bytes: bytes,
                                           source: SocketAddress(from), interface: d.interface, via: via))
            }
        }
    }

    /// RFC 6762 §10.2: unique records (SRV, TXT, addresses) in multicast responses carry the
    /// cache-flush bit; goodbyes are exempt.
    mutating func checkCacheFlush(_ k: Int, _ m: Message) {
        for r in m.answers + m.additionals where r.ttl > 0 && !r.cacheFlush && [.srv, .txt, .a, .aaaa].contains(r.type) {
            fail(k, "\(EventInvariant.cacheFlush.marker) \(r.name) \(r.type) without the cache-flush bit")
            return
        }
    }

    func address(of k: Int, on i: InterfaceID) -> IPAddress? {
        interfaces[k].first { $0.id == i }?.addresses.first?.address
    }

    func address(of k: Int, on i: InterfaceID, matching a: IPAddress) -> Bool {
        interfaces[k].first { $0.id == i }?.addresses.contains { $0.address == a } ?? false
    }

    /// Fires deadlines and deliveries in time order up to `t`, then moves every engine to `t`.
    mutating func advance(to t: Instant) {
        var firings = 0
        while firings < EngineEventSequence.maxFiringsPerStep {
            var next = deliveries.map(\.at).min()
            for e in engines { if let d = e.nextDeadline, next.map({ d < $0 }) ?? true { next = d } }
            guard let n = next, n <= t else { break }
            now = max(now, n)
            firings += 1
            let due = deliveries.filter { $0.at <= now }.sorted { $0.order < $1.order }
            deliveries.removeAll { $0.at <= now }
            for d in due {
                takeReceived(d.to, d.bytes, engines[d.to].receive(bytes: d.bytes, from: d.source, interface: d.interface, via: d.via, at: now))
            }
            for k in engines.indices {
                guard let d = engines[k].nextDeadline, d <= now else { continue }
                take(k, engines[k].advance(to: now))
                if let d = engines[k].nextDeadline, d <= now {
                    fail(k, "nextDeadline \(d) not after advance(to: \(now))")
                    return
                }
            }
        }
        if firings == EngineEventSequence.maxFiringsPerStep { fail(0, "more than \(firings) firings in one step") }
        now = max(now, t)
        for k in engines.indices { take(k, engines[k].advance(to: now)) }
    }

    mutating func apply(_ event: EngineEvent) {
        for k in engines.indices { apply(event, engine: k) }
    }

    mutating func register(_ r: Registration, _ k: Int) {
        let (id, actions) = engines[k].register(r, at: now)
        if let id {
            registrations[k].append((id, r))
            if let n = engines[k].responder.name(of: id) { monitors[k].requireProbing(n) }
        }
        take(k, actions)
    }

    mutating func apply(_ event: EngineEvent, engine k: Int) {
        switch event {
        case .registerHost(let h): register(.host(h), k)
        case .registerService(let s): register(.service(s), k)
        case .updateTXT(let r, let txt):
            guard !registrations[k].isEmpty else { return }
            let i = r % registrations[k].count
            guard case .service(var s) = registrations[k][i].registration else { return }
            s.txt = txt
            registrations[k][i].registration = .service(s)
            take(k, engines[k].update(registrations[k][i].id, to: .service(s), at: now))
        case .rename(let r, let label):
            guard !registrations[k].isEmpty else { return }
            let i = r % registrations[k].count
            var reg = registrations[k][i].registration
            switch reg {
            case .host(var h): h.label = label; reg = .host(h)
            case .service(var s): s.instance = label; reg = .service(s)
            case .records: return
            }
            registrations[k][i].registration = reg
            let id = registrations[k][i].id
            // The new name must be probed before use; monitor it before the engine acts.
            if let t = Self.name(of: reg) { monitors[k].requireProbing(t) }
            take(k, engines[k].update(id, to: reg, at: now))
            if let n = engines[k].responder.name(of: id) { monitors[k].requireProbing(n) }
        case .withdraw(let r):
            guard !registrations[k].isEmpty else { return }
            let (id, _) = registrations[k].remove(at: r % registrations[k].count)
            take(k, engines[k].withdraw(id, at: now))
        case .receive(let p):
            takeReceived(k, p.bytes, engines[k].receive(bytes: p.bytes, from: p.source, interface: p.interface, via: p.via, at: now))
        case .echo(let back):
            guard !sent[k].isEmpty else { return }
            let (m, d) = sent[k][sent[k].count - 1 - back % sent[k].count]
            guard !down[k].contains(d.interface), let from = address(of: k, on: d.interface) else { return }
            let bytes = m.encoded(compression: .suffixes)
            takeReceived(k, bytes, engines[k].receive(bytes: bytes, from: SocketAddress(from), interface: d.interface, at: now))
        case .interfaceDown(let i):
            guard !down[k].contains(i) else { return }
            down[k].insert(i)
            take(k, engines[k].removeInterface(i, at: now))
        case .interfaceUp(let i):
            guard down[k].contains(i), let iface = interfaces[k].first(where: { $0.id == i }) else { return }
            down[k].remove(i)
            take(k, engines[k].addInterface(iface, at: now))
        case .browse(let type):
            let (id, actions) = engines[k].browse(type, at: now)
            if let id { subscriptions[k].append(id) }
            take(k, actions)
        case .resolve(let instance):
            let (id, actions) = engines[k].resolve(instance, at: now)
            if let id { subscriptions[k].append(id) }
            take(k, actions)
        case .query(let name, let type, let oneShot):
            let (id, actions) = engines[k].query(name, type, oneShot: oneShot, at: now)
            if let id { subscriptions[k].append(id) }
            take(k, actions)
        case .stop(let s):
            guard !subscriptions[k].isEmpty else { return }
            let id = subscriptions[k].remove(at: s % subscriptions[k].count)
            take(k, engines[k].stop(id, at: now))
        case .advance(let d):
            // Only once for all engines: time is shared.
            guard k == engines.count - 1 else { return }
            advance(to: now + d)
        }
    }

    static func name(of r: Registration) -> DNSName? {
        switch r {
        case .host(let h): return try? h.domain.prepending(h.label)
        case .service(let s): return s.typeName.flatMap { try? $0.prepending(s.instance) }
        case .records: return nil
        }
    }
}
