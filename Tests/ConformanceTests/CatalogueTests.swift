import Foundation
import MDNSConformance
import MDNSCore
import Testing

@Suite("Conformance catalogue and reports")
struct CatalogueTests {
    @Test("case ids are unique and every case names its section and catalogue entries")
    func ids() {
        let all = ResponderCatalogue.all
        #expect(Set(all.map(\.id)).count == all.count)
        #expect(all.allSatisfy { ($0.section.hasPrefix("RFC ")) && !$0.catalogue.isEmpty && !$0.title.isEmpty })
        #expect(all.count >= 70)
    }

    @Test("every BCT responder area of CONFORMANCE.md part B has a case")
    func bctAreas() {
        let entries = ResponderCatalogue.all.flatMap(\.catalogue).joined(separator: "\n")
        for area in ["PROBING", "SIMULTANEOUS PROBE CONFLICT", "WINNING SIMULTANEOUS PROBES", "RATE LIMITING", "SUBSEQUENT CONFLICT",
                     "SIMPLE REPLY RESPONSE TIME", "SHARED REPLY TIMING", "UNIFORM RANDOM REPLY TIME DISTRIBUTION", "DUPLICATE SUPPRESSION",
                     "DISTRIBUTED DUPLICATE SUPPRESSION", "MULTIPLE QUESTIONS", "REPLY AGGREGATION", "MANUAL NAME CHANGE", "HOT-PLUGGING",
                     "NO DUPLICATE RECORDS IN PACKETS", "REQUIRED ADDITIONAL RECORDS", "LEGAL CHARACTERS IN ADDRESS RECORD NAMES",
                     "CACHE FLUSH BIT SET IN NON-SHARED RESPONSES", "CACHE FLUSH BIT NOT SET IN PROPOSED ANSWER OF PROBES",
                     "CACHE FLUSH BIT NOT SET IN UNICAST RESPONSE", "UNICAST INTEROPERABILITY", "CHATTINESS", "IP TTL"] {
            #expect(entries.contains(area), "no case for \(area)")
        }
    }

    @Test("selection by id prefix, section and catalogue entry")
    func select() {
        let all = ResponderCatalogue.all
        #expect(ConformanceRunner.select(all, pattern: "rfc6762-8.2*").count == 7)
        #expect(ConformanceRunner.select(all, pattern: "A34").map(\.id)
            == ["rfc6762-8.1-probe-timing", "rfc6762-8.1-probe-start-delay", "rfc6762-8.1-probe-before-announce"])
        #expect(ConformanceRunner.select(all, pattern: nil).count == all.count)
    }

    @Test("a target without a capability gets unsupported, not n/a and not a failure")
    func unsupported() {
        let r = Support.run("rfc6762-11-ip-ttl")
        #expect(r.verdict == .unsupported)
        #expect(r.summary == "target lacks ipHeaders")
    }

    @Test("every case cites the sentence it checks, at its RFC 2119 level")
    func levels() {
        for c in ConformanceCatalogue.all {
            #expect(c.citation.count >= 40, "\(c.id): no citation")
            switch c.level {
            case .must: #expect(c.citation.contains("MUST"), "\(c.id): a must case cites no MUST")
            case .should: #expect(c.citation.contains("SHOULD") || c.citation.contains("RECOMMENDED"), "\(c.id): a should case cites no SHOULD")
            case .info: break
            }
        }
    }

    @Test("a broken MUST fails, a broken SHOULD or info rule warns; other verdicts stand")
    func verdictFollowsLevel() {
        #expect(RequirementLevel.must.judge(.fail) == .fail)
        #expect(RequirementLevel.should.judge(.fail) == .warn)
        #expect(RequirementLevel.info.judge(.fail) == .warn)
        for l in RequirementLevel.allCases {
            for v in [Verdict.pass, .warn, .notApplicable, .unsupported] { #expect(l.judge(v) == v) }
        }
        var f = Faults()
        f.skipProbing = true
        #expect(Support.run("rfc6762-8.1-probe-before-announce", faults: f).verdict == .fail)
        #expect(Support.run("rfc6762-8.1-probe-qu", faults: f).verdict == .warn)
        #expect(Support.run("rfc6762-8.1-probe-timing", faults: f).verdict == .warn)
    }

    @Test("every mutant of Scripts/mutants.tsv names an existing case of its own level and a rule of MDNSCore")
    func mutantList() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("Scripts/mutants.tsv"), encoding: .utf8)
        let levels = Dictionary(uniqueKeysWithValues: ConformanceCatalogue.all.map { ($0.id, $0.level.rawValue) })
        var ids = Set<String>()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            #expect(f.count == 9, "\(line)")
            guard f.count == 9 else { continue }
            #expect(ids.insert(f[0]).inserted, "duplicate mutant \(f[0])")
            #expect(levels[f[2]] == f[1], "\(f[0]): case \(f[2]) is \(levels[f[2]] ?? "missing"), the mutant says \(f[1])")
            let file = root.appendingPathComponent("Sources/MDNSCore/" + f[3])
            let source = try String(contentsOf: file, encoding: .utf8)
            let original = f[4].replacingOccurrences(of: "\\n", with: "\n")
            #expect(source.components(separatedBy: original).count == 2, "\(f[0]): original text not found once in \(f[3])")
        }
        #expect(ids.count >= 40)
    }

    @Test("results are the same for the same seed")
    func deterministic() {
        let a = Support.run("rfc6762-6-shared-reply-time", seed: 9), b = Support.run("rfc6762-6-shared-reply-time", seed: 9)
        #expect(a.summary == b.summary && a.evidence == b.evidence)
    }

    @Test("reports: counts by section, JSON and JUnit")
    func reports() {
        let rs = [Support.run("rfc6762-8.1-probe-timing"), Support.run("rfc6762-11-ip-ttl"),
                  Support.run("rfc6762-8.1-probe-before-announce", faults: { var f = Faults(); f.skipProbing = true; return f }())]
        let counts = ConformanceReport.countsBySection(rs.map { ($0.section, $0.id) })
        #expect(counts.map(\.section) == ["RFC 6762 §8.1", "RFC 6762 §11"])
        #expect(counts.map(\.count) == [2, 1])
        let target = ResultsTarget(id: "e", name: "t", roles: ["responder", "querier"], addresses: ["169.254.1.1"], hostNames: [], packets: 0, timeline: [])
        let json = ConformanceReport.results(rs, kind: .engine, target: target, seed: 1, runSeconds: 0.25).text
        #expect(json.hasPrefix("{\"schema\":\"mdns-results/1\",\"kind\":\"engine\",\"source\":\"t\",\"seed\":1,\"runSeconds\":0.25,\"totals\":{\"cases\":3,\"pass\":1,\"warn\":0,\"fail\":1,\"notApplicable\":0,\"unsupported\":1}"))
        #expect(json.contains("\"targets\":[{\"id\":\"e\",\"name\":\"t\",\"roles\":[\"responder\",\"querier\"],\"addresses\":[\"169.254.1.1\"]"))
        #expect(json.contains("\"level\":\"must\""))
        #expect(json.contains("\"cases\":[{\"target\":\"e\",\"id\":\"rfc6762-8.1-probe-timing\""))
        // The failing case carries its frames as evidence; the passing one only marks, without frames.
        #expect(json.contains("{\"t\":0.117885,\"kind\":\"probe\",\"frame\":null,\"name\":\"bct-host.local.\",\"case\":\"rfc6762-8.1-probe-timing\"}"))
        #expect(json.contains("\"frames\":[{\"index\":0,\"t\":"))
        let xml = ConformanceReport.junit(rs, target: "t", wallSeconds: 1)
        #expect(xml.contains("<testsuites name=\"mdns conform\" tests=\"3\" failures=\"1\""))
        #expect(xml.contains("<skipped message=\"target lacks ipHeaders\"/>"))
        let text = ConformanceReport.text(rs, target: "t", seed: 1, verbose: false)
        #expect(text.contains("3 cases: 1 pass, 0 warn, 1 fail, 0 n/a, 1 unsupported"))
    }
}
