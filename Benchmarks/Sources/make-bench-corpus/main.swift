// Writes the committed benchmark corpora from the deterministic traffic generator:
//   Corpus/bench/small.lpk          500 messages in a realistic mix
//   Corpus/bench/addr-ptr-srv.lpk   200 messages with only A, AAAA, PTR and SRV records
// Usage (from Benchmarks/): swift run make-bench-corpus [OUTPUT_DIR]   (default ../Corpus/bench)
import BenchCorpus
import DNSWire

let args = CommandLine.arguments
let outDir = args.count > 1 ? args[1] : "../Corpus/bench"

func emit(_ name: String, _ messages: [[UInt8]]) {
    // Every generated message must decode, or the corpus would measure error paths.
    for (i, m) in messages.enumerated() {
        do { _ = try Message(decoding: m) } catch {
            fatalError("message \(i) of \(name) does not decode: \(error)")
        }
    }
    let path = outDir + "/" + name
    guard CorpusFile.write(path, LengthPrefixedFile.encode(messages)) else { fatalError("cannot write \(path)") }
    let bytes = messages.reduce(0) { $0 + $1.count }
    print("\(path): \(messages.count) messages, \(bytes) bytes, mean \(bytes / messages.count) B, max \(messages.map(\.count).max()!) B")
}

var small = TrafficGenerator(seed: 0x6D64_6E73_0001)
emit("small.lpk", small.realisticMix(count: 500))
var hot = TrafficGenerator(seed: 0x6D64_6E73_0002)
emit("addr-ptr-srv.lpk", hot.addressPointerServiceOnly(count: 200))
