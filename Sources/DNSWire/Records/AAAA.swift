/// RFC 3596 §2.2 AAAA rdata: a 128-bit IPv6 address.
///
///     ADDRESS (16 bytes, network order)
public struct IPv6Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// High and low 64 bits in host order.
    public var high: UInt64
    public var low: UInt64
    public init(high: UInt64, low: UInt64) { self.high = high; self.low = low }

    public init<C: Collection>(bytes: C) where C.Element == UInt8 {
        precondition(bytes.count == 16, "an IPv6 address is 16 bytes")
        var h: UInt64 = 0, l: UInt64 = 0
        for (i, b) in bytes.enumerated() {
            if i < 8 { h = h << 8 | UInt64(b) } else { l = l << 8 | UInt64(b) }
        }
        high = h; low = l
    }

    /// Parses RFC 4291 §2.2 text (with `::`, and an embedded IPv4 tail).
    public init?(_ text: String) {
        var t = Substring(text)
        if let pct = t.firstIndex(of: "%") { t = t[..<pct] }   // zone ids are not part of the address
        let halves = t.split(separator: ":", omittingEmptySubsequences: false)
        var groups: [UInt16] = []
        var gap: Int? = nil
        var i = 0
        let parts = Array(halves)
        guard parts.count >= 2 || parts.count == 1 else { return nil }
        while i < parts.count {
            let p = parts[i]
            if p.isEmpty {
                // "::" appears as two empty parts (or three for a bare "::")
                if gap == nil { gap = groups.count } else if !(i == parts.count - 1 || i == 1) { return nil }
                i += 1
                continue
            }
            if p.contains("."), i == parts.count - 1, let v4 = IPv4Address(String(p)) {
                groups.append(UInt16(v4.value >> 16)); groups.append(UInt16(v4.value & 0xFFFF))
            } else {
                guard p.count <= 4, let g = UInt16(p, radix: 16) else { return nil }
                groups.append(g)
            }
            i += 1
        }
        if let g = gap {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: Array(repeating: 0, count: 8 - groups.count), at: g)
        }
        guard groups.count == 8 else { return nil }
        var h: UInt64 = 0, l: UInt64 = 0
        for (k, g) in groups.enumerated() {
            if k < 4 { h = h << 16 | UInt64(g) } else { l = l << 16 | UInt64(g) }
        }
        high = h; low = l
    }

    public var bytes: [UInt8] {
        (0..<16).map { i in i < 8 ? UInt8((high >> (56 - 8 * UInt64(i))) & 0xFF) : UInt8((low >> (56 - 8 * UInt64(i - 8))) & 0xFF) }
    }

    /// True for fe80::/10.
    public var isLinkLocal: Bool { high >> 54 == 0x3FA }

    /// RFC 5952 text: lowercase, the longest run of zero groups as `::`.
    public var description: String {
        let groups: [UInt16] = (0..<8).map { k in
            k < 4 ? UInt16((high >> (48 - 16 * UInt64(k))) & 0xFFFF) : UInt16((low >> (48 - 16 * UInt64(k - 4))) & 0xFFFF)
        }
        var bestStart = -1, bestLen = 1
        var k = 0
        while k < 8 {
            if groups[k] == 0 {
                var e = k
                while e < 8 && groups[e] == 0 { e += 1 }
                if e - k > bestLen { bestStart = k; bestLen = e - k }
                k = e
            } else { k += 1 }
        }
        func hex(_ r: Range<Int>) -> String { r.map { String(groups[$0], radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLen)..<8)
    }

    public static func < (a: IPv6Address, b: IPv6Address) -> Bool { (a.high, a.low) < (b.high, b.low) }

    @inlinable
    static func read(_ r: inout WireReader, end: Int) throws(DNSWireError) -> IPv6Address {
        try r.expectFixed(16, end: end, .aaaa)
        let h = try r.readUInt64("AAAA rdata")
        let l = try r.readUInt64("AAAA rdata")
        return IPv6Address(high: h, low: l)
    }

    func write(to w: inout MessageWriter) {
        w.writeUInt32(UInt32(high >> 32)); w.writeUInt32(UInt32(high & 0xFFFF_FFFF))
        w.writeUInt32(UInt32(low >> 32)); w.writeUInt32(UInt32(low & 0xFFFF_FFFF))
    }
}
