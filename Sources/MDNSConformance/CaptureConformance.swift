import DNSWire
import MDNSCore
import PCAP

/// A capture as a conformance target: the cases that can be judged from traffic alone run on a
/// recording, with a verdict per device (source address) and the frames as evidence. Ids are
/// those of the same cases on the simulated link.
public enum CaptureConformance {
    /// One mDNS datagram of the capture.
    public struct Packet: Sendable {
        public var frame: Int
        /// Nanoseconds from the first datagram.
        public var time: Int64
        public var source: PCAP.IPAddress
        public var sourcePort: UInt16
        public var destination: PCAP.IPAddress
        public var destinationPort: UInt16
        public var hopLimit: UInt8
        public var message: Message?
        public var isMulticast: Bool { destination.isMulticast }
    }

    /// The verdict of one case for one device.
    public struct DeviceCase: Sendable {
        public var id: String
        public var section: String
        public var catalogue: [String]
        public var verdict: Verdict
        public var summary: String
        public var evidence: [String]
    }

    public struct Device: Sendable {
        public var address: PCAP.IPAddress
        public var packets: Int
        public var cases: [DeviceCase]
        public var worst: Verdict { cases.map(\.verdict).max() ?? .notApplicable }
    }

    public struct Report: Sendable {
        public var file: String
        public var datagrams = 0
        public var undecodable = 0
        public var devices: [Device] = []
        public var fileError: PCAPError?
    }

    /// Evidence lines kept per case and device.
    public static let maxEvidence = 8
    /// A device's reply to a query counts when it comes within this long.
    public static let replyWindow: Int64 = 1_000_000_000

    /// Reads `path` and judges every device that sent mDNS.
    public static func run(path: String, displayName: String? = nil) -> Report {
        var report = Report(file: displayName ?? path)
        let reader: DatagramReader
        do throws(PCAPError) { reader = try DatagramReader(path: path, portFilter: PacketDecoder.mdnsFilter) } catch {
            report.fileError = error
            return report
        }
        var packets: [Packet] = []
        var origin: Int64? = nil
        while true {
            let e: DatagramReader.Event?
            do throws(PCAPError) { e = try reader.next() } catch { report.fileError = error; break }
            guard let e else { break }
            guard case .datagram(let d) = e else { continue }
            let t = d.timestamp.totalNanoseconds
            if origin == nil { origin = t }
            let m = try? Message(decoding: d.payload, options: .init(allowTrailingBytes: true))
            if m == nil { report.undecodable += 1 }
            packets.append(Packet(frame: d.frame, time: t - origin!, source: d.source, sourcePort: d.sourcePort,
                                   destination: d.destination, destinationPort: d.destinationPort, hopLimit: d.hopLimit, message: m))
        }
        report.datagrams = packets.count
        report.devices = judge(packets)
        return report
    }

    /// Judges each source address over the whole recording.
    public static func judge(_ packets: [Packet]) -> [Device] {
        var order: [PCAP.IPAddress] = []
        var by: [PCAP.IPAddress: [Int]] = [:]
        for (i, p) in packets.enumerated() {
            if by[p.source] == nil { order.append(p.source) }
            by[p.source, default: []].append(i)
        }
        return order.map { a in
            let mine = by[a]!.map { packets[$0] }
            return Device(address: a, packets: mine.count, cases: judgeDevice(mine, all: packets))
        }
    }

    static func line(_ p: Packet, _ label: String = "") -> String {
        let dst = p.isMulticast ? "group" : "\(p.destination):\(p.destinationPort)"
        let body = p.message.map(CaseContext.summary) ?? "undecodable"
        return "frame \(p.frame) +\(Instant.format(p.time)) \(p.source):\(p.sourcePort) → \(dst): \(body)\(label.isEmpty ? "" : "  [\(label)]")"
    }

    static func isProbe(_ m: Message) -> Bool { !m.header.isResponse && !m.questions.isEmpty && !m.authorities.isEmpty }
    static func uniqueByConvention(_ t: RRType) -> Bool { [RRType.a, .aaaa, .srv, .txt, .hinfo, .nsec].contains(t) }
    static func ms(_ ns: Int64) -> String { Instant.format(ns) + " s" }

    static func judgeDevice(_ mine: [Packet], all: [Packet]) -> [DeviceCase] {
        var out: [DeviceCase] = []
        func add(_ id: String, _ section: String, _ catalogue: [String], _ o: CaseOutcome, _ ev: [String]) {
            out.append(DeviceCase(id: id, section: section, catalogue: catalogue, verdict: o.verdict, summary: o.summary,
                                  evidence: Array(ev.prefix(maxEvidence))))
        }
        let decoded = mine.filter { $0.message != nil }
        let probes = decoded.filter { isProbe($0.message!) }
        let responses = decoded.filter { $0.message!.header.isResponse && $0.sourcePort == mdnsPort }
        let multicastResponses = responses.filter(\.isMulticast)

        // RFC 6762 §8.1 probe timing: probes for a name within 2 s of each other form one sequence.
        do {
            var ev: [String] = [], outs: [CaseOutcome] = []
            var seqs: [DNSName: [[Packet]]] = [:]
            for p in probes {
                var names: [DNSName] = []
                for q in p.message!.questions where !names.contains(q.name) { names.append(q.name) }
                for n in names {
                    let q = Question(name: n, type: .any)
                    var list = seqs[q.name, default: []]
                    if let last = list.last?.last, p.time - last.time <= 2_000_000_000 { list[list.count - 1].append(p) } else { list.append([p]) }
                    seqs[q.name] = list
                }
            }
            for (name, list) in seqs.sorted(by: { $0.key < $1.key }) {
                for s in list {
                    ev.append(contentsOf: s.prefix(3).map { line($0, "probe \(name)") })
                    if s.count < 3 { outs.append(.warn("\(s.count) probe(s) for \(name) (3 expected; the capture may have started late)")) }
                    for (a, b) in zip(s, s.dropFirst()) where b.time - a.time < BCT.minProbeInterval.nanoseconds {
                        outs.append(.fail("probes for \(name) \(ms(b.time - a.time)) apart (≥ 237 ms)"))
                    }
                    // RFC 6762 §8.1: announcing starts ≥ 250 ms after the third probe.
                    if s.count >= 3, let ann = multicastResponses.first(where: { $0.time > s[2].time && $0.message!.answers.contains { $0.name == name && $0.ttl > 0 } }) {
                        let gap = ann.time - s[2].time
                        ev.append(line(ann, "first announcement"))
                        if gap < BCT.minProbeInterval.nanoseconds { outs.append(.fail("announced \(ms(gap)) after the third probe (≥ 250 ms)")) }
                    }
                }
            }
            if probes.isEmpty { add("rfc6762-8.1-probe-timing", "RFC 6762 §8.1", ["A34", "B: PROBING"], .notApplicable("no probes in the capture"), []) }
            else { outs.append(.pass("\(probes.count) probes, intervals ≥ 237 ms")); add("rfc6762-8.1-probe-timing", "RFC 6762 §8.1", ["A34", "B: PROBING"], .worst(outs), ev) }
        }
        // RFC 6762 §8.1: probes are QU ANY with proposed records in Authority, no cache-flush bit there.
        do {
            var outs: [CaseOutcome] = [], ev: [String] = []
            for p in probes {
                let m = p.message!
                if m.authorities.contains(where: \.cacheFlush) { outs.append(.fail("cache-flush bit in a probe's Authority")); ev.append(line(p, "cache-flush in probe")) }
                if m.questions.contains(where: { $0.type != .any }) { outs.append(.warn("probe question not of type ANY")); ev.append(line(p)) }
                if !m.questions.allSatisfy(\.unicastResponse) { outs.append(.warn("probe question without QU")); ev.append(line(p)) }
            }
            if probes.isEmpty { add("rfc6762-8.1-probe-format", "RFC 6762 §8.1", ["A35", "B: CACHE FLUSH BIT NOT SET IN PROPOSED ANSWER OF PROBES"], .notApplicable("no probes"), []) }
            else {
                outs.append(.pass("\(probes.count) probes well formed"))
                add("rfc6762-8.1-probe-format", "RFC 6762 §8.1", ["A35", "B: CACHE FLUSH BIT NOT SET IN PROPOSED ANSWER OF PROBES"], .worst(outs), ev)
            }
        }
        // RFC 6762 §8.3: ≥ 2 announcements of a probed name, ≥ 1 s apart.
        do {
            var outs: [CaseOutcome] = [], ev: [String] = []
            var names: [DNSName] = []
            for p in probes { for q in p.message!.questions where !names.contains(q.name) { names.append(q.name) } }
            for n in names {
                guard let lastProbe = probes.last(where: { $0.message!.questions.contains { $0.name == n } }) else { continue }
                let ann = multicastResponses.filter { $0.time > lastProbe.time && $0.message!.answers.contains { $0.name == n && $0.ttl > 0 } }
                ev.append(contentsOf: ann.prefix(3).map { line($0, "announcement of \(n)") })
                if ann.count < 2 { outs.append(.warn("\(ann.count) announcement(s) of \(n) after probing (≥ 2 expected; the capture may end early)")); continue }
                let gap = ann[1].time - ann[0].time
                outs.append(gap >= 950_000_000 ? .pass("announcements of \(n) \(ms(gap)) apart") : .fail("announcements of \(n) \(ms(gap)) apart (≥ 1 s)"))
            }
            add("rfc6762-8.3-announcements", "RFC 6762 §8.3", ["A42"], names.isEmpty ? .notApplicable("no probed names") : .worst(outs), ev)
        }
        // BCT: cache-flush set on unique records in multicast responses, never in legacy unicast ones.
        do {
            var outs: [CaseOutcome] = [], ev: [String] = []
            var checked = 0
            for p in responses {
                let m = p.message!
                let legacy = p.destinationPort != mdnsPort
                for r in m.answers + m.additionals where r.ttl > 0 && r.type != .opt {
                    checked += 1
                    if legacy && r.cacheFlush { outs.append(.fail("cache-flush bit in a legacy unicast response (\(r.name) \(r.type))")); ev.append(line(p)) }
                    if !legacy && uniqueByConvention(r.type) && !r.cacheFlush && r.name.labels.last.map({ String(decoding: $0, as: UTF8.self).lowercased() }) != "arpa" {
                        let o: CaseOutcome = r.type == .txt ? .warn("TXT \(r.name) without cache-flush") : .fail("\(r.type) \(r.name) without cache-flush")
                        outs.append(o); ev.append(line(p, "no cache-flush on \(r.name) \(r.type)"))
                    }
                }
            }
            outs.append(.pass("\(checked) records checked"))
            add("bct-cache-flush-unique", "RFC 6762 §10.2", ["B: CACHE FLUSH BIT SET IN NON-SHARED RESPONSES", "B: CACHE FLUSH BIT NOT SET IN UNICAST RESPONSE"],
                responses.isEmpty ? .notApplicable("no responses") : .worst(outs), ev)
        }
        // RFC 6762 §10: TTLs 120 s for host records, 4500 s for others (SHOULD).
        do {
            var seen: [String: Set<UInt32>] = [:], ev: [String] = [], outs: [CaseOutcome] = []
            for p in responses where p.destinationPort == mdnsPort {
                for r in p.message!.answers + p.message!.additionals where r.ttl > 0 && r.type != .opt {
                    seen["\(r.type)", default: []].insert(r.ttl)
                    let expected = [RRType.a, .aaaa, .srv, .hinfo].contains(r.type) ? RFC6762.hostRecordTTL : RFC6762.otherRecordTTL
                    if r.ttl != expected && r.type != .nsec && ev.count < maxEvidence { ev.append(line(p, "\(r.name) \(r.type) TTL \(r.ttl) (\(expected) recommended)")) }
                    if r.ttl != expected && r.type != .nsec { outs.append(.warn("\(r.type) TTL \(r.ttl) (\(expected) recommended)")) }
                }
            }
            let text = seen.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.sorted().map(String.init).joined(separator: "/"))" }.joined(separator: ", ")
            outs.append(.pass("TTLs: \(text)"))
            var o = CaseOutcome.worst(outs)
            if o.verdict == .warn { o.summary = "TTLs: \(text) (120 s for A/AAAA/SRV/HINFO, 4500 s for others recommended)" }
            add("rfc6762-10-default-ttls", "RFC 6762 §10", ["A47"], responses.isEmpty ? .notApplicable("no responses") : o, ev)
        }
        // RFC 6762 §10.1: goodbyes.
        do {
            let byes = multicastResponses.filter { $0.message!.answers.contains { $0.ttl == 0 } }
            let o: CaseOutcome = byes.isEmpty ? .notApplicable("no goodbyes in the capture")
                : .pass("\(byes.count) goodbye packet(s): " + Set(byes.flatMap { $0.message!.answers.filter { $0.ttl == 0 }.map { "\($0.name) \($0.type)" } }).sorted().prefix(4).joined(separator: ", "))
            add("rfc6762-10.1-goodbye", "RFC 6762 §10.1", ["A48"], o, byes.prefix(3).map { line($0, "goodbye") })
        }
        // BCT: no record twice in one packet.
        do {
            var outs: [CaseOutcome] = [], ev: [String] = []
            for p in decoded {
                var keys: [ResourceRecord] = []
                for (_, r) in p.message!.records where r.type != .opt {
                    if keys.contains(where: { $0.isSameRecord(as: r) }) { outs.append(.fail("\(r.name) \(r.type) twice in one packet")); ev.append(line(p, "duplicate \(r.name) \(r.type)")); break }
                    keys.append(r)
                }
            }
            outs.append(.pass("\(decoded.count) packets without duplicate records"))
            add("bct-no-duplicate-records", "RFC 6763 §12", ["A74", "B: NO DUPLICATE RECORDS IN PACKETS"], .worst(outs), ev)
        }
        // RFC 6763 §12.1/§12.2: PTR answers carry SRV and TXT; SRV answers carry the target's addresses.
        do {
            var outs: [CaseOutcome] = [], ev: [String] = []
            var checked = 0
            for p in responses {
                let m = p.message!
                let all = m.answers + m.additionals
                for r in m.answers where r.ttl > 0 {
                    if case .ptr(let inst) = r.rdata, EngineReplayNames.isServiceType(r.name) {
                        checked += 1
                        if !all.contains(where: { $0.name == inst && $0.type == .srv }) || !all.contains(where: { $0.name == inst && $0.type == .txt }) {
                            outs.append(.warn("PTR \(inst) without SRV and TXT in Additional")); ev.append(line(p, "PTR without SRV/TXT"))
                        }
                    }
                    if case .srv(let s) = r.rdata {
                        checked += 1
                        if !all.contains(where: { $0.name == s.target && ($0.type == .a || $0.type == .aaaa) }) {
                            outs.append(.warn("SRV \(r.name) without the target's address in Additional")); ev.append(line(p, "SRV without address"))
                        }
                    }
                }
            }
            outs.append(.pass("\(checked) PTR/SRV answers carry their additional records"))
            add("rfc6763-12.1-ptr-additionals", "RFC 6763 §12.1", ["A28", "B: REQUIRED ADDITIONAL RECORDS IN ANSWERS"],
                checked == 0 ? .notApplicable("no service PTR or SRV answers") : .worst(outs), ev)
        }
        // RFC 6762 §6: reply delays to queries in the capture (BCT thresholds).
        do {
            var unique: [Double] = [], shared: [Double] = [], ev: [String] = []
            let others = all.filter { p in p.source != mine.first?.source && p.message.map { !$0.header.isResponse && !$0.questions.isEmpty && $0.authorities.isEmpty } ?? false }
            for q in others where q.sourcePort == mdnsPort && q.isMulticast {
                let qs = q.message!.questions
                let known = q.message!.answers
                guard let r = responses.first(where: { r in r.time >= q.time && r.time - q.time <= replyWindow
                    && r.message!.answers.contains { a in qs.contains { $0.isAnswered(by: a) } && !known.contains { $0.isSameRecord(as: a) } } }) else { continue }
                let d = Double(r.time - q.time) / 1e6
                let isUnique = r.message!.answers.contains { a in qs.contains { $0.isAnswered(by: a) } && a.cacheFlush }
                if isUnique { unique.append(d) } else { shared.append(d) }
                if ev.count < maxEvidence - 1 { ev.append(line(q, "query")); ev.append(line(r, "reply after \(Int(d)) ms")) }
            }
            func judge(_ ds: [Double], shared: Bool) -> CaseOutcome {
                guard !ds.isEmpty else { return .notApplicable("no replies to queries in the capture") }
                var outs: [CaseOutcome] = []
                for d in ds {
                    if d > BCT.replyFail { outs.append(.fail("reply after \(Int(d)) ms")) }
                    else if shared && !BCT.sharedReplyPass.contains(d) { outs.append(d < BCT.sharedReplyWarnLow ? .fail("shared reply after \(Int(d)) ms (< 10 ms)") : .warn("shared reply after \(Int(d)) ms (20–125 ms expected)")) }
                    else if !shared && d > BCT.uniqueReplyPass { outs.append(.warn("unique reply after \(Int(d)) ms (≤ 10 ms expected)")) }
                }
                outs.append(.pass("\(ds.count) replies, \(Int(ds.min()!))–\(Int(ds.max()!)) ms"))
                return .worst(outs)
            }
            add("rfc6762-6-unique-reply-time", "RFC 6762 §6", ["A19", "B: SIMPLE REPLY RESPONSE TIME"], judge(unique, shared: false), ev)
            add("rfc6762-6-shared-reply-time", "RFC 6762 §6", ["A19", "B: SHARED REPLY TIMING"], judge(shared, shared: true), ev)
        }
        // RFC 6762 §6.7 legacy unicast and §5.4 QU answers.
        do {
            var outs: [CaseOutcome] = [], ev: [String] = []
            let legacy = responses.filter { $0.destinationPort != mdnsPort }
            for p in legacy {
                let m = p.message!
                ev.append(line(p, "legacy unicast reply"))
                if m.questions.isEmpty { outs.append(.fail("legacy reply without the question echoed")) }
                if m.answers.contains(where: { $0.ttl > RFC6762.legacyUnicastMaxTTL }) { outs.append(.warn("legacy reply TTL above 10 s")) }
                if m.answers.contains(where: \.cacheFlush) { outs.append(.fail("cache-flush bit in a legacy reply")) }
                if let q = all.last(where: { $0.time <= p.time && $0.sourcePort == p.destinationPort && $0.source == p.destination && $0.message.map { !$0.header.isResponse } ?? false }),
                   q.message!.header.id != m.header.id { outs.append(.fail("legacy reply ID \(m.header.id) ≠ query ID \(q.message!.header.id)")) }
            }
            if legacy.isEmpty { add("rfc6762-6.7-legacy-unicast", "RFC 6762 §6.7", ["A26"], .notApplicable("no legacy unicast replies"), []) }
            else { outs.append(.pass("\(legacy.count) legacy unicast replies")); add("rfc6762-6.7-legacy-unicast", "RFC 6762 §6.7", ["A26"], .worst(outs), ev) }
            let unicastReplies = responses.filter { !$0.isMulticast && $0.destinationPort == mdnsPort }
            let quQueries = all.filter { $0.message.map { !$0.header.isResponse && $0.authorities.isEmpty && $0.questions.contains(where: \.unicastResponse) } ?? false }
            let o: CaseOutcome = unicastReplies.isEmpty ? .notApplicable("no unicast replies to QU questions in the capture (\(quQueries.count) QU queries)")
                : .pass("\(unicastReplies.count) unicast replies from port 5353 to QU questions")
            add("rfc6762-5.4-qu-unicast", "RFC 6762 §5.4", ["A27"], o, unicastReplies.prefix(3).map { line($0, "unicast reply") })
        }
        // RFC 6762 §11: IP TTL / hop limit 255.
        do {
            let bad = mine.filter { $0.hopLimit != 255 }
            let o: CaseOutcome = bad.isEmpty ? .pass("\(mine.count) packets with IP TTL 255")
                : .fail("\(bad.count) of \(mine.count) packets with IP TTL \(Set(bad.map(\.hopLimit)).sorted().map(String.init).joined(separator: "/"))")
            add("rfc6762-11-ip-ttl", "RFC 6762 §11", ["A55", "B: mDNS IP TTL CHECK"], o, bad.prefix(3).map { line($0, "TTL \($0.hopLimit)") })
        }
        // RFC 6762 §18.1–§18.2: multicast responses have ID 0, QR and AA, no questions.
        do {
            var outs: [CaseOutcome] = [], ev: [String] = []
            for p in multicastResponses {
                let h = p.message!.header
                if h.id != 0 { outs.append(.fail("multicast response with ID \(h.id)")); ev.append(line(p)) }
                if !h.authoritativeAnswer { outs.append(.fail("response without AA")); ev.append(line(p)) }
                if !p.message!.questions.isEmpty { outs.append(.warn("multicast response with questions")); ev.append(line(p)) }
            }
            outs.append(.pass("\(multicastResponses.count) multicast responses with ID 0, QR, AA"))
            add("rfc6762-18.2-response-header", "RFC 6762 §18.2", ["A1", "A3"], multicastResponses.isEmpty ? .notApplicable("no multicast responses") : .worst(outs), ev)
        }
        return out
    }

    /// Text report: a block per device with a line per case, evidence for warn and fail.
    public static func text(_ r: Report, verbose: Bool) -> String {
        var s = "== \(r.file): \(r.datagrams) mDNS datagrams, \(r.undecodable) undecodable, \(r.devices.count) devices\n"
        if let e = r.fileError { s += "   capture error: \(e)\n" }
        for d in r.devices {
            let t = ConformanceReport.tally(d.cases.map { CaseResult(id: $0.id, section: $0.section, title: "", catalogue: $0.catalogue, verdict: $0.verdict, summary: $0.summary, evidence: [], targetTime: .zero) })
            s += "-- device \(d.address): \(d.packets) packets; \(t[.pass, default: 0]) pass, \(t[.warn, default: 0]) warn, \(t[.fail, default: 0]) fail, \(t[.notApplicable, default: 0]) n/a\n"
            for c in d.cases where verbose || c.verdict != .notApplicable {
                s += "   \(c.verdict.rawValue.uppercased().padding(5)) \(c.id.padding(38)) \(c.summary)\n"
                if verbose || c.verdict == .fail || c.verdict == .warn { for e in c.evidence { s += "           \(e)\n" } }
            }
        }
        return s
    }
}

/// Service-type names (`_x._tcp.<domain>`), shared with the capture cases.
enum EngineReplayNames {
    static func isServiceType(_ n: DNSName) -> Bool {
        let l = n.labels
        guard l.count >= 3, l[0].first == UInt8(ascii: "_") else { return false }
        let proto = String(decoding: l[1], as: UTF8.self).lowercased()
        guard proto == "_tcp" || proto == "_udp" else { return false }
        let first = String(decoding: l[0], as: UTF8.self).lowercased()
        return first != "_services" && first != "_sub"
    }
}
