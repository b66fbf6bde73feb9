import Foundation
import Testing

/// Rows of a tab-separated file with `#` comments.
private func tsvRows(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { line in
        line.hasPrefix("#") || line.isEmpty ? nil : line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0) }
    }
}

@Suite("Captures/real: every recording has provenance, goldens and well-formed hand labels")
struct RealCaptureFilesTests {
    static let real = Paths.captures + "/real"

    static func recordings() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: real)) ?? []
        return files.filter { $0.hasSuffix(".pcap") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The rule ids and their levels (must, should, info).
    static func rules() throws -> [String: String] {
        var levels: [String: String] = [:]
        for r in try tsvRows(real + "/RULES.tsv") where r.count == 4 { levels[r[0]] = r[2] }
        return levels
    }

    @Test func thereAreAtLeastTwelveRecordingsOfFourImplementations() throws {
        let rows = try tsvRows(Self.real + "/manifest.tsv")
        #expect(Self.recordings().count >= 12)
        #expect(Set(rows.map { $0[2] }).isSuperset(of: ["avahi", "zeroconf", "micropython-mdns", "systemd-resolved"]))
    }

    @Test(arguments: recordings())
    func provenanceAndGoldens(_ name: String) throws {
        let manifest = try tsvRows(Self.real + "/manifest.tsv")
        let line = try #require(manifest.first { $0[0] == name }, "\(name) has no line in real/manifest.tsv")
        // name, file, implementation, version, scenario, command, date
        #expect(line.count == 7 && line[1] == name + ".pcap" && line.allSatisfy { !$0.isEmpty })
        let goldens = try tsvRows(Paths.captures + "/manifest.tsv").filter { $0.count == 5 && $0[1] == "real/\(name).pcap" }
        #expect(Set(goldens.map { $0[2] }) == ["transcript", "summary"], "\(name) needs a transcript and a summary golden")
    }

    /// Each row: device, a rule of RULES.tsv, pass/warn/fail at the rule's level, and the RFC section.
    @Test(arguments: recordings())
    func labelsAreWellFormed(_ name: String) throws {
        let levels = try Self.rules()
        let rows = try tsvRows(Self.real + "/\(name).expected.tsv")
        #expect(!rows.isEmpty, "\(name) has no labels")
        var seen = Set<String>()
        for r in rows {
            try #require(r.count == 4, "\(name): \(r) is not device, rule, verdict, why")
            let level = try #require(levels[r[1]], "\(name): unknown rule \(r[1])")
            #expect(["pass", "warn", "fail"].contains(r[2]), "\(name): verdict \(r[2])")
            // MUST -> fail, SHOULD or no keyword -> warn
            if r[2] == "fail" { #expect(level == "must", "\(name): \(r[1]) is \(level), not a MUST") }
            if r[2] == "warn" { #expect(level != "must", "\(name): \(r[1]) is a MUST, so fail") }
            #expect(r[3].contains("§"), "\(name): \(r[0]) \(r[1]) cites no section")
            #expect(seen.insert(r[0] + " " + r[1]).inserted, "\(name): \(r[0]) \(r[1]) labelled twice")
        }
    }
}
