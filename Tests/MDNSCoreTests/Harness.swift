import DNSWire
import MDNSCore

/// One engine, driven event by event in virtual time, with everything it sent.
struct Harness {
    var engine: MDNSEngine
    var now: Instant
    var log: [(time: Instant, message: Message, to: Destination)] = []
    var events: [(time: Instant, event: Event)] = []

    static let eth0 = NetworkInterface(id: InterfaceID(1), name: "eth0", addresses: [
        InterfaceAddress(.v4(IPv4Address(169, 254, 1, 1)), prefixLength: 16),
        InterfaceAddress(.v6(IPv6Address("fe80::1")!), prefixLength: 64)])
    static let eth1 = NetworkInterface(id: InterfaceID(2), name: "eth1", addresses: [
        InterfaceAddress(.v4(IPv4Address(192, 168, 7, 2)), prefixLength: 24)])
    static let peer = SocketAddress(.v4(IPv4Address(169, 254, 9, 9)))
    static let host = try! DNSName(parsing: "printer.local")
    static let printer = ServiceRegistration(instance: "Printer", type: "_ipp._tcp", port: 631, txt: TXT([("rp", "x")]), subtypes: ["_color"])
    static let instance = try! DNSName(labels: ["Printer", "_ipp", "_tcp", "local"])
    static let type = try! DNSName(parsing: "_ipp._tcp.local")

    init(seed: UInt64 = 1, interfaces: [NetworkInterface] = [Harness.eth0], configure: (inout Configuration) -> Void = { _ in }) {
        var c = Configuration(seed: seed)
        configure(&c)
        engine = MDNSEngine(configuration: c, interfaces: interfaces)
        now = Instant(nanoseconds: 7_777_000_000_000 + Int64(seed) * 1_000_003)
    }

    mutating func take(_ actions: [Action]) {
        for a in actions {
            switch a {
            case .send(let m, let d): log.append((now, m, d))
            case .report(let e): events.append((now, e))
            }
        }
    }

    @discardableResult
    mutating func register(_ r: Registration) -> RegistrationID? {
        let (id, a) = engine.register(r, at: now)
        take(a)
        return id
    }

    /// Registers printer.local and the Printer service and runs until both are established.
    mutating func establish() -> (host: RegistrationID, service: RegistrationID) {
        let h = register(.host(HostRegistration(label: "printer")))!
        let s = register(.service(Harness.printer))!
        run(for: .seconds(5))
        return (h, s)
    }

    /// Advances through every deadline up to now + d.
    mutating func run(for d: Duration) {
        let end = now + d
        while let t = engine.nextDeadline, t <= end {
            now = max(now, t)
            take(engine.advance(to: now))
        }
        now = end
        take(engine.advance(to: now))
    }

    mutating func receive(_ m: Message, from s: SocketAddress = Harness.peer, interface: InterfaceID = InterfaceID(1), via: ReceivedVia = .multicast) {
        take(engine.receive(m, from: s, interface: interface, via: via, at: now))
    }

    func sent(after t: Instant) -> [(time: Instant, message: Message, to: Destination)] { log.filter { $0.time > t } }
    func sent(since t: Instant) -> [(time: Instant, message: Message, to: Destination)] { log.filter { $0.time >= t } }

    func probes(for name: DNSName) -> [(time: Instant, message: Message, to: Destination)] {
        log.filter { !$0.message.header.isResponse && $0.message.questions.contains { $0.name == name } }
    }

    func responses(answering name: DNSName, _ type: RRType? = nil) -> [(time: Instant, message: Message, to: Destination)] {
        log.filter { e in e.message.header.isResponse && e.message.answers.contains { $0.name == name && (type == nil || $0.type == type!) && $0.ttl > 0 } }
    }

    static func query(_ name: DNSName, _ type: RRType, qu: Bool = false, known: [ResourceRecord] = [], id: UInt16 = 0, tc: Bool = false) -> Message {
        var h = Header.query
        h.id = id
        h.truncated = tc
        return Message(header: h, questions: [Question(name: name, type: type, unicastResponse: qu)], answers: known)
    }
}
