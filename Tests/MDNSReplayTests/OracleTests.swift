import DNSWire
import Foundation
@testable import MDNSReplay
import PCAP
import Testing

/// Independent oracle: every mDNS message in ../shared/captures/third-party, as swift-mdns decodes
/// it, against tshark's dissection (`tshark -r FILE -Y mdns -T json`): header, every question (name,
/// type, class, QU bit) and every record (name, type, class, cache-flush bit, TTL, rdata).
///
/// Every difference is a fix or a documented case below where tshark is wrong.
@Suite("Oracle: swift-mdns decoding against tshark's dissector")
struct OracleTests {
    /// "file#frame" -> why tshark's dissection is wrong for that message.
    static let tsharkIsWrong: [String: String] = [:]

    static func name(_ n: DNSName) -> String {
        n.isRoot ? "<Root>" : n.labels.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")
    }

    static func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    /// swift-mdns's view: one line per header, question and record.
    static func ours(_ m: Message) -> [String] {
        var out = ["H id=\(m.header.id) flags=\(m.header.flags) qd=\(m.questions.count) an=\(m.answers.count) ns=\(m.authorities.count) ar=\(m.additionals.count)"]
        for q in m.questions {
            out.append("Q \(name(q.name)) type=\(q.type.rawValue) class=\(q.qclass.rawValue) qu=\(q.unicastResponse ? 1 : 0)")
        }
        for (sec, rs) in [("an", m.answers), ("ns", m.authorities), ("ar", m.additionals)] {
            for r in rs {
                if r.type == .opt {
                    out.append("R \(sec) \(name(r.name)) type=41 udp=\(r.rrclass.rawValue)")
                    continue
                }
                var rd: String
                switch r.rdata {
                case .a(let v): rd = v.description
                case .aaaa(let v): rd = IPAddress(v.description)?.description ?? v.description
                case .ptr(let n), .cname(let n), .ns(let n): rd = name(n)
                case .srv(let s): rd = "\(s.priority) \(s.weight) \(s.port) \(name(s.target))"
                case .txt(let t): rd = t.strings.map(text).joined(separator: "|")
                case .nsec(let n): rd = name(n.nextName)
                case .hinfo(let h): rd = text(h.cpu) + "|" + text(h.os)
                default: rd = "len=\(r.rdata.canonicalBytes.count)"
                }
                out.append("R \(sec) \(name(r.name)) type=\(r.type.rawValue) class=\(r.rrclass.rawValue) flush=\(r.cacheFlush ? 1 : 0) ttl=\(r.ttl) \(rd)")
            }
        }
        return out
    }

    static func int(_ s: String?) -> Int? {
        guard let s else { return nil }
        return s.hasPrefix("0x") ? Int(s.dropFirst(2), radix: 16) : Int(s)
    }

    /// tshark's view of the same message, built from its JSON fields.
    static func theirs(_ dns: OrderedJSON) -> [String] {
        let f = { (k: String) in dns[k]?.string }
        var out = ["H id=\(int(f("dns.id")) ?? -1) flags=\(int(f("dns.flags")) ?? -1) qd=\(f("dns.count.queries") ?? "?") an=\(f("dns.count.answers") ?? "?") ns=\(f("dns.count.auth_rr") ?? "?") ar=\(f("dns.count.add_rr") ?? "?")"]
        for (_, q) in dns["Queries"]?.members ?? [] {
            out.append("Q \(q["dns.qry.name"]?.string ?? "?") type=\(q["dns.qry.type"]?.string ?? "?") class=\(int(q["dns.qry.class"]?.string) ?? -1) qu=\(q["dns.qry.qu"]?.string ?? "?")")
        }
        for (key, sec) in [("Answers", "an"), ("Authoritative nameservers", "ns"), ("Additional records", "ar")] {
            for (_, r) in dns[key]?.members ?? [] {
                let g = { (k: String) in r[k]?.string }
                var rname = g("dns.resp.name") ?? "?"
                if g("dns.resp.name") == nil, let svc = g("dns.srv.service"), let proto = g("dns.srv.proto"), let n = g("dns.srv.name") {
                    rname = "\(svc).\(proto).\(n)"
                }
                let type = Int(g("dns.resp.type") ?? "") ?? -1
                if type == 41 {
                    out.append("R \(sec) \(rname) type=41 udp=\(int(g("dns.rr.udp_payload_size")) ?? -1)")
                    continue
                }
                var rd: String
                switch type {
                case 1: rd = g("dns.a") ?? "?"
                case 28: rd = g("dns.aaaa") ?? "?"
                case 12: rd = g("dns.ptr.domain_name") ?? "?"
                case 5: rd = g("dns.cname") ?? "?"
                case 2: rd = g("dns.ns") ?? "?"
                case 33: rd = "\(g("dns.srv.priority") ?? "?") \(g("dns.srv.weight") ?? "?") \(g("dns.srv.port") ?? "?") \(g("dns.srv.target") ?? "?")"
                case 16: rd = r.all("dns.txt").compactMap(\.string).joined(separator: "|")
                case 47: rd = g("dns.nsec.next_domain_name") ?? "?"
                case 13: rd = (g("dns.hinfo.cpu") ?? "?") + "|" + (g("dns.hinfo.os") ?? "?")
                default: rd = "len=\(g("dns.resp.len") ?? "?")"
                }
                out.append("R \(sec) \(rname) type=\(type) class=\(int(g("dns.resp.class")) ?? -1) flush=\(g("dns.resp.cache_flush") ?? "?") ttl=\(g("dns.resp.ttl") ?? "?") \(rd)")
            }
        }
        return out
    }

    /// The comparison notices a one-bit change (a cache-flush bit, a TTL): it is not vacuous.
    @Test(.enabled(if: Paths.thirdPartyPresent, "../shared/captures/third-party is absent: skipped"))
    func comparisonDetectsAChangedField() throws {
        let tshark = try #require(Tshark.path, "tshark is not installed and cannot be installed: skipped")
        let path = Paths.thirdParty + "/packetgen/mdns.pcapng"
        let (_, json, _) = try run(tshark, ["-r", path, "-Y", "mdns", "-T", "json"])
        let layers = try #require(OrderedJSON.parse(json).elements.last?["_source"]?["layers"])
        let src = try ReplaySource(path: path)
        var last: Message? = nil
        while let e = try src.next() { if case .message(let m) = e { last = m.message } }
        var m = try #require(last)
        #expect(Self.ours(m) == Self.theirs(try #require(layers["mdns"])))
        m.answers[0].cacheFlush.toggle()
        #expect(Self.ours(m) != Self.theirs(layers["mdns"]!))
        m.answers[0].cacheFlush.toggle()
        m.answers[1].ttl += 1
        #expect(Self.ours(m) != Self.theirs(layers["mdns"]!))
    }

    @Test(.enabled(if: Paths.thirdPartyPresent, "../shared/captures/third-party is absent: skipped"))
    func everyMessageMatchesTshark() throws {
        let tshark = try #require(Tshark.path, "tshark is not installed and cannot be installed: skipped")
        var compared = 0, documented = 0
        var seenKnown: Set<String> = []
        for f in Paths.thirdPartyCaptures() {
            let path = Paths.thirdParty + "/" + f
            let (status, json, err) = try run(tshark, ["-r", path, "-Y", "mdns", "-T", "json"])
            #expect(status == 0, "tshark failed on \(f): \(err)")
            var theirFrames: [Int: OrderedJSON] = [:]
            for pkt in try OrderedJSON.parse(json).elements {
                guard let layers = pkt["_source"]?["layers"], let n = Int(layers["frame"]?["frame.number"]?.string ?? "") else { continue }
                theirFrames[n] = layers
            }
            let src = try ReplaySource(path: path)
            var ourFrames: Set<Int> = []
            while let e = try src.next() {
                guard case .message(let m) = e else { Issue.record("\(f): skipped frame \(e)"); continue }
                let key = "\(f)#\(m.datagram.frame)"
                ourFrames.insert(m.datagram.frame)
                guard let layers = theirFrames[m.datagram.frame], let dns = layers["mdns"] else {
                    Issue.record("\(key): tshark has no mDNS layer for this frame")
                    continue
                }
                compared += 1
                let agree: Bool
                var detail = ""
                if let msg = m.message {
                    let a = Self.ours(msg), b = Self.theirs(dns)
                    agree = a == b && layers["_ws.malformed"] == nil
                    if !agree {
                        let diff = zip(a, b).first { $0 != $1 }.map { "ours: \($0.0)\ntshark: \($0.1)" } ?? "ours \(a.count) lines, tshark \(b.count) lines"
                        detail = diff + (layers["_ws.malformed"] != nil ? "\n(tshark flags the frame malformed)" : "")
                    }
                } else {
                    // swift-mdns rejects it: tshark must find it malformed too.
                    agree = layers["_ws.malformed"] != nil
                    detail = "swift-mdns rejects it (\(m.error!)), tshark does not flag it malformed"
                }
                if let why = Self.tsharkIsWrong[key] {
                    seenKnown.insert(key)
                    documented += 1
                    #expect(!agree, "\(key) is documented as a tshark error (\(why)) but now agrees: remove it from the list")
                } else {
                    #expect(agree, "\(key) differs:\n\(detail)")
                }
            }
            #expect(ourFrames == Set(theirFrames.keys), "\(f): frames differ")
        }
        #expect(compared >= 500)
        #expect(seenKnown == Set(Self.tsharkIsWrong.keys))
        _ = documented
    }
}
