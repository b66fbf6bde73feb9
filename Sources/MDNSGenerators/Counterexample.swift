import DNSWire

/// How a minimal counterexample is printed: the seed it came from, the message as commented hex
/// (one header or entry per line, uncompressed so each line stands alone) and dig-style text.
public enum Counterexample {
    static func hex(_ b: some Collection<UInt8>) -> String {
        b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
    }

    /// Wire bytes of `m` without compression, one line per header and entry with its text.
    public static func commentedHex(_ m: Message) -> String {
        let bytes = m.normalized.encoded(compression: .none)
        var lines = [hex(bytes.prefix(DNSLimits.headerLength)) + "   ; header: id \(m.header.id), flags \(m.header.flagNames.joined(separator: " "))"]
        var at = DNSLimits.headerLength
        func line(_ length: Int, _ comment: String) {
            lines.append(hex(bytes[at..<min(bytes.count, at + length)]) + "   ; " + comment)
            at += length
        }
        for q in m.questions { line(q.name.wire.count + 4, "question " + q.description) }
        for s in Section.allCases {
            for r in m[s] { line(r.name.wire.count + 10 + r.rdata.canonicalBytes.count, "\(s) " + r.description) }
        }
        return lines.joined(separator: "\n")
    }

    /// Bytes that may not decode: 16 per line, each line commented with its offset.
    public static func hexDump(_ bytes: [UInt8]) -> String {
        stride(from: 0, to: bytes.count, by: 16).map { o in
            hex(bytes[o..<min(bytes.count, o + 16)]) + "   ; offset \(o)"
        }.joined(separator: "\n")
    }

    /// The report of a shrunk failing message.
    public static func report(message m: Message, seed: UInt64?, shrunk: (steps: Int, attempts: Int)? = nil) -> String {
        var out = "counterexample: \(MessageShrink.size(m)) entries, \(m.encoded(compression: .none).count) bytes"
        if let seed { out += ", from seed 0x\(String(seed, radix: 16))" }
        if let shrunk { out += " after \(shrunk.steps) shrink steps (\(shrunk.attempts) tried)" }
        return out + "\n" + commentedHex(m) + "\n" + m.description
    }

    /// The report of a shrunk hostile message: the case, its bytes, and the valid base it mutates.
    public static func report(mutation c: MutationCase, seed: UInt64?) -> String {
        let mu = c.mutation
        var out = "counterexample: \(mu), \(c)"
        if let seed { out += ", from seed 0x\(String(seed, radix: 16))" }
        return out + "\n" + hexDump(mu.bytes) + "\n;; base message:\n" + c.base.description
    }
}
