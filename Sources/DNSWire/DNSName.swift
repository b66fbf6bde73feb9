/// A domain name as labels of raw bytes (any byte, dots and UTF-8 included), stored in its
/// uncompressed wire form. Equality and hashing fold ASCII letters only (RFC 6762 §16): bytes
/// of 0x80 and above are compared exactly, never case-folded.
public struct DNSName: Hashable, Sendable, Comparable {
    /// Uncompressed wire form: length-prefixed labels, then the root byte 0.
    public private(set) var wire: [UInt8]

    /// The root name.
    public static let root = DNSName(uncheckedWire: [0])

    @usableFromInline
    init(uncheckedWire: [UInt8]) { self.wire = uncheckedWire }

    /// Builds a name from labels. Throws `labelTooLong`, `nameTooLong` or, for an empty label,
    /// `invalidPresentation`.
    public init<S: Sequence>(labels: S) throws(DNSWireError) where S.Element: Collection, S.Element.Element == UInt8 {
        var wire: [UInt8] = []
        for label in labels {
            guard !label.isEmpty else { throw DNSWireError(.invalidPresentation, at: wire.count, "empty label") }
            guard label.count <= DNSLimits.maxLabelLength else {
                throw DNSWireError(.labelTooLong, at: wire.count, "label of \(label.count) bytes exceeds \(DNSLimits.maxLabelLength)")
            }
            wire.append(UInt8(label.count))
            wire.append(contentsOf: label)
        }
        wire.append(0)
        guard wire.count <= DNSLimits.maxNameLength else {
            throw DNSWireError(.nameTooLong, at: 0, "name of \(wire.count) bytes exceeds \(DNSLimits.maxNameLength)")
        }
        self.wire = wire
    }

    /// Builds a name from string labels, taken as UTF-8 bytes without escapes.
    public init(labels: [String]) throws(DNSWireError) {
        try self.init(labels: labels.map { Array($0.utf8) })
    }

    /// Reads a validated name out of a message.
    init(_ ref: NameRef, in reader: WireReader) {
        var wire: [UInt8] = []
        wire.reserveCapacity(Int(ref.wireLength))
        reader.appendWire(ref, to: &wire)
        self.wire = wire
    }

    /// Makes this name the one `ref` names in `reader`'s message, reusing the storage when
    /// nothing else holds it: a lookup key refilled per record allocates nothing (tables keep
    /// `detached` copies).
    mutating func assign(_ ref: NameRef, in reader: WireReader) {
        wire.removeAll(keepingCapacity: true)
        wire.reserveCapacity(DNSLimits.maxNameLength)
        // Expanded on the stack first: one append instead of one per run of labels.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DNSLimits.maxNameLength) { buf in
            let n = reader.copyWire(ref, to: buf)
            wire.append(contentsOf: UnsafeBufferPointer(rebasing: buf[..<n]))
        }
    }

    /// Makes this name the uncompressed wire form at `bytes` (a validated name), reusing the storage as `assign` does.
    mutating func assign(expanded bytes: UnsafeRawBufferPointer) {
        wire.removeAll(keepingCapacity: true)
        wire.reserveCapacity(DNSLimits.maxNameLength)
        bytes.withMemoryRebound(to: UInt8.self) { wire.append(contentsOf: $0) }
    }

    /// Makes this name `other`'s labels from wire offset `start` on (a label boundary of
    /// `other`), reusing the storage as `assign` does.
    public mutating func assignSuffix(of other: DNSName, atWireOffset start: Int) {
        wire.removeAll(keepingCapacity: true)
        wire.reserveCapacity(DNSLimits.maxNameLength)
        wire.append(contentsOf: other.wire[start...])
    }

    /// A copy with storage of its own, exactly as long as the name: what a table keeps of a
    /// reused lookup name.
    public var detached: DNSName { DNSName(uncheckedWire: Array(wire)) }

    /// The labels, root excluded.
    public var labels: [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var i = 0
        while wire[i] != 0 {
            let n = Int(wire[i])
            out.append(wire[(i + 1)..<(i + 1 + n)])
            i += 1 + n
        }
        return out
    }

    public var labelCount: Int {
        var i = 0, n = 0
        while wire[i] != 0 { i += 1 + Int(wire[i]); n += 1 }
        return n
    }

    public var isRoot: Bool { wire.count == 1 }

    /// The name without its first label (the root stays the root).
    public var parent: DNSName {
        if isRoot { return self }
        return DNSName(uncheckedWire: Array(wire[(1 + Int(wire[0]))...]))
    }

    /// The first label, or an empty slice for the root.
    public var firstLabel: ArraySlice<UInt8> { wire[1..<(1 + Int(wire[0]))] }

    /// `label` prepended to this name.
    public func prepending<L: Collection>(_ label: L) throws(DNSWireError) -> DNSName where L.Element == UInt8 {
        // Straight into the wire form: the registration and rename paths call this per record.
        guard !label.isEmpty else { throw DNSWireError(.invalidPresentation, at: 0, "empty label") }
        guard label.count <= DNSLimits.maxLabelLength else {
            throw DNSWireError(.labelTooLong, at: 0, "label of \(label.count) bytes exceeds \(DNSLimits.maxLabelLength)")
        }
        let length = 1 + label.count + wire.count
        guard length <= DNSLimits.maxNameLength else {
            throw DNSWireError(.nameTooLong, at: 0, "name of \(length) bytes exceeds \(DNSLimits.maxNameLength)")
        }
        var w: [UInt8] = []
        w.reserveCapacity(length)
        w.append(UInt8(label.count))
        w.append(contentsOf: label)
        w.append(contentsOf: wire)
        return DNSName(uncheckedWire: w)
    }

    public func prepending(_ label: String) throws(DNSWireError) -> DNSName { try prepending(Array(label.utf8)) }

    /// This name followed by the labels of `suffix` (`_http._tcp` + `local` = `_http._tcp.local`).
    public func appending(_ suffix: DNSName) throws(DNSWireError) -> DNSName {
        let length = wire.count - 1 + suffix.wire.count
        guard length <= DNSLimits.maxNameLength else {
            throw DNSWireError(.nameTooLong, at: 0, "name of \(length) bytes exceeds \(DNSLimits.maxNameLength)")
        }
        var w: [UInt8] = []
        w.reserveCapacity(length)
        w.append(contentsOf: wire.dropLast())
        w.append(contentsOf: suffix.wire)
        return DNSName(uncheckedWire: w)
    }

    /// True when `self` equals `suffix` or ends with all of its labels.
    public func isSubdomain(of suffix: DNSName) -> Bool {
        let extra = wire.count - suffix.wire.count
        guard extra >= 0 else { return false }
        // The suffix must start on a label boundary.
        var i = 0
        while i < extra { i += 1 + Int(wire[i]) }
        guard i == extra else { return false }
        return ASCII.equalFolded(wire[extra...], suffix.wire[...])
    }

    // RFC 6762 §16: case-insensitive for ASCII only. Length bytes are ≤ 63 and so never in A–Z.
    public static func == (a: DNSName, b: DNSName) -> Bool {
        a.wire.withUnsafeBufferPointer { x in
            b.wire.withUnsafeBufferPointer { y in
                x.count == y.count && (x.baseAddress == y.baseAddress || ASCII.equalFolded(x, y))
            }
        }
    }

    public func hash(into hasher: inout Hasher) {
        // Fold into a stack buffer (names are at most 255 bytes) and hash it in one call: one
        // combine per byte made hashing a visible part of replay and cache profiles.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DNSLimits.maxNameLength) { buf in
            let n = min(wire.count, buf.count)
            for i in 0..<n { buf[i] = ASCII.lower(wire[i]) }
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buf)[0..<n]))
        }
    }

    /// Canonical DNS ordering (RFC 4034 §6.1) with ASCII folding: label by label from the right.
    /// No allocation: label offsets go into a stack buffer (a name of 255 bytes has at most 127
    /// labels, so 128 offsets of one byte each are enough).
    public static func < (a: DNSName, b: DNSName) -> Bool {
        a.wire.withUnsafeBufferPointer { wa in
            b.wire.withUnsafeBufferPointer { wb in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * Self.maxLabels) { offsets in
                    let na = labelOffsets(wa, into: offsets, at: 0)
                    let nb = labelOffsets(wb, into: offsets, at: Self.maxLabels)
                    var i = na - 1, j = nb - 1
                    while i >= 0 && j >= 0 {
                        let x = Int(offsets[i]), y = Int(offsets[Self.maxLabels + j])
                        let lx = Int(wa[x]), ly = Int(wb[y])
                        let m = Swift.min(lx, ly)
                        var k = 1
                        while k <= m {
                            let p = ASCII.lower(wa[x + k]), q = ASCII.lower(wb[y + k])
                            if p != q { return p < q }
                            k += 1
                        }
                        if lx != ly { return lx < ly }
                        i -= 1; j -= 1
                    }
                    return na < nb
                }
            }
        }
    }

    static let maxLabels = 128

    /// A key whose byte order is the order of `<`: the labels from the right, folded, each ended
    /// by 0x00, with 0x00 and 0x01 inside a label written 0x01 0x01 and 0x01 0x02 (so the end of a
    /// label sorts before any byte of a longer one). Sorting many names: one key each, then byte
    /// comparisons, instead of a label walk per comparison.
    public var canonicalSortKey: [UInt8] {
        wire.withUnsafeBufferPointer { w in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maxLabels) { offsets in
                var key: [UInt8] = []
                key.reserveCapacity(w.count + 4)
                var i = Self.labelOffsets(w, into: offsets, at: 0) - 1
                while i >= 0 {
                    let x = Int(offsets[i])
                    for b in w[(x + 1)...(x + Int(w[x]))] {
                        if b < 2 { key.append(1); key.append(b + 1) } else { key.append(ASCII.lower(b)) }
                    }
                    key.append(0)
                    i -= 1
                }
                return key
            }
        }
    }

    /// Writes where each label starts to `out[base...]`; returns the number of labels.
    private static func labelOffsets(_ w: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>, at base: Int) -> Int {
        var i = 0, n = 0
        while i < w.count && w[i] != 0 && n < maxLabels {
            out[base + n] = UInt8(truncatingIfNeeded: i)
            n += 1
            i += 1 + Int(w[i])
        }
        return n
    }
}

/// ASCII-only case folding (RFC 6762 §16).
@usableFromInline
enum ASCII {
    @inlinable static func lower(_ b: UInt8) -> UInt8 { (b &- 0x41) < 26 ? b | 0x20 : b }

    /// `lower` on each byte of a word: a byte below 0x80 whose low seven bits are 0x41...0x5A
    /// gets 0x20 added (no carry crosses a byte: 0x7F + 0x3F < 0x100).
    @inlinable static func lower8(_ w: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        let low7 = w & ~high
        let atLeastA = low7 &+ 0x3F3F_3F3F_3F3F_3F3F
        let pastZ = low7 &+ 0x2525_2525_2525_2525
        let upper = atLeastA & ~pastZ & ~w & high
        return w | (upper &>> 2)
    }

    /// Equal-length buffers: eight bytes at a time while they match exactly (names usually do),
    /// folding only the words that differ.
    @inlinable static func equalFolded(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.count
        guard n > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        let ra = UnsafeRawPointer(pa), rb = UnsafeRawPointer(pb)
        var i = 0
        while i < n {
            var w = Swift.min(8, n &- i)
            // A short tail of a long buffer is compared as its last eight bytes, overlapping.
            if w < 8 && n >= 8 { i = n &- 8; w = 8 }
            if w == 8 {
                let x = ra.loadUnaligned(fromByteOffset: i, as: UInt64.self), y = rb.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                guard x == y || lower8(x) == lower8(y) else { return false }
                i &+= 8
                continue
            }
            for j in i..<(i &+ w) where lower(pa[j]) != lower(pb[j]) { return false }
            i &+= w
        }
        return true
    }

    /// Byte for byte, eight at a time (TXT strings, which are not case folded).
    @inlinable static func equalExactly(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.count
        guard n == b.count else { return false }
        guard n > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        let ra = UnsafeRawPointer(pa), rb = UnsafeRawPointer(pb)
        var i = 0
        while n &- i >= 8 {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i &+= 8
        }
        while i < n {
            if pa[i] != pb[i] { return false }
            i &+= 1
        }
        return true
    }

    @inlinable static func equalFolded(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var i = a.startIndex, j = b.startIndex
        while i < a.endIndex {
            if lower(a[i]) != lower(b[j]) { return false }
            i += 1; j += 1
        }
        return true
    }
}

/// Reverse-mapping names, written straight into the wire form (one allocation; the responder
/// builds them for every address on every rebuild).
extension DNSName {
    static let inAddrArpa: [UInt8] = [7] + Array("in-addr".utf8) + [4] + Array("arpa".utf8) + [0]
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    static let ip6Arpa: [UInt8] = [3] + Array("ip6".utf8) + [4] + Array("arpa".utf8) + [0]

    /// RFC 1035 §3.5: the address's bytes in reverse order as decimal labels under in-addr.arpa.
    public init(reverseOf a: IPv4Address) {
        var w: [UInt8] = []
        w.reserveCapacity(4 * 4 + Self.inAddrArpa.count)
        for shift in stride(from: 0, to: 32, by: 8) {
            let b = UInt8(truncatingIfNeeded: a.value >> shift)
            w.append(b >= 100 ? 3 : b >= 10 ? 2 : 1)
            if b >= 100 { w.append(UInt8(ascii: "0") + b / 100) }
            if b >= 10 { w.append(UInt8(ascii: "0") + b / 10 % 10) }
            w.append(UInt8(ascii: "0") + b % 10)
        }
        w.append(contentsOf: Self.inAddrArpa)
        self.init(uncheckedWire: w)
    }

    /// RFC 3596 §2.5: one hexadecimal nibble label per four bits, lowest nibble first, under ip6.arpa.
    public init(reverseOf a: IPv6Address) {
        var w: [UInt8] = []
        w.reserveCapacity(64 + Self.ip6Arpa.count)
        for half in [a.low, a.high] {
            for k in 0..<16 { w.append(1); w.append(Self.hexDigits[Int(half >> (4 * UInt64(k)) & 0xF)]) }
        }
        w.append(contentsOf: Self.ip6Arpa)
        self.init(uncheckedWire: w)
    }
}
