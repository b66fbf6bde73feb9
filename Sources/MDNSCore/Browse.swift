import DNSWire

/// A browse, resolve, enumeration or query, with the last results it reported.
struct Subscription: Sendable {
    var id: SubscriptionID
    var kind: SubscriptionKind
    var interfaces: Set<InterfaceID>?
    /// Browse and resolve: instances reported, sorted by interface then name.
    var instances: [ServiceInstance] = []
    /// Enumerate: service types reported.
    var types: [NameKey] = []
    /// Query: records reported.
    var records: [CacheKey] = []
    /// Questions this subscription asks.
    var questions: [QuestionKey] = []
    /// Names whose records this subscription wants kept (instances and SRV targets).
    var interestNames: [NameKey] = []
    /// RFC 6762 §5.1: a one-shot query collects answers until then.
    var collectUntil: Instant?
    /// Instances left out by `maxBrowseResults` at the last evaluation.
    var refused = 0
    /// Browse and resolve: each instance as last described, with the cache generations of its
    /// name and target then; `describe` runs again only when one of them changed.
    var described: [NameKey: DescribedInstance] = [:]
    /// The name whose changes concern the subscription itself: the query name, the enumeration
    /// name (nil when the domain is too long for it), the service type or the instance.
    var watched: DNSName?

    init(id: SubscriptionID, kind: SubscriptionKind, interfaces: Set<InterfaceID>?) {
        self.id = id
        self.kind = kind
        self.interfaces = interfaces
        switch kind {
        case .query(let name, _, _): watched = name
        case .enumerate(let d): watched = Querier.enumerationName(d)
        case .browse(let t): watched = t
        case .resolve(let n): watched = n
        }
    }
}

struct DescribedInstance: Sendable {
    var instance: ServiceInstance
    var nameGeneration: UInt64
    var targetGeneration: UInt64
}

extension Querier {
    // MARK: - Subscriptions

    /// Starts a subscription; nil (and a `.refused` event) when the cap is reached.
    mutating func subscribe(_ kind: SubscriptionKind, interfaces: Set<InterfaceID>?, at now: Instant) -> SubscriptionID? {
        guard subscriptions.count < configuration.limits.maxSubscriptions else {
            statistics.evicted[.subscriptions, default: 0] += 1
            report(.refused(reason: "subscription limit \(configuration.limits.maxSubscriptions) reached"))
            return nil
        }
        let id = SubscriptionID(nextSubscription)
        nextSubscription += 1
        var s = Subscription(id: id, kind: kind, interfaces: interfaces)
        if case .query(_, _, true) = kind { s.collectUntil = now + RFC6762Querier.oneShotCollection }
        subscriptions.append(s)
        let i = subscriptions.count - 1
        // Report what the cache already holds, then ask for the rest.
        evaluate(i, at: now)
        refreshQuestions(i, at: now)
        settle(at: now)
        // RFC 6762 §5.1: a one-shot query goes out at once.
        if case .query(_, _, true) = kind { advance(to: now) }
        return id
    }

    mutating func unsubscribe(_ id: SubscriptionID) {
        guard let i = subscriptions.firstIndex(where: { $0.id == id }) else { return }
        let s = subscriptions.remove(at: i)
        for k in s.questions { removeQuestion(k, owner: id) }
        for n in s.interestNames { removeInterest(n) }
    }

    public func results(of id: SubscriptionID) -> [ServiceInstance] {
        subscriptions.first { $0.id == id }?.instances ?? []
    }

    public func serviceTypes(of id: SubscriptionID) -> [(type: DNSName, interface: InterfaceID)] {
        subscriptions.first { $0.id == id }?.types.map { ($0.name, $0.interface) } ?? []
    }

    public var subscriptionIDs: [SubscriptionID] { subscriptions.map(\.id) }

    /// Brings every subscription touched by changed names up to date and reports the differences.
    mutating func settle(at now: Instant) {
        drainEvictions()
        guard !dirty.isEmpty else { return }
        for i in subscriptions.indices where Self.isTouched(subscriptions[i], dirty: dirty, interfaces: interfaces) {
            evaluate(i, at: now)
            refreshQuestions(i, at: now)
        }
        dirty.removeAll(keepingCapacity: true)
    }

    /// Static, so that asking does not copy the querier.
    static func isTouched(_ s: Subscription, dirty: Set<NameKey>, interfaces: [NetworkInterface]) -> Bool {
        if let w = s.watched {
            for iface in interfaces where s.interfaces?.contains(iface.id) ?? true {
                if dirty.contains(NameKey(w, iface.id)) { return true }
            }
        }
        // The instances' names and targets are exactly the interest names, kept sorted by
        // updateInterest.
        for d in dirty where Self.sortedContains(s.interestNames, d) { return true }
        return false
    }

    static func sortedContains(_ a: [NameKey], _ k: NameKey) -> Bool {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.less(a[mid], k) { lo = mid + 1 } else { hi = mid }
        }
        return lo < a.count && a[lo] == k
    }

    /// A cheap total order for sorted name lists: interface, length, then the bytes case-folded
    /// (consistent with `NameKey`'s equality; not the DNS canonical order).
    static func less(_ a: NameKey, _ b: NameKey) -> Bool {
        if a.interface != b.interface { return a.interface < b.interface }
        return a.name.wire.withUnsafeBufferPointer { x in
            b.name.wire.withUnsafeBufferPointer { y in
                if x.count != y.count { return x.count < y.count }
                for k in 0..<x.count {
                    let p = x[k], q = y[k]
                    if p == q { continue }
                    let lp = (p &- 0x41) < 26 ? p | 0x20 : p, lq = (q &- 0x41) < 26 ? q | 0x20 : q
                    if lp != lq { return lp < lq }
                }
                return false
            }
        }
    }

    static func enumerationName(_ domain: DNSName) -> DNSName? {
        try? DNSName(labels: ["_services", "_dns-sd", "_udp"].map { Array($0.utf8) } + domain.labels.map(Array.init))
    }

    /// The instance as the cache describes it on `iid`, or nil when nothing of it is cached.
    func describe(_ name: DNSName, type: DNSName, on iid: InterfaceID) -> ServiceInstance {
        let recs = cache.records(named: name, on: iid)
        var inst = ServiceInstance(name: name, instance: String(decoding: name.firstLabel, as: UTF8.self), type: type,
                                   interface: iid, target: nil, port: nil, priority: nil, weight: nil, txt: nil, addresses: [])
        // The most recently received SRV and TXT win (cache-flush replaces older ones within 1 s).
        if let srv = recs.filter({ $0.record.type == .srv }).max(by: { $0.seq < $1.seq }), case .srv(let v) = srv.record.rdata {
            inst.target = v.target; inst.port = v.port; inst.priority = v.priority; inst.weight = v.weight
            var addrs: [IPAddress] = []
            for a in cache.records(named: v.target, on: iid) {
                switch a.record.rdata {
                case .a(let x): addrs.append(.v4(x))
                case .aaaa(let x): addrs.append(.v6(x))
                default: break
                }
            }
            inst.addresses = Array(Set(addrs)).sorted()
        }
        if let txt = recs.filter({ $0.record.type == .txt }).max(by: { $0.seq < $1.seq }), case .txt(let t) = txt.record.rdata {
            // RFC 6763 §6.4: first occurrence wins; keys are ASCII.
            inst.txt = t.entries.map { TXTAttribute(key: String(decoding: $0.key, as: UTF8.self), value: $0.value) }
        }
        return inst
    }

    /// `describe`, or its last result when the cache entries it read are unchanged.
    func describe(_ name: DNSName, type: DNSName, on iid: InterfaceID, memo: inout [NameKey: DescribedInstance]) -> ServiceInstance {
        let k = NameKey(name, iid)
        let g = cache.generation(of: k)
        if let m = memo[k], m.nameGeneration == g, m.instance.name.wire == name.wire,
           m.targetGeneration == (m.instance.target.map { cache.generation(of: NameKey($0, iid)) } ?? 0) {
            return m.instance
        }
        let d = describe(name, type: type, on: iid)
        memo[k] = DescribedInstance(instance: d, nameGeneration: g,
                                    targetGeneration: d.target.map { cache.generation(of: NameKey($0, iid)) } ?? 0)
        return d
    }

    /// Recomputes subscription `i` from the cache and reports what changed.
    mutating func evaluate(_ i: Int, at now: Instant) {
        // Taken out first, so that updating it never copies it.
        var memo = subscriptions[i].described
        subscriptions[i].described = [:]
        defer { subscriptions[i].described = memo }
        let s = subscriptions[i]
        let iids = interfaceIDs(s.interfaces)
        switch s.kind {
        case .query(let name, let type, _):
            let q = Question(name: name, type: type)
            var now_: [CacheKey] = []
            var recs: [CacheKey: (ResourceRecord, InterfaceID)] = [:]
            for iid in iids {
                for e in cache.records(answering: q, on: iid) {
                    let k = CacheKey(e.record, interface: iid)
                    now_.append(k); recs[k] = (e.record, iid)
                }
            }
            let before = Set(s.records), after = Set(now_)
            for k in s.records where !after.contains(k) {
                report(.record(s.id, .removed, ResourceRecord(name: k.name, rrclass: k.rrclass, ttl: 0, rdata: k.rdata), k.interface))
            }
            for k in now_ where !before.contains(k) { report(.record(s.id, .added, recs[k]!.0, recs[k]!.1)) }
            subscriptions[i].records = now_
        case .enumerate:
            guard let n = s.watched else { return }
            var found: [NameKey] = []
            for iid in iids {
                for e in cache.records(named: n, on: iid) {
                    if case .ptr(let t) = e.record.rdata, !found.contains(NameKey(t, iid)) { found.append(NameKey(t, iid)) }
                }
            }
            found = Array(found.prefix(configuration.limits.maxBrowseResults))
            let before = Set(s.types), after = Set(found)
            for k in s.types where !after.contains(k) { report(.serviceType(s.id, .removed, k.name, k.interface)) }
            for k in found where !before.contains(k) { report(.serviceType(s.id, .added, k.name, k.interface)) }
            subscriptions[i].types = found
        case .browse(let type):
            var names: [NameKey] = []
            var seen = Set<NameKey>()
            var total = 0
            for iid in iids {
                for e in cache.records(named: type, on: iid) {
                    guard case .ptr(let inst) = e.record.rdata else { continue }
                    let k = NameKey(inst, iid)
                    total += 1
                    if names.count < configuration.limits.maxBrowseResults, seen.insert(k).inserted { names.append(k) }
                }
            }
            let refused = max(0, total - names.count)
            if refused > s.refused { statistics.evicted[.browseResults, default: 0] += refused - s.refused }
            subscriptions[i].refused = refused
            let insts = names.map { describe($0.name, type: type, on: $0.interface, memo: &memo) }
            if memo.count > insts.count { let keep = Set(names); memo = memo.filter { keep.contains($0.key) } }
            publish(i, insts)
        case .resolve(let name):
            let type = name.parent
            var insts: [ServiceInstance] = []
            for iid in iids {
                let d = describe(name, type: type, on: iid, memo: &memo)
                if d.target != nil || d.txt != nil { insts.append(d) }
            }
            if memo.count > iids.count { memo = memo.filter { e in iids.contains(e.key.interface) } }
            publish(i, insts)
        }
    }

    /// Reports added / updated / removed instances against the last snapshot.
    mutating func publish(_ i: Int, _ new: [ServiceInstance]) {
        let id = subscriptions[i].id
        let old = subscriptions[i].instances
        // Nothing to report, and the interest names follow from the instances alone.
        if old == new { return }
        func key(_ x: ServiceInstance) -> NameKey { NameKey(x.name, x.interface) }
        if old.count == new.count, zip(old, new).allSatisfy({ key($0) == key($1) }) {
            // The same instances in the same order: only updates, reported in order as below;
            // unless a target changed, the interest names stay as they are.
            var targetChanged = false
            for (o, n) in zip(old, new) where o != n {
                report(.instance(id, .updated, n))
                if o.target != n.target { targetChanged = true }
            }
            subscriptions[i].instances = new
            if targetChanged { updateInterest(i, new) }
            return
        }
        var oldByKey: [NameKey: ServiceInstance] = [:]
        for o in old { oldByKey[key(o)] = o }
        let newKeys = Set(new.map(key))
        for o in old where !newKeys.contains(key(o)) { report(.instance(id, .removed, o)) }
        for n in new {
            if let o = oldByKey[key(n)] {
                if o != n { report(.instance(id, .updated, n)) }
            } else {
                report(.instance(id, .added, n))
            }
        }
        subscriptions[i].instances = new
        updateInterest(i, new)
    }

    /// Keeps the instances' and targets' records ahead of unrelated ones in eviction order.
    mutating func updateInterest(_ i: Int, _ new: [ServiceInstance]) {
        var names: [NameKey] = []
        for n in new {
            names.append(NameKey(n.name, n.interface))
            if let t = n.target { names.append(NameKey(t, n.interface)) }
        }
        let old = subscriptions[i].interestNames
        // In the instances' order: adding interest re-orders eviction (`markWanted`).
        for n in names where !Self.sortedContains(old, n) { addInterest(n) }
        names.sort(by: Self.less)
        var kept: [NameKey] = []
        kept.reserveCapacity(names.count)
        for n in names where kept.last != n { kept.append(n) }
        for n in old where !Self.sortedContains(kept, n) { removeInterest(n) }
        subscriptions[i].interestNames = kept
    }

    /// The questions subscription `i` should ask now; starts the new ones and stops the rest.
    mutating func refreshQuestions(_ i: Int, at now: Instant) {
        let s = subscriptions[i]
        var want: [QuestionKey] = []
        func add(_ k: QuestionKey) { if !want.contains(k) { want.append(k) } }
        let iids = interfaceIDs(s.interfaces)
        switch s.kind {
        case .query(let name, let type, let oneShot):
            // A one-shot query asks once; its question goes when the collection window ends.
            if oneShot && s.collectUntil == nil { break }
            for iid in iids { add(QuestionKey(name, type, iid)) }
        case .enumerate:
            if let n = s.watched { for iid in iids { add(QuestionKey(n, .ptr, iid)) } }
        case .browse(let type):
            for iid in iids { add(QuestionKey(type, .ptr, iid)) }
            // RFC 6763 §12.1 additionals usually resolve instances at once; ask only for what is missing.
            for inst in s.instances {
                if inst.target == nil { add(QuestionKey(inst.name, .srv, inst.interface)) }
                if inst.txt == nil { add(QuestionKey(inst.name, .txt, inst.interface)) }
                if let t = inst.target, inst.addresses.isEmpty {
                    add(QuestionKey(t, .a, inst.interface)); add(QuestionKey(t, .aaaa, inst.interface))
                }
            }
        case .resolve(let name):
            // RFC 6763 §5: SRV and TXT of the instance, addresses of the current target.
            for iid in iids {
                add(QuestionKey(name, .srv, iid)); add(QuestionKey(name, .txt, iid))
                if let t = s.instances.first(where: { $0.interface == iid })?.target {
                    add(QuestionKey(t, .a, iid)); add(QuestionKey(t, .aaaa, iid))
                }
            }
        }
        let oneShot: Bool
        if case .query(_, _, true) = s.kind { oneShot = true } else { oneShot = false }
        let have = Set(s.questions), wantSet = Set(want)
        var kept = s.questions.filter { wantSet.contains($0) }
        for k in s.questions where !wantSet.contains(k) { removeQuestion(k, owner: s.id) }
        for k in want where !have.contains(k) {
            if addQuestion(k, owner: s.id, oneShot: oneShot, at: now) { kept.append(k) }
        }
        subscriptions[i].questions = kept
    }
}
