import DNSWire
import MDNSCore
import PCAP

extension CaptureConformance {
    /// Times the classification and the rules measure against, in nanoseconds.
    public enum Window {
        /// Probes for one name further apart than this start a new series (RFC 6762 §8.1 sends
        /// them 250 ms apart; a lost tiebreak waits one second, §8.2).
        public static let probeSeriesGap: Int64 = 750_000_000
        /// RFC 6762 §8.1: the probing host listens this long after its third probe.
        public static let probeListen: Int64 = 250_000_000
        /// A response this long after a query that it answers is taken as the answer to it.
        public static let reply: Int64 = 1_000_000_000
        /// Unsolicited responses this long after probing are its announcements (RFC 6762 §8.3
        /// allows up to eight, the interval doubling from one second).
        public static let announcing: Int64 = 10_000_000_000
        /// RFC 6762 §8.1 probes "250 ms" apart: a deviation beyond this is a different interval.
        public static let probeIntervalTolerance: Int64 = 9_000_000
        /// RFC 6762 §8.1 listens "250 ms after the third probe" before announcing, within the interval tolerance.
        public static let announceAfterProbes: Int64 = probeListen - probeIntervalTolerance
        /// Slack allowed on the RFC's bounds: none. "At least one second" is one second; a capture's
        /// clock is finer than a millisecond, and 0.9994 s is short (the labels read it so too).
        public static let slack: Int64 = 0
        /// A packet already on its way when a conflict arrives.
        public static let inFlight: Int64 = 50_000_000
    }

    /// One thing a device did, classified.
    public struct Event: Sendable {
        public enum Kind: String, Sendable, CaseIterable {
            case probe, query
            case legacyQuery = "legacy-query"
            /// An unsolicited multicast response (RFC 6762 §8.3).
            case announcement
            /// A multicast response to another host's query.
            case answer
            /// A response to another host's probe for a name this device holds (RFC 6762 §8.1, §9).
            case defence
            /// A response whose answers all have TTL 0 (RFC 6762 §10.1).
            case goodbye
            /// A unicast response to port 5353 (a QU answer, RFC 6762 §5.4).
            case unicastReply = "unicast-reply"
            /// A unicast response to a legacy querier's port (RFC 6762 §6.7).
            case legacyReply = "legacy-reply"
        }
        public var kind: Kind
        /// Index of the packet in the capture.
        public var packet: Int
        /// The query or probe (capture index) this answers.
        public var cause: Int?
    }

    /// A series of probes for one name, and how it ended.
    public struct ProbeSeries: Sendable {
        public enum End: Sendable, Equatable {
            /// Three or more probes, no conflict: the name is the device's (RFC 6762 §8.1).
            case completed
            /// Another host's response (capture index) held the name (RFC 6762 §8.1).
            case conflict(Int)
            /// Another host's simultaneous probe (capture index) had later data (RFC 6762 §8.2).
            case lostTiebreak(Int)
            /// The capture ended before the series could.
            case cut
            /// Fewer than three probes and nothing that explains it.
            case short
        }
        public var name: DNSName
        /// The address the series was sent from: a dual-stack host probes on each family.
        public var source: PCAP.IPAddress
        public var probes: [Int]
        /// The device's proposed records for the name (Authority Section of its probes).
        public var proposed: [ResourceRecord]
        public var end: End
        /// A simultaneous probe (capture index) this series won (RFC 6762 §8.2).
        public var wonAgainst: Int?
    }

    /// A device's traffic in order, each packet classified, with its probe series.
    public struct Timeline: Sendable {
        public var device: DeviceIdentity
        /// The whole capture (causes and other hosts' traffic are indices into it).
        public var all: [Packet]
        public var events: [Event]
        public var series: [ProbeSeries]

        public var captureEnd: Int64 { all.last?.time ?? 0 }
        public func packet(_ e: Event) -> Packet { all[e.packet] }
        public func events(_ kinds: Event.Kind...) -> [Event] { events.filter { kinds.contains($0.kind) } }
        public func isMine(_ i: Int) -> Bool { device.packets.contains(i) }
    }

    /// Names a probe asks about: questions whose name has proposed records in its Authority Section.
    static func probedNames(_ m: Message) -> [DNSName] {
        var out: [DNSName] = []
        for q in m.questions where !out.contains(q.name) && m.authorities.contains(where: { $0.name == q.name }) { out.append(q.name) }
        return out
    }

    /// Classifies a device's packets (two steps: probe series first, then each packet).
    public static func timeline(_ d: DeviceIdentity, in all: [Packet]) -> Timeline {
        var t = Timeline(device: d, all: all, events: [], series: probeSeries(d, all))
        for i in d.packets { t.events.append(classify(i, t)) }
        return t
    }

    static func probeSeries(_ d: DeviceIdentity, _ all: [Packet]) -> [ProbeSeries] {
        var series: [ProbeSeries] = []
        var open: [String: Int] = [:]
        for i in d.packets where all[i].isProbe {
            let m = all[i].message!
            for n in probedNames(m) {
                let proposed = m.authorities.filter { $0.name == n }
                let key = "\(n) \(all[i].source)"
                // RFC 6762 §8.1: a series is three probes; a fourth starts probing again.
                if let s = open[key], series[s].probes.count < 3, all[i].time - all[series[s].probes.last!].time <= Window.probeSeriesGap {
                    series[s].probes.append(i)
                } else {
                    open[key] = series.count
                    series.append(ProbeSeries(name: n, source: all[i].source, probes: [i], proposed: proposed, end: .short))
                }
            }
        }
        return series.map { settle($0, d, all) }
    }

    /// How a series ended: a conflicting response, a lost tiebreak, three probes, or the capture's end.
    static func settle(_ s: ProbeSeries, _ d: DeviceIdentity, _ all: [Packet]) -> ProbeSeries {
        var s = s
        let start = all[s.probes[0]].time, listenEnd = all[s.probes.last!].time + Window.probeListen
        // A simultaneous probe may come just before the series' first.
        for (i, p) in all.enumerated() where p.time >= start - Window.probeListen && p.time <= listenEnd && !d.packets.contains(i) {
            guard let m = p.message else { continue }
            if p.time >= start && p.isResponse && p.sourcePort == mdnsPort && hears(p, d, all) && conflicts(m.answers + m.additionals, with: s) {
                s.end = .conflict(i)
                return s
            }
            // Ties are broken per link and family: a host probes each interface with its own data.
            if p.isProbe && p.samePath(all[s.probes[0]]) {
                // RFC 6762 §8.2 breaks ties between unique records; shared ones never conflict.
                let theirs = m.authorities.filter { $0.name == s.name && isUnique($0) }, ours = s.proposed.filter(isUnique)
                guard !theirs.isEmpty, !ours.isEmpty, !sameSet(theirs, ours) else { continue }
                let c = Tiebreak.compare(ours, theirs)
                if c < 0 { s.end = .lostTiebreak(i); return s }
                if c > 0 && s.wonAgainst == nil { s.wonAgainst = i }
            }
        }
        // Fewer than three probes is short only when the recording covers the series' whole span.
        let covered = start - all[0].time > Window.probeSeriesGap && all.last!.time - listenEnd > Window.probeListen
        if s.probes.count >= 3 { s.end = .completed } else if !covered { s.end = .cut }
        return s
    }

    /// Whether the device receives `p`: it sends on that interface and address family. A host that
    /// runs mDNS over IPv4 only never hears the link's IPv6 responses (RFC 6762 §9 "receives").
    static func hears(_ p: Packet, _ d: DeviceIdentity, _ all: [Packet]) -> Bool {
        d.packets.contains { all[$0].samePath(p) }
    }

    /// RFC 6762 §9: a record of the name with other rdata; identical rdata is never a conflict.
    static func conflicts(_ rs: [ResourceRecord], with s: ProbeSeries) -> Bool {
        rs.contains { r in r.name == s.name && r.ttl > 0 && isUnique(r) && !s.proposed.contains { $0.isSameRecord(as: r) } }
    }

    static func sameSet(_ a: [ResourceRecord], _ b: [ResourceRecord]) -> Bool {
        a.allSatisfy { x in b.contains { $0.isSameRecord(as: x) } } && b.allSatisfy { x in a.contains { $0.isSameRecord(as: x) } }
    }

    static func classify(_ i: Int, _ t: Timeline) -> Event {
        let p = t.all[i]
        if p.isProbe { return Event(kind: .probe, packet: i) }
        if p.isLegacyQuery { return Event(kind: .legacyQuery, packet: i) }
        if p.isQuery || p.message == nil { return Event(kind: .query, packet: i) }
        let m = p.message!
        if p.isLegacyReply {
            let q = t.all[..<i].lastIndex { $0.isQuery && $0.source == p.destination && $0.sourcePort == p.destinationPort }
            return Event(kind: .legacyReply, packet: i, cause: q)
        }
        let cause = query(answeredBy: i, t)
        if !p.isMulticast { return Event(kind: .unicastReply, packet: i, cause: cause) }
        if !m.answers.isEmpty && m.answers.allSatisfy({ $0.ttl == 0 }) { return Event(kind: .goodbye, packet: i) }
        guard let cause, !announcesProbed(i, askedAt: t.all[cause].time, t) else { return Event(kind: .announcement, packet: i) }
        let q = t.all[cause]
        let defends = q.isProbe && probedNames(q.message!).contains { n in m.answers.contains { $0.name == n } }
        return Event(kind: defends ? .defence : .answer, packet: i, cause: cause)
    }

    static func answers(_ m: Message, _ q: Packet) -> Bool {
        q.message!.questions.contains { qq in m.answers.contains { qq.isAnswered(by: $0) } }
    }

    /// True when the device already answered query `j` before packet `i`: a query is answered once,
    /// so a later response (an announcement's repeat) is not its answer.
    static func answeredBefore(_ j: Int, _ i: Int, _ t: Timeline) -> Bool {
        let q = t.all[j]
        return t.device.packets.contains { k in
            guard k > j, k < i, t.all[k].isResponse, let m = t.all[k].message else { return false }
            return (t.all[k].isMulticast || t.all[k].destination == q.source) && answers(m, q)
        }
    }

    /// RFC 6762 §8.3: the first multicast response after a completed probe series, carrying the
    /// probed name, is its announcement, even when a query asked for one of its records while the
    /// device was still probing (it could not answer with records it had not yet verified).
    static func announcesProbed(_ i: Int, askedAt asked: Int64, _ t: Timeline) -> Bool {
        let p = t.all[i], m = p.message!
        return t.series.contains { s in
            guard s.end == .completed, t.all[s.probes[0]].samePath(p), m.answers.contains(where: { $0.name == s.name }) else { return false }
            let last = s.probes.last!
            guard last < i, asked < t.all[last].time + Window.probeListen else { return false }
            return !t.device.packets.contains { j in
                j > last && j < i && t.all[j].isResponse && t.all[j].isMulticast && t.all[j].samePath(p)
                    && t.all[j].message!.answers.contains { $0.name == s.name }
            }
        }
    }

    /// The latest query of another host, on the same link and address family, that the response answers.
    static func query(answeredBy i: Int, _ t: Timeline) -> Int? {
        let p = t.all[i], m = p.message!
        var j = i - 1
        while j >= 0, p.time - t.all[j].time <= Window.reply {
            let q = t.all[j]
            if q.isQuery, !t.isMine(j), q.samePath(p), p.isMulticast || q.source == p.destination,
               answers(m, q), !answeredBefore(j, i, t) { return j }
            j -= 1
        }
        return nil
    }
}
