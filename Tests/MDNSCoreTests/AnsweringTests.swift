import DNSWire
import MDNSCore
import Testing

@Suite("RFC 6762 §6 Answering")
struct AnsweringTests {
    @Test("unique answers go out in the same instant as the query")
    func uniqueAtOnce() {
        var h = Harness()
        _ = h.establish()
        let t = h.now
        h.receive(Harness.query(Harness.instance, .srv))
        let r = h.sent(since: t)
        #expect(r.count == 1)
        #expect(r[0].time == t)
        #expect(r[0].message.answers.map(\.type) == [.srv])
        // RFC 6763 §12.2: the target's addresses in Additional.
        #expect(Set(r[0].message.additionals.map(\.type)) == [.a, .aaaa])
    }

    @Test("shared answers wait 20–120 ms, drawn from the seed")
    func sharedDelay() {
        var delays: [Duration] = []
        for seed in UInt64(1)...20 {
            var h = Harness(seed: seed)
            _ = h.establish()
            let t = h.now
            h.receive(Harness.query(Harness.type, .ptr))
            #expect(h.sent(since: t).isEmpty)
            h.run(for: .milliseconds(200))
            let r = h.sent(since: t)
            #expect(r.count == 1)
            delays.append(r[0].time - t)
            // RFC 6763 §12.1: SRV, TXT and addresses in Additional.
            #expect(Set(r[0].message.additionals.map(\.type)) == [.srv, .txt, .a, .aaaa])
        }
        #expect(delays.allSatisfy { $0 >= .milliseconds(20) && $0 <= .milliseconds(120) })
        #expect(Set(delays.map(\.nanoseconds)).count == 20)
    }

    @Test("a TC query waits 400–500 ms; continuation known answers are merged")
    func truncated() {
        var h = Harness()
        _ = h.establish()
        var t = h.now
        h.receive(Harness.query(Harness.type, .ptr, tc: true))
        h.run(for: .seconds(1))
        let r = h.sent(since: t)
        #expect(r.count == 1)
        #expect(r[0].time - t >= .milliseconds(400) && r[0].time - t <= .milliseconds(500))
        h.run(for: .seconds(1))
        t = h.now
        h.receive(Harness.query(Harness.type, .ptr, tc: true))
        h.run(for: .milliseconds(30))
        let known = ResourceRecord(name: Harness.type, ttl: 4500, rdata: .ptr(Harness.instance))
        h.receive(Message(header: .query, answers: [known]))
        h.run(for: .seconds(1))
        #expect(h.sent(since: t).isEmpty)
        #expect(h.engine.statistics.knownAnswerSuppressions == 1)
    }

    @Test("a record is not multicast twice within one second")
    func rateLimit() {
        var h = Harness()
        _ = h.establish()
        h.receive(Harness.query(Harness.instance, .srv))
        let first = h.log.last!.time
        h.run(for: .milliseconds(500))
        h.receive(Harness.query(Harness.instance, .srv))
        h.run(for: .milliseconds(100))
        #expect(h.sent(after: first).isEmpty)
        h.run(for: .milliseconds(500))
        h.receive(Harness.query(Harness.instance, .srv))
        #expect(h.sent(after: first).count == 1)
    }

    @Test("probe defence is limited to 250 ms, not one second")
    func probeDefense() {
        var h = Harness()
        _ = h.establish()
        let probe = Message(header: .query, questions: [Question(name: Harness.host, type: .any)],
                            authorities: [ResourceRecord(name: Harness.host, ttl: 120, rdata: .a(IPv4Address(169, 254, 7, 7)))])
        let t = h.now
        h.receive(probe)
        h.run(for: .milliseconds(300))
        h.receive(probe)
        let r = h.sent(since: t)
        #expect(r.count == 2)
        #expect(r.allSatisfy { $0.to.isMulticast && $0.message.answers.contains { $0.type == .a } })
    }

    @Test("§7.1: a known answer with at least half the TTL suppresses; below half it does not")
    func knownAnswers() {
        var h = Harness()
        _ = h.establish()
        let t = h.now
        h.receive(Harness.query(Harness.type, .ptr, known: [ResourceRecord(name: Harness.type, cacheFlush: true, ttl: 2250, rdata: .ptr(Harness.instance))]))
        h.run(for: .milliseconds(200))
        #expect(h.sent(since: t).isEmpty)
        h.receive(Harness.query(Harness.type, .ptr, known: [ResourceRecord(name: Harness.type, ttl: 2249, rdata: .ptr(Harness.instance))]))
        h.run(for: .milliseconds(200))
        #expect(h.sent(since: t).count == 1)
    }

    @Test("§7.4: a pending answer is dropped when another host multicasts it first")
    func duplicateSuppression() {
        var h = Harness()
        _ = h.establish()
        let t = h.now
        h.receive(Harness.query(Harness.type, .ptr))
        h.run(for: .milliseconds(5))
        h.receive(Message(header: .response, answers: [ResourceRecord(name: Harness.type, ttl: 4500, rdata: .ptr(Harness.instance))]))
        h.run(for: .seconds(1))
        #expect(h.sent(since: t).isEmpty)
        #expect(h.engine.statistics.duplicateAnswerSuppressions == 1)
    }

    @Test("§6.7 legacy unicast: ID and question echoed, no cache-flush, TTL ≤ 10, to the source port")
    func legacyUnicast() {
        var h = Harness()
        _ = h.establish()
        let src = SocketAddress(.v4(IPv4Address(169, 254, 9, 9)), port: 40000)
        let t = h.now
        h.receive(Harness.query(Harness.instance, .srv, id: 0xBEEF), from: src)
        let r = h.sent(since: t)
        #expect(r.count == 1)
        #expect(r[0].to == .unicast(src, on: InterfaceID(1)))
        #expect(r[0].message.header.id == 0xBEEF)
        #expect(r[0].message.questions == [Question(name: Harness.instance, type: .srv)])
        #expect((r[0].message.answers + r[0].message.additionals).allSatisfy { !$0.cacheFlush && $0.ttl <= 10 })
    }

    @Test("§5.4 QU: unicast when the record was multicast within a quarter TTL, multicast otherwise")
    func quBit() {
        var h = Harness()
        _ = h.establish()
        var t = h.now
        h.receive(Harness.query(Harness.instance, .srv, qu: true))
        #expect(h.sent(since: t).map(\.to) == [.unicast(Harness.peer, on: InterfaceID(1))])
        h.run(for: .seconds(31))   // SRV TTL 120: a quarter is 30 s
        t = h.now
        h.receive(Harness.query(Harness.instance, .srv, qu: true))
        #expect(h.sent(since: t).map(\.to) == [.multicast(on: InterfaceID(1))])
    }

    @Test("§5.4 a QU probe always gets a unicast answer, and a multicast one when the record is stale")
    func quProbe() {
        var h = Harness()
        _ = h.establish()
        let probe = Message(header: .query, questions: [Question(name: Harness.host, type: .any, unicastResponse: true)],
                            authorities: [ResourceRecord(name: Harness.host, ttl: 120, rdata: .a(IPv4Address(169, 254, 7, 7)))])
        var t = h.now
        h.receive(probe)
        #expect(h.sent(since: t).map(\.to) == [.unicast(Harness.peer, on: InterfaceID(1))])
        h.run(for: .seconds(31))
        t = h.now
        h.receive(probe)
        #expect(h.sent(since: t).map(\.to) == [.unicast(Harness.peer, on: InterfaceID(1)), .multicast(on: InterfaceID(1))])
    }

    @Test("§6.1 a missing type of an owned name gets NSEC with cache-flush listing the types that exist")
    func nsec() {
        var h = Harness()
        _ = h.establish()
        let t = h.now
        h.receive(Harness.query(Harness.host, .txt))
        let r = h.sent(since: t)
        #expect(r.count == 1)
        let n = r[0].message.answers[0]
        #expect(n.type == .nsec && n.cacheFlush && n.name == Harness.host)
        if case .nsec(let x) = n.rdata { #expect(x.types == [.a, .aaaa]); #expect(x.nextName == Harness.host) }
        // Names we do not own get nothing.
        h.receive(Harness.query(try! DNSName(parsing: "other.local"), .a))
        #expect(h.sent(since: t).count == 1)
    }

    @Test("ANY returns every record of the name")
    func any() {
        var h = Harness()
        _ = h.establish()
        let t = h.now
        h.receive(Harness.query(Harness.instance, .any))
        #expect(Set(h.sent(since: t)[0].message.answers.map(\.type)) == [.srv, .txt])
    }

    @Test("§5.5/§11 unicast from off the link is dropped; OPCODE and RCODE ≠ 0 are dropped")
    func drops() {
        var h = Harness()
        _ = h.establish()
        let t = h.now
        h.receive(Harness.query(Harness.instance, .srv), from: SocketAddress(.v4(IPv4Address(10, 1, 2, 3))), via: .unicast)
        var q = Harness.query(Harness.instance, .srv)
        q.header.opcode = 2
        h.receive(q)
        q.header.opcode = 0
        q.header.rcode = 1
        h.receive(q)
        #expect(h.sent(since: t).isEmpty)
        let s = h.engine.statistics
        #expect(s.dropped[.offLink] == 1 && s.dropped[.nonZeroOpcode] == 1 && s.dropped[.nonZeroRcode] == 1)
        // The same unicast query from on the link is answered by unicast.
        h.receive(Harness.query(Harness.instance, .srv), via: .unicast)
        #expect(h.sent(since: t).map(\.to) == [.unicast(Harness.peer, on: InterfaceID(1))])
    }

    @Test("§6.4 answers to queries 10 ms apart go out in one packet, at most 500 ms later than alone")
    func aggregation() {
        let subtype = try! DNSName(parsing: "_color._sub._ipp._tcp.local")
        for seed in UInt64(1)...30 {
            var h = Harness(seed: seed)
            _ = h.establish()
            let t = h.now
            h.receive(Harness.query(Harness.type, .ptr))
            h.run(for: .milliseconds(10))
            h.receive(Harness.query(subtype, .ptr))
            h.run(for: .seconds(1))
            let r = h.sent(since: t)
            #expect(r.count == 1)
            #expect(Set(r[0].message.answers.map(\.name)) == [Harness.type, subtype])
            #expect(r[0].time - t >= .milliseconds(30) && r[0].time - t <= .milliseconds(620))
        }
    }

    @Test("§17 large answers are split into packets within maxMessageSize")
    func split() {
        var h = Harness()
        h.register(.host(HostRegistration(label: "printer")))
        for i in 0..<40 {
            h.register(.service(ServiceRegistration(instance: "Service \(i) with a rather long instance name", type: "_ipp._tcp", port: 631,
                                                    txt: TXT([("note", String(repeating: "z", count: 80))]))))
        }
        h.run(for: .seconds(6))
        let t = h.now
        h.receive(Harness.query(Harness.type, .ptr))
        h.run(for: .milliseconds(200))
        let r = h.sent(since: t)
        #expect(r.count >= 2)
        #expect(r.allSatisfy { $0.message.encoded().count <= 1440 })
        #expect(r.flatMap(\.message.answers).count == 40)
    }
}

@Suite("RFC 6762 §14 Interfaces")
struct InterfaceTests {
    @Test("each interface answers with its own addresses only")
    func perInterface() {
        var h = Harness(interfaces: [Harness.eth0, Harness.eth1])
        _ = h.establish()
        let t = h.now
        h.receive(Harness.query(Harness.host, .a), interface: InterfaceID(2))
        let r = h.sent(since: t)
        #expect(r.count == 1 && r[0].to.interface == InterfaceID(2))
        #expect(r[0].message.answers.map(\.rdata) == [.a(IPv4Address(192, 168, 7, 2))])
    }

    @Test("packets from another interface of the same host are no conflict")
    func bridged() {
        var h = Harness(interfaces: [Harness.eth0, Harness.eth1])
        h.register(.host(HostRegistration(label: "printer")))
        h.run(for: .milliseconds(260))
        // eth1's probe and announcement, heard on eth0 from eth1's address.
        let eth1 = SocketAddress(.v4(IPv4Address(192, 168, 7, 2)))
        for e in h.log where e.to.interface == InterfaceID(2) { h.receive(e.message, from: eth1, interface: InterfaceID(1)) }
        h.run(for: .seconds(3))
        for e in h.log where e.to.interface == InterfaceID(2) { h.receive(e.message, from: eth1, interface: InterfaceID(1)) }
        #expect(h.engine.statistics.conflicts == 0)
        #expect(h.engine.responder.name(of: RegistrationID(1)) == Harness.host)
    }

    @Test("an interface that comes back probes and announces again")
    func hotPlug() {
        var h = Harness()
        _ = h.establish()
        h.take(h.engine.removeInterface(InterfaceID(1), at: h.now))
        #expect(h.engine.responder.liveRecords(on: InterfaceID(1)).isEmpty)
        h.run(for: .seconds(2))
        let t = h.now
        h.take(h.engine.addInterface(Harness.eth0, at: h.now))
        h.run(for: .seconds(4))
        #expect(h.probes(for: Harness.host).filter { $0.time >= t }.count == 3)
        #expect(h.responses(answering: Harness.instance, .srv).filter { $0.time >= t }.count == 2)
    }
}
