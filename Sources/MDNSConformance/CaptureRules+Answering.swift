import DNSWire
import MDNSCore

/// RFC 6762 §5.4, §6, §6.7 and §7.1 on a recording: how the device answers other hosts' queries.
extension CaptureConformance {
    static let answeringRules: [Rule] = [sharedAnswerDelay, uniqueAnswerPromptness, multicastRateLimit, knownAnswerSuppression,
                                         quUnicastReply, legacyUnicastReply, legacyUnicastNoCacheFlush, legacyUnicastTTL]

    /// RFC 6762 §6: "the range 20-120 ms".
    public static let sharedDelayMin: Int64 = 20_000_000
    /// RFC 6762 §6: "within at most 10 ms".
    public static let uniqueDelayMax: Int64 = 10_000_000

    /// The answer records of `p` that answer one of `q`'s questions.
    static func answering(_ p: Packet, _ q: Packet) -> [ResourceRecord] {
        p.message!.answers.filter { r in r.ttl > 0 && q.message!.questions.contains { $0.isAnswered(by: r) } }
    }

    /// The earliest query of another host that `p` may answer: after the device last sent the
    /// records, within the reply window, on the same path. Delays are measured from it.
    static func firstAsking(_ i: Int, _ t: Timeline) -> Int? {
        let p = t.all[i]
        let previous = t.device.packets.last { $0 < i && t.all[$0].isResponse && t.all[$0].samePath(p) }
        var first: Int? = nil
        var j = i - 1
        while j >= 0, j > (previous ?? -1), p.time - t.all[j].time <= Window.reply {
            let q = t.all[j]
            if q.isQuery, !t.isMine(j), q.samePath(p), !answering(p, q).isEmpty { first = j }
            j -= 1
        }
        return first
    }

    /// A plain multicast query (not a probe, not truncated, no QU question) whose answer timing §6 sets.
    static func isPlainQuery(_ q: Packet) -> Bool {
        q.isMulticast && q.sourcePort == mdnsPort && !q.isProbe && !q.message!.header.truncated && !q.message!.questions.contains(where: \.unicastResponse)
    }

    static let sharedAnswerDelay = Rule("shared-answer-delay", "RFC 6762 §6", .should,
        "In any case where there may be multiple responses, such as queries where the answer is a member of a shared resource record set, each responder SHOULD delay its response by a random amount of time selected with uniform random distribution in the range 20-120 ms.") { t in
        var j = Judgement(note: "no shared answers to multicast queries")
        for e in t.events where e.kind == .answer {
            guard let qi = firstAsking(e.packet, t), isPlainQuery(t.all[qi]) else { continue }
            let p = t.packet(e), rs = answering(p, t.all[qi])
            guard !rs.isEmpty, rs.allSatisfy({ !isUnique($0) }) else { continue }
            j.checked += 1
            j.note = "\(j.checked) shared answers delayed 20 ms or more"
            let d = p.time - t.all[qi].time
            if d < sharedDelayMin - Window.slack { j.violate("shared answer \(ms(d)) after the query (20-120 ms)", t.frames(qi, e.packet)) }
        }
        return j
    }

    static let uniqueAnswerPromptness = Rule("unique-answer-promptness", "RFC 6762 §6", .should,
        "In any case where a Multicast DNS responder has good reason to believe that it will be the only responder on the link that will send a response (i.e., because it is able to answer every question in the query message, and for all of those answer records it has previously verified that the name, rrtype, and rrclass are unique on the link), it SHOULD NOT impose any random delay before responding, and SHOULD normally generate its response within at most 10 ms.") { t in
        var j = Judgement(note: "no unique answers to queries")
        for e in t.events where [.answer, .defence, .unicastReply].contains(e.kind) {
            guard let qi = firstAsking(e.packet, t) else { continue }
            let q = t.all[qi], p = t.packet(e)
            guard q.sourcePort == mdnsPort, !q.message!.header.truncated, q.message!.questions.count == 1 else { continue }
            let rs = answering(p, q)
            guard !rs.isEmpty, rs.allSatisfy(isUnique) else { continue }
            // The sentence is about records "it has previously verified" unique: probed.
            guard rs.allSatisfy({ r in t.series.contains { $0.name == r.name && $0.end == .completed && t.all[$0.probes.last!].time < q.time } }) else { continue }
            // RFC 6762 §6: a multicast answer waits out the record's rate limit.
            if p.isMulticast, rs.contains(where: { t.lastMulticast(of: $0, before: p.time, path: p, from: p.source).map { q.time - t.all[$0].time < 1_000_000_000 } ?? false }) { continue }
            j.checked += 1
            j.note = "\(j.checked) unique answers within 10 ms"
            let d = p.time - q.time
            if d > uniqueDelayMax + Window.slack { j.violate("unique answer \(ms(d)) after the query (10 ms)", t.frames(qi, e.packet)) }
        }
        return j
    }

    static let multicastRateLimit = Rule("multicast-rate-limit", "RFC 6762 §6", .must,
        "To protect the network against excessive packet flooding due to software bugs or malicious attack, a Multicast DNS responder MUST NOT (except in the one special case of answering probe queries) multicast a record on a given interface until at least one second has elapsed since the last time that record was multicast on that particular interface.") { t in
        var j = Judgement()
        for e in t.events where [.announcement, .answer, .defence].contains(e.kind) {
            let p = t.packet(e)
            j.checked += 1
            // RFC 6762 §6: a probe may be answered 250 ms after the last multicast.
            let floor = (e.kind == .defence ? Window.probeListen : 1_000_000_000) - Window.slack
            for r in p.message!.answers + p.message!.additionals where r.ttl > 0 && r.type != .opt {
                guard let last = t.lastMulticast(of: r, before: p.time, path: p, from: p.source), p.time - t.all[last].time < floor else { continue }
                j.violate("\(r.name) \(r.type) multicast again after \(ms(p.time - t.all[last].time))", t.frames(last, e.packet))
                break
            }
        }
        j.note = "\(j.checked) multicast responses, no record repeated within a second"
        return j
    }

    /// Known answers of a query, with those of the packets that continue it (TC, RFC 6762 §7.2).
    static func knownAnswers(_ qi: Int, _ t: Timeline) -> [ResourceRecord] {
        let q = t.all[qi]
        var out = q.message!.answers
        guard q.message!.header.truncated else { return out }
        for p in t.all[(qi + 1)...] where p.time - q.time <= 500_000_000 && p.source == q.source && p.isQuery && p.message!.questions.isEmpty {
            out += p.message!.answers
        }
        return out
    }

    static let knownAnswerSuppression = Rule("known-answer-suppression", "RFC 6762 §7.1", .must,
        "A Multicast DNS responder MUST NOT answer a Multicast DNS query if the answer it would give is already included in the Answer Section with an RR TTL at least half the correct value. If the RR TTL of the answer as given in the Answer Section is less than half of the true RR TTL as known by the Multicast DNS responder, the responder MUST send an answer so as to update the querier's cache before the record becomes in danger of expiration.") { t in
        var j = Judgement(note: "no queries with known answers the device would give")
        for (qi, q) in t.all.enumerated() where q.isQuery && !q.isProbe && q.sourcePort == mdnsPort && !t.isMine(qi) {
            let known = knownAnswers(qi, t)
            guard !known.isEmpty else { continue }
            staleKnownAnswers(qi, known, t, &j)
            for (i, p) in t.responses where p.time >= q.time && p.time - q.time <= Window.reply && p.samePath(q) {
                let rs = answering(p, q)
                guard !rs.isEmpty else { continue }
                j.checked += 1
                j.note = "\(j.checked) answers to known-answer queries left the known answers out"
                for r in rs where known.contains(where: { $0.isSameRecord(as: r) && UInt64($0.ttl) * 2 >= UInt64(r.ttl) }) {
                    // Another query without that known answer may be what the response serves.
                    let askedElsewhere = t.all.indices.contains { k in
                        k != qi && !t.isMine(k) && t.all[k].isQuery && t.all[k].time <= p.time && p.time - t.all[k].time <= Window.reply
                            && !answering(p, t.all[k]).isEmpty && !t.all[k].message!.answers.contains { $0.isSameRecord(as: r) }
                    }
                    if !askedElsewhere { j.violate("answered with \(r.name) \(r.type), listed as a known answer", t.frames(qi, i)); break }
                }
                break
            }
        }
        return j
    }

    /// A known answer listed under half the device's own TTL must be answered (RFC 6762 §7.1).
    static func staleKnownAnswers(_ qi: Int, _ known: [ResourceRecord], _ t: Timeline, _ j: inout Judgement) {
        let q = t.all[qi], own = t.announcedRecords(before: q.time)
        // The recording must cover the reply window; a record said goodbye to is no longer announced.
        guard t.captureEnd >= q.time + Window.reply else { return }
        for k in known where q.message!.questions.contains(where: { $0.isAnswered(by: k) }) {
            guard let mine = own.first(where: { $0.isSameRecord(as: k) }), UInt64(k.ttl) * 2 < UInt64(mine.ttl) else { continue }
            j.checked += 1
            let answered = t.responses.contains { _, p in
                p.time >= q.time && p.time - q.time <= Window.reply && p.samePath(q) && p.message!.answers.contains { $0.isSameRecord(as: k) && $0.ttl > 0 }
            }
            if !answered { j.violate("no answer to a query listing \(k.name) \(k.type) at TTL \(k.ttl), under half of \(mine.ttl)", t.frames(qi)) }
        }
    }

    static let quUnicastReply = Rule("qu-unicast-reply", "RFC 6762 §5.4", .should,
        "When receiving a question with the unicast-response bit set, a responder SHOULD usually respond with a unicast packet directed back to the querier. However, if the responder has not multicast that record recently (within one quarter of its TTL), then the responder SHOULD instead multicast the response so as to keep all the peer caches up to date, and to permit passive conflict detection.") { t in
        var j = Judgement(note: "no QU questions the device answered")
        for (qi, q) in t.all.enumerated() where q.isQuery && !q.isProbe && q.sourcePort == mdnsPort && !t.isMine(qi)
            && q.message!.questions.contains(where: \.unicastResponse) {
            let replies = t.responses.filter { _, p in p.time >= q.time && p.time - q.time <= Window.reply && p.samePath(q) && !answering(p, q).isEmpty }
            guard let first = replies.first else { continue }
            if replies.contains(where: { !$0.1.isMulticast && $0.1.destination == q.source }) { j.checked += 1; j.note = "QU questions answered by unicast"; continue }
            // Multicast is right when the record was not multicast within a quarter of its TTL.
            let recent = answering(first.1, q).contains { r in
                t.lastMulticast(of: r, before: q.time, path: q).map { q.time - t.all[$0].time <= Int64(r.ttl) * 250_000_000 } ?? false
            }
            if recent {
                j.checked += 1
                j.violate("QU question answered by multicast only, the record multicast recently", t.frames(qi, first.0))
            } else if answering(first.1, q).allSatisfy({ q.time >= Int64($0.ttl) * 250_000_000 }) {
                j.checked += 1   // the recording covers the quarter TTL: multicast was right
            }
        }
        return j
    }

    static let legacyUnicastReply = Rule("legacy-unicast-reply", "RFC 6762 §6.7", .must,
        "In this case, the Multicast DNS responder MUST send a UDP response directly back to the querier, via unicast, to the query packet's source IP address and port. This unicast response MUST be a conventional unicast response as would be generated by a conventional Unicast DNS server; for example, it MUST repeat the query ID and the question given in the query message.") { t in
        var j = Judgement(note: "no legacy queries the device answered")
        for (qi, q) in t.all.enumerated() where q.isLegacyQuery {
            let reply = t.events.first { $0.kind == .legacyReply && $0.cause == qi }
            if let reply {
                j.checked += 1
                j.note = "\(j.checked) legacy queries answered by unicast with their ID and question"
                let m = t.packet(reply).message!
                if m.header.id != q.message!.header.id { j.violate("legacy reply with ID \(m.header.id), the query's is \(q.message!.header.id)", t.frames(qi, reply.packet)) }
                if !q.message!.questions.allSatisfy({ qq in m.questions.contains { $0.name == qq.name && $0.type == qq.type } }) {
                    j.violate("legacy reply without the query's question", t.frames(qi, reply.packet))
                }
            } else if let mc = t.events.first(where: { $0.cause == qi && ($0.kind == .answer || $0.kind == .unicastReply) }) {
                j.checked += 1
                j.violate("legacy query answered to port 5353, not to port \(q.sourcePort)", t.frames(qi, mc.packet))
            }
        }
        return j
    }

    static let legacyUnicastNoCacheFlush = Rule("legacy-unicast-no-cache-flush", "RFC 6762 §10.2", .must,
        "The cache-flush bit MUST NOT be set in any resource records in a response message sent in legacy unicast responses to UDP ports other than 5353.") { t in
        each(t, "legacy replies without cache-flush", { $0.isLegacyReply }) { p in
            let m = p.message!
            return (m.answers + m.authorities + m.additionals).first(where: \.cacheFlush).map { "cache-flush on \($0.name) \($0.type) in a legacy reply" }
        }
    }

    static let legacyUnicastTTL = Rule("legacy-unicast-ttl", "RFC 6762 §6.7", .should,
        "The resource record TTL given in a legacy unicast response SHOULD NOT be greater than ten seconds, even if the true TTL of the Multicast DNS resource record is higher.") { t in
        each(t, "legacy replies with TTLs of 10 s or less", { $0.isLegacyReply }) { p in
            let m = p.message!
            return (m.answers + m.authorities + m.additionals).first(where: { $0.type != .opt && $0.ttl > RFC6762.legacyUnicastMaxTTL })
                .map { "\($0.name) \($0.type) TTL \($0.ttl) in a legacy reply (10 s)" }
        }
    }
}
