import ArgumentParser
import BenchSupport
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

    @Argument(help: "A file of (u16 big-endian length, message) pairs.")
    var corpus: String

    @Option(help: "Seconds to run (at least one full pass).")
    var seconds: Double = 2

    @Option(help: "Run exactly this many passes instead of timing by --seconds.")
    var passes: Int?

    @Option(help: "full (every field decoded), validate (every name and rdata checked, nothing decoded), lazy (framing only: names stepped over, records located) or none (the loop alone).")
    var mode: ParseBench.Mode = .full

    func run() throws {
        guard let data = FileIO.read(corpus) else { throw ValidationError("cannot read \(corpus)") }
        guard let t = ParseBench.run(data, mode: mode, seconds: seconds, passes: passes) else {
            throw ValidationError("no messages in \(corpus)")
        }
        print(ParseBench.line(t, mode: mode))
    }
}

extension ParseBench.Mode: ExpressibleByArgument {}
