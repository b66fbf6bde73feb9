import DNSWire
import MDNSConformance
import MDNSCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Resource bounds under a spoofed-source flood (CONFORMANCE A54, python-zeroconf v0.149.x)")
struct QuerierFloodTests {
    /// Messages in the debug-build test: `MDNS_FLOOD_MESSAGES`, else 100,000. Scripts/test also
    /// runs one million through `FloodCheck` in a release build.
    static var messages: Int {
        if let v = getenv("MDNS_FLOOD_MESSAGES"), let n = Int(String(cString: v)), n > 0 { return n }
        return 100_000
    }

    @Test("caps hold, memory stays flat, the registered service is answered and the browse keeps its peer")
    func flood() {
        let r = SpoofedFlood.run(messages: Self.messages)
        print(r)
        #expect(r.violations.isEmpty, "\(r)")
        #expect(r.maxCacheEntriesSeen == QuerierDefaults.maxCacheEntries)
        #expect(r.evicted[.cacheEntries, default: 0] >= r.floodRecords - QuerierDefaults.maxCacheEntries)
        #expect(r.peerBrowsedAfter && r.newBrowseFindsPeer && r.serviceAnswered)
        if let g = r.peakGrowthKiB { #expect(g <= SpoofedFlood.maxPeakGrowthKiB) }
    }

    @Test("a small cache under the same flood holds its cap exactly and keeps the peer")
    func smallCache() {
        var l = QuerierLimits()
        l.maxCacheEntries = 64
        let r = SpoofedFlood.run(messages: 4000, limits: l)
        #expect(r.violations.isEmpty, "\(r)")
        #expect(r.cacheEntries == 64)
        #expect(r.evicted[.cacheEntries] == r.floodRecords + 4 - 64)
    }
}
