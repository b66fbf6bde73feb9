import DNSWire
import MDNSCore
import MDNSGenerators

/// The generator's hostile messages in batches, one batch per mutator; after each batch the
/// responder must still answer (its SRV, or its A if it answers only that). Live, a crash (the process gone), a hang or silence fails the
/// case and names the batch, with the batch's first packets as hex.
enum HostileBatchCases {
    /// Messages per batch.
    static let batchSize = 25
    /// Gap between batches: past the §6 one-second multicast rate limit of the check's answer.
    static let batchSpacing: Duration = .milliseconds(1200)
    /// Hex of this many packets of a failing batch goes into the evidence.
    static let packetsShown = 3
    /// A name nobody on the link owns: a parser that accepts a mutated message has nothing to answer.
    static let foreign = try! DNSName(parsing: "hostile-probe._hostile._udp.local")

    static var all: [ConformanceCase] {
        [
            ConformanceCase(id: "robust-generated-batches", section: "RFC 1035 §4.1.4",
                            title: "every generator mutator in batches of 25 (pointer loops, over-long names, RDLENGTH and count lies, truncations); the responder answers after each",
                            catalogue: ["A7", "A8", "A9", "A10", "A11", "A12", "C: RFC 9267 anti-patterns"], level: .info,
                            citation: "In this scheme, an entire domain name or a list of labels at the end of a domain name is replaced with a pointer to a prior occurance of the same name.") { c in
                run(c)
            },
        ]
    }

    static func base(_ rng: inout SplitMix64) -> Message {
        var h = Header.query
        h.id = 0
        return Message(header: h, questions: [Question(name: foreign, type: .ptr), Question(name: foreign, type: .srv)],
                       answers: [ResourceRecord(name: foreign, ttl: 120, rdata: .srv(SRV(port: UInt16.random(in: 1...65535, using: &rng), target: foreign)))])
    }

    static func run(_ c: CaseContext) -> CaseOutcome {
        c.startSettled()
        // the instance's SRV, or the host's A for a device that answers only that
        let asks: [(DNSName, RRType)] = c.publication.services.isEmpty ? [(c.hostName, .a)] : [(c.instanceName(), .srv), (c.hostName, .a)]
        guard let (name, type) = asks.first(where: { n, t in c.ask(CaseContext.query(n, t), match: { CaseContext.answers($0, n, t) }) != nil }) else {
            return .notApplicable("no answer to an SRV or A query before any hostile input: nothing to compare")
        }
        let check = { () -> (packet: ObservedPacket, ms: Double)? in
            c.ask(CaseContext.query(name, type), match: { CaseContext.answers($0, name, type) })
        }
        var rng = c.rng
        for (k, mutator) in Mutator.allCases.enumerated() {
            c.wait(batchSpacing)
            let batch = (0..<batchSize).map { _ in Mutate.mutation(mutator, base: base(&rng), &rng) }
            let t0 = c.now
            for m in batch { c.target.deliver(m.bytes, from: c.tester, to: .multicast, link: 0) }
            c.note("batch \(k + 1)/\(Mutator.allCases.count) \(mutator.rawValue): \(batch.count) messages")
            if check() == nil {
                for m in batch.prefix(packetsShown) { c.note("  \(m.detail): \(hex(m.bytes))") }
                let silentSince = c.sent(after: t0).isEmpty ? "; nothing sent since the batch" : ""
                return .fail("no \(type) answer within 1 s after batch \(k + 1) (\(mutator.rawValue))\(silentSince)")
            }
        }
        return .pass("answered \(type) after each of \(Mutator.allCases.count) batches of \(batchSize) hostile messages")
    }

    static func hex(_ b: [UInt8]) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        let shown = b.prefix(96).map { String([digits[Int($0 >> 4)], digits[Int($0 & 15)]]) }.joined()
        return shown + (b.count > 96 ? "… (\(b.count) bytes)" : "")
    }
}
