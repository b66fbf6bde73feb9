#if canImport(Glibc)
import Glibc
import DNSWire
import MDNSCore

/// The device as a querier: each question is one run of the adapter's `query` hook in the device's
/// namespace, judged by the queries it puts on the link. Its cache cannot be seen from there, so
/// the cases that read a cache need `cacheReport`, which no live target has.
extension LiveTarget: QuerierTarget {
    public func startQuery(_ name: DNSName, _ type: RRType, oneShot: Bool) -> SubscriptionID? {
        guard let hook = adapter.query else { return nil }
        let id = SubscriptionID(queriers.count + 1)
        let log = directory + "/query-\(id.rawValue).log"
        var env = environment
        env["MDNS_QUERY_NAME"] = name.description
        env["MDNS_QUERY_TYPE"] = type.description
        env["MDNS_QUERY_CONTINUOUS"] = oneShot ? "0" : "1"
        let p: LiveProcess
        do {
            p = try LiveProcess.spawn(["ip", "netns", "exec", link.dutNamespace, "sh", "-c", hook], environment: env, log: log)
        } catch {
            exitNote = exitNote ?? "the adapter's query hook: \(error)"
            return nil
        }
        queriers[id] = p
        // The case's clock starts when the question is asked: a 1 ms poll keeps that close.
        if let ready = adapter.queryReady, let why = waitReady(p, log: log, line: ready, poll: 1_000) {
            if unsupportedNote == nil { exitNote = exitNote ?? "query hook: \(why) (log: \(log))" }
            return nil
        }
        return id
    }

    /// RFC 6763 §4: a browse is a continuous PTR query for the type.
    public func startBrowse(_ type: DNSName) -> SubscriptionID? { startQuery(type, .ptr, oneShot: false) }

    public func startResolve(_ instance: DNSName) -> SubscriptionID? { nil }

    public func stop(_ id: SubscriptionID) { queriers[id]?.stop() }

    public func reconfirm(_ record: ResourceRecord) -> Bool { false }

    public func cachedRecords() -> [ResourceRecord] { [] }

    public var querierEvents: [(time: Instant, event: QuerierEvent)] { [] }

    public var querierStatistics: QuerierStatistics { QuerierStatistics() }

    public var querierLimits: QuerierLimits { QuerierLimits() }
}
#endif
