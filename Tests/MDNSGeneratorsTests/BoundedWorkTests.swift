import Testing
import PropertyBased
import DNSWire
@testable import MDNSGenerators

/// Decode work is O(message length) (DESIGN rule 2; FreeBSD resolv, TALOS-2020-0994).
///
/// How it is measured, honestly: DNSWire is not instrumented. Instead every name the parser
/// validated is walked again here, the plain way (no caches), counting the bytes a walk visits:
/// each label (length byte + data) and each 2-byte pointer on the way to the root. DNSWire's
/// `readName` visits no more than this walk does (it follows the same pointers and stops at the same
/// root, and may stop earlier when it has seen a suffix before). Fixed fields and rdata are read
/// once, so the total work is at most `length + Σ walk(name)`. The per-name walk is capped by the
/// limits at `maxNameLength + 2 × maxPointerHops` bytes, and a name costs at least 1 byte of a
/// 5-byte question or 11-byte record, with at most 3 names per entry (SOA), so
/// `work ≤ length × (1 + 3 × (255 + 2 × 127) / 5)`; the tests check the measured sum against it.
enum DecodeWork {
    static let perName = DNSLimits.maxNameLength + 2 * DNSLimits.maxPointerHops
    static let factor = 1 + 3 * perName / DNSLimits.minQuestionLength

    /// Bytes a plain walk of the name at `offset` visits.
    static func walk(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> Int {
        var pos = offset, visited = 0
        while true {
            let len = Int(bytes[pos])
            if len & 0xC0 == 0xC0 { visited += 2; pos = (len & 0x3F) << 8 | Int(bytes[pos + 1]); continue }
            visited += 1 + len
            if len == 0 { return visited }
            pos += 1 + len
        }
    }

    /// Work for an accepted message: its length plus every name walk; and the largest name walk.
    static func measure(_ bytes: [UInt8]) throws -> (work: Int, maxName: Int) {
        try bytes.withUnsafeBytes { raw in
            var p = try MessageParser(raw)
            var refs: [NameRef] = []
            while let q = try p.nextQuestion() { refs.append(q.name) }
            while let r = try p.nextRecord() {
                refs.append(r.name)
                switch r.rdata {
                case .ptr(let n), .cname(let n), .ns(let n): refs.append(n)
                case .srv(_, _, _, let n), .mx(_, let n), .nsec(let n, _): refs.append(n)
                case .soa(let m, let rn, _, _, _, _, _): refs.append(m); refs.append(rn)
                default: break
                }
            }
            let walks = refs.map { walk(raw, Int($0.offset)) }
            return (bytes.count + walks.reduce(0, +), walks.max() ?? 0)
        }
    }
}

@Suite("DESIGN rule 2: decode work is bounded by the message length")
struct BoundedWorkTests {
    @Test func compressionBombIsAcceptedWithinTheBound() throws {
        var rng = SeededRandom(seed: 99)
        for n in [1, 10, 100, 1000] {
            let bomb = Mutate.compressionBomb(questions: n, &rng)
            let m = try Message(decoding: bomb)
            #expect(m.questions.count == n)
            #expect(m.questions.allSatisfy { $0.name.wire.count == DNSLimits.maxNameLength - 2 })
            let (work, maxName) = try DecodeWork.measure(bomb)
            // Each 6-byte question costs the full hop budget.
            #expect(maxName == 2 * DNSLimits.maxPointerHops + DNSLimits.maxNameLength - 2)
            #expect(maxName <= DecodeWork.perName)
            #expect(work <= bomb.count * DecodeWork.factor, "n \(n): \(work) for \(bomb.count) bytes")
        }
    }

    @Test func realisticAndHostileMessagesStayWithinTheBound() async {
        await propertyCheck(count: 300, input: seedGen) { seed in
            var rng = SeededRandom(seed: seed)
            let candidates = [MessageGen.message(&rng).encoded(),
                              Mutate.mutation(rng.pick(Mutator.allCases), base: MessageGen.message(&rng), &rng).bytes]
            for bytes in candidates {
                guard (try? Message(decoding: bytes)) != nil else { continue }
                let (work, maxName) = try DecodeWork.measure(bytes)
                #expect(maxName <= DecodeWork.perName, "seed \(seed)")
                #expect(work <= bytes.count * DecodeWork.factor, "seed \(seed)")
            }
        }
    }

    @Test func theBoundIsAConstantFactor() {
        #expect(DecodeWork.perName == 509)
        #expect(DecodeWork.factor == 306)
    }
}
