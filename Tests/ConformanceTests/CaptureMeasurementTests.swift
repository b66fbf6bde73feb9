import MDNSConformance
import Testing

/// Precision and recall of the capture verdicts against hand labels: Captures/real/*.expected.tsv
/// (beside each recording) and ThirdPartyLabels.tsv (for ../shared/captures/third-party).
@Suite("Capture verdicts measured against hand labels")
struct CaptureMeasurementTests {
    /// RFC-judged targets of the capture rules.
    static let minPrecision = 0.95
    static let minRecall = 0.90

    struct Label { var file: String; var implementation: String; var device: String; var rule: String; var verdict: String }

    /// A labelled recording: its path, its implementation, its labels, and (for recordings of
    /// several implementations) each device's implementation.
    struct Labelled {
        var path: String; var implementation: String; var labels: [Label]
        var devices: [String: String] = [:]
        func implementation(of d: CaptureConformance.Device) -> String {
            devices.first { d.matches($0.key) }?.value ?? implementation
        }
    }

    static func real() -> [Labelled] {
        let dir = CapturePaths.packageRoot + "/Captures/real"
        let implementations = manifest(dir + "/manifest.tsv")
        return FileManagerLite.files(under: dir, suffix: ".expected.tsv").compactMap { f in
            let name = String(f.split(separator: "/").last!.dropLast(".expected.tsv".count))
            guard let capture = [".pcap", ".pcapng"].map({ dir + "/" + name + $0 }).first(where: FileManagerLite.isFile) else { return nil }
            let impl = implementations[name] ?? String(name.split(separator: "-").first ?? Substring(name))
            let devices = Labels.implementations(f)
            let labels = Labels.rows(f).filter { $0.count >= 3 }.map {
                Label(file: name, implementation: devices[$0[0]] ?? impl, device: $0[0], rule: $0[1], verdict: $0[2])
            }
            return Labelled(path: capture, implementation: impl, labels: labels, devices: devices)
        }
    }

    /// name → implementation, from a manifest with a header naming the columns.
    static func manifest(_ path: String) -> [String: String] {
        let rows = Labels.rows(path, keepHeader: true)
        guard let header = rows.first else { return [:] }
        let name = header.firstIndex { ["name", "#name", "# name", "file", "capture"].contains($0.lowercased()) } ?? 0
        guard let impl = header.firstIndex(where: { $0.lowercased().hasPrefix("impl") }) else { return [:] }
        var out: [String: String] = [:]
        for r in rows.dropFirst() where r.count > max(name, impl) {
            let n = r[name].split(separator: "/").last.map(String.init) ?? r[name]
            out[n.replacingSuffix(".pcapng").replacingSuffix(".pcap")] = r[impl]
        }
        return out
    }

    static func thirdParty() -> [Labelled] {
        guard FileManagerLite.exists(CapturePaths.thirdParty) else { return [] }
        var byFile: [String: [Label]] = [:]
        var order: [String] = []
        for r in Labels.rows(CapturePaths.packageRoot + "/Tests/ConformanceTests/ThirdPartyLabels.tsv") where r.count >= 4 {
            if byFile[r[0]] == nil { order.append(r[0]) }
            let impl = String(r[0].split(separator: "/").first!)
            byFile[r[0], default: []].append(Label(file: r[0], implementation: "third-party/" + impl, device: r[1], rule: r[2], verdict: r[3]))
        }
        return order.map { Labelled(path: CapturePaths.thirdParty + "/" + $0, implementation: byFile[$0]![0].implementation, labels: byFile[$0]!) }
    }

    struct Score {
        var reported = 0, reportedMatched = 0, labelled = 0, labelledFound = 0
        var precision: Double { reported == 0 ? 1 : Double(reportedMatched) / Double(reported) }
        var recall: Double { labelled == 0 ? 1 : Double(labelledFound) / Double(labelled) }
        mutating func add(_ o: Score) { reported += o.reported; reportedMatched += o.reportedMatched; labelled += o.labelled; labelledFound += o.labelledFound }
        var text: String {
            "precision \(percent(precision)) (\(reportedMatched)/\(reported)), recall \(percent(recall)) (\(labelledFound)/\(labelled))"
        }
        func percent(_ v: Double) -> String { "\(Int((v * 1000).rounded()) / 10).\(Int((v * 1000).rounded()) % 10) %" }
    }

    static func isFinding(_ v: String) -> Bool { v == "fail" || v == "warn" }

    /// Scores one recording per implementation; `misses` gets a line per false alarm and per missed label.
    static func score(_ l: Labelled, misses: inout [String]) -> [String: Score] {
        let r = CaptureConformance.run(path: l.path)
        var s: [String: Score] = [:]
        let wanted = l.labels.filter { isFinding($0.verdict) }
        for d in r.devices {
            for f in d.findings where f.verdict == .fail || f.verdict == .warn {
                s[l.implementation(of: d), default: Score()].reported += 1
                if wanted.contains(where: { d.matches($0.device) && $0.rule == f.id }) { s[l.implementation(of: d), default: Score()].reportedMatched += 1 }
                else { misses.append("false alarm \(l.labels[0].file) \(d.name) \(f.id) \(f.verdict.rawValue): \(f.summary)") }
            }
        }
        for w in wanted {
            s[w.implementation, default: Score()].labelled += 1
            let found = r.devices.contains { d in d.matches(w.device) && d.findings.contains { $0.id == w.rule && ($0.verdict == .fail || $0.verdict == .warn) } }
            if found { s[w.implementation, default: Score()].labelledFound += 1 } else { misses.append("missed \(w.file) \(w.device) \(w.rule) \(w.verdict)") }
        }
        return s
    }

    @Test("precision ≥ 95 % and recall ≥ 90 % on every labelled recording, per implementation and overall")
    func measure() {
        let all = Self.real() + Self.thirdParty()
        guard !all.isEmpty else {
            print("capture measurement: no labelled recordings (Captures/real/*.expected.tsv, ../shared/captures/third-party absent)")
            return
        }
        var byImpl: [String: Score] = [:], total = Score()
        var misses: [String] = []
        for l in all {
            for (impl, s) in Self.score(l, misses: &misses) {
                byImpl[impl, default: Score()].add(s)
                total.add(s)
            }
        }
        for (impl, s) in byImpl.sorted(by: { $0.key < $1.key }) { print("capture measurement: \(impl): \(s.text)") }
        print("capture measurement: overall (\(all.count) recordings): \(total.text)")
        for m in misses { print("capture measurement: \(m)") }
        #expect(total.precision >= Self.minPrecision, "precision \(total.text)")
        #expect(total.recall >= Self.minRecall, "recall \(total.text)")
    }

    @Test("the scoring counts a false alarm and a miss")
    func scoring() {
        let f = CapturePaths.packageRoot + "/Captures/probe-announce.pcap"
        var misses: [String] = []
        let l = Labelled(path: f, implementation: "x", labels: [Label(file: "p", implementation: "x", device: "printer.local", rule: "record-ttl", verdict: "warn")])
        let s = Self.score(l, misses: &misses)["x"] ?? Score()
        #expect(s.reported == 0 && s.labelled == 1 && s.labelledFound == 0)
        #expect(s.recall == 0 && s.precision == 1)
        #expect(misses == ["missed p printer.local record-ttl warn"])
    }
}

extension String {
    func replacingSuffix(_ s: String) -> String { hasSuffix(s) ? String(dropLast(s.count)) : self }
}
