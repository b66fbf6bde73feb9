import ArgumentParser
import DNSWire
#if canImport(Glibc)
import Glibc
#endif

struct BenchParse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-parse",
        abstract: "Time the full parse over a length-prefixed corpus (the format of shared/bench/*.lpk).",
        discussion: "Prints one line: messages/s, ns per message, accepted and rejected counts. Scripts/bench-peers runs it next to other parsers."
    )

    @Argument(help: "A file of (u16 big-endian length, message) pairs.")
    var corpus: String

    @Option(help: "Seconds to run (at least one full pass).")
    var seconds: Double = 2

    @Option(help: "full (every field decoded), validate (every name and rdata checked, nothing decoded) or lazy (framing only: names stepped over, records located).")
    var mode: String = "full"

    func run() throws {
        guard let data = FileIO.read(corpus) else { throw ValidationError("cannot read \(corpus)") }
        let messages = LengthPrefixedFile.messages(data)
        guard !messages.isEmpty else { throw ValidationError("no messages in \(corpus)") }
        var arena: [UInt8] = []
        arena.reserveCapacity(16384)
        var sum: UInt64 = 0
        var ok = 0, bad = 0, parsed = 0
        let start = Clock.now()
        var elapsed = 0.0
        repeat {
            for m in messages {
                m.withUnsafeBytes { raw in
                    do throws(DNSWireError) {
                        if mode == "validate" { sum &+= UInt64(try FullParse.validate(raw)) }
                        else if mode == "lazy" { sum &+= UInt64(try FullParse.skim(raw)) }
                        else { sum &+= try FullParse.checksum(raw, arena: &arena) }
                        if parsed < messages.count { ok += 1 }
                    } catch {
                        if parsed < messages.count { bad += 1 }
                    }
                }
                parsed += 1
            }
            elapsed = Clock.now() - start
        } while elapsed < seconds
        let rate = Double(parsed) / elapsed
        print("swift-mdns \(mode): \(Int(rate)) messages/s, \(Int(1e9 / rate)) ns/message, accepted \(ok), rejected \(bad), checksum \(sum)")
    }
}

enum Clock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
