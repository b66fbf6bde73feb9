import DNSWire
import MDNSCore

/// RFC 6762 §8.3, §8.4, §10 and the BCT renaming and hot-plugging areas.
enum AnnouncingCases {
    static var all: [ConformanceCase] {
        [
            ConformanceCase(id: "rfc6762-8.3-announcements", section: "RFC 6762 §8.3",
                            title: "≥ 2 announcements, 1 s apart, then the interval doubling",
                            catalogue: ["A42", "B: SRV PROBING/ANNOUNCEMENTS", "B: CACHE FLUSH BIT SET IN NON-SHARED RESPONSES"],
                            level: .must, citation: "The Multicast DNS responder MUST send at least two unsolicited responses, one second apart.") { c in
                c.start()
                let t0 = c.now
                c.wait(.seconds(10))
                return .worst([c.checkAnnouncements(c.instanceName(), .srv, after: t0), c.checkAnnouncements(c.hostName, .a, after: t0),
                               c.checkAnnouncements(c.typeName(), .ptr, after: t0)])
            },
            ConformanceCase(id: "rfc6762-8.4-update-reannounce", section: "RFC 6762 §8.4",
                            title: "changed rdata (TXT) is re-announced without probing",
                            catalogue: ["A43"],
                            level: .must, citation: "At any time, if the rdata of any of a host's Multicast DNS records changes, the host MUST repeat the Announcing step described above to update neighboring caches.", requires: [.updateRecords]) { c in
                c.startSettled()
                let t0 = c.now
                let txt = TXT([("path", "/new"), ("v", "2")])
                c.note("owner changes the TXT record")
                c.target.updateTXT(service: 0, txt)
                c.wait(.seconds(5))
                if let p = c.probes(for: c.instanceName(), after: t0).first { c.cite(p); return .warn("probed again for an rdata change") }
                let ann = c.announcements(of: c.instanceName(), .txt, after: t0).filter { p in
                    p.message!.answers.contains { $0.type == .txt && $0.rdata == .txt(txt) }
                }
                guard let first = ann.first else { return .fail("new TXT not announced") }
                c.cite(first)
                return ann.count >= 2 ? .pass("new TXT announced \(ann.count)× from +\(c.fmt(c.ms(t0, first.time))) ms, no probe")
                    : .fail("new TXT announced once")
            },
            ConformanceCase(id: "rfc6762-10-default-ttls", section: "RFC 6762 §10",
                            title: "TTLs: 120 s for records with the host name as owner or in rdata (A, AAAA, SRV, reverse PTR)",
                            catalogue: ["A47"],
                            level: .should, citation: "As a general rule, the recommended TTL value for Multicast DNS resource records with a host name as the resource record's name (e.g., A, AAAA, HINFO) or a host name contained within the resource record's rdata (e.g., SRV, reverse mapping PTR record) SHOULD be 120 seconds.") { c in
                announcedTTLs(c, [.a: 120, .aaaa: 120, .srv: 120], reverse: true)
            },
            ConformanceCase(id: "rfc6762-10-other-ttls", section: "RFC 6762 §10",
                            title: "TTLs: 4500 s for other records (TXT, service PTR)",
                            catalogue: ["A47"],
                            level: .info, citation: "The recommended TTL value for other Multicast DNS resource records is 75 minutes.") { c in
                announcedTTLs(c, [.txt: 4500, .ptr: 4500], reverse: false)
            },
            ConformanceCase(id: "rfc6762-10.1-goodbye", section: "RFC 6762 §10.1",
                            title: "withdrawing sends goodbyes (TTL 0)",
                            catalogue: ["A48"],
                            level: .should, citation: "In the case where a host knows that certain resource record data is about to become invalid (for example, when the host is undergoing a clean shutdown), the host SHOULD send an unsolicited Multicast DNS response packet, giving the same resource record name, rrtype, rrclass, and rdata, but an RR TTL of zero.", requires: [.withdraw]) { c in
                c.startSettled()
                let t0 = c.now
                c.note("owner withdraws everything")
                c.target.withdrawAll()
                c.wait(.seconds(2))
                let byes = c.sent(after: t0 - .nanoseconds(1)).filter { p in
                    CaseContext.isResponse(p) && p.message!.answers.contains { $0.ttl == 0 }
                }
                byes.forEach { c.cite($0) }
                let records = byes.flatMap { $0.message!.answers.filter { $0.ttl == 0 } }
                if !records.contains(where: { $0.name == c.typeName() && $0.type == .ptr }) { return .fail("no goodbye for the service PTR") }
                if records.contains(where: { r in c.sent(after: t0 - .nanoseconds(1)).contains { CaseContext.answers($0, r.name, r.type) } }) {
                    return .fail("records announced again after the goodbye")
                }
                return .pass("\(records.count) goodbye record(s) in \(byes.count) packet(s)")
            },
            ConformanceCase(id: "bct-manual-name-change", section: "RFC 6762 §8.1",
                            title: "an owner rename probes and announces the new name",
                            catalogue: ["B: MANUAL NAME CHANGE", "B: MANUAL NAME CHANGE: ANNOUNCEMENTS"],
                            level: .must, citation: "The first startup step is that, for all those resource records that a Multicast DNS responder desires to be unique on the local link, it MUST send a Multicast DNS query asking for those resource records, to see if any of them are already in use.", requires: [.rename]) { c in
                c.startSettled()
                let t0 = c.now
                let newName = try! c.typeName().prepending("New - Bonjour Service Name")
                c.note("owner renames the service to \"New - Bonjour Service Name\"")
                c.target.rename(service: 0, to: "New - Bonjour Service Name")
                c.wait(.seconds(8))
                var outs = [c.checkProbedBeforeAnnounced(newName, after: t0)]
                let oldBye = c.sent(after: t0 - .nanoseconds(1)).contains { p in
                    CaseContext.isResponse(p) && p.message!.answers.contains { $0.ttl == 0 && $0.rdata == .ptr(c.instanceName()) }
                }
                if !oldBye { outs.append(.warn("no goodbye for the old name's PTR")) }
                return .worst(outs)
            },
            ConformanceCase(id: "bct-hot-plug-probing", section: "RFC 6762 §8.1",
                            title: "after a link bounce the records are probed and announced again",
                            catalogue: ["B: HOT-PLUGGING", "B: HOT-PLUGGING: PROBING"],
                            level: .must, citation: "In cases where the host has not been continuously connected and participating on the network link, it MUST first probe to re-verify uniqueness of its unique records, as described above in Section 8.1, \"Probing\".", requires: [.linkBounce]) { c in
                c.startSettled()
                let t0 = bounce(c)
                c.wait(.seconds(5))
                return .worst([c.checkProbedBeforeAnnounced(c.instanceName(), after: t0), c.checkProbedBeforeAnnounced(c.hostName, after: t0)])
            },
            ConformanceCase(id: "bct-hot-plug-winning-probe", section: "RFC 6762 §8.2",
                            title: "after a link bounce a simultaneous probe with earlier data is won",
                            catalogue: ["B: HOT-PLUGGING: WINNING SIMULTANEOUS PROBES"],
                            level: .info, citation: "This means that if the host finds that its own data is lexicographically later, it simply ignores the other host's probe.", requires: [.linkBounce]) { c in
                c.startSettled()
                let t0 = bounce(c)
                guard c.waitFor(.seconds(2), { CaseContext.isProbe($0, for: c.hostName) }) != nil else { return .fail("no probe after the bounce") }
                c.send(CaseContext.probe(c.hostName, [ResourceRecord(name: c.hostName, ttl: 120, rdata: .a(IPv4Address(169, 254, 0, 1)))]), from: c.otherPeer)
                c.wait(.seconds(5))
                let names = c.renamedNames(after: t0)
                if !names.isEmpty { return .fail("renamed: \(names.map(\.description))") }
                return c.checkProbedBeforeAnnounced(c.hostName, after: t0)
            },
            ConformanceCase(id: "bct-hot-plug-subsequent-conflict", section: "RFC 6762 §9",
                            title: "after a link bounce a subsequent conflict still sends the name back to probing",
                            catalogue: ["B: HOT-PLUGGING: SUBSEQUENT CONFLICT"],
                            level: .must, citation: "Whenever a Multicast DNS responder receives any Multicast DNS response (solicited or otherwise) containing a conflicting resource record in any of the Resource Record Sections, the Multicast DNS responder MUST immediately reset its conflicted unique record to probing state, and go through the startup steps described above in Section 8, \"Probing and Announcing on Startup\".", requires: [.linkBounce],
                            publication: ProbingCases.hostOnly) { c in
                c.startSettled()
                _ = bounce(c)
                c.settle()
                return ProbingCases.subsequentConflict(c, name: c.hostName, record: c.conflictingAddress(), type: .a)
            },
        ]
    }

    /// RFC 6762 §10: the TTL of every announced record of the types in `want` (reverse-mapping PTRs:
    /// 120 s, counted only when `reverse`).
    static func announcedTTLs(_ c: CaseContext, _ want: [RRType: UInt32], reverse: Bool) -> CaseOutcome {
        c.start()
        c.wait(.seconds(4))
        var outs: [CaseOutcome] = []
        var seen = Set<RRType>()
        let arpa = try! DNSName(parsing: "arpa")
        for p in c.observed where CaseContext.isResponse(p) {
            for r in p.message!.answers where r.ttl > 0 {
                let isReverse = r.type == .ptr && r.name.isSubdomain(of: arpa)
                guard isReverse == reverse || r.type != .ptr, let w = isReverse ? 120 : want[r.type] else { continue }
                seen.insert(r.type)
                if r.ttl != w { c.cite(p); outs.append(.fail("\(r.name) \(r.type) TTL \(r.ttl), \(w) recommended")) }
            }
        }
        let missing = want.keys.filter { !seen.contains($0) }.map(\.description).sorted()
        if !missing.isEmpty { outs.append(.fail("not announced: \(missing.joined(separator: ", "))")) }
        let text = want.map { "\($0.key) \($0.value) s" }.sorted().joined(separator: ", ")
        return outs.isEmpty ? .pass(text) : .worst(outs)
    }

    /// Takes the link down for 3 s; returns when it comes back.
    static func bounce(_ c: CaseContext) -> Instant {
        c.note("link down for 3 s")
        c.target.bounceLink(downFor: .seconds(3))
        let up = c.now + .seconds(3)
        c.wait(until: up)
        c.note("link up")
        return up - .nanoseconds(1)
    }
}
