import DNSWire
import MDNSCore

/// RFC 6762 §5.4, §6, §7 and RFC 6763 §12: answering.
enum RespondingCases {
    /// Replies sampled for a reply-time distribution: 200 on virtual time; 100 on real time (two
    /// minutes, each reply a second apart under §6's rate limit), still 20 ± 4 per 21 ms bin against
    /// the 5–45 % bounds.
    static func distributionSamples(_ c: CaseContext) -> Int { c.target.capabilities.contains(.virtualTime) ? 200 : 100 }
    static let liveDistributionTime = Duration.seconds(128)

    static var all: [ConformanceCase] {
        [
            ConformanceCase(id: "rfc6762-6-unique-reply-time", section: "RFC 6762 §6",
                            title: "unique answers (SRV, TXT, A, ANY) go out at once: ≤ 10 ms pass, > 750 ms fail",
                            catalogue: ["A19", "B: SIMPLE REPLY RESPONSE TIME", "B: SIMPLE REPLY VERIFICATION"],
                            level: .should, citation: "In the case where a Multicast DNS responder has good reason to believe that it will be the only responder on the link that will send a response (i.e., because it is able to answer every question in the query message, and for all of those answer records it has previously verified that the name, rrtype, and rrclass are unique on the link), it SHOULD NOT impose any random delay before responding, and SHOULD normally generate its response within at most 10 ms.") { c in
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
                            catalogue: ["A19", "B: SHARED REPLY TIMING"],
                            level: .should, citation: "In any case where there may be multiple responses, such as queries where the answer is a member of a shared resource record set, each responder SHOULD delay its response by a random amount of time selected with uniform random distribution in the range 20-120 ms.") { c in
                c.startSettled()
                let ds = c.replyDelays(count: 50, spacing: .milliseconds(1200), make: { CaseContext.query(c.typeName(), .ptr) },
                                       match: { CaseContext.answers($0, c.typeName(), .ptr) })
                return sharedTiming(c, ds)
            },
            ConformanceCase(id: "bct-shared-reply-distribution", section: "RFC 6762 §6",
                            title: "shared reply delays are uniform: each 21 ms bin holds 5–45 % of replies",
                            catalogue: ["A19", "B: UNIFORM RANDOM REPLY TIME DISTRIBUTION"],
                            level: .should, citation: "In any case where there may be multiple responses, such as queries where the answer is a member of a shared resource record set, each responder SHOULD delay its response by a random amount of time selected with uniform random distribution in the range 20-120 ms.", realTime: liveDistributionTime) { c in
                c.startSettled()
                let ds = c.replyDelays(count: distributionSamples(c), spacing: .milliseconds(1200), make: { CaseContext.query(c.typeName(), .ptr) },
                                       match: { CaseContext.answers($0, c.typeName(), .ptr) })
                return c.judgeDistribution(ds.compactMap { $0 })
            },
            ConformanceCase(id: "rfc6762-6-rate-limit", section: "RFC 6762 §6",
                            title: "a record is not multicast twice within 1 s on an interface",
                            catalogue: ["A20"],
                            level: .must, citation: "To protect the network against excessive packet flooding due to software bugs or malicious attack, a Multicast DNS responder MUST NOT (except in the one special case of answering probe queries) multicast a record on a given interface until at least one second has elapsed since the last time that record was multicast on that particular interface.") { c in
                c.startSettled()
                guard let first = c.ask(CaseContext.query(c.typeName(), .ptr), match: { CaseContext.answers($0, c.typeName(), .ptr) }) else {
                    return .fail("no answer to the first query")
                }
                // Asked again 700 ms later: a shared answer (20–120 ms) would still fall inside the second.
                c.wait(until: first.packet.time + .milliseconds(700))
                let again = c.ask(CaseContext.query(c.typeName(), .ptr), timeout: .milliseconds(290),
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
                            catalogue: ["A20", "B: PROBING: PROBE DENIALS"],
                            level: .must, citation: "In the special case of answering probe queries, because of the limited time before the probing host will make its decision about whether or not to use the name, a Multicast DNS responder MUST respond quickly.") { c in
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
                            catalogue: ["A21"],
                            level: .should, citation: "In the case where the query has the TC (truncated) bit set, indicating that subsequent Known-Answer packets will follow, responders SHOULD delay their responses by a random amount of time selected with uniform random distribution in the range 400-500 ms, to allow enough time for all the Known-Answer packets to arrive, as described in Section 7.2, \"Multipacket Known-Answer Suppression\".") { c in
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
                            catalogue: ["A31"],
                            level: .must, citation: "If the responder sees any of its answers listed in the Known-Answer lists of subsequent packets from the querying host, it MUST delete that answer from the list of answers it is planning to give (provided that no other host on the network has also issued a query for that record and is waiting to receive an answer).") { c in
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
                            catalogue: ["A22"],
                            level: .must, citation: "Any time a responder receives a query for a name for which it has verified exclusive ownership, for a type for which that name has no records, the responder MUST (except as allowed in (a) below) respond asserting the nonexistence of that record using a DNS NSEC record [RFC4034].") { c in
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
                            catalogue: ["A23"],
                            level: .should, citation: "When a Multicast DNS responder places an IPv4 or IPv6 address record (rrtype \"A\" or \"AAAA\") into a response message, it SHOULD also place any records of the other address type with the same name into the additional section, if there is space in the message.") { c in
                c.startSettled()
                guard let r = c.ask(CaseContext.query(c.hostName, .a), match: { CaseContext.answers($0, c.hostName, .a) }) else { return .fail("no reply") }
                let ar = r.packet.message!.additionals
                if ar.contains(where: { $0.name == c.hostName && ($0.type == .aaaa || $0.type == .nsec) }) { return .pass("AAAA/NSEC in Additional") }
                return .warn("A answer without AAAA or NSEC in Additional")
            },
            ConformanceCase(id: "rfc6762-6.4-aggregation", section: "RFC 6762 §6.4",
                            title: "answers to queries close together are aggregated; no record twice in a packet",
                            catalogue: ["A24", "B: REPLY AGGREGATION"],
                            level: .should, citation: "When possible, a responder SHOULD, for the sake of network efficiency, aggregate as many responses as possible into a single Multicast DNS response message.") { c in
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
                            catalogue: ["A25", "B: SHARED REPLY TIMING (T_ANY carries SRV and TXT)"],
                            level: .must, citation: "When responding to queries using qtype \"ANY\" (255) and/or qclass \"ANY\" (255), a Multicast DNS responder MUST respond with *ALL* of its records that match the query.") { c in
                c.startSettled()
                guard let r = c.ask(CaseContext.query(c.instanceName(), .any), match: { CaseContext.answers($0, c.instanceName()) }) else {
                    return .fail("no reply")
                }
                let types = Set(r.packet.message!.answers.filter { $0.name == c.instanceName() }.map(\.type))
                if types.isSuperset(of: [.srv, .txt]) { return .pass("ANY answered with \(types.sorted().map(\.description))") }
                return .fail("ANY answered with \(types.sorted().map(\.description)), SRV and TXT expected")
            },
            ConformanceCase(id: "rfc6762-6.7-legacy-unicast", section: "RFC 6762 §6.7",
                            title: "legacy unicast: reply to source port, ID and question echoed, no cache-flush",
                            catalogue: ["A26", "B: CACHE FLUSH BIT NOT SET IN UNICAST RESPONSE", "B: UNICAST INTEROPERABILITY"],
                            level: .must, citation: "In this case, the Multicast DNS responder MUST send a UDP response directly back to the querier, via unicast, to the query packet's source IP address and port.  This unicast response MUST be a conventional unicast response as would be generated by a conventional Unicast DNS server; for example, it MUST repeat the query ID and the question given in the query message.  In addition, the cache-flush bit described in Section 10.2, \"Announcements to Flush Outdated Cache Entries\", MUST NOT be set in legacy unicast responses.") { c in
                legacyQueries(c) { name, type, legacy, p in
                    var outs: [CaseOutcome] = []
                    let m = p.message!
                    if p.destination != .unicast(legacy) { outs.append(.fail("reply sent to \(p.destination), not \(legacy)")) }
                    if m.header.id != 0x1234 { outs.append(.fail("ID \(m.header.id) not echoed")) }
                    if !m.questions.contains(where: { $0.name == name && $0.type == type }) { outs.append(.fail("question not echoed")) }
                    if (m.answers + m.additionals).contains(where: \.cacheFlush) { outs.append(.fail("cache-flush bit set in a legacy unicast reply")) }
                    outs.append(.pass("legacy \(type) reply to \(legacy)"))
                    return outs
                }
            },
            ConformanceCase(id: "rfc6762-6.7-legacy-ttl", section: "RFC 6762 §6.7",
                            title: "legacy unicast replies carry TTLs of at most 10 s",
                            catalogue: ["A26", "B: UNICAST INTEROPERABILITY"],
                            level: .should, citation: "The resource record TTL given in a legacy unicast response SHOULD NOT be greater than ten seconds, even if the true TTL of the Multicast DNS resource record is higher.") { c in
                legacyQueries(c) { _, type, _, p in
                    let m = p.message!
                    if let t = (m.answers + m.additionals).map(\.ttl).max(), t > 10 { return [.fail("\(type) reply: TTL \(t) > 10 s")] }
                    return [.pass("legacy \(type) reply with TTLs ≤ 10 s")]
                }
            },
            ConformanceCase(id: "rfc6762-5.4-qu-unicast", section: "RFC 6762 §5.4",
                            title: "QU: unicast reply when the record was multicast within ¼ TTL, multicast otherwise",
                            catalogue: ["A27", "B: UNICAST INTEROPERABILITY"],
                            level: .should, citation: "When receiving a question with the unicast-response bit set, a responder SHOULD usually respond with a unicast packet directed back to the querier.  However, if the responder has not multicast that record recently (within one quarter of its TTL), then the responder SHOULD instead multicast the response so as to keep all the peer caches up to date, and to permit passive conflict detection.") { c in
                c.startSettled()
                var outs: [CaseOutcome] = []
                // Just announced: within a quarter of the SRV's 120 s TTL.
                if let r = c.ask(CaseContext.query(c.instanceName(), .srv, qu: true), match: { CaseContext.answers($0, c.instanceName(), .srv) }) {
                    outs.append(r.packet.destination == .unicast(c.tester) ? .pass("recent record: unicast reply to \(c.tester)")
                                : .fail("QU answered \(r.packet.isMulticast ? "by multicast" : "elsewhere") though multicast \(c.fmt((r.packet.time - c.startTime).seconds)) s ago"))
                } else { outs.append(.fail("QU query not answered")) }
                // 40 s later the SRV (TTL 120) has not been multicast within 30 s: multicast refreshes caches.
                c.wait(.seconds(40))
                if let r = c.ask(CaseContext.query(c.instanceName(), .srv, qu: true), match: { CaseContext.answers($0, c.instanceName(), .srv) }) {
                    outs.append(r.packet.isMulticast ? .pass("stale record: multicast reply") : .fail("QU answered by unicast 40 s after the last multicast (> ¼ TTL)"))
                } else { outs.append(.fail("second QU query not answered")) }
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-5.4-qu-probe", section: "RFC 6762 §5.4",
                            title: "a QU probe gets its unicast answer, and a multicast one too when the record was last multicast > ¼ TTL ago",
                            catalogue: ["A27"],
                            level: .info, citation: "In the case of answering a probe question (Section 8.1) with the unicast- response bit set, the responder should always generate the requested unicast response, but it may also send a multicast announcement if the time since the last multicast announcement of that record is more than a quarter of its TTL.") { c in
                c.startSettled()
                var outs: [CaseOutcome] = []
                let probe = CaseContext.probe(c.instanceName(), [c.conflictingSRV()])
                if let r = c.ask(probe, match: { CaseContext.answers($0, c.instanceName(), .srv) && $0.destination == .unicast(c.tester) }) {
                    outs.append(.pass("fresh record: QU probe answered by unicast after \(c.fmt(r.ms)) ms"))
                } else { outs.append(.fail("QU probe not answered by unicast")) }
                // 40 s later the SRV (TTL 120) was last multicast more than 30 s ago.
                c.wait(.seconds(40))
                let t1 = c.now
                if c.ask(probe, match: { CaseContext.answers($0, c.instanceName(), .srv) && $0.destination == .unicast(c.tester) }) == nil {
                    outs.append(.fail("QU probe 40 s after the last multicast not answered by unicast"))
                }
                c.wait(.milliseconds(500))
                if let m = c.sent(after: t1).first(where: { $0.isMulticast && CaseContext.answers($0, c.instanceName(), .srv) }) {
                    c.cite(m, "multicast refresh")
                    outs.append(.pass("stale record: unicast answer and a multicast one"))
                } else { outs.append(.fail("no multicast answer to a QU probe 40 s (> ¼ TTL) after the last multicast")) }
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-18.12-qu-bit-masked", section: "RFC 6762 §18.12",
                            title: "the QU bit is masked off before class matching",
                            catalogue: ["A4"],
                            level: .info, citation: "In the Question Section of a Multicast DNS query, the top bit of the qclass field is used to indicate that unicast responses are preferred for this particular question.") { c in
                c.startSettled()
                let r = c.ask(CaseContext.query(c.typeName(), .ptr, qu: true), match: { CaseContext.answers($0, c.typeName(), .ptr) })
                return r == nil ? .fail("QU PTR query (class 0x8001) not answered") : .pass("QU PTR query answered")
            },
            ConformanceCase(id: "rfc6763-12.1-ptr-additionals", section: "RFC 6763 §12.1",
                            title: "a PTR answer carries SRV, TXT and the target's addresses in Additional",
                            catalogue: ["A28", "B: REQUIRED ADDITIONAL RECORDS IN ANSWERS", "B: ADDITIONAL RECORDS IN ANSWER CHECK"],
                            level: .should, citation: "When including a DNS-SD Service Instance Enumeration or Selective Instance Enumeration (subtype) PTR record in a response packet, the server/responder SHOULD include the following additional records: o The SRV record(s) named in the PTR rdata. o The TXT record(s) named in the PTR rdata. o All address records (type \"A\" and \"AAAA\") named in the SRV rdata.") { c in
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
                            catalogue: ["A28", "B: REQUIRED ADDITIONAL RECORDS IN ANSWERS"],
                            level: .should, citation: "When including an SRV record in a response packet, the server/responder SHOULD include the following additional records: o All address records (type \"A\" and \"AAAA\") named in the SRV rdata.") { c in
                c.startSettled()
                guard let r = c.ask(CaseContext.query(c.instanceName(), .srv), match: { CaseContext.answers($0, c.instanceName(), .srv) }) else { return .fail("no reply") }
                let ar = r.packet.message!.additionals
                return ar.contains(where: { $0.name == c.hostName && ($0.type == .a || $0.type == .aaaa) })
                    ? .pass("addresses in Additional") : .warn("SRV answer without the target's addresses")
            },
            ConformanceCase(id: "rfc6762-7.1-known-answer-suppression", section: "RFC 6762 §7.1",
                            title: "a known answer with ≥ ½ the TTL suppresses the answer; with < ½ it does not",
                            catalogue: ["A29", "B: DUPLICATE SUPPRESSION"],
                            level: .must, citation: "A Multicast DNS responder MUST NOT answer a Multicast DNS query if the answer it would give is already included in the Answer Section with an RR TTL at least half the correct value.  If the RR TTL of the answer as given in the Answer Section is less than half of the true RR TTL as known by the Multicast DNS responder, the responder MUST send an answer so as to update the querier's cache before the record becomes in danger of expiration.") { c in
                c.startSettled()
                // The true TTL is the one the target announced; known answers at 60 % and 40 % of it.
                guard let ttl = c.announcedTTL(c.typeName(), .ptr) else { return .fail("the service PTR was never announced") }
                let ptr = { (ttl: UInt32) in ResourceRecord(name: c.typeName(), ttl: ttl, rdata: .ptr(c.instanceName())) }
                let high = ttl * 6 / 10, low = ttl * 4 / 10
                if let r = c.ask(CaseContext.query(c.typeName(), .ptr, known: [ptr(high)]), match: { CaseContext.answers($0, c.typeName(), .ptr) }) {
                    return .fail("answered despite a known answer with TTL \(high) ≥ ½ of \(ttl) (\(c.fmt(r.ms)) ms)")
                }
                c.wait(.milliseconds(500))
                guard c.ask(CaseContext.query(c.typeName(), .ptr, known: [ptr(low)]), match: { CaseContext.answers($0, c.typeName(), .ptr) }) != nil else {
                    return .fail("not answered when the known answer's TTL (\(low)) is below half of \(ttl)")
                }
                return .pass("suppressed at TTL \(high), answered at TTL \(low) (true TTL \(ttl))")
            },
            ConformanceCase(id: "rfc6762-7.4-duplicate-answer-suppression", section: "RFC 6762 §7.4",
                            title: "a pending answer is dropped when another host multicasts the same record first, with a TTL not less than ours",
                            catalogue: ["A33", "B: DISTRIBUTED DUPLICATE SUPPRESSION"],
                            level: .should, citation: "If a host is planning to send an answer, and it sees another host on the network send a response message containing the same answer record, and the TTL in that record is not less than the TTL this host would have given, then this host SHOULD treat its own answer as having been sent, and not also send an identical answer itself.") { c in
                c.startSettled()
                let ttl = c.announcedTTL(c.typeName(), .ptr) ?? 4500
                let ptr = ResourceRecord(name: c.typeName(), ttl: ttl, rdata: .ptr(c.instanceName()))
                let t0 = c.now
                c.send(CaseContext.query(c.typeName(), .ptr))
                c.wait(.milliseconds(5))
                c.send(CaseContext.response([ptr]), from: c.otherPeer)
                if let p = c.waitFor(.seconds(1), { CaseContext.answers($0, c.typeName(), .ptr) }) {
                    c.cite(p)
                    return .fail("answered \(c.fmt(c.ms(t0, p.time))) ms after the query though another host already had")
                }
                // The other host's copy with a lower TTL (⅔ of ours) does not stand for ours.
                c.wait(.seconds(2))
                let t1 = c.now
                c.send(CaseContext.query(c.typeName(), .ptr))
                c.wait(.milliseconds(5))
                c.send(CaseContext.response([ResourceRecord(name: c.typeName(), ttl: ttl * 2 / 3, rdata: .ptr(c.instanceName()))]), from: c.otherPeer)
                guard let p = c.waitFor(.seconds(1), { CaseContext.answers($0, c.typeName(), .ptr) }) else {
                    return .fail("no answer after another host multicast the record with TTL \(ttl * 2 / 3) < \(ttl) s")
                }
                c.cite(p)
                return .pass("no duplicate after an answer with the full TTL; answered \(c.fmt(c.ms(t1, p.time))) ms after one with a lower TTL")
            },
            ConformanceCase(id: "bct-multiple-questions-shared-timing", section: "RFC 6762 §6",
                            title: "a query with two shared questions gets one reply after 20–125 ms",
                            catalogue: ["B: MULTIPLE QUESTIONS – SHARED REPLY TIMING"],
                            level: .should, citation: "RFC 6762 §6.3: for query messages containing more than one question, all (non-defensive) answers SHOULD be randomly delayed in the range 20-120 ms, or 400-500 ms if the TC (truncated) bit is set.", requires: [.subtypes]) { c in
                c.startSettled()
                let ds = c.replyDelays(count: 30, spacing: .milliseconds(1200), make: { twoQuestions(c) }, match: { p in
                    CaseContext.answers(p, c.typeName(), .ptr) && CaseContext.answers(p, subtypeName(c), .ptr)
                })
                return sharedTiming(c, ds)
            },
            ConformanceCase(id: "bct-multiple-questions-distribution", section: "RFC 6762 §6",
                            title: "replies to two-question queries are uniformly delayed",
                            catalogue: ["B: MULTIPLE QUESTIONS – UNIFORM RANDOM REPLY TIME DISTRIBUTION"],
                            level: .should, citation: "RFC 6762 §6.3: for query messages containing more than one question, all (non-defensive) answers SHOULD be randomly delayed in the range 20-120 ms, or 400-500 ms if the TC (truncated) bit is set.", requires: [.subtypes], realTime: liveDistributionTime) { c in
                c.startSettled()
                let ds = c.replyDelays(count: distributionSamples(c), spacing: .milliseconds(1200), make: { twoQuestions(c) }, match: { p in
                    CaseContext.answers(p, c.typeName(), .ptr) || CaseContext.answers(p, subtypeName(c), .ptr)
                })
                return c.judgeDistribution(ds.compactMap { $0 })
            },
            ConformanceCase(id: "bct-multiple-questions-duplicate-suppression", section: "RFC 6762 §7.1",
                            title: "two questions, one known answer: only the other is answered",
                            catalogue: ["B: MULTIPLE QUESTIONS – DUPLICATE SUPPRESSION"],
                            level: .must, citation: "A Multicast DNS responder MUST NOT answer a Multicast DNS query if the answer it would give is already included in the Answer Section with an RR TTL at least half the correct value.  If the RR TTL of the answer as given in the Answer Section is less than half of the true RR TTL as known by the Multicast DNS responder, the responder MUST send an answer so as to update the querier's cache before the record becomes in danger of expiration.", requires: [.subtypes]) { c in
                c.startSettled()
                var q = twoQuestions(c)
                q.answers = [ResourceRecord(name: c.typeName(), ttl: c.announcedTTL(c.typeName(), .ptr) ?? 4500, rdata: .ptr(c.instanceName()))]
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
                            catalogue: ["B: MULTIPLE QUESTIONS – DISTRIBUTED DUPLICATE SUPPRESSION"],
                            level: .should, citation: "If a host is planning to send an answer, and it sees another host on the network send a response message containing the same answer record, and the TTL in that record is not less than the TTL this host would have given, then this host SHOULD treat its own answer as having been sent, and not also send an identical answer itself.", requires: [.subtypes]) { c in
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

    /// RFC 6762 §6.7: a legacy SRV and PTR query (source port 53535, ID 0x1234); `check` judges each reply.
    static func legacyQueries(_ c: CaseContext, _ check: (DNSName, RRType, SocketAddress, ObservedPacket) -> [CaseOutcome]) -> CaseOutcome {
        c.startSettled()
        let legacy = SocketAddress(.v4(IPv4Address(169, 254, 200, 10)), port: 53535)
        var outs: [CaseOutcome] = []
        for (name, type) in [(c.instanceName(), RRType.srv), (c.typeName(), .ptr)] {
            guard let r = c.ask(CaseContext.query(name, type, id: 0x1234), from: legacy, match: { CaseContext.answers($0, name, type) }) else {
                outs.append(.fail("no reply to a legacy \(type) query")); continue
            }
            outs += check(name, type, legacy, r.packet)
        }
        return .worst(outs)
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
