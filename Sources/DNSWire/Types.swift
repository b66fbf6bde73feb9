/// RFC 1035 §3.2.2 TYPE and §3.2.3 QTYPE values.
public struct RRType: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = RRType(1)
    public static let ns = RRType(2)
    public static let cname = RRType(5)
    public static let soa = RRType(6)
    public static let ptr = RRType(12)
    public static let hinfo = RRType(13)
    public static let mx = RRType(15)
    public static let txt = RRType(16)
    public static let aaaa = RRType(28)
    public static let srv = RRType(33)
    public static let opt = RRType(41)
    public static let nsec = RRType(47)
    public static let any = RRType(255)

    static let names: [(RRType, String)] = [
        (.a, "A"), (.ns, "NS"), (.cname, "CNAME"), (.soa, "SOA"), (.ptr, "PTR"), (.hinfo, "HINFO"),
        (.mx, "MX"), (.txt, "TXT"), (.aaaa, "AAAA"), (.srv, "SRV"), (.opt, "OPT"), (.nsec, "NSEC"),
        (.any, "ANY"),
    ]

    /// Mnemonic, or `TYPEn` (RFC 3597 §5) for unknown types.
    public var description: String {
        for (t, n) in Self.names where t == self { return n }
        return "TYPE\(rawValue)"
    }

    /// Reads a mnemonic or `TYPEn`.
    public init?(mnemonic: String) {
        let up = mnemonic.uppercased()
        for (t, n) in Self.names where n == up { self = t; return }
        if up.hasPrefix("TYPE"), let v = UInt16(up.dropFirst(4)) { self.init(v); return }
        return nil
    }

    public static func < (a: RRType, b: RRType) -> Bool { a.rawValue < b.rawValue }
}

/// RFC 1035 §3.2.4 CLASS values, with the mDNS top bit already removed.
public struct RRClass: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let `in` = RRClass(1)
    public static let any = RRClass(255)

    public var description: String {
        switch self {
        case .in: return "IN"
        case .any: return "ANY"
        default: return "CLASS\(rawValue)"
        }
    }

    public static func < (a: RRClass, b: RRClass) -> Bool { a.rawValue < b.rawValue }
}

/// RFC 6762 §18.12 and §18.13: the top bit of QCLASS is the unicast-response (QU) bit, the top bit
/// of RRCLASS the cache-flush bit.
public let mdnsClassTopBit: UInt16 = 0x8000

/// The three record sections of a message.
public enum Section: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case answer, authority, additional
    public var description: String {
        switch self {
        case .answer: return "ANSWER"
        case .authority: return "AUTHORITY"
        case .additional: return "ADDITIONAL"
        }
    }
}

/// A byte range inside the message being parsed.
public struct ByteRange: Hashable, Sendable {
    public let lowerBound: Int32
    public let upperBound: Int32
    @inlinable init(_ lower: Int, _ upper: Int) {
        lowerBound = Int32(truncatingIfNeeded: lower)
        upperBound = Int32(truncatingIfNeeded: upper)
    }
    public var count: Int { Int(upperBound - lowerBound) }
    public var range: Range<Int> { Int(lowerBound)..<Int(upperBound) }
}
