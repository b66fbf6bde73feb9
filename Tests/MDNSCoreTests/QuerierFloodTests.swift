import DNSWire
import Foundation
import MDNSConformance
import MDNSCore
import Testing

@Suite("Resource bounds under a spoofed-source flood (CONFORMANCE A54, python-zeroconf v0.149.x)")
struct QuerierFloodTests {
    /// Messages in the debug-build test: `MDNS_FLOOD_MESSAGES`, else 100,000. Scripts/test also
    /// runs one million through `FloodCheck` in a release build.
    static var messages: Int {
        if let v = ProcessInfo.processInfo.environment["MDNS_FLOOD_MESSAGES"], let n = Int(v), n > 0 { return n }
        return 100_000
    }

    // Memory is judged in `memory()` below, by a process of its own: VmHWM is process-wide and
    // the other suites of this process run at the same time.
    @Test("caps hold, the registered service is answered and the browse keeps its peer")
    func flood() {
        let r = SpoofedFlood.run(messages: Self.messages, judgeMemory: false)
        print(r)
        #expect(r.violations.isEmpty, "\(r)")
        #expect(r.maxCacheEntriesSeen == QuerierDefaults.maxCacheEntries)
        #expect(r.evicted[.cacheEntries, default: 0] >= r.floodRecords - QuerierDefaults.maxCacheEntries)
        #expect(r.peerBrowsedAfter && r.newBrowseFindsPeer && r.serviceAnswered)
    }

    @Test("a small cache under the same flood holds its cap exactly and keeps the peer")
    func smallCache() {
        var l = QuerierLimits()
        l.maxCacheEntries = 64
        let r = SpoofedFlood.run(messages: 4000, limits: l, judgeMemory: false)
        #expect(r.violations.isEmpty, "\(r)")
        #expect(r.cacheEntries == 64)
        #expect(r.evicted[.cacheEntries] == r.floodRecords + 4 - 64)
    }

    @Test("in a process of its own, peak memory grows at most SpoofedFlood.maxPeakGrowthKiB")
    func memory() throws {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let floodCheck = Self.productsDirectory(of: exe).appendingPathComponent("FloodCheck")
        try #require(FileManager.default.isExecutableFile(atPath: floodCheck.path),
                     "FloodCheck is not built beside \(exe.path): run `swift build --build-tests` first")
        let p = Process()
        p.executableURL = floodCheck
        p.arguments = [String(Self.messages)]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
        let growth = text.split(separator: "\n").first { $0.hasPrefix("memory:") }
            .flatMap { $0.split(separator: " ").last(where: { Int($0) != nil }) }.flatMap { Int($0) }
        let g = try #require(growth, "FloodCheck printed no memory line:\n\(text)")
        #expect(g <= SpoofedFlood.maxPeakGrowthKiB, "\(text)")
        #expect(g > 0, "\(text)")
    }

    /// The directory holding the package's products: the test binary's own, or the one above
    /// an `.xctest` bundle.
    static func productsDirectory(of exe: URL) -> URL {
        var d = exe.deletingLastPathComponent()
        while d.path.contains(".xctest") { d = d.deletingLastPathComponent() }
        return d
    }
}
