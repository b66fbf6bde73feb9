import DNSWire
import Testing

/// A 65,535-byte message: one question with a maximal (255-byte) name, then 10,875 questions whose
/// names are pointers, so that every name is the maximal name reached through a chain of pointers.
/// With `capped`, each question points at the previous one until a chain reaches
/// `DNSLimits.maxPointerHops`, then starts again at the first name; past offset 0x3FFF (where no
/// pointer can reach) every question points at a question of the longest allowed chain. Without it
/// the chain grows until a name fails. A last opaque record pads the message to exactly 65,535 bytes.
private func chainedMaximalNames(capped: Bool) -> (bytes: [UInt8], maximal: DNSName) {
    let labels: [[UInt8]] = [label(63, 0x61), label(63, 0x62), label(63, 0x63), label(61, 0x64)]
    let maximal = try! DNSName(labels: labels)
    precondition(maximal.wire.count == DNSLimits.maxNameLength)
    let chained = 10_875
    var b = headerBytes(qd: UInt16(1 + chained), an: 1)
    b += maximal.wire + hex("0001 0001")
    var previous = (offset: DNSLimits.headerLength, hops: 0)
    var deepest = previous
    for _ in 0..<chained {
        var target = previous
        if target.offset > DNSLimits.maxPointerOffset || (capped && target.hops == DNSLimits.maxPointerHops) {
            target = deepest.offset <= DNSLimits.maxPointerOffset && deepest.hops < DNSLimits.maxPointerHops
                ? deepest : (offset: DNSLimits.headerLength, hops: 0)
        }
        let me = (offset: b.count, hops: target.hops + 1)
        b += pointer(target.offset) + hex("0001 0001")
        if me.offset <= DNSLimits.maxPointerOffset && me.hops < DNSLimits.maxPointerHops && me.hops >= deepest.hops { deepest = me }
        previous = me
    }
    b += hex("00 ff01 0001 00000000 0003 010203")
    precondition(b.count == DNSLimits.maxMessageLength)
    return (b, maximal)
}

@Suite("A 65,535-byte message decodes or fails without trapping")
struct LargeMessageTests {
    @Test func maximalNamesThroughPointerChainsDecode() throws {
        let (bytes, maximal) = chainedMaximalNames(capped: true)
        #expect(bytes.count == 65_535)
        let m = try Message(decoding: bytes)
        #expect(m.questions.count == 10_876)
        #expect(m.questions.allSatisfy { $0.name == maximal && $0.name.wire.count == 255 })
        #expect(m.answers == [ResourceRecord(name: .root, ttl: 0, rdata: .opaque(RRType(0xFF01), [1, 2, 3]))])
        // The lazy parser validates the same names without expanding them.
        let entries = try bytes.withUnsafeBytes { raw throws(DNSWireError) in try FullParse.validate(raw) }
        #expect(entries == 10_877)
    }

    @Test func reencodingPointsEveryNameStraightAtTheFirst() throws {
        let (bytes, _) = chainedMaximalNames(capped: true)
        let m = try Message(decoding: bytes)
        let again = m.encoded()
        // Same size: each chained pointer becomes one pointer to offset 12.
        #expect(again.count == 65_535)
        #expect(Array(again[271..<277]) == hex("c00c 0001 0001"))
        #expect(try Message(decoding: again) == m)
        // Uncompressed, it cannot fit: the encoder stops at the UDP maximum and says what it left out.
        let out = MessageEncoder(compression: .none, maxSize: DNSLimits.maxMessageLength).encode(m)
        #expect(out.bytes.count <= DNSLimits.maxMessageLength)
        #expect(out.written.questions.count == (DNSLimits.maxMessageLength - DNSLimits.headerLength) / 259)
        #expect(out.omittedQuestions.count == 10_876 - out.written.questions.count)
        #expect(out.omitted.count == 1)
        #expect(try Message(decoding: out.bytes) == out.written)
    }

    @Test func anEverGrowingChainIsCutAtTheHopCap() {
        let (bytes, _) = chainedMaximalNames(capped: false)
        // Question k (k ≥ 1) follows k pointers: question 128 is the first over the cap. Its hop 128
        // is the pointer of question 1, the first chained one, at offset 12 + 259.
        expectDecodeError(bytes, .pointerHopLimit, at: 12 + 259)
    }

    @Test func everyByteAPointerByteIsALoopNotAHang() {
        // Header with one question, then 0xC0 everywhere: c0c0 points at 192, which points at 192.
        let bytes = headerBytes(qd: 1) + [UInt8](repeating: 0xC0, count: 65_535 - 12)
        expectDecodeError(bytes, .pointerHopLimit, at: 192)
    }

    @Test func everyByte63IsANameTooLong() {
        // 0x3F everywhere: 63-byte labels of 0x3F until the fourth reaches 256 bytes.
        let bytes = headerBytes(qd: 1) + [UInt8](repeating: 0x3F, count: 65_535 - 12)
        expectDecodeError(bytes, .nameTooLong, at: 12 + 3 * 64)
    }

    @Test func maximalCountsAndPseudoRandomBodiesNeverTrap() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        for counts in [(1, 0), (100, 100), (2000, 3000), (0, 5000)] {
            var bytes = headerBytes(qd: UInt16(counts.0), an: UInt16(counts.1))
            for _ in 12..<65_535 { bytes.append(next()) }
            // Mostly garbage: any outcome is fine except a trap; errors carry an offset inside the message.
            if case .failure(let e) = decode(bytes) {
                #expect(e.offset >= 0 && e.offset <= bytes.count, "\(e)")
            }
        }
    }
}
