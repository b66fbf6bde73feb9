import DNSWire
import MDNSCore
import PCAP

extension CaptureConformance {
    /// What a device did on the link: the rules that apply follow from it.
    public enum Role: String, Sendable, CaseIterable, Comparable {
        /// Sent mDNS responses or probes: the responder rules apply (RFC 6762 §6–§11).
        case responder
        /// Sent queries from port 5353 (RFC 6762 §5.2).
        case querier
        /// Sent one-shot queries from another port (RFC 6762 §5.1, §6.7).
        case legacyQuerier = "legacy-querier"

        var rank: Int { switch self { case .responder: 0; case .querier: 1; case .legacyQuerier: 2 } }
        public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
    }

    /// A host on the link: every address it sent from or claimed for its own host name.
    public struct DeviceIdentity: Sendable {
        public var addresses: [PCAP.IPAddress] = []
        /// Host names whose address records the device announced with its own address.
        public var hostNames: [DNSName] = []
        /// Indices of the device's packets in the capture, in order.
        public var packets: [Int] = []
        public var roles: [Role] = []

        /// The device's name in reports: its first host name, else its first address.
        public var name: String { hostNames.first.map { "\($0)" } ?? addresses.first.map { "\($0)" } ?? "?" }

        public func owns(_ a: PCAP.IPAddress) -> Bool { addresses.contains(a) }
    }

    static func address(_ r: RData) -> PCAP.IPAddress? {
        switch r {
        case .a(let v): .v4(v.value)
        case .aaaa(let v): .v6(v.high, v.low)
        default: nil
        }
    }

    /// Groups source addresses into hosts. A response that gives the sender's own address under a
    /// host name ties every address of that name in the same response to the sender (IPv4 and
    /// IPv6 of one host); two senders of the same SRV record (one host on two addresses of a link)
    /// are one host. Another host claiming the same name with other data stays apart.
    /// Where the capture has link-layer addresses, every source address sent from one station MAC is
    /// one host. Two hosts whose first claims of one host name come within `multiHomedClaimWindow`
    /// of each other are one multi-homed host (RFC 6762 §14: one responder on two interfaces of a
    /// link announces on both at once); a conflicting claimer comes later, after the owner's
    /// announcement, or loses the tiebreak and never claims the name. Programs sharing one host's
    /// addresses are then told apart by the host names they claim (`separatePrograms`).
    public static func identify(_ ps: [Packet]) -> [DeviceIdentity] {
        var uf = UnionFind<PCAP.IPAddress>()
        var byMAC: [LinkAddress: PCAP.IPAddress] = [:]
        for p in ps {
            uf.add(p.source)
            guard let l = p.linkSource, l.isStation else { continue }
            if let first = byMAC[l] { uf.union(first, p.source) } else { byMAC[l] = p.source }
        }
        var claimed: [PCAP.IPAddress: [DNSName]] = [:]
        var firstClaim: [DNSName: [(source: PCAP.IPAddress, time: Int64)]] = [:]
        var srvSender: [ResourceRecord: PCAP.IPAddress] = [:]
        for p in ps {
            uf.add(p.source)
            guard p.isResponse, p.sourcePort == mdnsPort, let m = p.message else { continue }
            for r in m.answers + m.additionals where r.type == .srv && r.ttl > 0 {
                var key = r
                key.ttl = 1; key.cacheFlush = false
                if let other = srvSender[key] { uf.union(other, p.source) } else { srvSender[key] = p.source }
            }
            var byName: [DNSName: [PCAP.IPAddress]] = [:]
            for r in m.answers + m.additionals where r.ttl > 0 {
                if let a = address(r.rdata) { byName[r.name, default: []].append(a) }
            }
            for (n, addrs) in byName.sorted(by: { $0.key < $1.key }) where addrs.contains(p.source) {
                if !(claimed[p.source] ?? []).contains(n) {
                    claimed[p.source, default: []].append(n)
                    firstClaim[n, default: []].append((p.source, p.time))
                }
                for a in addrs { uf.add(a); uf.union(p.source, a) }
            }
        }
        joinMultiHomed(firstClaim, &uf)
        var order: [PCAP.IPAddress] = []
        var devices: [PCAP.IPAddress: DeviceIdentity] = [:]
        for (i, p) in ps.enumerated() {
            let root = uf.find(p.source)
            if devices[root] == nil { order.append(root); devices[root] = DeviceIdentity() }
            devices[root]!.packets.append(i)
            if !devices[root]!.addresses.contains(p.source) { devices[root]!.addresses.append(p.source) }
            for n in claimed[p.source] ?? [] where !devices[root]!.hostNames.contains(n) { devices[root]!.hostNames.append(n) }
        }
        for a in uf.members where devices[uf.find(a)] != nil && !devices[uf.find(a)]!.addresses.contains(a) {
            devices[uf.find(a)]!.addresses.append(a)
        }
        return order.flatMap { root in
            var d = devices[root]!
            d.roles = roles(d.packets.map { ps[$0] })
            return separatePrograms(d, ps)
        }
    }

    /// Two claimers whose first claims of a host name are this close are one host on two interfaces.
    /// nDPI's whatsapp captures: one iMac's two interfaces announce 4 µs apart; a conflicting
    /// claimer in the project's recordings comes seconds after the owner.
    public static let multiHomedClaimWindow: Int64 = 50_000_000

    /// Joins the hosts whose first claims of one name fall within `multiHomedClaimWindow`.
    static func joinMultiHomed(_ firstClaim: [DNSName: [(source: PCAP.IPAddress, time: Int64)]], _ uf: inout UnionFind<PCAP.IPAddress>) {
        for (_, claims) in firstClaim.sorted(by: { $0.key < $1.key }) {
            var first: [PCAP.IPAddress: Int64] = [:]   // root -> its first claim of the name
            for c in claims { first[uf.find(c.source)] = min(first[uf.find(c.source)] ?? .max, c.time) }
            let byTime = first.sorted { $0.value < $1.value }
            for (a, b) in zip(byTime, byTime.dropFirst()) where b.value - a.value <= multiHomedClaimWindow {
                uf.union(a.key, b.key)
            }
        }
    }

    static func roles(_ mine: [Packet]) -> [Role] {
        var r: Set<Role> = []
        for p in mine {
            if p.isResponse && p.sourcePort == mdnsPort || p.isProbe { r.insert(.responder) }
            else if p.isLegacyQuery { r.insert(.legacyQuerier) }
            else if p.isQuery { r.insert(.querier) }
        }
        return r.sorted()
    }
}

/// Disjoint sets with members in insertion order.
struct UnionFind<T: Hashable> {
    private var parent: [T: T] = [:]
    private(set) var members: [T] = []

    mutating func add(_ x: T) {
        if parent[x] == nil { parent[x] = x; members.append(x) }
    }

    func find(_ x: T) -> T {
        var x = x
        while let p = parent[x], p != x { x = p }
        return x
    }

    /// Joins the sets; the root of the earlier member stays the root.
    mutating func union(_ a: T, _ b: T) {
        let (ra, rb) = (find(a), find(b))
        guard ra != rb else { return }
        let ia = members.firstIndex(of: ra)!, ib = members.firstIndex(of: rb)!
        if ia < ib { parent[rb] = ra } else { parent[ra] = rb }
    }
}
