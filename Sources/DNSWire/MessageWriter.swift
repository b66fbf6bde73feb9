/// Appends wire bytes, with optional name compression through a suffix table.
public struct MessageWriter {
    public enum Compression: Sendable { case none, suffixes }

    public private(set) var bytes: [UInt8]
    public let compression: Compression
    /// Suffix hash → offset of the first occurrence written. A hit is verified byte by byte before a
    /// pointer is written, so a hash collision only costs a missed compression. Matching is
    /// case-exact: names equal under RFC 6762 §16 folding but spelled differently keep their own
    /// spelling, so canonical input round-trips byte for byte.
    var suffixes: [Int: Int] = [:]

    public init(compression: Compression, capacity: Int = 512) {
        self.compression = compression
        bytes = []
        bytes.reserveCapacity(capacity)
        // Room for a typical message's suffixes up front: grown from empty, the table was resized
        // about once per name written (half the cost of writing a name).
        if compression == .suffixes { suffixes.reserveCapacity(Self.suffixTableCapacity) }
    }

    /// Suffixes the table holds before it first grows.
    static let suffixTableCapacity = 48

    public var count: Int { bytes.count }

    public mutating func writeUInt8(_ v: UInt8) { bytes.append(v) }
    public mutating func writeUInt16(_ v: UInt16) { bytes.append(UInt8(v >> 8)); bytes.append(UInt8(v & 0xFF)) }
    public mutating func writeUInt32(_ v: UInt32) {
        writeUInt16(UInt16(v >> 16)); writeUInt16(UInt16(v & 0xFFFF))
    }
    public mutating func writeBytes<C: Collection>(_ b: C) where C.Element == UInt8 { bytes.append(contentsOf: b) }

    mutating func patchUInt16(at offset: Int, _ v: UInt16) {
        bytes[offset] = UInt8(v >> 8)
        bytes[offset + 1] = UInt8(v & 0xFF)
    }

    /// Drops everything from `offset` on, and forgets suffixes that pointed there.
    mutating func truncate(to offset: Int) {
        bytes.removeSubrange(offset...)
        suffixes = suffixes.filter { $0.value < offset }
    }

    /// Writes a name, compressed against earlier names when compression is on (RFC 1035 §4.1.4).
    public mutating func writeName(_ name: DNSName, compress: Bool = true) {
        let wire = name.wire
        guard compression == .suffixes && compress else { bytes.append(contentsOf: wire); return }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * DNSName.maxLabels) { table in
            // Label offsets, then each suffix's hash from the right: every byte is hashed once.
            var n = 0, i = 0
            while wire[i] != 0 { table[n] = i; n += 1; i += 1 + Int(wire[i]) }
            var h = Self.fnvBasis
            for k in stride(from: n - 1, through: 0, by: -1) {
                for b in wire[table[k]...(table[k] + Int(wire[table[k]]))] { h = (h ^ UInt64(b)) &* Self.fnvPrime }
                table[DNSName.maxLabels + k] = Int(truncatingIfNeeded: h)
            }
            for k in 0..<n {
                let at = table[k], key = table[DNSName.maxLabels + k]
                if let target = suffixes[key] {
                    if matches(wire[at...], at: target) { writeUInt16(0xC000 | UInt16(target)); return }
                } else if bytes.count <= DNSLimits.maxPointerOffset {
                    // RFC 1035 §4.1.4: pointers hold 14-bit offsets.
                    suffixes[key] = bytes.count
                }
                bytes.append(contentsOf: wire[at...(at + Int(wire[at]))])
            }
            bytes.append(0)
        }
    }

    // FNV-1a over the suffix's labels, right to left. Deterministic and cheap; a collision only
    // costs a missed compression, since every hit is verified byte by byte.
    static let fnvBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// True when the (possibly compressed) name written at `offset` is exactly `suffix`.
    func matches(_ suffix: ArraySlice<UInt8>, at offset: Int) -> Bool {
        var pos = offset
        var i = suffix.startIndex
        var hops = 0
        while true {
            let len = Int(bytes[pos])
            if len & 0xC0 == 0xC0 {
                hops += 1
                if hops > DNSLimits.maxPointerHops { return false }
                pos = (len & 0x3F) << 8 | Int(bytes[pos + 1])
                continue
            }
            guard i < suffix.endIndex, Int(suffix[i]) == len else { return false }
            if len == 0 { return true }
            for k in 1...len where bytes[pos + k] != suffix[i + k] { return false }
            pos += 1 + len
            i += 1 + len
        }
    }
}
