import DNSWire

/// A cached record's identity on one interface (RFC 6762 §14: caches are per interface).
public struct CacheKey: Hashable, Sendable {
    public var interface: InterfaceID
    public var name: DNSName
    public var rrclass: RRClass
    public var rdata: RData
    public init(_ r: ResourceRecord, interface: InterfaceID) {
        self.interface = interface; name = r.name; rrclass = r.rrclass; rdata = r.rdata
    }
}

/// A name on one interface.
public struct NameKey: Hashable, Sendable {
    public var interface: InterfaceID
    public var name: DNSName
    public init(_ name: DNSName, _ interface: InterfaceID) { self.name = name; self.interface = interface }
}

/// One record in the cache.
public struct CachedRecord: Hashable, Sendable {
    /// As received; `ttl` is the TTL it arrived with (1 after a goodbye or cache-flush).
    public var record: ResourceRecord
    public var interface: InterfaceID
    /// When it last arrived.
    public var received: Instant
    /// When it leaves the cache (RFC 6762 §10: received + TTL).
    public var expires: Instant
    /// RFC 6762 §5.2 refresh points (80/85/90/95 % plus jitter) not yet passed.
    var refreshAt: RefreshPoints
    /// Some question or subscription wants it: evicted only after every unwanted record.
    var wanted: Bool
    /// Eviction order: larger is more recent.
    var seq: Int
    var generation: UInt32 = 0
    /// RFC 6762 §10.5: unanswered queries seen for it, and when the first was seen.
    var poofFirst: Instant?
    var poofCount = 0
    /// RFC 6762 §10.4: reconfirmation deadline and the time of the next reconfirmation query.
    var reconfirmDeadline: Instant?
    var reconfirmQueryAt: Instant?

    /// Whole seconds of TTL left at `now` (what goes in a known-answer list).
    public func remainingTTL(at now: Instant) -> UInt32 {
        let ns = (expires - now).nanoseconds
        if ns <= 0 { return 0 }
        return UInt32(clamping: ns / 1_000_000_000)
    }

    /// RFC 6762 §7.1: at least half the TTL it arrived with is left.
    public func isFreshKnownAnswer(at now: Instant) -> Bool {
        Double((expires - now).nanoseconds) >= Double(record.ttl) * 1e9 * RFC6762Querier.knownAnswerMinimumFraction
    }

    /// The earliest instant this entry has something to do.
    var nextEvent: Instant {
        var t = expires
        if let r = refreshAt.first, r < t { t = r }
        if let p = poofFirst, p + RFC6762Querier.poofWindow < t { t = p + RFC6762Querier.poofWindow }
        if let d = reconfirmDeadline, d < t { t = d }
        if let q = reconfirmQueryAt, q < t { t = q }
        return t
    }
}

/// What inserting a record did.
enum CacheUpdate: Equatable {
    case added, refreshed, goodbye, ignored
}

/// The record cache: per-interface entries with TTLs, capped (`QuerierLimits`), with O(1)
/// lookup by record and by name, a timer heap for expiry and refresh, and eviction order.
///
/// Eviction policy (DESIGN.md rule 4, spoofed floods): when full, the least recently received
/// record that no question or subscription wants goes first; only when every record is wanted
/// does the least recently received wanted record go. A name holding `maxRecordsPerName`
/// records on an interface loses its least recently received one. Every eviction is counted.
public struct RecordCache: Sendable {
    var slots: [CachedRecord?] = []
    var free: [Int] = []
    var index: [CacheKey: Int] = [:]
    var byName: [NameKey: NameSlots] = [:]
    /// Source of `NameSlots.generation`: every change to a name's entries takes the next value.
    var nextGeneration: UInt64 = 0
    var timers = TimerHeap()
    var unwanted = EvictionQueue()
    var wantedQueue = EvictionQueue()
    var nextSeq = 0
    public private(set) var count = 0
    let limits: QuerierLimits
    /// Entries evicted by a cap since the querier last looked (it reports them as gone).
    var evictedLog: [CachedRecord] = []

    init(limits: QuerierLimits) { self.limits = limits }

    // MARK: - Reading

    public func entry(_ key: CacheKey) -> CachedRecord? { index[key].flatMap { slots[$0] } }

    /// Records of `name` on `interface`.
    public func records(named name: DNSName, on interface: InterfaceID) -> [CachedRecord] {
        guard let s = byName[NameKey(name, interface)] else { return [] }
        return s.compactMap { slots[$0] }
    }

    /// Records answering `q` on `interface`.
    public func records(answering q: Question, on interface: InterfaceID) -> [CachedRecord] {
        records(named: q.name, on: interface).filter { q.isAnswered(by: $0.record) }
    }

    /// Every entry, in slot order (tests, reports).
    public var all: [CachedRecord] { slots.compactMap { $0 } }

    /// Names cached on each interface (bounded by the entry cap).
    public var nameCount: Int { byName.count }

    /// Internal sizes, to check that no table outgrows its cap under floods.
    public var footprint: (slots: Int, timers: Int, evictionQueues: Int, names: Int) {
        (slots.count, timers.count, unwanted.count + wantedQueue.count, byName.count)
    }

    func slot(_ key: CacheKey) -> Int? { index[key] }

    /// Slots holding records of a name on an interface.
    func slots(named n: NameKey) -> NameSlots { byName[n] ?? NameSlots() }

    /// Changes whenever a record of the name is added or removed, whenever which of its records of
    /// SRV or TXT arrived last may change, and when a refresh changes an SRV target's bytes (case):
    /// everything a browse or host view reads besides TTLs and timers. 0 while the name has no
    /// entries. Equal generations mean equal reads, so what was computed from them can be reused.
    public func generation(of name: DNSName, on interface: InterfaceID) -> UInt64 { generation(of: NameKey(name, interface)) }

    func generation(of n: NameKey) -> UInt64 { byName[n]?.generation ?? 0 }

    /// Whether refreshing the entry in slot `s` (`old`) with `new` changes what a browse reads:
    /// another SRV or TXT record may stop being the latest, or an SRV target's bytes change.
    func refreshChangesReads(_ old: ResourceRecord, _ new: ResourceRecord, slot s: Int) -> Bool {
        if case .srv(let a) = old.rdata, case .srv(let b) = new.rdata, a.target.wire != b.target.wire { return true }
        guard old.type == .srv || old.type == .txt else { return false }
        for t in slots(named: NameKey(old.name, slots[s]!.interface)) where t != s && slots[t]?.record.type == old.type { return true }
        return false
    }

    mutating func touch(_ n: NameKey) {
        nextGeneration &+= 1
        byName[n]?.generation = nextGeneration
    }

    // MARK: - Writing

    /// RFC 6762 §10: caches `r` as received at `now`; TTL 0 is a goodbye (§10.1).
    mutating func insert(_ r: ResourceRecord, interface: InterfaceID, at now: Instant, wanted: Bool,
                         rng: inout SplitMix64, stats: inout QuerierStatistics) -> (CacheUpdate, Int?) {
        let key = CacheKey(r, interface: interface)
        if let s = index[key] {
            var e = slots[s]!
            if r.ttl == 0 {
                // RFC 6762 §10.1: a goodbye sets the TTL to one second.
                e.record.ttl = 1
                e.expires = min(e.expires, now + RFC6762Querier.goodbyeGrace)
                e.refreshAt = []
                put(e, at: s)
                return (.goodbye, s)
            }
            if refreshChangesReads(e.record, r, slot: s) { touch(NameKey(r.name, interface)) }
            e.record = r
            e.received = now
            e.expires = now + .seconds(Int64(r.ttl))
            e.refreshAt = Self.refreshPoints(ttl: r.ttl, from: now, rng: &rng)
            // A new answer settles reconfirmation (§10.4) and unanswered-query counting (§10.5).
            e.poofFirst = nil; e.poofCount = 0
            e.reconfirmDeadline = nil; e.reconfirmQueryAt = nil
            e.wanted = e.wanted || wanted
            e.seq = takeSeq()
            enqueue(s, e)
            put(e, at: s)
            return (.refreshed, s)
        }
        if r.ttl == 0 { return (.ignored, nil) }
        let nk = NameKey(r.name, interface)
        if let same = byName[nk], same.count >= limits.maxRecordsPerName {
            // The name's least recently received record goes.
            if let oldest = same.min(by: { slots[$0]!.seq < slots[$1]!.seq }), let gone = remove(slot: oldest) {
                evictedLog.append(gone)
                stats.evicted[.recordsPerName, default: 0] += 1
            }
        }
        while count >= limits.maxCacheEntries, evictOne() {
            stats.evicted[.cacheEntries, default: 0] += 1
        }
        let e = CachedRecord(record: r, interface: interface, received: now, expires: now + .seconds(Int64(r.ttl)),
                             refreshAt: Self.refreshPoints(ttl: r.ttl, from: now, rng: &rng), wanted: wanted, seq: takeSeq())
        let s: Int
        if let f = free.popLast() { s = f; slots[s] = e } else { s = slots.count; slots.append(e) }
        index[key] = s
        nextGeneration &+= 1
        byName[nk, default: NameSlots()].add(s, generation: nextGeneration)
        count += 1
        enqueue(s, e)
        timers.push(e.nextEvent, slot: s, generation: e.generation)
        if timers.count > 4 * count + 1024 { rebuildTimers() }
        return (.added, s)
    }

    /// RFC 6762 §5.2: 80, 85, 90 and 95 % of the TTL, each plus up to 2 % of it.
    static func refreshPoints(ttl: UInt32, from now: Instant, rng: inout SplitMix64) -> RefreshPoints {
        let total = Double(ttl) * 1e9
        var out = RefreshPoints()
        for f in RFC6762Querier.refreshFractions {
            let j = Double.random(in: 0...RFC6762Querier.refreshJitter, using: &rng)
            out.append(now + .nanoseconds(Int64(total * (f + j))))
        }
        return out
    }

    /// Stores a changed entry and re-arms its timer.
    mutating func put(_ e: CachedRecord, at s: Int) {
        var e = e
        e.generation &+= 1
        slots[s] = e
        timers.push(e.nextEvent, slot: s, generation: e.generation)
        if timers.count > 4 * count + 1024 { rebuildTimers() }
    }

    mutating func markWanted(_ s: Int) {
        guard var e = slots[s], !e.wanted else { return }
        e.wanted = true
        e.seq = takeSeq()
        slots[s] = e
        touch(NameKey(e.record.name, e.interface))
        enqueue(s, e)
    }

    @discardableResult
    mutating func remove(slot s: Int) -> CachedRecord? {
        guard let e = slots[s] else { return nil }
        slots[s] = nil
        free.append(s)
        index[CacheKey(e.record, interface: e.interface)] = nil
        let nk = NameKey(e.record.name, e.interface)
        if let i = byName.index(forKey: nk) {
            byName.values[i].remove(s)
            if byName.values[i].isEmpty { byName.remove(at: i) } else {
                nextGeneration &+= 1
                byName.values[i].generation = nextGeneration
            }
        }
        count -= 1
        return e
    }

    /// Removes the entry the eviction policy picks; false when empty.
    mutating func evictOne() -> Bool {
        if let s = unwanted.popValid(slots) ?? wantedQueue.popValid(slots) {
            if let gone = remove(slot: s) { evictedLog.append(gone) }
            return true
        }
        return false
    }

    mutating func takeSeq() -> Int { nextSeq += 1; return nextSeq }

    mutating func enqueue(_ s: Int, _ e: CachedRecord) {
        if e.wanted { wantedQueue.push(s, e.seq) } else { unwanted.push(s, e.seq) }
        if unwanted.count + wantedQueue.count > 4 * count + 1024 {
            unwanted.compact(slots, wanted: false)
            wantedQueue.compact(slots, wanted: true)
        }
    }

    mutating func rebuildTimers() {
        var h = TimerHeap()
        for (s, e) in slots.enumerated() { if let e { h.push(e.nextEvent, slot: s, generation: e.generation) } }
        timers = h
    }

    /// The earliest timer; stale heap entries are dropped on the way.
    mutating func nextDeadline() -> Instant? {
        while let top = timers.peek {
            if let e = slots[top.slot], e.generation == top.generation { return top.time }
            _ = timers.pop()
        }
        return nil
    }

    /// Pops the next due slot (its timer fired at or before `now`).
    mutating func popDue(_ now: Instant) -> Int? {
        while let top = timers.peek, top.time <= now {
            _ = timers.pop()
            if let e = slots[top.slot], e.generation == top.generation { return top.slot }
        }
        return nil
    }
}

/// RFC 6762 §5.2 refresh points not yet passed, in order, kept inline (one array per cached
/// record was an allocation per received record). Equality and hashing see the points left only.
struct RefreshPoints: Hashable, Sendable, ExpressibleByArrayLiteral {
    static let capacity = 4
    private var p0 = Instant(nanoseconds: 0), p1 = Instant(nanoseconds: 0), p2 = Instant(nanoseconds: 0), p3 = Instant(nanoseconds: 0)
    /// The points left are `start..<end`.
    private var start = 0, end = 0

    init() {}

    init(arrayLiteral points: Instant...) { for p in points { append(p) } }

    private func point(_ i: Int) -> Instant {
        switch i {
        case 0: return p0
        case 1: return p1
        case 2: return p2
        default: return p3
        }
    }

    /// Only `refreshFractions.count` points are ever added, fewer than `capacity`.
    mutating func append(_ t: Instant) {
        precondition(end < Self.capacity, "more refresh points than RefreshPoints.capacity")
        switch end {
        case 0: p0 = t
        case 1: p1 = t
        case 2: p2 = t
        default: p3 = t
        }
        end += 1
    }

    var isEmpty: Bool { start == end }
    var first: Instant? { isEmpty ? nil : point(start) }
    mutating func removeFirst() { if !isEmpty { start += 1 } }

    static func == (a: RefreshPoints, b: RefreshPoints) -> Bool {
        a.end - a.start == b.end - b.start && (0..<(a.end - a.start)).allSatisfy { a.point(a.start + $0) == b.point(b.start + $0) }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(end - start)
        for i in start..<end { hasher.combine(point(i)) }
    }
}

/// The slots of one name on one interface, and its generation (`RecordCache.generation(of:on:)`).
/// In arrival order; the first slot is kept inline, so a name with one record (most names, and
/// every name of a spoofed flood) needs no array.
struct NameSlots: Sendable, Sequence {
    private var head = -1
    private var rest: [Int] = []
    var generation: UInt64 = 0

    var count: Int { head < 0 ? 0 : 1 + rest.count }
    var isEmpty: Bool { head < 0 }

    mutating func add(_ s: Int, generation g: UInt64) {
        if head < 0 { head = s } else { rest.append(s) }
        generation = g
    }

    mutating func remove(_ s: Int) {
        if head == s {
            head = rest.isEmpty ? -1 : rest.removeFirst()
        } else {
            rest.removeAll { $0 == s }
        }
    }

    struct Iterator: IteratorProtocol {
        let slots: NameSlots
        var at = -1
        mutating func next() -> Int? {
            defer { at += 1 }
            if at < 0 { return slots.head < 0 ? nil : slots.head }
            return at < slots.rest.count ? slots.rest[at] : nil
        }
    }

    func makeIterator() -> Iterator { Iterator(slots: self) }
}

/// A binary min-heap of (time, slot, generation); ties broken by insertion order.
struct TimerHeap: Sendable {
    struct Item: Sendable { var time: Instant; var order: Int; var slot: Int; var generation: UInt32 }
    var items: [Item] = []
    var order = 0
    var count: Int { items.count }
    var peek: Item? { items.first }

    static func less(_ a: Item, _ b: Item) -> Bool { (a.time, a.order) < (b.time, b.order) }

    mutating func push(_ time: Instant, slot: Int, generation: UInt32) {
        order += 1
        items.append(Item(time: time, order: order, slot: slot, generation: generation))
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if !Self.less(items[i], items[p]) { break }
            items.swapAt(i, p); i = p
        }
    }

    mutating func pop() -> Item? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && Self.less(items[l], items[m]) { m = l }
                if r < items.count && Self.less(items[r], items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m); i = m
            }
        }
        return top
    }
}

/// FIFO of (slot, seq) with lazy deletion: an item is valid while the slot holds that seq.
struct EvictionQueue: Sendable {
    var items: [(slot: Int, seq: Int)] = []
    var head = 0
    var count: Int { items.count - head }

    mutating func push(_ slot: Int, _ seq: Int) { items.append((slot, seq)) }

    mutating func popValid(_ slots: [CachedRecord?]) -> Int? {
        while head < items.count {
            let it = items[head]
            head += 1
            if head > 4096 && head * 2 > items.count { items.removeFirst(head); head = 0 }
            if let e = slots[it.slot], e.seq == it.seq { return it.slot }
        }
        return nil
    }

    /// Keeps only valid items of the given tier, in seq order.
    mutating func compact(_ slots: [CachedRecord?], wanted: Bool) {
        var kept: [(slot: Int, seq: Int)] = []
        for it in items[head...] { if let e = slots[it.slot], e.seq == it.seq, e.wanted == wanted { kept.append(it) } }
        items = kept
        head = 0
    }
}
