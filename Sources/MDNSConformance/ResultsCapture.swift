import DNSWire
import MDNSCore
import PCAP

extension TimelineMark.Kind {
    init(_ k: CaptureConformance.Event.Kind) {
        switch k {
        case .probe: self = .probe
        case .query: self = .query
        case .legacyQuery: self = .legacyQuery
        case .announcement: self = .announcement
        case .answer: self = .answer
        case .defence: self = .defence
        case .goodbye: self = .goodbye
        case .unicastReply: self = .unicastReply
        case .legacyReply: self = .legacyReply
        }
    }
}

extension ResultsFrame {
    /// A datagram of a capture (or of a case, as one), `offset` seconds added to its time.
    init(_ p: CaptureConformance.Packet, index: Int, number: Int?, offset: Double = 0) {
        let dst = CaptureConformance.endpoint(p.destination, p.destinationPort)
        self.init(index: index, number: number, t: offset + Results.seconds(nanoseconds: p.time),
                  source: CaptureConformance.endpoint(p.source, p.sourcePort), destination: dst, message: p.message)
    }
}

extension CaptureConformance {
    /// The results document of a judged capture: a target per device, its packets classified as
    /// its timeline, a case per rule and device. Every packet is some device's mark, so the
    /// frames are the capture's packets in order (frame index = packet index).
    public static func results(_ r: Report, runSeconds: Double) -> ResultsDocument {
        var byNumber: [Int: Int] = [:]
        for (i, p) in r.packets.enumerated() where byNumber[p.frame] == nil { byNumber[p.frame] = i }
        var targets: [ResultsTarget] = []
        var cases: [ResultsCase] = []
        for (k, d) in r.devices.enumerated() {
            let id = "d\(k + 1)"
            let timeline = marks(d.events, d.series, r.packets, caseID: nil, offset: 0) { $0 }
            targets.append(ResultsTarget(id: id, name: d.name, roles: d.roles.map(\.rawValue), addresses: d.addresses.map { "\($0)" },
                                         hostNames: d.identity.hostNames.map { "\($0)" }, packets: d.packets, timeline: timeline))
            cases += d.findings.map { f in ResultsCase(target: id, CaseResult(capture: f), evidence: f.frames.compactMap { byNumber[$0] }) }
        }
        let frames = r.packets.enumerated().map { ResultsFrame($0.element, index: $0.offset, number: $0.element.frame) }
        let counters: [(String, JSONValue)] = [
            ("datagrams", .int(r.datagrams)), ("undecodable", .int(r.undecodable)), ("ignored", .int(r.ignored)),
            ("duplicates", .int(r.duplicates)), ("error", r.fileError.map { .string("\($0)") } ?? .null),
        ]
        return ResultsDocument(kind: .capture, source: r.file, runSeconds: runSeconds, targets: targets, cases: cases,
                               frames: frames, capture: counters)
    }

    /// A device's timeline: each classified packet, and for each probe series that met a conflict
    /// or lost a tiebreak the conflict and the rename that followed (RFC 6762 §9), in time order.
    /// `frame(i)` is the frame index of packet `i`, nil when the frame is left out.
    public static func marks(_ events: [Event], _ series: [ProbeSeries], _ all: [Packet], caseID: String?, offset: Double,
                             frame: (Int) -> Int?) -> [TimelineMark] {
        func t(_ i: Int) -> Double { offset + Results.seconds(nanoseconds: all[i].time) }
        var out = events.map { e in
            TimelineMark(t: t(e.packet), kind: .init(e.kind), frame: frame(e.packet), name: markName(all[e.packet]), caseID: caseID,
                         cause: e.cause.flatMap(frame))
        }
        for (k, s) in series.enumerated() {
            let other: Int
            switch s.end {
            case .conflict(let j), .lostTiebreak(let j): other = j
            case .completed, .cut, .short: continue
            }
            // A dual-stack host probes on each family: one conflict (and rename) per name and packet.
            guard !out.contains(where: { $0.kind == .conflict && $0.t == t(other) && $0.name == "\(s.name)" }) else { continue }
            out.append(TimelineMark(t: t(other), kind: .conflict, frame: frame(other), name: "\(s.name)", caseID: caseID,
                                    cause: frame(s.probes.last!)))
            // RFC 6762 §9: the next series for another name under the same parent is the new name.
            if let next = series[(k + 1)...].first(where: { $0.name != s.name && $0.name.parent == s.name.parent && $0.probes[0] > other }) {
                out.append(TimelineMark(t: t(next.probes[0]), kind: .rename, frame: frame(next.probes[0]), name: "\(next.name)",
                                        caseID: caseID, cause: frame(other)))
            }
        }
        return TimelineMark.inTimeOrder(out)
    }

    /// What a mark is about: a response's first answer, a query's first question.
    static func markName(_ p: Packet) -> String? {
        guard let m = p.message else { return nil }
        return (m.header.isResponse ? m.answers.first?.name : m.questions.first?.name).map { "\($0)" }
    }
}
