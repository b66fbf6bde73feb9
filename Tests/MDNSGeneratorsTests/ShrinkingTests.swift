import Testing
import PropertyBased
import DNSWire
@testable import MDNSGenerators

/// A generated message with the seed that produced it; it shrinks structurally and prints as a
/// counterexample (commented hex, dig-style text, the seed).
struct SeededMessage: Sendable, CustomStringConvertible {
    var seed: UInt64
    var message: Message
    var description: String { Counterexample.report(message: message, seed: seed) }
}

/// Messages of `kind` (any kind when nil) from a seed, shrinking with `MessageShrink`.
func messageGen(_ kind: MessageKind? = nil) -> Generator<SeededMessage, [SeededMessage]> {
    Generator(run: { rng in
        let seed = rng.next()
        var r = SeededRandom(seed: seed)
        return SeededMessage(seed: seed, message: kind.map { MessageGen.message($0, &r) } ?? MessageGen.message(&r))
    }, shrink: { v in MessageShrink.message(v.message).map { SeededMessage(seed: v.seed, message: $0) } })
}

/// Hostile messages of one mutator; the base shrinks, the defect stays.
func mutationGen(_ mutator: Mutator) -> Generator<MutationCase, [MutationCase]> {
    Generator(run: { rng in MutationCase(mutator: mutator, seed: rng.next()) }, shrink: { $0.shrinkCandidates })
}

/// A deliberately broken rule, for the demonstrations only: character-strings longer than 127
/// bytes written cut to 127 (a signed-length bug), so TXT rdata no longer round-trips.
enum SignedLengthFault {
    static func encode(_ m: Message) -> [UInt8] {
        var m = m
        for s in Section.allCases {
            m[s] = m[s].map { r in
                guard case .txt(let t) = r.rdata else { return r }
                var r = r
                r.rdata = .txt(TXT(strings: t.strings.map { Array($0.prefix(127)) }))
                return r
            }
        }
        return m.encoded(compression: .suffixes)
    }

    static func fails(_ m: Message) -> Bool { (try? Message(decoding: encode(m))) != m.canonical }
}

@Suite("Shrinking: failing messages shrink to the smallest that still fails")
struct ShrinkingTests {
    @Test("candidates are valid, canonical and never the value itself")
    func candidatesAreValid() async {
        await propertyCheck(count: 60, input: messageGen()) { v in
            for c in MessageShrink.message(v.message) {
                #expect(c != v.message, "seed \(hex(v.seed))")
                #expect(c == c.canonical, "seed \(hex(v.seed))")
                #expect((try? Message(decoding: c.encoded())) == c, "seed \(hex(v.seed)): \(c)")
            }
        }
    }

    @Test("names shrink to the root, labels to one byte")
    func names() throws {
        let n = try DNSName(parsing: "Living\\ Room._http._tcp.local")
        let c = MessageShrink.name(n)
        #expect(c.first == .root)
        #expect(c.contains(try DNSName(parsing: "_http._tcp.local")))
        #expect(c.contains(try DNSName(parsing: "L._http._tcp.local")))
        #expect(!c.contains(n))
        #expect(MessageShrink.name(.root).isEmpty)
        let minimal = Shrinker.minimize(n, candidates: MessageShrink.name) { $0.labels.count >= 2 }
        #expect(minimal.value == (try DNSName(parsing: "a.a")))
    }

    @Test("rdata shrinks to its smallest valid value of the same type")
    func rdata() {
        var rng = SeededRandom(seed: 4)
        for type in RecordGen.types {
            let r = RecordGen.record(type, &rng)
            let small = Shrinker.minimize(r, candidates: MessageShrink.record) { $0.type == type }.value
            #expect(small.type == type)
            #expect(MessageShrink.record(small).isEmpty, "\(small) still has candidates")
            #expect(small.ttl == 0 && !small.cacheFlush)
            #expect(small.rdata.canonicalBytes.count <= r.rdata.canonicalBytes.count)
        }
    }

    @Test("shrinking stops at ShrinkLimits.maxShrinkSteps and maxShrinkAttempts")
    func limits() {
        #expect(ShrinkLimits.maxShrinkSteps == 400)
        #expect(ShrinkLimits.maxShrinkAttempts == 20_000)
        let endless = Shrinker.minimize(UInt64.max, candidates: { [$0 - 1] }, stillFails: { _ in true })
        #expect(endless.steps == ShrinkLimits.maxShrinkSteps)
        let wide = Shrinker.minimize(0, candidates: { _ in Array(repeating: 1, count: 30_000) }, stillFails: { _ in false })
        #expect(wide.attempts == ShrinkLimits.maxShrinkAttempts && wide.steps == 0)
    }

    @Test("a signed-length fault shrinks to one TXT record with one 128-byte string")
    func faultShrinksToOneRecord() {
        // The first seed (in order) whose announcement breaks the faulty encoder.
        guard let seed = (UInt64(0)..<2000).first(where: { s in
            var r = SeededRandom(seed: s)
            let m = MessageGen.message(.announcement, &r)
            return MessageShrink.size(m) > 4 && SignedLengthFault.fails(m)
        }) else { Issue.record("no announcement with a long TXT string in 2000 seeds"); return }
        var r = SeededRandom(seed: seed)
        let original = MessageGen.message(.announcement, &r)
        let shrunk = Shrinker.minimize(original, candidates: MessageShrink.message, stillFails: SignedLengthFault.fails)
        let m = shrunk.value
        print("signed-length fault, seed \(seed): \(MessageShrink.size(original)) entries -> \(MessageShrink.size(m)) in \(shrunk.steps) steps, \(shrunk.attempts) tried\n"
              + Counterexample.report(message: m, seed: seed, shrunk: (shrunk.steps, shrunk.attempts)))
        #expect(MessageShrink.size(m) == 1)
        #expect(m.answers.count == 1 && m.answers[0].name == .root && m.answers[0].ttl == 0)
        #expect(m.answers[0].rdata == .txt(TXT(strings: [Array(repeating: UInt8(ascii: "a"), count: 128)])))
        #expect(shrunk.steps < 60, "\(shrunk.steps) steps")
        #expect(SignedLengthFault.fails(m))
    }

    @Test("a hostile case shrinks its base and keeps its defect")
    func hostileKeepsDefect() {
        let c = MutationCase(mutator: .pointerSelfLoop, seed: 11)
        let code = decodeResult(c.mutation.bytes).failureCode
        #expect(code == .pointerHopLimit)
        let shrunk = Shrinker.minimize(c, candidates: \.shrinkCandidates) { k in
            decodeResult(k.mutation.bytes).failureCode == code && k.base.records.contains { $0.record.type == .srv }
        }
        #expect(shrunk.value.mutator == .pointerSelfLoop)
        #expect(MessageShrink.size(shrunk.value.base) == 1)
        #expect(decodeResult(shrunk.value.mutation.bytes).failureCode == .pointerHopLimit)
    }

    @Test("the report shows the seed, commented hex and dig-style text")
    func report() throws {
        var m = Message(header: .response)
        m.answers = [ResourceRecord(name: try DNSName(parsing: "a.local"), ttl: 120, rdata: .a(IPv4Address(10, 0, 0, 1)))]
        let text = Counterexample.report(message: m.normalized, seed: 0x2a)
        #expect(text.contains("from seed 0x2a"))
        #expect(text.contains("01 61 05 6c 6f 63 61 6c 00 00 01 00 01 00 00 00 78 00 04 0a 00 00 01   ; ANSWER a.local."))
        #expect(text.contains(";; ANSWER SECTION:"))
    }
}

