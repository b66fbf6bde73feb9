import DNSWire
#if canImport(Glibc)
import Glibc
#endif

/// The parse benchmark's loop, shared by `mdns bench-parse` and `BenchProbe` (a synchronous
/// executable that callgrind can run: `mdns` has an async main, whose dispatch threads valgrind
/// 3.19 crashes on).
public enum ParseBench {
    public enum Mode: String, Sendable, CaseIterable {
        case full, validate, lazy, none
    }

    public struct Tally: Sendable { public var sum: UInt64 = 0, ok = 0, bad = 0, parsed = 0, elapsed = 0.0 }

    /// Parses every message of `data` (a length-prefixed corpus) in place again and again, for
    /// `passes` passes or else `seconds`; the first pass counts accepted and rejected.
    public static func run(_ data: [UInt8], mode: Mode, seconds: Double, passes: Int?) -> Tally? {
        let ranges = messageRanges(data)
        guard !ranges.isEmpty else { return nil }
        return data.withUnsafeBytes { all in
            var arena: [UInt8] = []
            arena.reserveCapacity(16384)
            switch mode {
            case .full: return loop(all, ranges, seconds, passes) { raw throws(DNSWireError) in try FullParse.checksum(raw, arena: &arena) }
            case .validate: return loop(all, ranges, seconds, passes) { raw throws(DNSWireError) in UInt64(try FullParse.validate(raw)) }
            case .lazy: return loop(all, ranges, seconds, passes) { raw throws(DNSWireError) in UInt64(try FullParse.skim(raw)) }
            case .none: return loop(all, ranges, seconds, passes) { raw throws(DNSWireError) in UInt64(raw.count) }
            }
        }
    }

    /// The line Scripts/bench-peers reads.
    public static func line(_ t: Tally, mode: Mode) -> String {
        let rate = Double(t.parsed) / t.elapsed
        return "swift-mdns \(mode.rawValue): \(Int(rate)) messages/s, \(Int(1e9 / rate)) ns/message, accepted \(t.ok), rejected \(t.bad), checksum \(t.sum)"
    }

    /// Parses every message again and again; the first pass counts accepted and rejected.
    @inline(__always)
    static func loop(_ all: UnsafeRawBufferPointer, _ ranges: [Range<Int>], _ seconds: Double, _ passes: Int?,
                     _ parse: (UnsafeRawBufferPointer) throws(DNSWireError) -> UInt64) -> Tally {
        var t = Tally()
        let start = MonotonicClock.now()
        var pass = 0
        repeat {
            for range in ranges {
                let raw = UnsafeRawBufferPointer(rebasing: all[range])
                do throws(DNSWireError) {
                    t.sum &+= try parse(raw)
                    if pass == 0 { t.ok += 1 }
                } catch {
                    if pass == 0 { t.bad += 1 }
                }
            }
            t.parsed += ranges.count
            pass += 1
            t.elapsed = MonotonicClock.now() - start
        } while passes.map { pass < $0 } ?? (t.elapsed < seconds)
        return t
    }

    /// Where each message of a length-prefixed file lies, without copying it.
    public static func messageRanges(_ data: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while i + 2 <= data.count {
            let n = Int(data[i]) << 8 | Int(data[i + 1])
            guard i + 2 + n <= data.count else { break }
            out.append((i + 2)..<(i + 2 + n))
            i += 2 + n
        }
        return out
    }
}

public enum MonotonicClock {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
