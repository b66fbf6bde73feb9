// Engine throughput and heap allocations per message (MDNSCore): a querier with browses running
// receives real-looking traffic, and a spoofed-source flood of unique names (CONFORMANCE A54).
// One scaled iteration is one message (scalingFactor .kilo), so `--scale` prints per-message numbers.
import Benchmark
import BenchCorpus
import DNSWire
import MDNSCore

private let repositoryRoot: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).map { String($0) }
    parts.removeLast(4)
    return parts.joined(separator: "/")
}()

/// An engine browsing a few common types, fed messages 1 ms apart in virtual time.
final class EngineFeed: @unchecked Sendable {
    var engine: MDNSEngine
    var now = Instant(nanoseconds: 1_000_000_000_000)
    let messages: [[UInt8]]
    var next = 0
    static let eth0 = NetworkInterface(id: InterfaceID(1), name: "eth0", addresses: [
        InterfaceAddress(.v4(IPv4Address(169, 254, 1, 1)), prefixLength: 16)])
    static let source = SocketAddress(.v4(IPv4Address(169, 254, 9, 9)))

    init(_ messages: [[UInt8]]) {
        self.messages = messages
        engine = MDNSEngine(configuration: Configuration(seed: 1), interfaces: [Self.eth0])
        for t in ["_http._tcp", "_ipp._tcp", "_airplay._tcp", "_googlecast._tcp"] { _ = engine.browse(t, at: now) }
        _ = engine.enumerateServiceTypes(at: now)
    }

    @inline(__always) func step() -> Int {
        let m = messages[next]
        next = next + 1 == messages.count ? 0 : next + 1
        now += .milliseconds(1)
        var n = engine.receive(bytes: m, from: Self.source, interface: Self.eth0.id, at: now).count
        if let d = engine.nextDeadline, d <= now { n += engine.advance(to: now).count }
        return n
    }
}

/// Unique-name responses made by stamping a counter into a template.
final class FloodFeed: @unchecked Sendable {
    var engine = MDNSEngine(configuration: Configuration(seed: 2), interfaces: [EngineFeed.eth0])
    var now = Instant(nanoseconds: 1_000_000_000_000)
    var template: [UInt8]
    var digits: [Int] = []
    var counter = 0

    init() {
        let n = try! DNSName(labels: ["f000000000", "local"])
        template = Message(header: .response, answers: [
            ResourceRecord(name: n, cacheFlush: true, ttl: 4500, rdata: .a(IPv4Address(10, 1, 2, 3)))]).encoded(compression: .none)
        var i = 0
        while i + 9 <= template.count {
            if template[i..<(i + 9)].allSatisfy({ $0 == UInt8(ascii: "0") }) { digits.append(i); i += 9 } else { i += 1 }
        }
    }

    @inline(__always) func step() -> Int {
        counter += 1
        for r in digits {
            var v = counter
            for k in stride(from: 8, through: 0, by: -1) { template[r + k] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10 }
        }
        now += .microseconds(100)
        let src = SocketAddress(.v4(IPv4Address(169, 254, UInt8(2 + (counter >> 8) % 250), UInt8(counter & 0xFF))))
        return engine.receive(bytes: template, from: src, interface: EngineFeed.eth0.id, at: now).count
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 10_000,
        // Engine allocations depend a little on dictionary growth, so 5 % over Thresholds/ fails
        // `thresholds check`; an extra allocation per message is far beyond that.
        thresholds: [.mallocCountTotal: .init(relative: [.p90: 5.0])]
    )

    let small = repositoryRoot + "/Corpus/bench/small.lpk"
    if let m = CorpusFile.lengthPrefixed(small), !m.isEmpty {
        let feed = EngineFeed(m)
        Benchmark("EngineReceive-small") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(feed.step()) }
        }
    } else {
        print("EngineBench: skipping EngineReceive-small: \(small) is absent")
    }

    let flood = FloodFeed()
    Benchmark("EngineFlood-unique-names") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(flood.step()) }
    }
}
