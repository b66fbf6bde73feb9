// A synchronous driver of the parse benchmark and of capture replay, for callgrind: `mdns` has an
// async main, whose dispatch threads valgrind 3.19 crashes on.
//
//   BenchProbe parse CORPUS.lpk full|validate|lazy|none PASSES
//   BenchProbe replay FILE summary|transcript|json|engine      (output to stdout, as mdns replay)
import BenchSupport
import MDNSReplay
#if canImport(Glibc)
import Glibc
#endif

func usage() -> Never {
    print("usage: BenchProbe parse CORPUS MODE PASSES | BenchProbe replay FILE summary|transcript|json|engine")
    exit(2)
}

let args = CommandLine.arguments
guard args.count == 5 || args.count == 4 else { usage() }
switch args[1] {
case "parse":
    guard args.count == 5, let mode = ParseBench.Mode(rawValue: args[3]), let passes = Int(args[4]),
          let f = fopen(args[2], "rb") else { usage() }
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n <= 0 { break }
        data += chunk[0..<n]
    }
    fclose(f)
    guard let t = ParseBench.run(data, mode: mode, seconds: 0, passes: passes) else { usage() }
    print(ParseBench.line(t, mode: mode))
case "replay":
    let emit: (String) -> Void = { print($0, terminator: "") }
    if args[3] == "engine" {
        _ = EngineReplay.run(path: args[2], emit: emit)
    } else {
        guard let mode = ReplayRunner.Mode(rawValue: args[3]) else { usage() }
        _ = ReplayRunner.run(path: args[2], mode: mode, emit: emit, progress: nil)
    }
default:
    usage()
}
