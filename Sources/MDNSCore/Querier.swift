import DNSWire

/// A question the querier asks on one interface.
public struct QuestionKey: Hashable, Sendable {
    public var name: DNSName
    public var type: RRType
    public var interface: InterfaceID
    public init(_ name: DNSName, _ type: RRType, _ interface: InterfaceID) { self.name = name; self.type = type; self.interface = interface }
}

struct QuestionState: Sendable {
    var key: QuestionKey
    var owners: [SubscriptionID]
    /// When it goes out next; nil: a one-shot already sent, or a passive querier.
    var next: Instant?
    /// RFC 6762 §5.2: the interval after the next send (1 s, then doubling, capped at 60 min).
    var interval: Duration
    var sent = 0
    var lastSent: Instant?
    /// RFC 6762 §5.4: QU on the first query after start or an interface change.
    var unicastNext: Bool
    var oneShot: Bool
}

/// The querier half of the engine: continuous and one-shot queries (RFC 6762 §5), known-answer
/// lists (§7.1, §7.2), duplicate question suppression (§7.3), the cache (§10) with refresh (§5.2),
/// goodbyes (§10.1), cache-flush (§10.2), reconfirmation (§10.4) and passive failure observation
/// (§10.5), and the browse / resolve / enumerate subscriptions built on it (Browse.swift).
///
/// Same rules as the responder: no clock, no sockets, seeded randomness, bounded state
/// (`QuerierLimits`), iteration order independent of hashing.
public struct Querier: Sendable {
    public private(set) var configuration: QuerierConfiguration
    var rng: SplitMix64
    public private(set) var interfaces: [NetworkInterface]
    public internal(set) var cache: RecordCache
    var questions: [QuestionState] = []
    var questionIndex: [QuestionKey: Int] = [:]
    var subscriptions: [Subscription] = []
    var nextSubscription = 1
    /// Names whose cache entries changed since subscriptions were last brought up to date.
    var dirty: Set<NameKey> = []
    /// Names some question or subscription wants: their records are evicted last.
    var interest: [NameKey: Int] = [:]
    /// Cache keys being reconfirmed (RFC 6762 §10.4).
    var reconfirming: [CacheKey] = []
    public internal(set) var statistics = QuerierStatistics()
    var outbox: [Action] = []
    /// `handleResponse`'s list of cache-flush records, empty between calls.
    var flushScratch: [ResourceRecord] = []

    /// Keeps the querier's random sequence apart from the responder's under one seed.
    static let seedSalt: UInt64 = 0x51E7_1ED0_CAC4_E000

    public init(configuration: QuerierConfiguration, seed: UInt64, interfaces: [NetworkInterface]) {
        self.configuration = configuration
        rng = SplitMix64(seed: seed ^ Self.seedSalt)
        self.interfaces = interfaces.sorted { $0.id < $1.id }
        cache = RecordCache(limits: configuration.limits)
    }

    // MARK: - State for drivers, tests and invariant checks

    public var activeQuestionCount: Int { questions.count }
    public var subscriptionCount: Int { subscriptions.count }
    public var activeQuestions: [QuestionKey] { questions.map(\.key) }
    public var pendingReconfirmCount: Int { reconfirming.count }

    /// The earliest time `advance(to:)` has work; nil when idle.
    public var nextDeadline: Instant? {
        var best = cache.timers.peek?.time
        func take(_ t: Instant?) { if let t, best.map({ t < $0 }) ?? true { best = t } }
        for q in questions { take(q.next) }
        for s in subscriptions { take(s.collectUntil) }
        return best
    }

    // MARK: - Interfaces

    mutating func addInterface(_ interface: NetworkInterface, at now: Instant) {
        if interfaces.contains(where: { $0.id == interface.id }) { removeInterface(interface.id, at: now) }
        interfaces.append(interface)
        interfaces.sort { $0.id < $1.id }
        // RFC 6762 §5.4: after an interface change the first query may be QU again; subscriptions
        // for every interface start asking there (Browse.swift adds the questions).
        for i in subscriptions.indices { refreshQuestions(i, at: now) }
        settle(at: now)
    }

    mutating func removeInterface(_ id: InterfaceID, at now: Instant) {
        interfaces.removeAll { $0.id == id }
        for s in cache.slots.indices {
            if let e = cache.slots[s], e.interface == id {
                cache.remove(slot: s)
                dirty.insert(NameKey(e.record.name, id))
            }
        }
        reconfirming.removeAll { $0.interface == id }
        let gone = questions.filter { $0.key.interface == id }.map(\.key)
        for k in gone { dropQuestion(k) }
        for i in subscriptions.indices { subscriptions[i].questions.removeAll { $0.interface == id } }
        settle(at: now)
    }

    func interfaceIDs(_ wanted: Set<InterfaceID>?) -> [InterfaceID] {
        interfaces.map(\.id).filter { wanted?.contains($0) ?? true }
    }

    // MARK: - Questions

    /// Starts asking `key` for `owner`; false when the question cap is reached.
    mutating func addQuestion(_ key: QuestionKey, owner: SubscriptionID, oneShot: Bool, at now: Instant) -> Bool {
        if let i = questionIndex[key] {
            if !questions[i].owners.contains(owner) { questions[i].owners.append(owner) }
            return true
        }
        guard questions.count < configuration.limits.maxActiveQuestions else {
            statistics.evicted[.activeQuestions, default: 0] += 1
            return false
        }
        // RFC 6762 §5.2: the first query of a continuous query waits a random 20–120 ms, so that
        // hosts starting together do not query together; a one-shot query goes at once (§5.1).
        let first = oneShot ? now : now + rng.duration(in: RFC6762Querier.firstQueryDelay)
        questions.append(QuestionState(key: key, owners: [owner], next: configuration.passive ? nil : first,
                                       interval: RFC6762Querier.minimumQueryInterval,
                                       unicastNext: configuration.unicastFirstQuery, oneShot: oneShot))
        questionIndex[key] = questions.count - 1
        addInterest(NameKey(key.name, key.interface))
        return true
    }

    mutating func removeQuestion(_ key: QuestionKey, owner: SubscriptionID) {
        guard let i = questionIndex[key] else { return }
        questions[i].owners.removeAll { $0 == owner }
        if questions[i].owners.isEmpty { dropQuestion(key) }
    }

    mutating func dropQuestion(_ key: QuestionKey) {
        guard let i = questionIndex[key] else { return }
        questions.remove(at: i)
        questionIndex = [:]
        for (j, q) in questions.enumerated() { questionIndex[q.key] = j }
        removeInterest(NameKey(key.name, key.interface))
    }

    mutating func addInterest(_ n: NameKey) {
        interest[n, default: 0] += 1
        if interest[n] == 1 { for s in cache.slots(named: n) { cache.markWanted(s) } }
    }

    mutating func removeInterest(_ n: NameKey) {
        guard let c = interest[n] else { return }
        interest[n] = c <= 1 ? nil : c - 1
    }

    func isWanted(_ name: DNSName, _ iid: InterfaceID) -> Bool { interest[NameKey(name, iid)] != nil }

    /// RFC 6762 §7.1: cached answers to `q` with at least half their TTL left, TTL as remaining now,
    /// cache-flush clear (§10.2: never set in a known-answer list); records being reconfirmed left out.
    func knownAnswers(for q: Question, on iid: InterfaceID, at now: Instant) -> [ResourceRecord] {
        var out: [ResourceRecord] = []
        for e in cache.records(answering: q, on: iid) where e.isFreshKnownAnswer(at: now) && e.reconfirmDeadline == nil {
            var r = e.record
            r.ttl = e.remainingTTL(at: now)
            r.cacheFlush = false
            out.append(r)
        }
        return out
    }

    // MARK: - Time

    mutating func advance(to now: Instant) {
        var extra: [InterfaceID: [Question]] = [:]
        func ask(_ q: Question, on iid: InterfaceID) {
            if !(extra[iid]?.contains(q) ?? false) { extra[iid, default: []].append(q) }
        }
        // Cache timers: expiry, §10.4 and §10.5 flushes, §5.2 refresh points.
        while let s = cache.popDue(now) {
            guard var e = cache.slots[s] else { continue }
            let nk = NameKey(e.record.name, e.interface)
            if e.expires <= now {
                cache.remove(slot: s)
                reconfirming.removeAll { $0 == CacheKey(e.record, interface: e.interface) }
                statistics.recordsExpired += 1
                dirty.insert(nk)
                continue
            }
            if let d = e.reconfirmDeadline, d <= now {
                // RFC 6762 §10.4: no answer within ten seconds: flush it.
                flush(slot: s, e, reason: "RFC 6762 §10.4 reconfirmation unanswered")
                statistics.reconfirmFlushes += 1
                continue
            }
            if let p = e.poofFirst, p + RFC6762Querier.poofWindow <= now {
                if e.poofCount >= RFC6762Querier.poofQueryCount {
                    // RFC 6762 §10.5: queries went unanswered: the record is probably gone.
                    flush(slot: s, e, reason: "RFC 6762 §10.5 \(e.poofCount) queries unanswered")
                    statistics.poofFlushes += 1
                    continue
                }
                e.poofFirst = nil
                e.poofCount = 0
            }
            if let q = e.reconfirmQueryAt, q <= now {
                e.reconfirmQueryAt = nil
                ask(Question(name: e.record.name, type: e.record.type), on: e.interface)
            }
            while let r = e.refreshAt.first, r <= now {
                e.refreshAt.removeFirst()
                // RFC 6762 §5.2: refresh only records an active question still wants.
                if let q = questions.first(where: { $0.key.interface == e.interface && $0.key.name == e.record.name
                    && ($0.key.type == e.record.type || $0.key.type == .any) }) {
                    ask(Question(name: q.key.name, type: q.key.type), on: e.interface)
                }
            }
            cache.put(e, at: s)
        }
        // Scheduled continuous and one-shot queries.
        var due: [InterfaceID: [Int]] = [:]
        for (i, q) in questions.enumerated() { if let t = q.next, t <= now { due[q.key.interface, default: []].append(i) } }
        for iid in interfaces.map(\.id) where due[iid] != nil || extra[iid] != nil {
            var qs: [Question] = []
            for i in due[iid] ?? [] {
                var q = questions[i]
                qs.append(Question(name: q.key.name, type: q.key.type, unicastResponse: q.unicastNext))
                markSent(&q, at: now)
                questions[i] = q
            }
            for q in extra[iid] ?? [] where !qs.contains(where: { $0.name == q.name && $0.type == q.type }) { qs.append(q) }
            if !configuration.passive { sendQuery(qs, on: iid, at: now) }
        }
        // One-shot collection windows (RFC 6762 §5.1).
        for i in subscriptions.indices {
            if let t = subscriptions[i].collectUntil, t <= now {
                subscriptions[i].collectUntil = nil
                report(.finished(subscriptions[i].id))
                for k in subscriptions[i].questions { removeQuestion(k, owner: subscriptions[i].id) }
                subscriptions[i].questions = []
            }
        }
        settle(at: now)
    }

    /// RFC 6762 §5.2: after a send the next waits `interval`, which doubles up to sixty minutes.
    func markSentSchedule(_ q: inout QuestionState, at now: Instant) {
        q.sent += 1
        q.lastSent = now
        q.unicastNext = false
        if q.oneShot { q.next = nil; return }
        q.next = now + q.interval
        q.interval = min(q.interval * 2, RFC6762Querier.maximumQueryInterval)
    }

    mutating func markSent(_ q: inout QuestionState, at now: Instant) { markSentSchedule(&q, at: now) }

    mutating func flush(slot s: Int, _ e: CachedRecord, reason: String) {
        cache.remove(slot: s)
        reconfirming.removeAll { $0 == CacheKey(e.record, interface: e.interface) }
        dirty.insert(NameKey(e.record.name, e.interface))
        report(.flushed(e.record, e.interface, reason: reason))
    }

    /// Sends questions with their known answers; TC continuation packets carry the rest (§7.2).
    mutating func sendQuery(_ qs: [Question], on iid: InterfaceID, at now: Instant) {
        guard !qs.isEmpty else { return }
        var kas: [ResourceRecord] = []
        var seen = Set<CacheKey>()
        var capped = false
        for q in qs {
            for r in knownAnswers(for: q, on: iid, at: now) where seen.insert(CacheKey(r, interface: iid)).inserted {
                if kas.count >= configuration.limits.maxKnownAnswersPerQuery { capped = true; break }
                kas.append(r)
            }
        }
        if capped { statistics.evicted[.knownAnswersPerQuery, default: 0] += 1 }
        let ms = Self.queryPackets(questions: qs, knownAnswers: kas, maxSize: configuration.maxMessageSize)
        for (n, m) in ms.enumerated() {
            statistics.queriesSent += 1
            if n > 0 { statistics.continuationPacketsSent += 1 }
            statistics.knownAnswersSent += m.answers.count
            outbox.append(.send(m, to: .multicast(on: iid)))
        }
        // RFC 6762 §10.5 counts other hosts' queries only: our own refresh queries (§5.2) must run
        // to 95 % and let the record expire at 100 %.
    }

    /// RFC 6762 §7.2: questions and as many known answers as fit in the first packet, TC set;
    /// the other known answers in continuation packets with no questions, TC on all but the last.
    /// RFC 6762 §17: each packet within `maxSize`; a record that fits in no packet is left out.
    public static func queryPackets(questions: [Question], knownAnswers: [ResourceRecord], maxSize: Int) -> [Message] {
        let encoder = MessageEncoder(compression: .suffixes, maxSize: maxSize)
        var out: [Message] = []
        var restQ = questions[...]
        var restA = knownAnswers[...]
        while !restQ.isEmpty || !restA.isEmpty {
            let m = Message(header: .query, questions: Array(restQ), answers: Array(restA))
            let e = encoder.encode(m)
            let nq = e.written.questions.count, na = e.written.answers.count
            if nq == 0 && na == 0 {
                // Nothing fits: drop the record (or question) that cannot go anywhere.
                if !restQ.isEmpty { restQ = restQ.dropFirst() } else { restA = restA.dropFirst() }
                continue
            }
            out.append(e.written)
            restQ = restQ.dropFirst(nq)
            restA = restA.dropFirst(na)
        }
        for i in out.indices {
            out[i].header = .query
            out[i].header.truncated = i < out.count - 1
        }
        return out.map(\.normalized)
    }

    // MARK: - Receiving

    mutating func receive(_ m: Message, from source: SocketAddress, interface iid: InterfaceID, via: ReceivedVia, at now: Instant) {
        guard let iface = interfaces.first(where: { $0.id == iid }) else { return reject(.unknownInterface) }
        // RFC 6762 §18.3 / §18.11.
        if m.header.opcode != 0 || m.header.rcode != 0 { return reject(.opcodeOrRcode) }
        if interfaces.contains(where: { $0.addresses.contains { $0.address == source.address } }) { return reject(.ownPacket) }
        if m.header.isResponse {
            // RFC 6762 §11: responses must come from port 5353; unicast ones from on the link.
            if source.port != mdnsPort { return reject(.responseNotFromPort5353) }
            if via == .unicast && !iface.isOnLink(source.address) { return reject(.offLinkUnicast) }
            handleResponse(m, interface: iid, at: now)
        } else if via == .multicast {
            handleQuery(m, interface: iid, at: now)
        }
        settle(at: now)
    }

    mutating func reject(_ r: QuerierRejection) { statistics.rejected[r, default: 0] += 1 }

    mutating func handleResponse(_ m: Message, interface iid: InterfaceID, at now: Instant) {
        statistics.responsesReceived += 1
        // A buffer kept between messages: a new one per response was an allocation.
        var flushers = flushScratch
        flushScratch = []
        defer { flushers.removeAll(keepingCapacity: true); flushScratch = flushers }
        // Answers, then additionals, without a joined copy of both.
        for k in 0..<(m.answers.count + m.additionals.count) {
            let r = k < m.answers.count ? m.answers[k] : m.additionals[k - m.answers.count]
            if r.type == .opt { continue }
            if r.type == .any || r.rrclass == .any {
                statistics.rejected[.uncacheableRecord, default: 0] += 1
                continue
            }
            let (u, _) = cache.insert(r, interface: iid, at: now, wanted: isWanted(r.name, iid), rng: &rng, stats: &statistics)
            switch u {
            case .added: statistics.recordsAdded += 1; dirty.insert(NameKey(r.name, iid))
            case .refreshed: statistics.recordsRefreshed += 1; reconfirming.removeAll { $0 == CacheKey(r, interface: iid) }
            case .goodbye: statistics.goodbyesReceived += 1
            case .ignored: break
            }
            if r.cacheFlush && r.ttl > 0 { flushers.append(r) }
            drainEvictions()
        }
        // RFC 6762 §10.2: records of the same name, type and class received more than one second
        // ago expire in one second; newer ones (the rest of the same announcement) stay.
        for r in flushers {
            for s in cache.slots(named: NameKey(r.name, iid)) {
                guard var e = cache.slots[s], e.record.type == r.type, e.record.rrclass == r.rrclass, e.record.rdata != r.rdata,
                      now - e.received > RFC6762Querier.cacheFlushGrace,
                      e.expires > now + RFC6762Querier.cacheFlushGrace else { continue }
                e.record.ttl = 1
                e.expires = now + RFC6762Querier.cacheFlushGrace
                e.refreshAt = []
                cache.put(e, at: s)
                statistics.cacheFlushed += 1
            }
        }
    }

    mutating func drainEvictions() {
        guard !cache.evictedLog.isEmpty else { return }
        for e in cache.evictedLog {
            let k = CacheKey(e.record, interface: e.interface)
            reconfirming.removeAll { $0 == k }
            dirty.insert(NameKey(e.record.name, e.interface))
        }
        cache.evictedLog.removeAll(keepingCapacity: true)
    }

    /// Another host's query: RFC 6762 §7.3 duplicate question suppression and §10.5 observation.
    /// Known-answer records in a query never touch the cache (§10.2: no cache-flush there).
    mutating func handleQuery(_ m: Message, interface iid: InterfaceID, at now: Instant) {
        statistics.queriesObserved += 1
        // A probe is about ownership; a TC query's known answers are not all here yet.
        if !m.authorities.isEmpty || m.header.truncated { return }
        // Their known answers as cache keys, made only when a cached record answers a question.
        var theirs: Set<CacheKey>? = nil
        for q in m.questions where !q.unicastResponse {
            if let qi = questionIndex[QuestionKey(q.name, q.type, iid)], questions[qi].next != nil, !configuration.passive {
                // RFC 6762 §7.3: the same QM question whose known answers hold nothing we would not
                // list ourselves: treat our own query as sent.
                let ours = Set(knownAnswers(for: q, on: iid, at: now).map { CacheKey($0, interface: iid) })
                let relevant = m.answers.filter { q.isAnswered(by: $0) }.map { CacheKey($0, interface: iid) }
                if relevant.allSatisfy(ours.contains) {
                    var st = questions[qi]
                    markSent(&st, at: now)
                    questions[qi] = st
                    statistics.duplicateQuestionsSuppressed += 1
                }
            }
            observeUnanswered(q, on: iid, knownAnswers: m.answers, keys: &theirs, at: now)
        }
    }

    /// RFC 6762 §10.5: a QM query that a cached record answers, not in its known answers, expects
    /// that record in a multicast response; count it.
    mutating func observeUnanswered(_ q: Question, on iid: InterfaceID, knownAnswers: [ResourceRecord], keys: inout Set<CacheKey>?,
                                    at now: Instant) {
        for s in cache.slots(named: NameKey(q.name, iid)) {
            guard var e = cache.slots[s], q.isAnswered(by: e.record) else { continue }
            if keys == nil { keys = Set(knownAnswers.map { CacheKey($0, interface: iid) }) }
            guard !keys!.contains(CacheKey(e.record, interface: iid)) else { continue }
            if let p = e.poofFirst, now - p < RFC6762Querier.poofWindow {
                e.poofCount += 1
            } else {
                e.poofFirst = now
                e.poofCount = 1
            }
            cache.put(e, at: s)
        }
    }

    // MARK: - Reconfirmation (§10.4)

    /// RFC 6762 §10.4: queries for the record now and again shortly; flushes it when no answer
    /// comes within ten seconds. False when the record is not cached or the cap is reached.
    mutating func reconfirm(_ r: ResourceRecord, interface: InterfaceID?, at now: Instant) -> Bool {
        var any = false
        for iid in interfaceIDs(interface.map { [$0] }) {
            let k = CacheKey(r, interface: iid)
            guard let s = cache.slot(k), var e = cache.slots[s] else { continue }
            if e.reconfirmDeadline != nil { any = true; continue }
            guard reconfirming.count < configuration.limits.maxPendingReconfirms else {
                statistics.evicted[.pendingReconfirms, default: 0] += 1
                continue
            }
            e.reconfirmDeadline = now + RFC6762Querier.reconfirmTimeout
            e.reconfirmQueryAt = now + RFC6762Querier.reconfirmRetry
            cache.put(e, at: s)
            reconfirming.append(k)
            if !configuration.passive { sendQuery([Question(name: r.name, type: r.type)], on: iid, at: now) }
            any = true
        }
        return any
    }

    // MARK: - Output

    mutating func report(_ e: QuerierEvent) { outbox.append(.report(.querier(e))) }

    mutating func drain() -> [Action] {
        // Handing the buffer over: emptying it in place while the caller holds it would copy it.
        if outbox.isEmpty { return [] }
        defer { outbox = [] }
        return outbox
    }
}
