import DNSWire
import MDNSCore

/// RFC 6762 §5.4, §6, §7 and RFC 6763 §12: answering.
enum RespondingCases {
    static var all: [ConformanceCase] {
        [
            ConformanceCase(id: "rfc6762-6-unique-reply-time", section: "RFC 6762 §6",
                            title: "unique answers (SRV, TXT, A, ANY) go out at once: ≤ 10 ms pass, > 750 ms fail",
                            catalogue: ["A19", "B: SIMPLE REPLY RESPONSE TIME", "B: SIMPLE REPLY VERIFICATION"]) { c in
                c.startSettled()
                var outs: [CaseOutcome] = []
                for (name, type) in [(c.instanceName(), RRType.srv), (c.instanceName(), .txt), (c.hostName, .a), (c.instanceName(), .any)] {
                    let want = type == .any ? RRType.srv : type
                    let r = c.ask(CaseContext.query(name, type), match: { CaseContext.answers($0, name, want) })
                    outs.append(c.judgeUnique(r?.ms))
                    if type == .srv, let m = r?.packet.message, !m.additionals.contains(where: { $0.type == .a || $0.type == .aaaa }) {
                        outs.append(.warn("SRV reply without an address in Additional"))
                    }
                    c.wait(.milliseconds(1500))
                }
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-6-shared-reply-time", section: "RFC 6762 §6",
                            title: "shared answers (PTR) wait 20–125 ms (BCT: 10–20/125–750 warn)",
                            catalogue: ["A19", "B: SHARED REPLY TIMING"]) { c in
                c.startSettled()
                let ds = c.replyDelays(count: 50, spacing: .milliseconds(1200), make: { CaseContext.query(c.typeName(), .ptr) },
                                       match: { CaseContext.answers($0, c.typeName(), .ptr) })
                return sharedTiming(c, ds)
            },
            ConformanceCase(id: "bct-shared-reply-distribution", section: "RFC 6762 §6",
                            title: "shared reply delays are uniform: each 21 ms bin holds 5–45 % of replies",
                            catalogue: ["A19", "B: UNIFORM RANDOM REPLY TIME DISTRIBUTION"]) { c in
                c.startSettled()
                let ds = c.replyDelays(count: 200, spacing: .milliseconds(1200), make: { CaseContext.query(c.typeName(), .ptr) },
                                       match: { CaseContext.answers($0, c.typeName(), .ptr) })
                return c.judgeDistribution(ds.compactMap { $0 })
            },
            ConformanceCase(id: "rfc6762-6-rate-limit", section: "RFC 6762 §6",
                            title: "a record is not multicast twice within 1 s on an interface",
                            catalogue: ["A20"]) { c in
                c.startSettled()
                guard let first = c.ask(CaseContext.query(c.typeName(), .ptr), match: { CaseContext.answers($0, c.typeName(), .ptr) }) else {
                    return .fail("no answer to the first query")
                }
                c.wait(until: first.packet.time + .milliseconds(300))
                let again = c.ask(CaseContext.query(c.typeName(), .ptr), timeout: .milliseconds(600),
                                  match: { CaseContext.answers($0, c.typeName(), .ptr) && $0.isMulticast })
                if let a = again, a.packet.time - first.packet.time < .seconds(1) {
                    return .fail("PTR multicast again after \(c.fmt(c.ms(first.packet.time, a.packet.time))) ms")
                }
                c.wait(until: first.packet.time + .milliseconds(1500))
                let third = c.ask(CaseContext.query(c.typeName(), .ptr), match: { CaseContext.answers($0, c.typeName(), .ptr) })
                if third == nil { return .fail("no answer 1.5 s after the first") }
                return .pass("second query within 1 s not re-multicast; answered again after 1 s")
            },
            ConformanceCase(id: "rfc6762-6-probe-defense", section: "RFC 6762 §6",
                            title: "QM probes for an owned name are multicast-answered at once, and again 300 ms later (250 ms limit)",
                            catalogue: ["A20", "B: PROBING: PROBE DENIALS"]) { c in
                c.startSettled()
                // Later probes may be QM (§8.1): their answers are multicast, limited to once per 250 ms.
                var probe = CaseContext.probe(c.hostName, [c.conflictingAddress()].map { var r = $0; r.cacheFlush = false; return r })
                probe.questions[0].unicastResponse = false
                guard let a = c.ask(probe, from: c.otherPeer, match: { CaseContext.answers($0, c.hostName, .a) && $0.isMulticast }) else { return .fail("probe not answered") }
                c.wait(until: a.packet.time + .milliseconds(300))
                guard let b = c.ask(probe, from: c.otherPeer, match: { CaseContext.answers($0, c.hostName, .a) && $0.isMulticast }) else {
                    return .fail("second probe 300 ms later not answered (probe answers are limited to 250 ms, not 1 s)")
                }
                return .worst([c.judgeUnique(a.ms), c.judgeUnique(b.ms)])
            },
            ConformanceCase(id: "rfc6762-6-tc-delay", section: "RFC 6762 §6",
                            title: "a query with TC set is answered after 400–500 ms",
                            catalogue: ["A21"]) { c in
                c.startSettled()
                var q = CaseContext.query(c.typeName(), .ptr)
                q.header.truncated = true
                guard let r = c.ask(q, timeout: .seconds(1), match: { CaseContext.answers($0, c.typeName(), .ptr) }) else { return .fail("no reply") }
                if r.ms >= 400 && r.ms <= 500 { return .pass("reply after \(c.fmt(r.ms)) ms") }
                if r.ms >= 380 && r.ms <= 525 { return .warn("reply after \(c.fmt(r.ms)) ms (400–500 ms expected)") }
                return .fail("reply after \(c.fmt(r.ms)) ms (400–500 ms expected)")
            },
            ConformanceCase(id: "rfc6762-7.2-tc-continuation", section: "RFC 6762 §7.2",
                            title: "known answers in TC continuation packets (no questions) are merged before answering",
                            catalogue: ["A31"]) { c in
                c.startSettled()
                var q = CaseContext.query(c.typeName(), .ptr)
                q.header.truncated = true
                c.send(q)
                c.wait(.milliseconds(50))
                let ka = ResourceRecord(name: c.typeName(), ttl: 4500, rdata: .ptr(c.instanceName()))
                c.send(Message(header: .query, answers: [ka]))
                let t0 = c.now
                if let p = c.waitFor(.seconds(1), { CaseContext.answers($0, c.typeName(), .ptr) }) {
                    c.cite(p)
                    return .fail("answered \(c.fmt(c.ms(t0, p.time))) ms after the continuation that held the answer")
                }
                // Control: without the continuation the same query is answered.
                var q2 = CaseContext.query(c.typeName(), .ptr)
                q2.header.truncated = true
                if c.ask(q2, match: { CaseContext.answers($0, c.typeName(), .ptr) }) == nil { return .fail("TC query never answered") }
                return .pass("continuation's known answer suppressed the reply; the same TC query alone was answered")
            },
            ConformanceCase(id: "rfc6762-6.1-nsec", section: "RFC 6762 §6.1",
                            title: "a query for a missing type of an owned name gets an NSEC with cache-flush listing the types that exist",
                            catalogue: ["A22"]) { c in
                c.startSettled()
                var outs: [CaseOutcome] = []
                for (name, ask, want) in [(c.hostName, RRType.txt, Set([RRType.a, .aaaa])), (c.instanceName(), .a, Set([RRType.srv, .txt]))] {
                    guard let r = c.ask(CaseContext.query(name, ask), match: { CaseContext.answers($0, name, .nsec) }) else {
                        outs.append(.fail("no NSEC for \(name) \(ask)")); continue
                    }
                    let n = r.packet.message!.answers.first { $0.type == .nsec && $0.name == name }!
                    guard case .nsec(let nsec) = n.rdata else { continue }
                    if !n.cacheFlush { outs.append(.fail("NSEC without the cache-flush bit")) }
                    if Set(nsec.types.filter { $0 != .nsec }) != want { outs.append(.fail("NSEC lists \(nsec.types), expected \(want.sorted())")) }
                    outs.append(.pass("NSEC for \(name) lists \(nsec.types.map(\.description).joined(separator: " "))"))
                    c.wait(.milliseconds(1200))
                }
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-6.2-address-additional", section: "RFC 6762 §6.2",
                            title: "an A answer carries the AAAA (or an NSEC) in Additional",
                            catalogue: ["A23"]) { c in
                c.startSettled()
                guard let r = c.ask(CaseContext.query(c.hostName, .a), match: { CaseContext.answers($0, c.hostName, .a) }) else { return .fail("no reply") }
                let ar = r.packet.message!.additionals
                if ar.contains(where: { $0.name == c.hostName && ($0.type == .aaaa || $0.type == .nsec) }) { return .pass("AAAA/NSEC in Additional") }
                return .warn("A answer without AAAA or NSEC in Additional")
            },
            ConformanceCase(id: "rfc6762-6.4-aggregation", section: "RFC 6762 §6.4",
                            title: "answers to queries close together are aggregated; no record twice in a packet",
                            catalogue: ["A24", "B: REPLY AGGREGATION"]) { c in
                c.startSettled()
                let names = [c.typeName(), try! c.typeName().prepending("_sub").prepending("_printer"), DNSName.serviceTypeEnumeration]
                let t0 = c.now
                for n in names { c.send(CaseContext.query(n, .ptr)); c.wait(.milliseconds(10)) }
                c.wait(.seconds(1))
                let rs = c.sent(after: t0).filter(CaseContext.isResponse)
                rs.forEach { c.cite($0) }
                let answered = names.filter { n in rs.contains { CaseContext.answers($0, n, .ptr) } }
                if answered.count < names.count { return .fail("\(answered.count)/\(names.count) questions answered") }
                for p in rs where duplicates(p.message!) { return .fail("a record appears twice in one packet") }
                if rs.count <= 2 { return .pass("3 queries answered in \(rs.count) packet(s)") }
                return .warn("3 queries 10 ms apart answered in \(rs.count) packets")
            },
            ConformanceCase(id: "rfc6762-6.5-any", section: "RFC 6762 §6.5",
                            title: "ANY returns every record of the name (SRV and TXT for an instance)",
                            catalogue: ["A25", "B: SHARED REPLY TIMING (T_ANY carries SRV and TXT)"]) { c in
                c.startSettled()
                guard let r = c.ask(CaseContext.query(c.instanceName(), .any), match: { CaseContext.answers($0, c.instanceName()) }) else {
                    return .fail("no reply")
                }
                let types = Set(r.packet.message!.answers.filter { $0.name == c.instanceName() }.map(\.type))
                if types.isSuperset(of: [.srv, .txt]) { return .pass("ANY answered with \(types.sorted().map(\.description))") }
                return .fail("ANY answered with \(types.sorted().map(\.description)), SRV and TXT expected")
            },
            ConformanceCase(id: "rfc6762-6.7-legacy-unicast", section: "RFC 6762 §6.7",
                            title: "legacy unicast: reply to source port, ID and question echoed, no cache-flush, TTL ≤ 10 s",
                            catalogue: ["A26", "B: CACHE FLUSH BIT NOT SET IN UNICAST RESPONSE", "B: UNICAST INTEROPERABILITY"]) { c in
                c.startSettled()
                let legacy = SocketAddress(.v4(IPv4Address(169, 254, 200, 10)), port: 53535)
                var outs: [CaseOutcome] = []
                for (name, type) in [(c.instanceName(), RRType.srv), (c.typeName(), .ptr)] {
                    guard let r = c.ask(CaseContext.query(name, type, id: 0x1234), from: legacy, match: { CaseContext.answers($0, name, type) }) else {
                        outs.append(.fail("no reply to a legacy \(type) query")); continue
                    }
                    let m = r.packet.message!
                    if r.packet.destination != .unicast(legacy) { outs.append(.fail("reply sent to \(r.packet.destination), not \(legacy)")) }
                    if m.header.id != 0x1234 { outs.append(.fail("ID \(m.header.id) not echoed")) }
                    if !m.questions.contains(where: { $0.name == name && $0.type == type }) { outs.append(.fail("question not echoed")) }
                    if (m.answers + m.additionals).contains(where: \.cacheFlush) { outs.append(.fail("cache-flush bit set in a legacy unicast reply")) }
                    if let t = (m.answers + m.additionals).map(\.ttl).max(), t > 10 { outs.append(.fail("TTL \(t) > 10 s")) }
                    outs.append(.pass("legacy \(type) reply to \(legacy)"))
                }
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-5.4-qu-unicast", section: "RFC 6762 §5.4",
                            title: "QU: unicast reply when the record was multicast within ¼ TTL, multicast otherwise",
                            catalogue: ["A27", "B: UNICAST INTEROPERABILITY"]) { c in
                c.startSettled()
                var outs: [CaseOutcome] = []
                // Just announced: within a quarter of the SRV's 120 s TTL.
                if let r = c.ask(CaseContext.query(c.instanceName(), .srv, qu: true), match: { CaseContext.answers($0, c.instanceName(), .srv) }) {
                    outs.append(r.packet.destination == .unicast(c.tester) ? .pass("recent record: unicast reply to \(c.tester)")
                                : .fail("QU answered \(r.packet.isMulticast ? "by multicast" : "elsewhere") though multicast \(c.fmt((r.packet.time - c.startTime).seconds)) s ago"))
                } else { outs.append(.fail("QU query not answered")) }
                // A QU probe always gets its unicast answer (§5.4), whatever was multicast when.
                c.wait(.milliseconds(1100))
                let probe = CaseContext.probe(c.instanceName(), [c.conflictingSRV()])
                if let r = c.ask(probe, match: { CaseContext.answers($0, c.instanceName(), .srv) && $0.destination == .unicast(c.tester) }) {
                    outs.append(.pass("QU probe answered by unicast after \(c.fmt(r.ms)) ms"))
                } else { outs.append(.fail("QU probe not answered by unicast")) }
                // 40 s later the SRV (TTL 120) has not been multicast within 30 s: multicast refreshes caches.
                c.wait(.seconds(40))
                if let r = c.ask(CaseContext.query(c.instanceName(), .srv, qu: true), match: { CaseContext.answers($0, c.instanceName(), .srv) }) {
                    outs.append(r.packet.isMulticast ? .pass("stale record: multicast reply") : .warn("QU answered by unicast 40 s after the last multicast (> ¼ TTL)"))
                } else { outs.append(.fail("second QU query not answered")) }
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-18.12-qu-bit-masked", section: "RFC 6762 §18.12",
                            title: "the QU bit is masked off before class matching",
                            catalogue: ["A4"]) { c in
                c.startSettled()
                let r = c.ask(CaseContext.query(c.typeName(), .ptr, qu: true), match: { CaseContext.answers($0, c.typeName(), .ptr) })
                return r == nil ? .fail("QU PTR query (class 0x8001) not answered") : .pass("QU PTR query answered")
            },
            ConformanceCase(id: "rfc6763-12.1-ptr-additionals", section: "RFC 6763 §12.1",
                            title: "a PTR answer carries SRV, TXT and the target's addresses in Additional",
                            catalogue: ["A28", "B: REQUIRED ADDITIONAL RECORDS IN ANSWERS", "B: ADDITIONAL RECORDS IN ANSWER CHECK"]) { c in
                c.startSettled()
                guard let r = c.ask(CaseContext.query(c.typeName(), .ptr), match: { CaseContext.answers($0, c.typeName(), .ptr) }) else { return .fail("no reply") }
                let ar = r.packet.message!.additionals
                var missing: [String] = []
                if !ar.contains(where: { $0.name == c.instanceName() && $0.type == .srv }) { missing.append("SRV") }
                if !ar.contains(where: { $0.name == c.instanceName() && $0.type == .txt }) { missing.append("TXT") }
                if !ar.contains(where: { $0.name == c.hostName && ($0.type == .a || $0.type == .aaaa) }) { missing.append("A/AAAA") }
                return missing.isEmpty ? .pass("SRV, TXT and addresses in Additional") : .warn("Additional lacks \(missing.joined(separator: ", "))")
            },
            ConformanceCase(id: "rfc6763-12.2-srv-additionals", section: "RFC 6763 §12.2",
                            title: "an SRV answer carries the target's A/AAAA in Additional",
                            catalogue: ["A28", "B: REQUIRED ADDITIONAL RECORDS IN ANSWERS"]) { c in
                c.startSettled()
                guard let r = c.ask(CaseContext.query(c.instanceName(), .srv), match: { CaseContext.answers($0, c.instanceName(), .srv) }) else { return .fail("no reply") }
                let ar = r.packet.message!.additionals
                return ar.contains(where: { $0.name == c.hostName && ($0.type == .a || $0.type == .aaaa) })
                    ? .pass("addresses in Additional") : .warn("SRV answer without the target's addresses")
            },
            ConformanceCase(id: "rfc6762-7.1-known-answer-suppression", section: "RFC 6762 §7.1",
                            title: "a known answer with ≥ ½ the TTL suppresses the answer; with < ½ it does not",
                            catalogue: ["A29", "B: DUPLICATE SUPPRESSION"]) { c in
                c.startSettled()
                let ptr = { (ttl: UInt32) in ResourceRecord(name: c.typeName(), ttl: ttl, rdata: .ptr(c.instanceName())) }
                if let r = c.ask(CaseContext.query(c.typeName(), .ptr, known: [ptr(4500)]), match: { CaseContext.answers($0, c.typeName(), .ptr) }) {
                    return .fail("answered despite a known answer with full TTL (\(c.fmt(r.ms)) ms)")
                }
                c.wait(.milliseconds(500))
                guard c.ask(CaseContext.query(c.typeName(), .ptr, known: [ptr(2000)]), match: { CaseContext.answers($0, c.typeName(), .ptr) }) != nil else {
                    return .fail("not answered when the known answer's TTL (2000) is below half of 4500")
                }
                return .pass("suppressed at TTL 4500, answered at TTL 2000")
            },
            ConformanceCase(id: "rfc6762-7.4-duplicate-answer-suppression", section: "RFC 6762 §7.4",
                            title: "a pending answer is dropped when another host multicasts the same record first",
                            catalogue: ["A33", "B: DISTRIBUTED DUPLICATE SUPPRESSION"]) { c in
                c.startSettled()
                let ptr = ResourceRecord(name: c.typeName(), ttl: 4500, rdata: .ptr(c.instanceName()))
                let t0 = c.now
                c.send(CaseContext.query(c.typeName(), .ptr))
                c.wait(.milliseconds(5))
                c.send(CaseContext.response([ptr]), from: c.otherPeer)
                if let p = c.waitFor(.seconds(1), { CaseContext.answers($0, c.typeName(), .ptr) }) {
                    c.cite(p)
                    return .fail("answered \(c.fmt(c.ms(t0, p.time))) ms after the query though another host already had")
                }
                return .pass("no duplicate answer after another host answered at +5 ms")
            },
            ConformanceCase(id: "bct-multiple-questions-shared-timing", section: "RFC 6762 §6",
                            title: "a query with two shared questions gets one reply after 20–125 ms",
                            catalogue: ["B: MULTIPLE QUESTIONS – SHARED REPLY TIMING"]) { c in
                c.startSettled()
                let ds = c.replyDelays(count: 30, spacing: .milliseconds(1200), make: { twoQuestions(c) }, match: { p in
                    CaseContext.answers(p, c.typeName(), .ptr) && CaseContext.answers(p, subtypeName(c), .ptr)
                })
                return sharedTiming(c, ds)
            },
            ConformanceCase(id: "bct-multiple-questions-distribution", section: "RFC 6762 §6",
                            title: "replies to two-question queries are uniformly delayed",
                            catalogue: ["B: MULTIPLE QUESTIONS – UNIFORM RANDOM REPLY TIME DISTRIBUTION"]) { c in
                c.startSettled()
                let ds = c.replyDelays(count: 200, spacing: .milliseconds(1200), make: { twoQuestions(c) }, match: { p in
                    CaseContext.answers(p, c.typeName(), .ptr) || CaseContext.answers(p, subtypeName(c), .ptr)
                })
                return c.judgeDistribution(ds.compactMap { $0 })
            },
            ConformanceCase(id: "bct-multiple-questions-duplicate-suppression", section: "RFC 6762 §7.1",
                            title: "two questions, one known answer: only the other is answered",
                            catalogue: ["B: MULTIPLE QUESTIONS – DUPLICATE SUPPRESSION"]) { c in
                c.startSettled()
                var q = twoQuestions(c)
                q.answers = [ResourceRecord(name: c.typeName(), ttl: 4500, rdata: .ptr(c.instanceName()))]
                guard let r = c.ask(q, match: { CaseContext.answers($0, subtypeName(c), .ptr) || CaseContext.answers($0, c.typeName(), .ptr) }) else {
                    return .fail("nothing answered")
                }
                c.wait(.seconds(1))
                if c.sent(after: r.packet.time - .nanoseconds(1)).contains(where: { CaseContext.answers($0, c.typeName(), .ptr) }) {
                    return .fail("the known answer was sent anyway")
                }
                return CaseContext.answers(r.packet, subtypeName(c), .ptr) ? .pass("only the unknown answer sent") : .fail("subtype PTR not answered")
            },
            ConformanceCase(id: "bct-multiple-questions-distributed-suppression", section: "RFC 6762 §7.4",
                            title: "two questions; another host answers one first: only the other is sent",
                            catalogue: ["B: MULTIPLE QUESTIONS – DISTRIBUTED DUPLICATE SUPPRESSION"]) { c in
                c.startSettled()
                let t0 = c.now
                c.send(twoQuestions(c))
                c.wait(.milliseconds(5))
                c.send(CaseContext.response([ResourceRecord(name: c.typeName(), ttl: 4500, rdata: .ptr(c.instanceName()))]), from: c.otherPeer)
                c.wait(.seconds(1))
                let rs = c.sent(after: t0).filter(CaseContext.isResponse)
                rs.forEach { c.cite($0) }
                if rs.contains(where: { CaseContext.answers($0, c.typeName(), .ptr) }) { return .fail("sent the PTR another host had just sent") }
                if !rs.contains(where: { CaseContext.answers($0, subtypeName(c), .ptr) }) { return .fail("subtype PTR not answered") }
                return .pass("only the subtype PTR sent")
            },
        ]
    }

    static func subtypeName(_ c: CaseContext) -> DNSName { (try? c.typeName().prepending("_sub").prepending("_printer")) ?? .root }

    static func twoQuestions(_ c: CaseContext) -> Message {
        Message(header: .query, questions: [Question(name: c.typeName(), type: .ptr), Question(name: subtypeName(c), type: .ptr)])
    }

    static func sharedTiming(_ c: CaseContext, _ ds: [Double?]) -> CaseOutcome {
        let got = ds.compactMap { $0 }
        if got.count < ds.count { return .fail("\(ds.count - got.count) of \(ds.count) queries unanswered") }
        let outs = got.map { c.judgeShared($0) }
        let worst = CaseOutcome.worst(outs)
        let summary = "\(got.count) replies, \(c.fmt(got.min()!))–\(c.fmt(got.max()!)) ms"
        return worst.verdict == .pass ? .pass(summary) : CaseOutcome(worst.verdict, summary + ": " + (outs.first { $0.verdict == worst.verdict }!.summary))
    }

    static func duplicates(_ m: Message) -> Bool {
        var seen = Set<ResourceRecord>()
        for r in m.answers + m.authorities + m.additionals {
            var k = r
            k.ttl = 0; k.cacheFlush = false
            if !seen.insert(k).inserted { return true }
        }
        return false
    }
}
