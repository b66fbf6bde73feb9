import DNSWire
import MDNSCore

/// RFC 6762 §8.1–§8.2, §9 and the BCT probing areas.
enum ProbingCases {
    static let hostOnly = Publication(services: [])
    /// Nine registrations (the host and eight services), each drawing its own probe start delay.
    static let manyServices = Publication(services: (1...8).map { ServiceRegistration(instance: "Delay \($0)", type: "_http._tcp", port: 8000 + UInt16($0)) })

    static var all: [ConformanceCase] {
        [
            ConformanceCase(id: "rfc6762-8.1-probe-timing", section: "RFC 6762 §8.1",
                            title: "three probes ≥ 237 ms apart (BCT), announcing ≥ 250 ms after the third",
                            catalogue: ["A34", "B: INITIAL PROBING", "B: PROBING"],
                            level: .info, citation: "250 ms after the first query, the host should send a second; then, 250 ms after that, a third.  If, by 250 ms after the third probe, no conflicting Multicast DNS responses have been received, the host may move to the next step, announcing.") { c in
                c.start()
                let t0 = c.now
                c.waitAnnounced([c.hostName, c.instanceName()], after: t0)
                return .worst([c.checkProbeSequence(c.hostName, after: t0, firstWithin: nil),
                               c.checkProbeSequence(c.instanceName(), after: t0, firstWithin: nil)])
            },
            ConformanceCase(id: "rfc6762-8.1-probe-start-delay", section: "RFC 6762 §8.1",
                            title: "each registration's first probe waits a random 0–250 ms",
                            catalogue: ["A34", "B: INITIAL PROBING"],
                            level: .info, citation: "When ready to send its Multicast DNS probe packet(s) the host should first wait for a short random delay time, uniformly distributed in the range 0-250 ms.", publication: manyServices) { c in
                probeStartDelays(c)
            },
            ConformanceCase(id: "rfc6762-8.1-probe-before-announce", section: "RFC 6762 §8.1",
                            title: "unique records are probed before they are announced",
                            catalogue: ["A34", "B: PROBING"],
                            level: .must, citation: "The first startup step is that, for all those resource records that a Multicast DNS responder desires to be unique on the local link, it MUST send a Multicast DNS query asking for those resource records, to see if any of them are already in use.") { c in
                c.start()
                let t0 = c.now
                c.waitAnnounced([c.hostName, c.instanceName()], after: t0)
                return .worst([c.checkProbedBeforeAnnounced(c.hostName, after: t0), c.checkProbedBeforeAnnounced(c.instanceName(), after: t0)])
            },
            ConformanceCase(id: "rfc6762-8.1-probe-format", section: "RFC 6762 §8.1",
                            title: "probe questions ask type ANY for the proposed name",
                            catalogue: ["A35", "B: SRV PROBING/ANNOUNCEMENTS"],
                            level: .should, citation: "All probe queries SHOULD be done using the desired resource record name and class (usually class 1, \"Internet\"), and query type \"ANY\" (255), to elicit answers for all types of records with that name.") { c in
                firstProbes(c) { c, name, m in
                    m.questions.filter { $0.name == name && $0.type != .any }.map { .fail("probe question type \($0.type), ANY expected") }
                }
            },
            ConformanceCase(id: "rfc6762-8.1-probe-qu", section: "RFC 6762 §8.1",
                            title: "probe questions set the QU bit",
                            catalogue: ["A35"],
                            level: .should, citation: "Because of the mDNS multicast rate-limiting rules, the probes SHOULD be sent as \"QU\" questions with the unicast-response bit set, to allow a defending host to respond immediately via unicast, instead of potentially having to wait before replying via multicast.") { c in
                firstProbes(c) { c, name, m in
                    m.questions.filter { $0.name == name && !$0.unicastResponse }.map { _ in .fail("probe question for \(name) without the QU bit") }
                }
            },
            ConformanceCase(id: "rfc6762-8.2-probe-authority", section: "RFC 6762 §8.2",
                            title: "probes carry every proposed record in Authority, without the cache-flush bit (BCT)",
                            catalogue: ["A35", "B: CACHE FLUSH BIT NOT SET IN PROPOSED ANSWER OF PROBES"],
                            level: .info, citation: "However, for tiebreaking to work correctly in all cases, the Authority Section must contain *all* the records and proposed rdata being probed for uniqueness.") { c in
                firstProbes(c) { c, name, m in
                    let auth = m.authorities.filter { $0.name == name }
                    let want: [RRType] = name == c.hostName ? [.a, .aaaa] : [.srv, .txt]
                    var outs: [CaseOutcome] = want.filter { t in !auth.contains { $0.type == t } }.map { .fail("\($0) for \(name) missing from Authority") }
                    if auth.contains(where: \.cacheFlush) { outs.append(.fail("cache-flush bit set in probe Authority")) }
                    return outs
                }
            },
            ConformanceCase(id: "rfc6762-18.1-query-id-zero", section: "RFC 6762 §18.1",
                            title: "multicast probes and queries carry ID 0",
                            catalogue: ["A1"],
                            level: .should, citation: "In multicast query messages, the Query Identifier SHOULD be set to zero on transmission.") { c in
                firstProbes(c) { c, name, m in m.header.id == 0 ? [] : [.fail("probe ID \(m.header.id), 0 expected")] }
            },
            ConformanceCase(id: "rfc6762-8.1-conflict-rename-service", section: "RFC 6762 §8.1",
                            title: "a conflicting response while probing a service makes it defer and pick a new name",
                            catalogue: ["A36", "B: PROBING: PROBE DENIALS"],
                            level: .must, citation: "During probing, from the time the first probe packet is sent until 250 ms after the third probe, if any conflicting Multicast DNS response is received, then the probing host MUST defer to the existing host, and SHOULD choose new names for some or all of its resource records as appropriate.") { c in
                renameOnConflict(c, name: c.instanceName(), record: c.conflictingSRV())
            },
            ConformanceCase(id: "rfc6762-8.1-conflict-rename-host", section: "RFC 6762 §8.1",
                            title: "a conflicting response while probing the host name makes it pick a new host name",
                            catalogue: ["A36", "B: PROBING: PROBE DENIALS"],
                            level: .must, citation: "During probing, from the time the first probe packet is sent until 250 ms after the third probe, if any conflicting Multicast DNS response is received, then the probing host MUST defer to the existing host, and SHOULD choose new names for some or all of its resource records as appropriate.", publication: hostOnly) { c in
                renameOnConflict(c, name: c.hostName, record: c.conflictingAddress())
            },
            ConformanceCase(id: "rfc6762-8.1-rate-limit", section: "RFC 6762 §8.1",
                            title: "after 15 conflicts in 10 s each further probe attempt waits ≥ 5 s",
                            catalogue: ["A37", "B: PROBING: RATE LIMITING"],
                            level: .must, citation: "If fifteen conflicts occur within any ten-second period, then the host MUST wait at least five seconds before each successive additional probe attempt.", publication: hostOnly) { c in
                rateLimit(c)
            },
            ConformanceCase(id: "rfc6762-8.2-simultaneous-probe-lose", section: "RFC 6762 §8.2",
                            title: "a simultaneous probe with later data wins; the loser waits 1 s and probes again",
                            catalogue: ["A38", "B: PROBING: SIMULTANEOUS PROBE CONFLICT"],
                            level: .info, citation: "If the host finds that its own data is lexicographically earlier, then it defers to the winning host by waiting one second, and then begins probing for this record again.", publication: hostOnly) { c in
                // 169.254.255.254 sorts after 169.254.1.1: the tester wins.
                simultaneous(c, theirs: [ResourceRecord(name: c.hostName, ttl: 120, rdata: .a(IPv4Address(169, 254, 255, 254)))], targetShouldLose: true)
            },
            ConformanceCase(id: "rfc6762-8.2-simultaneous-probe-win", section: "RFC 6762 §8.2",
                            title: "a simultaneous probe with earlier data loses: probing goes on and announces",
                            catalogue: ["A38", "B: WINNING SIMULTANEOUS PROBES", "B: WINNING SIMULTANEOUS PROBES: ANNOUNCEMENTS"],
                            level: .info, citation: "This means that if the host finds that its own data is lexicographically later, it simply ignores the other host's probe.",
                            publication: hostOnly) { c in
                simultaneous(c, theirs: [ResourceRecord(name: c.hostName, ttl: 120, rdata: .a(IPv4Address(169, 254, 0, 1)))], targetShouldLose: false)
            },
            ConformanceCase(id: "rfc6762-8.2-cache-flush-excluded", section: "RFC 6762 §8.2",
                            title: "tiebreak compares the class without the cache-flush bit",
                            catalogue: ["A39"],
                            level: .info, citation: "The determination of \"lexicographically later\" is performed by first comparing the record class (excluding the cache-flush bit described in Section 10.2), then the record type, then raw comparison of the binary content of the rdata without regard for meaning or structure.", publication: hostOnly) { c in
                // Earlier rdata but the cache-flush bit set: counting the bit would make it win.
                simultaneous(c, theirs: [ResourceRecord(name: c.hostName, cacheFlush: true, ttl: 120, rdata: .a(IPv4Address(169, 254, 0, 1)))],
                             targetShouldLose: false)
            },
            ConformanceCase(id: "rfc6762-8.2-type-before-rdata", section: "RFC 6762 §8.2",
                            title: "tiebreak compares type before rdata (HINFO type 13 beats A type 1)",
                            catalogue: ["A39"],
                            level: .info, citation: "The determination of \"lexicographically later\" is performed by first comparing the record class (excluding the cache-flush bit described in Section 10.2), then the record type, then raw comparison of the binary content of the rdata without regard for meaning or structure.", publication: hostOnly) { c in
                simultaneous(c, theirs: [ResourceRecord(name: c.hostName, ttl: 120, rdata: .hinfo(HINFO(cpu: "x", os: "y")))], targetShouldLose: true)
            },
            ConformanceCase(id: "rfc6762-8.2.1-longer-set-wins", section: "RFC 6762 §8.2.1",
                            title: "multi-record probes compare sorted sets pairwise; the longer set wins a tie",
                            catalogue: ["A40"],
                            level: .info, citation: "If either list of records runs out of records before any difference is found, then the list with records remaining is deemed to have won the tiebreak.", publication: hostOnly) { c in
                let extra = ResourceRecord(name: c.hostName, ttl: 120, rdata: .aaaa(IPv6Address("fe80::2")!))
                return simultaneous(c, theirs: ownHostRecords(c) + [extra], targetShouldLose: true)
            },
            ConformanceCase(id: "rfc6762-8.2-identical-data", section: "RFC 6762 §8.2",
                            title: "a simultaneous probe with identical data is no conflict",
                            catalogue: ["A41"],
                            level: .info, citation: "If both lists run out of records at the same time without any difference being found, then this indicates that two devices are advertising identical sets of records, as is sometimes done for fault tolerance, and there is, in fact, no conflict.", publication: hostOnly) { c in
                simultaneous(c, theirs: ownHostRecords(c), targetShouldLose: false)
            },
            ConformanceCase(id: "rfc6762-8.1-own-data-ignored", section: "RFC 6762 §8.1",
                            title: "while probing, a response with the host's own proposed data is no conflict",
                            catalogue: ["A46"],
                            level: .info, citation: "What may be considered inconsistent is context sensitive, except that resource records with identical rdata are never considered inconsistent, even if they originate from different hosts.", publication: hostOnly) { c in
                c.start()
                let t0 = c.now
                guard c.waitFor(.seconds(1), { CaseContext.isProbe($0, for: c.hostName) }) != nil else { return .fail("no probe") }
                c.send(CaseContext.response(ownHostRecords(c).map { var r = $0; r.cacheFlush = true; return r }), from: c.otherPeer)
                c.wait(.seconds(4))
                let names = c.renamedNames(after: t0)
                if !names.isEmpty { return .fail("renamed to \(names.map(\.description))") }
                return c.checkProbedBeforeAnnounced(c.hostName, after: t0)
            },
            ConformanceCase(id: "rfc6762-9-subsequent-conflict-a", section: "RFC 6762 §9",
                            title: "a conflicting A record after probing sends the host name back to probing, then renaming",
                            catalogue: ["A44", "B: SUBSEQUENT CONFLICT – A", "B: SUBSEQUENT CONFLICT – ANNOUNCEMENTS"],
                            level: .must, citation: "Whenever a Multicast DNS responder receives any Multicast DNS response (solicited or otherwise) containing a conflicting resource record in any of the Resource Record Sections, the Multicast DNS responder MUST immediately reset its conflicted unique record to probing state, and go through the startup steps described above in Section 8, \"Probing and Announcing on Startup\".",
                            publication: hostOnly) { c in
                c.startSettled()
                return subsequentConflict(c, name: c.hostName, record: c.conflictingAddress(), type: .a)
            },
            ConformanceCase(id: "rfc6762-9-subsequent-conflict-srv", section: "RFC 6762 §9",
                            title: "a conflicting SRV record after probing sends the service back to probing, then renaming",
                            catalogue: ["A44", "B: SUBSEQUENT CONFLICT – SRV", "B: SUBSEQUENT CONFLICT – ANNOUNCEMENTS"],
                            level: .must, citation: "Whenever a Multicast DNS responder receives any Multicast DNS response (solicited or otherwise) containing a conflicting resource record in any of the Resource Record Sections, the Multicast DNS responder MUST immediately reset its conflicted unique record to probing state, and go through the startup steps described above in Section 8, \"Probing and Announcing on Startup\".") { c in
                c.startSettled()
                return subsequentConflict(c, name: c.instanceName(), record: c.conflictingSRV(), type: .srv)
            },
            ConformanceCase(id: "rfc6762-9-own-echo-loopback", section: "RFC 6762 §9",
                            title: "the host's own packets looped back (same source address) are never conflicts",
                            catalogue: ["A45"],
                            level: .info, citation: "What may be considered inconsistent is context sensitive, except that resource records with identical rdata are never considered inconsistent, even if they originate from different hosts.") { c in
                echo(c, from: { p in p.source })
            },
            ConformanceCase(id: "rfc6762-9-own-echo-reflector", section: "RFC 6762 §9",
                            title: "the host's own packets echoed by a reflector (another source) are never conflicts",
                            catalogue: ["A45"],
                            level: .info, citation: "What may be considered inconsistent is context sensitive, except that resource records with identical rdata are never considered inconsistent, even if they originate from different hosts.") { c in
                echo(c, from: { _ in SocketAddress(.v4(IPv4Address(169, 254, 250, 1))) })
            },
            ConformanceCase(id: "rfc6762-14-own-echo-other-interface", section: "RFC 6762 §14",
                            title: "two interfaces on one link hear each other: no conflict, no rename",
                            catalogue: ["A45"],
                            level: .info, citation: "If the two networks are bridged together, then packets the host sends on one interface will arrive on the other interface a few milliseconds later, and care must be taken to ensure that this bridging does not cause problems:", requires: [.secondInterfaceSameLink],
                            publication: Publication(secondInterface: .sameLink)) { c in
                c.start()
                let t0 = c.now
                c.wait(.seconds(12))
                let extra = c.renamedNames(after: t0)
                if !extra.isEmpty { return .fail("renamed on its own echo: \(extra.map(\.description))") }
                if let p = c.reprobe(after: t0) { c.cite(p, "probe after establishment"); return .fail("probing again after establishment") }
                return .pass("no rename and no re-probe with two interfaces on one link")
            },
        ]
    }

    /// Applies `check` to the first probe for the host name and for the instance name.
    static func firstProbes(_ c: CaseContext, _ check: (CaseContext, DNSName, Message) -> [CaseOutcome]) -> CaseOutcome {
        c.start()
        let t0 = c.now
        // the first probe of each name, or its announcement when it never probes
        c.waitEach([c.hostName, c.instanceName()], after: t0) { p, n in
            CaseContext.isProbe(p, for: n) || (p.isMulticast && CaseContext.answers(p, n))
        }
        var outs: [CaseOutcome] = []
        for name in [c.hostName, c.instanceName()] {
            guard let p = c.probes(for: name, after: t0).first, let m = p.message else { outs.append(.fail("no probe for \(name)")); continue }
            c.cite(p)
            outs += check(c, name, m)
        }
        return outs.isEmpty ? .pass("first probes for \(c.hostName) and \(c.instanceName()) as required") : .worst(outs)
    }

    /// RFC 6762 §8.1: every registration's first probe within 0–250 ms of the start, the delays spread
    /// (a fixed delay puts all nine at one instant).
    static func probeStartDelays(_ c: CaseContext) -> CaseOutcome {
        c.start()
        let t0 = c.now
        let names = [c.hostName] + c.publication.services.indices.map { c.instanceName($0) }
        c.waitEach(names, after: t0) { p, n in CaseContext.isProbe(p, for: n) || (p.isMulticast && CaseContext.answers(p, n)) }
        var delays: [Double] = []
        for name in names {
            guard let p = c.probes(for: name, after: t0).first else { continue }
            delays.append(c.ms(t0, p.time))
        }
        c.note("first-probe delays (ms): " + delays.map(c.fmt).joined(separator: ", "))
        guard delays.count >= 9 else { return .fail("\(delays.count) of 9 registrations probed") }
        if let late = delays.first(where: { $0 > 255 }) { return .fail("a first probe \(c.fmt(late)) ms after the start (0–250 ms)") }
        let spread = delays.max()! - delays.min()!
        if spread < 25 { return .fail("nine first-probe delays within \(c.fmt(spread)) ms: not random over 0–250 ms") }
        return .pass("nine first probes over \(c.fmt(spread)) ms of 0–250 ms")
    }

    static func ownHostRecords(_ c: CaseContext) -> [ResourceRecord] {
        [ResourceRecord(name: c.hostName, ttl: 120, rdata: .a(IPv4Address(169, 254, 1, 1))),
         ResourceRecord(name: c.hostName, ttl: 120, rdata: .aaaa(IPv6Address("fe80::1")!))]
    }

    static func renameOnConflict(_ c: CaseContext, name: DNSName, record: ResourceRecord) -> CaseOutcome {
        c.start()
        let t0 = c.now
        guard let first = c.waitFor(.seconds(1), { CaseContext.isProbe($0, for: name) }) else { return .fail("no probe for \(name)") }
        c.cite(first, "probe")
        c.send(CaseContext.response([record]), from: c.otherPeer)
        let tc = c.now
        c.wait(.seconds(5))
        // MUST defer: the conflicting name is never announced.
        if let bad = c.announcements(of: name, after: t0).first { c.cite(bad); return .fail("announced the conflicting name \(name)") }
        let later = c.probedNames(after: tc).filter { $0 != name && $0.parent == name.parent }
        guard let newName = later.first else { return .warn("no probe for a new name after the conflict") }
        if let p = c.probes(for: newName, after: tc).first { c.cite(p, "new name") }
        if c.probes(for: name, after: tc + .milliseconds(5)).count > 0 { return .warn("kept probing \(name) after the conflict") }
        return .pass("deferred and renamed \(name) → \(newName)")
    }

    static func rateLimit(_ c: CaseContext) -> CaseOutcome {
        c.start()
        let end = c.now + .seconds(40)
        var defended: [DNSName] = []
        var attempts: [(name: DNSName, time: Instant)] = []
        var conflicts: [Instant] = []
        // An attempt is the host name or a rename of it; a device's reverse-mapping names probed
        // alongside are no attempt of their own.
        func attempt(_ n: DNSName) -> Bool { n.parent == c.hostName.parent && !defended.contains(n) }
        while c.now < end {
            guard let p = c.waitFor(end - c.now, { p in
                CaseContext.isProbe(p) && p.message!.questions.contains { attempt($0.name) }
            }) else { break }
            for q in p.message!.questions where attempt(q.name) {
                defended.append(q.name)
                attempts.append((q.name, p.time))
                c.target.deliver(CaseContext.response([c.conflictingAddress(for: q.name)]).encoded(), from: c.otherPeer, to: .multicast, link: 0)
                conflicts.append(c.now)
            }
        }
        c.note("\(attempts.count) probe attempts, \(conflicts.count) conflicts in 40 s")
        var limitedGaps: [Duration] = []
        for (i, a) in attempts.enumerated() where i > 0 {
            let recent = conflicts.filter { $0 < a.time && a.time - $0 < .seconds(10) }.count
            if recent >= 15 { limitedGaps.append(a.time - attempts[i - 1].time) }
            if i < 3 || recent >= 15 && limitedGaps.count <= 3 { c.note("attempt \(i + 1) \(a.name) at +\(Instant.format((a.time - c.startTime).nanoseconds)), \(recent) conflicts in the last 10 s") }
        }
        guard attempts.count >= 2 else { return .fail("only \(attempts.count) probe attempts in 40 s") }
        if limitedGaps.isEmpty {
            // A device that retries slowly never reaches the rule's trigger: nothing to judge.
            let most = conflicts.map { t in conflicts.filter { $0 >= t && $0 - t < .seconds(10) }.count }.max() ?? 0
            if most < 15 { return .notApplicable("never 15 conflicts within 10 s (at most \(most); \(attempts.count) attempts in 40 s)") }
            return .fail("no attempt after 15 conflicts in 10 s")
        }
        let short = limitedGaps.filter { $0 < .seconds(5) }
        if let s = short.first { return .fail("attempt \(c.fmt(s.milliseconds)) ms after the previous one with ≥ 15 recent conflicts") }
        return .pass("\(attempts.count) attempts; after 15 conflicts every attempt waited ≥ 5 s (min \(c.fmt(limitedGaps.min()!.seconds)) s)")
    }

    static func simultaneous(_ c: CaseContext, theirs: [ResourceRecord], targetShouldLose: Bool) -> CaseOutcome {
        c.start()
        let t0 = c.now
        guard let first = c.waitFor(.seconds(1), { CaseContext.isProbe($0, for: c.hostName) }) else { return .fail("no probe") }
        c.cite(first, "probe 1")
        c.send(CaseContext.probe(c.hostName, theirs), from: c.otherPeer)
        let tp = c.now
        c.wait(.seconds(5))
        let names = c.renamedNames(after: t0)
        if !names.isEmpty { return .fail("renamed (\(names.map(\.description))) instead of deferring") }
        let next = c.probes(for: c.hostName, after: tp + .nanoseconds(1))
        guard let n = next.first else { return .fail("no probe after the tester's probe") }
        c.cite(n, "next probe")
        let gap = n.time - tp
        if targetShouldLose {
            if gap < .milliseconds(950) { return .fail("probed again after \(c.fmt(gap.milliseconds)) ms; the loser waits 1 s") }
            if gap > .milliseconds(1500) { return .warn("probed again after \(c.fmt(gap.milliseconds)) ms (1 s expected)") }
            let seq = c.checkProbeSequence(c.hostName, after: n.time - .nanoseconds(1), firstWithin: nil)
            return .worst([.pass("lost, waited \(c.fmt(gap.milliseconds)) ms, probed again"), seq])
        } else {
            if gap > .milliseconds(400) { return .fail("paused \(c.fmt(gap.milliseconds)) ms after a probe it should win") }
            return c.checkProbedBeforeAnnounced(c.hostName, after: t0)
        }
    }

    static func subsequentConflict(_ c: CaseContext, name: DNSName, record: ResourceRecord, type: RRType) -> CaseOutcome {
        let tc = c.now
        c.send(CaseContext.response([record]), from: c.otherPeer)
        guard let re = c.waitFor(.seconds(2), { CaseContext.isProbe($0, for: name) }) else {
            return .fail("no probe for \(name) within 2 s of a conflicting \(type)")
        }
        c.cite(re, "re-probe")
        // Defend the name, as the other host would.
        c.send(CaseContext.response([record]), from: c.otherPeer)
        c.wait(.seconds(6))
        let renamed = c.probedNames(after: tc).filter { $0 != name && $0.parent == name.parent }
        guard let newName = renamed.first else { return .fail("no new name after the defended re-probe") }
        return .worst([.pass("re-probed after \(c.fmt(c.ms(tc, re.time))) ms, renamed to \(newName)"),
                       c.checkAnnounced(newName, after: tc)])
    }

    static func echo(_ c: CaseContext, from source: @escaping (ObservedPacket) -> SocketAddress) -> CaseOutcome {
        c.start()
        let t0 = c.now
        let end = c.now + .seconds(10)
        var echoed = 0
        while c.now < end {
            let ps = c.wait(.milliseconds(20))
            for p in ps where p.isMulticast {
                c.target.deliver(p.bytes, from: source(p), to: .multicast, link: p.link)
                echoed += 1
            }
        }
        c.note("echoed \(echoed) packets back")
        let extra = c.renamedNames(after: t0)
        if !extra.isEmpty { return .fail("renamed on its own echo: \(extra.map(\.description))") }
        if let p = c.reprobe(after: t0) { c.cite(p, "probe after establishment"); return .fail("probing again on its own echo") }
        return .worst([.pass("\(echoed) echoed packets, no conflict"), c.checkAnnounced(c.instanceName(), after: t0)])
    }
}
