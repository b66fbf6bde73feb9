import DNSWire
import MDNSConformance
import MDNSCore
import Testing

@Suite("Results document mdns-results/1")
struct ResultsTests {
    static let conflictCapture = CapturePaths.packageRoot + "/Captures/real/avahi-host-conflict.pcap"

    @Test("a capture: a target per device, its packets as timeline marks, the conflict and the rename, evidence as frame indices")
    func capture() {
        let r = CaptureConformance.run(path: Self.conflictCapture)
        let doc = CaptureConformance.results(r, runSeconds: 0.5)
        #expect(doc.kind == .capture && doc.targets.count == r.devices.count)
        #expect(doc.frames.count == r.packets.count)
        #expect(doc.frames.enumerated().allSatisfy { $0.offset == $0.element.index && $0.element.number == r.packets[$0.offset].frame })
        #expect(doc.targets.map(\.name) == ["avahi-a.local.", "avahi-a-2.local."])
        for (t, d) in zip(doc.targets, r.devices) {
            #expect(t.timeline.filter { $0.kind != .conflict && $0.kind != .rename }.count == d.packets)
            #expect(zip(t.timeline, t.timeline.dropFirst()).allSatisfy { $0.t <= $1.t })
        }
        #expect(!doc.targets[0].timeline.contains { $0.kind == .conflict })
        // RFC 6762 §9: the second daemon loses avahi-a.local. to the first and probes avahi-a-2.local.
        let avahi = doc.targets[1]
        let conflict = avahi.timeline.filter { $0.kind == .conflict }, rename = avahi.timeline.filter { $0.kind == .rename }
        #expect(conflict.map(\.name) == ["avahi-a.local."])
        #expect(rename.map(\.name) == ["avahi-a-2.local."])
        #expect(rename.first?.cause == conflict.first?.frame && rename[0].t > conflict[0].t)
        for (c, f) in zip(doc.cases, r.devices.flatMap(\.findings)) {
            #expect(c.evidence.map { doc.frames[$0].number! } == f.frames, "\(c.id)")
        }
    }

    @Test("an engine run: marks tagged with their case on one time axis; frames only for the cases that did not pass")
    func engine() {
        let rs = [Support.run("rfc6762-8.1-probe-timing"),
                  Support.run("rfc6762-8.1-probe-before-announce", faults: { var f = Faults(); f.skipProbing = true; return f }())]
        let target = ResultsTarget(id: "e", name: "engine", roles: [], addresses: [], hostNames: [], packets: 0, timeline: [])
        let doc = ConformanceReport.results(rs, kind: .engine, target: target, seed: 1, runSeconds: 1)
        let marks = doc.targets[0].timeline
        #expect(Set(marks.compactMap(\.caseID)) == Set(rs.map(\.id)))
        #expect(marks.filter { $0.caseID == rs[0].id }.allSatisfy { $0.frame == nil })
        let failing = marks.filter { $0.caseID == rs[1].id }
        #expect(!failing.isEmpty && failing.allSatisfy { $0.frame != nil })
        // The second case starts where the first ended.
        #expect(failing.map(\.t).min()! >= marks.filter { $0.caseID == rs[0].id }.map(\.t).max()!)
        #expect(doc.frames.count == rs[1].traffic!.packets.count)
        #expect(doc.frames.enumerated().allSatisfy { $0.offset == $0.element.index })
        #expect(doc.cases[0].evidence.isEmpty && !doc.cases[1].evidence.isEmpty)
        #expect(failing.contains { $0.kind == .sent } == rs[1].traffic!.fromTarget.contains(false))
        #expect(doc.targets[0].packets == rs.map { $0.traffic!.fromTarget.filter { $0 }.count }.reduce(0, +))
    }

    @Test("a case keeps at most maxPackets packets of its traffic, and the ones it cited")
    func trafficLimit() {
        let r = Support.run("robust-generated-batches")
        let t = r.traffic!
        #expect(t.packets.count >= CaseTraffic.maxPackets && t.packets.count <= CaseTraffic.maxPackets + t.cited.count)
        #expect(zip(t.packets, t.packets.dropFirst()).allSatisfy { $0.time <= $1.time })
        #expect(t.cited.allSatisfy { t.fromTarget[$0] })
    }

    @Test("frames: records as presentation text, the cache-flush bit named, undecodable bytes as kind undecodable")
    func frames() {
        let m = Message(header: .response, answers: [ResourceRecord(name: try! DNSName(labels: ["h", "local"]), cacheFlush: true, ttl: 120,
                                                                    rdata: .a(IPv4Address(10, 0, 0, 1)))])
        let f = ResultsFrame(index: 0, t: 0.25, source: "10.0.0.1:5353", destination: "224.0.0.251:5353", message: m)
        let doc = ResultsDocument(kind: .capture, source: "x", runSeconds: 0, targets: [], cases: [],
                                  frames: [f, ResultsFrame(index: 1, t: 0.5, source: "a", destination: "b", message: nil)])
        let text = doc.text
        #expect(text.contains("\"kind\":\"response\",\"id\":0,\"flags\":\"qr aa\",\"questions\":[],\"answers\":[\"h.local. 120 IN A 10.0.0.1 cache-flush\"]"))
        #expect(text.contains("\"kind\":\"undecodable\""))
        #expect(text.contains("\"error\":\"does not decode as a DNS message\""))
    }
}
