/// A point in engine time: nanoseconds from an arbitrary origin. The engine never reads a clock;
/// every event carries its `Instant` (DESIGN.md rule 4). Tests start time at a random offset.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }

    public static func + (a: Instant, d: Duration) -> Instant { Instant(nanoseconds: a.nanoseconds &+ d.nanoseconds) }
    public static func - (a: Instant, d: Duration) -> Instant { Instant(nanoseconds: a.nanoseconds &- d.nanoseconds) }
    public static func - (a: Instant, b: Instant) -> Duration { .nanoseconds(a.nanoseconds &- b.nanoseconds) }
    public static func += (a: inout Instant, d: Duration) { a = a + d }

    /// Seconds with millisecond precision, for logs.
    public var description: String { Instant.format(nanoseconds) }

    public static func format(_ ns: Int64) -> String {
        let sign = ns < 0 ? "-" : ""
        let v = ns.magnitude / 1_000_000
        let ms = String(v % 1000)
        return "\(sign)\(v / 1000).\(String(repeating: "0", count: 3 - ms.count))\(ms)"
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    public var nanoseconds: Int64 {
        let c = components
        let (s, o) = c.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if o { return c.seconds < 0 ? .min : .max }
        return s &+ c.attoseconds / 1_000_000_000
    }

    /// Milliseconds as a Double, for reports.
    public var milliseconds: Double { Double(nanoseconds) / 1_000_000 }

    /// Seconds as a Double, for reports.
    public var seconds: Double { Double(nanoseconds) / 1_000_000_000 }
}

/// A seeded SplitMix64 generator: the engine's only source of randomness (DESIGN.md rule 4).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly random duration in `range`, at nanosecond resolution.
    public mutating func duration(in range: ClosedRange<Duration>) -> Duration {
        let lo = range.lowerBound.nanoseconds, hi = range.upperBound.nanoseconds
        return .nanoseconds(Int64.random(in: lo...hi, using: &self))
    }
}
