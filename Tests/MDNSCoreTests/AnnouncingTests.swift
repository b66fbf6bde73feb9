import DNSWire
import MDNSCore
import Testing

@Suite("RFC 6762 §8.3 Announcing")
struct AnnouncingTests {
    @Test("two announcements one second apart; unique records with cache-flush, shared without")
    func twoAnnouncements() {
        var h = Harness()
        _ = h.establish()
        let ann = h.responses(answering: Harness.instance, .srv)
        #expect(ann.count == 2)
        #expect(ann[1].time - ann[0].time == .seconds(1))
        for a in ann {
            #expect(a.to.isMulticast)
            #expect(a.message.header.isResponse && a.message.header.authoritativeAnswer && a.message.header.id == 0)
            #expect(a.message.questions.isEmpty)
            for r in a.message.answers {
                #expect(r.cacheFlush == (r.type != .ptr))
            }
        }
        let types = Set(ann[0].message.answers.map(\.type))
        #expect(types == [.srv, .txt, .ptr])
        let ptrNames = Set(ann[0].message.answers.filter { $0.type == .ptr }.map(\.name))
        #expect(ptrNames == [Harness.type, try! DNSName(parsing: "_color._sub._ipp._tcp.local"), .serviceTypeEnumeration])
    }

    @Test("more announcements double the interval: 1 s, 2 s, 4 s")
    func doubling() {
        var h = Harness { $0.announcementCount = 4 }
        h.register(.host(HostRegistration(label: "printer")))
        h.run(for: .seconds(10))
        let ann = h.responses(answering: Harness.host, .a)
        #expect(ann.count == 4)
        #expect(zip(ann.dropFirst(), ann).map { $0.time - $1.time } == [.seconds(1), .seconds(2), .seconds(4)])
    }

    @Test("RFC 6762 §10: 120 s for A, AAAA, SRV and reverse PTR; 4500 s for TXT and service PTR")
    func defaultTTLs() {
        var h = Harness()
        _ = h.establish()
        for e in h.log where e.message.header.isResponse {
            for r in e.message.answers {
                let reverse = r.type == .ptr && r.name.isSubdomain(of: try! DNSName(parsing: "arpa"))
                #expect(r.ttl == ([.a, .aaaa, .srv].contains(r.type) || reverse ? 120 : 4500))
            }
        }
    }
}

@Suite("RFC 6762 §8.4 and §10.1 Updates and goodbyes")
struct UpdateTests {
    @Test("changed TXT is re-announced at once, without probing")
    func update() {
        var h = Harness()
        let (_, sid) = h.establish()
        let t = h.now
        var s = Harness.printer
        s.txt = TXT([("rp", "y")])
        h.take(h.engine.update(sid, to: .service(s), at: h.now))
        h.run(for: .seconds(3))
        #expect(h.probes(for: Harness.instance).filter { $0.time >= t }.isEmpty)
        let ann = h.responses(answering: Harness.instance, .txt).filter { $0.time >= t }
        #expect(ann.count == 2)
        #expect(ann[0].time == t)
        #expect(ann[0].message.answers.contains { $0.rdata == .txt(TXT([("rp", "y")])) && $0.cacheFlush })
        // The old TXT is replaced by cache-flush, not said goodbye to.
        #expect(!h.log.contains { $0.message.answers.contains { $0.ttl == 0 } })
    }

    @Test("withdraw sends each announced record once with TTL 0 and no cache-flush bit")
    func goodbye() {
        var h = Harness()
        let (_, sid) = h.establish()
        let t = h.now
        h.take(h.engine.withdraw(sid, at: h.now))
        let byes = h.sent(since: t)
        #expect(byes.count == 1)
        let records = byes[0].message.answers
        #expect(records.allSatisfy { $0.ttl == 0 && !$0.cacheFlush })
        #expect(Set(records.map(\.type)) == [.srv, .txt, .ptr])
        #expect(records.count == 5)
        #expect(h.events.contains { $0.event == .withdrawn(sid) })
        h.run(for: .seconds(5))
        #expect(h.sent(after: t).isEmpty)
    }

    @Test("withdrawing before probing finished sends nothing")
    func withdrawWhileProbing() {
        var h = Harness()
        let id = h.register(.host(HostRegistration(label: "printer")))!
        h.run(for: .milliseconds(300))
        let n = h.log.count
        h.take(h.engine.withdraw(id, at: h.now))
        h.run(for: .seconds(3))
        #expect(h.log.count == n)
    }

    @Test("an owner rename says goodbye to the old name and probes the new one")
    func ownerRename() {
        var h = Harness()
        let (_, sid) = h.establish()
        let t = h.now
        var s = Harness.printer
        s.instance = "Office Printer"
        h.take(h.engine.update(sid, to: .service(s), at: h.now))
        h.run(for: .seconds(3))
        let newName = try! DNSName(labels: ["Office Printer", "_ipp", "_tcp", "local"])
        #expect(h.sent(since: t).first!.message.answers.contains { $0.ttl == 0 && $0.rdata == .ptr(Harness.instance) })
        #expect(h.probes(for: newName).count == 3)
        #expect(h.responses(answering: newName, .srv).count == 2)
    }
}
