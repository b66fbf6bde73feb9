import Testing
import Foundation
import DNSWire
import FuzzTargets

/// The package root, from this file's path (Tests/FuzzRegressionTests/…).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func files(in dir: URL) -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.sorted().map { dir.appendingPathComponent($0) }.filter {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDir) && !isDir.boolValue
    }
}

@Suite("Fuzz corpus and crash regressions replay cleanly")
struct CorpusReplayTests {
    @Test(arguments: FuzzTarget.allCases)
    func corpusReplays(_ target: FuzzTarget) throws {
        let dir = packageRoot.appendingPathComponent("Corpus/\(target.rawValue)")
        let inputs = files(in: dir)
        #expect(inputs.count >= 20, "Corpus/\(target.rawValue) should hold the seed corpus")
        for url in inputs {
            let bytes = [UInt8](try Data(contentsOf: url))
            #expect(target.run(bytes) == nil, "\(url.lastPathComponent)")
        }
    }

    /// Crash regressions are named after what broke (Scripts/fuzz names them on minimizing).
    @Test(arguments: FuzzTarget.allCases)
    func regressionsReplay(_ target: FuzzTarget) throws {
        let dir = packageRoot.appendingPathComponent("Corpus/regressions/\(target.rawValue)")
        for url in files(in: dir) {
            let bytes = [UInt8](try Data(contentsOf: url))
            #expect(target.run(bytes) == nil, "\(url.lastPathComponent)")
        }
    }

    @Test func corpusStaysSmall() throws {
        var total = 0
        let corpus = packageRoot.appendingPathComponent("Corpus")
        let e = FileManager.default.enumerator(atPath: corpus.path)
        while let p = e?.nextObject() as? String {
            let a = try FileManager.default.attributesOfItem(atPath: corpus.appendingPathComponent(p).path)
            if (a[.type] as? FileAttributeType) == .typeRegular { total += (a[.size] as? Int) ?? 0 }
        }
        #expect(total < 2_000_000, "Corpus/ is \(total) bytes")
    }

    /// No corpus file may be a copy of a third-party file in ../shared (they are never copied in).
    @Test func corpusHoldsNoThirdPartyFile() throws {
        let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/third-party")
        guard FileManager.default.fileExists(atPath: shared.path) else {
            print("skipping: \(shared.path) is absent")
            return
        }
        var theirs = Set<Data>()
        let e = FileManager.default.enumerator(atPath: shared.path)
        while let p = e?.nextObject() as? String {
            if let d = try? Data(contentsOf: shared.appendingPathComponent(p)) { theirs.insert(d) }
        }
        for target in FuzzTarget.allCases {
            for url in files(in: packageRoot.appendingPathComponent("Corpus/\(target.rawValue)")) {
                #expect(!theirs.contains(try Data(contentsOf: url)), "\(url.lastPathComponent) is a third-party file")
            }
        }
    }
}

@Suite("Fuzz targets report broken invariants")
struct FuzzTargetTests {
    @Test func validMessagePasses() {
        let m = Message(header: .response, answers: [ResourceRecord(name: try! DNSName(labels: ["a", "local"]), ttl: 120,
                                                                    rdata: .a(IPv4Address(10, 0, 0, 1)))])
        for t in FuzzTarget.allCases { #expect(t.run(m.encoded()) == nil) }
    }

    @Test func hostileBytesPass() {
        // A self-pointing name: rejected by every decoder, the same way.
        let bytes: [UInt8] = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1]
        for t in FuzzTarget.allCases { #expect(t.run(bytes) == nil) }
    }
}
