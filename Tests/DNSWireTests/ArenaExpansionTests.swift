import DNSWire
import Foundation
import Testing

/// `MessageParser(_:expandingNamesInto:)` validates and expands each name in one walk: the arena
/// must hold exactly what expanding each name afterwards gives, and every error must be the one
/// the validating walk (with its suffix cache) reports.
@Suite("Name expansion into an arena")
struct ArenaExpansionTests {
    /// Every name of the message, uncompressed, in wire order, expanded one by one after reading.
    private func namesOneByOne(_ raw: UnsafeRawBufferPointer) throws(DNSWireError) -> [UInt8] {
        var p = try MessageParser(raw)
        var out: [UInt8] = []
        while let q = try p.nextQuestion() { p.appendWire(q.name, to: &out) }
        while let r = try p.nextRecord() {
            p.appendWire(r.name, to: &out)
            switch r.rdata {
            case .ptr(let n), .cname(let n), .ns(let n), .srv(_, _, _, let n), .nsec(let n, _), .mx(_, let n): p.appendWire(n, to: &out)
            case .soa(let m, let rn, _, _, _, _, _): p.appendWire(m, to: &out); p.appendWire(rn, to: &out)
            default: break
            }
        }
        return out
    }

    private func namesInArena(_ raw: UnsafeRawBufferPointer, room: Int) -> Result<(names: [UInt8], full: Bool), DNSWireError> {
        var arena = [UInt8](repeating: 0xEE, count: room)
        return arena.withUnsafeMutableBytes { a in
            do throws(DNSWireError) {
                var p = try MessageParser(raw, expandingNamesInto: a)
                while try p.nextRecord() != nil {}
                return .success((Array(a[0..<p.expandedNamesLength]), p.arenaFull))
            } catch { return .failure(error) }
        }
    }

    private static var corpus: [[UInt8]] {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let data = (try? Data(contentsOf: url.appendingPathComponent("Corpus/bench/small.lpk"))).map { [UInt8]($0) } ?? []
        return LengthPrefixedFile.messages(data)
    }

    @Test func theArenaHoldsEveryNameAsExpandingItAfterwardsGives() throws {
        let messages = Self.corpus
        #expect(messages.count == 500)
        for m in messages {
            try m.withUnsafeBytes { raw in
                let expected = try namesOneByOne(raw)
                let got = try namesInArena(raw, room: 1 << 16).get()
                #expect(!got.full)
                #expect(got.names == expected)
            }
        }
    }

    @Test func aFullArenaStopsExpandingButNotValidating() throws {
        let m = Self.corpus.first { $0.count > 300 }!
        try m.withUnsafeBytes { raw in
            let got = try namesInArena(raw, room: 300).get()
            #expect(got.full)
            #expect(got.names.count <= 300)
            // FullParse grows its arena and parses again: same checksum from any starting size.
            var small: [UInt8] = [], large = [UInt8](repeating: 0, count: 1 << 16)
            #expect(try FullParse.checksum(raw, arena: &small) == FullParse.checksum(raw, arena: &large))
        }
    }

    @Test func hostileNamesFailWithTheValidatingWalksError() {
        let cases: [[UInt8]] = [
            headerBytes(qd: 1) + [0xC0, 0x0C, 0, 1, 0, 1],                         // pointer loop
            headerBytes(qd: 1) + [0xC0, 0x04, 0, 1, 0, 1],                         // into the header
            headerBytes(qd: 1) + [0xC0, 0x40, 0, 1, 0, 1],                         // past the end
            headerBytes(qd: 1) + [0x80, 0, 0, 1, 0, 1],                            // reserved label type
            headerBytes(qd: 1) + [3, 0x61, 0x62],                                  // ends inside a label
            headerBytes(qd: 1) + Array(repeating: [63] + label(63), count: 4).joined() + [0, 0, 1, 0, 1],   // too long
            pointerChainMessage(chainLength: 200).bytes,                           // too many hops
            // A PTR whose name runs past RDLENGTH.
            headerBytes(an: 1) + [0, 0, 12, 0, 1, 0, 0, 0, 0, 0, 3, 5, 0x61, 0x62, 0x63, 0x64, 0x65, 0],
        ]
        for bytes in cases {
            bytes.withUnsafeBytes { raw in
                let validated = Result { () throws(DNSWireError) in try FullParse.validate(raw) }
                var arena: [UInt8] = []
                let full = Result { () throws(DNSWireError) in try FullParse.checksum(raw, arena: &arena) }
                guard case .failure(let a) = validated, case .failure(let b) = full else {
                    Issue.record("expected both to fail: \(validated) / \(full)"); return
                }
                #expect(a == b)
            }
        }
    }
}
