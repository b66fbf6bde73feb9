/// RFC 1035 §3.4.1 A rdata: a 32-bit IPv4 address.
///
///     ADDRESS (4 bytes, network order)
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The address in host order (`0x0A000001` is 10.0.0.1).
    public var value: UInt32
    public init(_ value: UInt32) { self.value = value }
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses dotted-quad text.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.count <= 3, let b = UInt8(p) else { return nil }
            v = v << 8 | UInt32(b)
        }
        value = v
    }

    public var bytes: [UInt8] { [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)] }

    public var description: String { bytes.map { String($0) }.joined(separator: ".") }

    public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }

    @inlinable
    static func read(_ r: inout WireReader, end: Int) throws(DNSWireError) -> IPv4Address {
        try r.expectFixed(4, end: end, .a)
        return IPv4Address(try r.readUInt32("A rdata"))
    }

    func write(to w: inout MessageWriter) { w.writeUInt32(value) }
}
