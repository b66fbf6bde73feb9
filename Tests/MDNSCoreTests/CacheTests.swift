import DNSWire
import MDNSCore
import Testing

@Suite("RFC 6762 §10 Cache TTLs")
struct CacheTTLTests {
    @Test("a record lives exactly its TTL")
    func expiry() {
        var h = QHarness()
        let id = h.query(QHarness.host, .a)
        h.receive(QHarness.response([QHarness.a(ttl: 120)]))
        let t0 = h.now
        h.run(for: .milliseconds(119_999))
        #expect(h.cached(QHarness.host, .a).count == 1)
        h.run(for: .milliseconds(1))
        #expect(h.cached(QHarness.host, .a).isEmpty)
        let removed = h.events.filter { if case .record(id, .removed, _, _) = $0.event { return true }; return false }
        #expect(removed.map { $0.time - t0 } == [.seconds(120)])
    }

    @Test("the same record again restarts its TTL")
    func refreshResets() {
        var h = QHarness()
        h.receive(QHarness.response([QHarness.a(ttl: 10)]))
        h.run(for: .seconds(6))
        h.receive(QHarness.response([QHarness.a(ttl: 10)]))
        h.run(for: .seconds(6))
        #expect(h.cached(QHarness.host, .a).count == 1)
        #expect(h.engine.querierStatistics.recordsRefreshed == 1)
    }
}

@Suite("RFC 6762 §10.1 Goodbye packets")
struct GoodbyeTests {
    @Test("TTL 0 sets the TTL to one second; the record then leaves and the browse reports it removed")
    func goodbye() {
        var h = QHarness()
        let id = h.browse()
        h.receive(QHarness.printerAnswer)
        #expect(h.engine.instances(of: id).count == 1)
        h.run(for: .seconds(2))
        h.receive(QHarness.response([QHarness.ptr(ttl: 0)]))
        let t0 = h.now
        #expect(h.cached(QHarness.type, .ptr).first?.record.ttl == 1)
        h.run(for: .milliseconds(999))
        #expect(h.engine.instances(of: id).count == 1)
        h.run(for: .milliseconds(1))
        #expect(h.engine.instances(of: id).isEmpty)
        let removed = h.events.filter { if case .instance(id, .removed, _) = $0.event { return true }; return false }
        #expect(removed.map { $0.time - t0 } == [.seconds(1)])
        #expect(h.engine.querierStatistics.goodbyesReceived == 1)
    }

    @Test("a goodbye for a record not cached changes nothing")
    func unknownGoodbye() {
        var h = QHarness()
        h.receive(QHarness.response([QHarness.ptr(ttl: 0)]))
        #expect(h.engine.cache.count == 0)
    }
}

@Suite("RFC 6762 §10.2 Cache-flush")
struct CacheFlushTests {
    @Test("older same-name/type/class records expire in one second; records under one second old stay")
    func flush() {
        var h = QHarness()
        h.receive(QHarness.response([QHarness.a(QHarness.host, 20, flush: false)]))
        h.run(for: .seconds(5))
        h.receive(QHarness.response([QHarness.a(QHarness.host, 21, flush: false)]))
        h.run(for: .milliseconds(500))
        // .22 with cache-flush: .20 (5.5 s old) goes in 1 s; .21 (0.5 s old) stays.
        h.receive(QHarness.response([QHarness.a(QHarness.host, 22)]))
        #expect(h.engine.querierStatistics.cacheFlushed == 1)
        h.run(for: .seconds(1))
        let left = Set(h.cached(QHarness.host, .a).map(\.record.rdata))
        #expect(left == [.a(IPv4Address(169, 254, 9, 21)), .a(IPv4Address(169, 254, 9, 22))])
    }

    @Test("other types of the same name are not flushed")
    func otherTypes() {
        var h = QHarness()
        h.receive(QHarness.response([QHarness.srv(), QHarness.txt()]))
        h.run(for: .seconds(3))
        h.receive(QHarness.response([QHarness.srv(port: 632)]))
        h.run(for: .seconds(2))
        #expect(h.cached(QHarness.instance, .txt).count == 1)
        #expect(h.cached(QHarness.instance, .srv).map(\.record.rdata) == [.srv(SRV(port: 632, target: QHarness.host))])
    }

    @Test("cache-flush bits in a probe's Authority or a query's known answers are not applied")
    func notInQueries() {
        var h = QHarness()
        h.receive(QHarness.response([QHarness.a(QHarness.host, 20)]))
        h.run(for: .seconds(3))
        let rival = QHarness.a(QHarness.host, 99)
        h.receive(Message(header: .query, questions: [Question(name: QHarness.host, type: .any, unicastResponse: true)],
                          authorities: [rival]), from: QHarness.other)
        var tc = Header.query
        tc.truncated = true
        h.receive(Message(header: tc, questions: [Question(name: QHarness.host, type: .a)], answers: [rival]), from: QHarness.other)
        h.receive(Message(header: .query, answers: [rival]), from: QHarness.other)
        h.run(for: .seconds(3))
        #expect(h.cached(QHarness.host, .a).map(\.record.rdata) == [.a(IPv4Address(169, 254, 9, 20))])
        #expect(h.engine.querierStatistics.cacheFlushed == 0)
    }
}

@Suite("RFC 6762 §5.2 Cache refresh")
struct RefreshTests {
    @Test("refresh queries at 80, 85, 90 and 95 % of the TTL (+0–2 %); expiry at 100 %")
    func refresh() {
        for seed in [UInt64(1), 2, 3] {
            var h = QHarness(seed: seed)
            _ = h.query(QHarness.host, .a)
            h.run(for: .seconds(5))
            h.receive(QHarness.response([QHarness.a(ttl: 100)]))
            let t0 = h.now
            // The continuous query's own schedule (about 2, 10, 26, 58 and 122 s from here) stays
            // out of the 79–100 % window.
            h.run(for: .seconds(101))
            let pct = h.queries(for: QHarness.host, .a).map { ($0.time - t0).seconds }.filter { $0 >= 79 && $0 < 100 }
            #expect(pct.count == 4, "seed \(seed): \(pct)")
            for (p, base) in zip(pct, [80.0, 85, 90, 95]) { #expect(p >= base && p <= base + 2, "seed \(seed): \(pct)") }
            #expect(h.cached(QHarness.host, .a).isEmpty)
        }
    }

    @Test("records no question wants are not refreshed")
    func unwantedNotRefreshed() {
        var h = QHarness()
        h.receive(QHarness.response([QHarness.a(ttl: 100)]))
        h.run(for: .seconds(101))
        #expect(h.queries.isEmpty)
        #expect(h.engine.querierStatistics.recordsExpired == 1)
    }
}

@Suite("RFC 6762 §10.4 Reconfirmation")
struct ReconfirmTests {
    @Test("queries at once and after 3 s without the record as a known answer; flushed at 10 s with no answer")
    func unanswered() {
        var h = QHarness()
        h.receive(QHarness.response([QHarness.a()]))
        let t0 = h.now
        let (ok, a) = h.engine.reconfirm(QHarness.a(), at: h.now)
        h.take(a)
        #expect(ok)
        h.run(for: .milliseconds(9_999))
        #expect(h.cached(QHarness.host, .a).count == 1)
        #expect(h.queries.map { $0.time - t0 } == [.zero, .seconds(3)])
        #expect(h.queries.allSatisfy { $0.message.answers.isEmpty })
        h.run(for: .milliseconds(1))
        #expect(h.cached(QHarness.host, .a).isEmpty)
        #expect(h.events.contains { if case .flushed(_, _, let r) = $0.event { return r.contains("10.4") }; return false })
        #expect(h.engine.querierStatistics.reconfirmFlushes == 1)
    }

    @Test("an answer within ten seconds keeps the record")
    func answered() {
        var h = QHarness()
        h.receive(QHarness.response([QHarness.a()]))
        h.take(h.engine.reconfirm(QHarness.a(), at: h.now).actions)
        h.run(for: .seconds(2))
        h.receive(QHarness.response([QHarness.a()]))
        h.run(for: .seconds(20))
        #expect(h.cached(QHarness.host, .a).count == 1)
        #expect(h.engine.querier.pendingReconfirmCount == 0)
    }

    @Test("a record not in the cache is not reconfirmed")
    func notCached() {
        var h = QHarness()
        #expect(h.engine.reconfirm(QHarness.a(), at: h.now).accepted == false)
    }
}

@Suite("RFC 6762 §10.5 Passive observation of failures")
struct PoofTests {
    static let question = Message(header: .query, questions: [Question(name: QHarness.host, type: .a)])

    @Test("two unanswered queries within ten seconds flush the record")
    func flushed() {
        var h = QHarness()
        h.receive(QHarness.response([QHarness.a()]))
        h.run(for: .seconds(1))
        h.receive(Self.question, from: QHarness.other)
        let t0 = h.now
        h.run(for: .seconds(4))
        h.receive(Self.question, from: QHarness.other)
        h.run(for: .milliseconds(5_999))
        #expect(h.cached(QHarness.host, .a).count == 1)
        h.run(for: .milliseconds(1))
        #expect(h.cached(QHarness.host, .a).isEmpty)
        #expect(h.events.contains { if case .flushed(_, _, let r) = $0.event { return r.contains("10.5") }; return false })
        #expect(h.now - t0 == .seconds(10))
    }

    @Test("an answer, one query alone, or the record in the known answers keeps it")
    func kept() {
        var h = QHarness()
        h.receive(QHarness.response([QHarness.a()]))
        h.receive(Self.question, from: QHarness.other)
        h.run(for: .seconds(1))
        h.receive(Self.question, from: QHarness.other)
        h.run(for: .seconds(1))
        h.receive(QHarness.response([QHarness.a()]))
        h.run(for: .seconds(12))
        h.receive(Self.question, from: QHarness.other)
        h.run(for: .seconds(12))
        var withKA = Self.question
        withKA.answers = [QHarness.a(ttl: 100)]
        h.receive(withKA, from: QHarness.other)
        h.run(for: .seconds(1))
        h.receive(withKA, from: QHarness.other)
        h.run(for: .seconds(12))
        #expect(h.cached(QHarness.host, .a).count == 1)
        #expect(h.engine.querierStatistics.poofFlushes == 0)
    }
}
