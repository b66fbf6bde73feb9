import DNSWire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text written as UTF-8 bytes and made into one `String` at the end: the summary renders
/// thousands of lines, and byte appends cost a fraction of `String` appends and interpolation.
struct TextOut {
    var bytes: [UInt8] = []

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    mutating func put(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func put(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func put(_ n: DNSName) { n.appendDescription(to: &bytes) }

    mutating func put(_ n: Int) {
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        var v = n.magnitude, digits = (UInt64(0), UInt64(0), UInt64(0))   // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &digits) { d in
            var i = d.count
            repeat { i -= 1; d[i] = 48 + UInt8(v % 10); v /= 10 } while v > 0
            bytes.append(contentsOf: d[i...])
        }
    }

    /// The indices of `keys` in byte order (for UTF-8 text, code point order). The keys are laid
    /// out in one buffer and compared with `memcmp`, and indices move rather than keys: the
    /// generic sort of arrays costs several times more.
    static func sortedIndices(_ keys: [[UInt8]]) -> [Int] {
        var flat: [UInt8] = [], spans: [Range<Int>] = []
        flat.reserveCapacity(keys.reduce(0) { $0 + $1.count })
        for k in keys { spans.append(flat.count..<(flat.count + k.count)); flat += k }
        return flat.withUnsafeBytes { f in
            spans.withUnsafeBufferPointer { sp in
                keys.indices.sorted { a, b in
                    let x = sp[a], y = sp[b], n = Swift.min(x.count, y.count)
                    let c = n == 0 ? 0 : memcmp(f.baseAddress! + x.lowerBound, f.baseAddress! + y.lowerBound, n)
                    return c != 0 ? c < 0 : x.count < y.count
                }
            }
        }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}

extension Dictionary where Key == DNSName {
    /// The entries in the order of `DNSName <` (canonical, folded), by one sort key per name.
    func sortedByName() -> [Element] {
        let entries = Array(self)
        return TextOut.sortedIndices(entries.map(\.key.canonicalSortKey)).map { entries[$0] }
    }
}
