#if canImport(Glibc)
import Glibc
#endif

#if !FUZZING
/// Without the fuzzing flags the same executable replays files (corpus entries, crash
/// regressions) so that a crash reproduces without sanitizers: `FuzzRoundTrip FILE...`.
@main struct Replay {
    static func main() {
        let paths = CommandLine.arguments.dropFirst()
        if paths.isEmpty || paths.first == "--help" || paths.first == "-h" {
            print("usage: FuzzRoundTrip FILE...   (replays each file through the roundtrip fuzz target)")
            exit(paths.isEmpty ? 2 : 0)
        }
        for path in paths {
            guard let f = fopen(path, "rb") else { print("cannot open \(path)"); exit(2) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true { let n = fread(&chunk, 1, chunk.count, f); if n <= 0 { break }; bytes += chunk[0..<n] }
            fclose(f)
            bytes.withUnsafeBufferPointer { p in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(p.count, 1)) { tmp in
                    _ = tmp.initialize(from: p)
                    _ = fuzzOne(tmp.baseAddress!, p.count)
                }
            }
        }
        print("replayed \(paths.count) file(s) through roundtrip")
    }
}
#endif
