import DNSWire
import MDNSCore

/// Every querier and cache case, in catalogue order.
public enum QuerierCatalogue {
    public static var all: [ConformanceCase] { QuerierCases.all + CacheCases.all }
}

/// Every case `mdns conform` runs: the responder's and the querier's.
public enum ConformanceCatalogue {
    public static var all: [ConformanceCase] { ResponderCatalogue.all + QuerierCatalogue.all }
}

/// Names the querier cases use. Nothing on the link owns them but the tester.
enum QNames {
    static let type = try! DNSName(parsing: "_ipp._tcp.local")
    static let type2 = try! DNSName(parsing: "_scanner._tcp.local")
    static let instance = try! DNSName(labels: ["Peer Printer", "_ipp", "_tcp", "local"])
    static let instance2 = try! DNSName(labels: ["Second Printer", "_ipp", "_tcp", "local"])
    static let host = try! DNSName(parsing: "peer-printer.local")
    static let host2 = try! DNSName(parsing: "peer-printer-2.local")

    static func ptr(_ i: DNSName = instance, ttl: UInt32 = 4500) -> ResourceRecord { ResourceRecord(name: type, ttl: ttl, rdata: .ptr(i)) }
    static func srv(_ i: DNSName = instance, target: DNSName = host, port: UInt16 = 631) -> ResourceRecord {
        ResourceRecord(name: i, cacheFlush: true, ttl: 120, rdata: .srv(SRV(port: port, target: target)))
    }
    static func txt(_ i: DNSName = instance) -> ResourceRecord { ResourceRecord(name: i, cacheFlush: true, ttl: 4500, rdata: .txt(TXT([("rp", "print")]))) }
    static func a(_ h: DNSName = host, _ last: UInt8, ttl: UInt32 = 120, flush: Bool = true) -> ResourceRecord {
        ResourceRecord(name: h, cacheFlush: flush, ttl: ttl, rdata: .a(IPv4Address(169, 254, 200, last)))
    }
    /// A full answer for an instance (RFC 6763 §12.1).
    static func announce(_ i: DNSName = instance, host h: DNSName = host, last: UInt8 = 30) -> Message {
        Message(header: .response, answers: [ptr(i)], additionals: [srv(i, target: h), txt(i), a(h, last)])
    }
}

extension CaseContext {
    public var querier: QuerierTarget? { target as? QuerierTarget }

    /// Querier queries the target sent after `t` (queries without Authority, i.e. not probes),
    /// optionally only those asking `name` / `type`.
    public func queries(after t: Instant, _ name: DNSName? = nil, _ type: RRType? = nil) -> [ObservedPacket] {
        observed.filter { p in
            guard p.time > t, let m = p.message, !m.header.isResponse, m.authorities.isEmpty else { return false }
            guard let name else { return true }
            return m.questions.contains { $0.name == name && (type == nil || $0.type == type!) }
        }
    }

    /// Records of `name` (and `type`) the target caches now.
    public func cached(_ name: DNSName, _ type: RRType? = nil) -> [ResourceRecord] {
        querier?.cachedRecords().filter { $0.name == name && (type == nil || $0.type == type!) } ?? []
    }

    /// Starts the target (no services, only its host name) and lets it settle.
    func startQuerier() -> QuerierTarget? {
        guard let q = querier else { return nil }
        startSettled()
        return q
    }

    /// Instance events of one subscription.
    func instanceEvents(_ id: SubscriptionID) -> [(time: Instant, change: Change, instance: ServiceInstance)] {
        (querier?.querierEvents ?? []).compactMap { e in
            if case .instance(id, let c, let i) = e.event { return (e.time, c, i) }
            return nil
        }
    }
}

/// RFC 6762 §5, §7 and RFC 6763 §4–§5 from the querier's side.
enum QuerierCases {
    static let quiet = Publication(services: [])
    /// Real time watched for the §5.2 backoff: doubling from 1 s gives queries at 0, 1, 3, 7, 15
    /// and 31 s, five intervals to judge.
    static let liveBackoffWindow = Duration.seconds(34)
    static let notQuerier = CaseOutcome.unsupported("target is not a querier")

    static var all: [ConformanceCase] {
        [
            ConformanceCase(id: "rfc6762-5.2-continuous-query-timing", section: "RFC 6762 §5.2",
                            title: "continuous query intervals ≥ 1 s, at least doubling, capped at 60 min",
                            catalogue: ["A14"],
                            level: .must, citation: "Therefore, when retransmitting Multicast DNS queries to implement this kind of continuous monitoring, the interval between the first two queries MUST be at least one second, the intervals between successive queries MUST increase by at least a factor of two, and the querier MUST implement Known-Answer Suppression, as described below in Section 7.1.", requires: [.query], publication: quiet, realTime: liveBackoffWindow + .seconds(3)) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                let t0 = c.now
                c.note("start a continuous PTR query for \(QNames.type)")
                _ = q.startQuery(QNames.type, .ptr, oneShot: false)
                // Real time: the first intervals (1, 2, 4, 8, 16 s) carry both MUSTs; the 60-min cap is a MAY.
                let virtual = c.target.capabilities.contains(.virtualTime)
                let window = virtual ? Duration.seconds(5 * 3600) : liveBackoffWindow
                c.wait(window)
                let qs = c.queries(after: t0, QNames.type, .ptr)
                guard qs.count >= 3 else { return .fail("\(qs.count) queries in \(Int(window.seconds)) s") }
                for p in qs.prefix(4) { c.cite(p, "query") }
                var outs: [CaseOutcome] = []
                let gaps = zip(qs.dropFirst(), qs).map { ($0.time - $1.time).seconds }
                if gaps[0] < 0.95 { outs.append(.fail("first interval \(c.fmt(gaps[0])) s < 1 s")) }
                for i in 1..<gaps.count {
                    let doubled = gaps[i] >= 1.9 * gaps[i - 1]
                    let capped = gaps[i] >= 0.95 * 3600 && gaps[i] <= 1.05 * 3600
                    if !doubled && !capped { outs.append(.fail("interval \(c.fmt(gaps[i])) s after \(c.fmt(gaps[i - 1])) s: not doubled")) }
                    if gaps[i] > 1.05 * 3600 { outs.append(.warn("interval \(c.fmt(gaps[i])) s exceeds 60 min")) }
                }
                c.note("intervals (s): " + gaps.map { c.fmt($0) }.joined(separator: ", "))
                outs.append(.pass("\(qs.count) queries; intervals " + gaps.prefix(13).map { c.fmt($0) }.joined(separator: ", ") + " s"
                                  + (virtual ? "" : " (the first \(Int(window.seconds)) s of real time; the 60-min cap not reached)")))
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-5.2-first-query-delay", section: "RFC 6762 §5.2",
                            title: "the first query of a continuous query goes out 20–120 ms after the start",
                            catalogue: ["A14"],
                            level: .should, citation: "To avoid accidental synchronization when, for some reason, multiple clients begin querying at exactly the same moment (e.g., because of some common external trigger event), a Multicast DNS querier SHOULD also delay the first query of the series by a randomly chosen amount in the range 20-120 ms.", requires: [.query], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                _ = q.startQuery(QNames.type, .ptr, oneShot: false)
                // after the call: a live query hook returns once its question is asked
                let t0 = c.now
                guard let p = c.waitFor(.seconds(1), { $0.message.map { !$0.header.isResponse && $0.authorities.isEmpty } ?? false }) else {
                    return .fail("no query within 1 s")
                }
                c.cite(p, "first query")
                let first = c.ms(t0, p.time)
                return (20...120).contains(first) ? .pass("first query after \(c.fmt(first)) ms")
                    : .fail("first query after \(c.fmt(first)) ms (20–120 ms expected)")
            },
            ConformanceCase(id: "rfc6762-7.1-known-answer-list", section: "RFC 6762 §7.1",
                            title: "queries list cached answers as known answers, with their remaining TTL",
                            catalogue: ["A15"],
                            level: .must, citation: "RFC 6762 §5.2: ... and the querier MUST implement Known-Answer Suppression, as described below in Section 7.1.", requires: [.query], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                _ = q.startQuery(QNames.type, .ptr, oneShot: false)
                guard let first = c.waitFor(.seconds(1), { $0.message.map { !$0.header.isResponse && $0.authorities.isEmpty } ?? false }) else {
                    return .fail("no query")
                }
                c.cite(first, "first query")
                let long = QNames.ptr(ttl: 4500), short = QNames.ptr(QNames.instance2, ttl: 10)
                c.send(CaseContext.response([long, short]), from: c.otherPeer)
                let tAnswer = c.now
                c.wait(.seconds(20))
                var outs: [CaseOutcome] = []
                var listedLong = false
                for p in c.queries(after: tAnswer, QNames.type, .ptr) {
                    let elapsed = (p.time - tAnswer).seconds
                    for ka in p.message!.answers {
                        let original: UInt32 = ka.rdata == long.rdata ? 4500 : ka.rdata == short.rdata ? 10 : 0
                        guard original > 0 else { continue }
                        if ka.rdata == long.rdata { listedLong = true }
                        if Double(ka.ttl) > Double(original) - elapsed + 1 {
                            c.cite(p, "TTL not decremented")
                            outs.append(.warn("known answer TTL \(ka.ttl) after \(c.fmt(elapsed)) s of \(original) (not the remaining TTL)"))
                        }
                        if ka.cacheFlush { outs.append(.fail("cache-flush bit set in a known answer (RFC 6762 §10.2)")) }
                    }
                }
                for p in c.queries(after: tAnswer, QNames.type, .ptr).prefix(4) { c.cite(p) }
                if !listedLong { outs.append(.fail("no query listed the cached PTR as a known answer")) }
                outs.append(.pass("known answers listed with their remaining TTLs"))
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-7.1-known-answer-half-ttl", section: "RFC 6762 §7.1",
                            title: "known answers are listed only while their remaining TTL is ≥ ½ of the original",
                            catalogue: ["A15"],
                            level: .should, citation: "Therefore, a Multicast DNS querier SHOULD NOT include records in the Known-Answer list whose remaining TTL is less than half of their original TTL.", requires: [.query], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                _ = q.startQuery(QNames.type, .ptr, oneShot: false)
                guard c.waitFor(.seconds(1), { $0.message.map { !$0.header.isResponse && $0.authorities.isEmpty } ?? false }) != nil else {
                    return .fail("no query")
                }
                let long = QNames.ptr(ttl: 4500), short = QNames.ptr(QNames.instance2, ttl: 10)
                c.send(CaseContext.response([long, short]), from: c.otherPeer)
                let tAnswer = c.now
                c.wait(.seconds(20))
                var outs: [CaseOutcome] = []
                for p in c.queries(after: tAnswer, QNames.type, .ptr) {
                    for ka in p.message!.answers {
                        let original: UInt32 = ka.rdata == long.rdata ? 4500 : ka.rdata == short.rdata ? 10 : 0
                        guard original > 0, Double(ka.ttl) * 2 < Double(original) || (ka.rdata == short.rdata && (p.time - tAnswer).seconds > 5.5) else { continue }
                        c.cite(p, "known answer TTL \(ka.ttl) < ½ of \(original)")
                        outs.append(.fail("known answer \(ka.rdata) listed with TTL \(ka.ttl) of \(original) (< ½)"))
                    }
                }
                return outs.isEmpty ? .pass("no known answer under half its TTL") : .worst(outs)
            },
            ConformanceCase(id: "rfc6762-5.4-first-query-qu", section: "RFC 6762 §5.4",
                            title: "the first query after start or an interface change sets QU; later ones are QM",
                            catalogue: ["A16"],
                            level: .should, citation: "A Multicast DNS querier sending its initial batch of questions immediately on wake from sleep or interface activation SHOULD set the unicast-response bit in those questions.", requires: [.linkBounce, .query], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                let t0 = c.now
                _ = q.startQuery(QNames.type, .ptr, oneShot: false)
                c.wait(.seconds(8))
                let qs = c.queries(after: t0, QNames.type, .ptr)
                guard qs.count >= 3 else { return .fail("\(qs.count) queries in 8 s") }
                var outs: [CaseOutcome] = []
                func qu(_ p: ObservedPacket) -> Bool { p.message!.questions.contains { $0.name == QNames.type && $0.unicastResponse } }
                c.cite(qs[0], "first query"); c.cite(qs[1], "second query")
                outs.append(qu(qs[0]) ? .pass("first query QU") : .warn("first query is QM (QU recommended)"))
                if qs.dropFirst().contains(where: qu) { outs.append(.warn("a later query set QU")) }
                c.note("bounce the link for 2 s")
                q.bounceLink(downFor: .seconds(2))
                let t1 = c.now
                c.wait(.seconds(5))
                let after = c.queries(after: t1, QNames.type, .ptr)
                guard let again = after.first else { return .fail("no query after the interface came back") }
                c.cite(again, "first query after the interface change")
                outs.append(qu(again) ? .pass("QU again after the interface change") : .warn("first query after the interface change is QM"))
                if after.dropFirst().contains(where: qu) { outs.append(.warn("a later query after the change set QU")) }
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-5.1-one-shot", section: "RFC 6762 §5.1",
                            title: "a one-shot query accepts unicast and multicast answers (not unicast from off the link)",
                            catalogue: ["A17", "A56"],
                            level: .must, citation: "RFC 6762 §11: A host sending Multicast DNS queries to a link-local destination address (including the 224.0.0.251 and FF02::FB link-local multicast addresses) MUST only accept responses to that query that originate from the local link, and silently discard any other response packets.", requires: [.query, .cacheReport], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                let name = QNames.host
                _ = q.startQuery(name, .a, oneShot: true)
                guard let p = c.waitFor(.seconds(1), { $0.message.map { m in !m.header.isResponse && m.questions.contains { $0.name == name } } ?? false }) else {
                    return .fail("no query")
                }
                c.cite(p, "one-shot query")
                let target = q.addresses[0]
                c.send(CaseContext.response([QNames.a(name, 41)]), from: c.otherPeer, to: .unicast(target))
                c.send(CaseContext.response([QNames.a(name, 42, flush: false)]), from: c.tester)
                c.send(CaseContext.response([QNames.a(name, 43, flush: false)]), from: SocketAddress(.v4(IPv4Address(10, 9, 9, 9))), to: .unicast(target))
                c.wait(.milliseconds(500))
                let have = Set(c.cached(name, .a).map(\.rdata))
                c.note("cached: " + c.cached(name, .a).map { "\($0.rdata)" }.joined(separator: ", "))
                var outs: [CaseOutcome] = []
                outs.append(have.contains(QNames.a(name, 41).rdata) ? .pass("unicast answer accepted") : .fail("unicast answer not accepted"))
                outs.append(have.contains(QNames.a(name, 42).rdata) ? .pass("multicast answer accepted") : .fail("multicast answer not accepted"))
                if have.contains(QNames.a(name, 43).rdata) { outs.append(.fail("unicast answer from off the link accepted (RFC 6762 §11)")) }
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-7.2-querier-tc-continuation", section: "RFC 6762 §7.2",
                            title: "too many known answers: TC set, continuation packets carry no questions",
                            catalogue: ["A30", "C: python-zeroconf #496"],
                            level: .must, citation: "It MUST then set the TC (Truncated) bit in the header before sending the query.  It MUST immediately follow the packet with another query packet containing no questions and as many more Known-Answer records as will fit.", requires: [.query], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                _ = q.startQuery(QNames.type, .ptr, oneShot: false)
                guard c.waitFor(.seconds(1), { $0.message.map { !$0.header.isResponse && $0.authorities.isEmpty } ?? false }) != nil else {
                    return .fail("no query")
                }
                let many = (0..<150).map { QNames.ptr(try! DNSName(labels: ["Printer number \($0)", "_ipp", "_tcp", "local"])) }
                for i in stride(from: 0, to: many.count, by: 25) { c.send(CaseContext.response(Array(many[i..<i + 25])), from: c.otherPeer) }
                let t1 = c.now
                guard let next = c.waitFor(.seconds(3), { $0.time > t1 && ($0.message.map { !$0.header.isResponse && $0.authorities.isEmpty } ?? false) }) else {
                    return .fail("no query after the answers")
                }
                c.wait(.milliseconds(50))
                let burst = c.queries(after: t1).filter { $0.time <= next.time + .milliseconds(20) }
                for p in burst.prefix(6) { c.cite(p) }
                var outs: [CaseOutcome] = []
                guard burst.count >= 2 else { return .fail("\(burst[0].message!.answers.count) known answers in one packet, no continuation") }
                outs.append(burst[0].message!.header.truncated ? .pass("first packet has TC") : .fail("first packet without TC"))
                if burst.dropFirst().contains(where: { !$0.message!.questions.isEmpty }) {
                    outs.append(.fail("continuation packets repeat the questions (python-zeroconf #496)"))
                }
                if burst.dropLast().contains(where: { !$0.message!.header.truncated }) { outs.append(.warn("a packet before the last lacks TC")) }
                if burst.contains(where: { $0.bytes.count > DNSLimits.maxMulticastMessageLength }) { outs.append(.fail("packet over 9000 bytes")) }
                let listed = Set(burst.flatMap { $0.message!.answers.map(\.rdata) })
                outs.append(listed.isSuperset(of: many.map(\.rdata)) ? .pass("\(burst.count) packets list all 150 known answers")
                            : .warn("\(listed.count) of 150 known answers listed"))
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-7.3-duplicate-question-suppression", section: "RFC 6762 §7.3",
                            title: "an identical QM query from another host (known answers ⊆ ours) counts as our own",
                            catalogue: ["A32", "B: DUPLICATE SUPPRESSION"],
                            level: .should, citation: "If a host is planning to transmit (or retransmit) a query, and it sees another host on the network send a query containing the same \"QM\" question, and the Known-Answer Section of that query does not contain any records that this host would not also put in its own Known-Answer Section, then this host SHOULD treat its own query as having been sent.", requires: [.query], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                _ = q.startQuery(QNames.type, .ptr, oneShot: false)
                guard let first = c.waitFor(.seconds(1), { $0.message.map { !$0.header.isResponse && $0.authorities.isEmpty } ?? false }) else {
                    return .fail("no query")
                }
                c.cite(first, "first query")
                c.send(CaseContext.response([QNames.ptr()]), from: c.otherPeer)
                c.wait(until: first.time + .milliseconds(600))
                // The same question, listing only what the target knows too.
                c.send(CaseContext.query(QNames.type, .ptr, known: [QNames.ptr(ttl: 4400)]), from: c.otherPeer)
                let tDup = c.now
                c.wait(until: first.time + .milliseconds(1500))
                var outs: [CaseOutcome] = []
                let dup = c.queries(after: tDup, QNames.type, .ptr)
                if let d = dup.first {
                    c.cite(d, "sent anyway")
                    outs.append(.warn("query sent \(c.fmt(c.ms(tDup, d.time))) ms after an identical one"))
                } else {
                    outs.append(.pass("own query suppressed after an identical QM query"))
                }
                // A second question: the other host lists a record the target does not hold.
                let name2 = QNames.type2
                _ = q.startQuery(name2, .ptr, oneShot: false)
                guard let f2 = c.waitFor(.seconds(1), { $0.message.map { !$0.header.isResponse && $0.questions.contains { $0.name == name2 } } ?? false }) else {
                    return .fail("no query for \(name2)")
                }
                c.wait(until: f2.time + .milliseconds(600))
                let unknown = ResourceRecord(name: name2, ttl: 4500, rdata: .ptr(try! name2.prepending("Other Scanner")))
                c.send(CaseContext.query(name2, .ptr, known: [unknown]), from: c.otherPeer)
                let t2 = c.now
                c.wait(until: f2.time + .milliseconds(1300))
                if let s = c.queries(after: t2, name2, .ptr).first {
                    c.cite(s, "sent: the other query listed a record the target lacks")
                    outs.append(.pass("not suppressed when the other query lists an unknown record"))
                } else {
                    outs.append(.fail("suppressed although the other query listed a record the target does not hold"))
                }
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6763-4-browse", section: "RFC 6763 §4",
                            title: "a browse reports instances as they appear (PTR + additionals) and leave (goodbye)",
                            catalogue: ["A72", "A48"],
                            level: .info, citation: "RFC 6763 §1: A client discovers the list of available instances of a given service type using a query for a DNS PTR [RFC1035] record with a name of the form \"<Service>.<Domain>\", which returns a set of zero or more names, which are the names of the aforementioned DNS SRV/TXT record pairs.", requires: [.query, .cacheReport], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                guard let id = q.startBrowse(QNames.type) else { return .fail("browse refused") }
                c.wait(.milliseconds(200))
                c.send(QNames.announce(QNames.instance, host: QNames.host, last: 30), from: c.otherPeer)
                c.send(QNames.announce(QNames.instance2, host: QNames.host2, last: 31), from: c.tester)
                c.wait(.seconds(2))
                c.send(CaseContext.response([QNames.ptr(QNames.instance2, ttl: 0)]), from: c.tester)
                let tBye = c.now
                c.wait(.seconds(3))
                let ev = c.instanceEvents(id)
                for e in ev { c.note("event +\(c.fmt(c.ms(c.startTime, e.time))) ms: \(e.change.rawValue) \(e.instance.name) → \(e.instance.target.map { "\($0)" } ?? "?"):\(e.instance.port.map(String.init) ?? "?") \(e.instance.addresses)") }
                let added = ev.filter { $0.change == .added }.map(\.instance.name)
                var outs: [CaseOutcome] = []
                outs.append(Set(added) == [QNames.instance, QNames.instance2] ? .pass("both instances added") : .fail("added: \(added)"))
                let resolved = ev.filter { $0.change != .removed }.last { $0.instance.name == QNames.instance }?.instance
                outs.append(resolved?.isResolved == true && resolved?.port == 631 ? .pass("instance resolved from the additionals")
                            : .fail("instance not resolved"))
                if let r = ev.first(where: { $0.change == .removed }) {
                    let d = (r.time - tBye).seconds
                    outs.append(r.instance.name == QNames.instance2 && d >= 0.9 && d <= 1.5 ? .pass("removed \(c.fmt(d)) s after its goodbye")
                                : .fail("removed \(r.instance.name) \(c.fmt(d)) s after the goodbye (1 s expected)"))
                } else {
                    outs.append(.fail("no removal after the goodbye"))
                }
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6763-5-resolve-follows-changes", section: "RFC 6763 §5",
                            title: "resolution yields SRV target and port, TXT and addresses, and follows target and address changes",
                            catalogue: ["A72"],
                            level: .info, citation: "RFC 6763 §1: The SRV record has a name of the form \"<Instance>.<Service>.<Domain>\" and gives the target host and port where the service instance can be reached.  The DNS TXT record of the same name gives additional information about this instance, in a structured form using key/value pairs, described in Section 6.", requires: [.query, .cacheReport], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                guard let id = q.startResolve(QNames.instance) else { return .fail("resolve refused") }
                guard let p = c.waitFor(.seconds(1), { $0.message.map { !$0.header.isResponse && $0.questions.contains { $0.name == QNames.instance } } ?? false }) else {
                    return .fail("no SRV/TXT query")
                }
                c.cite(p, "resolve query")
                c.send(CaseContext.response([QNames.srv(), QNames.txt()], additionals: [QNames.a(QNames.host, 30)]), from: c.otherPeer)
                c.wait(.seconds(3))
                c.send(CaseContext.response([QNames.srv(target: QNames.host2, port: 8631)], additionals: [QNames.a(QNames.host2, 40)]), from: c.otherPeer)
                c.wait(.seconds(3))
                c.send(CaseContext.response([QNames.a(QNames.host2, 41)]), from: c.otherPeer)
                c.wait(.seconds(3))
                let ev = c.instanceEvents(id)
                for e in ev { c.note("\(e.change.rawValue): \(e.instance.target.map { "\($0)" } ?? "?"):\(e.instance.port.map(String.init) ?? "?") txt \(e.instance.txt?.map(\.description) ?? []) \(e.instance.addresses)") }
                var outs: [CaseOutcome] = []
                guard let firstFull = ev.first(where: { $0.instance.isResolved }) else { return .fail("never resolved") }
                outs.append(firstFull.instance.target == QNames.host && firstFull.instance.port == 631
                            && firstFull.instance.txt == [TXTAttribute(key: "rp", value: Array("print".utf8))]
                            && firstFull.instance.addresses == [.v4(IPv4Address(169, 254, 200, 30))]
                            ? .pass("resolved: target, port, TXT and address") : .fail("first resolution incomplete or wrong"))
                guard let last = ev.last?.instance else { return .fail("no events") }
                outs.append(last.target == QNames.host2 && last.port == 8631 ? .pass("followed the SRV target change")
                            : .fail("did not follow the SRV target change"))
                outs.append(last.addresses == [.v4(IPv4Address(169, 254, 200, 41))] ? .pass("followed the address change")
                            : .fail("addresses \(last.addresses) after the change"))
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-querier-bounded-state", section: "RFC 6762 §10",
                            title: "a spoofed-source flood of unique names keeps the cache at its cap and the browse keeps its peer",
                            catalogue: ["A54", "C: python-zeroconf v0.149.x"],
                            level: .info, citation: "RFC 6762 §5.2: After this interval has passed, the answer will no longer be valid and SHOULD be deleted from the cache. (The cap itself is this implementation's limit: python-zeroconf v0.149.x.)", requires: [.query, .cacheReport], publication: quiet) { c in
                guard let q = c.startQuerier() else { return notQuerier }
                guard let id = q.startBrowse(QNames.type) else { return .fail("browse refused") }
                c.wait(.milliseconds(200))
                c.send(QNames.announce(), from: c.otherPeer)
                c.wait(.milliseconds(100))
                let cap = q.querierLimits.maxCacheEntries
                let messages = cap + cap / 2
                c.note("flood: \(messages) responses with unique names from rotating spoofed sources, and as many queries")
                var maxSeen = 0
                for i in 0..<messages {
                    let src = SocketAddress(.v4(IPv4Address(169, 254, UInt8(10 + (i >> 8) % 200), UInt8(i & 0xFF))))
                    let n = try! DNSName(labels: ["spoof-\(i)", "local"])
                    q.deliver(CaseContext.response([ResourceRecord(name: n, cacheFlush: true, ttl: 4500, rdata: .a(IPv4Address(10, 0, UInt8((i >> 8) & 0xFF), UInt8(i & 0xFF))))]).encoded(),
                              from: src, to: .multicast, link: 0)
                    q.deliver(CaseContext.query(n, .aaaa, known: [ResourceRecord(name: n, ttl: 99, rdata: .txt(.empty))]).encoded(), from: src, to: .multicast, link: 0)
                    if i % 64 == 0 { c.wait(.milliseconds(1)); maxSeen = max(maxSeen, q.cachedRecords().count) }
                }
                c.wait(.milliseconds(100))
                maxSeen = max(maxSeen, q.cachedRecords().count)
                let st = q.querierStatistics
                c.note("cache \(q.cachedRecords().count) (max seen \(maxSeen), cap \(cap)); evicted \(st.evicted[.cacheEntries, default: 0])")
                var outs: [CaseOutcome] = []
                outs.append(maxSeen <= cap ? .pass("cache never above its cap of \(cap)") : .fail("cache reached \(maxSeen) > \(cap)"))
                outs.append(st.evicted[.cacheEntries, default: 0] >= messages + 4 - cap ? .pass("\(st.evicted[.cacheEntries, default: 0]) evictions counted")
                            : .fail("evictions not counted"))
                let gone = c.instanceEvents(id).contains { $0.change == .removed }
                let still = c.cached(QNames.instance, .srv).count == 1 && c.cached(QNames.host, .a).count == 1
                outs.append(!gone && still ? .pass("the browsed peer survived the flood") : .fail("the browsed peer was evicted"))
                return .worst(outs)
            },
        ]
    }
}
