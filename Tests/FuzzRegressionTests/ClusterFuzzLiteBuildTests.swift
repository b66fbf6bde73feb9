import Testing
import Foundation
import FuzzTargets

/// Runs .clusterfuzzlite/build.sh as OSS-Fuzz would (OUT, SRC, SANITIZER, SWIFTFLAGS set) and
/// checks that every fuzz target lands in $OUT. It builds the package with sanitizers, which takes
/// minutes, so it runs in CI (CI set) or when MDNS_CLUSTERFUZZLITE_TEST=1.
@Suite("ClusterFuzzLite build")
struct ClusterFuzzLiteBuildTests {
    static var enabled: Bool {
        let env = ProcessInfo.processInfo.environment
        return env["CI"] != nil || env["MDNS_CLUSTERFUZZLITE_TEST"] == "1"
    }

    @Test(.enabled(if: ClusterFuzzLiteBuildTests.enabled, "set CI or MDNS_CLUSTERFUZZLITE_TEST=1"), .timeLimit(.minutes(20)))
    func buildShBuildsEveryTarget() throws {
        let fm = FileManager.default
        let work = fm.temporaryDirectory.appendingPathComponent("cfl-\(UInt32.random(in: 0...UInt32.max))")
        let src = work.appendingPathComponent("src"), out = work.appendingPathComponent("out")
        try fm.createDirectory(at: src, withIntermediateDirectories: true)
        try fm.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: work) }
        // $SRC/swift-mdns is the checkout, as the Dockerfile lays it out.
        try fm.createSymbolicLink(at: src.appendingPathComponent("swift-mdns"), withDestinationURL: packageRoot)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [packageRoot.appendingPathComponent(".clusterfuzzlite/build.sh").path]
        var env = ProcessInfo.processInfo.environment
        env["OUT"] = out.path
        env["SRC"] = src.path
        env["SANITIZER"] = "address"
        env["FUZZING_ENGINE"] = "libfuzzer"
        env["SWIFTFLAGS"] = "-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -static-stdlib --static-swift-stdlib"
        // Keep the sanitizer build out of the normal build folder.
        env["MDNS_FUZZ_SCRATCH"] = packageRoot.appendingPathComponent(".build-fuzz").path
        p.environment = env
        p.currentDirectoryURL = src.appendingPathComponent("swift-mdns")
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "build.sh failed")
        for target in FuzzTarget.allCases {
            let exe = out.appendingPathComponent(target.executableName)
            #expect(fm.isExecutableFile(atPath: exe.path), "\(target.executableName) missing from $OUT")
            #expect(fm.fileExists(atPath: out.appendingPathComponent("\(target.executableName)_seed_corpus.zip").path)
                    || !fm.fileExists(atPath: "/usr/bin/zip"), "seed corpus for \(target.executableName)")
        }
    }
}
