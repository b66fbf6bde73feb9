import DNSWire
import MDNSCore
import PCAP

/// `mdns replay --engine`: plays a capture's datagrams into a passive querier on the capture's
/// own clock and prints what a browser on that network would have seen over time — service
/// types, instances (SRV, TXT, addresses), hosts and their addresses appearing, changing and
/// leaving — then the engine's counters.
public enum EngineReplay {
    /// Subscriptions a replay may hold (one enumeration plus a browse per service type seen).
    public static let maxSubscriptions = 1024

    public struct Result: Sendable {
        public var datagrams = 0
        public var malformed = 0
        public var skippedFrames = 0
        /// RFC 6762 §6.7 replies to a legacy querier's own port: a browser on port 5353 never gets them.
        public var legacyReplies = 0
        public var changes = 0
        public var querier = QuerierStatistics()
        public var responder = Statistics()
        public var fileError: PCAPError?
    }

    struct HostKey: Hashable, Comparable {
        var name: DNSName
        var interface: InterfaceID
        static func < (a: HostKey, b: HostKey) -> Bool { (a.interface, a.name) < (b.interface, b.name) }
    }

    /// Replays one file; `emit` gets lines (each ending in a newline).
    @discardableResult
    public static func run(path: String, displayName: String? = nil, emit: (String) -> Void) -> Result {
        var result = Result()
        let name = displayName ?? path
        emit("== \(name)\n")
        let source: ReplaySource
        do throws(PCAPError) { source = try ReplaySource(path: path) } catch {
            result.fileError = error
            emit("cannot read: \(error)\n")
            return result
        }
        var qc = QuerierConfiguration()
        qc.passive = true
        qc.limits.maxSubscriptions = maxSubscriptions
        var engine = MDNSEngine(configuration: Configuration(seed: 1), interfaces: [], querier: qc)
        var origin: Int64? = nil
        var now = Instant(nanoseconds: 0)
        var known: Set<Int> = []
        var browsed: Set<DNSName> = []
        var hosts: [HostKey: [MDNSCore.IPAddress]] = [:]
        /// The cache generation of each host's name when its addresses were last read.
        var hostGenerations: [HostKey: UInt64] = [:]

        func stamp(_ t: Instant) -> String { "+" + Instant.format(t.nanoseconds - (origin ?? 0)) }
        func say(_ s: String) { result.changes += 1; emit("\(stamp(now)) \(s)\n") }
        func describe(_ i: ServiceInstance) -> String {
            var s = "\(i.name) (\(i.interface))"
            if let t = i.target { s += " → \(t):\(i.port ?? 0)" }
            if let txt = i.txt { s += " txt [\(txt.map(\.description).joined(separator: ", "))]" }
            if !i.addresses.isEmpty { s += " addresses [\(i.addresses.map(\.description).joined(separator: ", "))]" }
            return s
        }
        func take(_ actions: [Action]) {
            for a in actions {
                guard case .report(.querier(let e)) = a else { continue }
                switch e {
                case .serviceType(_, let c, let t, let iid):
                    say("service \(c.rawValue) \(t) (\(iid))")
                    browse(t)
                case .instance(_, let c, let i): say("instance \(c.rawValue) \(describe(i))")
                case .flushed(let r, let iid, let why): say("flushed \(r.name) \(r.type) (\(iid)): \(why)")
                case .refused(let why): say("refused: \(why)")
                case .record, .finished: break
                }
            }
        }
        func browse(_ t: DNSName) {
            guard !browsed.contains(t) else { return }
            browsed.insert(t)
            let (_, a) = engine.browse(type: t, at: now)
            take(a)
        }
        /// Host view: A/AAAA records per name and interface.
        func refreshHosts(_ names: [HostKey]) {
            for k in names {
                let g = engine.cache.generation(of: k.name, on: k.interface)
                if hostGenerations[k] == g { continue }
                var addrs: [MDNSCore.IPAddress] = []
                for e in engine.cache.records(named: k.name, on: k.interface) {
                    switch e.record.rdata {
                    case .a(let v): addrs.append(.v4(v))
                    case .aaaa(let v): addrs.append(.v6(v))
                    default: break
                    }
                }
                addrs = Array(Set(addrs)).sorted()
                let old = hosts[k]
                hostGenerations[k] = addrs.isEmpty ? nil : g
                if addrs.isEmpty {
                    if old != nil { hosts[k] = nil; say("host removed \(k.name) (\(k.interface))") }
                } else if old == nil {
                    hosts[k] = addrs; say("host added \(k.name) (\(k.interface)) [\(addrs.map(\.description).joined(separator: ", "))]")
                } else if old! != addrs {
                    hosts[k] = addrs; say("host changed \(k.name) (\(k.interface)) [\(addrs.map(\.description).joined(separator: ", "))]")
                }
            }
        }
        /// Advances to each deadline before `t` in turn, so an expiry is reported when it happens.
        func run(to t: Instant) {
            while let d = engine.nextDeadline, d <= t {
                now = max(now, d)
                take(engine.advance(to: now))
                // Only hosts whose records changed can change.
                refreshHosts(hosts.keys.filter { hostGenerations[$0] != engine.cache.generation(of: $0.name, on: $0.interface) }.sorted())
            }
            now = max(now, t)
        }

        while true {
            let event: ReplaySource.Event?
            do throws(PCAPError) { event = try source.next() } catch {
                result.fileError = error
                emit("capture broke off: \(error)\n")
                break
            }
            guard let event else { break }
            guard case .message(let m) = event else { result.skippedFrames += 1; continue }
            let d = m.datagram
            let t = d.timestamp.totalNanoseconds
            if origin == nil { origin = t; now = Instant(nanoseconds: t) }
            run(to: Instant(nanoseconds: t))
            result.datagrams += 1
            let iid = InterfaceID(d.interface + 1)
            if !known.contains(d.interface) {
                known.insert(d.interface)
                // Every address is on this link: the capture saw the packets there.
                let iface = NetworkInterface(id: iid, name: "capture-\(d.interface)", addresses: [
                    InterfaceAddress(.v4(IPv4Address(0)), prefixLength: 0), InterfaceAddress(.v6(IPv6Address(high: 0, low: 0)), prefixLength: 0)])
                take(engine.addInterface(iface, at: now))
                if known.count == 1 { let (_, a) = engine.enumerateServiceTypes(at: now); take(a) }
            }
            if m.isResponse && d.destinationPort != PacketDecoder.mdnsPort && !d.destination.isMulticast {
                result.legacyReplies += 1
                continue
            }
            let src = SocketAddress(Self.address(d.source), port: d.sourcePort)
            let via: ReceivedVia = d.destination.isMulticast ? .multicast : .unicast
            guard let msg = m.message else {
                result.malformed += 1
                take(engine.receive(bytes: d.payload, from: src, interface: iid, via: via, at: now))
                continue
            }
            take(engine.receive(msg, from: src, interface: iid, via: via, at: now))
            if msg.header.isResponse {
                // Service types seen in any PTR owner (`_x._tcp.local`), not only in enumeration answers.
                for r in msg.answers + msg.additionals where r.type == .ptr && Self.isServiceType(r.name) { browse(r.name) }
                var names: [HostKey] = []
                for r in msg.answers + msg.additionals where r.type == .a || r.type == .aaaa {
                    let k = HostKey(name: r.name, interface: iid)
                    if !names.contains(k) { names.append(k) }
                }
                refreshHosts(names)
            }
        }
        // Goodbyes and cache-flushes near the end take effect one second later (RFC 6762 §10.1, §10.2).
        if origin != nil { run(to: now + RFC6762Querier.goodbyeGrace) }
        result.querier = engine.querierStatistics
        result.responder = engine.statistics
        emit("at the end: \(browsed.count) service types, \(engine.querier.subscriptionIDs.count) subscriptions, "
             + "\(hosts.count) hosts, \(engine.cache.count) cached records\n")
        emit(counters(result) + "\n")
        return result
    }

    /// `_name._tcp.<domain>` or `_name._udp.<domain>`, not a subtype or the enumeration name.
    static func isServiceType(_ n: DNSName) -> Bool {
        let l = n.labels
        guard l.count >= 3, l[0].first == UInt8(ascii: "_") else { return false }
        let proto = String(decoding: l[1], as: UTF8.self).lowercased()
        guard proto == "_tcp" || proto == "_udp" else { return false }
        let first = String(decoding: l[0], as: UTF8.self).lowercased()
        return first != "_services" && first != "_sub"
    }

    static func address(_ a: PCAP.IPAddress) -> MDNSCore.IPAddress {
        switch a {
        case .v4(let v): return .v4(IPv4Address(v))
        case .v6(let h, let l): return .v6(IPv6Address(high: h, low: l))
        }
    }

    /// The engine's counters: dropped, evicted, rejected and the rest.
    public static func counters(_ r: Result) -> String {
        let q = r.querier
        func list<K: Hashable>(_ d: [K: Int], _ name: (K) -> String) -> String {
            d.isEmpty ? "none" : d.map { "\(name($0.key))=\($0.value)" }.sorted().joined(separator: " ")
        }
        var s = "counters: datagrams \(r.datagrams), malformed \(r.malformed), skipped frames \(r.skippedFrames), "
            + "legacy replies to other ports \(r.legacyReplies), changes \(r.changes)\n"
        s += "  querier: responses \(q.responsesReceived), queries seen \(q.queriesObserved), records added \(q.recordsAdded), "
        s += "refreshed \(q.recordsRefreshed), expired \(q.recordsExpired), goodbyes \(q.goodbyesReceived), cache-flushed \(q.cacheFlushed)\n"
        s += "  dropped: \(list(r.responder.dropped, { $0.description })); decode errors: \(list(r.responder.decodeErrors, { $0.rawValue }))\n"
        s += "  evicted: \(list(q.evicted, { $0.rawValue })); rejected: \(list(q.rejected, { $0.rawValue }))"
        return s
    }
}
