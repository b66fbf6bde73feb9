/// RFC 1035 §3.3.14 TXT rdata: one or more character-strings, with the DNS-SD key/value view of
/// RFC 6763 §6.
///
///     (LEN (1) | LEN bytes)*   filling RDLENGTH exactly
public struct TXT: Hashable, Sendable {
    /// The character-strings as bytes, in order.
    public var strings: [[UInt8]]

    public init(strings: [[UInt8]]) { self.strings = strings }

    /// Each string's bytes in one call: the synthesized hash combines them one by one, and TXT
    /// records of hundreds of bytes are common (caches hash every record they look up).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(strings.count)
        for s in strings {
            hasher.combine(s.count)
            s.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    /// RFC 6763 §6.1: a TXT record with no data is a single empty string.
    public static let empty = TXT(strings: [[]])

    /// Builds `key=value` strings (a nil value gives the boolean form `key`).
    public init(_ pairs: [(String, String?)]) {
        strings = pairs.map { k, v in
            v.map { Array(k.utf8) + [UInt8(ascii: "=")] + Array($0.utf8) } ?? Array(k.utf8)
        }
        if strings.isEmpty { strings = [[]] }
    }

    /// The value of one key (RFC 6763 §6.4).
    public enum Value: Hashable, Sendable {
        /// No string has this key.
        case absent
        /// `key` with no `=`: a boolean attribute, present and true.
        case boolean
        /// `key=value`: a value of opaque bytes, possibly empty (RFC 6763 §6.5).
        case value([UInt8])
    }

    /// One attribute of the key/value view.
    public struct Entry: Hashable, Sendable {
        /// The key bytes as sent.
        public var key: [UInt8]
        /// nil for a boolean attribute (no `=`), else the bytes after the first `=`.
        public var value: [UInt8]?
    }

    /// RFC 6763 §6.4: strings that start with `=` or are empty are ignored; the first occurrence
    /// of a key wins; keys compare case-insensitively (ASCII).
    public var entries: [Entry] {
        var out: [Entry] = []
        for s in strings where !s.isEmpty && s[0] != UInt8(ascii: "=") {
            let eq = s.firstIndex(of: UInt8(ascii: "="))
            let key = Array(s[..<(eq ?? s.endIndex)])
            if out.contains(where: { ASCII.equalFolded($0.key[...], key[...]) }) { continue }
            out.append(Entry(key: key, value: eq.map { Array(s[($0 + 1)...]) }))
        }
        return out
    }

    public subscript(key: String) -> Value {
        let k = Array(key.utf8)
        for e in entries where ASCII.equalFolded(e.key[...], k[...]) {
            return e.value.map { .value($0) } ?? .boolean
        }
        return .absent
    }

    @inlinable
    static func read(_ r: inout WireReader, end: Int) throws(DNSWireError) -> ByteRange {
        let start = r.offset
        while r.offset < end {
            _ = try r.readCharacterString(end: end, "TXT")
        }
        return ByteRange(start, end)
    }

    init(_ r: WireReader, _ range: ByteRange) {
        let end = Int(range.upperBound)
        var i = Int(range.lowerBound)
        // RFC 6763 §6.1's empty TXT (one empty string) is the shared constant: no allocation.
        if end - i == 1 && r.byte(at: i) == 0 { self = .empty; return }
        var count = 0
        while i < end { i += 1 + Int(r.byte(at: i)); count += 1 }
        // Counted first: one allocation for the list instead of one per doubling.
        var out: [[UInt8]] = []
        out.reserveCapacity(count)
        i = Int(range.lowerBound)
        while i < end {
            let n = Int(r.byte(at: i))
            out.append(Array(UnsafeRawBufferPointer(rebasing: r.bytes[(i + 1)..<(i + 1 + n)])))
            i += 1 + n
        }
        strings = out
    }

    func write(to w: inout MessageWriter) {
        for s in strings {
            // RFC 6763 §6.1: each string is at most 255 bytes; longer input is cut, never wrapped.
            w.writeUInt8(UInt8(min(s.count, DNSLimits.maxCharacterStringLength)))
            w.writeBytes(s.prefix(DNSLimits.maxCharacterStringLength))
        }
    }
}
