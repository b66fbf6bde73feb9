/// The one error type of DNSWire: what went wrong, where, and why.
public struct DNSWireError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable, CaseIterable {
        /// The message ends before the field being read.
        case truncated
        /// A section count promises more entries than the remaining bytes can hold.
        case countExceedsData
        /// A compression pointer lands at or past the end of the message.
        case pointerOutOfRange
        /// A compression pointer lands inside the 12-byte header.
        case pointerIntoHeader
        /// A name follows more compression pointers than `DNSLimits.maxPointerHops`.
        case pointerHopLimit
        /// A label starts with the reserved 0x40 or 0x80 type bits (RFC 6891 §5, RFC 9267 §2).
        case reservedLabelType
        /// A name is longer than `DNSLimits.maxNameLength` once expanded.
        case nameTooLong
        /// A label is longer than `DNSLimits.maxLabelLength` (presentation or model input).
        case labelTooLong
        /// Typed rdata does not fill RDLENGTH exactly.
        case rdataLengthMismatch
        /// A name inside rdata runs past the end of RDLENGTH.
        case nameCrossesRData
        /// Rdata bytes break the record type's own structure (TXT string length, NSEC window, OPT option).
        case invalidRData
        /// Bytes remain after the last record the header announces.
        case trailingBytes
        /// A presentation-format name or value could not be read.
        case invalidPresentation
    }

    public var code: Code
    /// Byte offset in the message (or in the presentation string) where the problem was found.
    public var offset: Int
    public var reason: String

    public init(_ code: Code, at offset: Int, _ reason: String) {
        self.code = code
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(code.rawValue) at byte \(offset): \(reason)" }
}

/// Every limit the codec enforces. Each one has a test in DNSWireTests/LimitsTests.swift.
public enum DNSLimits {
    /// RFC 1035 §4.1.1: the fixed header.
    public static let headerLength = 12
    /// RFC 1035 §2.3.4: labels are 63 octets or less.
    public static let maxLabelLength = 63
    /// RFC 1035 §2.3.4: names are 255 octets or less in wire form, length bytes and root included.
    public static let maxNameLength = 255
    /// Compression pointers followed while reading one name. A name of 255 bytes has at most 127
    /// labels, so no honest name needs more hops than that; loops end here or at `maxNameLength`.
    public static let maxPointerHops = 127
    /// RFC 1035 §4.1.4: pointers are 14-bit offsets.
    public static let maxPointerOffset = 0x3FFF
    /// The smallest question: root name (1) + type (2) + class (2).
    public static let minQuestionLength = 5
    /// The smallest record: root name (1) + type, class, TTL, RDLENGTH (10).
    public static let minRecordLength = 11
    /// RFC 6762 §17: an mDNS message is at most 9000 bytes.
    public static let maxMulticastMessageLength = 9000
    /// RFC 6762 §17: the typical size that avoids IP fragmentation on Ethernet.
    public static let typicalMessageLength = 1440
    /// Any DNS message parsed safely up to the UDP maximum.
    public static let maxMessageLength = 65535
    /// RFC 6763 §6.1 / RFC 1035 §3.3: a character-string is at most 255 bytes.
    public static let maxCharacterStringLength = 255
    /// Entries a decoded section makes room for at its first entry (instead of growing 1, 2, 4,
    /// 8…). A constant: counts decide only whether a section has entries, never a size.
    public static let decodeSectionCapacity = 8
    /// Distinct names one owned decode remembers so that later names compressed to the same
    /// bytes share their storage (`DecodedNames`); names past this many are copied each time.
    public static let decodeSharedNames = 16
}
