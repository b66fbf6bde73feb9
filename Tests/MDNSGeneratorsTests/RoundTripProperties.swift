import Testing
import PropertyBased
import DNSWire
import FuzzTargets
@testable import MDNSGenerators

/// Seeds for the properties that need only randomness; message properties use `messageGen`,
/// whose failures shrink structurally and print the seed that regenerates the original.
let seedGen = Gen.uint64()
let kindGen = Gen<MessageKind>.case

@Suite("Generated messages: RFC 1035 §4.1 encode/decode round trip")
struct RoundTripProperties {
    @Test func generatedMessagesAreCanonical() async {
        await propertyCheck(count: 300, input: messageGen()) { v in
            let m = v.message
            #expect(m == m.canonical, "seed \(hex(v.seed))")
        }
    }

    @Test func decodeOfEncodeIsIdentityWithAndWithoutCompression() async {
        await propertyCheck(count: 400, input: messageGen()) { v in
            let m = v.message
            for c in [MessageWriter.Compression.suffixes, .none] {
                let bytes = m.encoded(compression: c)
                let back = try Message(decoding: bytes)
                #expect(back == m.canonical, "seed \(hex(v.seed)) compression \(c)")
            }
        }
    }

    @Test func encodeOfDecodeIsAFixpoint() async {
        await propertyCheck(count: 400, input: messageGen()) { v in
            let m = v.message
            #expect(FuzzTargets.roundTrip(message: m) == nil, "seed \(hex(v.seed))")
            for c in [MessageWriter.Compression.suffixes, .none] {
                let b = m.encoded(compression: c)
                let once = try Message(decoding: b).encoded(compression: c)
                let twice = try Message(decoding: once).encoded(compression: c)
                #expect(once == twice, "seed \(hex(v.seed))")
            }
        }
    }

    @Test func compressionShrinksRealisticResponses() async {
        await propertyCheck(count: 100, input: messageGen(.announcement)) { v in
            let m = v.message
            #expect(m.encoded(compression: .suffixes).count < m.encoded(compression: .none).count, "seed \(hex(v.seed))")
        }
    }

    @Test func sameSeedSameMessage() {
        for seed in [0, 1, 42, UInt64.max] as [UInt64] {
            var a = SeededRandom(seed: seed), b = SeededRandom(seed: seed)
            #expect(MessageGen.message(&a).encoded() == MessageGen.message(&b).encoded())
        }
        var a = SeededRandom(seed: 1), b = SeededRandom(seed: 2)
        #expect(MessageGen.message(.random, &a).encoded() != MessageGen.message(.random, &b).encoded())
    }
}

@Suite("Generators cover RFC 6762 message shapes")
struct ShapeTests {
    func sample(_ kind: MessageKind, _ n: Int = 50) -> [Message] {
        var rng = SeededRandom(seed: 7)
        return (0..<n).map { _ in MessageGen.message(kind, &rng) }
    }

    @Test("RFC 6762 §8.1 probes: ANY questions, proposed records in authority")
    func probes() {
        for m in sample(.probe) {
            #expect(!m.header.isResponse)
            #expect(m.questions.allSatisfy { $0.type == .any })
            #expect(!m.authorities.isEmpty && m.answers.isEmpty)
            #expect(m.authorities.allSatisfy { r in m.questions.contains { $0.name == r.name } })
        }
        #expect(sample(.probe).contains { $0.questions.contains { $0.unicastResponse } })
    }

    @Test("RFC 6762 §8.3 announcements: responses with cache-flush on unique records")
    func announcements() {
        for m in sample(.announcement) {
            #expect(m.header.isResponse && m.header.authoritativeAnswer && m.questions.isEmpty)
            for r in m.answers where r.type == .srv || r.type == .txt || r.type == .a || r.type == .aaaa {
                #expect(r.cacheFlush)
            }
            #expect(m.answers.contains { $0.type == .ptr && !$0.cacheFlush })
        }
    }

    @Test("RFC 6762 §10.1 goodbyes have TTL 0")
    func goodbyes() {
        for m in sample(.goodbye) { #expect(!m.answers.isEmpty && m.answers.allSatisfy { $0.ttl == 0 }) }
    }

    @Test("RFC 6762 §7.1 known-answer queries and §7.2 TC continuations")
    func knownAnswers() {
        for m in sample(.knownAnswerQuery) {
            #expect(!m.header.isResponse && m.questions.count == 1 && !m.answers.isEmpty)
            #expect(m.answers.allSatisfy { $0.ttl > 4500 / 2 })
        }
        let tc = sample(.tcContinuation, 100)
        #expect(tc.contains { $0.questions.isEmpty })
        #expect(tc.contains { $0.header.truncated && !$0.questions.isEmpty })
    }

    @Test("RFC 6762 §6.7 legacy unicast: non-zero ID, no QU bit")
    func legacy() {
        for m in sample(.legacyUnicast) {
            #expect(m.header.id != 0 && m.questions.count == 1 && !m.questions[0].unicastResponse)
        }
        for m in sample(.legacyUnicastResponse) {
            #expect(m.header.id != 0 && m.records.allSatisfy { !$0.record.cacheFlush && $0.record.ttl <= 10 })
        }
    }

    @Test("Every record type DNSWire knows is generated, and every label style")
    func coverage() {
        var rng = SeededRandom(seed: 11)
        var types = Set<RRType>()
        for _ in 0..<2000 { types.insert(RecordGen.record(&rng).type) }
        #expect(types == Set(RecordGen.types))
        for style in LabelStyle.allCases {
            for _ in 0..<50 {
                let l = NameGen.label(style, &rng)
                #expect((1...DNSLimits.maxLabelLength).contains(l.count))
                if style == .maximum { #expect(l.count == DNSLimits.maxLabelLength) }
            }
        }
        #expect(NameGen.maximum(&rng).wire.count == DNSLimits.maxNameLength)
        let punct = (0..<20).flatMap { _ in NameGen.label(.punctuation, &rng) }
        #expect(punct.contains(UInt8(ascii: ".")) && punct.contains(UInt8(ascii: "\\")))
    }
}
