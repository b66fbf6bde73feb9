import DNSWire
import MDNSCore

/// What a virtual link does to packets.
public struct LinkConditions: Sendable {
    /// One-way delay, drawn uniformly per delivery (a wide range reorders packets).
    public var latency: ClosedRange<Duration> = .microseconds(100) ... .microseconds(300)
    /// Probability that a delivery is lost.
    public var lossRate = 0.0
    /// Probability that a delivery arrives twice.
    public var duplicationRate = 0.0
    /// Probability that a delivery is held back an extra 0–50 ms (reordering).
    public var reorderRate = 0.0
    /// Multicast comes back to the interface that sent it (IP_MULTICAST_LOOP).
    public var echoToSender = false
    /// A reflector on the link re-multicasts every multicast packet from this address, once.
    public var reflector: SocketAddress? = nil

    public init() {}
    public static let clean = LinkConditions()
}

/// A datagram on a virtual link.
public struct Datagram: Sendable {
    public var bytes: [UInt8]
    public var source: SocketAddress
    public var destination: Destination.Kind
    public init(bytes: [UInt8], source: SocketAddress, destination: Destination.Kind) {
        self.bytes = bytes; self.source = source; self.destination = destination
    }
}

/// One transmission as seen on a link: who sent what, when.
public struct Transmission: Sendable {
    public enum Sender: Hashable, Sendable { case engine(Int), peer, reflector }
    public var time: Instant
    public var link: Int
    public var sender: Sender
    public var datagram: Datagram
    /// IP TTL / hop limit: the engine node sends with 255 (RFC 6762 §11).
    public var hopLimit: UInt8
}

/// Several engines and scripted peers on virtual links. Time is virtual and starts at a random
/// offset; nothing sleeps. Deterministic for a seed.
public final class SimulatedNetwork {
    public struct Attachment: Sendable {
        public var interface: NetworkInterface
        public var link: Int
        public var source: SocketAddress { SocketAddress(interface.addresses[0].address) }
    }

    struct Node {
        var engine: MDNSEngine
        var attachments: [Attachment]
        /// Interfaces taken down, with the time they come back.
        var downUntil: [(Attachment, Instant)] = []
    }

    struct InFlight {
        var deliverAt: Instant
        var seq: Int
        var link: Int
        var datagram: Datagram
        var reflected: Bool
        var senderNode: Int?
        var senderInterface: InterfaceID?
    }

    public private(set) var now: Instant
    public let start: Instant
    public private(set) var links: [LinkConditions]
    var rng: SplitMix64
    var nodes: [Node] = []
    var inFlight: [InFlight] = []
    var seq = 0
    /// Every transmission on every link, in time order.
    public private(set) var trace: [Transmission] = []
    /// Every datagram delivered to a scripted peer (anything not addressed to an engine), by link.
    public private(set) var peerInbox: [(time: Instant, link: Int, datagram: Datagram)] = []
    /// Events the engines reported.
    public private(set) var events: [(time: Instant, node: Int, event: Event)] = []
    /// Safety cap on steps per `run` call.
    public static let maxStepsPerRun = 1_000_000

    public init(seed: UInt64, links: [LinkConditions] = [.clean]) {
        rng = SplitMix64(seed: seed)
        // DESIGN.md rule 5: virtual time starts at a random offset.
        now = Instant(nanoseconds: Int64(rng.next() >> 4))
        start = now
        self.links = links
    }

    public func setConditions(_ c: LinkConditions, link: Int) { links[link] = c }

    /// Adds an engine with one interface per attachment (interface, link).
    @discardableResult
    public func addEngine(configuration: Configuration, attachments: [(NetworkInterface, link: Int)]) -> Int {
        let atts = attachments.map { Attachment(interface: $0.0, link: $0.link) }
        nodes.append(Node(engine: MDNSEngine(configuration: configuration, interfaces: atts.map(\.interface)), attachments: atts))
        return nodes.count - 1
    }

    public func engine(_ node: Int) -> MDNSEngine { nodes[node].engine }
    public func attachments(_ node: Int) -> [Attachment] { nodes[node].attachments }

    /// Runs one engine event now and performs its actions.
    @discardableResult
    public func withEngine<R>(_ node: Int, _ body: (inout MDNSEngine, Instant) -> (R, [Action])) -> R {
        let (r, actions) = body(&nodes[node].engine, now)
        perform(actions, node: node)
        return r
    }

    public func register(_ registration: Registration, on node: Int) -> RegistrationID? {
        withEngine(node) { e, t in let r = e.register(registration, at: t); return (r.id, r.actions) }
    }

    /// A scripted peer sends a datagram on a link now.
    public func inject(_ datagram: Datagram, link: Int) {
        transmit(datagram, link: link, sender: .peer, senderNode: nil, senderInterface: nil, hopLimit: 255)
    }

    /// Takes an engine interface down now and brings it back after `downFor` (hot-plugging).
    public func bounce(node: Int, interface: InterfaceID, downFor: Duration) {
        guard let i = nodes[node].attachments.firstIndex(where: { $0.interface.id == interface }) else { return }
        let att = nodes[node].attachments.remove(at: i)
        nodes[node].downUntil.append((att, now + downFor))
        withEngine(node) { e, t in ((), e.removeInterface(interface, at: t)) }
    }

    /// The earliest pending thing: a delivery, an engine deadline or an interface coming back.
    public var nextEventTime: Instant? {
        var best: Instant? = nil
        func take(_ t: Instant?) { if let t, best.map({ t < $0 }) ?? true { best = t } }
        for f in inFlight { take(f.deliverAt) }
        for n in nodes { take(n.engine.nextDeadline); for d in n.downUntil { take(d.1) } }
        return best
    }

    /// Runs the network until `deadline` (inclusive), or until `stop` returns true after a step.
    public func run(until deadline: Instant, stop: (() -> Bool)? = nil) {
        var steps = 0
        while steps < Self.maxStepsPerRun {
            steps += 1
            guard let t = nextEventTime, t <= deadline else { break }
            now = max(now, t)
            step()
            if let stop, stop() { return }
        }
        if deadline > now { now = deadline }
    }

    public func run(for d: Duration) { run(until: now + d) }

    func step() {
        // Interfaces coming back up.
        for ni in nodes.indices {
            let due = nodes[ni].downUntil.filter { $0.1 <= now }
            guard !due.isEmpty else { continue }
            nodes[ni].downUntil.removeAll { $0.1 <= now }
            for (att, _) in due {
                nodes[ni].attachments.append(att)
                withEngine(ni) { e, t in ((), e.addInterface(att.interface, at: t)) }
            }
        }
        // Deliveries due now, in order.
        while let i = inFlight.indices.min(by: { (inFlight[$0].deliverAt, inFlight[$0].seq) < (inFlight[$1].deliverAt, inFlight[$1].seq) }),
              inFlight[i].deliverAt <= now {
            let f = inFlight.remove(at: i)
            deliver(f)
        }
        // Engine deadlines.
        for ni in nodes.indices {
            if let d = nodes[ni].engine.nextDeadline, d <= now {
                withEngine(ni) { e, t in ((), e.advance(to: t)) }
            }
        }
    }

    func perform(_ actions: [Action], node: Int) {
        for a in actions {
            switch a {
            case .report(let e):
                events.append((now, node, e))
            case .send(let m, let d):
                guard let att = nodes[node].attachments.first(where: { $0.interface.id == d.interface }) else { continue }
                let bytes = m.encoded()
                transmit(Datagram(bytes: bytes, source: att.source, destination: d.kind), link: att.link,
                         sender: .engine(node), senderNode: node, senderInterface: att.interface.id, hopLimit: 255)
            }
        }
    }

    func transmit(_ d: Datagram, link: Int, sender: Transmission.Sender, senderNode: Int?, senderInterface: InterfaceID?, hopLimit: UInt8) {
        guard links.indices.contains(link) else { return }
        trace.append(Transmission(time: now, link: link, sender: sender, datagram: d, hopLimit: hopLimit))
        let c = links[link]
        func schedule(reflected: Bool) {
            if Double.random(in: 0..<1, using: &rng) < c.lossRate { return }
            var delay = rng.duration(in: c.latency)
            if Double.random(in: 0..<1, using: &rng) < c.reorderRate { delay += rng.duration(in: .zero ... .milliseconds(50)) }
            seq += 1
            inFlight.append(InFlight(deliverAt: now + delay, seq: seq, link: link, datagram: d, reflected: reflected,
                                     senderNode: senderNode, senderInterface: senderInterface))
            if Double.random(in: 0..<1, using: &rng) < c.duplicationRate {
                seq += 1
                inFlight.append(InFlight(deliverAt: now + delay + rng.duration(in: c.latency), seq: seq, link: link, datagram: d,
                                         reflected: reflected, senderNode: senderNode, senderInterface: senderInterface))
            }
        }
        schedule(reflected: sender == .reflector)
    }

    func deliver(_ f: InFlight) {
        let c = links[f.link]
        var toEngine = false
        for ni in nodes.indices {
            for att in nodes[ni].attachments where att.link == f.link {
                let isSender = f.senderNode == ni && f.senderInterface == att.interface.id
                switch f.datagram.destination {
                case .multicast:
                    if isSender && !c.echoToSender { continue }
                    withEngine(ni) { e, t in
                        ((), e.receive(bytes: f.datagram.bytes, from: f.datagram.source, interface: att.interface.id, via: .multicast, at: t))
                    }
                case .unicast(let dst):
                    guard att.interface.addresses.contains(where: { $0.address == dst.address }), dst.port == mdnsPort else { continue }
                    toEngine = true
                    withEngine(ni) { e, t in
                        ((), e.receive(bytes: f.datagram.bytes, from: f.datagram.source, interface: att.interface.id, via: .unicast, at: t))
                    }
                }
            }
        }
        if case .multicast = f.datagram.destination {
            peerInbox.append((now, f.link, f.datagram))
            if let r = c.reflector, !f.reflected, f.datagram.source != r {
                var d = f.datagram
                d.source = r
                transmit(d, link: f.link, sender: .reflector, senderNode: nil, senderInterface: nil, hopLimit: 255)
            }
        } else if !toEngine {
            peerInbox.append((now, f.link, f.datagram))
        }
    }
}
