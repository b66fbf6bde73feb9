import DNSWire
import MDNSCore
import Testing

@Suite("Engine limits")
struct LimitsTests {
    @Test("default caps")
    func defaults() {
        let l = Limits()
        #expect(l.maxPendingResponses == 64)
        #expect(l.maxTruncatedQueryBuffers == 16)
        #expect(l.maxKnownAnswersPerBuffer == 256)
        #expect(l.maxQuestionsPerBuffer == 64)
        #expect(l.maxRegistrations == 256)
        #expect(l.maxConflictHistory == 32)
        #expect(l.maxProbeRecordsCompared == 64)
    }

    static func source(_ i: Int) -> SocketAddress { SocketAddress(.v4(IPv4Address(169, 254, 50, UInt8(i)))) }

    @Test("maxPendingResponses: the oldest pending response is dropped and counted")
    func pending() {
        var h = Harness { $0.limits.maxPendingResponses = 2 }
        _ = h.establish()
        // QU questions for a recently multicast shared record: delayed unicast, one pending response per source.
        for i in 1...3 { h.receive(Harness.query(Harness.type, .ptr, qu: true), from: Self.source(i)) }
        #expect(h.engine.responder.pendingResponseCount == 2)
        #expect(h.engine.statistics.overflows[.pendingResponses] == 1)
        h.run(for: .milliseconds(200))
        #expect(h.log.suffix(2).map(\.to) == [.unicast(Self.source(2), on: InterfaceID(1)), .unicast(Self.source(3), on: InterfaceID(1))]
                || h.log.suffix(2).map(\.to) == [.unicast(Self.source(3), on: InterfaceID(1)), .unicast(Self.source(2), on: InterfaceID(1))])
    }

    @Test("maxTruncatedQueryBuffers: a TC flood keeps at most the cap")
    func truncatedBuffers() {
        var h = Harness { $0.limits.maxTruncatedQueryBuffers = 2 }
        _ = h.establish()
        for i in 1...5 { h.receive(Harness.query(Harness.type, .ptr, tc: true), from: Self.source(i)) }
        #expect(h.engine.responder.truncatedQueryCount == 2)
        #expect(h.engine.statistics.overflows[.truncatedQueryBuffers] == 3)
    }

    @Test("maxKnownAnswersPerBuffer and maxQuestionsPerBuffer cap a held TC query")
    func perBuffer() {
        var h = Harness { $0.limits.maxKnownAnswersPerBuffer = 3; $0.limits.maxQuestionsPerBuffer = 2 }
        _ = h.establish()
        let known = (1...5).map { ResourceRecord(name: Harness.type, ttl: 4500, rdata: .ptr(try! DNSName(labels: ["x\($0)", "local"]))) }
        var m = Harness.query(Harness.type, .ptr, known: known, tc: true)
        m.questions += [Question(name: Harness.host, type: .a), Question(name: Harness.instance, type: .srv)]
        h.receive(m)
        #expect(h.engine.statistics.overflows[.knownAnswersPerBuffer] == 1)
        #expect(h.engine.statistics.overflows[.questionsPerBuffer] == 1)
        h.receive(Message(header: .query, answers: known))
        #expect(h.engine.statistics.overflows[.knownAnswersPerBuffer] == 2)
    }

    @Test("maxRegistrations: registering beyond the cap is refused and reported")
    func registrations() {
        var h = Harness { $0.limits.maxRegistrations = 2 }
        #expect(h.register(.host(HostRegistration(label: "a"))) != nil)
        #expect(h.register(.host(HostRegistration(label: "b"))) != nil)
        #expect(h.register(.host(HostRegistration(label: "c"))) == nil)
        #expect(h.engine.statistics.overflows[.registrations] == 1)
        #expect(h.events.contains { if case .refused = $0.event { return true }; return false })
    }

    @Test("maxConflictHistory: only the newest conflict times are kept")
    func conflictHistory() {
        var h = Harness { $0.limits.maxConflictHistory = 4 }
        h.register(.host(HostRegistration(label: "printer")))
        for _ in 0..<6 {
            let before = h.log.count
            while h.log.count == before { h.run(for: .milliseconds(50)) }
            let n = h.log[before].message.questions[0].name
            h.receive(Message(header: .response, answers: [ResourceRecord(name: n, ttl: 120, rdata: .a(IPv4Address(169, 254, 5, 5)))]))
        }
        #expect(h.engine.responder.conflictHistoryCount == 4)
        #expect(h.engine.statistics.overflows[.conflictHistory] == 2)
    }

    @Test("maxProbeRecordsCompared: a huge probe is compared on its first records only")
    func probeRecords() {
        var h = Harness { $0.limits.maxProbeRecordsCompared = 2 }
        h.register(.host(HostRegistration(label: "printer")))
        while h.log.isEmpty { h.run(for: .milliseconds(10)) }
        let many = (1...3).map { ResourceRecord(name: Harness.host, ttl: 120, rdata: .a(IPv4Address(169, 254, 0, UInt8($0)))) }
        h.receive(Message(header: .query, questions: [Question(name: Harness.host, type: .any)], authorities: many))
        #expect(h.engine.statistics.overflows[.probeRecordsCompared] == 1)
    }
}

@Suite("Malformed input")
struct MalformedTests {
    @Test("bytes that do not decode are dropped, counted by code, and change nothing")
    func dropped() {
        var h = Harness()
        _ = h.establish()
        h.receive(Harness.query(Harness.type, .ptr))
        let deadline = h.engine.nextDeadline
        let live = h.engine.responder.liveRecords(on: InterfaceID(1))
        let inputs: [([UInt8], DNSWireError.Code)] = [
            ([0x0A, 0xBA, 0x10, 0x00], .truncated),
            ([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1], .pointerHopLimit),
            ([0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0], .countExceedsData),
        ]
        for (bytes, code) in inputs {
            let actions = h.engine.receive(bytes: bytes, from: Harness.peer, interface: InterfaceID(1), at: h.now)
            #expect(actions == [.report(.dropped(.malformed(h.engine.statistics.decodeErrors.keys.contains(code) ? code : code)))])
            #expect(h.engine.statistics.decodeErrors[code] == 1)
        }
        #expect(h.engine.nextDeadline == deadline)
        #expect(h.engine.responder.liveRecords(on: InterfaceID(1)) == live)
        #expect(h.engine.responder.pendingResponseCount == 1)
    }

    @Test("a response with one bad record: the others are received, the bad one counted by code")
    func salvaged() {
        var h = QHarness()
        let good = QHarness.a(QHarness.host, 7, flush: false)
        var bytes = QHarness.response([good, good]).encoded(compression: .none)
        // The second record becomes an A with 3 bytes of rdata: its framing (RDLENGTH) holds.
        bytes.removeLast()
        bytes[bytes.count - 4] = 3
        let actions = h.engine.receive(bytes: bytes, from: QHarness.peer, interface: InterfaceID(1), at: h.now)
        #expect(!actions.contains { if case .report(.dropped(.malformed)) = $0 { true } else { false } })
        #expect(h.cached(QHarness.host, .a).map(\.record.rdata) == [good.rdata])
        #expect(h.engine.statistics.salvageDrops == [.rdataLengthMismatch: 1])
        #expect(h.engine.statistics.decodeErrors.isEmpty)
    }

    @Test("packets for an unknown interface are dropped")
    func unknownInterface() {
        var h = Harness()
        h.receive(Harness.query(Harness.type, .ptr), interface: InterfaceID(9))
        #expect(h.engine.statistics.dropped[.unknownInterface] == 1)
    }
}
