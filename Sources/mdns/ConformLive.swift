import ArgumentParser
import MDNSConformance
#if canImport(Glibc)
import Glibc
#endif

/// `mdns conform --target NAME`: the suite against a live implementation in network namespaces.
struct ConformTargetOptions: ParsableArguments {
    @Option(help: "engine (the built-in engine, simulated link), a live target: avahi, zeroconf, micropython-mdns, systemd-resolved, swift-mdns (Scripts/targets/NAME.target), or command:FILE (an adapter file) / command:'CMD' (a start command). Live targets need root.")
    var target = "engine"

    @Option(help: "Live: cases run in parallel, each in its own namespace pair.")
    var jobs = LiveRunner.defaultJobs

    @Option(name: .customLong("max-case-time"), help: "Live: cases needing more real time than this many seconds are marked unsupported, with the time they need.")
    var maxCaseTime = Int(LiveRunner.defaultMaxCaseTime.seconds)

    @Option(help: "Live: directory for each case's pcap and logs (OUTPUT/CASE-ID/case.pcap); default /tmp/mdns-conform/TARGET.")
    var output: String?

    @Option(name: .customLong("netns-prefix"), help: "Live: namespace name prefix; job j uses PREFIX+a.., e.g. cta1 and cta2.")
    var netnsPrefix = "ct"

    @Option(help: "Live: expected-results file (CASE-ID VERDICT REASON per non-passing case); exit 1 when any verdict differs from it, in either direction.")
    var expected: String?

    @Flag(help: "Live: rewrite the --expected file from this run (keeping its reasons).")
    var bless = false
}

extension Conform {
    func runLive(_ cases: [ConformanceCase]) throws {
        #if canImport(Glibc)
        guard let repo = LiveLink.findRepository() else {
            throw ValidationError("live targets need the repository's Scripts/ (run from the checkout, or set MDNS_REPO)")
        }
        let adapter: LiveAdapter
        do { adapter = try LiveAdapter.resolve(live.target, repo: repo) } catch { throw ValidationError(error.description) }
        var expected = ExpectedResults()
        if let path = live.expected, !live.bless {
            guard let text = readText(path) else { throw ValidationError("cannot read \(path)") }
            do { expected = try ExpectedResults.parse(text) } catch { throw ValidationError("\(path): \(error)") }
        } else if let path = live.expected, let text = readText(path) {
            expected = (try? ExpectedResults.parse(text)) ?? ExpectedResults()
        }
        let options = LiveRunner.Options(jobs: live.jobs, prefix: live.netnsPrefix, maxCaseTime: .seconds(live.maxCaseTime),
                                         output: live.output ?? "/tmp/mdns-conform/" + adapter.name, seed: seed)
        let tty = isatty(2) == 1
        let clock = ContinuousClock()
        let started = clock.now
        let results = LiveRunner.run(cases, adapter: adapter, repo: repo, options: options) { p in
            Self.progressLine(p, tty: tty)
        }
        if tty { stderrWrite("\r\u{1B}[K") }
        let wall = (clock.now - started).seconds
        let name = adapter.name + " (live)"
        let t = ResultsTarget(id: adapter.name, name: name, implementation: adapter.name, roles: ["responder"],
                              addresses: ["\(LiveLink.dutAddress4)", "\(LiveLink.dutAddress6)"], hostNames: [], packets: 0, timeline: [])
        let document = json || html != nil ? ConformanceReport.results(results, kind: .live, target: t, seed: seed, runSeconds: wall).text : ""
        if let html { try writeReport(html, json: document) }
        if json {
            print(document)
        } else {
            print(ConformanceReport.text(results, target: name, seed: seed, verbose: verbose), terminator: "")
            print("Run time: \(format(wall)) s real time, \(live.jobs) jobs; pcaps in \(options.output)/CASE-ID/case.pcap")
        }
        if let junit { try writeText(junit, ConformanceReport.junit(results, target: name, wallSeconds: wall)) }
        if let path = live.expected {
            if live.bless {
                try writeText(path, expected.blessed(results, header: "\(adapter.name): expected verdicts of mdns conform --target \(live.target)\nCASE-ID VERDICT REASON; a case not listed is expected to pass"))
                return
            }
            let diff = expected.differences(results)
            for d in diff { stderrWrite("differs from \(path): \(d)\n") }
            if !diff.isEmpty { throw ExitCode(1) }
            stderrWrite("all \(results.count) verdicts as expected (\(path))\n")
            return
        }
        if results.contains(where: { failOn.fails($0.verdict) }) { throw ExitCode(1) }
        #else
        throw ValidationError("live targets need Linux network namespaces")
        #endif
    }

    static func progressLine(_ p: LiveRunner.Progress, tty: Bool) {
        let secs = Int(p.elapsed.seconds)
        let clock = "\(secs / 60)m\(secs % 60 < 10 ? "0" : "")\(secs % 60)s"
        if tty {
            let running = p.running.joined(separator: ", ")
            stderrWrite("\r\u{1B}[K[\(p.done)/\(p.total)] \(clock) running: \(running.count > 90 ? String(running.prefix(90)) + "…" : running)")
        } else if let r = p.finished {
            stderrWrite("[\(p.done)/\(p.total)] \(clock) \(r.verdict.rawValue.uppercased()) \(r.id)\n")
        }
    }
}

func stderrWrite(_ s: String) { _ = s.withCString { write(2, $0, strlen($0)) } }

func readText(_ path: String) -> String? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
}

func writeText(_ path: String, _ text: String) throws {
    guard let f = fopen(path, "w") else { throw ValidationError("cannot write \(path)") }
    _ = text.withCString { fputs($0, f) }
    fclose(f)
}
