import DNSWire
import Logging
import MDNSCore
import MDNSTransport

/// The live mDNS driver: the sans-IO `MDNSEngine`, a `DatagramTransport` and a real clock.
///
/// The whole loop: a datagram arrives → decode it and call the engine → perform its actions
/// (send, report) → sleep until `nextDeadline` → `advance(to:)` → perform. An actor, so engine
/// state is touched by one task at a time (Swift 6 strict concurrency). The public API (browse,
/// resolve, register, query, lookup, shutdown) lives in the files beside this one.
public actor MDNSDriver {
    var engine: MDNSEngine
    let transport: any DatagramTransport
    let options: MDNSOptions
    let log: Logger
    let clock = ContinuousClock()
    let origin: ContinuousClock.Instant
    var timer: Task<Void, Never>?
    var timerDeadline: Instant?
    var tasks: [Task<Void, Never>] = []
    var routes = Routes()
    var interfaces: [UInt32: InterfaceSnapshot] = [:]
    var hostRegistration: RegistrationID?
    var isShutDown = false

    /// Opens the transport on every eligible interface and starts receiving. Throws when no
    /// interface can carry mDNS (`.noMulticastInterface`) or the sockets are refused.
    public init(options: MDNSOptions = MDNSOptions(), transport: (any DatagramTransport)? = nil) async throws(MDNSError) {
        self.options = options
        log = options.makeLogger("mdns.driver")
        origin = clock.now
        if let transport { self.transport = transport } else {
            do throws(TransportError) { self.transport = try MulticastTransport() } catch { throw MDNSError(error) }
        }
        engine = MDNSEngine(configuration: options.engineConfiguration, interfaces: [], querier: options.querierConfiguration)
        try await start()
    }

    private func start() async throws(MDNSError) {
        try syncInterfaces(initial: true)
        let stream = transport.datagrams
        tasks.append(Task { [weak self] in
            for await d in stream { await self?.receive(d) }
        })
        tasks.append(Task { [weak self, interval = options.interfacePollInterval] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                try? await self?.syncInterfaces(initial: false)
            }
        })
    }

    /// Engine time: nanoseconds since the driver started (plus one second, so it never is zero).
    var now: Instant { Instant(nanoseconds: (clock.now - origin).nanoseconds + 1_000_000_000) }

    func receive(_ d: Datagram) {
        guard let index = d.control.interfaceIndex, interfaces[index] != nil else { return }
        let via: ReceivedVia = d.wasMulticast ? .multicast : .unicast
        perform(engine.receive(bytes: d.bytes, from: SocketAddress(d.source), interface: InterfaceID(Int(index)), via: via, at: now))
    }

    /// Sends first, then reports: a report (printing, a consumer's stream) must not delay a packet
    /// the engine timed, or the §8.3 "one second apart" between announcements shrinks on the wire.
    func perform(_ actions: [Action]) {
        for case .send(let m, let to) in actions { send(m, to) }
        for case .report(let e) in actions { route(e) }
        reschedule()
    }

    /// Timers wake this long after the engine's deadline. The engine times the next packet from
    /// the `now` it was given, but each packet reaches the wire a little after that `now`; if one
    /// is delayed more than the next (scheduling, a report), a gap the RFC bounds below, such as
    /// §8.3's "one second apart", would come out short on the wire. Measured: up to 0.44 ms.
    static let wakeMargin: Duration = .milliseconds(1)

    /// One timer task, for the engine's earliest deadline; replaced when an earlier one appears.
    func reschedule() {
        guard let d = engine.nextDeadline else { timer?.cancel(); timer = nil; timerDeadline = nil; return }
        if let t = timerDeadline, t <= d, timer != nil { return }
        timer?.cancel()
        timerDeadline = d
        let wake = origin + .nanoseconds(d.nanoseconds - 1_000_000_000) + Self.wakeMargin
        timer = Task { [weak self, clock] in
            try? await Task.sleep(until: wake, tolerance: .milliseconds(1), clock: clock)
            if !Task.isCancelled { await self?.fire() }
        }
    }

    func fire() {
        timer = nil
        timerDeadline = nil
        perform(engine.advance(to: now))
    }

    func send(_ m: Message, _ to: Destination) {
        let index = UInt32(to.interface.rawValue)
        guard let iface = interfaces[index] else { return }
        let bytes = m.encoded()
        let targets: [SendTarget]
        switch to.kind {
        case .multicast: targets = options.families.filter { transport.isOpen(index, $0) }.map(SendTarget.group)
        case .unicast(let a): targets = [.unicast(UDPAddress(a))]
        }
        for t in targets {
            do { try transport.send(bytes, to: t, interface: index) } catch {
                log.debug("send failed (counted)", metadata: ["interface": "\(iface.name)", "error": "\(error)"])
            }
        }
    }
}
