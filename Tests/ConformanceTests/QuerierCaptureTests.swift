import MDNSConformance
import MDNSCore
import Testing

enum CapturePaths {
    static let packageRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()
    static let thirdParty = packageRoot + "/../shared/captures/third-party"
}

@Suite("Captures as conformance targets: devices, timelines, the rules of RULES.tsv")
struct QuerierCaptureTests {
    @Test("the project's probe-and-announce capture: the responder probes, announces twice, IP TTL 255")
    func probeAnnounce() {
        let r = CaptureConformance.run(path: CapturePaths.packageRoot + "/Captures/probe-announce.pcap")
        #expect(r.fileError == nil)
        #expect(r.datagrams == 8)
        #expect(r.devices.map(\.name) == ["printer.local.", "10.0.53.3"])
        #expect(r.devices.map(\.roles) == [[.responder], [.querier]])
        let d = r.devices[0]
        func verdict(_ id: String) -> Verdict? { d.findings.first { $0.id == id }?.verdict }
        for id in ["probe-before-announce", "probe-timing", "announce-count", "ip-ttl-255", "aa-bit", "response-id-zero"] {
            #expect(verdict(id) == .pass, "\(id)")
        }
        #expect(verdict("probe-conflict-defers") == .notApplicable)
        #expect(d.worst == .pass)
    }

    @Test("the rules are those of Captures/real/RULES.tsv: same ids, sections and levels, each with its sentence")
    func vocabulary() throws {
        let rows = Labels.rows(CapturePaths.packageRoot + "/Captures/real/RULES.tsv")
        #expect(rows.map { $0[0] } == CaptureConformance.rules.map(\.id))
        for (row, rule) in zip(rows, CaptureConformance.rules) {
            #expect(row[1] == rule.section, "\(rule.id)")
            #expect(row[2] == rule.level.rawValue, "\(rule.id)")
            let keyword = ["MUST", "SHOULD"].first { rule.citation.contains($0) }
            #expect(keyword == (rule.level == .info ? nil : rule.level == .must ? "MUST" : "SHOULD"), "\(rule.id)")
        }
    }

    @Test("every third-party capture is judged without a crash",
          .enabled(if: FileManagerLite.exists(CapturePaths.thirdParty), "../shared/captures/third-party is absent"))
    func thirdParty() {
        let files = FileManagerLite.captures(under: CapturePaths.thirdParty)
        #expect(files.count >= 20)
        for f in files {
            let r = CaptureConformance.run(path: f)
            #expect(r.fileError == nil, "\(f)")
            #expect(!r.devices.isEmpty || r.ignored > 0, "\(f)")
        }
        // nDPI's dnscrypt capture is a DNS stub on loopback port 5353: no mDNS device at all.
        #expect(CaptureConformance.run(path: CapturePaths.thirdParty + "/ndpi/dnscrypt-v2.mdns-only.pcap").ignored == 6)
        // The iMac of nDPI's iPhone capture is one host on three addresses; its IP TTL 1 packets are
        // queries, which RFC 6762 §11 does not judge. The Windows host of the Gnutella capture
        // sends responses with IP TTL 1.
        let iphone = CaptureConformance.run(path: CapturePaths.thirdParty + "/ndpi/iphone.mdns-only.pcap")
        let mac = iphone.devices.first { $0.matches("192.168.2.1") }
        #expect(mac?.addresses.count == 3 && mac?.matches("Lucas-iMac.local") == true)
        #expect(mac?.findings.first { $0.id == "ip-ttl-255" }?.verdict == .pass)
        let windows = CaptureConformance.run(path: CapturePaths.thirdParty + "/ndpi/gnutella.mdns-only.pcap").devices.first
        #expect(windows?.findings.first { $0.id == "ip-ttl-255" }?.verdict == .warn)
    }
}

/// Directory listing without Foundation.
enum FileManagerLite {
    static func exists(_ path: String) -> Bool { opendirOK(path) }

    static func opendirOK(_ path: String) -> Bool {
        guard let d = opendir(path) else { return false }
        closedir(d)
        return true
    }

    static func isFile(_ path: String) -> Bool {
        guard let f = fopen(path, "r") else { return false }
        fclose(f)
        return !opendirOK(path)
    }

    /// Files directly in `dir` whose names end in `suffix`, sorted.
    static func files(under dir: String, suffix: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(suffix) { out.append(dir + "/" + name) }
        }
        return out.sorted()
    }

    static func captures(under root: String) -> [String] {
        var out: [String] = []
        guard let d = opendir(root) else { return [] }
        defer { closedir(d) }
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let p = root + "/" + name
            if name.hasSuffix(".pcap") || name.hasSuffix(".pcapng") { out.append(p) } else if opendirOK(p) { out += captures(under: p) }
        }
        return out.sorted()
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Tab-separated files with `#` comments (RULES.tsv, *.expected.tsv).
enum Labels {
    static func rows(_ path: String, keepHeader: Bool = false) -> [[String]] {
        var out: [[String]] = []
        for s in lines(path) {
            if s.hasPrefix("#") && !(keepHeader && out.isEmpty && s.contains("\t")) || s.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            out.append(s.split(separator: "\t", omittingEmptySubsequences: false).map(String.init))
        }
        return out
    }

    static func lines(_ path: String) -> [String] {
        guard let f = fopen(path, "r") else { return [] }
        defer { fclose(f) }
        var out: [String] = []
        var line: UnsafeMutablePointer<CChar>? = nil
        var cap = 0
        while getline(&line, &cap, f) > 0 { out.append(String(cString: line!).trimmingSuffix("\n")) }
        free(line)
        return out
    }

    /// The `# implementations: DEVICE=IMPL ...` line of a label file: which implementation each device is.
    static func implementations(_ path: String) -> [String: String] {
        let prefix = "# implementations:"
        guard let l = lines(path).first(where: { $0.hasPrefix(prefix) }) else { return [:] }
        var out: [String: String] = [:]
        for pair in l.dropFirst(prefix.count).split(separator: " ") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2 { out[kv[0]] = kv[1] }
        }
        return out
    }
}

extension String {
    func trimmingSuffix(_ c: Character) -> String {
        var s = self
        while s.last == c || s.last == "\r" { s.removeLast() }
        return s
    }
}
