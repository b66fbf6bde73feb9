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
            var o = TextOut(capacity: 64)
            write(to: &o)
            return o.string
        }
        func write(to o: inout TextOut) {
            for (i, f) in frames.enumerated() {
                if i > 0 { o.put(", ") }
                o.put(f)
            }
            if count > frames.count { o.put(", ... ("); o.put(count - frames.count); o.put(" more)") }
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

    struct ClaimKey: Hashable, Sendable {
        var name: DNSName
        var type: RRType
        /// One word per name into the hasher: names equal under ASCII folding (RFC 6762 §16)
        /// fold to equal words, and one combine costs less than hashing every byte.
        func hash(into h: inout Hasher) {
            h.combine(Self.foldedWord(name))
            h.combine(type)
        }

        static func foldedWord(_ n: DNSName) -> UInt64 {
            n.wire.withUnsafeBytes { w in
                var x = UInt64(w.count), i = 0
                while i < w.count {
                    var v: UInt64 = 0
                    if w.count - i >= 8 { v = w.loadUnaligned(fromByteOffset: i, as: UInt64.self); i += 8 } else {
                        for j in i..<w.count { v |= UInt64(w[j]) << (8 * UInt64(j - i)) }
                        i = w.count
                    }
                    x = (x ^ lower8(v)) &* 0x9E37_79B9_7F4A_7C15
                    x ^= x >> 29
                }
                return x
            }
        }

        /// ASCII capitals to small letters in each byte of `w` (bytes from 0x80 unchanged).
        static func lower8(_ w: UInt64) -> UInt64 {
            let high: UInt64 = 0x8080_8080_8080_8080
            let low7 = w & ~high
            let upper = (low7 &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(low7 &+ 0x2525_2525_2525_2525) & ~w & high
            return w | (upper &>> 2)
        }
    }

    /// A record announced with TTL 0.
    public struct Goodbye: Hashable, Sendable {
        public var name: DNSName
        public var rdata: RData
        var text: String { String(decoding: bytes, as: UTF8.self) }
        /// `name type rdata` as UTF-8.
        var bytes: [UInt8] {
            var o = TextOut(capacity: 128)
            o.put(name); o.put(" "); o.put(rdata.type.description); o.put(" "); rdata.appendDescription(to: &o.bytes)
            return o.bytes
        }
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

    /// One message's salvage pass, reused from message to message: the entries kept, and where
    /// each one's names start in the arena (nil when the arena was full).
    struct Kept: Sendable {
        var questions: [MessageParser.QuestionView] = []
        var records: [MessageParser.RecordView] = []
        var questionNames: [Int?] = []
        var recordNames: [Int?] = []

        mutating func removeAll() {
            questions.removeAll(keepingCapacity: true)
            records.removeAll(keepingCapacity: true)
            questionNames.removeAll(keepingCapacity: true)
            recordNames.removeAll(keepingCapacity: true)
        }
    }
    var kept = Kept()
    /// Where the salvage pass expands each name as it validates it.
    var arena: [UInt8] = []
    /// Bytes of `arena`: the names of most messages; names past it are expanded from the message.
    static let arenaSize = 16 * 1024
    /// Lookup names refilled per entry (`MessageParser.name(_:into:)`): tables keep detached copies.
    var ownerName = DNSName.root, targetName = DNSName.root, typeName = DNSName.root

    public init(file: String) { self.file = file }

    static let servicesName = try! DNSName(parsing: "_services._dns-sd._udp.local")

    func room(_ n: Int) -> Bool { n < Self.maxTrackedEntries }

    /// Adds a message already decoded for output; the summary reads its datagram's views.
    public mutating func add(_ m: ReplayMessage) { add(m.datagram) }

    /// Adds one datagram. The summary reads the parser's views (salvage mode, as `ReplayMessage`
    /// decodes) and makes owned names and rdata only for what its tables keep.
    public mutating func add(_ d: UDPDatagram) {
        var kept = self.kept, arena = self.arena
        self.kept = Kept()
        self.arena = []
        if arena.isEmpty { arena = [UInt8](repeating: 0, count: Self.arenaSize) }
        d.payload.withUnsafeBytes { bytes in
            arena.withUnsafeMutableBytes { arena in
                switch Self.salvage(bytes, arena, &kept) {
                case .failure(let e):
                    count(d, kind: .malformed)
                    decodeErrors[e.code, default: FrameList()].add(d.frame)
                case .success(let p):
                    add(d, p, kept)
                }
            }
        }
        kept.removeAll()
        self.kept = kept
        self.arena = arena
    }

    /// The entries salvage decoding keeps (dropped ones left out), or the error that breaks the framing.
    static func salvage(_ bytes: UnsafeRawBufferPointer, _ arena: UnsafeMutableRawBufferPointer, _ kept: inout Kept)
        -> Result<MessageParser, DNSWireError> {
        do throws(DNSWireError) {
            var p = try MessageParser(bytes, expandingNamesInto: arena)
            while true {
                let at = p.expandedNamesLength
                guard let e = try p.nextSalvaging() else { break }
                let names = p.arenaFull ? nil : at
                switch e {
                case .question(let q): kept.questions.append(q); kept.questionNames.append(names)
                case .record(let r): kept.records.append(r); kept.recordNames.append(names)
                case .dropped: break
                }
            }
            return .success(p)
        } catch {
            return .failure(error)
        }
    }

    mutating func count(_ d: UDPDatagram, kind: ReplayMessage.Kind) {
        if firstTime == nil { firstTime = d.timestamp }
        messages += 1
        kinds[kind, default: 0] += 1
        if let i = sources.index(forKey: d.source) { sources.values[i] += 1 }
        else if room(sources.count) { sources[d.source] = 1 } else { untracked += 1 }
    }

    mutating func add(_ d: UDPDatagram, _ p: MessageParser, _ kept: Kept) {
        let questions = kept.questions, records = kept.records
        let isResponse = p.header.isResponse
        let answers = records.lazy.filter { $0.section == .answer }
        let kind = ReplayMessage.classify(isResponse: isResponse, hasQuestions: !questions.isEmpty,
                                          hasAuthorities: records.contains { $0.section == .authority },
                                          allAnswersGoodbyes: !answers.isEmpty && answers.allSatisfy { $0.ttl == 0 }, d)
        count(d, kind: kind)
        if p.trailingByteCount > 0 { trailing.add(d.frame) }
        if isResponse { responses += 1 } else { queries += 1 }
        if !isResponse {
            for (q, at) in zip(questions, kept.questionNames) where q.type == .ptr {
                p.name(q.name, expandedAt: at, into: &ownerName)
                guard Self.serviceTypeOffset(ownerName) != nil else { continue }
                if queriedTypes.contains(ownerName) { continue }
                if room(queriedTypes.count) { queriedTypes.insert(ownerName.detached) } else { untracked += 1 }
            }
            if kind == .probe {
                // RFC 6762 §8.2: the proposed records claim their names too; a conflict may be settled while probing.
                for (r, at) in zip(records, kept.recordNames) where r.section == .authority && r.type != .opt {
                    p.name(r.name, expandedAt: at, into: &ownerName)
                    if r.type == .ptr && !Self.isReverseMapping(ownerName) { continue }
                    claim(r, at.map { $0 + Int(r.name.wireLength) }, p, d)
                }
                // RFC 6762 §8.1: each name probed (questions of type ANY with proposed records).
                for (q, at) in zip(questions, kept.questionNames) {
                    p.name(q.name, expandedAt: at, into: &ownerName)
                    if let i = probes.index(forKey: ownerName) {
                        probes.values[i].count += 1
                        probes.values[i].sources.insert(d.source)
                    } else if room(probes.count) {
                        probes[ownerName.detached] = Probe(count: 1, firstFrame: d.frame, sources: [d.source])
                    } else { untracked += 1 }
                }
            }
            return
        }
        for (r, at) in zip(records, kept.recordNames) { addRecord(r, at, p, d) }
    }

    /// `names`: where the record's names start in the parser's arena.
    mutating func addRecord(_ r: MessageParser.RecordView, _ names: Int?, _ p: MessageParser, _ d: UDPDatagram) {
        if r.type == .opt || r.type == .nsec { return }
        p.name(r.name, expandedAt: names, into: &ownerName)
        let rdataNames = names.map { $0 + Int(r.name.wireLength) }
        if r.ttl == 0 {
            // RFC 6762 §10.1: TTL 0 announces that the record is going away.
            let key = Goodbye(name: ownerName, rdata: lookupRData(r, rdataNames, p))
            if let i = goodbyes.index(forKey: key) { goodbyes.values[i].add(d.frame) }
            else if room(goodbyes.count) {
                var l = FrameList(); l.add(d.frame)
                goodbyes[Goodbye(name: ownerName.detached, rdata: Self.detached(key.rdata))] = l
            } else { untracked += 1 }
            return
        }
        switch r.rdata {
        case .a(let v): addHost(.a(v))
        case .aaaa(let v): addHost(.aaaa(v))
        case .ptr(let target):
            p.name(target, expandedAt: rdataNames, into: &targetName)
            if ownerName == Self.servicesName {
                if serviceTypes[targetName] == nil && room(serviceTypes.count) { serviceTypes[targetName.detached] = [] }
            } else if let start = Self.serviceTypeOffset(ownerName) {
                typeName.assignSuffix(of: ownerName, atWireOffset: start)
                if let i = serviceTypes.index(forKey: typeName) {
                    // Listed under its type: its instance was added then (or the table was full, and stays so).
                    if serviceTypes.values[i].contains(targetName) { break }
                    serviceTypes.values[i].insert(targetName.detached)
                } else if room(serviceTypes.count) { serviceTypes[typeName.detached] = [targetName.detached] }
                if instances.index(forKey: targetName) == nil && room(instances.count) { instances[targetName.detached] = Instance(firstFrame: d.frame) }
            }
        case .srv(let priority, let weight, let port, let target):
            let i = instances.index(forKey: ownerName)
            if let i, let s = instances.values[i].srv, p.rdata(r.rdata, type: .srv, equals: .srv(s)) { break }
            guard i != nil || room(instances.count) else { break }
            let s = SRV(priority: priority, weight: weight, port: port, target: p.name(target))
            if let i { instances.values[i].srv = s } else { instances[ownerName.detached] = Instance(srv: s, firstFrame: d.frame) }
        case .txt(let range):
            let i = instances.index(forKey: ownerName)
            if let i, let t = instances.values[i].txt, p.txt(range, equals: t) { break }
            if let i { instances.values[i].txt = Self.txt(p.rdata(r.rdata, type: .txt)) }
            else if room(instances.count), Self.serviceTypeOffset(ownerName, after: 1) != nil {
                instances[ownerName.detached] = Instance(txt: Self.txt(p.rdata(r.rdata, type: .txt)), firstFrame: d.frame)
            }
        default: break
        }
        if r.cacheFlush { claim(r, rdataNames, p, d) }
    }

    /// Rdata for a lookup: names in it reuse `targetName` (detach before keeping it).
    /// `names`: where the rdata's names start in the parser's arena.
    mutating func lookupRData(_ r: MessageParser.RecordView, _ names: Int?, _ p: MessageParser) -> RData {
        switch r.rdata {
        case .a(let v): return .a(v)
        case .aaaa(let v): return .aaaa(v)
        case .ptr(let n): p.name(n, expandedAt: names, into: &targetName); return .ptr(targetName)
        case .srv(let priority, let weight, let port, let n):
            p.name(n, expandedAt: names, into: &targetName)
            return .srv(SRV(priority: priority, weight: weight, port: port, target: targetName))
        default: return p.rdata(r.rdata, type: r.type)
        }
    }

    /// Rdata with storage of its own (names inside detached from the lookup names).
    static func detached(_ r: RData) -> RData {
        switch r {
        case .ptr(let n): return .ptr(n.detached)
        case .srv(var s): s.target = s.target.detached; return .srv(s)
        default: return r
        }
    }

    static func txt(_ r: RData) -> TXT? {
        if case .txt(let t) = r { return t }
        return nil
    }

    /// An address of the host `ownerName`.
    mutating func addHost(_ address: RData) {
        if let i = hosts.index(forKey: ownerName) { hosts.values[i].insert(address) }
        else if room(hosts.count) { hosts[ownerName.detached] = [address] } else { untracked += 1 }
    }

    /// RFC 6762 §9: a unique record (cache-flush) claimed with different rdata by different sources
    /// is a conflict. Sources whose rdata sets overlap are taken as the same host (IPv4 and IPv6 of
    /// one device). The record's owner name is in `ownerName`.
    mutating func claim(_ r: MessageParser.RecordView, _ rdataNames: Int?, _ p: MessageParser, _ d: UDPDatagram) {
        let lookup = ClaimKey(name: ownerName, type: r.type)
        let index = claims.index(forKey: lookup)
        if index == nil && !room(claims.count) { untracked += 1; return }
        // The usual case, nothing new: the one source so far sent this rdata before.
        if let index, claims.values[index].count == 1, let only = claims.values[index].first, only.key == d.source,
           Self.contains(only.value.rdata, r, p) { return }
        let rdata = Self.detached(lookupRData(r, rdataNames, p))
        var byKey = index.map { claims.values[$0] } ?? [:]
        if let index { claims.values[index] = [:] }   // byKey is the only copy while it changes
        var mine = byKey.removeValue(forKey: d.source) ?? (rdata: [], frame: d.frame)
        mine.rdata.insert(rdata)
        byKey[d.source] = mine
        // One source alone cannot conflict with itself.
        if byKey.count > 1 { findConflicts(byKey, mine, rdata, r.type, d) }
        if let index { claims.values[index] = byKey } else { claims[ClaimKey(name: ownerName.detached, type: r.type)] = byKey }
    }

    /// Conflicts of `mine` (just claimed by `d.source` for `ownerName`) with the other sources' claims.
    mutating func findConflicts(_ byKey: [IPAddress: (rdata: Set<RData>, frame: Int)], _ mine: (rdata: Set<RData>, frame: Int),
                                _ rdata: RData, _ type: RRType, _ d: UDPDatagram) {
        for (other, theirs) in byKey.sorted(by: { ($0.value.frame, $0.key) < ($1.value.frame, $1.key) }) where other != d.source {
            guard theirs.rdata.isDisjoint(with: mine.rdata) else { continue }
            // One conflict per pair of data, however many addresses each host sent it from.
            let pair = ["\(ownerName)", "\(type)"] + [theirs.rdata.map(\.description).sorted().joined(separator: ","), rdata.description].sorted()
            guard !conflictPairs.contains(pair), room(conflicts.count) else { continue }
            conflictPairs.insert(pair)
            conflicts.append(Conflict(name: ownerName.detached, type: type, first: (other, theirs.rdata.map(\.description).sorted().first ?? "", theirs.frame),
                                      second: (d.source, rdata.description, d.frame)))
        }
    }

    /// Whether `known` holds the record's rdata: small sets are compared with the view, larger
    /// ones through a hashed lookup.
    static func contains(_ known: Set<RData>, _ r: MessageParser.RecordView, _ p: MessageParser) -> Bool {
        if known.count <= 4 {
            for k in known where p.rdata(r.rdata, type: r.type, equals: k) { return true }
            return false
        }
        return known.contains(p.rdata(r.rdata, type: r.type))
    }

    /// A name under `in-addr.arpa` / `ip6.arpa`: a probe's proposed PTR there is one host's, a
    /// service PTR (python-zeroconf proposes them) is shared.
    static func isReverseMapping(_ n: DNSName) -> Bool {
        n.wire.withUnsafeBufferPointer { w in
            var i = 0, last = -1
            while w[i] != 0 { last = i; i += 1 + Int(w[i]) }
            guard last >= 0, w[last] == 4 else { return false }
            return (w[last + 1] | 0x20, w[last + 2] | 0x20, w[last + 3] | 0x20, w[last + 4] | 0x20)
                == (UInt8(ascii: "a"), UInt8(ascii: "r"), UInt8(ascii: "p"), UInt8(ascii: "a"))
        }
    }

    public mutating func add(skipped e: PCAPError) { skipped[e.code, default: FrameList()].add(e.frame) }

    /// Where the service type of `n` starts (`_service._tcp.domain` or `_udp`, also under
    /// `_sub`): the wire offset of the first label from label `after` on that starts with `_` and
    /// is followed by `_tcp` or `_udp` (ASCII case folded); nil when `n` names no service type.
    static func serviceTypeOffset(_ n: DNSName, after: Int = 0) -> Int? {
        n.wire.withUnsafeBufferPointer { w in
            var i = 0, label = 0
            while w[i] != 0 {
                let next = i + 1 + Int(w[i])
                if label >= after && w[i + 1] == UInt8(ascii: "_") && isProtocolLabel(w, at: next) { return i }
                i = next
                label += 1
            }
            return nil
        }
    }

    /// `_tcp` or `_udp` at wire offset `i` (a length byte).
    static func isProtocolLabel(_ w: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        guard w[i] == 4, w[i + 1] == UInt8(ascii: "_") else { return false }
        // `| 0x20` maps exactly a letter and its capital to the small letter.
        let l = (w[i + 2] | 0x20, w[i + 3] | 0x20, w[i + 4] | 0x20)
        return l == (UInt8(ascii: "t"), UInt8(ascii: "c"), UInt8(ascii: "p")) || l == (UInt8(ascii: "u"), UInt8(ascii: "d"), UInt8(ascii: "p"))
    }

    // MARK: rendering

    public var text: String {
        var o = TextOut(capacity: 64 * 1024)
        o.put("== "); o.put(file)
        o.put("\nframes "); o.put(frames); o.put(", mDNS messages "); o.put(messages)
        o.put(" (queries "); o.put(queries); o.put(", responses "); o.put(responses)
        o.put(", malformed "); o.put(kinds[.malformed] ?? 0); o.put(")\n")
        let kindText = ReplayMessage.Kind.allCases.compactMap { k in kinds[k].map { "\(k.rawValue) \($0)" } }
        o.put("kinds: "); o.put(kindText.isEmpty ? "none" : kindText.joined(separator: ", ")); o.put("\n")
        o.put("decode errors: "); list(decodeErrors.map { ($0.key.rawValue, $0.value) }, to: &o); o.put("\n")
        if trailing.count > 0 { o.put("trailing bytes accepted: "); o.put(trailing.count); o.put(" (frames "); trailing.write(to: &o); o.put(")\n") }
        o.put("skipped frames: "); list(skipped.map { ($0.key.rawValue, $0.value) }, to: &o); o.put("\n")
        if let e = fileError { o.put("file error: \(e)\n") }
        o.put("sources ("); o.put(sources.count); o.put("):")
        for (a, n) in sources.sorted(by: { $0.key < $1.key }) { o.put(" "); o.put(a.description); o.put(" ("); o.put(n); o.put(")") }
        writeNames(to: &o)
        writeEvents(to: &o)
        return o.string
    }

    /// Hosts, service types and instances.
    func writeNames(to o: inout TextOut) {
        o.put("\nhosts ("); o.put(hosts.count); o.put("):\n")
        for (n, addrs) in hosts.sortedByName() {
            o.put("  "); o.put(n)
            for a in addressesInOrder(addrs) { o.put(" "); o.put(a) }
            o.put("\n")
        }
        o.put("service types ("); o.put(serviceTypes.count); o.put("):\n")
        for (t, inst) in serviceTypes.sortedByName() {
            o.put("  "); o.put(t); o.put(" ("); o.put(inst.count); o.put(inst.count == 1 ? " instance)\n" : " instances)\n")
        }
        o.put("queried service types ("); o.put(queriedTypes.count); o.put("):")
        for t in queriedTypes.sorted() { o.put(" "); o.put(t) }
        o.put("\ninstances ("); o.put(instances.count); o.put("):\n")
        for (n, i) in instances.sortedByName() {
            o.put("  "); o.put(n)
            if let s = i.srv { o.put(" -> "); o.put(s.target); o.put(":"); o.put(Int(s.port)) }
            if let t = i.txt { o.put(" txt "); o.put(RData.txt(t).description) }
            o.put("\n")
        }
    }

    /// Probes, goodbyes, conflicts and what went untracked.
    func writeEvents(to o: inout TextOut) {
        o.put("probes ("); o.put(probes.count); o.put(" names, "); o.put(kinds[.probe] ?? 0); o.put(" messages):\n")
        for (n, p) in probes.sortedByName() {
            o.put("  "); o.put(n); o.put(" x"); o.put(p.count); o.put(" from")
            for s in p.sources.sorted() { o.put(" "); o.put(s.description) }
            o.put(" (first frame "); o.put(p.firstFrame); o.put(")\n")
        }
        o.put("goodbyes ("); o.put(goodbyes.count); o.put(" records):\n")
        // Sorted by their text, byte by byte (UTF-8 order is code point order).
        let entries = Array(goodbyes), texts = entries.map(\.key.bytes)
        for i in TextOut.sortedIndices(texts) {
            o.put("  "); o.bytes += texts[i]; o.put(" (frames "); entries[i].value.write(to: &o); o.put(")\n")
        }
        o.put("conflicts ("); o.put(conflicts.count); o.put("):\n")
        for c in conflicts {
            o.put("  \(c.name) \(c.type): \(c.first.rdata) from \(c.first.source) (frame \(c.first.frame)) vs \(c.second.rdata) from \(c.second.source) (frame \(c.second.frame))\n")
        }
        if untracked > 0 { o.put("untracked entries (past \(Self.maxTrackedEntries) per table): \(untracked)\n") }
    }

    func list(_ items: [(String, FrameList)], to o: inout TextOut) {
        if items.isEmpty { o.put("none"); return }
        for (i, (name, frames)) in items.sorted(by: { $0.0 < $1.0 }).enumerated() {
            if i > 0 { o.put("; ") }
            o.put(name); o.put(" x"); o.put(frames.count); o.put(" (frames "); frames.write(to: &o); o.put(")")
        }
    }

    /// Addresses in address order (IPv4 first; text order for anything that is not an address).
    func addressesInOrder(_ addrs: Set<RData>) -> [String] {
        addrs.map { r in (r, Self.address(r)) }.sorted { a, b in
            switch (a.1, b.1) {
            case (let x?, let y?): return x < y
            default: return a.0.description < b.0.description
            }
        }.map(\.0.description)
    }

    static func address(_ r: RData) -> IPAddress? {
        switch r {
        case .a(let v): return .v4(v.value)
        case .aaaa(let v): return .v6(v.high, v.low)
        default: return nil
        }
    }
}
