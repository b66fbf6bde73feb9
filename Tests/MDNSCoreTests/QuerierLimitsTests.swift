import DNSWire
import MDNSCore
import Testing

@Suite("Querier and cache limits")
struct QuerierLimitsTests {
    static func name(_ i: Int) -> DNSName { try! DNSName(labels: ["flood-\(i)", "local"]) }
    static func spoof(_ i: Int) -> SocketAddress { SocketAddress(.v4(IPv4Address(169, 254, UInt8(100 + i % 100), UInt8(1 + i % 250)))) }

    @Test("default caps")
    func defaults() {
        let l = QuerierLimits()
        #expect(QuerierDefaults.maxCacheEntries == 4096 && l.maxCacheEntries == 4096)
        #expect(QuerierDefaults.maxRecordsPerName == 512 && l.maxRecordsPerName == 512)
        #expect(QuerierDefaults.maxActiveQuestions == 256 && l.maxActiveQuestions == 256)
        #expect(QuerierDefaults.maxKnownAnswersPerQuery == 256 && l.maxKnownAnswersPerQuery == 256)
        #expect(QuerierDefaults.maxSubscriptions == 64 && l.maxSubscriptions == 64)
        #expect(QuerierDefaults.maxBrowseResults == 512 && l.maxBrowseResults == 512)
        #expect(QuerierDefaults.maxPendingReconfirms == 64 && l.maxPendingReconfirms == 64)
    }

    @Test("maxCacheEntries: unwanted records go first, least recently received first, and are counted")
    func cacheEntries() {
        var h = QHarness { $0.limits.maxCacheEntries = 8 }
        let id = h.browse()
        h.receive(QHarness.printerAnswer)                     // 4 wanted records
        for i in 0..<20 { h.receive(QHarness.response([ResourceRecord(name: Self.name(i), ttl: 4500, rdata: .a(IPv4Address(10, 0, 0, UInt8(i))))]), from: Self.spoof(i)) }
        #expect(h.engine.cache.count == 8)
        #expect(h.engine.querierStatistics.evicted[.cacheEntries] == 16)
        // The browse still has its printer; the flood's newest four are what is left of it.
        #expect(h.engine.instances(of: id).first?.isResolved == true)
        let left = Set(h.engine.cache.all.map(\.record.name)).subtracting([QHarness.type, QHarness.instance, QHarness.host])
        #expect(left == Set((16..<20).map(Self.name)))
    }

    @Test("maxCacheEntries: when every record is wanted the least recently received goes")
    func allWanted() {
        var h = QHarness { $0.limits.maxCacheEntries = 3 }
        for i in 0..<3 { _ = h.query(Self.name(i), .a) }
        for i in 0..<3 { h.receive(QHarness.response([ResourceRecord(name: Self.name(i), ttl: 120, rdata: .a(IPv4Address(10, 0, 0, 1)))])) }
        _ = h.query(Self.name(9), .a)
        h.receive(QHarness.response([ResourceRecord(name: Self.name(9), ttl: 120, rdata: .a(IPv4Address(10, 0, 0, 9)))]))
        #expect(Set(h.engine.cache.all.map(\.record.name)) == [Self.name(1), Self.name(2), Self.name(9)])
        #expect(h.engine.querierStatistics.evicted[.cacheEntries] == 1)
    }

    @Test("maxRecordsPerName: one name flooded with distinct rdata keeps the newest")
    func perName() {
        var h = QHarness { $0.limits.maxRecordsPerName = 4 }
        for i in 0..<10 { h.receive(QHarness.response([QHarness.a(QHarness.host, UInt8(i), flush: false)])) }
        #expect(h.cached(QHarness.host, .a).map(\.record.rdata) .count == 4)
        #expect(Set(h.cached(QHarness.host, .a).map(\.record.rdata)) == Set((6..<10).map { RData.a(IPv4Address(169, 254, 9, UInt8($0))) }))
        #expect(h.engine.querierStatistics.evicted[.recordsPerName] == 6)
    }

    @Test("maxActiveQuestions: questions beyond the cap are refused and counted")
    func questions() {
        var h = QHarness { $0.limits.maxActiveQuestions = 2 }
        for i in 0..<3 { _ = h.query(Self.name(i), .a) }
        #expect(h.engine.querier.activeQuestionCount == 2)
        #expect(h.engine.querierStatistics.evicted[.activeQuestions] == 1)
    }

    @Test("maxKnownAnswersPerQuery: the list stops at the cap")
    func knownAnswers() {
        var h = QHarness { $0.limits.maxKnownAnswersPerQuery = 5 }
        _ = h.query(QHarness.type, .ptr)
        h.run(for: .milliseconds(200))
        h.receive(QHarness.response((0..<9).map { QHarness.ptr(try! DNSName(labels: ["I\($0)", "_ipp", "_tcp", "local"])) }))
        h.run(for: .seconds(1))
        #expect(h.queries.last!.message.answers.count == 5)
        #expect(h.engine.querierStatistics.evicted[.knownAnswersPerQuery] == 1)
    }

    @Test("maxSubscriptions: the next one is refused with an event")
    func subscriptions() {
        var h = QHarness { $0.limits.maxSubscriptions = 2 }
        _ = h.query(Self.name(0), .a); _ = h.query(Self.name(1), .a)
        let (id, a) = h.engine.query(Self.name(2), .a, at: h.now)
        h.take(a)
        #expect(id == nil)
        #expect(h.events.contains { if case .refused = $0.event { return true }; return false })
        #expect(h.engine.querierStatistics.evicted[.subscriptions] == 1)
    }

    @Test("maxBrowseResults: instances beyond the cap are not reported, and counted once")
    func browseResults() {
        var h = QHarness { $0.limits.maxBrowseResults = 3 }
        let id = h.browse()
        h.receive(QHarness.response((0..<5).map { QHarness.ptr(try! DNSName(labels: ["I\($0)", "_ipp", "_tcp", "local"])) }))
        h.receive(QHarness.response([QHarness.ptr()]))
        #expect(h.engine.instances(of: id).count == 3)
        #expect(h.engine.querierStatistics.evicted[.browseResults] == 3)
    }

    @Test("maxPendingReconfirms: reconfirmations beyond the cap are refused")
    func reconfirms() {
        var h = QHarness { $0.limits.maxPendingReconfirms = 1 }
        h.receive(QHarness.response([QHarness.a(QHarness.host, 1, flush: false), QHarness.a(QHarness.host, 2, flush: false)]))
        #expect(h.engine.reconfirm(QHarness.a(QHarness.host, 1), at: h.now).accepted)
        #expect(!h.engine.reconfirm(QHarness.a(QHarness.host, 2), at: h.now).accepted)
        #expect(h.engine.querier.pendingReconfirmCount == 1)
        #expect(h.engine.querierStatistics.evicted[.pendingReconfirms] == 1)
    }
}
