import DNSWire
import MDNSConformance
import MDNSCore
import PCAP
import Testing

typealias R = Recording

@Suite("Capture devices: a host with all its addresses, and its roles")
struct CaptureDeviceTests {
    @Test("a host announcing its IPv4 and IPv6 addresses is one device; another host claiming the name stays apart")
    func dualStack() {
        var r = Recording()
        let v6 = PCAP.IPAddress.v6(0xfe80_0000_0000_0000, 0x2)
        var both = R.response([R.a("host.local", 2)])
        both.answers.append(ResourceRecord(name: R.name("host.local"), cacheFlush: true, ttl: 120, rdata: .aaaa(IPv6Address(high: 0xfe80_0000_0000_0000, low: 0x2))))
        r.at(0, 2, both)
        r.packets.append(.init(frame: 2, time: 1_000_000, source: v6, destination: .v6(0xff02_0000_0000_0000, 0xfb), message: both))
        r.at(2000, 9, R.response([R.a("host.local", 9)]))
        let ds = r.judge()
        #expect(ds.count == 2)
        #expect(ds[0].addresses == [R.host(2), v6])
        #expect(ds[0].name == "host.local.")
        #expect(ds[0].matches("host.local") && ds[0].matches("fe80::2") && !ds[0].matches("10.0.53.9"))
        #expect(ds[1].addresses == [R.host(9)])
    }

    @Test("roles: responder, querier, legacy querier; responder rules do not judge a pure querier")
    func roles() {
        var r = Recording()
        r.at(0, 3, R.query("_http._tcp.local", .ptr))
        r.at(10, 4, R.query("host.local", .a, id: 7), sport: 40000)
        r.at(20, 5, R.query("host.local", .a), hop: 1)
        let ds = r.judge()
        #expect(ds.map(\.roles) == [[.querier], [.legacyQuerier], [.querier]])
        #expect(r.verdict("ip-ttl-255", 5) == .notApplicable)
        #expect(r.verdict("query-id-zero", 4) == .notApplicable)
    }

    @Test("unicast DNS between loopback addresses on port 5353 is not link traffic")
    func loopback() {
        let lo = PCAP.IPAddress.v4(0x7F00_0001)
        let d = UDPDatagram(frame: 1, timestamp: Timestamp(seconds: 0, nanoseconds: 0), source: lo, destination: lo,
                            sourcePort: 40000, destinationPort: 5353, payload: [])
        #expect(!CaptureConformance.isLinkTraffic(d))
    }
}

@Suite("Capture rules: RFC 6762 §8 and §9, probing, announcing, conflicts")
struct CaptureProbingRuleTests {
    let host = [R.a("host.local", 2)]

    @Test("a unique record announced without a probe fails probe-before-announce; after three probes it passes; one late response is n/a")
    func probeFirst() {
        var bad = Recording()
        bad.at(0, 3, R.query("x.local", .a))
        bad.at(500, 2, R.response(host)); bad.at(1500, 2, R.response(host))
        #expect(bad.verdict("probe-before-announce", 2) == .fail)
        var late = Recording()
        late.at(0, 3, R.query("x.local", .a))
        late.at(500, 2, R.response(host))
        #expect(late.verdict("probe-before-announce", 2) == .notApplicable)
        var early = Recording()
        early.at(0, 2, R.probe("host.local", host)); early.at(1, 2, R.response(host))
        early.at(250, 2, R.probe("host.local", host)); early.at(500, 2, R.probe("host.local", host))
        #expect(early.finding("probe-before-announce", 2)?.summary.hasSuffix("while still probing it") == true)
        var good = Recording()
        good.probes(0, 2, "host.local", host)
        good.at(750, 2, R.response(host)); good.at(1750, 2, R.response(host))
        #expect(good.verdict("probe-before-announce", 2) == .pass)
        #expect(good.verdict("announce-count", 2) == .pass)
        #expect(good.verdict("probe-timing", 2) == .pass)
    }

    @Test("probes 200 ms apart warn (the sentence has no RFC 2119 keyword: info)")
    func probeTiming() {
        var r = Recording()
        for k in 0..<3 { r.at(200 * k, 2, R.probe("host.local", host)) }
        r.at(700, 2, R.response(host)); r.at(1700, 2, R.response(host))
        let f = r.finding("probe-timing", 2)!
        #expect(f.verdict == .warn && f.level == .info)
        #expect(f.frames == [1, 2, 3])
    }

    @Test("a probe answered by another host: going on probing fails, a new name passes and the lost name is not counted as unannounced")
    func conflictWhileProbing() {
        var r = Recording()
        r.at(0, 2, R.probe("host.local", host))
        r.at(10, 9, R.response([R.a("host.local", 9)]))
        r.at(250, 2, R.probe("host.local", host))
        #expect(r.verdict("probe-conflict-defers", 2) == .fail)
        var ok = Recording()
        ok.at(0, 2, R.probe("host.local", host))
        ok.at(10, 9, R.response([R.a("host.local", 9)]))
        let renamed = [R.a("host-2.local", 2)]
        ok.probes(1200, 2, "host-2.local", renamed)
        ok.at(2000, 2, R.response(renamed)); ok.at(3000, 2, R.response(renamed))
        #expect(ok.verdict("probe-conflict-defers", 2) == .pass)
        #expect(ok.verdict("announce-count", 2) == .pass)
        #expect(ok.verdict("probe-timing", 2) == .pass)
    }

    @Test("the loser of a simultaneous probe waits one second; probing again sooner warns")
    func tiebreak() {
        // 10.0.53.9 > 10.0.53.2: host 9 wins.
        func run(retry: Int) -> Recording {
            var r = Recording()
            r.at(0, 2, R.probe("host.local", host))
            r.at(5, 9, R.probe("host.local", [R.a("host.local", 9)]))
            r.at(255, 9, R.probe("host.local", [R.a("host.local", 9)]))
            r.at(505, 9, R.probe("host.local", [R.a("host.local", 9)]))
            r.probes(retry, 2, "host.local", host)
            r.at(3000, 2, R.response([]))
            return r
        }
        #expect(run(retry: 1010).verdict("tiebreak-loser-defers", 2) == .pass)
        #expect(run(retry: 1010).verdict("tiebreak-loser-defers", 9) == .pass)
        #expect(run(retry: 400).verdict("tiebreak-loser-defers", 2) == .warn)
    }

    @Test("one announcement fails announce-count; two 500 ms apart fail; a recording that ends early is n/a")
    func announceCount() {
        var one = Recording()
        one.probes(0, 2, "host.local", host)
        one.at(750, 2, R.response(host)); one.at(4000, 3, R.query("x.local", .a))
        #expect(one.verdict("announce-count", 2) == .fail)
        var close = Recording()
        close.probes(0, 2, "host.local", host)
        close.at(750, 2, R.response(host)); close.at(1250, 2, R.response(host)); close.at(4000, 3, R.query("x.local", .a))
        #expect(close.verdict("announce-count", 2) == .fail)
        var cut = Recording()
        cut.probes(0, 2, "host.local", host)
        cut.at(750, 2, R.response(host))
        #expect(cut.verdict("announce-count", 2) == .notApplicable)
    }

    @Test("announcements stay announcements though a query asked during probing, or one already answered, names their records")
    func announcementsAreNotAnswers() {
        var r = Recording()
        r.probes(0, 2, "host.local", host)
        r.at(400, 3, R.query("host.local", .a))
        r.at(750, 2, R.response(host))
        r.at(1200, 3, R.query("host.local", .a, qu: true))
        r.at(1210, 2, R.response(host), to: 3)
        r.at(1750, 2, R.response(host))
        r.at(4000, 3, R.query("x.local", .a))
        #expect(r.verdict("announce-count", 2) == .pass)
    }

    @Test("a conflicting response to an established record must reset it to probing")
    func conflictReprobe() {
        func run(reprobe: Bool) -> Recording {
            var r = Recording()
            r.probes(0, 2, "host.local", host)
            r.at(750, 2, R.response(host)); r.at(1750, 2, R.response(host))
            r.at(5000, 9, R.response([R.a("host.local", 9)]))
            if reprobe { r.probes(5100, 2, "host.local", host) }
            r.at(8000, 3, R.query("x.local", .a))
            return r
        }
        #expect(run(reprobe: false).verdict("conflict-reprobe", 2) == .fail)
        #expect(run(reprobe: true).verdict("conflict-reprobe", 2) == .pass)
    }

    @Test("a conflicting response over an address family the device does not use is not heard (§9 \"receives\")")
    func conflictOnAnotherFamily() {
        var r = Recording()
        r.probes(0, 2, "host.local", host)
        r.at(750, 2, R.response(host)); r.at(1750, 2, R.response(host))
        r.packets.append(.init(frame: r.packets.count + 1, time: 5_000_000_000, source: .v6(0xfe80_0000_0000_0000, 0x9),
                               destination: .v6(0xff02_0000_0000_0000, 0xfb), message: R.response([R.a("host.local", 9)])))
        r.at(8000, 3, R.query("x.local", .a))
        #expect(r.verdict("conflict-reprobe", 2) == .notApplicable)
    }

    @Test("another host's probe for an established name must be answered")
    func defend() {
        func run(defend: Bool) -> Recording {
            var r = Recording()
            r.probes(0, 2, "host.local", host)
            r.at(750, 2, R.response(host)); r.at(1750, 2, R.response(host))
            r.probes(5000, 9, "host.local", [R.a("host.local", 9)])
            if defend { r.at(5005, 2, R.response(host)) }
            r.at(8000, 2, R.query("x.local", .a))
            return r
        }
        #expect(run(defend: false).verdict("defend-probed-name", 2) == .fail)
        #expect(run(defend: true).verdict("defend-probed-name", 2) == .pass)
        #expect(run(defend: true).verdict("multicast-rate-limit", 2) == .pass)
    }
}

@Suite("Capture rules: RFC 6762 §6, §10, §11, §18, what a message carries")
struct CaptureMessageRuleTests {
    @Test("a response with an ID, a question and no AA breaks three MUSTs")
    func header() {
        var m = R.response([R.a("host.local", 2)])
        m.header.id = 5; m.header.authoritativeAnswer = false
        m.questions = [Question(name: R.name("host.local"), type: .a)]
        var r = Recording()
        r.at(0, 2, m)
        for id in ["response-id-zero", "response-no-questions", "aa-bit"] { #expect(r.verdict(id, 2) == .fail, "\(id)") }
        #expect(r.verdict("response-source-port", 2) == .pass)
    }

    @Test("IP TTL is judged on responses only, as a SHOULD")
    func ipTTL() {
        var r = Recording()
        r.at(0, 2, R.response([R.a("host.local", 2)]), hop: 1)
        r.at(0, 3, R.query("host.local", .a), hop: 1)
        #expect(r.verdict("ip-ttl-255", 2) == .warn)
        #expect(r.verdict("ip-ttl-255", 3) == .notApplicable)
    }

    @Test("host records at TTL 4500 warn; a withdrawn service without its SRV goodbye warns")
    func ttls() {
        var r = Recording()
        let inst = "x._http._tcp.local"
        r.at(0, 2, R.response([R.ptr("_http._tcp.local", inst), R.srv(inst, "host.local"), R.txt(inst), R.a("host.local", 2, ttl: 4500)]))
        r.at(2000, 2, R.response([R.ptr("_http._tcp.local", inst, ttl: 0), R.txt(inst, ttl: 0)]))
        #expect(r.verdict("record-ttl", 2) == .warn)
        #expect(r.finding("goodbye-ttl", 2)?.summary == "withdrew x._http._tcp.local. without a goodbye for its SRV")
    }
}

@Suite("Capture rules: RFC 6762 §5.4, §6, §6.7, §7.1, answering")
struct CaptureAnsweringRuleTests {
    let ptr = R.ptr("_http._tcp.local", "x._http._tcp.local")

    @Test("a shared answer 5 ms after the query warns; 50 ms passes; a QU question answered by unicast is not judged")
    func sharedDelay() {
        func run(_ ms: Int) -> Recording {
            var r = Recording()
            r.at(1000, 3, R.query("_http._tcp.local", .ptr)); r.at(1000 + ms, 2, R.response([ptr]))
            return r
        }
        #expect(run(5).verdict("shared-answer-delay", 2) == .warn)
        #expect(run(50).verdict("shared-answer-delay", 2) == .pass)
        var qu = Recording()
        qu.at(0, 3, R.query("_http._tcp.local", .ptr, qu: true)); qu.at(1, 2, R.response([ptr]), to: 3)
        #expect(qu.verdict("shared-answer-delay", 2) == .notApplicable)
        #expect(qu.verdict("qu-unicast-reply", 2) == .pass)
    }

    @Test("a probed record answered 100 ms after a query warns; an unprobed one is not judged; IPv4 queries are not paired with IPv6 replies")
    func uniquePromptness() {
        let host = [R.a("host.local", 2)]
        var r = Recording()
        r.probes(0, 2, "host.local", host)
        r.at(3000, 3, R.query("host.local", .a)); r.at(3100, 2, R.response(host))
        #expect(r.verdict("unique-answer-promptness", 2) == .warn)
        var unprobed = Recording()
        unprobed.at(1000, 3, R.query("host.local", .a)); unprobed.at(1100, 2, R.response(host))
        #expect(unprobed.verdict("unique-answer-promptness", 2) == .notApplicable)
        var fam = Recording()
        fam.probes(0, 2, "host.local", host)
        fam.at(1000, 3, R.query("host.local", .a))
        fam.packets.append(.init(frame: 5, time: 1_100_000_000, source: .v6(0xfe80_0000_0000_0000, 2), destination: .v6(0xff02_0000_0000_0000, 0xfb),
                                 message: R.response([R.a("host.local", 2)])))
        #expect(fam.judge().first { $0.addresses.contains(.v6(0xfe80_0000_0000_0000, 2)) }?.findings.first { $0.id == "unique-answer-promptness" }?.verdict == .notApplicable)
    }

    @Test("a record multicast twice within a second fails, unless the second answers a probe 250 ms later")
    func rateLimit() {
        var r = Recording()
        r.at(0, 2, R.response([R.a("host.local", 2)]))
        r.at(290, 3, R.query("host.local", .a)); r.at(300, 2, R.response([R.a("host.local", 2)]))
        #expect(r.verdict("multicast-rate-limit", 2) == .fail)
        var d = Recording()
        d.at(0, 2, R.response([R.a("host.local", 2)]))
        d.at(290, 9, R.probe("host.local", [R.a("host.local", 9)])); d.at(300, 2, R.response([R.a("host.local", 2)]))
        #expect(d.verdict("multicast-rate-limit", 2) == .pass)
    }

    @Test("answering with a record the query lists as a known answer fails")
    func knownAnswer() {
        var r = Recording()
        r.at(0, 3, R.query("_http._tcp.local", .ptr, known: [ptr])); r.at(50, 2, R.response([ptr]))
        #expect(r.verdict("known-answer-suppression", 2) == .fail)
        var half = Recording()
        half.at(0, 3, R.query("_http._tcp.local", .ptr, known: [R.ptr("_http._tcp.local", "x._http._tcp.local", ttl: 100)])); half.at(50, 2, R.response([ptr]))
        #expect(half.verdict("known-answer-suppression", 2) == .pass)
        // Listed under half the TTL the device announced: it must answer.
        var stale = Recording()
        stale.at(0, 2, R.response([ptr]))
        stale.at(5000, 3, R.query("_http._tcp.local", .ptr, known: [R.ptr("_http._tcp.local", "x._http._tcp.local", ttl: 100)]))
        stale.at(9000, 2, R.query("other.local", .a))
        #expect(stale.verdict("known-answer-suppression", 2) == .fail)
    }

    @Test("legacy queries: a unicast reply with the ID and question passes; another ID, a multicast answer, cache-flush and long TTLs do not")
    func legacy() {
        func run(_ reply: (inout Message) -> Void, multicast: Bool = false) -> Recording {
            var r = Recording()
            r.at(0, 4, R.query("host.local", .a, id: 0x1234), sport: 40000)
            var m = Message(header: .response, questions: [Question(name: R.name("host.local"), type: .a)], answers: [R.a("host.local", 2, ttl: 10, flush: false)])
            m.header.id = 0x1234
            reply(&m)
            if multicast { m.header.id = 0; m.questions = []; r.at(5, 2, m) } else { r.at(5, 2, m, to: 4, dport: 40000) }
            return r
        }
        #expect(run({ _ in }).verdict("legacy-unicast-reply", 2) == .pass)
        #expect(run({ $0.header.id = 0 }).verdict("legacy-unicast-reply", 2) == .fail)
        #expect(run({ $0.questions = [] }).verdict("legacy-unicast-reply", 2) == .fail)
        #expect(run({ _ in }, multicast: true).verdict("legacy-unicast-reply", 2) == .fail)
        #expect(run({ $0.answers[0].cacheFlush = true }).verdict("legacy-unicast-no-cache-flush", 2) == .fail)
        #expect(run({ $0.answers[0].ttl = 120 }).verdict("legacy-unicast-ttl", 2) == .warn)
        #expect(run({ _ in }).verdict("response-no-questions", 2) == .notApplicable)
    }
}
