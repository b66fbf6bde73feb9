import MDNSCore

extension CaptureConformance {
    /// Characters of a finding's summary on its text line (JSON has it whole).
    public static let maxSummary = 160

    /// A concise report: a line per device, a line per fail or warn (every finding with -v,
    /// each with the frames that decided it).
    public static func text(_ r: Report, verbose: Bool) -> String {
        var s = "== \(r.file): \(r.datagrams) mDNS datagrams"
        if r.undecodable > 0 { s += ", \(r.undecodable) undecodable" }
        if r.duplicates > 0 { s += ", \(r.duplicates) captured twice" }
        if r.ignored > 0 { s += ", \(r.ignored) loopback DNS datagrams ignored" }
        s += ", \(r.devices.count) device(s)\n"
        if let e = r.fileError { s += "   capture error: \(e)\n" }
        for d in r.devices {
            let t = ConformanceReport.tally(d.findings.map { CaseResult(capture: $0) })
            s += "-- \(d.name) [\(d.addresses.map { "\($0)" }.joined(separator: ", "))] \(d.roles.map(\.rawValue).joined(separator: ", ")): "
            s += "\(d.packets) packets; \(t[.fail, default: 0]) fail, \(t[.warn, default: 0]) warn, \(t[.pass, default: 0]) pass, \(t[.notApplicable, default: 0]) n/a\n"
            for f in d.findings where verbose || f.verdict == .fail || f.verdict == .warn {
                let summary = f.summary.count > maxSummary ? String(f.summary.prefix(maxSummary - 1)) + "…" : f.summary
                s += "   \(f.verdict.rawValue.uppercased().padding(5)) \(f.id.padding(30)) \(f.section.padding(15)) \(f.level.rawValue.padding(6)) \(summary)\n"
                if verbose { for e in f.evidence { s += "         \(e)\n" } }
            }
        }
        return s
    }

    /// Results of one device in the common schema (ConformanceReport).
    public static func results(_ d: Device) -> ConformanceReport.DeviceResults {
        ConformanceReport.DeviceResults(name: d.name, addresses: d.addresses.map { "\($0)" }, hostNames: d.identity.hostNames.map { "\($0)" },
                                        roles: d.roles.map(\.rawValue), packets: d.packets, cases: d.findings.map { CaseResult(capture: $0) })
    }
}

extension CaseResult {
    init(capture f: CaptureConformance.Finding) {
        self.init(id: f.id, section: f.section, title: "", catalogue: [], level: f.level, citation: f.citation, verdict: f.verdict,
                  summary: f.summary, evidence: f.evidence, targetTime: .zero, frames: f.frames)
    }
}
