import Testing
import PropertyBased
import DNSWire
import FuzzTargets
@testable import MDNSGenerators

func decodeResult(_ bytes: [UInt8]) -> Result<Message, DNSWireError> {
    Result { () throws(DNSWireError) in try Message(decoding: bytes) }
}

/// Checks one mutation against DNSWire: the promised outcome, DNSWire's documented choice where
/// both outcomes are allowed, the exact message where it is known, and a clean round trip of
/// whatever is accepted.
func check(_ mu: Mutation, _ note: Comment) {
    let result = decodeResult(mu.bytes)
    #expect(mu.expected.admits(result), "\(note): \(mu) got \(result)")
    if mu.dnsWireAccepts {
        if case .failure(let e) = result { Issue.record("\(note): DNSWire should accept \(mu): \(e)") }
    }
    if case .success(let m) = result {
        if let want = mu.acceptedMessage { #expect(m == want, "\(note): \(mu)") }
        #expect(FuzzTargets.roundTrip(message: m) == nil, "\(note): \(mu)")
    }
    #expect(FuzzTarget.decode.run(mu.bytes) == nil, "\(note): \(mu)")
}

@Suite("RFC 9267 §2–4 and CONFORMANCE part C: hostile messages fail as their mutator says")
struct MutationProperties {
    static let namedOutcome: [Mutator] = Mutator.allCases.filter { $0 != .bitFlips }

    @Test(arguments: Mutator.allCases)
    func mutatorKeepsItsPromise(_ mutator: Mutator) async {
        await propertyCheck(count: 150, input: mutationGen(mutator)) { c in
            check(c.mutation, "\(c)")
        }
    }

    @Test(arguments: Mutator.allCases.filter { $0 != .bitFlips && $0 != .rdlengthTooLong && $0 != .rdlengthTooShort })
    func mutatorNamesAnOutcome(_ mutator: Mutator) {
        // Apart from bit flips (and the few RDLENGTH cuts that land on a field boundary), every
        // mutator promises a specific result.
        var rng = SeededRandom(seed: 3)
        for _ in 0..<50 {
            let mu = Mutate.mutation(mutator, base: MessageGen.message(&rng), &rng)
            #expect(mu.expected != .anyOutcome, "\(mu)")
        }
    }

    @Test func rdlengthMutatorsMostlyNameAnOutcome() {
        var rng = SeededRandom(seed: 5)
        for mutator in [Mutator.rdlengthTooShort, .rdlengthTooLong] {
            let named = (0..<200).filter { _ in
                Mutate.mutation(mutator, base: MessageGen.message(&rng), &rng).expected != .anyOutcome
            }.count
            #expect(named > 150, "\(mutator): only \(named) of 200 name an outcome")
        }
    }

    @Test func everyTruncationIsRejected() async {
        await propertyCheck(count: 40, input: seedGen, kindGen) { seed, kind in
            var rng = SeededRandom(seed: seed)
            for mu in Mutate.truncations(of: MessageGen.message(kind, &rng)) {
                check(mu, "seed \(seed) kind \(kind.rawValue)")
            }
        }
    }

    @Test("TP-Link Kasa 0a ba 10 00 and every header-length prefix")
    func shortPackets() {
        #expect(decodeResult([0x0a, 0xba, 0x10, 0x00]).failureCode == .truncated)
        let header: [UInt8] = [0, 0, 0x84, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        for n in 0..<12 { #expect(decodeResult(Array(header.prefix(n))).failureCode == .truncated) }
        #expect((try? Message(decoding: header)) != nil)
    }

    @Test("A self-pointing name ends at the hop cap (CVE-2006-6870)")
    func selfLoopExample() throws {
        // header, QDCOUNT 1; the name at offset 12 is a pointer to offset 12.
        let bytes: [UInt8] = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                              0xC0, 0x0C,   // pointer to itself
                              0, 1, 0, 1]   // type A, class IN
        let mu = Mutation(mutator: .pointerSelfLoop, detail: "fixed", bytes: bytes, expected: .rejected(.pointerHopLimit),
                          dnsWireAccepts: false, acceptedMessage: nil)
        check(mu, "fixed")
        #expect(decodeResult(bytes).failureOffset == 12)
    }
}

extension Result where Failure == DNSWireError {
    var failureCode: DNSWireError.Code? { if case .failure(let e) = self { return e.code } else { return nil } }
    var failureOffset: Int? { if case .failure(let e) = self { return e.offset } else { return nil } }
}
