import DNSWire
import MDNSCore

/// A datagram that reaches the engine from the link.
public struct ReceivedPacket: Hashable, Sendable {
    /// What it is: a `MessageKind`, a targeted shape such as `probe-conflict`, or `hostile:<mutator>`.
    public var label: String
    public var bytes: [UInt8]
    public var source: SocketAddress
    public var interface: InterfaceID
    public var via: ReceivedVia

    public init(label: String, bytes: [UInt8], source: SocketAddress, interface: InterfaceID, via: ReceivedVia = .multicast) {
        self.label = label; self.bytes = bytes; self.source = source; self.interface = interface; self.via = via
    }
}

/// One input to an `MDNSEngine`. Registrations and subscriptions are named by their position in
/// the run's list of live ones (taken modulo its length), so a sequence never refers to an ID the
/// engine did not give out.
public enum EngineEvent: Hashable, Sendable, CustomStringConvertible {
    case registerHost(HostRegistration)
    case registerService(ServiceRegistration)
    /// RFC 6762 §8.4: new TXT rdata for a live service (re-announced without probing).
    case updateTXT(registration: Int, txt: TXT)
    /// A new host label or service instance name (goodbye for the old, probing for the new).
    case rename(registration: Int, label: String)
    case withdraw(registration: Int)
    case receive(ReceivedPacket)
    /// The engine's own `back`-th most recent packet comes back to it (multicast loopback, reflector).
    case echo(back: Int)
    case interfaceDown(InterfaceID)
    case interfaceUp(InterfaceID)
    case browse(type: String)
    case resolve(instance: DNSName)
    case query(name: DNSName, type: RRType, oneShot: Bool)
    case stop(subscription: Int)
    case advance(Duration)

    public var description: String {
        switch self {
        case .registerHost(let h):
            return "register host \(h.label)\(Self.on(h.interfaces))"
        case .registerService(let s):
            let subs = s.subtypes.isEmpty ? "" : " subtypes \(s.subtypes.joined(separator: ","))"
            return "register service \"\(s.instance)\" \(s.type) port \(s.port) txt \(s.txt.strings.count) string(s)\(subs)\(Self.on(s.interfaces))"
        case .updateTXT(let r, let txt): return "update txt of registration [\(r)] to \(txt.strings.count) string(s)"
        case .rename(let r, let label): return "rename registration [\(r)] to \"\(label)\""
        case .withdraw(let r): return "withdraw registration [\(r)]"
        case .receive(let p):
            let via = p.via == .unicast ? " (unicast)" : ""
            return "receive \(p.label) \(p.bytes.count) bytes from \(p.source) on \(p.interface)\(via)"
        case .echo(let back): return "echo own packet -\(back)"
        case .interfaceDown(let i): return "interface \(i) down"
        case .interfaceUp(let i): return "interface \(i) up"
        case .browse(let t): return "browse \(t)"
        case .resolve(let n): return "resolve \(n)"
        case .query(let n, let t, let oneShot): return "query \(n) \(t)\(oneShot ? " one-shot" : "")"
        case .stop(let s): return "stop subscription [\(s)]"
        case .advance(let d): return "advance \(Instant.format(d.nanoseconds)) s"
        }
    }

    static func on(_ s: Set<InterfaceID>?) -> String {
        guard let s else { return "" }
        return " on " + s.sorted().map(\.description).joined(separator: ",")
    }
}

/// A seeded sequence of engine events with the interfaces and start time it runs with.
/// `EngineEventSequence(seed:)` always gives the same sequence; `run()` replays it on fresh engines.
public struct EngineEventSequence: Hashable, Sendable {
    public var seed: UInt64
    /// Seeds engine k's `Configuration` with `engineSeed &+ k`.
    public var engineSeed: UInt64
    /// Virtual time starts at a random offset (DESIGN.md rule 5).
    public var start: Instant
    /// The interfaces of engine 0; engine k's addresses end k higher (`interfaces(ofEngine:)`).
    public var interfaces: [NetworkInterface]
    public var events: [EngineEvent]

    /// Host labels, service types and instance names come from small pools so that registrations,
    /// probes and queries keep meeting each other.
    public static let hostLabels = ["evhost", "printer", "nas"]
    public static let serviceTypes = ["_http._tcp", "_ipp._tcp", "_airplay._tcp"]
    public static let instanceLabels = ["Living Room", "Office Printer", "My Service.v2", "Küche"]

    public init(seed: UInt64, start: Instant, engineSeed: UInt64, interfaces: [NetworkInterface], events: [EngineEvent]) {
        self.seed = seed; self.start = start; self.engineSeed = engineSeed; self.interfaces = interfaces; self.events = events
    }

    /// The sequence of `length` events generated from `seed`.
    public init(seed: UInt64, length: Int = 120) {
        var rng = SeededRandom(seed: seed)
        self.seed = seed
        engineSeed = rng.next()
        // Up to ~136 years of offset, never near overflow.
        start = Instant(nanoseconds: Int64(rng.next() >> 2))
        interfaces = Self.generateInterfaces(&rng)
        var g = EventGenerator(interfaces: interfaces)
        events = g.generate(max(0, length), &rng)
    }

    static func generateInterfaces(_ rng: inout SeededRandom) -> [NetworkInterface] {
        // Engine addresses end in 1...9 (engine k adds k); other hosts use 20 and above.
        let ll = IPv4Address(169, 254, UInt8(rng.int(1...250)), UInt8(rng.int(1...5)))
        var out = [NetworkInterface(id: InterfaceID(1), name: "eth0", addresses: [
            InterfaceAddress(.v4(ll), prefixLength: 16),
            InterfaceAddress(.v6(IPv6Address(high: 0xFE80_0000_0000_0000, low: UInt64(rng.int(1...5)))), prefixLength: 64)])]
        let subnet = UInt8(rng.int(0...3))
        out.append(NetworkInterface(id: InterfaceID(2), name: "eth1", addresses: [
            InterfaceAddress(.v4(IPv4Address(192, 168, subnet, UInt8(rng.int(1...5)))), prefixLength: 24)]))
        if rng.chance(0.4) {
            out.append(NetworkInterface(id: InterfaceID(3), name: "wlan0", addresses: [
                InterfaceAddress(.v6(IPv6Address(high: 0xFE80_0000_0000_0000, low: 0x100 + UInt64(rng.int(1...5)))), prefixLength: 64)]))
        }
        return out
    }

    /// Engine k's interfaces: those of engine 0 with every address k higher.
    public func interfaces(ofEngine k: Int) -> [NetworkInterface] {
        interfaces.map { i in
            var i = i
            i.addresses = i.addresses.map { a in
                switch a.address {
                case .v4(let v): return InterfaceAddress(.v4(IPv4Address(v.value &+ UInt32(k))), prefixLength: a.prefixLength)
                case .v6(let v): return InterfaceAddress(.v6(IPv6Address(high: v.high, low: v.low &+ UInt64(k))), prefixLength: a.prefixLength)
                }
            }
            return i
        }
    }

    /// The sequence with `event` inserted before position `index`.
    public func inserting(_ event: EngineEvent, at index: Int) -> EngineEventSequence {
        var s = self
        s.events.insert(event, at: min(max(0, index), events.count))
        return s
    }

    /// A packet that does not decode, even in salvage mode (a structure-aware mutation whose
    /// framing DNSWire rejects), from `seed`, addressed like the sequence's other traffic.
    public func malformedPacket(seed: UInt64) -> ReceivedPacket {
        var rng = SeededRandom(seed: seed)
        var g = EventGenerator(interfaces: interfaces)
        while true {
            let p = g.hostilePacket(&rng)
            if (try? SalvagedMessage(decoding: p.bytes)) == nil { return p }
        }
    }

    /// One event per line.
    public var lines: [String] {
        var out = ["# seed=0x\(String(seed, radix: 16)) engine-seed=0x\(String(engineSeed, radix: 16)) start=\(start)"]
        for i in interfaces {
            out.append("# \(i.id) \(i.name) " + i.addresses.map { "\($0.address)/\($0.prefixLength)" }.joined(separator: " "))
        }
        for (n, e) in events.enumerated() { out.append("\(n) \(e)") }
        return out
    }
}

/// The generator's picture of what it has asked for, so that packets and updates aim at names the
/// engine holds (its own view may differ after renames; that is part of the test).
struct EventGenerator {
    let interfaces: [NetworkInterface]
    var hosts: [HostRegistration] = []
    var services: [ServiceRegistration] = []
    /// Registrations requested and not withdrawn, in order (hosts and services mixed).
    var registrations = 0
    var subscriptions = 0
    var down: Set<InterfaceID> = []
    var tcSources: [(SocketAddress, InterfaceID)] = []

    init(interfaces: [NetworkInterface]) { self.interfaces = interfaces }

    var local: DNSName { .local }

    mutating func generate(_ n: Int, _ rng: inout SeededRandom) -> [EngineEvent] {
        var out: [EngineEvent] = []
        // Most sequences start with a host and a service so that probing is under way early.
        if rng.chance(0.9) { out.append(registerHost(&rng)) }
        if rng.chance(0.8) { out.append(registerService(&rng)) }
        while out.count < n {
            if rng.chance(0.04) { out += burst(&rng) } else { out.append(event(&rng)) }
        }
        return Array(out.prefix(n))
    }

    /// A flood from many sources at one instant: TC queries (each held for its continuation,
    /// RFC 6762 §7.2) or QU and legacy queries (each a separate unicast response).
    mutating func burst(_ rng: inout SeededRandom) -> [EngineEvent] {
        let i = rng.pick(interfaces).id
        let tc = rng.chance(0.5)
        return (0..<rng.int(4...20)).map { _ in
            var m = Message(header: .query)
            var src = source(i, &rng)
            if tc {
                m.header.truncated = true
                m.questions = [Question(name: serviceType(&rng), type: .ptr)]
                let t = serviceType(&rng)
                m.answers = [ResourceRecord(name: t, ttl: 4500, rdata: .ptr(NameGen.instance(of: t, &rng)))]
            } else {
                let legacy = rng.chance(0.4)
                if legacy {
                    m.header.id = UInt16(rng.int(1...65535))
                    src = source(i, port: UInt16(rng.int(1024...65535)), &rng)
                }
                // Shared (PTR) answers wait 20–120 ms (§6), one pending response per destination.
                switch rng.int(0...7) {
                case 0: m.questions = [Question(name: hostName(&rng), type: .any, unicastResponse: !legacy)]
                case 1: m.questions = [Question(name: instanceName(&rng), type: .any, unicastResponse: !legacy)]
                default: m.questions = [Question(name: serviceType(&rng), type: .ptr, unicastResponse: !legacy)]
                }
            }
            return .receive(ReceivedPacket(label: tc ? "flood-tc" : "flood-qu", bytes: m.encoded(compression: .suffixes),
                                           source: src, interface: i, via: rng.chance(tc ? 0.2 : 0.8) ? .unicast : .multicast))
        }
    }

    mutating func event(_ rng: inout SeededRandom) -> EngineEvent {
        switch rng.int(0...99) {
        case 0..<30:
            // 0–5 s; short steps more often, to land inside probe and response windows.
            let ms = rng.chance(0.6) ? rng.int(0...300) : rng.int(0...5000)
            return .advance(.milliseconds(ms))
        case 30..<72: return .receive(packet(&rng))
        case 72..<75: return registerHost(&rng)
        case 75..<79: return registerService(&rng)
        case 79..<82:
            return .updateTXT(registration: rng.int(0...15), txt: RecordGen.txt(&rng))
        case 82..<84:
            let label = rng.chance(0.5) ? rng.pick(EngineEventSequence.hostLabels) : rng.pick(EngineEventSequence.instanceLabels)
            return .rename(registration: rng.int(0...15), label: rng.chance(0.3) ? label + " \(rng.int(2...9))" : label)
        case 84..<86:
            registrations = max(0, registrations - 1)
            return .withdraw(registration: rng.int(0...15))
        case 86..<91: return .echo(back: rng.int(0...7))
        case 91..<93:
            let i = rng.pick(interfaces).id
            if down.contains(i) { down.remove(i); return .interfaceUp(i) }
            down.insert(i)
            return .interfaceDown(i)
        case 93..<95:
            subscriptions += 1
            return .browse(type: rng.pick(EngineEventSequence.serviceTypes))
        case 95..<96:
            subscriptions += 1
            return .resolve(instance: instanceName(&rng))
        case 96..<98:
            subscriptions += 1
            let name = rng.chance(0.5) ? hostName(&rng) : NameGen.host(&rng)
            return .query(name: name, type: rng.pick([.a, .aaaa, .any, .ptr, .srv]), oneShot: rng.chance(0.3))
        default:
            return .stop(subscription: rng.int(0...15))
        }
    }

    func interfaceSet(_ rng: inout SeededRandom) -> Set<InterfaceID>? {
        rng.chance(0.8) ? nil : [rng.pick(interfaces).id]
    }

    mutating func registerHost(_ rng: inout SeededRandom) -> EngineEvent {
        let h = HostRegistration(label: rng.pick(EngineEventSequence.hostLabels), interfaces: interfaceSet(&rng))
        hosts.append(h)
        registrations += 1
        return .registerHost(h)
    }

    mutating func registerService(_ rng: inout SeededRandom) -> EngineEvent {
        let type = rng.pick(EngineEventSequence.serviceTypes)
        let subtypes = (0..<rng.int(0...2)).map { _ in rng.pick(["_printer", "_universal", "_color"]) }
        let s = ServiceRegistration(instance: rng.pick(EngineEventSequence.instanceLabels), type: type, port: UInt16(rng.int(1...65535)),
                                    txt: RecordGen.txt(&rng), subtypes: Array(Set(subtypes)).sorted(), interfaces: interfaceSet(&rng))
        services.append(s)
        registrations += 1
        return .registerService(s)
    }

    // MARK: names the engine may hold

    func hostName(_ rng: inout SeededRandom) -> DNSName {
        let label = hosts.isEmpty || rng.chance(0.2) ? rng.pick(EngineEventSequence.hostLabels) : rng.pick(hosts).label
        let n = rng.chance(0.15) ? label + "-2" : label
        return (try? DNSName.local.prepending(n)) ?? .local
    }

    func serviceType(_ rng: inout SeededRandom) -> DNSName {
        let t = services.isEmpty || rng.chance(0.2) ? rng.pick(EngineEventSequence.serviceTypes) : rng.pick(services).type
        return (try? DNSName(parsing: t + ".local")) ?? .local
    }

    func instanceName(_ rng: inout SeededRandom) -> DNSName {
        if let s = services.isEmpty || rng.chance(0.2) ? nil : rng.pick(services), let t = s.typeName {
            let label = rng.chance(0.15) ? s.instance + " (2)" : s.instance
            return (try? t.prepending(label)) ?? t
        }
        let t = serviceType(&rng)
        return (try? t.prepending(rng.pick(EngineEventSequence.instanceLabels))) ?? t
    }

    /// An address of the engine on `i` (what the generator knows of engine 0).
    func ownAddress(_ i: InterfaceID, v6: Bool = false) -> IPAddress? {
        let all = interfaces.first { $0.id == i }?.addresses.map(\.address) ?? []
        return all.first { if case .v6 = $0 { return v6 } else { return !v6 } } ?? all.first
    }

    /// A source on the link of `i` (most of the time) or off it.
    func source(_ i: InterfaceID, port: UInt16 = mdnsPort, _ rng: inout SeededRandom) -> SocketAddress {
        if rng.chance(0.05) {
            return SocketAddress(.v4(rng.chance(0.5) ? IPv4Address(10, 9, 9, UInt8(rng.int(20...250))) : IPv4Address(8, 8, 8, 8)), port: port)
        }
        let iface = interfaces.first { $0.id == i }!
        let a = rng.pick(iface.addresses)
        switch a.address {
        case .v4(let v):
            let linkLocal = rng.chance(0.3)
            let host = IPv4Address(linkLocal ? 169 : v.bytes[0], linkLocal ? 254 : v.bytes[1],
                                   linkLocal ? UInt8(rng.int(0...255)) : v.bytes[2], UInt8(rng.int(20...250)))
            return SocketAddress(.v4(host), port: port)
        case .v6:
            return SocketAddress(.v6(IPv6Address(high: 0xFE80_0000_0000_0000, low: UInt64(rng.int(0x20...0xFFFF)))), port: port)
        }
    }

    func otherA(_ name: DNSName, cacheFlush: Bool, ttl: UInt32 = 120, _ rng: inout SeededRandom) -> ResourceRecord {
        if rng.chance(0.3) {
            return ResourceRecord(name: name, cacheFlush: cacheFlush, ttl: ttl,
                                  rdata: .aaaa(IPv6Address(high: 0xFE80_0000_0000_0000, low: UInt64(rng.int(0x20...0xFFFF)))))
        }
        return ResourceRecord(name: name, cacheFlush: cacheFlush, ttl: ttl, rdata: .a(IPv4Address(169, 254, rng.byte(), UInt8(rng.int(20...250)))))
    }

    func otherSRV(_ name: DNSName, cacheFlush: Bool, ttl: UInt32 = 120, _ rng: inout SeededRandom) -> ResourceRecord {
        ResourceRecord(name: name, cacheFlush: cacheFlush, ttl: ttl,
                       rdata: .srv(SRV(port: UInt16(rng.int(1...65535)), target: NameGen.host(&rng))))
    }

    // MARK: packets

    mutating func packet(_ rng: inout SeededRandom) -> ReceivedPacket {
        var i = rng.pick(interfaces).id
        var src = source(i, &rng)
        var via = ReceivedVia.multicast
        var m = Message()
        let label: String
        switch rng.int(0...99) {
        case 0..<6:
            // A probe from another host for one of our names: other data (a tiebreak we may lose
            // or win, §8.2) or the very data we hold (a tie).
            m.header = .query
            let tie = rng.chance(0.25)
            if rng.chance(0.5) {
                let n = hostName(&rng)
                m.questions = [Question(name: n, type: .any, unicastResponse: rng.chance(0.7))]
                if tie, let a = ownAddress(i) {
                    switch a {
                    case .v4(let v): m.authorities = [ResourceRecord(name: n, ttl: 120, rdata: .a(v))]
                    case .v6(let v): m.authorities = [ResourceRecord(name: n, ttl: 120, rdata: .aaaa(v))]
                    }
                } else {
                    m.authorities = (0..<rng.int(1...2)).map { _ in otherA(n, cacheFlush: false, &rng) }
                }
            } else {
                let n = instanceName(&rng)
                m.questions = [Question(name: n, type: .any, unicastResponse: rng.chance(0.7))]
                m.authorities = [otherSRV(n, cacheFlush: false, &rng)]
                if rng.chance(0.5) { m.authorities.append(ResourceRecord(name: n, ttl: 4500, rdata: .txt(RecordGen.txt(&rng)))) }
            }
            label = tie ? "probe-tie" : "probe-conflict"
        case 6..<11:
            // Another host answers with our name and its data: a conflict (§9).
            m.header = .response
            if rng.chance(0.6) {
                m.answers = [otherA(hostName(&rng), cacheFlush: true, &rng)]
            } else {
                m.answers = [otherSRV(instanceName(&rng), cacheFlush: true, &rng)]
            }
            label = "announce-conflict"
        case 11..<32:
            // Questions for our names, QM or QU, sometimes with known answers.
            m.header = .query
            let qu = rng.chance(0.35)
            switch rng.int(0...3) {
            case 0: m.questions = [Question(name: serviceType(&rng), type: .ptr, unicastResponse: qu)]
            case 1: m.questions = [Question(name: hostName(&rng), type: rng.pick([.a, .aaaa, .any]), unicastResponse: qu)]
            case 2: m.questions = [Question(name: instanceName(&rng), type: rng.pick([.srv, .txt, .any]), unicastResponse: qu)]
            default: m.questions = [Question(name: .serviceTypeEnumeration, type: .ptr, unicastResponse: qu)]
            }
            if rng.chance(0.3) {
                let t = serviceType(&rng)
                m.answers = [ResourceRecord(name: t, ttl: UInt32(rng.int(1...4500)), rdata: .ptr(instanceName(&rng)))]
            }
            if rng.chance(0.1) { via = .unicast }
            label = qu ? "qu-query" : "query"
        case 32..<40:
            // RFC 6762 §7.2: a TC query, then continuations from the same source.
            m.header = .query
            if let prev = tcSources.last, rng.chance(0.6) {
                (src, i) = prev
                m.header.truncated = rng.chance(0.4)
                label = "tc-continuation"
            } else {
                m.header.truncated = true
                m.questions = [Question(name: serviceType(&rng), type: .ptr)]
                tcSources.append((src, i))
                if tcSources.count > 4 { tcSources.removeFirst() }
                label = "tc-query"
            }
            let t = serviceType(&rng)
            m.answers = (0..<rng.int(1...12)).map { _ in
                ResourceRecord(name: t, ttl: UInt32(rng.int(2251...4500)), rdata: .ptr(NameGen.instance(of: t, &rng)))
            }
        case 40..<46:
            // RFC 6762 §6.7: legacy unicast from a port other than 5353.
            m.header = Header(id: UInt16(rng.int(1...65535)), flags: 0)
            m.questions = [Question(name: rng.chance(0.5) ? hostName(&rng) : serviceType(&rng), type: rng.pick([.a, .ptr, .any, .aaaa]))]
            src = source(i, port: UInt16(rng.int(1024...65535)), &rng)
            via = rng.chance(0.5) ? .unicast : .multicast
            label = "legacy-query"
        case 46..<52:
            // Goodbyes (TTL 0) from another host: for our names or for anything.
            m.header = .response
            if rng.chance(0.5) {
                m.answers = [ResourceRecord(name: serviceType(&rng), ttl: 0, rdata: .ptr(instanceName(&rng))), otherA(hostName(&rng), cacheFlush: true, ttl: 0, &rng)]
                label = "goodbye-ours"
            } else {
                m = MessageGen.message(.goodbye, &rng)
                label = "goodbye"
            }
        case 52..<78:
            // Ordinary traffic of other hosts (fills the cache, asks other questions).
            let k = rng.pick(MessageKind.allCases)
            m = MessageGen.message(k, &rng)
            if k == .legacyUnicast { src = source(i, port: UInt16(rng.int(1024...65535)), &rng) }
            label = k.rawValue
        case 78..<84:
            // Answers for the types we browse, so that the querier has results to report.
            m.header = .response
            let t = serviceType(&rng), inst = instanceName(&rng), host = NameGen.host(&rng)
            m.answers = [ResourceRecord(name: t, ttl: rng.pick([4500, 120, 1, 0]), rdata: .ptr(inst))]
            m.additionals = [ResourceRecord(name: inst, cacheFlush: true, ttl: 120, rdata: .srv(SRV(port: 80, target: host))),
                             ResourceRecord(name: inst, cacheFlush: true, ttl: 4500, rdata: .txt(RecordGen.txt(&rng))),
                             otherA(host, cacheFlush: true, &rng)]
            label = "browse-answer"
        default:
            return hostilePacket(&rng)
        }
        return ReceivedPacket(label: label, bytes: m.encoded(compression: .suffixes), source: src, interface: i, via: via)
    }

    /// Bytes from a structure-aware mutator (most of them do not decode).
    func hostilePacket(_ rng: inout SeededRandom) -> ReceivedPacket {
        let i = rng.pick(interfaces).id
        let mutator = rng.pick(Mutator.allCases)
        let mu = Mutate.mutation(mutator, base: MessageGen.message(&rng), &rng)
        return ReceivedPacket(label: "hostile:\(mutator.rawValue)", bytes: mu.bytes, source: source(i, &rng), interface: i,
                              via: rng.chance(0.2) ? .unicast : .multicast)
    }
}
