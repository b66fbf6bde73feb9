import ArgumentParser
import DNSWire
import MDNSGenerators
import PCAP
#if canImport(Glibc)
import Glibc
#endif

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate realistic or hostile mDNS messages, reproducibly from a seed.",
        discussion: """
        Kinds: \(GenerationKind.names.joined(separator: ", ")), events (an engine event sequence of --count events, as text).
        Hostile messages carry the outcome a decoder must produce (shown in hex output).
        The same --seed, --count and --kind always give the same bytes.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case hex, bin, lpk, pcap }

    @Option(help: "Seed of the run (decimal or 0x hex).")
    var seed: String = "1"

    @Option(help: "Number of messages.")
    var count: Int = 10

    @Option(help: "What to generate (see the list above).")
    var kind: String = "any"

    @Option(help: "hex (one message per line, to stdout or --output), bin (one file per message in --output), lpk (u16-length-prefixed messages in one file), pcap (Ethernet/IPv4/UDP to 224.0.0.251:5353).")
    var format: Format = .hex

    @Option(name: .shortAndLong, help: "Output file (hex, lpk, pcap) or directory (bin).")
    var output: String?

    @Flag(help: "Write names uncompressed.")
    var noCompression = false

    func run() throws {
        guard let seedValue = Generate.parseSeed(seed) else { throw ValidationError("--seed must be a 64-bit number") }
        if kind == "events" {
            guard count >= 0 else { throw ValidationError("--count must be ≥ 0") }
            // An engine event sequence (MDNSGenerators.EngineEventSequence), one event per line.
            let lines = EngineEventSequence(seed: seedValue, length: count).lines.joined(separator: "\n") + "\n"
            if let output { try write(Array(lines.utf8), to: output) } else { print(lines, terminator: "") }
            return
        }
        guard let k = GenerationKind(kind) else { throw ValidationError("unknown --kind \(kind); one of: \(GenerationKind.names.joined(separator: ", "))") }
        guard count >= 0 else { throw ValidationError("--count must be ≥ 0") }
        let items = Generation.items(seed: seedValue, count: count, kind: k, compression: noCompression ? .none : .suffixes)
        switch format {
        case .hex:
            var text = ""
            for i in items {
                text += "# \(i.index) \(i.label) seed=0x\(String(i.itemSeed, radix: 16))"
                if let e = i.expectation { text += " expect=\(e)" }
                if let d = i.detail { text += " (\(d))" }
                text += "\n" + Hex.string(i.bytes) + "\n"
            }
            if let output { try write(Array(text.utf8), to: output) } else { print(text, terminator: "") }
        case .bin:
            guard let output else { throw ValidationError("--format bin needs --output DIR") }
            mkdir(output, 0o755)
            for i in items {
                try write(i.bytes, to: "\(output)/\(String(format6: i.index))-\(i.label.replacingColons).bin")
            }
        case .lpk:
            guard let output else { throw ValidationError("--format lpk needs --output FILE") }
            try write(LengthPrefixedFile.encode(items.map(\.bytes)), to: output)
        case .pcap:
            guard let output else { throw ValidationError("--format pcap needs --output FILE") }
            let writer = try CaptureWriter(path: output, linkType: .ethernet)
            let source = IPAddress("192.168.1.10")!, group = IPAddress("224.0.0.251")!
            for i in items {
                // One message every 100 ms from a fixed epoch, so captures are byte-identical too.
                let t = Timestamp(totalNanoseconds: 1_700_000_000_000_000_000 + Int64(i.index) * 100_000_000)
                for frame in FrameBuilder.ethernetUDP(source: source, destination: group, sourcePort: 5353,
                                                      destinationPort: 5353, payload: i.bytes, identification: UInt32(i.index)) {
                    try writer.write(frame, at: t)
                }
            }
            try writer.close()
        }
        if output != nil { FileIO.stderr("wrote \(items.count) message(s) as \(format.rawValue) to \(output!)\n") }
    }

    static func parseSeed(_ s: String) -> UInt64? {
        s.hasPrefix("0x") ? UInt64(s.dropFirst(2), radix: 16) : UInt64(s)
    }

    func write(_ bytes: [UInt8], to path: String) throws {
        guard let f = fopen(path, "wb") else { throw ValidationError("cannot write \(path)") }
        defer { fclose(f) }
        guard fwrite(bytes, 1, bytes.count, f) == bytes.count else { throw ValidationError("short write to \(path)") }
    }
}

extension String {
    init(format6 n: Int) { let s = String(n); self = String(repeating: "0", count: Swift.max(0, 6 - s.count)) + s }
    var replacingColons: String { String(map { $0 == ":" ? "_" : $0 }) }
}
