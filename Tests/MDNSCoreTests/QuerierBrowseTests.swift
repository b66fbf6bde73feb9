import DNSWire
import MDNSCore
import Testing

extension QHarness {
    func instanceEvents(_ id: SubscriptionID) -> [(Change, ServiceInstance)] {
        events.compactMap { e in
            if case .instance(id, let c, let i) = e.event { return (c, i) }
            return nil
        }
    }
}

@Suite("RFC 6763 §4–§5 Browse and resolve")
struct BrowseTests {
    @Test("a browse asks for PTR and reports the instance with SRV, TXT and addresses from the additionals")
    func browse() {
        var h = QHarness()
        let id = h.browse()
        h.run(for: .milliseconds(150))
        #expect(h.queries(for: QHarness.type, .ptr).count == 1)
        h.receive(QHarness.printerAnswer)
        let ev = h.instanceEvents(id)
        #expect(ev.count == 1)
        #expect(ev.first?.0 == .added)
        let i = ev.first!.1
        #expect(i.instance == "Printer" && i.type == QHarness.type && i.interface == InterfaceID(1))
        #expect(i.target == QHarness.host && i.port == 631)
        #expect(i.txt == [TXTAttribute(key: "rp", value: Array("ipp/print".utf8))])
        #expect(i.addresses == [.v4(IPv4Address(169, 254, 9, 20))])
        #expect(i.isResolved)
        // Nothing is missing, so the browse asks only its PTR question.
        #expect(h.engine.querier.activeQuestions.map(\.type) == [.ptr])
    }

    @Test("a PTR without additionals makes the browse ask for SRV and TXT, then the target's addresses")
    func resolveMissing() {
        var h = QHarness()
        let id = h.browse()
        h.receive(QHarness.response([QHarness.ptr()]))
        #expect(Set(h.engine.querier.activeQuestions.map(\.type)) == [.ptr, .srv, .txt])
        h.receive(QHarness.response([QHarness.srv(), QHarness.txt()]))
        #expect(Set(h.engine.querier.activeQuestions.map(\.type)) == [.ptr, .a, .aaaa])
        h.receive(QHarness.response([QHarness.a()]))
        #expect(h.engine.querier.activeQuestions.map(\.type) == [.ptr])
        #expect(h.instanceEvents(id).map(\.0) == [.added, .updated, .updated])
        #expect(h.engine.instances(of: id).first?.isResolved == true)
    }

    @Test("resolution follows SRV target and address changes")
    func follows() {
        var h = QHarness()
        let (rid, a) = h.engine.resolve(QHarness.instance, at: h.now)
        h.take(a)
        let id = rid!
        h.run(for: .milliseconds(150))
        #expect(Set(h.queries.flatMap { $0.message.questions.map(\.type) }) == [.srv, .txt])
        h.receive(QHarness.response([QHarness.srv(), QHarness.txt()], additionals: [QHarness.a()]))
        h.run(for: .seconds(3))
        // The instance moves to another host (cache-flush replaces the SRV), which has its own address.
        h.receive(QHarness.response([QHarness.srv(target: QHarness.host2, port: 8631)], additionals: [QHarness.a(QHarness.host2, 30)]))
        h.run(for: .seconds(2))
        // The new host's address changes.
        h.receive(QHarness.response([QHarness.a(QHarness.host2, 31)]))
        h.run(for: .seconds(2))
        let last = h.engine.instances(of: id).first!
        #expect(last.target == QHarness.host2 && last.port == 8631)
        #expect(last.addresses == [.v4(IPv4Address(169, 254, 9, 31))])
        let targets = h.instanceEvents(id).map { $0.1.target }
        #expect(targets.first == QHarness.host && targets.last == QHarness.host2)
        // The resolve now asks for the new target's addresses, not the old one's.
        let names = Set(h.engine.querier.activeQuestions.filter { $0.type == .a }.map(\.name))
        #expect(names == [QHarness.host2])
    }

    @Test("enumeration reports service types (RFC 6763 §9)")
    func enumerate() {
        var h = QHarness()
        let (eid, a) = h.engine.enumerateServiceTypes(at: h.now)
        h.take(a)
        let id = eid!
        h.receive(QHarness.response([ResourceRecord(name: .serviceTypeEnumeration, ttl: 4500, rdata: .ptr(QHarness.type))]))
        #expect(h.events.contains { $0.event == .serviceType(id, .added, QHarness.type, InterfaceID(1)) })
        #expect(h.engine.querier.serviceTypes(of: id).map(\.type) == [QHarness.type])
    }

    @Test("a second browse starts with what the cache already holds")
    func fromCache() {
        var h = QHarness()
        _ = h.browse()
        h.receive(QHarness.printerAnswer)
        let second = h.browse()
        #expect(h.instanceEvents(second).map(\.0) == [.added])
        #expect(h.engine.querier.activeQuestionCount == 1)
    }
}
