// Runs the spoofed-source flood of CONFORMANCE A54 against the engine and checks its caps and
// memory (Scripts/test runs one million messages in a release build):
//   FloodCheck [MESSAGES]      default 1000000; exit status 1 when a rule is broken
import MDNSConformance
#if canImport(Glibc)
import Glibc
#endif

let args = CommandLine.arguments.dropFirst()
if args.contains("-h") || args.contains("--help") {
    print("usage: FloodCheck [MESSAGES]   (default 1000000)")
    exit(0)
}
guard let n = Int(args.first ?? "1000000"), n > 0 else {
    print("FloodCheck: MESSAGES must be a positive number")
    exit(2)
}
let report = SpoofedFlood.run(messages: n)
print(report)
exit(report.violations.isEmpty ? 0 : 1)
