/// A small, fast, seedable generator (xoshiro256**, seeded through SplitMix64) so that every
/// generated message can be produced again from its seed: `mdns generate --seed`, a failing
/// property's printed seed, a fuzz seed file. The standard library has no seedable generator.
public struct SeededRandom: RandomNumberGenerator, Hashable, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&sm); s1 = splitMix(&sm); s2 = splitMix(&sm); s3 = splitMix(&sm)
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// The seed of the `index`-th item of a run started from `seed`: item i of `--seed S` is
    /// reproducible alone, without generating items 0..<i.
    public static func itemSeed(_ seed: UInt64, _ index: Int) -> UInt64 {
        var r = SeededRandom(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        return r.next()
    }
}

extension RandomNumberGenerator {
    /// A uniform value in `range`.
    @inlinable mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    /// True with probability `p`.
    @inlinable mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    @inlinable mutating func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &self)] }
    @inlinable mutating func byte() -> UInt8 { UInt8.random(in: 0...255, using: &self) }
}
