import DNSWire

/// A response scheduled for later: shared answers (§6), aggregated (§6.4), suppressible (§7.4).
struct PendingResponse: Sendable {
    var interface: InterfaceID
    var destination: Destination.Kind
    var answers: [ResourceRecord]
    var knownAnswers: [ResourceRecord]
    var isProbeDefense: Bool
    var sendAt: Instant
    var created: Instant
}

/// A query with TC set, held for its continuation packets (RFC 6762 §7.2).
struct TruncatedQuery: Sendable {
    var interface: InterfaceID
    var source: SocketAddress
    var questions: [Question]
    var knownAnswers: [ResourceRecord]
    var isProbe: Bool
    var deadline: Instant
}

extension Responder {
    // MARK: - Receiving

    mutating func receive(_ m: Message, from source: SocketAddress, interface iid: InterfaceID, via: ReceivedVia, at now: Instant) {
        statistics.packetsReceived += 1
        guard let iface = interfaces.first(where: { $0.id == iid }) else { return drop(.unknownInterface) }
        // RFC 6762 §18.3: OPCODE ≠ 0 is silently ignored; §18.11: so is RCODE ≠ 0.
        if m.header.opcode != 0 { return drop(.nonZeroOpcode) }
        if m.header.rcode != 0 { return drop(.nonZeroRcode) }
        // RFC 6762 §5.5, §11: unicast from off the link is ignored (CVE-2017-6519 reflection).
        if via == .unicast && !iface.isOnLink(source.address) { return drop(.offLink) }
        // The host's own packets, looped back on this or another interface (§14), never count.
        if !configuration.faults.conflictOnOwnEcho && isOwnAddress(source.address) {
            statistics.dropped[.ownPacket, default: 0] += 1
            return
        }
        if m.header.isResponse {
            // RFC 6762 §6.7 / §11: responses not from port 5353 are ignored.
            if source.port != mdnsPort { return drop(.offLink) }
            handleResponse(m, interface: iid, at: now)
        } else {
            handleQuery(m, from: source, interface: iid, via: via, at: now)
        }
    }

    mutating func drop(_ reason: DropReason) {
        statistics.dropped[reason, default: 0] += 1
        report(.dropped(reason))
    }

    func isOwnAddress(_ a: IPAddress) -> Bool {
        interfaces.contains { $0.addresses.contains { $0.address == a } }
    }

    /// A record identical to one this host holds on any interface: its own data echoed back
    /// (reflector, bridged interfaces) or a cooperating proxy (§8.2). Never a conflict.
    func isOwnRecord(_ r: ResourceRecord) -> Bool {
        if configuration.faults.conflictOnOwnEcho { return false }
        let k = RecordKey(r)
        for g in groups { for s in g.states where s.records.contains(where: { RecordKey($0.record) == k }) { return true } }
        return false
    }

    // MARK: - Responses: conflicts (§8.1, §9) and duplicate answer suppression (§7.4)

    mutating func handleResponse(_ m: Message, interface iid: InterfaceID, at now: Instant) {
        // RFC 6762 §7.4: another responder just multicast what we were about to send, with a TTL not
        // less than ours (a lower one would leave peers' caches short: ours still goes).
        for pi in pending.indices.reversed() where pending[pi].interface == iid && pending[pi].destination == .multicast {
            let before = pending[pi].answers.count
            pending[pi].answers.removeAll { ours in
                m.answers.contains { $0.isSameRecord(as: ours) && $0.ttl >= ours.ttl }
            }
            statistics.duplicateAnswerSuppressions += before - pending[pi].answers.count
            if pending[pi].answers.isEmpty { pending.remove(at: pi) }
        }
        // Nothing registered, nothing to defend: no list of the records to build.
        if groups.isEmpty { return }
        let records = (m.answers + m.authorities + m.additionals).filter { $0.type != .opt && $0.type != .nsec }
        var gi = 0
        while gi < groups.count {
            defer { gi += 1 }
            guard let si = groups[gi].states.firstIndex(where: { $0.interface == iid }) else { continue }
            let s = groups[gi].states[si]
            let unique = s.records.filter { $0.kind == .unique }.map(\.record)
            if unique.isEmpty { continue }
            if s.phase.isLive {
                // RFC 6762 §9: same name, type and class with other rdata: probe again.
                let hit = records.first { r in
                    unique.contains { $0.name == r.name && $0.type == r.type && $0.rrclass == r.rrclass && $0.rdata != r.rdata }
                        && !isOwnRecord(r)
                }
                if hit != nil {
                    noteConflict(at: now)
                    report(.conflict(groups[gi].id, name: primaryName(groups[gi]), interface: iid))
                    for sj in groups[gi].states.indices { startProbing(gi, sj, at: now, delay: nil) }
                }
            } else {
                // RFC 6762 §8.1: any answer for a name being probed, other than our own data, means
                // the name is taken: defer and choose a new one.
                let hit = records.first { r in
                    unique.contains { $0.name == r.name && $0.rrclass == r.rrclass } && !isOwnRecord(r)
                }
                if hit != nil {
                    noteConflict(at: now)
                    report(.conflict(groups[gi].id, name: primaryName(groups[gi]), interface: iid))
                    rename(gi, at: now)
                }
            }
        }
    }

    // MARK: - Queries

    mutating func handleQuery(_ m: Message, from source: SocketAddress, interface iid: InterfaceID, via: ReceivedVia, at now: Instant) {
        let legacy = source.port != mdnsPort
        let isProbe = !m.questions.isEmpty && !m.authorities.isEmpty
        if isProbe { tiebreak(m.authorities, interface: iid, at: now) }
        // RFC 6762 §7.2: a TC query waits 400–500 ms for its continuation packets, which are merged.
        if let ti = truncated.firstIndex(where: { $0.interface == iid && $0.source == source }), !legacy {
            let limits = configuration.limits
            truncated[ti].questions += m.questions
            truncated[ti].knownAnswers += m.answers
            if truncated[ti].questions.count > limits.maxQuestionsPerBuffer {
                truncated[ti].questions.removeFirst(truncated[ti].questions.count - limits.maxQuestionsPerBuffer)
                statistics.overflows[.questionsPerBuffer, default: 0] += 1
            }
            if truncated[ti].knownAnswers.count > limits.maxKnownAnswersPerBuffer {
                truncated[ti].knownAnswers.removeFirst(truncated[ti].knownAnswers.count - limits.maxKnownAnswersPerBuffer)
                statistics.overflows[.knownAnswersPerBuffer, default: 0] += 1
            }
            if m.header.truncated {
                truncated[ti].deadline = max(truncated[ti].deadline, now + rng.duration(in: RFC6762.truncatedQueryDelay))
            }
            return
        }
        if m.header.truncated && !legacy && !m.questions.isEmpty {
            if truncated.count >= configuration.limits.maxTruncatedQueryBuffers {
                truncated.removeFirst()
                statistics.overflows[.truncatedQueryBuffers, default: 0] += 1
                report(.overflow(.truncatedQueryBuffers))
            }
            var t = TruncatedQuery(interface: iid, source: source, questions: Array(m.questions.prefix(configuration.limits.maxQuestionsPerBuffer)),
                                   knownAnswers: Array(m.answers.prefix(configuration.limits.maxKnownAnswersPerBuffer)),
                                   isProbe: isProbe, deadline: now + rng.duration(in: RFC6762.truncatedQueryDelay))
            if t.questions.count < m.questions.count { statistics.overflows[.questionsPerBuffer, default: 0] += 1 }
            if t.knownAnswers.count < m.answers.count { statistics.overflows[.knownAnswersPerBuffer, default: 0] += 1 }
            t.isProbe = isProbe
            truncated.append(t)
            return
        }
        guard !m.questions.isEmpty else { return }
        respond(to: m.questions, knownAnswers: m.answers, from: source, interface: iid, via: via, id: m.header.id,
                isProbe: isProbe, alreadyDelayed: false, at: now)
    }

    /// RFC 6762 §8.2: a probe for a name we are probing too. The lexicographically later data wins;
    /// the loser waits one second and probes again.
    mutating func tiebreak(_ theirs: [ResourceRecord], interface iid: InterfaceID, at now: Instant) {
        for gi in groups.indices {
            guard let si = groups[gi].states.firstIndex(where: { $0.interface == iid }),
                  case .probing = groups[gi].states[si].phase else { continue }
            let ours = groups[gi].states[si].records.filter { $0.kind == .unique }.map(\.record)
            var names: [DNSName] = []
            for r in ours where !names.contains(r.name) { names.append(r.name) }
            for n in names {
                var their = theirs.filter { $0.name == n }
                if their.isEmpty { continue }
                if their.count > configuration.limits.maxProbeRecordsCompared {
                    their = Array(their.prefix(configuration.limits.maxProbeRecordsCompared))
                    statistics.overflows[.probeRecordsCompared, default: 0] += 1
                }
                // Our own probe echoed back (or a cooperating proxy): identical data is no conflict.
                if their.allSatisfy(isOwnRecord) { continue }
                if Tiebreak.compare(ours.filter { $0.name == n }, their) < 0 {
                    statistics.lostTiebreaks += 1
                    noteConflict(at: now)
                    report(.lostTiebreak(groups[gi].id, name: n, interface: iid))
                    startProbing(gi, si, at: now, delay: RFC6762.lostTiebreakDelay)
                    break
                }
            }
        }
    }

    // MARK: - Answering (§6)

    /// Live records answering `q` on an interface, each once.
    func answers(to q: Question, on iid: InterfaceID) -> [OwnedRecord] {
        var out: [OwnedRecord] = []
        var seen = Set<RecordKey>()
        for g in groups {
            for s in g.states where s.interface == iid && s.phase.isLive {
                for r in s.records where q.isAnswered(by: r.record) && seen.insert(RecordKey(r.record)).inserted { out.append(r) }
            }
        }
        return out
    }

    /// Unique records of `name` that are live on an interface.
    func uniqueRecords(named name: DNSName, on iid: InterfaceID) -> [ResourceRecord] {
        var out: [ResourceRecord] = []
        for g in groups {
            for s in g.states where s.interface == iid && s.phase.isLive {
                out += s.records.filter { $0.isUnique && $0.record.name == name }.map(\.record)
            }
        }
        return out
    }

    /// RFC 6762 §6.1: an NSEC record saying which types `name` has, for a name we own uniquely.
    func negativeAnswer(for name: DNSName, on iid: InterfaceID) -> ResourceRecord? {
        let own = uniqueRecords(named: name, on: iid)
        guard let first = own.first else { return nil }
        return ResourceRecord(name: name, cacheFlush: !configuration.faults.omitCacheFlush,
                              ttl: first.ttl, rdata: .nsec(NSEC(nextName: name, types: own.map(\.type))))
    }

    mutating func respond(to questions: [Question], knownAnswers: [ResourceRecord], from source: SocketAddress,
                          interface iid: InterfaceID, via: ReceivedVia, id: UInt16, isProbe: Bool,
                          alreadyDelayed: Bool, at now: Instant) {
        let legacy = source.port != mdnsPort
        var legacyAnswers: [ResourceRecord] = []
        var unicastNow: [ResourceRecord] = [], unicastLater: [ResourceRecord] = []
        var multicastNow: [ResourceRecord] = [], multicastLater: [ResourceRecord] = []
        var seen = Set<RecordKey>()
        for q in questions where q.qclass == .in || q.qclass == .any {
            var found = answers(to: q, on: iid)
            if found.isEmpty, q.type != .any, let nsec = negativeAnswer(for: q.name, on: iid) {
                found = [OwnedRecord(record: nsec, kind: .unique)]
            }
            for a in found where seen.insert(RecordKey(a.record)).inserted {
                // RFC 6762 §7.1: a known answer with at least half our TTL suppresses ours.
                if knownAnswers.contains(where: { $0.isSameRecord(as: a.record) && $0.ttl >= a.record.ttl / 2 }) {
                    statistics.knownAnswerSuppressions += 1
                    continue
                }
                if legacy { legacyAnswers.append(a.record); continue }
                var unicast = via == .unicast || q.unicastResponse
                var alsoMulticast = false
                if via == .multicast && q.unicastResponse {
                    // RFC 6762 §5.4: answer a QU question by multicast when the record has not been
                    // multicast on this interface within a quarter of its TTL. A QU probe always
                    // gets its unicast answer, and then a multicast one too.
                    let quarter = Duration.seconds(Int64(a.record.ttl) / 4)
                    let recent = lastMulticast[iid]?[RecordKey(a.record)].map { now - $0 < quarter } ?? false
                    if isProbe { alsoMulticast = !recent } else { unicast = recent }
                }
                // RFC 6762 §6: unique answers at once; shared ones after 20–120 ms.
                let now_ = alreadyDelayed || a.isUnique || configuration.faults.answerSharedImmediately
                switch (unicast, now_) {
                case (true, true): unicastNow.append(a.record)
                case (true, false): unicastLater.append(a.record)
                case (false, true): multicastNow.append(a.record)
                case (false, false): multicastLater.append(a.record)
                }
                if unicast && alsoMulticast { if now_ { multicastNow.append(a.record) } else { multicastLater.append(a.record) } }
            }
        }
        if legacy {
            if !legacyAnswers.isEmpty { sendLegacy(legacyAnswers, questions: questions, id: id, to: source, interface: iid, knownAnswers: knownAnswers) }
            return
        }
        if !unicastNow.isEmpty {
            sendResponse(answers: unicastNow, additionals: additionals(for: unicastNow, on: iid, excluding: knownAnswers),
                         to: .unicast(source, on: iid), at: now)
        }
        if !multicastNow.isEmpty {
            let allowed = rateLimited(multicastNow, on: iid, isProbe: isProbe, at: now)
            if !allowed.isEmpty {
                // Anything also waiting in a pending response goes now instead.
                for pi in pending.indices.reversed() where pending[pi].interface == iid && pending[pi].destination == .multicast {
                    pending[pi].answers.removeAll { p in allowed.contains { $0.isSameRecord(as: p) } }
                    if pending[pi].answers.isEmpty { pending.remove(at: pi) }
                }
                sendResponse(answers: allowed, additionals: additionals(for: allowed, on: iid, excluding: knownAnswers),
                             to: .multicast(on: iid), at: now)
            }
        }
        if !unicastLater.isEmpty { schedule(unicastLater, to: .unicast(source), interface: iid, knownAnswers: knownAnswers, isProbe: isProbe, at: now) }
        if !multicastLater.isEmpty { schedule(multicastLater, to: .multicast, interface: iid, knownAnswers: knownAnswers, isProbe: isProbe, at: now) }
    }

    /// RFC 6762 §6: drops records multicast on this interface within the last second (250 ms for probe defence).
    func rateLimited(_ records: [ResourceRecord], on iid: InterfaceID, isProbe: Bool, at now: Instant) -> [ResourceRecord] {
        let window = isProbe ? RFC6762.probeDefenseRateLimit : RFC6762.multicastRateLimit
        return records.filter { r in
            guard let last = lastMulticast[iid]?[RecordKey(r)] else { return true }
            return now - last >= window
        }
    }

    /// Queues delayed answers (RFC 6762 §6: 20–120 ms), aggregating them with a response already
    /// pending on the same interface and destination (§6.4). A pending response due too soon for
    /// the new answer's minimum delay is held back to the new answer's time, but never more than
    /// 500 ms beyond its own latest time.
    mutating func schedule(_ records: [ResourceRecord], to kind: Destination.Kind, interface iid: InterfaceID,
                           knownAnswers: [ResourceRecord], isProbe: Bool, at now: Instant) {
        let delay = rng.duration(in: RFC6762.sharedResponseDelay)
        if let pi = pending.lastIndex(where: { $0.interface == iid && $0.destination == kind }) {
            let earliest = now + RFC6762.sharedResponseDelay.lowerBound
            let latest = pending[pi].created + RFC6762.sharedResponseDelay.upperBound + RFC6762.maxAggregationDelay
            if pending[pi].sendAt >= earliest || now + delay <= latest {
                if pending[pi].sendAt < earliest { pending[pi].sendAt = now + delay }
                for r in records where !pending[pi].answers.contains(where: { $0.isSameRecord(as: r) }) { pending[pi].answers.append(r) }
                let room = max(0, configuration.limits.maxKnownAnswersPerBuffer - pending[pi].knownAnswers.count)
                pending[pi].knownAnswers += knownAnswers.prefix(room)
                if knownAnswers.count > room { statistics.overflows[.knownAnswersPerBuffer, default: 0] += 1 }
                pending[pi].isProbeDefense = pending[pi].isProbeDefense || isProbe
                return
            }
        }
        if pending.count >= configuration.limits.maxPendingResponses {
            pending.removeFirst()
            statistics.overflows[.pendingResponses, default: 0] += 1
            report(.overflow(.pendingResponses))
        }
        pending.append(PendingResponse(interface: iid, destination: kind, answers: records,
                                       knownAnswers: Array(knownAnswers.prefix(configuration.limits.maxKnownAnswersPerBuffer)),
                                       isProbeDefense: isProbe, sendAt: now + delay,
                                       created: now))
    }

    /// Sends a pending response: only records still live (an NSEC while the name is still ours,
    /// RFC 6762 §6.1), and (multicast) not sent in the last second.
    mutating func flush(_ p: PendingResponse, at now: Instant) {
        let live = Set(liveRecords(on: p.interface).map(RecordKey.init))
        var answers = p.answers.filter { r in
            live.contains(RecordKey(r)) || r.type == .nsec && negativeAnswer(for: r.name, on: p.interface).map(RecordKey.init) == RecordKey(r)
        }
        switch p.destination {
        case .multicast:
            answers = rateLimited(answers, on: p.interface, isProbe: p.isProbeDefense, at: now)
            guard !answers.isEmpty else { return }
            sendResponse(answers: answers, additionals: additionals(for: answers, on: p.interface, excluding: p.knownAnswers),
                         to: .multicast(on: p.interface), at: now)
        case .unicast(let a):
            guard !answers.isEmpty else { return }
            sendResponse(answers: answers, additionals: additionals(for: answers, on: p.interface, excluding: p.knownAnswers),
                         to: .unicast(a, on: p.interface), at: now)
        }
    }

    /// RFC 6762 §6.2 and RFC 6763 §12: the records a querier will want next, each once, none
    /// already in the answers or the known answers.
    func additionals(for answers: [ResourceRecord], on iid: InterfaceID, excluding known: [ResourceRecord]) -> [ResourceRecord] {
        var out: [ResourceRecord] = []
        var seen = Set(answers.map(RecordKey.init))
        for k in known { seen.insert(RecordKey(k)) }
        func add(_ r: ResourceRecord) { if seen.insert(RecordKey(r)).inserted { out.append(r) } }
        func addresses(of name: DNSName) {
            let own = uniqueRecords(named: name, on: iid)
            let addrs = own.filter { $0.type == .a || $0.type == .aaaa }
            addrs.forEach(add)
            // RFC 6762 §6.2: say which address family does not exist.
            if !addrs.isEmpty, !(addrs.contains { $0.type == .a } && addrs.contains { $0.type == .aaaa }),
               let nsec = negativeAnswer(for: name, on: iid) { add(nsec) }
        }
        for a in answers {
            switch a.rdata {
            case .ptr(let instance):
                // RFC 6763 §12.1: SRV, TXT and the target's addresses.
                let own = uniqueRecords(named: instance, on: iid)
                for r in own where r.type == .srv || r.type == .txt { add(r) }
                for r in own { if case .srv(let s) = r.rdata { addresses(of: s.target) } }
            case .srv(let s):
                // RFC 6763 §12.2: the target's addresses.
                addresses(of: s.target)
            case .a, .aaaa:
                addresses(of: a.name)
            default:
                break
            }
        }
        return out
    }

    /// RFC 6762 §6.7: legacy unicast — ID and questions echoed, cache-flush clear, TTL ≤ 10 s,
    /// sent to the source address and port.
    mutating func sendLegacy(_ answers: [ResourceRecord], questions: [Question], id: UInt16, to source: SocketAddress,
                             interface iid: InterfaceID, knownAnswers: [ResourceRecord]) {
        func legacy(_ r: ResourceRecord) -> ResourceRecord {
            var r = r
            r.cacheFlush = false
            r.ttl = min(r.ttl, RFC6762.legacyUnicastMaxTTL)
            return r
        }
        var header = Header.response
        header.id = id
        let qs = questions.map { q -> Question in var q = q; q.unicastResponse = false; return q }
        let ms = packets(header: header, questions: qs, answers: answers.map(legacy),
                         additionals: additionals(for: answers, on: iid, excluding: knownAnswers).map(legacy))
        for m in ms { send(m, to: .unicast(source, on: iid)) }
    }

    /// Sends answers (split across packets as needed, §17) and notes multicast times (§6).
    mutating func sendResponse(answers: [ResourceRecord], additionals: [ResourceRecord], to d: Destination, at now: Instant) {
        for m in packets(header: .response, questions: [], answers: answers, additionals: additionals) {
            if d.isMulticast {
                for section in [m.answers, m.additionals] {
                    for r in section { lastMulticast[d.interface, default: [:]][RecordKey(r)] = now }
                }
            }
            send(m, to: d)
        }
    }

    /// Splits answers into messages of at most `maxMessageSize` bytes; additional records fill the
    /// last one as far as they fit (RFC 6762 §17: never rely on IP fragmentation).
    func packets(header: Header, questions: [Question], answers: [ResourceRecord], additionals: [ResourceRecord]) -> [Message] {
        let encoder = MessageEncoder(compression: .suffixes, maxSize: configuration.maxMessageSize)
        // Most responses fit one packet: one encoding of everything says so, and what it wrote
        // (every question and answer, the additionals that fit) is that packet.
        if !answers.isEmpty {
            let e = encoder.encode(Message(header: header, questions: questions, answers: answers, additionals: additionals))
            if e.written.questions.count == questions.count && e.written.answers.count == answers.count {
                var m = e.written
                m.header = header
                return [m.normalized]
            }
        }
        var out: [Message] = []
        var rest = answers[...]
        while !rest.isEmpty {
            let m = Message(header: header, questions: out.isEmpty ? questions : [], answers: Array(rest))
            let e = encoder.encode(m)
            var n = e.written.answers.count
            if n == 0 {
                // One record larger than the size goal still goes, alone, up to the §17 maximum.
                let big = MessageEncoder(compression: .suffixes, maxSize: DNSLimits.maxMulticastMessageLength).encode(m)
                n = max(1, big.written.answers.count)
                if big.written.answers.isEmpty { rest = rest.dropFirst(); continue }
            }
            out.append(Message(header: header, questions: out.isEmpty ? questions : [], answers: Array(rest.prefix(n))))
            rest = rest.dropFirst(n)
        }
        if out.isEmpty { return [] }
        if !additionals.isEmpty {
            var last = out[out.count - 1]
            last.additionals = additionals
            out[out.count - 1] = encoder.encode(last).written
        }
        return out.map { m in var m = m; m.header = header; return m.normalized }
    }
}

/// RFC 6762 §8.2 and §8.2.1: simultaneous probe tiebreaking.
public enum Tiebreak {
    /// Compares two records: class (cache-flush bit excluded), then type, then the uncompressed
    /// rdata bytes as unsigned values; a prefix sorts first.
    public static func compare(_ a: ResourceRecord, _ b: ResourceRecord) -> Int {
        if a.rrclass != b.rrclass { return a.rrclass < b.rrclass ? -1 : 1 }
        if a.type != b.type { return a.type < b.type ? -1 : 1 }
        let x = a.rdata.canonicalBytes, y = b.rdata.canonicalBytes
        for (p, q) in zip(x, y) where p != q { return p < q ? -1 : 1 }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }

    /// Compares two record sets: both sorted, compared pairwise; if one runs out first, the
    /// longer set is later. Negative: `ours` loses.
    public static func compare(_ ours: [ResourceRecord], _ theirs: [ResourceRecord]) -> Int {
        let a = ours.sorted { compare($0, $1) < 0 }, b = theirs.sorted { compare($0, $1) < 0 }
        for (x, y) in zip(a, b) {
            let c = compare(x, y)
            if c != 0 { return c }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
