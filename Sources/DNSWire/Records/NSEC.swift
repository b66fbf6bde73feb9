/// RFC 4034 §4.1 NSEC rdata, as mDNS uses it for negative answers (RFC 6762 §6.1).
///
///     NEXT DOMAIN NAME (name; compressed in mDNS, RFC 6762 §18.14)
///     (WINDOW (1) | BITMAP LENGTH (1, 1...32) | BITMAP)*   filling RDLENGTH exactly
public struct NSEC: Hashable, Sendable {
    public var nextName: DNSName
    /// The type bitmap windows exactly as on the wire.
    public var typeBitmaps: [UInt8]

    public init(nextName: DNSName, typeBitmaps: [UInt8]) {
        self.nextName = nextName
        self.typeBitmaps = typeBitmaps
    }

    /// Builds the windowed bitmap for a set of types.
    public init(nextName: DNSName, types: [RRType]) {
        self.nextName = nextName
        var bitmaps: [UInt8] = []
        let sorted = Set(types.map(\.rawValue)).sorted()
        var i = 0
        while i < sorted.count {
            let window = sorted[i] >> 8
            var bits = [UInt8](repeating: 0, count: 32)
            var used = 0
            while i < sorted.count && sorted[i] >> 8 == window {
                let low = Int(sorted[i] & 0xFF)
                bits[low / 8] |= 0x80 >> UInt8(low % 8)
                used = low / 8 + 1
                i += 1
            }
            bitmaps.append(UInt8(window)); bitmaps.append(UInt8(used))
            bitmaps.append(contentsOf: bits[0..<used])
        }
        typeBitmaps = bitmaps
    }

    /// The types the bitmap lists, ascending.
    public var types: [RRType] {
        var out: [RRType] = []
        var i = 0
        while i + 1 < typeBitmaps.count {
            let window = UInt16(typeBitmaps[i]), len = Int(typeBitmaps[i + 1])
            for k in 0..<len where i + 2 + k < typeBitmaps.count {
                let b = typeBitmaps[i + 2 + k]
                for bit in 0..<8 where b & (0x80 >> UInt8(bit)) != 0 {
                    out.append(RRType(window << 8 | UInt16(k * 8 + bit)))
                }
            }
            i += 2 + len
        }
        return out
    }

    @inlinable
    static func read(_ r: inout WireReader, end: Int) throws(DNSWireError) -> RDataView {
        let next = try r.readName(bound: end)
        let start = r.offset
        // RFC 4034 §4.1.2: windows of 1 to 32 bitmap bytes.
        while r.offset < end {
            guard end &- r.offset >= 2 else {
                throw DNSWireError(.invalidRData, at: r.offset, "NSEC window header cut by RDLENGTH")
            }
            r.offset &+= 1
            let len = Int(r.byte(at: r.offset))
            guard len >= 1 && len <= 32 else {
                throw DNSWireError(.invalidRData, at: r.offset, "NSEC bitmap length \(len) is outside 1...32")
            }
            r.offset &+= 1
            guard len <= end &- r.offset else {
                throw DNSWireError(.invalidRData, at: r.offset, "NSEC bitmap of \(len) bytes runs past RDLENGTH")
            }
            r.offset &+= len
        }
        return .nsec(next: next, bitmaps: ByteRange(start, end))
    }

    func write(to w: inout MessageWriter) {
        w.writeName(nextName)
        w.writeBytes(typeBitmaps)
    }
}
