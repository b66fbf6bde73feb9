import DNSWire
import MDNSCore
import PCAP

/// What a case put on the link and what the target sent, for the results' frames and timeline.
public struct CaseTraffic: Sendable {
    /// The case's start on the target's clock.
    public var start: Instant
    /// Both sides' packets in time order: the first `maxPackets`, and every cited one after them.
    public var packets: [ObservedPacket]
    /// Per packet: true when the target sent it, false when the tester delivered it.
    public var fromTarget: [Bool]
    /// Indices into `packets` of the packets the case cited.
    public var cited: [Int]

    /// Packets kept per case: a case's timeline stays readable and a flood case's JSON small.
    public static let maxPackets = 300

    public init(start: Instant, sent: [ObservedPacket], delivered: [ObservedPacket], cited marked: [ObservedPacket]) {
        self.start = start
        var merged: [(ObservedPacket, Bool)] = []
        var (i, j) = (0, 0)
        // A delivered packet comes first on a tie: the target cannot answer before it arrives.
        while i < sent.count || j < delivered.count {
            if j < delivered.count && (i == sent.count || delivered[j].time <= sent[i].time) {
                var p = delivered[j]
                p.message = try? Message(decoding: p.bytes)
                merged.append((p, false)); j += 1
            } else {
                merged.append((sent[i], true)); i += 1
            }
        }
        func isCited(_ p: ObservedPacket) -> Bool { marked.contains { $0.time == p.time && $0.bytes == p.bytes } }
        let kept = merged.enumerated().filter { $0.offset < Self.maxPackets || ($0.element.1 && isCited($0.element.0)) }.map(\.element)
        let (ps, mine) = (kept.map(\.0), kept.map(\.1))
        packets = ps
        fromTarget = mine
        cited = ps.indices.filter { mine[$0] && isCited(ps[$0]) }
    }
}

extension PCAP.IPAddress {
    /// RFC 6762 §3: the mDNS groups.
    static let mdnsGroup4 = PCAP.IPAddress.v4(0xE000_00FB)
    static let mdnsGroup6 = PCAP.IPAddress.v6(0xFF02_0000_0000_0000, 0xFB)

    public init(_ a: MDNSCore.IPAddress) {
        switch a {
        case .v4(let v): self = .v4(v.value)
        case .v6(let v): self = .v6(v.high, v.low)
        }
    }
}

extension CaptureConformance.Packet {
    /// A case's packet as a capture would have it: time from the case's start, frame number its position.
    init(_ p: ObservedPacket, frame: Int, start: Instant) {
        let src = PCAP.IPAddress(p.source.address)
        let (dst, port): (PCAP.IPAddress, UInt16)
        switch p.destination {
        case .multicast: (dst, port) = (src.isIPv6 ? .mdnsGroup6 : .mdnsGroup4, mdnsPort)
        case .unicast(let a): (dst, port) = (PCAP.IPAddress(a.address), a.port)
        }
        self.init(frame: frame, time: (p.time - start).nanoseconds, interface: p.link, source: src, sourcePort: p.source.port,
                  destination: dst, destinationPort: port, hopLimit: p.hopLimit ?? 255, message: p.message)
    }
}

extension ConformanceReport {
    /// The results document of cases run against one target (the engine, or a live one). Cases
    /// are laid end to end on one time axis, in run order; the target's timeline holds every
    /// case's classified packets and the tester's, tagged with the case. Frames are kept for
    /// the cases that did not pass only, so a whole run stays small.
    public static func results(_ rs: [CaseResult], kind: ResultsDocument.Kind, target: ResultsTarget, seed: UInt64?,
                               runSeconds: Double) -> ResultsDocument {
        var t = target
        var frames: [ResultsFrame] = []
        var cases: [ResultsCase] = []
        var offset = 0.0
        for r in rs {
            var evidence: [Int] = []
            var span = r.targetTime.seconds
            if let tr = r.traffic {
                let ps = tr.packets.enumerated().map { CaptureConformance.Packet($0.element, frame: $0.offset + 1, start: tr.start) }
                let keep = r.verdict != .pass
                let base = frames.count
                if keep { frames += ps.enumerated().map { ResultsFrame($0.element, index: base + $0.offset, number: nil, offset: offset) } }
                t.timeline += caseMarks(r.id, tr, ps, offset: offset) { keep ? base + $0 : nil }
                if keep { evidence = (tr.cited.isEmpty ? Array(ps.indices) : tr.cited).map { base + $0 } }
                span = max(span, ps.last.map { Results.seconds(nanoseconds: $0.time) } ?? 0)
            }
            cases.append(ResultsCase(target: t.id, r, evidence: evidence))
            offset += span
        }
        t.packets = rs.reduce(0) { $0 + ($1.traffic?.fromTarget.filter { $0 }.count ?? 0) }
        return ResultsDocument(kind: kind, source: target.name, seed: seed, runSeconds: runSeconds, targets: [t], cases: cases, frames: frames)
    }

    /// One case's marks: the target's packets classified as on a capture, the tester's as `sent`.
    static func caseMarks(_ id: String, _ tr: CaseTraffic, _ ps: [CaptureConformance.Packet], offset: Double,
                          frame: (Int) -> Int?) -> [TimelineMark] {
        let d = CaptureConformance.DeviceIdentity(packets: ps.indices.filter { tr.fromTarget[$0] })
        let tl = CaptureConformance.timeline(d, in: ps)
        let sent = ps.indices.filter { !tr.fromTarget[$0] }.map { i in
            TimelineMark(t: offset + Results.seconds(nanoseconds: ps[i].time), kind: .sent, frame: frame(i),
                         name: CaptureConformance.markName(ps[i]), caseID: id)
        }
        let marks = CaptureConformance.marks(tl.events, tl.series, ps, caseID: id, offset: offset, frame: frame) + sent
        return TimelineMark.inTimeOrder(marks)
    }
}
