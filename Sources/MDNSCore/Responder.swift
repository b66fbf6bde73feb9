import DNSWire

/// The responder half of the engine: owns registrations and answers for them.
///
///     register ─▶ waiting ─(0–250 ms)─▶ probing ×3 (250 ms apart) ─(250 ms)─▶ announcing ×N ─▶ established
///                   ▲  ▲                   │ conflicting response: rename        (1 s, 2 s, 4 s…)      │
///                   │  └───────────────────┤ lost tiebreak: wait 1 s                                   │
///                   └──────────────────────┴──────────── conflicting response after probing (§9) ◀─────┘
///
/// Rules of this file: no clock, no sockets, no unseeded randomness; every event method appends
/// plain `Action`s to `outbox`; state is bounded by `Limits`; iteration order never depends on
/// hashing (registrations and pending responses are arrays).
public struct Responder: Sendable {
    struct InterfaceState: Sendable {
        var interface: InterfaceID
        var records: [OwnedRecord]
        var phase: Phase
        /// Records sent with a non-zero TTL (announced or answered): goodbyes are owed for exactly these.
        var announced: [ResourceRecord]
    }

    enum Phase: Hashable, Sendable {
        /// Before probing: the §8.1 start delay, a lost tiebreak's second, or the §8.1 rate limit.
        case waiting(until: Instant)
        case probing(sent: Int, next: Instant)
        case announcing(sent: Int, next: Instant, interval: Duration)
        case established

        var isLive: Bool {
            switch self {
            case .announcing, .established: return true
            default: return false
            }
        }
        var deadline: Instant? {
            switch self {
            case .waiting(let t): return t
            case .probing(_, let t): return t
            case .announcing(_, let t, _): return t
            case .established: return nil
            }
        }
    }

    struct Group: Sendable {
        let id: RegistrationID
        var registration: Registration
        /// The label the owner asked for, and the one in use after renames.
        var originalLabel: String
        var label: String
        var renameAttempt = 1
        var states: [InterfaceState] = []
    }

    public private(set) var configuration: Configuration
    var rng: SplitMix64
    public private(set) var interfaces: [NetworkInterface] = []
    var groups: [Group] = []
    var nextID = 1
    var conflictTimes: [Instant] = []
    var rateLimitEngaged = false
    var pending: [PendingResponse] = []
    var truncated: [TruncatedQuery] = []
    /// RFC 6762 §6 / §5.4: when each record was last multicast on each interface.
    var lastMulticast: [InterfaceID: [RecordKey: Instant]] = [:]
    public internal(set) var statistics = Statistics()
    var outbox: [Action] = []

    public init(configuration: Configuration, interfaces: [NetworkInterface]) {
        self.configuration = configuration
        self.rng = SplitMix64(seed: configuration.seed)
        self.interfaces = interfaces.sorted { $0.id < $1.id }
    }

    // MARK: - Queries about state (for drivers, tests and invariant checks)

    /// Every record currently answerable (announcing or established) on `interface`.
    public func liveRecords(on interface: InterfaceID) -> [ResourceRecord] {
        var out: [ResourceRecord] = []
        for g in groups { for s in g.states where s.interface == interface && s.phase.isLive { out += s.records.map(\.record) } }
        return out
    }

    /// The name each registration uses now.
    public func name(of id: RegistrationID) -> DNSName? {
        guard let g = groups.first(where: { $0.id == id }) else { return nil }
        return primaryName(g)
    }

    /// True when `id` has finished probing on `interface`.
    public func isEstablished(_ id: RegistrationID, on interface: InterfaceID) -> Bool {
        groups.first { $0.id == id }?.states.first { $0.interface == interface }?.phase.isLive ?? false
    }

    public var registrationIDs: [RegistrationID] { groups.map(\.id) }
    public var registrationCount: Int { groups.count }
    public var pendingResponseCount: Int { pending.count }
    public var truncatedQueryCount: Int { truncated.count }
    public var conflictHistoryCount: Int { conflictTimes.count }

    /// The earliest time `advance(to:)` has work to do.
    public var nextDeadline: Instant? {
        var best: Instant? = nil
        func take(_ t: Instant?) { if let t, best.map({ t < $0 }) ?? true { best = t } }
        for g in groups { for s in g.states { take(s.phase.deadline) } }
        for p in pending { take(p.sendAt) }
        for t in truncated { take(t.deadline) }
        return best
    }

    // MARK: - Registration events

    mutating func register(_ registration: Registration, at now: Instant) -> RegistrationID? {
        guard groups.count < configuration.limits.maxRegistrations else {
            statistics.overflows[.registrations, default: 0] += 1
            report(.refused(reason: "registration limit \(configuration.limits.maxRegistrations) reached"))
            return nil
        }
        if let problem = Self.validate(registration) {
            report(.refused(reason: problem))
            return nil
        }
        let id = RegistrationID(nextID)
        nextID += 1
        let label = Self.label(of: registration)
        var g = Group(id: id, registration: registration, originalLabel: label, label: label)
        for i in interfaces where registration.interfaces?.contains(i.id) ?? true {
            g.states.append(InterfaceState(interface: i.id, records: [], phase: .established, announced: []))
        }
        groups.append(g)
        let gi = groups.count - 1
        let wanted = primaryName(groups[gi])
        avoidLocalClash(gi)
        if groups[gi].label != label { report(.renamed(id, from: wanted, to: primaryName(groups[gi]))) }
        rebuild(gi)
        for si in groups[gi].states.indices { startProbing(gi, si, at: now, delay: nil) }
        return id
    }

    mutating func update(_ id: RegistrationID, to registration: Registration, at now: Instant) {
        guard let gi = groups.firstIndex(where: { $0.id == id }) else { return }
        if let problem = Self.validate(registration) { report(.refused(reason: problem)); return }
        let newLabel = Self.label(of: registration)
        if newLabel != groups[gi].originalLabel {
            // A new name from the owner (BCT MANUAL NAME CHANGE): goodbye to the old, probe the new.
            let old = primaryName(groups[gi])
            sendGoodbyes(gi, at: now)
            groups[gi].registration = registration
            groups[gi].originalLabel = newLabel
            groups[gi].label = newLabel
            groups[gi].renameAttempt = 1
            avoidLocalClash(gi)
            rebuild(gi)
            report(.renamed(id, from: old, to: primaryName(groups[gi])))
            for si in groups[gi].states.indices { startProbing(gi, si, at: now, delay: nil) }
            dependentsChanged(of: gi, at: now)
            return
        }
        groups[gi].registration = registration
        refreshRecords(gi, at: now)
    }

    mutating func withdraw(_ id: RegistrationID, at now: Instant) {
        guard let gi = groups.firstIndex(where: { $0.id == id }) else { return }
        sendGoodbyes(gi, at: now)
        groups.remove(at: gi)
        report(.withdrawn(id))
    }

    mutating func addInterface(_ interface: NetworkInterface, at now: Instant) {
        if interfaces.contains(where: { $0.id == interface.id }) { removeInterface(interface.id, at: now) }
        interfaces.append(interface)
        interfaces.sort { $0.id < $1.id }
        for gi in groups.indices where groups[gi].registration.interfaces?.contains(interface.id) ?? true {
            groups[gi].states.append(InterfaceState(interface: interface.id, records: [], phase: .established, announced: []))
            groups[gi].states.sort { $0.interface < $1.interface }
            rebuild(gi)
            if let si = groups[gi].states.firstIndex(where: { $0.interface == interface.id }) {
                // RFC 6762 §8: a new or reconnected interface probes and announces again.
                startProbing(gi, si, at: now, delay: nil)
            }
        }
    }

    /// The link went away: its state goes with it (no goodbyes can be sent there).
    mutating func removeInterface(_ id: InterfaceID, at now: Instant) {
        interfaces.removeAll { $0.id == id }
        for gi in groups.indices { groups[gi].states.removeAll { $0.interface == id } }
        pending.removeAll { $0.interface == id }
        truncated.removeAll { $0.interface == id }
        lastMulticast[id] = nil
    }

    // MARK: - Time

    mutating func advance(to now: Instant) {
        // Each pass fires everything due; work scheduled "now" by a pass fires in the next one.
        for _ in 0..<64 {
            var fired = false
            for gi in groups.indices {
                for si in groups[gi].states.indices {
                    guard gi < groups.count, si < groups[gi].states.count,
                          let d = groups[gi].states[si].phase.deadline, d <= now else { continue }
                    fire(gi, si, at: now)
                    fired = true
                }
            }
            if let i = truncated.indices.min(by: { truncated[$0].deadline < truncated[$1].deadline }), truncated[i].deadline <= now {
                let t = truncated.remove(at: i)
                respond(to: t.questions, knownAnswers: t.knownAnswers, from: t.source, interface: t.interface,
                        via: .multicast, id: 0, isProbe: t.isProbe, alreadyDelayed: true, at: now)
                fired = true
            }
            while let i = pending.indices.min(by: { pending[$0].sendAt < pending[$1].sendAt }), pending[i].sendAt <= now {
                let p = pending.remove(at: i)
                flush(p, at: now)
                fired = true
            }
            if !fired { break }
        }
    }

    mutating func fire(_ gi: Int, _ si: Int, at now: Instant) {
        switch groups[gi].states[si].phase {
        case .waiting:
            if hasProbedRecords(groups[gi].states[si]) && !configuration.faults.skipProbing {
                report(.probing(groups[gi].id, name: primaryName(groups[gi]), interface: groups[gi].states[si].interface))
                sendProbe(gi, si)
                // RFC 6762 §8.1: probes are sent 250 ms apart.
                groups[gi].states[si].phase = .probing(sent: 1, next: now + RFC6762.probeInterval)
            } else {
                startAnnouncing(gi, si, at: now)
            }
        case .probing(let sent, _):
            if sent < RFC6762.probeCount {
                sendProbe(gi, si)
                groups[gi].states[si].phase = .probing(sent: sent + 1, next: now + RFC6762.probeInterval)
            } else {
                // RFC 6762 §8.1: 250 ms after the third probe with no conflict, the records are ours.
                report(.registered(groups[gi].id, name: primaryName(groups[gi]), interface: groups[gi].states[si].interface))
                startAnnouncing(gi, si, at: now)
            }
        case .announcing(let sent, _, let interval):
            sendAnnouncement(gi, si, at: now)
            if sent + 1 >= max(2, configuration.announcementCount) {
                groups[gi].states[si].phase = .established
            } else {
                // RFC 6762 §8.3: one second apart, then the interval at least doubles.
                groups[gi].states[si].phase = .announcing(sent: sent + 1, next: now + interval, interval: interval * 2)
            }
        case .established:
            break
        }
    }

    // MARK: - Probing and announcing

    func hasProbedRecords(_ s: InterfaceState) -> Bool { s.records.contains { $0.kind == .unique } }

    /// Starts (or restarts) probing for one interface of a registration.
    mutating func startProbing(_ gi: Int, _ si: Int, at now: Instant, delay: Duration?) {
        var d = delay ?? rng.duration(in: RFC6762.probeStartDelay)
        // RFC 6762 §8.1: after fifteen conflicts in ten seconds, wait at least five seconds per attempt.
        if isRateLimited(at: now) { d = max(d, RFC6762.rateLimitedProbeDelay) }
        groups[gi].states[si].phase = .waiting(until: now + d)
    }

    /// RFC 6762 §8.1: fifteen conflicts within ten seconds start the limit; it stays until ten
    /// seconds pass with no conflict, so a lasting storm stays throttled (python-zeroconf #1837).
    func isRateLimited(at now: Instant) -> Bool {
        guard let last = conflictTimes.last, now - last < RFC6762.conflictRateWindow else { return false }
        if rateLimitEngaged { return true }
        return conflictTimes.filter { now - $0 < RFC6762.conflictRateWindow }.count >= RFC6762.conflictRateCount
    }

    mutating func noteConflict(at now: Instant) {
        statistics.conflicts += 1
        if let last = conflictTimes.last, now - last >= RFC6762.conflictRateWindow { rateLimitEngaged = false }
        if conflictTimes.filter({ now - $0 < RFC6762.conflictRateWindow }).count + 1 >= RFC6762.conflictRateCount { rateLimitEngaged = true }
        conflictTimes.append(now)
        if conflictTimes.count > configuration.limits.maxConflictHistory {
            conflictTimes.removeFirst(conflictTimes.count - configuration.limits.maxConflictHistory)
            statistics.overflows[.conflictHistory, default: 0] += 1
        }
    }

    mutating func sendProbe(_ gi: Int, _ si: Int) {
        let s = groups[gi].states[si]
        let proposed = s.records.filter { $0.kind == .unique }.map { r -> ResourceRecord in
            var r = r.record
            r.cacheFlush = false   // RFC 6762 §8.1 / BCT: no cache-flush bit in a probe's Authority section
            return r
        }
        var names: [DNSName] = []
        for r in proposed where !names.contains(r.name) { names.append(r.name) }
        // RFC 6762 §8.1: QU questions of type ANY, the proposed records in Authority.
        let m = Message(header: .query, questions: names.map { Question(name: $0, type: .any, unicastResponse: true) },
                        authorities: proposed)
        send(m, to: .multicast(on: s.interface))
    }

    mutating func startAnnouncing(_ gi: Int, _ si: Int, at now: Instant) {
        groups[gi].states[si].phase = .announcing(sent: 0, next: now, interval: RFC6762.announceInterval)
        fire(gi, si, at: now)
    }

    mutating func sendAnnouncement(_ gi: Int, _ si: Int, at now: Instant) {
        let s = groups[gi].states[si]
        // RFC 6762 §8.3: unsolicited responses with every record, unique ones with cache-flush.
        let records = s.records.map(\.record)
        // A handful of records: pairwise is cheaper than hashing every key into a set.
        groups[gi].states[si].announced += s.announced.isEmpty ? records
            : records.filter { r in !s.announced.contains { RecordKey.same($0, r) } }
        sendResponse(answers: records, additionals: [], to: .multicast(on: s.interface), at: now)
    }

    /// RFC 6762 §10.1: goodbye packets (TTL 0) for every announced record no other registration keeps.
    mutating func sendGoodbyes(_ gi: Int, at now: Instant) {
        for si in groups[gi].states.indices where !groups[gi].states[si].announced.isEmpty {
            let s = groups[gi].states[si]
            let kept = Set(otherLiveRecords(excluding: gi, on: s.interface).map(RecordKey.init))
            let bye = s.announced.filter { !kept.contains(RecordKey($0)) }
            goodbye(bye, on: s.interface, at: now)
            groups[gi].states[si].announced = []
        }
    }

    mutating func goodbye(_ records: [ResourceRecord], on interface: InterfaceID, at now: Instant) {
        guard !records.isEmpty else { return }
        let bye = records.map { r -> ResourceRecord in
            var r = r
            r.ttl = 0
            // A goodbye must not flush the other records of the same name, type and class.
            r.cacheFlush = false
            return r
        }
        let ms = packets(header: .response, questions: [], answers: bye, additionals: [])
        for m in ms { send(m, to: .multicast(on: interface)) }
    }

    func otherLiveRecords(excluding gi: Int, on interface: InterfaceID) -> [ResourceRecord] {
        var out: [ResourceRecord] = []
        for (j, g) in groups.enumerated() where j != gi {
            for s in g.states where s.interface == interface && s.phase.isLive { out += s.records.map(\.record) }
        }
        return out
    }

    // MARK: - Names and records

    /// The names a group holds uniquely (probed), whatever its interfaces.
    func uniqueNames(_ g: Group) -> Set<DNSName> {
        switch g.registration {
        case .host, .service: return [primaryName(g)]
        case .records(let rr):
            guard rr.unique, let original = rr.records.first?.name else { return [] }
            return Set(rr.records.map { $0.name == original ? primaryName(g) : $0.name })
        }
    }

    /// Another registration of this host already uses one of the group's unique names: the
    /// host's own probes never reach itself, so it must not let two registrations share a name.
    func isTakenLocally(_ gi: Int) -> Bool {
        let mine = uniqueNames(groups[gi])
        return groups.indices.contains { $0 != gi && !uniqueNames(groups[$0]).isDisjoint(with: mine) }
    }

    /// Moves to the rename policy's next names until the group's names are free on this host.
    mutating func avoidLocalClash(_ gi: Int) {
        let kind: RenamePolicy.Kind
        switch groups[gi].registration {
        case .host: kind = .host
        case .service: kind = .service
        case .records: kind = .records
        }
        var tries = 0
        while isTakenLocally(gi) && tries < Self.maxLocalRenames {
            tries += 1
            groups[gi].renameAttempt += 1
            groups[gi].label = configuration.renamePolicy.rename(groups[gi].originalLabel, groups[gi].renameAttempt, kind)
        }
    }

    /// Renames tried in one go to get past names other local registrations hold.
    static let maxLocalRenames = 1000

    static func label(of r: Registration) -> String {
        switch r {
        case .host(let h): return h.label
        case .service(let s): return s.instance
        case .records(let rr): return rr.records.first.map { String(decoding: $0.name.firstLabel, as: UTF8.self) } ?? ""
        }
    }

    static func validate(_ r: Registration) -> String? {
        switch r {
        case .host(let h):
            if (try? h.domain.prepending(h.label)) == nil { return "invalid host label \"\(h.label)\"" }
        case .service(let s):
            guard let t = s.typeName else { return "invalid service type \"\(s.type)\"" }
            if (try? t.prepending(s.instance)) == nil { return "invalid instance label \"\(s.instance)\"" }
            for sub in s.subtypes where (try? t.prepending("_sub").prepending(sub)) == nil { return "invalid subtype \"\(sub)\"" }
        case .records(let rr):
            if rr.records.isEmpty { return "no records" }
            if rr.records.contains(where: { $0.type == .opt || $0.type == .any }) { return "OPT and ANY are not records" }
        }
        return nil
    }

    /// The engine's host name: the first host registration's current name.
    var hostName: DNSName? {
        for g in groups { if case .host = g.registration { return primaryName(g) } }
        return nil
    }

    func primaryName(_ g: Group) -> DNSName {
        switch g.registration {
        case .host(let h): return (try? h.domain.prepending(g.label)) ?? h.domain
        case .service(let s):
            let t = s.typeName ?? s.domain
            return (try? t.prepending(g.label)) ?? t
        case .records(let rr):
            guard let first = rr.records.first?.name else { return .root }
            return (try? first.parent.prepending(g.label)) ?? first
        }
    }

    /// Recomputes the records of every interface of a group from its registration and label.
    mutating func rebuild(_ gi: Int) {
        let g = groups[gi]
        let flush = !configuration.faults.omitCacheFlush
        func own(_ name: DNSName, _ ttl: UInt32, _ rdata: RData, _ kind: RecordKind) -> OwnedRecord {
            OwnedRecord(record: ResourceRecord(name: name, cacheFlush: kind != .shared && flush, ttl: ttl, rdata: rdata), kind: kind)
        }
        let name = primaryName(g)
        // The same for every interface: RFC 6763 §9's service type enumeration name.
        var enumName: DNSName? = nil
        if case .service(let s) = g.registration { enumName = try? Self.servicesPrefix.appending(s.domain) }
        for si in groups[gi].states.indices {
            let iid = groups[gi].states[si].interface
            var rs: [OwnedRecord] = []
            switch g.registration {
            case .host:
                let addrs = interfaces.first { $0.id == iid }?.addresses ?? []
                for a in addrs {
                    switch a.address {
                    case .v4(let v4):
                        rs.append(own(name, RFC6762.hostRecordTTL, .a(v4), .unique))
                        if let rev = Self.reverseName(a.address) { rs.append(own(rev, RFC6762.hostRecordTTL, .ptr(name), .verified)) }
                    case .v6(let v6):
                        rs.append(own(name, RFC6762.hostRecordTTL, .aaaa(v6), .unique))
                        if let rev = Self.reverseName(a.address) { rs.append(own(rev, RFC6762.hostRecordTTL, .ptr(name), .verified)) }
                    }
                }
            case .service(let s):
                guard let type = s.typeName else { break }
                let target = s.host ?? hostName ?? ((try? DNSName.local.prepending("localhost")) ?? .local)
                // RFC 6762 §10: SRV 120 s, TXT and PTR 4500 s.
                rs.append(own(name, RFC6762.hostRecordTTL, .srv(SRV(port: s.port, target: target)), .unique))
                rs.append(own(name, RFC6762.otherRecordTTL, .txt(s.txt.strings.isEmpty ? .empty : s.txt), .unique))
                rs.append(own(type, RFC6762.otherRecordTTL, .ptr(name), .shared))
                // RFC 6763 §7.1: subtype PTRs under _sub.
                for sub in s.subtypes {
                    if let n = try? type.prepending("_sub").prepending(sub) { rs.append(own(n, RFC6762.otherRecordTTL, .ptr(name), .shared)) }
                }
                // RFC 6763 §9: the service type enumeration.
                if let enumName { rs.append(own(enumName, RFC6762.otherRecordTTL, .ptr(type), .shared)) }
            case .records(let rr):
                let original = rr.records.first?.name
                for r in rr.records {
                    var n = r.name
                    if n == original { n = name }
                    let ttl = r.ttl != 0 ? r.ttl : Self.defaultTTL(r.type)
                    rs.append(own(n, ttl, r.rdata, rr.unique ? .unique : .shared))
                }
            }
            groups[gi].states[si].records = Self.withoutRepeats(rs)
        }
    }

    static let servicesPrefix = try! DNSName(labels: ["_services", "_dns-sd", "_udp"])

    /// No record twice in one set (first kept). A set holds a handful of records, so comparing
    /// pairwise is cheaper than hashing each; a hash set takes over for large ones.
    static func withoutRepeats(_ rs: [OwnedRecord]) -> [OwnedRecord] {
        if rs.count > 16 {
            var seen = Set<RecordKey>()
            return rs.filter { seen.insert(RecordKey($0.record)).inserted }
        }
        var out: [OwnedRecord] = []
        out.reserveCapacity(rs.count)
        for r in rs where !out.contains(where: { RecordKey.same($0.record, r.record) }) { out.append(r) }
        return out
    }

    static func defaultTTL(_ t: RRType) -> UInt32 {
        // RFC 6762 §10: records with the host name in rdata or owner (A, AAAA, SRV, HINFO) live 120 s.
        [RRType.a, .aaaa, .srv, .hinfo].contains(t) ? RFC6762.hostRecordTTL : RFC6762.otherRecordTTL
    }

    /// RFC 6762 §12 (RFC 1035 §3.5, RFC 3596 §2.5): in-addr.arpa and ip6.arpa names.
    static func reverseName(_ a: IPAddress) -> DNSName? {
        switch a {
        case .v4(let v): return DNSName(reverseOf: v)
        case .v6(let v): return DNSName(reverseOf: v)
        }
    }

    /// Rdata changed (owner update, or the host name a service points to): RFC 6762 §8.4 —
    /// re-announce without probing; goodbyes for records that went away.
    mutating func refreshRecords(_ gi: Int, at now: Instant) {
        let before = groups[gi].states.map { ($0.interface, $0.records) }
        rebuild(gi)
        for si in groups[gi].states.indices {
            let s = groups[gi].states[si]
            guard let old = before.first(where: { $0.0 == s.interface })?.1 else { continue }
            if old == s.records { continue }
            if !s.announced.isEmpty {
                let newKeys = Set(s.records.map { RecordKey($0.record) })
                let newTypes = Set(s.records.filter(\.isUnique).map { NameType($0.record) })
                // A unique record whose name and type remain is replaced by cache-flush; anything else says goodbye.
                let oldTypes = Set(old.filter(\.isUnique).map { NameType($0.record) })
                let gone = s.announced.filter { r in
                    !newKeys.contains(RecordKey(r)) && !(oldTypes.contains(NameType(r)) && newTypes.contains(NameType(r)))
                }
                let kept = Set(otherLiveRecords(excluding: gi, on: s.interface).map(RecordKey.init))
                goodbye(gone.filter { !kept.contains(RecordKey($0)) }, on: s.interface, at: now)
                groups[gi].states[si].announced = s.announced.filter { r in newKeys.contains(RecordKey(r)) }
            }
            if s.phase.isLive {
                groups[gi].states[si].phase = .announcing(sent: 0, next: now, interval: RFC6762.announceInterval)
                fire(gi, si, at: now)
            }
        }
        dependentsChanged(of: gi, at: now)
    }

    /// A host's name changed: services that use it as SRV target get new rdata (§8.4).
    mutating func dependentsChanged(of gi: Int, at now: Instant) {
        guard case .host = groups[gi].registration, hostName == primaryName(groups[gi]) else { return }
        for j in groups.indices where j != gi {
            if case .service(let s) = groups[j].registration, s.host == nil { refreshRecords(j, at: now) }
        }
    }

    /// Takes the next name from the rename policy and probes it (RFC 6762 §8.1, §9).
    mutating func rename(_ gi: Int, at now: Instant) {
        let old = primaryName(groups[gi])
        sendGoodbyes(gi, at: now)
        groups[gi].renameAttempt += 1
        let kind: RenamePolicy.Kind
        switch groups[gi].registration {
        case .host: kind = .host
        case .service: kind = .service
        case .records: kind = .records
        }
        groups[gi].label = configuration.renamePolicy.rename(groups[gi].originalLabel, groups[gi].renameAttempt, kind)
        avoidLocalClash(gi)
        rebuild(gi)
        report(.renamed(groups[gi].id, from: old, to: primaryName(groups[gi])))
        for si in groups[gi].states.indices { startProbing(gi, si, at: now, delay: nil) }
        dependentsChanged(of: gi, at: now)
    }

    // MARK: - Output

    mutating func report(_ e: Event) { outbox.append(.report(e)) }

    mutating func send(_ m: Message, to d: Destination) {
        statistics.messagesSent += 1
        outbox.append(.send(m, to: d))
    }

    mutating func drain() -> [Action] {
        // Handing the buffer over: emptying it in place while the caller holds it would copy it.
        if outbox.isEmpty { return [] }
        defer { outbox = [] }
        return outbox
    }
}

/// A record's identity: name, class and rdata (RFC 6762 §7.1 "the same record"); TTL and cache-flush aside.
struct RecordKey: Hashable, Sendable {
    var name: DNSName
    var rrclass: RRClass
    var rdata: RData
    init(_ r: ResourceRecord) { name = r.name; rrclass = r.rrclass; rdata = r.rdata }

    /// `RecordKey(a) == RecordKey(b)` without building either key (cheapest comparison first).
    static func same(_ a: ResourceRecord, _ b: ResourceRecord) -> Bool {
        a.rrclass == b.rrclass && a.rdata == b.rdata && a.name == b.name
    }
}

struct NameType: Hashable, Sendable {
    var name: DNSName
    var type: RRType
    init(_ r: ResourceRecord) { name = r.name; type = r.type }
}
