import ArgumentParser
import DNSWire
#if canImport(Glibc)
import Glibc
#endif

struct BenchParse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-parse",
        abstract: "Time the full parse over a length-prefixed corpus (the format of shared/bench/*.lpk).",
        discussion: """
        Prints one line: messages/s, ns per message, accepted and rejected counts, checksum. \
        Scripts/bench-peers runs it next to other parsers. Messages are read in place from the \
        corpus file's one buffer; the mode is fixed before the loop. --mode none runs the loop \
        alone (the harness' own cost). --passes N runs exactly N passes (for callgrind).
        """
    )

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case full, validate, lazy, none
    }

    @Argument(help: "A file of (u16 big-endian length, message) pairs.")
    var corpus: String

    @Option(help: "Seconds to run (at least one full pass).")
    var seconds: Double = 2

    @Option(help: "Run exactly this many passes instead of timing by --seconds.")
    var passes: Int?

    @Option(help: "full (every field decoded), validate (every name and rdata checked, nothing decoded), lazy (framing only: names stepped over, records located) or none (the loop alone).")
    var mode: Mode = .full

    func run() throws {
        guard let data = FileIO.read(corpus) else { throw ValidationError("cannot read \(corpus)") }
        let ranges = Self.messageRanges(data)
        guard !ranges.isEmpty else { throw ValidationError("no messages in \(corpus)") }
        let (seconds, passes) = (self.seconds, self.passes)
        let r: Tally = data.withUnsafeBytes { all in
            var arena: [UInt8] = []
            arena.reserveCapacity(16384)
            switch mode {
            case .full: return Self.loop(all, ranges, seconds, passes) { raw throws(DNSWireError) in try FullParse.checksum(raw, arena: &arena) }
            case .validate: return Self.loop(all, ranges, seconds, passes) { raw throws(DNSWireError) in UInt64(try FullParse.validate(raw)) }
            case .lazy: return Self.loop(all, ranges, seconds, passes) { raw throws(DNSWireError) in UInt64(try FullParse.skim(raw)) }
            case .none: return Self.loop(all, ranges, seconds, passes) { raw throws(DNSWireError) in UInt64(raw.count) }
            }
        }
        let rate = Double(r.parsed) / r.elapsed
        print("swift-mdns \(mode.rawValue): \(Int(rate)) messages/s, \(Int(1e9 / rate)) ns/message, accepted \(r.ok), rejected \(r.bad), checksum \(r.sum)")
    }

    struct Tally { var sum: UInt64 = 0, ok = 0, bad = 0, parsed = 0, elapsed = 0.0 }

    /// Parses every message again and again; the first pass counts accepted and rejected.
    @inline(__always)
    static func loop(_ all: UnsafeRawBufferPointer, _ ranges: [Range<Int>], _ seconds: Double, _ passes: Int?,
                     _ parse: (UnsafeRawBufferPointer) throws(DNSWireError) -> UInt64) -> Tally {
        var t = Tally()
        let start = Clock.now()
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
            t.elapsed = Clock.now() - start
        } while passes.map { pass < $0 } ?? (t.elapsed < seconds)
        return t
    }

    /// Where each message of a length-prefixed file lies, without copying it.
    static func messageRanges(_ data: [UInt8]) -> [Range<Int>] {
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

enum Clock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
