/// Bounds-checked big-endian reads over the caller's bytes. The only place that touches raw memory;
/// every read either succeeds or throws `truncated` with the offset.
@usableFromInline
struct WireReader {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline var offset: Int

    @inlinable init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    @inlinable var count: Int { bytes.count }
    @inlinable var remaining: Int { bytes.count &- offset }

    @inlinable func byte(at i: Int) -> UInt8 { bytes[i] }

    @inlinable mutating func need(_ n: Int, _ what: StaticString) throws(DNSWireError) {
        guard n <= bytes.count &- offset else { throw Self.truncated(offset, what) }
    }

    @inline(never) @usableFromInline
    static func truncated(_ offset: Int, _ what: StaticString) -> DNSWireError {
        DNSWireError(.truncated, at: offset, "message ends inside \(what)")
    }

    @inlinable mutating func readUInt8(_ what: StaticString) throws(DNSWireError) -> UInt8 {
        try need(1, what)
        let v = bytes[offset]
        offset &+= 1
        return v
    }

    @inlinable mutating func readUInt16(_ what: StaticString) throws(DNSWireError) -> UInt16 {
        try need(2, what)
        let v = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset &+ 1])
        offset &+= 2
        return v
    }

    @inlinable mutating func readUInt32(_ what: StaticString) throws(DNSWireError) -> UInt32 {
        try need(4, what)
        let v = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        offset &+= 4
        return v
    }

    @inlinable mutating func readUInt64(_ what: StaticString) throws(DNSWireError) -> UInt64 {
        try need(8, what)
        let v = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        offset &+= 8
        return v
    }
}
