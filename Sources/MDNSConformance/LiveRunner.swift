#if canImport(Glibc)
import Glibc
import DNSWire
import MDNSCore

/// Runs cases against a live implementation: each case in its own namespace pair (one per job),
/// with a fresh device under test, on real time; none is skipped silently.
public enum LiveRunner {
    public struct Options: Sendable {
        /// Parallel namespace pairs.
        public var jobs: Int
        /// Namespace prefix family: job j uses PREFIX + "a"..., e.g. cta1/cta2.
        public var prefix: String
        /// Cases needing more real time than this are marked unsupported (with the time they need).
        public var maxCaseTime: Duration
        /// Per-case pcap and logs under OUTPUT/CASE-ID/.
        public var output: String
        public var seed: UInt64
        public init(jobs: Int = defaultJobs, prefix: String = "ct", maxCaseTime: Duration = defaultMaxCaseTime,
                    output: String, seed: UInt64 = 1) {
            self.jobs = jobs; self.prefix = prefix; self.maxCaseTime = maxCaseTime; self.output = output; self.seed = seed
        }
    }

    /// Two cores: three pairs keep both busy while cases mostly wait on real time.
    public static let defaultJobs = 3
    public static let maxJobs = 26
    /// Long enough for the 66 s shared-reply sample, BCT's 120 s chattiness watch and the reply
    /// distributions shortened to 100 replies (128 s).
    public static let defaultMaxCaseTime: Duration = .seconds(130)
    /// How often the progress callback hears the elapsed time while cases run.
    public static let progressInterval: Duration = .seconds(1)

    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var running: [String]
        public var elapsed: Duration
        public var finished: CaseResult?
    }

    /// Why a case cannot run live, or nil.
    public static func notLive(_ c: ConformanceCase, cost: Duration, options: Options, adapter: LiveAdapter? = nil) -> String? {
        let has = adapter.map(LiveTarget.capabilities(of:)) ?? []
        if c.requires.contains(.cacheReport) {
            return "querier case that reads the device's cache or its browse/resolve results: a live device's cache cannot be seen on the link and no adapter hook reports it"
        }
        if c.requires.contains(.query), !has.contains(.query) {
            return "querier case: the adapter has no query hook to make the device ask a question"
        }
        if adapter?.requiresService == true, c.publication.services.isEmpty, !c.requires.contains(.query) {
            return "the case publishes a host name only; this target publishes only services (requires-service)"
        }
        if cost > options.maxCaseTime {
            return "needs \(Int(cost.seconds)) s of real time (its run on the simulated link), over --max-case-time \(Int(options.maxCaseTime.seconds)) s"
        }
        return nil
    }

    /// The real time each case needs: its declared `realTime`, else its time on the simulated link.
    public static func costs(_ cases: [ConformanceCase], seed: UInt64) -> [String: Duration] {
        var out: [String: Duration] = [:]
        for c in cases {
            if let t = c.realTime { out[c.id] = t; continue }
            out[c.id] = ConformanceRunner.run(c, seed: seed, makeTarget: { EngineTarget(seed: $0) }).targetTime
        }
        return out
    }

    public static func run(_ cases: [ConformanceCase], adapter: LiveAdapter, repo: String, options: Options,
                           progress: @escaping @Sendable (Progress) -> Void) -> [CaseResult] {
        let costs = costs(cases, seed: options.seed)
        // Longest first, so the long cases overlap the rest instead of trailing the run.
        let live = cases.map { c in notLive(c, cost: costs[c.id] ?? .zero, options: options, adapter: adapter) == nil ? costs[c.id] ?? .zero : .zero }
        let order = cases.indices.sorted { i, j in live[i] != live[j] ? live[i] > live[j] : i < j }
        let state = State(order: order)
        let started = ContinuousClock.now
        let jobs = max(1, min(options.jobs, maxJobs, cases.count))
        parallel(jobs + 1) { job in
            if job == jobs {   // the ticker: elapsed time moves on between cases too
                while !state.finished {
                    usleep(UInt32(progressInterval.milliseconds * 1000))
                    progress(state.snapshot(elapsed: ContinuousClock.now - started, finished: nil))
                }
                return
            }
            let prefix = options.prefix + String(UnicodeScalar(UInt8(97 + job)))
            while let i = state.next() {
                let c = cases[i]
                state.begin(c.id)
                progress(state.snapshot(elapsed: ContinuousClock.now - started, finished: nil))
                let r: CaseResult
                if let why = notLive(c, cost: costs[c.id] ?? .zero, options: options, adapter: adapter) {
                    r = unsupported(c, why)
                } else {
                    r = runOne(c, adapter: adapter, repo: repo, prefix: prefix, options: options)
                }
                state.end(i, c.id, r)
                progress(state.snapshot(elapsed: ContinuousClock.now - started, finished: r))
            }
        }
        return state.results.map { $0! }
    }

    /// Runs `body(0..<n)` on n threads of its own (Dispatch would cap them at the core count,
    /// while live cases mostly wait) and returns when all are done.
    static func parallel(_ n: Int, _ body: @escaping @Sendable (Int) -> Void) {
        final class Box { let run: () -> Void; init(_ r: @escaping () -> Void) { run = r } }
        var threads: [pthread_t] = []
        for j in 0..<n {
            var t = pthread_t()
            let box = Unmanaged.passRetained(Box { body(j) }).toOpaque()
            pthread_create(&t, nil, { p in
                let b = Unmanaged<Box>.fromOpaque(p!).takeRetainedValue()
                b.run()
                return nil
            }, box)
            threads.append(t)
        }
        for t in threads { pthread_join(t, nil) }
    }

    static func unsupported(_ c: ConformanceCase, _ why: String) -> CaseResult {
        CaseResult(id: c.id, section: c.section, title: c.title, catalogue: c.catalogue, level: c.level, citation: c.citation,
                   verdict: .unsupported, summary: why, evidence: [], targetTime: .zero)
    }

    /// One case on namespace pair `prefix`: build the link, run, stop the device, tear down.
    static func runOne(_ c: ConformanceCase, adapter: LiveAdapter, repo: String, prefix: String, options: Options) -> CaseResult {
        let dir = options.output + "/" + c.id
        LiveFiles.mkdirs(dir)
        let link = LiveLink(prefix: prefix, repo: repo)
        defer { link.tearDown(log: dir + "/net.log") }
        let target: LiveTarget
        do {
            try link.bringUp(log: dir + "/net.log")
            target = try LiveTarget(adapter: adapter, link: link, directory: dir)
        } catch {
            var r = unsupported(c, "live link could not be set up: \(error)")
            r.verdict = .fail
            return r
        }
        var r = ConformanceRunner.run(c, seed: options.seed, makeTarget: { _ in target })
        target.finish()
        if let note = target.unsupportedNote {
            r.verdict = .unsupported
            r.summary = note
            r.evidence.append("pcap: \(dir)/case.pcap")
            return r
        }
        if let note = target.exitNote {
            r.evidence.append("device under test: \(note) (log: \(dir)/dut.log)")
            if r.verdict != .unsupported {
                r.summary = "device under test: \(note); case: \(r.summary)"
                r.verdict = .fail
            }
        }
        r.evidence.append("pcap: \(dir)/case.pcap")
        return r
    }

    /// Shared between the jobs, behind a lock.
    final class State: @unchecked Sendable {
        var lock = pthread_mutex_t()
        var nextIndex = 0
        var done = 0
        var running: [String] = []
        var results: [CaseResult?]
        /// Case indices in the order jobs take them.
        let order: [Int]
        init(order: [Int]) { self.order = order; results = Array(repeating: nil, count: order.count); pthread_mutex_init(&lock, nil) }
        func locked<R>(_ body: () -> R) -> R { pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }; return body() }
        func next() -> Int? {
            locked {
                guard nextIndex < order.count else { return nil }
                nextIndex += 1
                return order[nextIndex - 1]
            }
        }
        func begin(_ id: String) { locked { running.append(id) } }
        func end(_ i: Int, _ id: String, _ r: CaseResult) {
            locked { results[i] = r; done += 1; running.removeAll { $0 == id } }
        }
        var finished: Bool { locked { done == results.count } }
        func snapshot(elapsed: Duration, finished: CaseResult?) -> Progress {
            locked { Progress(done: done, total: results.count, running: running, elapsed: elapsed, finished: finished) }
        }
    }
}
#endif
