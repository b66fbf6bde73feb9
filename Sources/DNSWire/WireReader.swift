/// Bounds-checked big-endian reads over the caller's bytes. The only place that touches raw memory;
/// every read either succeeds or throws `truncated` with the offset.
@usableFromInline
struct WireReader {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline var offset: Int
    /// Suffixes of names already validated in this message (see `readName`).
    @usableFromInline var names = NameSuffixCache()
    /// When set, every name read is also expanded here, in wire order (see `readNameExpanding`).
    @usableFromInline var arena: UnsafeMutableRawPointer? = nil
    @usableFromInline var arenaCapacity = 0
    /// Bytes of `arena` written so far.
    @usableFromInline var arenaUsed = 0
    /// A name found less than `DNSLimits.maxNameLength + 1` bytes free: it and every later name
    /// were validated but not expanded.
    @usableFromInline var arenaFull = false

    @inlinable init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    @inlinable var count: Int { bytes.count }
    @inlinable var remaining: Int { bytes.count &- offset }

    @inlinable func byte(at i: Int) -> UInt8 { bytes[i] }

    @inlinable @inline(__always) mutating func need(_ n: Int, _ what: StaticString) throws(DNSWireError) {
        guard n <= bytes.count &- offset else { throw Self.truncated(offset, what) }
    }

    @inline(never) @usableFromInline
    static func truncated(_ offset: Int, _ what: StaticString) -> DNSWireError {
        DNSWireError(.truncated, at: offset, "message ends inside \(what)")
    }

    @inlinable @inline(__always) mutating func readUInt8(_ what: StaticString) throws(DNSWireError) -> UInt8 {
        try need(1, what)
        let v = bytes[offset]
        offset &+= 1
        return v
    }

    @inlinable @inline(__always) mutating func readUInt16(_ what: StaticString) throws(DNSWireError) -> UInt16 {
        try need(2, what)
        let v = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        offset &+= 2
        return v
    }

    @inlinable @inline(__always) mutating func readUInt32(_ what: StaticString) throws(DNSWireError) -> UInt32 {
        try need(4, what)
        let v = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        offset &+= 4
        return v
    }

    @inlinable @inline(__always) mutating func readUInt64(_ what: StaticString) throws(DNSWireError) -> UInt64 {
        try need(8, what)
        let v = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        offset &+= 8
        return v
    }
}

/// The names already validated in one message, by the offset they start at: how many label bytes
/// (length bytes included, root excluded), labels and compression pointers follow from there.
/// `readName` uses it to stop at a pointer whose target was already walked, so a message whose
/// names share one suffix through pointers costs one walk of that suffix, not one per name.
/// A fixed table of 64 slots inside the reader: no allocation; a slot taken by another offset
/// only costs a walk.
@usableFromInline
struct NameSuffixCache {
    /// 64 slots of 32 bits: offset (bits 0-13), label bytes (14-21), labels (22-28), pointers
    /// (29-31). 0 is empty: no pointer can name offset 0.
    @usableFromInline var slots: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                  UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                  UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                  UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    @usableFromInline static let slotCount = 64
    /// Suffixes reached through more pointers than this are not kept (3 bits).
    @usableFromInline static let maxHops = 7

    @inlinable init() {}

    @usableFromInline
    struct Suffix {
        @usableFromInline let length: Int
        @usableFromInline let labels: Int
        @usableFromInline let hops: Int
        @inlinable init(length: Int, labels: Int, hops: Int) { self.length = length; self.labels = labels; self.hops = hops }
    }

    @inlinable @inline(__always)
    static func slot(_ offset: Int) -> Int { (offset ^ (offset &>> 6)) & (slotCount &- 1) }

    /// `mutating` only so that the table is read in place, never copied.
    @inlinable @inline(__always)
    mutating func suffix(at offset: Int) -> Suffix? {
        let e = withUnsafeBytes(of: &slots) { $0.load(fromByteOffset: Self.slot(offset) &* 4, as: UInt32.self) }
        guard e & 0x3FFF == UInt32(truncatingIfNeeded: offset) else { return nil }
        return Suffix(length: Int(truncatingIfNeeded: (e &>> 14) & 0xFF), labels: Int(truncatingIfNeeded: (e &>> 22) & 0x7F),
                      hops: Int(truncatingIfNeeded: e &>> 29))
    }

    /// Only offsets a pointer can reach are kept. Counts come from a validated name: length
    /// < 255 and labels <= 127 fit their bits.
    @inlinable @inline(__always)
    mutating func remember(_ offset: Int, length: Int, labels: Int, hops: Int) {
        guard offset <= DNSLimits.maxPointerOffset, hops <= Self.maxHops else { return }
        let e = UInt32(truncatingIfNeeded: offset) | UInt32(truncatingIfNeeded: length & 0xFF) &<< 14
            | UInt32(truncatingIfNeeded: labels & 0x7F) &<< 22 | UInt32(truncatingIfNeeded: hops) &<< 29
        withUnsafeMutableBytes(of: &slots) { $0.storeBytes(of: e, toByteOffset: Self.slot(offset) &* 4, as: UInt32.self) }
    }
}
