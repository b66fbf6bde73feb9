import DNSWire

/// What a decoder must do with a mutated message.
public enum Expectation: Hashable, Sendable, CustomStringConvertible {
    /// Reject it with exactly this error code.
    case rejected(DNSWireError.Code)
    /// Either accept it or reject it with this code (RFC-legal but unusual input, such as forward
    /// compression pointers, that strict decoders refuse). DNSWire's own choice is in `Mutation.dnsWireAccepts`.
    case acceptedOr(DNSWireError.Code)
    /// Any outcome but a trap or a hang; an accepted message must re-encode and decode again.
    case anyOutcome

    public var description: String {
        switch self {
        case .rejected(let c): return "rejected(\(c.rawValue))"
        case .acceptedOr(let c): return "accepted-or(\(c.rawValue))"
        case .anyOutcome: return "any-outcome"
        }
    }

    /// True when `result` is allowed.
    public func admits(_ result: Result<Message, DNSWireError>) -> Bool {
        switch (self, result) {
        case (.rejected(let c), .failure(let e)): return e.code == c
        case (.rejected, .success): return false
        case (.acceptedOr, .success): return true
        case (.acceptedOr(let c), .failure(let e)): return e.code == c
        case (.anyOutcome, _): return true
        }
    }
}

/// The structure-aware mutators. Each one builds hostile bytes on top of a valid base message and
/// names the outcome (after CONFORMANCE part C and RFC 9267 §2–4).
public enum Mutator: String, CaseIterable, Sendable {
    /// A pointer to itself (CVE-2006-6870 Avahi).
    case pointerSelfLoop = "pointer-self-loop"
    /// 2- to n-pointer cycles, before the name (in earlier label data), inside the name's own
    /// label data, or after it (mdns-sd `read_name`).
    case pointerCycle = "pointer-cycle"
    /// A pointer back to a label of the same name: the name grows every lap.
    case labelledCycle = "labelled-cycle"
    /// A forward pointer to a valid name later in the message (real devices send them).
    case forwardPointer = "forward-pointer"
    /// A pointer into the 12-byte header.
    case pointerIntoHeader = "pointer-into-header"
    /// A pointer at or past the end of the message.
    case pointerPastEnd = "pointer-past-end"
    /// A chain of more than `DNSLimits.maxPointerHops` pointers (TALOS-2020-0994).
    case pointerChainOverHopCap = "pointer-chain-over-cap"
    /// A chain of exactly `DNSLimits.maxPointerHops` pointers (valid for DNSWire).
    case pointerChainAtHopCap = "pointer-chain-at-cap"
    /// A label type of 0x40 or 0x80 (RFC 6891 §5, RFC 9267 §2).
    case reservedLabelType = "reserved-label-type"
    /// Labels plus a pointer to a name whose sum passes 255 bytes (compression bomb).
    case nameTooLongViaCompression = "name-too-long-via-compression"
    /// Labels plus a pointer to a name whose sum is exactly 255 bytes (valid).
    case nameAtMaximumViaCompression = "name-at-maximum-via-compression"
    /// A pointer to a label length in the last byte: the label runs past the end.
    case labelPastEndViaPointer = "label-past-end-via-pointer"
    /// RDLENGTH shorter than the typed rdata (Ripple20 CVE-2020-11901).
    case rdlengthTooShort = "rdlength-too-short"
    /// RDLENGTH longer than the typed rdata, inside or past the message.
    case rdlengthTooLong = "rdlength-too-long"
    /// Section counts up to 0xFFFF over a short body (AMNESIA:33 CVE-2020-24340).
    case countsBeyondData = "counts-beyond-data"
    /// The message cut at any byte (TP-Link Kasa 4-byte packet, every field boundary).
    case truncation
    /// Bytes after the last record.
    case trailingBytes = "trailing-bytes"
    /// Random bit flips.
    case bitFlips = "bit-flips"
}

/// One hostile message and the outcome its mutator promises.
public struct Mutation: Sendable, CustomStringConvertible {
    public var mutator: Mutator
    /// Where and how, e.g. "3-cycle before the name (question)".
    public var detail: String
    public var bytes: [UInt8]
    public var expected: Expectation
    /// What DNSWire does where the expectation allows both (forward pointers, limits exactly met).
    public var dnsWireAccepts: Bool
    /// The exact message a decoder that accepts must produce, when the mutator knows it.
    public var acceptedMessage: Message?

    public var description: String { "\(mutator.rawValue) [\(detail)] expects \(expected), \(bytes.count) bytes" }
}

public enum Mutate {
    static let carrierType = RRType(0xFF9B)   // RFC 6895 private use: opaque to every decoder

    enum Site: CaseIterable { case question, owner, rdata }
    enum Placement { case inside, before, after }

    /// A mutation of `base` by `mutator`.
    public static func mutation<R: RandomNumberGenerator>(_ mutator: Mutator, base: Message, _ rng: inout R) -> Mutation {
        switch mutator {
        case .pointerSelfLoop, .pointerCycle, .labelledCycle, .forwardPointer, .pointerIntoHeader, .pointerPastEnd,
             .pointerChainOverHopCap, .pointerChainAtHopCap, .reservedLabelType, .nameTooLongViaCompression,
             .nameAtMaximumViaCompression, .labelPastEndViaPointer:
            return hostileName(mutator, base: base, &rng)
        case .rdlengthTooShort, .rdlengthTooLong:
            return rdlength(mutator, base: base, &rng)
        case .countsBeyondData:
            return counts(base: base, &rng)
        case .truncation:
            let bytes = base.encoded(compression: rng.chance(0.5) ? .suffixes : .none)
            return truncation(bytes, at: rng.int(0...(bytes.count - 1)))
        case .trailingBytes:
            let bytes = base.encoded(compression: .suffixes)
            return Mutation(mutator: .trailingBytes, detail: "appended", bytes: bytes + RecordGen.bytes(1...16, &rng),
                            expected: .rejected(.trailingBytes), dnsWireAccepts: false, acceptedMessage: nil)
        case .bitFlips:
            var bytes = base.encoded(compression: rng.chance(0.7) ? .suffixes : .none)
            let n = rng.int(1...8)
            for _ in 0..<n { bytes[rng.int(0...(bytes.count - 1))] ^= 1 << UInt8(rng.int(0...7)) }
            return Mutation(mutator: .bitFlips, detail: "\(n) bits", bytes: bytes, expected: .anyOutcome,
                            dnsWireAccepts: false, acceptedMessage: nil)
        }
    }

    /// A random mutator applied to a random realistic message.
    public static func mutation<R: RandomNumberGenerator>(_ rng: inout R) -> Mutation {
        mutation(rng.pick(Mutator.allCases), base: MessageGen.message(&rng), &rng)
    }

    // MARK: truncation and counts

    /// `bytes` cut to `cut` bytes. A decoder must first find the header short (`truncated`), then
    /// the counts too large for what is left (`countExceedsData`), else the message ends inside
    /// a field (`truncated`): every pointer the encoder writes points backwards, so a prefix
    /// never turns into a bad pointer.
    public static func truncation(_ bytes: [UInt8], at cut: Int) -> Mutation {
        precondition(cut < bytes.count)
        let expected: DNSWireError.Code
        if cut < DNSLimits.headerLength {
            expected = .truncated
        } else {
            let qd = Int(bytes[4]) << 8 | Int(bytes[5])
            var rr = 0
            for i in stride(from: 6, to: 12, by: 2) { rr += Int(bytes[i]) << 8 | Int(bytes[i + 1]) }
            let need = qd * DNSLimits.minQuestionLength + rr * DNSLimits.minRecordLength
            expected = need > cut - DNSLimits.headerLength ? .countExceedsData : .truncated
        }
        return Mutation(mutator: .truncation, detail: "cut at \(cut) of \(bytes.count)", bytes: Array(bytes[0..<cut]),
                        expected: .rejected(expected), dnsWireAccepts: false, acceptedMessage: nil)
    }

    /// Every prefix of `base`'s encoding, with and without compression.
    public static func truncations(of base: Message) -> [Mutation] {
        var out: [Mutation] = []
        for c in [MessageWriter.Compression.suffixes, .none] {
            let bytes = base.encoded(compression: c)
            for cut in 0..<bytes.count { out.append(truncation(bytes, at: cut)) }
        }
        return out
    }

    static func counts<R: RandomNumberGenerator>(base: Message, _ rng: inout R) -> Mutation {
        var bytes = base.encoded(compression: rng.chance(0.5) ? .suffixes : .none)
        let remaining = bytes.count - DNSLimits.headerLength
        let field = rng.int(0...3)
        let minSize = field == 0 ? DNSLimits.minQuestionLength : DNSLimits.minRecordLength
        let old = Int(bytes[4 + 2 * field]) << 8 | Int(bytes[5 + 2 * field])
        var need = 0
        for i in 0..<4 {
            let v = Int(bytes[4 + 2 * i]) << 8 | Int(bytes[5 + 2 * i])
            need += v * (i == 0 ? DNSLimits.minQuestionLength : DNSLimits.minRecordLength)
        }
        // Smallest count for this field that needs more bytes than remain.
        let othersNeed = need - old * minSize
        let least = (remaining - othersNeed) / minSize + 1
        let value = rng.chance(0.3) ? 0xFFFF : rng.int(max(least, 0)...max(least, min(0xFFFF, least + 64)))
        bytes[4 + 2 * field] = UInt8(value >> 8)
        bytes[5 + 2 * field] = UInt8(value & 0xFF)
        return Mutation(mutator: .countsBeyondData, detail: "\(["QDCOUNT", "ANCOUNT", "NSCOUNT", "ARCOUNT"][field]) = \(value)",
                        bytes: bytes, expected: .rejected(.countExceedsData), dnsWireAccepts: false, acceptedMessage: nil)
    }
}
