#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `main` of a fuzz executable built without the fuzzing flags: replays files (corpus entries,
/// crash regressions) through its target so that a crash reproduces without sanitizers.
public enum FileReplay {
    public static func main(_ target: FuzzTarget, arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        if arguments.isEmpty || arguments.first == "--help" || arguments.first == "-h" {
            print("usage: \(target.executableName) FILE...   (replays each file through the \(target.rawValue) fuzz target)")
            exit(arguments.isEmpty ? 2 : 0)
        }
        for path in arguments {
            guard let bytes = read(path) else { print("cannot open \(path)"); exit(2) }
            // A copy of exactly the file's size, so that an overread is an overread here too.
            let failure = bytes.withUnsafeBufferPointer { p in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(p.count, 1)) { tmp -> FuzzFailure? in
                    _ = tmp.initialize(from: p)
                    return target.run(UnsafeRawBufferPointer(start: tmp.baseAddress, count: p.count))
                }
            }
            if let failure { fatalError("\(path): \(failure)") }
        }
        print("replayed \(arguments.count) file(s) through \(target.rawValue)")
        exit(0)
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }
}
