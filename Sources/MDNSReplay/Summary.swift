import DNSWire
import PCAP

/// The network as one capture shows it: counts, decode errors by code, hosts, services,
/// probes, goodbyes and conflicts. Memory is bounded by the number of distinct names, capped.
public struct CaptureSummary: Sendable {
    /// Frame numbers listed per error code; the rest are counted.
    public static let maxListedFrames = 20
    /// Distinct entries tracked per table (hosts, instances, probes, ...); the rest are counted.
    public static let maxTrackedEntries = 10_000

    public struct FrameList: Sendable {
        public var count = 0
        public var frames: [Int] = []
        mutating func add(_ f: Int?) {
            count += 1
            if let f, frames.count < CaptureSummary.maxListedFrames { frames.append(f) }
        }
        var text: String {
            frames.map(String.init).joined(separator: ", ") + (count > frames.count ? ", ... (\(count - frames.count) more)" : "")
        }
    }

    public struct Instance: Sendable {
        public var srv: SRV? = nil
        public var txt: TXT? = nil
        public var firstFrame: Int
    }

    public struct Probe: Sendable {
        public var count = 0
        public var firstFrame: Int
        public var sources: Set<IPAddress> = []
    }

    struct ClaimKey: Hashable, Sendable { var name: DNSName; var type: RRType }

    /// A record announced with TTL 0.
    public struct Goodbye: Hashable, Sendable {
        public var name: DNSName
        public var rdata: RData
        var text: String { "\(name) \(rdata.type) \(rdata)" }
    }

    public struct Conflict: Sendable {
        public var name: DNSName
        public var type: RRType
        public var first: (source: IPAddress, rdata: String, frame: Int)
        public var second: (source: IPAddress, rdata: String, frame: Int)
    }

    public var file: String
    public var frames = 0
    public var messages = 0
    public var queries = 0
    public var responses = 0
    public var kinds: [ReplayMessage.Kind: Int] = [:]
    public var decodeErrors: [DNSWireError.Code: FrameList] = [:]
    public var trailing = FrameList()
    public var skipped: [PCAPError.Code: FrameList] = [:]
    public var fileError: PCAPError?
    public var sources: [IPAddress: Int] = [:]
    public var hosts: [DNSName: Set<RData>] = [:]
    public var serviceTypes: [DNSName: Set<DNSName>] = [:]
    public var queriedTypes: Set<DNSName> = []
    public var instances: [DNSName: Instance] = [:]
    public var probes: [DNSName: Probe] = [:]
    public var goodbyes: [Goodbye: FrameList] = [:]
    public var conflicts: [Conflict] = []
    public var untracked = 0
    var claims: [ClaimKey: [IPAddress: (rdata: Set<RData>, frame: Int)]] = [:]
    var conflictPairs: Set<[String]> = []
    public var firstTime: Timestamp?

    public init(file: String) { self.file = file }

    static let servicesName = try! DNSName(parsing: "_services._dns-sd._udp.local")

    func room(_ n: Int) -> Bool { n < Self.maxTrackedEntries }

    public mutating func add(_ m: ReplayMessage) {
        let d = m.datagram
        if firstTime == nil { firstTime = d.timestamp }
        messages += 1
        kinds[m.kind, default: 0] += 1
        if sources[d.source] != nil || room(sources.count) { sources[d.source, default: 0] += 1 } else { untracked += 1 }
        guard let msg = m.message else {
            if let e = m.error { decodeErrors[e.code, default: FrameList()].add(d.frame) }
            return
        }
        if m.trailingBytes > 0 { trailing.add(d.frame) }
        if msg.header.isResponse { responses += 1 } else { queries += 1 }
        if !msg.header.isResponse {
            for q in msg.questions where q.type == .ptr && Self.isServiceType(q.name) {
                if room(queriedTypes.count) { queriedTypes.insert(q.name) } else if !queriedTypes.contains(q.name) { untracked += 1 }
            }
            if m.kind == .probe {
                // RFC 6762 §8.2: the proposed records claim their names too; a conflict may be settled while probing.
                for r in msg.authorities where Self.isProposedUnique(r) { claim(r, d) }
                // RFC 6762 §8.1: each name probed (questions of type ANY with proposed records).
                for q in msg.questions {
                    if let i = probes.index(forKey: q.name) {
                        probes.values[i].count += 1
                        probes.values[i].sources.insert(d.source)
                    } else if room(probes.count) {
                        probes[q.name] = Probe(count: 1, firstFrame: d.frame, sources: [d.source])
                    } else { untracked += 1 }
                }
            }
            return
        }
        for (_, r) in msg.records { addRecord(r, d) }
    }

    mutating func addRecord(_ r: ResourceRecord, _ d: UDPDatagram) {
        if r.type == .opt || r.type == .nsec { return }
        if r.ttl == 0 {
            // RFC 6762 §10.1: TTL 0 announces that the record is going away.
            let key = Goodbye(name: r.name, rdata: r.rdata)
            if let i = goodbyes.index(forKey: key) { goodbyes.values[i].add(d.frame) }
            else if room(goodbyes.count) { var l = FrameList(); l.add(d.frame); goodbyes[key] = l } else { untracked += 1 }
            return
        }
        switch r.rdata {
        case .a, .aaaa: addHost(r.name, r.rdata)
        case .ptr(let target):
            if r.name == Self.servicesName {
                if serviceTypes[target] == nil && room(serviceTypes.count) { serviceTypes[target] = [] }
            } else if Self.isServiceType(r.name) {
                let type = Self.baseType(r.name)
                if let i = serviceTypes.index(forKey: type) { serviceTypes.values[i].insert(target) }
                else if room(serviceTypes.count) { serviceTypes[type] = [target] }
                if instances.index(forKey: target) == nil && room(instances.count) { instances[target] = Instance(firstFrame: d.frame) }
            }
        case .srv(let s):
            if let i = instances.index(forKey: r.name) { instances.values[i].srv = s }
            else if room(instances.count) { instances[r.name] = Instance(srv: s, firstFrame: d.frame) }
        case .txt(let t):
            if let i = instances.index(forKey: r.name) { instances.values[i].txt = t }
            else if room(instances.count), Self.isServiceType(r.name.parent) { instances[r.name] = Instance(txt: t, firstFrame: d.frame) }
        default: break
        }
        if r.cacheFlush { claim(r, d) }
    }

    mutating func addHost(_ name: DNSName, _ address: RData) {
        if let i = hosts.index(forKey: name) { hosts.values[i].insert(address) }
        else if room(hosts.count) { hosts[name] = [address] } else { untracked += 1 }
    }

    /// RFC 6762 §9: a unique record (cache-flush) claimed with different rdata by different sources
    /// is a conflict. Sources whose rdata sets overlap are taken as the same host (IPv4 and IPv6 of one device).
    mutating func claim(_ r: ResourceRecord, _ d: UDPDatagram) {
        let key = ClaimKey(name: r.name, type: r.type)
        var byKey = claims[key] ?? [:]
        if byKey.isEmpty && !room(claims.count) { untracked += 1; return }
        if let known = byKey[d.source], known.rdata.contains(r.rdata), byKey.count == 1 { return }   // the usual case: nothing new
        var mine = byKey[d.source] ?? (rdata: [], frame: d.frame)
        mine.rdata.insert(r.rdata)
        byKey[d.source] = mine
        claims[key] = byKey
        for (other, theirs) in byKey.sorted(by: { ($0.value.frame, $0.key) < ($1.value.frame, $1.key) }) where other != d.source {
            guard theirs.rdata.isDisjoint(with: mine.rdata) else { continue }
            // One conflict per pair of data, however many addresses each host sent it from.
            let pair = ["\(key.name)", "\(key.type)"] + [theirs.rdata.map(\.description).sorted().joined(separator: ","), r.rdata.description].sorted()
            guard !conflictPairs.contains(pair), room(conflicts.count) else { continue }
            conflictPairs.insert(pair)
            conflicts.append(Conflict(name: r.name, type: r.type, first: (other, theirs.rdata.map(\.description).sorted().first ?? "", theirs.frame),
                                      second: (d.source, r.rdata.description, d.frame)))
        }
    }

    /// A proposed record that is one host's: a service PTR in a probe (python-zeroconf) is shared.
    static func isProposedUnique(_ r: ResourceRecord) -> Bool {
        switch r.type {
        case .opt: false
        case .ptr: r.name.labels.last.map { String(decoding: $0, as: UTF8.self).lowercased() == "arpa" } ?? false
        default: true
        }
    }

    public mutating func add(skipped e: PCAPError) { skipped[e.code, default: FrameList()].add(e.frame) }

    /// `_service._tcp.domain` or `_service._udp.domain`, also under `_sub`.
    static func isServiceType(_ n: DNSName) -> Bool {
        let l = n.labels
        guard l.count >= 2 else { return false }
        for i in 0..<(l.count - 1) where l[i].first == UInt8(ascii: "_") {
            let proto = String(decoding: l[i + 1], as: UTF8.self).lowercased()
            if proto == "_tcp" || proto == "_udp" { return i + 2 < l.count || true }
        }
        return false
    }

    /// `_printer._sub._http._tcp.local` -> `_http._tcp.local`.
    static func baseType(_ n: DNSName) -> DNSName {
        var cur = n
        while cur.labelCount > 2 {
            let first = String(decoding: cur.firstLabel, as: UTF8.self).lowercased()
            let second = String(decoding: cur.parent.firstLabel, as: UTF8.self).lowercased()
            if first.hasPrefix("_") && (second == "_tcp" || second == "_udp") { return cur }
            cur = cur.parent
        }
        return cur
    }

    // MARK: rendering

    public var text: String {
        var o = "== \(file)\n"
        o += "frames \(frames), mDNS messages \(messages) (queries \(queries), responses \(responses), malformed \(kinds[.malformed] ?? 0))\n"
        let kindText = ReplayMessage.Kind.allCases.compactMap { k in kinds[k].map { "\(k.rawValue) \($0)" } }
        o += "kinds: " + (kindText.isEmpty ? "none" : kindText.joined(separator: ", ")) + "\n"
        o += "decode errors: " + list(decodeErrors.map { ($0.key.rawValue, $0.value) }) + "\n"
        if trailing.count > 0 { o += "trailing bytes accepted: \(trailing.count) (frames \(trailing.text))\n" }
        o += "skipped frames: " + list(skipped.map { ($0.key.rawValue, $0.value) }) + "\n"
        if let e = fileError { o += "file error: \(e)\n" }
        o += "sources (\(sources.count)):"
        for (a, n) in sources.sorted(by: { $0.key < $1.key }) { o += " \(a) (\(n))" }
        o += "\nhosts (\(hosts.count)):\n"
        for (n, addrs) in hosts.sorted(by: { $0.key < $1.key }) {
            o += "  \(n) " + addressesInOrder(addrs).joined(separator: " ") + "\n"
        }
        o += "service types (\(serviceTypes.count)):\n"
        for (t, inst) in serviceTypes.sorted(by: { $0.key < $1.key }) {
            o += "  \(t) (\(inst.count) instance\(inst.count == 1 ? "" : "s"))\n"
        }
        o += "queried service types (\(queriedTypes.count)):" + queriedTypes.sorted().map { " \($0)" }.joined() + "\n"
        o += "instances (\(instances.count)):\n"
        for (n, i) in instances.sorted(by: { $0.key < $1.key }) {
            o += "  \(n)"
            if let s = i.srv { o += " -> \(s.target):\(s.port)" }
            if let t = i.txt { o += " txt " + RData.txt(t).description }
            o += "\n"
        }
        o += "probes (\(probes.count) names, \(kinds[.probe] ?? 0) messages):\n"
        for (n, p) in probes.sorted(by: { $0.key < $1.key }) {
            o += "  \(n) x\(p.count) from " + p.sources.sorted().map(\.description).joined(separator: " ") + " (first frame \(p.firstFrame))\n"
        }
        o += "goodbyes (\(goodbyes.count) records):\n"
        for (k, f) in goodbyes.map({ ($0.key.text, $0.value) }).sorted(by: { $0.0 < $1.0 }) { o += "  \(k) (frames \(f.text))\n" }
        o += "conflicts (\(conflicts.count)):\n"
        for c in conflicts {
            o += "  \(c.name) \(c.type): \(c.first.rdata) from \(c.first.source) (frame \(c.first.frame)) vs \(c.second.rdata) from \(c.second.source) (frame \(c.second.frame))\n"
        }
        if untracked > 0 { o += "untracked entries (past \(Self.maxTrackedEntries) per table): \(untracked)\n" }
        return o
    }

    func list(_ items: [(String, FrameList)]) -> String {
        if items.isEmpty { return "none" }
        return items.sorted { $0.0 < $1.0 }.map { "\($0.0) x\($0.1.count) (frames \($0.1.text))" }.joined(separator: "; ")
    }

    /// Addresses in address order (text order for anything that is not one), each parsed once.
    func addressesInOrder(_ addrs: Set<RData>) -> [String] {
        addrs.map { r in let t = r.description; return (t, IPAddress(t)) }.sorted { a, b in
            switch (a.1, b.1) {
            case (let x?, let y?): return x < y
            default: return a.0 < b.0
            }
        }.map(\.0)
    }
}
