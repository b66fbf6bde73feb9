import DNSWire
import MDNSCore
import Testing

@Suite("RFC 6762 §8.2 Simultaneous probe tiebreaking")
struct TiebreakTests {
    let n = try! DNSName(parsing: "printer.local")
    func a(_ d: UInt8, cf: Bool = false) -> ResourceRecord { ResourceRecord(name: n, cacheFlush: cf, ttl: 120, rdata: .a(IPv4Address(169, 254, 1, d))) }

    @Test("class, then type, then rdata bytes as unsigned values")
    func recordOrder() {
        #expect(Tiebreak.compare(a(1), a(2)) < 0)
        #expect(Tiebreak.compare(a(200), a(2)) > 0)   // unsigned bytes
        #expect(Tiebreak.compare(a(1), a(1)) == 0)
        let hinfo = ResourceRecord(name: n, ttl: 120, rdata: .hinfo(HINFO(cpu: "a", os: "b")))
        #expect(Tiebreak.compare(a(255), hinfo) < 0)   // type 1 < type 13 whatever the rdata
        var other = a(255)
        other.rrclass = RRClass(3)
        #expect(Tiebreak.compare(other, a(1)) > 0)    // class first
    }

    @Test("the cache-flush bit is not part of the class")
    func cacheFlushExcluded() {
        #expect(Tiebreak.compare(a(1, cf: true), a(1)) == 0)
        #expect(Tiebreak.compare(a(1, cf: true), a(2)) < 0)
    }

    @Test("a shorter rdata that is a prefix sorts first")
    func prefix() {
        let t1 = ResourceRecord(name: n, ttl: 1, rdata: .txt(TXT(strings: [[0x61]])))
        let t2 = ResourceRecord(name: n, ttl: 1, rdata: .txt(TXT(strings: [[0x61], [0x62]])))
        #expect(Tiebreak.compare(t1, t2) < 0)
    }

    @Test("§8.2.1: sets are sorted and compared pairwise; the longer set wins a tie")
    func sets() {
        #expect(Tiebreak.compare([a(2), a(1)], [a(1), a(2)]) == 0)
        #expect(Tiebreak.compare([a(1), a(2)], [a(1), a(2), a(3)]) < 0)
        #expect(Tiebreak.compare([a(1), a(9)], [a(2)]) < 0)      // first pair decides
        #expect(Tiebreak.compare([a(3)], [a(1), a(2)]) > 0)
    }

    @Test("the loser stops, waits one second and probes again")
    func loserWaits() {
        var h = Harness()
        h.register(.host(HostRegistration(label: "printer")))
        while h.log.isEmpty { h.run(for: .milliseconds(10)) }
        let t = h.now
        let later = [ResourceRecord(name: n, ttl: 120, rdata: .a(IPv4Address(169, 254, 200, 1)))]
        h.receive(Message(header: .query, questions: [Question(name: n, type: .any, unicastResponse: true)], authorities: later))
        h.run(for: .seconds(3))
        let after = h.probes(for: n).filter { $0.time > t }
        #expect(after.count == 3)
        #expect(after[0].time - t == .seconds(1))
        #expect(h.engine.statistics.lostTiebreaks == 1)
        #expect(h.engine.responder.name(of: RegistrationID(1)) == n)
    }

    @Test("the winner goes on probing; identical data is no conflict")
    func winnerContinues() {
        for theirs in [[ResourceRecord(name: n, ttl: 120, rdata: .a(IPv4Address(169, 254, 0, 1)))],
                       [a(1), ResourceRecord(name: n, ttl: 120, rdata: .aaaa(IPv6Address("fe80::1")!))]] {
            var h = Harness()
            h.register(.host(HostRegistration(label: "printer")))
            while h.log.isEmpty { h.run(for: .milliseconds(10)) }
            let t = h.log[0].time
            h.receive(Message(header: .query, questions: [Question(name: n, type: .any, unicastResponse: true)], authorities: theirs), from: Harness.peer)
            h.run(for: .seconds(2))
            let ps = h.probes(for: n)
            #expect(ps.count == 3)
            #expect(ps[2].time - t == .milliseconds(500))
            #expect(h.engine.statistics.lostTiebreaks == 0)
        }
    }
}
