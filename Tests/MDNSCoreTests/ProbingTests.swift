import DNSWire
import MDNSCore
import Testing

@Suite("RFC 6762 §8.1 Probing")
struct ProbingTests {
    @Test("three probes 250 ms apart after a 0–250 ms start, announcing 250 ms after the third")
    func probeTiming() {
        var h = Harness(seed: 3)
        let t0 = h.now
        h.register(.host(HostRegistration(label: "printer")))
        h.run(for: .seconds(2))
        let probes = h.probes(for: Harness.host)
        #expect(probes.count == 3)
        let start = probes[0].time - t0
        #expect(start >= .zero && start <= .milliseconds(250))
        #expect(probes[1].time - probes[0].time == .milliseconds(250))
        #expect(probes[2].time - probes[1].time == .milliseconds(250))
        let first = h.responses(answering: Harness.host, .a).first!
        #expect(first.time - probes[2].time == .milliseconds(250))
        #expect(h.events.contains { if case .registered(_, let n, _) = $0.event { return n == Harness.host }; return false })
    }

    @Test("probes are QU ANY questions with the proposed records in Authority and no cache-flush bit")
    func probeFormat() {
        var h = Harness()
        h.register(.host(HostRegistration(label: "printer")))
        h.register(.service(Harness.printer))
        h.run(for: .milliseconds(300))
        for p in h.log where !p.message.header.isResponse {
            #expect(p.message.header.id == 0)
            #expect(p.to.isMulticast)
            for q in p.message.questions {
                #expect(q.type == .any)
                #expect(q.unicastResponse)
            }
            #expect(!p.message.authorities.isEmpty)
            #expect(!p.message.authorities.contains { $0.cacheFlush })
        }
        let host = h.probes(for: Harness.host)[0].message.authorities.map(\.type)
        #expect(Set(host) == [.a, .aaaa])
        let service = h.probes(for: Harness.instance)[0].message.authorities.map(\.type)
        #expect(Set(service) == [.srv, .txt])
    }

    @Test("the start delay comes from the seed: equal seeds agree, all delays within 0–250 ms")
    func startDelayIsSeeded() {
        var delays: [Duration] = []
        for seed in UInt64(0)..<40 {
            var h = Harness(seed: seed)
            let t0 = h.now
            h.register(.host(HostRegistration(label: "printer")))
            h.run(for: .milliseconds(300))
            delays.append(h.log[0].time - t0)
        }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .milliseconds(250) })
        #expect(Set(delays.map(\.nanoseconds)).count > 30)
        var again = Harness(seed: 5)
        let t0 = again.now
        again.register(.host(HostRegistration(label: "printer")))
        again.run(for: .milliseconds(300))
        #expect(again.log[0].time - t0 == delays[5])
    }

    @Test("a conflicting response while probing renames a service to \"Name (2)\" and a host to \"host-2\"")
    func conflictRenames() {
        var h = Harness()
        let hid = h.register(.host(HostRegistration(label: "printer")))!
        let sid = h.register(.service(Harness.printer))!
        h.run(for: .milliseconds(260))
        h.receive(Message(header: .response, answers: [
            ResourceRecord(name: Harness.host, cacheFlush: true, ttl: 120, rdata: .a(IPv4Address(169, 254, 5, 5))),
            ResourceRecord(name: Harness.instance, cacheFlush: true, ttl: 120, rdata: .srv(SRV(port: 1, target: Harness.host))),
        ]))
        #expect(h.engine.responder.name(of: hid) == (try! DNSName(parsing: "printer-2.local")))
        #expect(h.engine.responder.name(of: sid) == (try! DNSName(labels: ["Printer (2)", "_ipp", "_tcp", "local"])))
        h.run(for: .seconds(3))
        #expect(h.responses(answering: Harness.host).isEmpty)
        // The service's SRV follows the host's new name (§8.4, no re-probe needed for that).
        let srv = h.responses(answering: try! DNSName(labels: ["Printer (2)", "_ipp", "_tcp", "local"]), .srv).last!
        #expect(srv.message.answers.contains { $0.rdata == .srv(SRV(port: 631, target: try! DNSName(parsing: "printer-2.local"))) })
    }

    @Test("a response with the host's own proposed data, or from its own address, is no conflict")
    func ownDataIsNoConflict() {
        var h = Harness()
        let id = h.register(.host(HostRegistration(label: "printer")))!
        h.run(for: .milliseconds(260))
        let own = [ResourceRecord(name: Harness.host, cacheFlush: true, ttl: 120, rdata: .a(IPv4Address(169, 254, 1, 1)))]
        h.receive(Message(header: .response, answers: own))
        let other = [ResourceRecord(name: Harness.host, cacheFlush: true, ttl: 120, rdata: .a(IPv4Address(169, 254, 1, 2)))]
        h.receive(Message(header: .response, answers: other), from: SocketAddress(.v4(IPv4Address(169, 254, 1, 1))))
        h.run(for: .seconds(2))
        #expect(h.engine.responder.name(of: id) == Harness.host)
        #expect(h.engine.statistics.conflicts == 0)
        #expect(h.engine.statistics.dropped[.ownPacket] == 1)
    }

    @Test("after 15 conflicts in 10 s the next probe attempt waits at least 5 s")
    func rateLimit() {
        var h = Harness()
        h.register(.host(HostRegistration(label: "printer")))
        var attemptTimes: [Instant] = []
        for _ in 0..<17 {
            // Run until the next probe, then answer it with a conflict.
            let before = h.log.count
            while h.log.count == before { h.run(for: .milliseconds(50)) }
            let p = h.log[before]
            attemptTimes.append(p.time)
            let name = p.message.questions[0].name
            h.receive(Message(header: .response, answers: [ResourceRecord(name: name, cacheFlush: true, ttl: 120, rdata: .a(IPv4Address(169, 254, 5, 5)))]))
        }
        // Attempts 1–15 come fast; attempt 16 follows 15 conflicts and must wait.
        #expect(attemptTimes[14] - attemptTimes[0] < .seconds(10))
        #expect(attemptTimes[15] - attemptTimes[14] >= .seconds(5))
        #expect(attemptTimes[16] - attemptTimes[15] >= .seconds(5))
        #expect(h.engine.statistics.conflicts == 17)
    }
}

@Suite("RFC 6762 §9 Renaming")
struct RenamePolicyTests {
    @Test("numbered policy: \"Name (2)\", \"Name (3)\", \"host-2\", \"host-3\"")
    func numbered() {
        let p = RenamePolicy.numbered
        #expect(p.rename("Name", 2, .service) == "Name (2)")
        #expect(p.rename("Name (2)", 3, .service) == "Name (3)")
        #expect(p.rename("host", 2, .host) == "host-2")
        #expect(p.rename("host-2", 3, .host) == "host-3")
        #expect(p.rename("my-host", 2, .host) == "my-host-2")
        #expect(p.rename("Ünïcode", 2, .service) == "Ünïcode (2)")
    }

    @Test("renaming a 63-byte label stays within 63 bytes (CVE-2023-38473)")
    func longLabel() {
        let long = String(repeating: "é", count: 31) + "x"   // 63 bytes
        let r = RenamePolicy.numbered.rename(long, 12, .service)
        #expect(r.utf8.count <= 63)
        #expect(r.hasSuffix(" (12)"))
        #expect((try? DNSName(labels: [r, "local"])) != nil)
    }

    @Test("a custom policy is used")
    func custom() {
        var h = Harness { $0.renamePolicy = RenamePolicy { base, n, _ in "\(base)-alt\(n)" } }
        let id = h.register(.host(HostRegistration(label: "printer")))!
        h.run(for: .milliseconds(260))
        h.receive(Message(header: .response, answers: [ResourceRecord(name: Harness.host, ttl: 120, rdata: .a(IPv4Address(169, 254, 5, 5)))]))
        #expect(h.engine.responder.name(of: id) == (try! DNSName(parsing: "printer-alt2.local")))
    }

    @Test("a conflict after establishment sends the name back to probing, not straight to renaming")
    func subsequentConflict() {
        var h = Harness()
        let (hid, _) = h.establish()
        let t = h.now
        h.receive(Message(header: .response, answers: [ResourceRecord(name: Harness.host, cacheFlush: true, ttl: 120, rdata: .a(IPv4Address(169, 254, 5, 5)))]))
        #expect(h.engine.responder.name(of: hid) == Harness.host)
        #expect(!h.engine.responder.isEstablished(hid, on: InterfaceID(1)))
        h.run(for: .seconds(2))
        #expect(h.probes(for: Harness.host).filter { $0.time > t }.count == 3)
        #expect(h.engine.responder.isEstablished(hid, on: InterfaceID(1)))
    }
}

@Suite("RFC 6762 §9 Names within one host")
struct LocalNameTests {
    @Test("a second registration of a name this host already holds is renamed before probing")
    func localClash() {
        var h = Harness()
        let a = h.register(.service(Harness.printer))!
        var other = Harness.printer
        other.port = 9100
        let b = h.register(.service(other))!
        #expect(h.engine.responder.name(of: a) == Harness.instance)
        #expect(h.engine.responder.name(of: b) == (try! DNSName(labels: ["Printer (2)", "_ipp", "_tcp", "local"])))
        #expect(h.events.contains { $0.event == .renamed(b, from: Harness.instance, to: try! DNSName(labels: ["Printer (2)", "_ipp", "_tcp", "local"])) })
        // An owner rename onto a name in use is moved along too.
        var c = ServiceRegistration(instance: "Scanner", type: "_ipp._tcp", port: 1)
        let cid = h.register(.service(c))!
        c.instance = "Printer"
        h.take(h.engine.update(cid, to: .service(c), at: h.now))
        #expect(h.engine.responder.name(of: cid) == (try! DNSName(labels: ["Printer (3)", "_ipp", "_tcp", "local"])))
    }
}
