import DNSWire
import MDNSCore

/// RFC 6762 §5.2 refresh and §10 caching, from the querier's side.
enum CacheCases {
    static let quiet = QuerierCases.quiet
    static let notQuerier = QuerierCases.notQuerier

    /// Starts a continuous A query for `name` (so records of it are wanted) and waits for it to go out.
    /// TTL (s) of the record whose §5.2 refreshes are watched: short enough for real time, long
    /// enough that each 2 % window (0.4 s) is wide against scheduling jitter.
    static let refreshTTL = 20.0

    static func askFor(_ c: CaseContext, _ q: QuerierTarget, _ name: DNSName, _ type: RRType = .a) {
        _ = q.startQuery(name, type, oneShot: false)
        c.wait(.milliseconds(200))
    }

    static var all: [ConformanceCase] {
        [
            ConformanceCase(id: "rfc6762-10-cache-ttl", section: "RFC 6762 §10",
                            title: "a cached record lives exactly its TTL (120 s for an address record)",
                            catalogue: ["A47"],
                            level: .should, citation: "RFC 6762 §5.2: After this interval has passed, the answer will no longer be valid and SHOULD be deleted from the cache.", requires: [.query, .cacheReport], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                askFor(c, q, QNames.host)
                c.send(CaseContext.response([QNames.a(QNames.host, 30, ttl: 120)]), from: c.otherPeer)
                let t0 = c.now
                c.wait(until: t0 + .milliseconds(119_500))
                let before = c.cached(QNames.host, .a).count
                c.wait(until: t0 + .milliseconds(120_500))
                let after = c.cached(QNames.host, .a).count
                c.note("cached at 119.5 s: \(before), at 120.5 s: \(after)")
                if before != 1 { return .fail("record gone before its TTL") }
                if after != 0 { return .fail("record still cached after its TTL") }
                return .pass("kept 119.5 s, gone at 120.5 s")
            },
            ConformanceCase(id: "rfc6762-10.1-goodbye-received", section: "RFC 6762 §10.1",
                            title: "a goodbye (TTL 0) sets the TTL to 1 s; the record then leaves",
                            catalogue: ["A48"],
                            level: .should, citation: "Queriers receiving a Multicast DNS response with a TTL of zero SHOULD NOT immediately delete the record from the cache, but instead record a TTL of 1 and then delete the record one second later.", requires: [.query, .cacheReport], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                askFor(c, q, QNames.type, .ptr)
                c.send(CaseContext.response([QNames.ptr()]), from: c.otherPeer)
                c.wait(.seconds(2))
                c.send(CaseContext.response([QNames.ptr(ttl: 0)]), from: c.otherPeer)
                c.wait(.milliseconds(10))
                let soon = c.cached(QNames.type, .ptr)
                c.note("just after the goodbye: \(soon.map { "TTL \($0.ttl)" })")
                c.wait(.milliseconds(800))
                let at800 = c.cached(QNames.type, .ptr).count
                c.wait(.milliseconds(400))
                let at1200 = c.cached(QNames.type, .ptr).count
                c.note("cached 0.81 s after: \(at800), 1.21 s after: \(at1200)")
                var outs: [CaseOutcome] = []
                if soon.count != 1 || soon[0].ttl > 1 { outs.append(.fail("goodbye did not set the TTL to 1 s")) }
                if at800 != 1 { outs.append(.warn("record removed at once instead of after 1 s")) }
                outs.append(at1200 == 0 ? .pass("record left 1 s after the goodbye") : .fail("record still cached 1.2 s after the goodbye"))
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-10.2-cache-flush-received", section: "RFC 6762 §10.2",
                            title: "cache-flush: same name/type/class records older than 1 s expire in 1 s; newer ones and other types or names stay",
                            catalogue: ["A49"],
                            level: .info, citation: "Instead of merging this new record additively into the cache in addition to any previous records with the same name, rrtype, and rrclass, all old records with that name, rrtype, and rrclass that were received more than one second ago are declared invalid, and marked to expire from the cache in one second.", requires: [.query, .cacheReport], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                askFor(c, q, QNames.host)
                let aaaa = ResourceRecord(name: QNames.host, ttl: 120, rdata: .aaaa(IPv6Address("fe80::30")!))
                c.send(CaseContext.response([QNames.a(QNames.host, 30, flush: false), aaaa, QNames.a(QNames.host2, 40, flush: false)]), from: c.otherPeer)
                c.wait(.seconds(5))
                c.send(CaseContext.response([QNames.a(QNames.host, 31, flush: false)]), from: c.otherPeer)
                c.wait(.milliseconds(500))
                c.send(CaseContext.response([QNames.a(QNames.host, 32)]), from: c.otherPeer)
                c.wait(.milliseconds(1200))
                let left = Set(c.cached(QNames.host, .a).map(\.rdata))
                c.note("cached 1.2 s after the cache-flush record: \(c.cached(QNames.host, .a).map { "\($0.rdata)" })")
                var outs: [CaseOutcome] = []
                outs.append(!left.contains(QNames.a(QNames.host, 30).rdata) ? .pass("the 5.5 s old record was flushed")
                            : .fail("the 5.5 s old record survived the cache-flush record"))
                outs.append(left.contains(QNames.a(QNames.host, 31).rdata) ? .pass("the 0.5 s old record stayed")
                            : .fail("a record under 1 s old was flushed"))
                outs.append(left.contains(QNames.a(QNames.host, 32).rdata) ? .pass("the new record is cached") : .fail("the new record is missing"))
                outs.append(c.cached(QNames.host, .aaaa).count == 1 ? .pass("the AAAA of the name stayed") : .fail("an A cache-flush record flushed the name's AAAA"))
                outs.append(c.cached(QNames.host2, .a).count == 1 ? .pass("another name's A stayed") : .fail("an A cache-flush record flushed another name's A"))
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-10.2-withdraw-one-address", section: "RFC 6762 §10.2",
                            title: "a peer withdrawing one of its two addresses (goodbye with cache-flush) keeps the other cached",
                            catalogue: ["A48", "A49"],
                            level: .info, citation: "RFC 6762 §10.2: Instead of merging this new record additively into the cache in addition to any previous records with the same name, rrtype, and rrclass, all old records with that name, rrtype, and rrclass that were received more than one second ago are declared invalid, and marked to expire from the cache in one second. (§10.1: a goodbye is a response with an RR TTL of zero, for the record it names.)", requires: [.query, .cacheReport], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                askFor(c, q, QNames.host)
                c.send(CaseContext.response([QNames.a(QNames.host, 30), QNames.a(QNames.host, 31)]), from: c.otherPeer)
                c.wait(.seconds(3))
                c.note("the peer withdraws 169.254.200.30 (goodbye, cache-flush set)")
                c.send(CaseContext.response([QNames.a(QNames.host, 30, ttl: 0)]), from: c.otherPeer)
                c.wait(.seconds(2))
                let left = c.cached(QNames.host, .a).map(\.rdata)
                c.note("cached 2 s after the goodbye: \(left)")
                var outs: [CaseOutcome] = []
                outs.append(left.contains(QNames.a(QNames.host, 31).rdata) ? .pass("the remaining address stayed")
                            : .fail("the goodbye for one address removed the other"))
                outs.append(!left.contains(QNames.a(QNames.host, 30).rdata) ? .pass("the withdrawn address left")
                            : .fail("the withdrawn address is still cached 2 s after its goodbye"))
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-10.2-cache-flush-not-in-queries", section: "RFC 6762 §10.2",
                            title: "cache-flush bits in probes, known-answer lists and TC queries are not applied",
                            catalogue: ["A50"],
                            level: .must, citation: "RFC 6762 §7.1: A Multicast DNS querier MUST NOT cache resource records observed in the Known-Answer Section of other Multicast DNS queries.", requires: [.query, .cacheReport], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                askFor(c, q, QNames.host)
                c.send(CaseContext.response([QNames.a(QNames.host, 30)]), from: c.otherPeer)
                c.wait(.seconds(3))
                let rival = QNames.a(QNames.host, 99)
                c.send(CaseContext.probe(QNames.host, [rival]), from: c.tester)
                var tc = CaseContext.query(QNames.host, .a, known: [rival])
                tc.header.truncated = true
                c.send(tc, from: c.tester)
                c.send(Message(header: .query, answers: [rival]), from: c.tester)
                c.wait(.seconds(2))
                let left = c.cached(QNames.host, .a).map(\.rdata)
                c.note("cached after: \(left)")
                if left != [QNames.a(QNames.host, 30).rdata] { return .fail("cache changed by records in queries: \(left)") }
                return .pass("probe Authority, known answers and TC continuation records left the cache alone")
            },
            ConformanceCase(id: "rfc6762-5.2-refresh-queries", section: "RFC 6762 §5.2",
                            title: "refresh queries at 80, 85, 90, 95 % of the TTL (+2 %); the record expires at 100 %",
                            catalogue: ["A51"],
                            level: .info, citation: "The querier should plan to issue a query at 80% of the record lifetime, and then if no answer is received, at 85%, 90%, and 95%.", requires: [.query], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                // A short TTL keeps the case within real time; the percentages are the RFC's.
                let ttl = refreshTTL
                askFor(c, q, QNames.type, .ptr)
                c.send(CaseContext.response([QNames.ptr(ttl: UInt32(ttl))]), from: c.otherPeer)
                let t0 = c.now
                func at(_ pct: Double) -> Instant { t0 + .milliseconds(Int64(pct * 10 * ttl)) }
                c.wait(until: at(99.5))
                let before = c.cached(QNames.type, .ptr).count
                c.wait(until: at(100.5))
                let after = c.cached(QNames.type, .ptr).count
                let pct = c.queries(after: t0, QNames.type, .ptr).map { (p: $0, pct: ($0.time - t0).seconds * 100 / ttl) }.filter { $0.pct >= 79 && $0.pct < 100 }
                for x in pct { c.cite(x.p, "\(c.fmt(x.pct)) % of TTL") }
                var outs: [CaseOutcome] = []
                for base in [80.0, 85, 90, 95] {
                    outs.append(pct.contains { $0.pct >= base && $0.pct <= base + 2 } ? .pass("refresh at \(Int(base)) %")
                                : .fail("no refresh query at \(Int(base))–\(Int(base) + 2) %"))
                }
                guard c.target.capabilities.contains(.cacheReport) else {
                    c.note("the cache is not observable on this target: expiry at 100 % not judged")
                    return .worst(outs)
                }
                if before != 1 { outs.append(.fail("record gone before 100 %")) }
                outs.append(after == 0 ? .pass("expired at 100 %") : .fail("still cached after 100 %"))
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-10.4-reconfirm", section: "RFC 6762 §10.4",
                            title: "reconfirm: query for the record, flush it if no answer within 10 s; keep it if answered",
                            catalogue: ["A52"],
                            level: .should, citation: "When the cache receives this hint that it should reconfirm some record, it MUST issue two or more queries for the resource record in dispute.  If no response is received within ten seconds, then, even though its TTL may indicate that it is not yet due to expire, that record SHOULD be promptly flushed from the cache.", requires: [.query, .cacheReport], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                c.send(CaseContext.response([QNames.a(QNames.host, 30), QNames.a(QNames.host2, 31)]), from: c.otherPeer)
                c.wait(.milliseconds(100))
                let t0 = c.now
                guard q.reconfirm(QNames.a(QNames.host, 30)), q.reconfirm(QNames.a(QNames.host2, 31)) else { return .fail("reconfirm refused") }
                c.note("reconfirm \(QNames.host) and \(QNames.host2); only the second is answered")
                var outs: [CaseOutcome] = []
                if let p = c.waitFor(.seconds(1), { $0.message.map { m in !m.header.isResponse && m.questions.contains { $0.name == QNames.host } } ?? false }) {
                    c.cite(p, "reconfirmation query")
                    if p.message!.answers.contains(where: { $0.name == QNames.host }) { outs.append(.fail("the record being reconfirmed is listed as a known answer")) }
                } else {
                    outs.append(.fail("no reconfirmation query"))
                }
                c.wait(until: t0 + .seconds(2))
                c.send(CaseContext.response([QNames.a(QNames.host2, 31)]), from: c.otherPeer)
                c.wait(until: t0 + .milliseconds(9_500))
                let early = c.cached(QNames.host, .a).count
                c.wait(until: t0 + .milliseconds(11_000))
                outs.append(c.cached(QNames.host, .a).isEmpty ? .pass("unanswered record flushed within 10 s")
                            : .fail("unanswered record still cached 11 s after the reconfirm request"))
                if early == 0 { outs.append(.warn("flushed before 9.5 s")) }
                outs.append(c.cached(QNames.host2, .a).count == 1 ? .pass("answered record kept") : .fail("answered record flushed"))
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-10.5-poof", section: "RFC 6762 §10.5",
                            title: "two unanswered queries for a cached record within 10 s flush it; one query does not",
                            catalogue: ["A53"],
                            level: .should, citation: "After seeing two or more of these queries, and seeing no multicast response containing the expected answer within ten seconds, then even though its TTL may indicate that it is not yet due to expire, that record SHOULD be flushed from the cache.", requires: [.query, .cacheReport], publication: quiet) { c in
                guard c.startQuerier() != nil else { return notQuerier }
                c.send(CaseContext.response([QNames.a(QNames.host, 30), QNames.a(QNames.host2, 31)]), from: c.otherPeer)
                c.wait(.seconds(1))
                c.send(CaseContext.query(QNames.host, .a), from: c.tester)
                c.send(CaseContext.query(QNames.host2, .a), from: c.tester)
                let t0 = c.now
                c.wait(.seconds(4))
                c.send(CaseContext.query(QNames.host, .a), from: c.tester)
                c.wait(until: t0 + .milliseconds(9_000))
                let early = c.cached(QNames.host, .a).count
                c.wait(until: t0 + .milliseconds(11_000))
                var outs: [CaseOutcome] = []
                outs.append(c.cached(QNames.host, .a).isEmpty ? .pass("record flushed after two unanswered queries")
                            : .fail("record kept after two unanswered queries in 10 s"))
                if early == 0 { outs.append(.warn("flushed before 9 s")) }
                outs.append(c.cached(QNames.host2, .a).count == 1 ? .pass("a record asked for once stays") : .fail("flushed after a single query"))
                return .worst(outs)
            },
        ]
    }
}
