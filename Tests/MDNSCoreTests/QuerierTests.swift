import DNSWire
import MDNSCore
import Testing

/// One engine used as a querier, driven in virtual time, with everything it sent and reported.
struct QHarness {
    var engine: MDNSEngine
    var now: Instant
    var sent: [(time: Instant, message: Message, to: Destination)] = []
    var events: [(time: Instant, event: QuerierEvent)] = []

    static let eth0 = NetworkInterface(id: InterfaceID(1), name: "eth0", addresses: [
        InterfaceAddress(.v4(IPv4Address(169, 254, 1, 1)), prefixLength: 16)])
    static let peer = SocketAddress(.v4(IPv4Address(169, 254, 9, 9)))
    static let other = SocketAddress(.v4(IPv4Address(169, 254, 9, 10)))
    static let type = try! DNSName(parsing: "_ipp._tcp.local")
    static let instance = try! DNSName(labels: ["Printer", "_ipp", "_tcp", "local"])
    static let host = try! DNSName(parsing: "printer.local")
    static let host2 = try! DNSName(parsing: "printer-2.local")

    init(seed: UInt64 = 3, configure: (inout QuerierConfiguration) -> Void = { _ in }) {
        var q = QuerierConfiguration()
        configure(&q)
        engine = MDNSEngine(configuration: Configuration(seed: seed), interfaces: [QHarness.eth0], querier: q)
        now = Instant(nanoseconds: 9_100_000_000_000 + Int64(seed) * 7_919)
    }

    mutating func take(_ actions: [Action]) {
        for a in actions {
            switch a {
            case .send(let m, let d): sent.append((now, m, d))
            case .report(.querier(let e)): events.append((now, e))
            case .report: break
            }
        }
    }

    mutating func run(for d: Duration) {
        let end = now + d
        while let t = engine.nextDeadline, t <= end {
            now = max(now, t)
            take(engine.advance(to: now))
        }
        now = end
        take(engine.advance(to: now))
    }

    mutating func receive(_ m: Message, from s: SocketAddress = QHarness.peer, via: ReceivedVia = .multicast) {
        take(engine.receive(m, from: s, interface: InterfaceID(1), via: via, at: now))
    }

    mutating func browse() -> SubscriptionID {
        let (id, a) = engine.browse("_ipp._tcp", at: now)
        take(a)
        return id!
    }

    mutating func query(_ name: DNSName, _ type: RRType, oneShot: Bool = false) -> SubscriptionID {
        let (id, a) = engine.query(name, type, oneShot: oneShot, at: now)
        take(a)
        return id!
    }

    var queries: [(time: Instant, message: Message, to: Destination)] { sent.filter { !$0.message.header.isResponse } }

    func queries(for name: DNSName, _ type: RRType) -> [(time: Instant, message: Message, to: Destination)] {
        queries.filter { $0.message.questions.contains { $0.name == name && $0.type == type } }
    }

    func cached(_ name: DNSName, _ type: RRType) -> [CachedRecord] {
        engine.cache.records(named: name, on: InterfaceID(1)).filter { $0.record.type == type }
    }

    static func ptr(_ instance: DNSName = QHarness.instance, ttl: UInt32 = 4500) -> ResourceRecord {
        ResourceRecord(name: type, ttl: ttl, rdata: .ptr(instance))
    }
    static func srv(target: DNSName = QHarness.host, port: UInt16 = 631, ttl: UInt32 = 120) -> ResourceRecord {
        ResourceRecord(name: instance, cacheFlush: true, ttl: ttl, rdata: .srv(SRV(port: port, target: target)))
    }
    static func txt(_ pairs: [(String, String?)] = [("rp", "ipp/print")], ttl: UInt32 = 4500) -> ResourceRecord {
        ResourceRecord(name: instance, cacheFlush: true, ttl: ttl, rdata: .txt(TXT(pairs)))
    }
    static func a(_ host: DNSName = QHarness.host, _ last: UInt8 = 20, ttl: UInt32 = 120, flush: Bool = true) -> ResourceRecord {
        ResourceRecord(name: host, cacheFlush: flush, ttl: ttl, rdata: .a(IPv4Address(169, 254, 9, last)))
    }
    static func response(_ answers: [ResourceRecord], additionals: [ResourceRecord] = []) -> Message {
        Message(header: .response, answers: answers, additionals: additionals)
    }
    /// The printer's full answer to a PTR query (RFC 6763 §12.1).
    static var printerAnswer: Message { response([ptr()], additionals: [srv(), txt(), a()]) }
}

@Suite("RFC 6762 §5.2 Continuous querying")
struct ContinuousQueryTests {
    @Test("first query 20–120 ms after start, then 1 s, doubling, capped at 60 minutes")
    func schedule() {
        var h = QHarness()
        let t0 = h.now
        _ = h.query(QHarness.type, .ptr)
        h.run(for: .seconds(5 * 3600))
        let times = h.queries(for: QHarness.type, .ptr).map(\.time)
        // 0.1 s, then 1, 3, 7 … 4095 s (13 queries), then every hour: 7695, 11295, 14895 s.
        #expect(times.count == 16)
        let first = (times[0] - t0).milliseconds
        #expect(first >= 20 && first <= 120)
        let gaps = zip(times.dropFirst(), times).map { ($0 - $1).seconds }
        #expect(gaps.prefix(12).map { Int($0.rounded()) } == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048])
        #expect(gaps.dropFirst(12).allSatisfy { $0 == 3600 })
    }

    @Test("stopping a query stops its questions")
    func stop() {
        var h = QHarness()
        let id = h.query(QHarness.type, .ptr)
        h.run(for: .seconds(2))
        let n = h.queries.count
        h.take(h.engine.stop(id, at: h.now))
        h.run(for: .seconds(600))
        #expect(h.queries.count == n)
        #expect(h.engine.querier.activeQuestionCount == 0)
    }
}

@Suite("RFC 6762 §5.4 QU on the first query")
struct FirstQueryQUTests {
    @Test("the first query is QU, later ones QM; after an interface change QU again")
    func quFirst() {
        var h = QHarness()
        _ = h.query(QHarness.type, .ptr)
        h.run(for: .seconds(4))
        let qu = h.queries.map { $0.message.questions[0].unicastResponse }
        #expect(qu == [true, false, false])
        h.take(h.engine.removeInterface(InterfaceID(1), at: h.now))
        h.take(h.engine.addInterface(QHarness.eth0, at: h.now))
        let mark = h.now
        h.run(for: .seconds(2))
        let after = h.queries.filter { $0.time >= mark }.map { $0.message.questions[0].unicastResponse }
        #expect(after == [true, false])
    }

    @Test("configuration can turn QU off")
    func quOff() {
        var h = QHarness { $0.unicastFirstQuery = false }
        _ = h.query(QHarness.type, .ptr)
        h.run(for: .seconds(1))
        #expect(h.queries.map { $0.message.questions[0].unicastResponse } == [false])
    }
}

@Suite("RFC 6762 §5.1 One-shot queries")
struct OneShotTests {
    @Test("a one-shot goes at once, accepts unicast and multicast answers, then finishes")
    func oneShot() {
        var h = QHarness()
        let t0 = h.now
        let id = h.query(QHarness.host, .a, oneShot: true)
        #expect(h.queries.map(\.time) == [t0])
        h.run(for: .milliseconds(50))
        h.receive(QHarness.response([QHarness.a(QHarness.host, 20)]), via: .unicast)
        h.receive(QHarness.response([QHarness.a(QHarness.host, 21)]), from: QHarness.other)
        // RFC 6762 §11: a unicast response from off the link is ignored.
        h.receive(QHarness.response([QHarness.a(QHarness.host, 22)]), from: SocketAddress(.v4(IPv4Address(10, 9, 9, 9))), via: .unicast)
        let added = h.events.compactMap { e -> ResourceRecord? in
            if case .record(id, .added, let r, _) = e.event { return r }
            return nil
        }
        #expect(added.map(\.rdata) == [.a(IPv4Address(169, 254, 9, 20)), .a(IPv4Address(169, 254, 9, 21))])
        #expect(h.engine.querierStatistics.rejected[.offLinkUnicast] == 1)
        h.run(for: .seconds(4))
        #expect(h.events.contains { $0.event == .finished(id) })
        #expect(h.queries.count == 1)
    }

    @Test("responses from a port other than 5353 are ignored")
    func port() {
        var h = QHarness()
        _ = h.query(QHarness.host, .a, oneShot: true)
        h.receive(QHarness.response([QHarness.a()]), from: SocketAddress(.v4(IPv4Address(169, 254, 9, 9)), port: 40000))
        #expect(h.cached(QHarness.host, .a).isEmpty)
        #expect(h.engine.querierStatistics.rejected[.responseNotFromPort5353] == 1)
    }
}

@Suite("RFC 6762 §7.1 Known-answer lists")
struct KnownAnswerTests {
    @Test("known answers carry the remaining TTL, at least half the original, without cache-flush")
    func halfTTL() {
        var h = QHarness()
        _ = h.query(QHarness.type, .ptr)
        h.run(for: .milliseconds(200))
        let long = QHarness.ptr(ttl: 4500)
        let other = try! DNSName(labels: ["Other", "_ipp", "_tcp", "local"])
        let short = QHarness.ptr(other, ttl: 10)
        h.receive(QHarness.response([long, short]))
        h.run(for: .seconds(8))
        // Queries at about 1.1 s (both fresh), 3.1 s (short: 6.9 s of 10 left) and 7.1 s (short: under half).
        let qs = h.queries(for: QHarness.type, .ptr)
        #expect(qs.count >= 4)
        for q in qs.dropFirst() {
            let elapsed = (q.time - (h.now - .seconds(8))).seconds
            for ka in q.message.answers {
                #expect(!ka.cacheFlush)
                let original: UInt32 = ka.rdata == long.rdata ? 4500 : 10
                #expect(Double(ka.ttl) >= Double(original) / 2)
                #expect(Double(ka.ttl) <= Double(original) - elapsed + 1)
            }
        }
        let last = qs.last!.message.answers
        #expect(last.map(\.rdata) == [long.rdata])
        #expect(qs[1].message.answers.count == 2)
    }
}

@Suite("RFC 6762 §7.2 Multipacket known-answer suppression")
struct TruncatedKnownAnswerTests {
    @Test("too many known answers: TC set, continuation packets have no questions, every answer sent once")
    func continuation() {
        var h = QHarness()
        _ = h.query(QHarness.type, .ptr)
        h.run(for: .milliseconds(200))
        let many = (0..<150).map { QHarness.ptr(try! DNSName(labels: ["Instance number \($0)", "_ipp", "_tcp", "local"])) }
        for chunk in stride(from: 0, to: many.count, by: 30) { h.receive(QHarness.response(Array(many[chunk..<chunk + 30]))) }
        let mark = h.now
        h.run(for: .seconds(1))
        let burst = h.queries.filter { $0.time > mark }
        #expect(burst.count >= 3)
        #expect(Set(burst.map(\.time)).count == 1)
        #expect(burst.first!.message.questions.count == 1)
        #expect(burst.dropFirst().allSatisfy { $0.message.questions.isEmpty })
        #expect(burst.dropLast().allSatisfy { $0.message.header.truncated })
        #expect(!burst.last!.message.header.truncated)
        #expect(burst.allSatisfy { $0.message.encoded().count <= DNSLimits.typicalMessageLength })
        let all = burst.flatMap { $0.message.answers.map(\.rdata) }
        #expect(all.count == 150 && Set(all) == Set(many.map(\.rdata)))
        #expect(h.engine.querierStatistics.continuationPacketsSent == burst.count - 1)
    }
}

@Suite("RFC 6762 §7.3 Duplicate question suppression")
struct DuplicateQuestionTests {
    @Test("another host's identical QM query whose known answers we hold too counts as ours")
    func suppressed() {
        var h = QHarness()
        _ = h.query(QHarness.type, .ptr)
        h.run(for: .milliseconds(200))
        h.receive(QHarness.response([QHarness.ptr()]))
        let ka = QHarness.ptr(ttl: 4400)
        // Our next query is due about 1 s after the first; another host asks just before.
        h.run(for: .milliseconds(700))
        h.receive(Message(header: .query, questions: [Question(name: QHarness.type, type: .ptr)], answers: [ka]), from: QHarness.other)
        let mark = h.now
        h.run(for: .milliseconds(999))
        #expect(h.queries.filter { $0.time > mark }.isEmpty)
        #expect(h.engine.querierStatistics.duplicateQuestionsSuppressed == 1)
        h.run(for: .seconds(2))
        #expect(h.queries.filter { $0.time > mark }.count == 1)
    }

    @Test("not suppressed when the other query lists a record we do not hold, or asks QU")
    func notSuppressed() {
        var h = QHarness()
        _ = h.query(QHarness.type, .ptr)
        h.run(for: .milliseconds(900))
        let stranger = QHarness.ptr(try! DNSName(labels: ["Stranger", "_ipp", "_tcp", "local"]))
        h.receive(Message(header: .query, questions: [Question(name: QHarness.type, type: .ptr)], answers: [stranger]), from: QHarness.other)
        h.receive(Message(header: .query, questions: [Question(name: QHarness.type, type: .ptr, unicastResponse: true)]), from: QHarness.other)
        #expect(h.engine.querierStatistics.duplicateQuestionsSuppressed == 0)
        let mark = h.now
        h.run(for: .milliseconds(400))
        #expect(h.queries.filter { $0.time > mark }.count == 1)
    }
}
