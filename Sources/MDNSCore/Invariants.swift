import DNSWire

/// Watches an engine's actions and checks the rules every run must keep, whatever its input:
/// no record announced before probing succeeded (RFC 6762 §8.1), no TTL 0 except a goodbye for a
/// record that was announced and is no longer live (§10.1), no cap exceeded, multicast responses
/// with ID 0 / QR / AA / no questions (§18), no cache-flush bit in probes (§8.1), no record twice
/// in one packet. Used by the property tests and by `EngineFuzz`.
public struct InvariantMonitor: Sendable {
    struct NameOn: Hashable, Sendable { var name: DNSName; var interface: InterfaceID }
    struct RecordOn: Hashable, Sendable { var key: RecordKey; var interface: InterfaceID }

    public private(set) var violations: [String] = []
    /// Names whose records must be probed before they are sent.
    public private(set) var probedNames: Set<DNSName>
    var probes: [NameOn: Int] = [:]
    var announced: Set<RecordOn> = []
    /// Messages checked so far.
    public private(set) var messagesChecked = 0

    public init(probedNames: Set<DNSName> = []) { self.probedNames = probedNames }

    /// Adds a name that must be probed (a host or service instance the caller registered).
    public mutating func requireProbing(_ name: DNSName) { probedNames.insert(name) }

    mutating func fail(_ s: String) { if violations.count < 100 { violations.append(s) } }

    /// Checks `actions`, just returned by `engine` at `now`.
    public mutating func observe(_ actions: [Action], engine: MDNSEngine, at now: Instant) {
        for a in actions {
            switch a {
            case .report(.probing(_, let name, let i)):
                probes[NameOn(name: name, interface: i)] = 0
            case .report(.renamed(_, let from, let to)):
                if probedNames.contains(from) { probedNames.insert(to) }
            case .report:
                break
            case .send(let m, let d):
                check(m, to: d, engine: engine)
            }
        }
        let l = engine.configuration.limits
        let r = engine.responder
        if r.pendingResponseCount > l.maxPendingResponses { fail("pending responses \(r.pendingResponseCount) > \(l.maxPendingResponses)") }
        if r.truncatedQueryCount > l.maxTruncatedQueryBuffers { fail("TC buffers \(r.truncatedQueryCount) > \(l.maxTruncatedQueryBuffers)") }
        if r.conflictHistoryCount > l.maxConflictHistory { fail("conflict history \(r.conflictHistoryCount) > \(l.maxConflictHistory)") }
        if r.registrationCount > l.maxRegistrations { fail("registrations \(r.registrationCount) > \(l.maxRegistrations)") }
    }

    mutating func check(_ m: Message, to d: Destination, engine: MDNSEngine) {
        messagesChecked += 1
        let i = d.interface
        checkNoRecordTwice(m)
        if !m.header.isResponse {
            // A probe: count it, and its Authority must not carry the cache-flush bit.
            for q in m.questions { probes[NameOn(name: q.name, interface: i), default: 0] += 1 }
            if m.authorities.contains(where: \.cacheFlush) { fail("cache-flush bit in a probe's Authority") }
            return
        }
        if d.isMulticast && (m.header.id != 0 || !m.header.authoritativeAnswer || !m.questions.isEmpty) {
            fail("multicast response with ID \(m.header.id), AA \(m.header.authoritativeAnswer), \(m.questions.count) questions")
        }
        // The live set is only needed for goodbyes, so it is built only when the packet has one.
        var live: Set<RecordKey>? = nil
        for section in [m.answers, m.additionals] {
            for r in section {
                let key = RecordOn(key: RecordKey(r), interface: i)
                if r.ttl == 0 {
                    if live == nil { live = Set(engine.responder.liveRecords(on: i).map(RecordKey.init)) }
                    if live!.contains(key.key) { fail("TTL 0 for live record \(r.name) \(r.type)") }
                    if !announced.contains(key) { fail("goodbye for \(r.name) \(r.type) that was never announced") }
                    continue
                }
                if probedNames.contains(r.name) && r.type != .nsec {
                    let sent = probes[NameOn(name: r.name, interface: i), default: 0]
                    if sent < RFC6762.probeCount { fail("\(r.name) \(r.type) sent on \(i) after \(sent) probes") }
                }
                announced.insert(key)
            }
        }
    }

    /// No record twice in one packet. Packets are small, so pairwise comparison is cheaper than
    /// hashing every record; a set takes over for large ones.
    mutating func checkNoRecordTwice(_ m: Message) {
        let sections = [m.answers, m.authorities, m.additionals]
        let total = sections.reduce(0) { $0 + $1.count }
        if total < 2 { return }
        if total > 16 {
            var seen = Set<RecordKey>()
            for s in sections { for r in s where !seen.insert(RecordKey(r)).inserted { fail("record \(r.name) \(r.type) twice in one packet") } }
            return
        }
        var earlier: [ResourceRecord] = []
        earlier.reserveCapacity(total)
        for s in sections {
            for r in s {
                if earlier.contains(where: { RecordKey.same($0, r) }) {
                    fail("record \(r.name) \(r.type) twice in one packet")
                }
                earlier.append(r)
            }
        }
    }
}

/// Interprets bytes as an event sequence with packets, runs it through an engine and checks
/// `InvariantMonitor` rules. For fuzzing and property tests.
public enum EngineFuzz {
    /// Operations read per input.
    public static let maxOperations = 2048

    /// Traps with a clear message only when an invariant is broken.
    public static func run(bytes: [UInt8]) {
        let v = check(bytes: bytes)
        precondition(v.isEmpty, "engine invariant broken: \(v[0])")
    }

    /// Inputs whose seed starts with a byte below this begin at registration and interleave
    /// their events with probing and announcing; the others begin from `Start.settled`, the
    /// state after both registrations probed and announced on both interfaces, reseeded with the
    /// input's seed (setup was about 60% of an input's cost).
    public static let freshStartBelow: UInt8 = 0x40

    /// Where an input begins: the engine, the monitor that watched it get there, and the
    /// registrations the input can withdraw or update.
    struct Start: Sendable {
        var engine: MDNSEngine
        var monitor: InvariantMonitor
        var now: Instant
        var ids: [RegistrationID]
        var services: [RegistrationID: ServiceRegistration]

        /// A host and a service registered at `now`, nothing sent yet.
        static func registered(seed: UInt64, faults: Faults, now: Instant) -> Start {
            var config = Configuration(seed: seed)
            config.faults = faults
            config.limits.maxPendingResponses = 8
            config.limits.maxTruncatedQueryBuffers = 4
            config.limits.maxRegistrations = 6
            var s = Start(engine: MDNSEngine(configuration: config, interfaces: [Fixture.if1, Fixture.if2]),
                          monitor: InvariantMonitor(), now: now, ids: [], services: [:])
            s.monitor.requireProbing(Fixture.names[0])
            let (hid, a0) = s.engine.register(.host(HostRegistration(label: "fuzz")), at: now)
            s.monitor.observe(a0, engine: s.engine, at: now)
            if let hid { s.ids.append(hid) }
            s.addService("Fuzz Service")
            return s
        }

        mutating func addService(_ label: String) {
            let s = ServiceRegistration(instance: label, type: "_http._tcp", port: 80, txt: TXT([("k", label)]), subtypes: ["_x"])
            let (id, acts) = engine.register(.service(s), at: now)
            if let id, let n = engine.responder.name(of: id) { ids.append(id); services[id] = s; monitor.requireProbing(n) }
            monitor.observe(acts, engine: engine, at: now)
        }

        /// Fresh (registered at a time from `timeByte`) or settled and reseeded, by the seed's first byte.
        static func `for`(seed: UInt64, timeByte: UInt8, faults: Faults) -> Start {
            if UInt8(truncatingIfNeeded: seed >> 56) < freshStartBelow || faults != Faults() {
                return .registered(seed: seed, faults: faults, now: Instant(nanoseconds: 1_000_000_000_000 + Int64(timeByte) << 32))
            }
            var s = settled
            s.engine.reseed(seed)
            return s
        }

        /// Registered, then run for 10 s of virtual time: probed and announced; built once.
        static let settled: Start = {
            var s = registered(seed: 0, faults: Faults(), now: Instant(nanoseconds: 1_000_000_000_000))
            let end = s.now + .seconds(10)
            while let d = s.engine.nextDeadline, d <= end {
                s.now = max(s.now, d)
                s.monitor.observe(s.engine.advance(to: s.now), engine: s.engine, at: s.now)
            }
            return s
        }()
    }

    /// Runs the sequence and returns the invariant violations (empty when all rules held).
    /// An engine with `faults` always starts fresh (the settled state is built without them).
    public static func check(bytes: [UInt8], faults: Faults = Faults()) -> [String] {
        var input = Reader(bytes: bytes)
        let seed = input.u64()
        var start = Start.for(seed: seed, timeByte: input.byte(), faults: faults)
        let (if2, names, types, sources) = (Fixture.if2, Fixture.names, Fixture.types, Fixture.sources)
        var if2Up = true
        func step(_ acts: [Action]) {
            let engine = start.engine
            start.monitor.observe(acts, engine: engine, at: start.now)
        }
        func runUntil(_ t: Instant) {
            var n = 0
            while let d = start.engine.nextDeadline, d <= t, n < 10_000 {
                start.now = max(start.now, d); step(start.engine.advance(to: start.now)); n += 1
            }
            start.now = max(start.now, t)
            step(start.engine.advance(to: start.now))
        }
        func record(_ name: DNSName) -> ResourceRecord {
            let cf = input.byte() & 1 == 1
            switch input.byte() % 4 {
            case 0: return ResourceRecord(name: name, cacheFlush: cf, ttl: UInt32(input.byte()) * 40, rdata: .a(IPv4Address(169, 254, input.byte(), input.byte())))
            case 1: return ResourceRecord(name: name, cacheFlush: cf, ttl: 120, rdata: .srv(SRV(port: UInt16(input.byte()), target: names[0])))
            case 2: return ResourceRecord(name: name, cacheFlush: cf, ttl: 4500, rdata: .ptr(names[Int(input.byte()) % names.count]))
            default: return ResourceRecord(name: name, cacheFlush: cf, ttl: 4500, rdata: .txt(TXT(strings: [[input.byte()]])))
            }
        }
        var ops = 0
        while !input.isAtEnd && ops < maxOperations {
            ops += 1
            let iface = input.byte() & 1 == 0 || !if2Up ? InterfaceID(1) : InterfaceID(2)
            let src = sources[Int(input.byte()) % sources.count]
            switch input.byte() % 11 {
            case 0: runUntil(start.now + .milliseconds(Int64(input.byte()) * 4))
            case 1: if let d = start.engine.nextDeadline { runUntil(d) }
            case 2:
                let raw = input.bytes(Int(input.byte()))
                step(start.engine.receive(bytes: raw, from: src, interface: iface, via: input.byte() & 1 == 0 ? .multicast : .unicast, at: start.now))
            case 3:
                let n = names[Int(input.byte()) % 2]
                step(start.engine.receive(Message(header: .response, answers: [record(n)]), from: src, interface: iface, at: start.now))
            case 4:
                let n = names[Int(input.byte()) % 2]
                let m = Message(header: .query, questions: [Question(name: n, type: .any, unicastResponse: true)], authorities: [record(n), record(n)])
                step(start.engine.receive(m, from: src, interface: iface, at: start.now))
            case 5:
                var h = Header.query
                h.truncated = input.byte() & 3 == 0
                let q = Question(name: names[Int(input.byte()) % names.count], type: types[Int(input.byte()) % types.count],
                                 unicastResponse: input.byte() & 1 == 1)
                let known = input.byte() & 1 == 1 ? [record(q.name)] : []
                step(start.engine.receive(Message(header: h, questions: input.byte() & 7 == 0 ? [] : [q], answers: known), from: src, interface: iface,
                                    via: input.byte() & 3 == 0 ? .unicast : .multicast, at: start.now))
            case 6: start.addService("S\(input.byte())")
            case 7:
                if !start.ids.isEmpty {
                    let id = start.ids.remove(at: Int(input.byte()) % start.ids.count)
                    start.services[id] = nil
                    step(start.engine.withdraw(id, at: start.now))
                }
            case 8:
                let keys = start.services.keys.sorted()
                if !keys.isEmpty {
                    let id = keys[Int(input.byte()) % keys.count]
                    var s = start.services[id]!
                    if input.byte() & 1 == 0 { s.txt = TXT([("v", "\(input.byte())")]) } else {
                        s.instance = "R\(input.byte())"
                        if let t = s.typeName, let n = try? t.prepending(s.instance) { start.monitor.requireProbing(n) }
                    }
                    start.services[id] = s
                    step(start.engine.update(id, to: .service(s), at: start.now))
                }
            case 9:
                if if2Up { step(start.engine.removeInterface(InterfaceID(2), at: start.now)) } else { step(start.engine.addInterface(if2, at: start.now)) }
                if2Up.toggle()
            default:
                // The engine's own last packets echoed back (loopback / reflector).
                step(start.engine.receive(Message(header: .response, answers: start.engine.responder.liveRecords(on: InterfaceID(1))),
                                    from: input.byte() & 1 == 0 ? sources[2] : sources[0], interface: iface, at: start.now))
            }
        }
        runUntil(start.now + .seconds(10))
        return start.monitor.violations
    }

    /// What every input shares, built once rather than per input.
    enum Fixture {
        static let if1 = NetworkInterface(id: InterfaceID(1), name: "eth0", addresses: [
            InterfaceAddress(.v4(IPv4Address(169, 254, 1, 1)), prefixLength: 16), InterfaceAddress(.v6(IPv6Address("fe80::1")!), prefixLength: 64)])
        static let if2 = NetworkInterface(id: InterfaceID(2), name: "eth1", addresses: [InterfaceAddress(.v4(IPv4Address(10, 0, 0, 2)), prefixLength: 24)])
        static let names: [DNSName] = [try! DNSName(labels: ["fuzz", "local"]), try! DNSName(labels: ["Fuzz Service", "_http", "_tcp", "local"]),
                                       try! DNSName(labels: ["_http", "_tcp", "local"]), .serviceTypeEnumeration]
        static let types: [RRType] = [.a, .aaaa, .ptr, .srv, .txt, .any, .nsec, .hinfo]
        static let sources: [SocketAddress] = [
            SocketAddress(.v4(IPv4Address(169, 254, 7, 7))), SocketAddress(.v4(IPv4Address(169, 254, 7, 8)), port: 40000),
            SocketAddress(.v4(IPv4Address(169, 254, 1, 1))), SocketAddress(.v4(IPv4Address(10, 9, 9, 9))),
            SocketAddress(.v4(IPv4Address(10, 0, 0, 2))), SocketAddress(.v6(IPv6Address("fe80::7")!)),
        ]
    }

    struct Reader {
        var bytes: [UInt8]
        var i = 0
        var isAtEnd: Bool { i >= bytes.count }
        mutating func byte() -> UInt8 {
            guard i < bytes.count else { return 0 }
            defer { i += 1 }
            return bytes[i]
        }
        mutating func u64() -> UInt64 { (0..<8).reduce(0) { v, _ in v << 8 | UInt64(byte()) } }
        mutating func bytes(_ n: Int) -> [UInt8] {
            let end = min(bytes.count, i + n)
            defer { i = end }
            return Array(bytes[i..<end])
        }
    }
}
