import DNSWire
import MDNSCore

/// RFC 6762 §5.5, §11, §12, §14, §16–§18, RFC 1035 §4.1.4, RFC 6763 naming, and record hygiene.
enum WireCases {
    static var all: [ConformanceCase] {
        [
            ConformanceCase(id: "rfc6762-18.1-id-zero", section: "RFC 6762 §18.1",
                            title: "multicast responses carry ID 0 whatever the query's ID",
                            catalogue: ["A1"],
                            level: .must, citation: "In multicast responses, including unsolicited multicast responses, the Query Identifier MUST be set to zero on transmission, and MUST be ignored on reception.") { c in
                c.startSettled()
                guard let r = c.ask(CaseContext.query(c.instanceName(), .srv, id: 0x4242), match: { CaseContext.answers($0, c.instanceName(), .srv) }) else {
                    return .fail("no reply")
                }
                return r.packet.message!.header.id == 0 ? .pass("ID 0") : .fail("ID \(r.packet.message!.header.id)")
            },
            ConformanceCase(id: "rfc6762-18.2-response-header", section: "RFC 6762 §18.2",
                            title: "multicast responses set QR and AA and carry no questions",
                            catalogue: ["A3"],
                            level: .must, citation: "In response messages the QR bit MUST be one. (§18.4) In response messages for Multicast domains, the Authoritative Answer bit MUST be set to one (not setting this bit would imply there's some other place where \"better\" information may be found) and MUST be ignored on reception. (§6) Multicast DNS responses MUST NOT contain any questions in the Question Section.") { c in
                c.startSettled()
                _ = c.ask(CaseContext.query(c.typeName(), .ptr), match: { CaseContext.answers($0, c.typeName(), .ptr) })
                let rs = c.observed.filter { $0.isMulticast && CaseContext.isResponse($0) }
                for p in rs {
                    let m = p.message!
                    if !m.header.authoritativeAnswer || !m.questions.isEmpty { c.cite(p); return .fail("response without AA or with questions") }
                }
                return rs.isEmpty ? .fail("no responses") : .pass("\(rs.count) responses with QR=1 AA=1 QDCOUNT=0")
            },
            ConformanceCase(id: "rfc6762-18.3-opcode-rcode-ignored", section: "RFC 6762 §18.3",
                            title: "queries with OPCODE ≠ 0 or RCODE ≠ 0 are ignored",
                            catalogue: ["A2"],
                            level: .must, citation: "Multicast DNS messages received with an OPCODE other than zero MUST be silently ignored. (§18.11) Multicast DNS messages received with non-zero Response Codes MUST be silently ignored.") { c in
                c.startSettled()
                var q = CaseContext.query(c.instanceName(), .srv)
                q.header.opcode = 1
                if c.ask(q, match: { CaseContext.answers($0, c.instanceName(), .srv) }) != nil { return .fail("answered OPCODE 1") }
                c.wait(.seconds(1))
                q.header.opcode = 0
                q.header.rcode = 3
                if c.ask(q, match: { CaseContext.answers($0, c.instanceName(), .srv) }) != nil { return .fail("answered RCODE 3") }
                c.wait(.seconds(1))
                q.header.rcode = 0
                if c.ask(q, match: { CaseContext.answers($0, c.instanceName(), .srv) }) == nil { return .fail("control query not answered") }
                return .pass("OPCODE 1 and RCODE 3 ignored; control answered")
            },
            ConformanceCase(id: "rfc6762-18.13-cache-flush-masked", section: "RFC 6762 §18.13",
                            title: "the cache-flush bit is masked before comparing a known answer",
                            catalogue: ["A5"],
                            level: .info, citation: "RFC 6762 §10.2: Note that the cache-flush bit is NOT part of the resource record class.") { c in
                c.startSettled()
                let ka = ResourceRecord(name: c.instanceName(), cacheFlush: true, ttl: 120, rdata: .srv(SRV(port: c.publication.services[0].port, target: c.hostName)))
                if let r = c.ask(CaseContext.query(c.instanceName(), .srv, known: [ka]), match: { CaseContext.answers($0, c.instanceName(), .srv) }) {
                    return .fail("known answer with cache-flush bit not recognised (\(c.fmt(r.ms)) ms)")
                }
                return .pass("known SRV with the cache-flush bit suppressed the answer")
            },
            ConformanceCase(id: "rfc6762-18.14-compressed-rdata", section: "RFC 6762 §18.14",
                            title: "names compressed inside rdata are decoded (a compressed known-answer PTR matches)",
                            catalogue: ["A6"],
                            level: .must, citation: "In addition, implementations MUST correctly decode compressed names appearing within the *rdata* of the rrtypes listed above.") { c in
                c.startSettled()
                let ka = ResourceRecord(name: c.typeName(), ttl: 4500, rdata: .ptr(c.instanceName()))
                let q = CaseContext.query(c.typeName(), .ptr, known: [ka])
                let bytes = q.encoded(compression: .suffixes)
                guard bytes.count < q.encoded(compression: .none).count else { return .fail("test packet not compressed") }
                c.sendBytes(bytes, what: "PTR query with a compressed known answer")
                if let p = c.waitFor(.seconds(1), { CaseContext.answers($0, c.typeName(), .ptr) }) { c.cite(p); return .fail("compressed known answer not matched") }
                return .pass("compressed known answer matched")
            },
            robustness("robust-pointer-loop", "RFC 1035 §4.1.4", "a compression pointer loop is dropped; the responder keeps answering",
                       ["A7", "C: CVE-2006-6870"],
                       .info, "In this scheme, an entire domain name or a list of labels at the end of a domain name is replaced with a pointer to a prior occurance of the same name.", Malformed.pointerLoop),
            robustness("robust-pointer-out-of-range", "RFC 1035 §4.1.4", "pointers past the end or into the header are dropped",
                       ["A8"],
                       .info, "In this scheme, an entire domain name or a list of labels at the end of a domain name is replaced with a pointer to a prior occurance of the same name.", Malformed.pointerOutOfRange),
            robustness("robust-reserved-label", "RFC 6891 §5", "0x40/0x80 label types and 64-byte labels are dropped",
                       ["A9"],
                       .info, "RFC 1035 §4.1.4: The 10 and 01 combinations are reserved for future use.", Malformed.reservedLabels),
            robustness("robust-count-exceeds-data", "RFC 1035 §4.1.1", "header counts larger than the data are dropped",
                       ["A10", "C: AMNESIA:33 CVE-2020-24340"],
                       .info, "QDCOUNT an unsigned 16 bit integer specifying the number of entries in the question section.", Malformed.countExceeds),
            // A receiver that salvages (drops the bad record, keeps the intact question) answers
            // the PTR question: that is allowed, any other reaction is not.
            robustness("robust-rdlength-mismatch", "RFC 1035 §3.2.1", "RDLENGTH that does not match typed rdata is dropped",
                       ["A11", "C: Ripple20 CVE-2020-11901"],
                       .info, "RDLENGTH an unsigned 16 bit integer that specifies the length in octets of the RDATA field.",
                       allowing: { n, p in CaseContext.answers(p, n, .ptr) }, Malformed.rdlength),
            robustness("robust-truncated", "RFC 1035 §4.1", "packets of 0–11 bytes and cut mid-record are dropped",
                       ["A12", "C: TP-Link Kasa 4-byte packet"],
                       .info, "The top level format of message is divided into 5 sections (some of which are empty in certain cases) shown below:", Malformed.truncated),
            ConformanceCase(id: "robust-forward-pointer", section: "RFC 1035 §4.1.4",
                            title: "a query whose name uses a forward pointer inside the message is answered",
                            catalogue: ["A8a"],
                            level: .info, citation: "In this scheme, an entire domain name or a list of labels at the end of a domain name is replaced with a pointer to a prior occurance of the same name.") { c in
                c.startSettled()
                c.sendBytes(Malformed.forwardPointerQuery(c.typeName()), what: "PTR query via a forward pointer")
                let p = c.waitFor(.seconds(1)) { CaseContext.answers($0, c.typeName(), .ptr) }
                return p == nil ? .fail("forward-pointer query not answered") : .pass("answered")
            },
            ConformanceCase(id: "rfc6762-6-ignore-non-5353-responses", section: "RFC 6762 §6",
                            title: "responses from a source port other than 5353 are ignored: no conflict, nothing cached",
                            catalogue: ["A3"],
                            level: .must, citation: "RFC 6762 §6: Multicast DNS implementations MUST silently ignore any Multicast DNS responses they receive where the source UDP port is not 5353.") { c in
                ignoreNon5353(c)
            },
            ConformanceCase(id: "rfc6762-5.5-off-link-unicast", section: "RFC 6762 §5.5",
                            title: "unicast queries from off-link sources are ignored; on-link ones answered",
                            catalogue: ["A18", "A56", "C: CVE-2017-6519"],
                            level: .should, citation: "Since it is possible for a unicast query to be received from a machine outside the local link, responders SHOULD check that the source address in the query packet matches the local subnet for that link (or, in the case of IPv6, the source address has an on-link prefix) and silently ignore the packet if not.") { c in
                c.startSettled()
                let off = SocketAddress(.v4(IPv4Address(10, 99, 0, 7)))
                let me = c.target.addresses[0]
                if let r = c.ask(CaseContext.query(c.instanceName(), .srv), from: off, to: .unicast(me), match: { CaseContext.answers($0, c.instanceName(), .srv) }) {
                    return .fail("answered an off-link unicast query (\(r.packet.destination))")
                }
                guard let r = c.ask(CaseContext.query(c.instanceName(), .srv), to: .unicast(me), match: { CaseContext.answers($0, c.instanceName(), .srv) }) else {
                    return .fail("on-link unicast query not answered")
                }
                return r.packet.destination == .unicast(c.tester) ? .pass("off-link ignored; on-link unicast answered by unicast")
                    : .warn("on-link unicast query answered by \(r.packet.destination)")
            },
            ConformanceCase(id: "rfc6762-11-off-link-multicast", section: "RFC 6762 §11",
                            title: "a query to the multicast group is answered whatever its source address",
                            catalogue: ["A56"],
                            level: .should, citation: "If a responder receives a query addressed to the mDNS IPv4 link-local multicast address 224.0.0.251, from a source address not apparently on the same subnet as the responder (or, in the case of IPv6, from a source IPv6 address for which the responder does not have any address with the same prefix on that interface), then even if the query indicates that a unicast response is preferred (see Section 5.4, \"Questions Requesting Unicast Responses\"), the responder SHOULD elect to respond by multicast anyway, since it can reasonably predict that a unicast response with an apparently non-local source address will probably be ignored.") { c in
                c.startSettled()
                let off = SocketAddress(.v4(IPv4Address(10, 99, 0, 7)))
                let r = c.ask(CaseContext.query(c.instanceName(), .srv), from: off, match: { CaseContext.answers($0, c.instanceName(), .srv) })
                guard let r else { return .fail("multicast query from 10.99.0.7 not answered") }
                return r.packet.isMulticast ? .pass("answered on the group") : .fail("unicast reply to an off-link source")
            },
            ConformanceCase(id: "rfc6762-11-ip-ttl", section: "RFC 6762 §11",
                            title: "packets go out with IP TTL / hop limit 255",
                            catalogue: ["A55", "B: mDNS IP TTL CHECK"],
                            level: .should, citation: "All Multicast DNS responses (including responses sent via unicast) SHOULD be sent with IP TTL set to 255.", requires: [.ipHeaders]) { c in
                c.startSettled()
                // a device that never announces is judged on its answer
                _ = c.ask(CaseContext.query(c.hostName, .a), match: { CaseContext.answers($0, c.hostName, .a) })
                guard !c.observed.isEmpty else { return .notApplicable("sent nothing, not even an answer to an A query") }
                let bad = c.observed.filter { $0.hopLimit != 255 }
                if let p = bad.first { c.note("first: IP TTL \(p.hopLimit.map(String.init) ?? "?")"); c.cite(p) }
                return bad.isEmpty ? .pass("\(c.observed.count) packets with TTL 255") : .fail("\(bad.count) of \(c.observed.count) packets with another TTL")
            },
            ConformanceCase(id: "rfc6762-14-per-interface-records", section: "RFC 6762 §14",
                            title: "addresses of interface X are never answered on interface Y",
                            catalogue: ["A57"],
                            level: .must, citation: "Except in the case of proxying and other similar specialized uses, addresses in IPv4 or IPv6 address records in Multicast DNS responses MUST be valid for use on the interface on which the response is being sent.", requires: [.secondLink], publication: Publication(secondInterface: .otherLink)) { c in
                c.startSettled()
                var outs: [CaseOutcome] = []
                for link in [0, 1] {
                    guard let r = c.ask(CaseContext.query(c.hostName, .a), link: link, match: { $0.link == link && CaseContext.answers($0, c.hostName, .a) }) else {
                        outs.append(.fail("no A answer on link \(link)")); continue
                    }
                    let addrs = (r.packet.message!.answers + r.packet.message!.additionals).filter { $0.type == .a }.map { $0.rdata.description }
                    let own = link == 0 ? "169.254.1.1" : "169.254.2.1"
                    outs.append(addrs.allSatisfy { $0 == own } ? .pass("link \(link): \(addrs)") : .fail("link \(link) got \(addrs)"))
                    c.wait(.seconds(1))
                }
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-12-reverse-mapping", section: "RFC 6762 §12",
                            title: "reverse-mapping PTRs (in-addr.arpa, ip6.arpa) are answered for own addresses",
                            catalogue: ["A59"],
                            level: .info, citation: "The same is true of names within the IPv4 link- local reverse mapping domain \"254.169.in-addr.arpa.\" and the IPv6 link-local reverse mapping domains \"8.e.f.ip6.arpa.\", \"9.e.f.ip6.arpa.\", \"a.e.f.ip6.arpa.\", and \"b.e.f.ip6.arpa.\".") { c in
                c.startSettled()
                var outs: [CaseOutcome] = []
                let v4 = try! DNSName(parsing: "1.1.254.169.in-addr.arpa")
                let v6 = try! DNSName(parsing: "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa")
                for n in [v4, v6] {
                    guard let r = c.ask(CaseContext.query(n, .ptr), match: { CaseContext.answers($0, n, .ptr) }) else { outs.append(.fail("\(n) not answered")); continue }
                    let ok = r.packet.message!.answers.contains { $0.name == n && $0.rdata == .ptr(c.hostName) }
                    outs.append(ok ? .pass("\(n) → \(c.hostName)") : .fail("\(n) answered with another target"))
                }
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-16-case-insensitive", section: "RFC 6762 §16",
                            title: "names match case-insensitively for ASCII only; UTF-8 bytes compare exactly",
                            catalogue: ["A60", "C: Avahi ctype crash"],
                            level: .info, citation: "Hence, if a querier issues a query for an address record with the name \"myprinter.local.\", then a responder having an address record with the name \"MyPrinter.local.\" should issue a response.  No other automatic equivalences should be assumed.",
                            publication: Publication(services: [ServiceRegistration(instance: "Café Ünïcode", type: "_http._tcp", port: 80)])) { c in
                c.startSettled()
                var outs: [CaseOutcome] = []
                let upper = try! DNSName(labels: ["CAFé Ünïcode", "_HTTP", "_TCP", "LOCAL"])
                outs.append(c.ask(CaseContext.query(upper, .srv), match: { CaseContext.answers($0, c.instanceName(), .srv) }) != nil
                            ? .pass("ASCII case folded") : .fail("ASCII-uppercased query not answered"))
                c.wait(.seconds(1))
                let folded = try! DNSName(labels: ["café ünïcode", "_http", "_tcp", "local"])
                let hostUpper = try! DNSName(labels: ["BCT-HOST", "LOCAL"])
                outs.append(c.ask(CaseContext.query(folded, .srv), match: { CaseContext.answers($0, c.instanceName(), .srv) }) == nil
                            ? .pass("Ü and ü differ") : .fail("non-ASCII bytes case-folded"))
                outs.append(c.ask(CaseContext.query(hostUpper, .a), match: { CaseContext.answers($0, c.hostName, .a) }) != nil
                            ? .pass("BCT-HOST.LOCAL answered") : .fail("upper-case host name not answered"))
                return .worst(outs)
            },
            ConformanceCase(id: "rfc6762-17-split-large-responses", section: "RFC 6762 §17",
                            title: "a response too big for one packet is split, each packet within the MTU",
                            catalogue: ["A61"],
                            level: .info, citation: "Multicast DNS messages carried by UDP may be up to the IP MTU of the physical interface, less the space required for the IP header (20 bytes for IPv4; 40 bytes for IPv6) and the UDP header (8 bytes).", publication: Publication(services: (1...40).map { i in
                                ServiceRegistration(instance: "Service number \(i) with a long instance name", type: "_http._tcp", port: UInt16(8000 + i),
                                                    txt: TXT([("description", String(repeating: "x", count: 60)), ("id", "\(i)")]))
                            })) { c in
                c.startSettled(); c.settle()
                let t0 = c.now
                c.send(CaseContext.query(c.typeName(), .ptr))
                c.wait(.seconds(1))
                let rs = c.sent(after: t0).filter { CaseContext.answers($0, c.typeName(), .ptr) }
                let ptrs = Set(rs.flatMap { $0.message!.answers.filter { $0.type == .ptr } })
                c.note("\(rs.count) packets, sizes \(rs.map(\.bytes.count)), \(ptrs.count) PTR answers")
                if ptrs.count < 40 { return .fail("\(ptrs.count) of 40 PTR answers received") }
                if let big = rs.first(where: { $0.bytes.count > 9000 }) { return .fail("packet of \(big.bytes.count) bytes > 9000") }
                if let big = rs.first(where: { $0.bytes.count > 1472 }) { return .warn("packet of \(big.bytes.count) bytes would fragment on Ethernet") }
                return .pass("40 answers in \(rs.count) packets of ≤ \(rs.map(\.bytes.count).max()!) bytes")
            },
            ConformanceCase(id: "rfc6763-4.1-instance-utf8", section: "RFC 6763 §4.1.1",
                            title: "instance labels keep any UTF-8, dots and spaces, byte for byte",
                            catalogue: ["A62"],
                            level: .info, citation: "It MUST NOT contain ASCII control characters (byte values 0x00-0x1F and 0x7F) [RFC20] but otherwise is allowed to contain any characters, without restriction, including spaces, uppercase, lowercase, punctuation -- including dots -- accented characters, non-Roman text, and anything else that may be represented using Net-Unicode.", publication: Publication(services: [ServiceRegistration(instance: "My.Printer Ünïcode", type: "_ipp._tcp", port: 631)])) { c in
                c.start()
                guard let a = c.waitFor(.seconds(3), { CaseContext.answers($0, c.typeName(), .ptr) }) else { return .fail("no PTR announced") }
                c.cite(a)
                let r = a.message!.answers.first { $0.type == .ptr }!
                guard case .ptr(let n) = r.rdata else { return .fail("bad PTR") }
                return Array(n.firstLabel) == Array("My.Printer Ünïcode".utf8) && n.labelCount == 4
                    ? .pass("label bytes kept: \(n)") : .fail("instance became \(n)")
            },
            ConformanceCase(id: "rfc6763-7-service-labels", section: "RFC 6763 §7",
                            title: "announced service types are _name._tcp/_udp with a legal 1–15 character name",
                            catalogue: ["A64"],
                            level: .info, citation: "The <Service> portion of a Service Instance Name consists of a pair of DNS labels, following the convention already established for SRV records [RFC2782].") { c in
                c.start()
                c.wait(.seconds(4))
                var types = Set<DNSName>()
                for p in c.observed where CaseContext.isResponse(p) {
                    for r in p.message!.answers where r.type == .ptr && r.name == .serviceTypeEnumeration {
                        if case .ptr(let t) = r.rdata { types.insert(t) }
                    }
                }
                guard !types.isEmpty else { return .fail("no service type enumerated") }
                for t in types where !legalServiceType(t) { return .fail("illegal service type \(t)") }
                return .pass("legal: \(types.map(\.description).sorted())")
            },
            ConformanceCase(id: "rfc6763-7.1-subtypes", section: "RFC 6763 §7.1",
                            title: "a subtype query returns only the instances with that subtype",
                            catalogue: ["A65"],
                            level: .info, citation: "In this case, we define the \"_printer\" subtype of \"_http._tcp\", and to discover only the subset of pages advertised as having that subtype property, the web browser issues a query for \"_printer._sub._http._tcp.<Domain>\".", requires: [.subtypes], publication: Publication(services: [
                                ServiceRegistration(instance: "With Subtype", type: "_http._tcp", port: 80, subtypes: ["_printer"]),
                                ServiceRegistration(instance: "Without Subtype", type: "_http._tcp", port: 81)])) { c in
                c.startSettled()
                let sub = try! c.typeName().prepending("_sub").prepending("_printer")
                guard let r = c.ask(CaseContext.query(sub, .ptr), match: { CaseContext.answers($0, sub, .ptr) }) else { return .fail("no reply") }
                let targets = r.packet.message!.answers.filter { $0.name == sub }.map(\.rdata)
                return targets == [.ptr(c.instanceName(0))] ? .pass("only \(c.instanceName(0))") : .fail("answered \(targets)")
            },
            ConformanceCase(id: "rfc6763-9-service-enumeration", section: "RFC 6763 §9",
                            title: "_services._dns-sd._udp lists each registered type exactly once",
                            catalogue: ["A66"],
                            level: .info, citation: "A DNS query for PTR records with the name \"_services._dns-sd._udp.<Domain>\" yields a set of PTR records, where the rdata of each PTR record is the two-label <Service> name, plus the same domain, e.g., \"_http._tcp.<Domain>\".", publication: Publication(services: [
                                ServiceRegistration(instance: "One", type: "_http._tcp", port: 80),
                                ServiceRegistration(instance: "Two", type: "_http._tcp", port: 81),
                                ServiceRegistration(instance: "Three", type: "_ipp._tcp", port: 631)])) { c in
                c.startSettled()
                guard let r = c.ask(CaseContext.query(.serviceTypeEnumeration, .ptr), match: { CaseContext.answers($0, .serviceTypeEnumeration, .ptr) }) else {
                    return .fail("no reply")
                }
                c.wait(.milliseconds(600))
                let all = c.sent(after: r.packet.time - .nanoseconds(1)).flatMap { $0.message?.answers ?? [] }.filter { $0.name == .serviceTypeEnumeration }
                let types = all.compactMap { r -> DNSName? in if case .ptr(let n) = r.rdata { return n }; return nil }
                let want = [c.typeName(0), c.typeName(2)]
                if types.count != Set(types).count { return .fail("a type listed twice: \(types)") }
                return Set(types) == Set(want) ? .pass("types \(types.map(\.description))") : .fail("types \(types), expected \(want)")
            },
            ConformanceCase(id: "rfc6763-6-txt-present", section: "RFC 6763 §6",
                            title: "every instance has a TXT record; an empty one is a single zero byte",
                            catalogue: ["A67"],
                            level: .must, citation: "Every DNS-SD service MUST have a TXT record in addition to its SRV record, with the same name, even if the service has no additional data to store and the TXT record contains no more than a single zero byte.", publication: Publication(services: [ServiceRegistration(instance: "No Attributes", type: "_http._tcp", port: 80, txt: TXT(strings: []))])) { c in
                c.startSettled()
                guard let r = c.ask(CaseContext.query(c.instanceName(), .txt), match: { CaseContext.answers($0, c.instanceName(), .txt) }) else { return .fail("no TXT") }
                let t = r.packet.message!.answers.first { $0.type == .txt }!
                return t.rdata.canonicalBytes == [0] ? .pass("empty TXT is one zero byte") : .fail("TXT rdata \(t.rdata.canonicalBytes)")
            },
            ConformanceCase(id: "rfc6763-6.1-txt-size", section: "RFC 6763 §6.1",
                            title: "TXT strings ≤ 255 bytes; the record ≤ 1300 bytes recommended",
                            catalogue: ["A68"],
                            level: .should, citation: "RFC 6763 §6.2: Using TXT records larger than 1300 bytes is NOT RECOMMENDED at this time.") { c in
                c.start()
                c.wait(.seconds(4))
                for p in c.observed { for r in p.message?.answers ?? [] {
                    guard case .txt(let t) = r.rdata else { continue }
                    if t.strings.contains(where: { $0.count > 255 }) { return .fail("TXT string over 255 bytes") }
                    if r.rdata.canonicalBytes.count > 1300 { return .warn("TXT of \(r.rdata.canonicalBytes.count) bytes") }
                } }
                return .pass("TXT sizes within limits")
            },
            ConformanceCase(id: "rfc6763-11-domain-enumeration", section: "RFC 6763 §11",
                            title: "domain enumeration queries are answered or ignored cleanly",
                            catalogue: ["A73"],
                            level: .info, citation: "BCT / RFC 6763 §11: domain enumeration queries (b._dns-sd._udp and the other four) are answered with the domains the host knows, or not at all.") { c in
                c.startSettled()
                for l in ["b", "db", "r", "dr", "lb"] {
                    c.send(CaseContext.query(try! DNSName(labels: [l, "_dns-sd", "_udp", "local"]), .ptr))
                }
                c.wait(.seconds(1))
                if c.ask(CaseContext.query(c.instanceName(), .srv), match: { CaseContext.answers($0, c.instanceName(), .srv) }) == nil {
                    return .fail("stopped answering after domain enumeration queries")
                }
                return .pass("ignored cleanly, still answering")
            },
            ConformanceCase(id: "bct-no-duplicate-records", section: "RFC 6763 §12",
                            title: "no packet carries the same record twice",
                            catalogue: ["A74", "B: NO DUPLICATE RECORDS IN PACKETS", "B: DUPLICATE RECORDS CHECK"],
                            level: .info, citation: "BCT NO DUPLICATE RECORDS IN PACKETS: a packet carries each record at most once.") { c in
                c.startSettled()
                for (n, t) in [(c.typeName(), RRType.ptr), (c.instanceName(), .any), (c.instanceName(), .srv), (c.hostName, .a), (c.hostName, .any)] {
                    _ = c.ask(CaseContext.query(n, t), match: { CaseContext.answers($0, n) })
                    c.wait(.milliseconds(1100))
                }
                for p in c.observed where p.message.map(RespondingCases.duplicates) ?? false { c.cite(p); return .fail("duplicate record in a packet") }
                return .pass("\(c.observed.count) packets, no duplicate records")
            },
            ConformanceCase(id: "bct-cache-flush-unique", section: "RFC 6762 §10.2",
                            title: "non-shared records carry the cache-flush bit in multicast responses; shared PTRs do not",
                            catalogue: ["B: CACHE FLUSH BIT SET IN NON-SHARED RESPONSES"],
                            level: .must, citation: "RFC 6762 §10.2: The host MUST set the cache-flush bit on all members of the unique RRSet. The cache-flush bit MUST NOT ever be set in any shared resource record.") { c in
                c.startSettled()
                _ = c.ask(CaseContext.query(c.instanceName(), .any), match: { CaseContext.answers($0, c.instanceName()) })
                for p in c.observed where p.isMulticast && CaseContext.isResponse(p) {
                    for r in p.message!.answers + p.message!.additionals where r.ttl > 0 {
                        let shared = r.type == .ptr && !r.name.isSubdomain(of: try! DNSName(parsing: "arpa"))
                        if shared && r.cacheFlush { c.cite(p); return .fail("shared \(r.name) PTR with cache-flush") }
                        if !shared && !r.cacheFlush { c.cite(p); return .fail("\(r.name) \(r.type) without cache-flush") }
                    }
                }
                return .pass("cache-flush on every unique record, never on shared PTRs")
            },
            ConformanceCase(id: "bct-legal-address-names", section: "RFC 6762 §16",
                            title: "address record names use letters, digits and hyphens",
                            catalogue: ["B: LEGAL CHARACTERS IN ADDRESS RECORD NAMES"],
                            level: .info, citation: "BCT LEGAL CHARACTERS IN ADDRESS RECORD NAMES: host names use letters, digits and hyphens.") { c in
                c.start()
                c.wait(.seconds(4))
                for p in c.observed { for r in (p.message?.answers ?? []) where r.type == .a || r.type == .aaaa {
                    for l in r.name.labels where !l.allSatisfy({ b in (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x2D }) {
                        return .fail("illegal host label in \(r.name)")
                    }
                } }
                return .pass("host names are LDH")
            },
            ConformanceCase(id: "bct-chattiness", section: "RFC 6762 §8.3",
                            title: "quiet when idle: probing and announcing, then nothing unsolicited",
                            catalogue: ["B: CHATTINESS"],
                            level: .must, citation: "RFC 6762 §8.3: A Multicast DNS responder MUST NOT send announcements in the absence of information that its network connectivity may have changed in some relevant way.  In particular, a Multicast DNS responder MUST NOT send regular periodic announcements as a matter of course.") { c in
                c.start()
                c.wait(.seconds(10))
                let startup = c.observed.count
                c.wait(.seconds(110))
                let idle = c.observed.count - startup
                c.note("\(startup) packets in the first 10 s, \(idle) in the next 110 s")
                if idle > 0 { c.cite(c.observed[startup]); return .fail("\(idle) unsolicited packets while idle") }
                if startup > 20 { return .warn("\(startup) packets to start up") }
                return .pass("\(startup) packets to start, silent after")
            },
            ConformanceCase(id: "rfc6762-bounded-state", section: "RFC 6762 §7.2",
                            title: "a flood of TC queries from spoofed sources leaves the responder answering",
                            catalogue: ["A54", "C: python-zeroconf #1719"],
                            level: .info, citation: "This opens the potential risk that a continuous stream of Known- Answer packets could, theoretically, prevent a responder from answering indefinitely.") { c in
                c.startSettled()
                for i in 0..<600 {
                    var q = CaseContext.query(c.typeName(), .ptr)
                    q.header.truncated = true
                    let src = SocketAddress(.v4(IPv4Address(169, 254, UInt8(100 + i / 250), UInt8(1 + i % 250))))
                    c.target.deliver(q.encoded(), from: src, to: .multicast, link: 0)
                }
                c.note("600 TC queries from 600 spoofed on-link sources")
                let t0 = c.now
                c.wait(.seconds(2))
                let replies = c.sent(after: t0 - .nanoseconds(1)).count
                c.wait(.seconds(1))
                guard let r = c.ask(CaseContext.query(c.instanceName(), .srv), match: { CaseContext.answers($0, c.instanceName(), .srv) }) else {
                    return .fail("stopped answering after the flood")
                }
                if replies > 10 { return .warn("\(replies) packets in reply to the flood") }
                return .worst([.pass("\(replies) packet(s) for 600 flood queries"), c.judgeUnique(r.ms)])
            },
        ]
    }

    /// RFC 6762 §6: conflicting responses from port 53535, while probing and after, change nothing;
    /// an answer from that port to the target's own query is not cached.
    static func ignoreNon5353(_ c: CaseContext) -> CaseOutcome {
        let peer = SocketAddress(c.otherPeer.address, port: 53535)
        c.start()
        let t0 = c.now
        if c.waitFor(CaseContext.startupLimit, { CaseContext.isProbe($0, for: c.instanceName()) }) != nil {
            c.send(CaseContext.response([c.conflictingSRV()]), from: peer)
        } else {
            c.note("no probe for \(c.instanceName()): the conflict during probing is not staged")
        }
        c.settle()
        var outs: [CaseOutcome] = []
        let renamed = c.renamedNames(after: t0)
        if !renamed.isEmpty { outs.append(.fail("renamed on a response from port 53535: \(renamed.map(\.description))")) }
        let t1 = c.now
        c.send(CaseContext.response([c.conflictingAddress()]), from: peer)
        c.wait(.seconds(2))
        if let p = c.probes(for: c.hostName, after: t1).first { c.cite(p); outs.append(.fail("probed again on a response from port 53535")) }
        // the cache's side needs a target that reports its cache
        if let q = c.querier, c.target.capabilities.contains(.cacheReport) {
            _ = q.startQuery(QNames.host, .a, oneShot: false)
            c.wait(.milliseconds(200))
            c.send(CaseContext.response([QNames.a(QNames.host, 30)]), from: peer)
            c.wait(.milliseconds(100))
            if !c.cached(QNames.host, .a).isEmpty { outs.append(.fail("cached an answer from port 53535")) }
        }
        let scope = c.target.capabilities.contains(.cacheReport) ? "while probing, after, and by the cache" : "while probing and after (the cache is not observable here)"
        return outs.isEmpty ? .pass("responses from port 53535 ignored " + scope) : .worst(outs)
    }

    static func legalServiceType(_ t: DNSName) -> Bool {
        let ls = t.labels
        guard ls.count >= 3 else { return false }
        let name = Array(ls[0]), proto = Array(ls[1])
        guard proto == Array("_tcp".utf8) || proto == Array("_udp".utf8), name.first == 0x5F else { return false }
        let body = name.dropFirst()
        guard (1...15).contains(body.count), body.first != 0x2D, body.last != 0x2D else { return false }
        guard body.contains(where: { $0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A }) else { return false }
        var prev: UInt8 = 0
        for b in body {
            let ok = (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x2D
            if !ok || (b == 0x2D && prev == 0x2D) { return false }
            prev = b
        }
        return true
    }

    static func robustness(_ id: String, _ section: String, _ title: String, _ catalogue: [String],
                           _ level: RequirementLevel, _ citation: String,
                           allowing allowed: (@Sendable (DNSName, ObservedPacket) -> Bool)? = nil,
                           _ make: @escaping @Sendable (DNSName) -> [(String, [UInt8])]) -> ConformanceCase {
        ConformanceCase(id: id, section: section, title: title, catalogue: catalogue, level: level, citation: citation) { c in
            c.startSettled()
            let t0 = c.now
            let packets = make(c.typeName())
            for (what, b) in packets { c.sendBytes(b, what: what) }
            c.wait(.seconds(1))
            let all = c.sent(after: t0)
            let reacted = all.filter { !(allowed?(c.typeName(), $0) ?? false) }
            if let p = reacted.first { c.cite(p); return .fail("sent \(reacted.count) packet(s) after malformed input") }
            // RFC 6762 §6: a record multicast in the last second is not sent again; let it pass.
            if !all.isEmpty { c.wait(.seconds(1)) }
            guard let r = c.ask(CaseContext.query(c.instanceName(), .srv), match: { CaseContext.answers($0, c.instanceName(), .srv) }) else {
                return .fail("stopped answering after malformed input")
            }
            return .worst([.pass("\(packets.count) malformed packets dropped silently"), c.judgeUnique(r.ms)])
        }
    }
}

/// Malformed packets for the robustness cases. Each asks a PTR question, so a responder that
/// misparses it as valid would answer.
enum Malformed {
    static let header: [UInt8] = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]   // ID 0, query, QDCOUNT 1

    static func question(_ n: DNSName) -> [UInt8] { n.wire + [0, 12, 0, 1] }

    @Sendable static func pointerLoop(_ n: DNSName) -> [(String, [UInt8])] {
        [("self pointer", header + [0xC0, 12, 0, 12, 0, 1]),
         ("two-pointer cycle", header + [0xC0, 14, 0xC0, 12, 0, 12, 0, 1]),
         ("label then pointer to itself", header + [1, 0x61, 0xC0, 12, 0, 12, 0, 1])]
    }

    @Sendable static func pointerOutOfRange(_ n: DNSName) -> [(String, [UInt8])] {
        [("pointer past the end", header + [0xC0, 0xFF, 0, 12, 0, 1]),
         ("pointer into the header", header + [0xC0, 4, 0, 12, 0, 1])]
    }

    @Sendable static func reservedLabels(_ n: DNSName) -> [(String, [UInt8])] {
        [("0x40 label type", header + [0x41, 0x61, 0, 0, 12, 0, 1]),
         ("0x80 label type", header + [0x81, 0x61, 0, 0, 12, 0, 1]),
         ("name of 300 bytes", header + Array(repeating: [UInt8(49)] + Array(repeating: 0x61, count: 49), count: 6).flatMap { $0 } + [0, 0, 12, 0, 1])]
    }

    @Sendable static func countExceeds(_ n: DNSName) -> [(String, [UInt8])] {
        [("QDCOUNT 65535", [0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0] + question(n)),
         ("ANCOUNT 65535 after a question", [0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0, 0, 0, 0] + question(n))]
    }

    @Sendable static func rdlength(_ n: DNSName) -> [(String, [UInt8])] {
        // A response holding an A record with RDLENGTH 5, and a PTR query with a known answer whose RDLENGTH is short.
        let bad: [UInt8] = [0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0] + n.wire + [0, 1, 0, 1, 0, 0, 0, 120, 0, 5, 169, 254, 9, 9, 9]
        let ka: [UInt8] = [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0] + question(n) + [0xC0, 12, 0, 33, 0, 1, 0, 0, 0, 120, 0, 3, 0, 0, 0]
        let cross: [UInt8] = [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0] + question(n) + [0xC0, 12, 0, 12, 0, 1, 0, 0, 0x11, 0x94, 0, 2, 5, 0x61]
        return [("A record with RDLENGTH 5", bad), ("known answer SRV with RDLENGTH 3", ka), ("PTR name crossing RDLENGTH", cross)]
    }

    @Sendable static func truncated(_ n: DNSName) -> [(String, [UInt8])] {
        let full = header + question(n)
        var out: [(String, [UInt8])] = (0..<12).map { ("\($0)-byte packet", Array(full.prefix($0))) }
        out.append(("TP-Link 4-byte packet", [0x0A, 0xBA, 0x10, 0x00]))
        out.append(("cut mid-name", Array(full.prefix(16))))
        out.append(("cut mid-question", Array(full.prefix(full.count - 2))))
        return out
    }

    /// A PTR query whose question name is a pointer to a copy of the name placed after the question.
    static func forwardPointerQuery(_ n: DNSName) -> [UInt8] {
        let at = 12 + 2 + 4   // header, pointer, type+class
        return [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1] + [0xC0 | UInt8(at >> 8), UInt8(at & 0xFF), 0, 12, 0, 1]
            + n.wire + [0, 16, 0, 1, 0, 0, 0, 0, 0, 1, 0]   // additional: the name as owner of an empty TXT
    }
}

/// Every responder case, in catalogue order.
public enum ResponderCatalogue {
    public static var all: [ConformanceCase] {
        ProbingCases.all + AnnouncingCases.all + RespondingCases.all + WireCases.all + HostileBatchCases.all
    }
}
