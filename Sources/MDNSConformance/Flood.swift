import DNSWire
import MDNSCore
#if canImport(Glibc)
import Glibc
#endif

/// Process memory from /proc/self/status (Linux), in KiB; nil elsewhere.
public enum ProcessMemory {
    public static func read(_ field: String) -> Int? {
        #if canImport(Glibc)
        guard let f = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), f) != nil {
            let s = String(cString: line)
            if s.hasPrefix(field + ":") { return Int(s.dropFirst(field.count + 1).filter { $0.isNumber }) }
        }
        #endif
        return nil
    }
    /// Peak resident set size (VmHWM).
    public static var peakKiB: Int? { read("VmHWM") }
    /// Resident set size now (VmRSS).
    public static var residentKiB: Int? { read("VmRSS") }
}

/// CONFORMANCE A54 and part C (python-zeroconf v0.149.x): an engine that has registered a service
/// and browsed a peer is flooded with spoofed-source messages whose names, records and questions
/// are all unique; afterwards its state must be within its caps, the flood's evictions counted,
/// the peer still browsed and the service still answered.
public enum SpoofedFlood {
    /// Peak memory growth allowed over a flood of any length (KiB): the state is capped, so the
    /// growth does not depend on the message count. README states the measured figure.
    public static let maxPeakGrowthKiB = 48 * 1024

    public struct Report: Sendable, CustomStringConvertible {
        public var messages = 0
        public var cacheEntries = 0
        public var maxCacheEntriesSeen = 0
        public var cacheSlots = 0
        public var timerHeap = 0
        public var evictionQueues = 0
        public var activeQuestions = 0
        public var truncatedQueryBuffers = 0
        public var pendingResponses = 0
        public var evicted: [QuerierLimitKind: Int] = [:]
        public var responderOverflows: [LimitKind: Int] = [:]
        public var floodRecords = 0
        public var rssBeforeKiB: Int?
        public var peakKiB: Int?
        public var rssAfterKiB: Int?
        public var peerBrowsedBefore = false
        public var peerBrowsedAfter = false
        public var newBrowseFindsPeer = false
        public var serviceAnswered = false
        /// Rules the run broke; empty when it passed.
        public var violations: [String] = []

        public var peakGrowthKiB: Int? { if let b = rssBeforeKiB, let p = peakKiB { return p - b }; return nil }

        public var description: String {
            var s = "flood: \(messages) messages (\(floodRecords) unique records), cache \(cacheEntries) (max seen \(maxCacheEntriesSeen)), "
            s += "evicted \(evicted.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " ")), "
            s += "responder overflows \(responderOverflows.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " "))\n"
            s += "tables: slots \(cacheSlots), timers \(timerHeap), eviction queues \(evictionQueues), questions \(activeQuestions), "
            s += "TC buffers \(truncatedQueryBuffers), pending responses \(pendingResponses)\n"
            if let b = rssBeforeKiB, let p = peakKiB, let a = rssAfterKiB {
                s += "memory: VmRSS before \(b) KiB, VmHWM \(p) KiB, VmRSS after \(a) KiB, peak growth \(p - b) KiB\n"
            }
            s += "after: peer browsed \(peerBrowsedAfter), new browse finds peer \(newBrowseFindsPeer), service answered \(serviceAnswered)\n"
            s += violations.isEmpty ? "result: pass" : "result: FAIL\n  " + violations.joined(separator: "\n  ")
            return s
        }
    }

    static let eth0 = NetworkInterface(id: InterfaceID(1), name: "eth0", addresses: [
        InterfaceAddress(.v4(IPv4Address(169, 254, 1, 1)), prefixLength: 16)])
    public static let printerType = try! DNSName(parsing: "_ipp._tcp.local")
    public static let printerInstance = try! DNSName(labels: ["Printer", "_ipp", "_tcp", "local"])
    public static let printerHost = try! DNSName(parsing: "printer.local")

    /// The peer's answer to a PTR query (RFC 6763 §12.1 additionals).
    public static var peerAnswer: Message {
        Message(header: .response, answers: [ResourceRecord(name: printerType, ttl: 4500, rdata: .ptr(printerInstance))], additionals: [
            ResourceRecord(name: printerInstance, cacheFlush: true, ttl: 120, rdata: .srv(SRV(port: 631, target: printerHost))),
            ResourceRecord(name: printerInstance, cacheFlush: true, ttl: 4500, rdata: .txt(TXT([("rp", "ipp/print")]))),
            ResourceRecord(name: printerHost, cacheFlush: true, ttl: 120, rdata: .a(IPv4Address(169, 254, 9, 20))),
        ])
    }

    /// Runs the flood: `messages` datagrams, 100 µs apart in virtual time, from rotating spoofed
    /// on-link sources: half responses (a unique A, a PTR under a unique type, that instance's SRV),
    /// a quarter queries (a unique question and known answer), a quarter TC queries.
    /// `judgeMemory` checks the peak growth against `maxPeakGrowthKiB`; VmHWM is the whole
    /// process's, so only a process of its own (FloodCheck) can judge it: a test process running
    /// other suites at the same time records the figure and leaves the verdict to FloodCheck.
    public static func run(messages: Int, seed: UInt64 = 11, limits: QuerierLimits = QuerierLimits(),
                           judgeMemory: Bool = true) -> Report {
        var qc = QuerierConfiguration()
        qc.limits = limits
        var engine = MDNSEngine(configuration: Configuration(seed: seed), interfaces: [eth0], querier: qc)
        var now = Instant(nanoseconds: 5_000_000_000_000 &+ Int64(seed % 1_000_000) * 1_000_000)
        var answeredAt: Instant? = nil
        let httpType = try! DNSName(parsing: "_http._tcp.local")
        func take(_ a: [Action]) {
            for x in a {
                if case .send(let m, _) = x, m.header.isResponse, m.answers.contains(where: { $0.name == httpType && $0.type == .ptr }) {
                    answeredAt = now
                }
            }
        }
        func run(_ d: Duration) {
            let end = now + d
            while let t = engine.nextDeadline, t <= end { now = max(now, t); take(engine.advance(to: now)) }
            now = end
        }
        var r = Report()
        r.messages = messages
        take(engine.register(.host(HostRegistration(label: "me")), at: now).actions)
        take(engine.register(.service(ServiceRegistration(instance: "Mine", type: "_http._tcp", port: 80)), at: now).actions)
        let (bid, ba) = engine.browse(type: printerType, at: now)
        take(ba)
        run(.seconds(5))
        let peer = SocketAddress(.v4(IPv4Address(169, 254, 9, 9)))
        take(engine.receive(peerAnswer, from: peer, interface: eth0.id, at: now))
        r.peerBrowsedBefore = bid.map { engine.instances(of: $0).first?.isResolved == true } ?? false

        r.rssBeforeKiB = ProcessMemory.residentKiB
        var t = Templates()
        for i in 0..<messages {
            let src = SocketAddress(.v4(IPv4Address(169, 254, UInt8(2 + (i >> 8) % 250), UInt8(i & 0xFF))))
            now += .microseconds(100)
            switch i % 4 {
            case 0, 1:
                Templates.stamp(&t.response, t.responseDigits, i)
                take(engine.receive(bytes: t.response, from: src, interface: eth0.id, at: now))
                r.floodRecords += 3
            case 2:
                Templates.stamp(&t.query, t.queryDigits, i)
                take(engine.receive(bytes: t.query, from: src, interface: eth0.id, at: now))
            default:
                Templates.stamp(&t.tcQuery, t.tcDigits, i)
                take(engine.receive(bytes: t.tcQuery, from: src, interface: eth0.id, at: now))
            }
            if i % 1024 == 0 {
                run(.zero)
                r.maxCacheEntriesSeen = max(r.maxCacheEntriesSeen, engine.cache.count)
            }
        }
        run(.zero)
        r.peakKiB = ProcessMemory.peakKiB
        r.rssAfterKiB = ProcessMemory.residentKiB
        r.cacheEntries = engine.cache.count
        r.maxCacheEntriesSeen = max(r.maxCacheEntriesSeen, r.cacheEntries)
        let f = engine.cache.footprint
        (r.cacheSlots, r.timerHeap, r.evictionQueues) = (f.slots, f.timers, f.evictionQueues)
        r.activeQuestions = engine.querier.activeQuestionCount
        r.truncatedQueryBuffers = engine.responder.truncatedQueryCount
        r.pendingResponses = engine.responder.pendingResponseCount
        r.evicted = engine.querierStatistics.evicted
        r.responderOverflows = engine.statistics.overflows

        r.peerBrowsedAfter = bid.map { engine.instances(of: $0).first?.isResolved == true } ?? false
        let (nb, na) = engine.browse(type: printerType, at: now)
        take(na)
        r.newBrowseFindsPeer = nb.map { engine.instances(of: $0).first?.name == printerInstance } ?? false
        let mark = now
        take(engine.receive(Message(header: .query, questions: [Question(name: httpType, type: .ptr)]), from: peer, interface: eth0.id, at: now))
        run(.milliseconds(200))
        r.serviceAnswered = answeredAt.map { $0 >= mark } ?? false

        // The verdict.
        func check(_ ok: Bool, _ s: String) { if !ok { r.violations.append(s) } }
        let cap = limits.maxCacheEntries
        check(r.maxCacheEntriesSeen <= cap, "cache held \(r.maxCacheEntriesSeen) > \(cap) entries")
        check(r.cacheSlots <= cap, "cache slot table \(r.cacheSlots) > \(cap)")
        check(r.timerHeap <= 4 * cap + 1024, "timer heap \(r.timerHeap) > \(4 * cap + 1024)")
        check(r.evictionQueues <= 8 * cap + 2048, "eviction queues \(r.evictionQueues) > \(8 * cap + 2048)")
        check(r.activeQuestions <= limits.maxActiveQuestions, "questions \(r.activeQuestions)")
        check(r.truncatedQueryBuffers <= engine.configuration.limits.maxTruncatedQueryBuffers, "TC buffers \(r.truncatedQueryBuffers)")
        check(r.pendingResponses <= engine.configuration.limits.maxPendingResponses, "pending responses \(r.pendingResponses)")
        if messages >= 4 * cap {
            check(r.evicted[.cacheEntries, default: 0] >= r.floodRecords - cap, "evictions not counted: \(r.evicted[.cacheEntries, default: 0]) < \(r.floodRecords - cap)")
        }
        check(r.peerBrowsedBefore, "the browse did not find the peer before the flood")
        check(r.peerBrowsedAfter, "the browse lost the peer")
        check(r.newBrowseFindsPeer, "a new browse does not find the peer")
        check(r.serviceAnswered, "the registered service is not answered")
        if judgeMemory, let g = r.peakGrowthKiB { check(g <= maxPeakGrowthKiB, "peak memory grew \(g) KiB > \(maxPeakGrowthKiB) KiB") }
        return r
    }

    /// Datagrams made by patching nine-digit counters into templates (cheap even in debug builds).
    struct Templates {
        var response: [UInt8]
        var responseDigits: [Int]
        var query: [UInt8]
        var queryDigits: [Int]
        var tcQuery: [UInt8]
        var tcDigits: [Int]

        init() {
            let n = try! DNSName(labels: ["f000000000", "local"])
            let t = try! DNSName(labels: ["_f000000000", "_tcp", "local"])
            let inst = try! DNSName(labels: ["i000000000", "_f000000000", "_tcp", "local"])
            response = Message(header: .response, answers: [
                ResourceRecord(name: n, cacheFlush: true, ttl: 4500, rdata: .a(IPv4Address(10, 1, 2, 3))),
                ResourceRecord(name: t, ttl: 4500, rdata: .ptr(inst)),
                ResourceRecord(name: inst, cacheFlush: true, ttl: 4500, rdata: .srv(SRV(port: 1, target: n))),
            ]).encoded(compression: .none)
            query = Message(header: .query, questions: [Question(name: n, type: .a)],
                            answers: [ResourceRecord(name: t, ttl: 4500, rdata: .ptr(inst))]).encoded(compression: .none)
            var h = Header.query
            h.truncated = true
            tcQuery = Message(header: h, questions: [Question(name: t, type: .ptr)],
                              answers: [ResourceRecord(name: t, ttl: 4500, rdata: .ptr(inst))]).encoded(compression: .none)
            responseDigits = Self.digitRuns(response)
            queryDigits = Self.digitRuns(query)
            tcDigits = Self.digitRuns(tcQuery)
        }

        /// Offsets of every run of nine "0" digits.
        static func digitRuns(_ b: [UInt8]) -> [Int] {
            var out: [Int] = []
            var i = 0
            while i + 9 <= b.count {
                if b[i..<(i + 9)].allSatisfy({ $0 == UInt8(ascii: "0") }) { out.append(i); i += 9 } else { i += 1 }
            }
            return out
        }

        static func stamp(_ b: inout [UInt8], _ runs: [Int], _ n: Int) {
            for r in runs {
                var v = n
                for k in stride(from: 8, through: 0, by: -1) { b[r + k] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10 }
            }
        }
    }
}
