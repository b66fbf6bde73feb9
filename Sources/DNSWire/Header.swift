/// RFC 1035 §4.1.1 message header, with the flag bits of RFC 2535 (AD, CD) and RFC 6762 §18.
///
///     0  1  2  3  4  5  6  7  8  9  10 11 12 13 14 15
///     ID (16)
///     QR | OPCODE (4) | AA | TC | RD | RA | Z | AD | CD | RCODE (4)
///     QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT (16 each)
public struct Header: Hashable, Sendable {
    /// RFC 6762 §18.1: zero in multicast messages; echoed in legacy unicast replies.
    public var id: UInt16
    /// The flags word as on the wire.
    public var flags: UInt16
    public var questionCount: UInt16
    public var answerCount: UInt16
    public var authorityCount: UInt16
    public var additionalCount: UInt16

    public init(id: UInt16 = 0, flags: UInt16 = 0, questionCount: UInt16 = 0, answerCount: UInt16 = 0,
                authorityCount: UInt16 = 0, additionalCount: UInt16 = 0) {
        self.id = id
        self.flags = flags
        self.questionCount = questionCount
        self.answerCount = answerCount
        self.authorityCount = authorityCount
        self.additionalCount = additionalCount
    }

    /// Header of an mDNS query (RFC 6762 §18): ID 0, all flags clear.
    public static var query: Header { Header() }
    /// Header of an mDNS response (RFC 6762 §18.2, §18.4): QR and AA set.
    public static var response: Header {
        var h = Header(); h.isResponse = true; h.authoritativeAnswer = true; return h
    }

    @inlinable func bit(_ n: Int) -> Bool { flags & (1 << n) != 0 }
    @inlinable mutating func set(_ n: Int, _ v: Bool) { if v { flags |= (1 << n) } else { flags &= ~(1 << n) } }

    public var isResponse: Bool { get { bit(15) } set { set(15, newValue) } }
    public var opcode: UInt8 {
        get { UInt8((flags >> 11) & 0xF) }
        set { flags = (flags & ~(0xF << 11)) | (UInt16(newValue & 0xF) << 11) }
    }
    public var authoritativeAnswer: Bool { get { bit(10) } set { set(10, newValue) } }
    public var truncated: Bool { get { bit(9) } set { set(9, newValue) } }
    public var recursionDesired: Bool { get { bit(8) } set { set(8, newValue) } }
    public var recursionAvailable: Bool { get { bit(7) } set { set(7, newValue) } }
    public var z: Bool { get { bit(6) } set { set(6, newValue) } }
    public var authenticData: Bool { get { bit(5) } set { set(5, newValue) } }
    public var checkingDisabled: Bool { get { bit(4) } set { set(4, newValue) } }
    public var rcode: UInt8 {
        get { UInt8(flags & 0xF) }
        set { flags = (flags & ~0xF) | UInt16(newValue & 0xF) }
    }

    /// Flag mnemonics as dig prints them.
    public var flagNames: [String] {
        var out: [String] = []
        if isResponse { out.append("qr") }
        if authoritativeAnswer { out.append("aa") }
        if truncated { out.append("tc") }
        if recursionDesired { out.append("rd") }
        if recursionAvailable { out.append("ra") }
        if z { out.append("z") }
        if authenticData { out.append("ad") }
        if checkingDisabled { out.append("cd") }
        return out
    }
}
