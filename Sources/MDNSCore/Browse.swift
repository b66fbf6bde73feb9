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
        for i in subscriptions.indices where isTouched(subscriptions[i]) {
            evaluate(i, at: now)
            refreshQuestions(i, at: now)
        }
        dirty.removeAll(keepingCapacity: true)
    }

    func isTouched(_ s: Subscription) -> Bool {
        for iid in interfaceIDs(s.interfaces) {
            switch s.kind {
            case .query(let name, _, _): if dirty.contains(NameKey(name, iid)) { return true }
            case .enumerate(let d):
                if let n = Self.enumerationName(d), dirty.contains(NameKey(n, iid)) { return true }
            case .browse(let t): if dirty.contains(NameKey(t, iid)) { return true }
            case .resolve(let n): if dirty.contains(NameKey(n, iid)) { return true }
            }
        }
        for inst in s.instances {
            if dirty.contains(NameKey(inst.name, inst.interface)) { return true }
            if let t = inst.target, dirty.contains(NameKey(t, inst.interface)) { return true }
        }
        return false
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

    /// Recomputes subscription `i` from the cache and reports what changed.
    mutating func evaluate(_ i: Int, at now: Instant) {
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
        case .enumerate(let domain):
            guard let n = Self.enumerationName(domain) else { return }
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
            var total = 0
            for iid in iids {
                for e in cache.records(named: type, on: iid) {
                    guard case .ptr(let inst) = e.record.rdata else { continue }
                    let k = NameKey(inst, iid)
                    total += 1
                    if names.count < configuration.limits.maxBrowseResults, !names.contains(k) { names.append(k) }
                }
            }
            let refused = max(0, total - names.count)
            if refused > s.refused { statistics.evicted[.browseResults, default: 0] += refused - s.refused }
            subscriptions[i].refused = refused
            let insts = names.map { describe($0.name, type: type, on: $0.interface) }
            publish(i, insts)
        case .resolve(let name):
            let type = name.parent
            var insts: [ServiceInstance] = []
            for iid in iids {
                let d = describe(name, type: type, on: iid)
                if d.target != nil || d.txt != nil { insts.append(d) }
            }
            publish(i, insts)
        }
    }

    /// Reports added / updated / removed instances against the last snapshot.
    mutating func publish(_ i: Int, _ new: [ServiceInstance]) {
        let id = subscriptions[i].id
        let old = subscriptions[i].instances
        func key(_ x: ServiceInstance) -> NameKey { NameKey(x.name, x.interface) }
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
        // Keep the instances' and targets' records ahead of unrelated ones in eviction order.
        var names: [NameKey] = []
        for n in new {
            names.append(key(n))
            if let t = n.target { names.append(NameKey(t, n.interface)) }
        }
        let oldNames = subscriptions[i].interestNames
        let oldSet = Set(oldNames), newSet = Set(names)
        for n in names where !oldSet.contains(n) { addInterest(n) }
        for n in oldNames where !newSet.contains(n) { removeInterest(n) }
        subscriptions[i].interestNames = Array(newSet).sorted { ($0.interface, $0.name) < ($1.interface, $1.name) }
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
        case .enumerate(let d):
            if let n = Self.enumerationName(d) { for iid in iids { add(QuestionKey(n, .ptr, iid)) } }
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
