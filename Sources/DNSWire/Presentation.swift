/// Presentation format (RFC 1035 §5.1, RFC 6763 §4.3): `.` separates labels; inside a label `\.`
/// and `\\` stand for a dot and a backslash, `\DDD` for any byte in decimal. Printable ASCII and
/// valid UTF-8 are written as they are; spaces, control bytes and invalid UTF-8 as `\DDD`.
extension DNSName: CustomStringConvertible, LosslessStringConvertible {
    public var description: String {
        if isRoot { return "." }
        // One string, written in place: an escape is at most 4 bytes per byte of the name.
        return wire.withUnsafeBufferPointer { w in
            String(unsafeUninitializedCapacity: w.count * Presentation.maxEscapedBytesPerByte) { out in
                Self.writeLabels(w, into: out, at: 0)
            }
        }
    }

    /// Appends the presentation form (`description`) to `out` as UTF-8, with no `String` made:
    /// for renderers that write many names into one buffer.
    public func appendDescription(to out: inout [UInt8]) {
        if isRoot { out.append(UInt8(ascii: ".")); return }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: wire.count * Presentation.maxEscapedBytesPerByte))
        let end = wire.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { Self.writeLabels(w, into: $0, at: start) }
        }
        out.removeSubrange(end...)
    }

    /// Each label of wire form `w`, escaped and followed by a dot, from `at`; returns the end.
    static func writeLabels(_ w: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Int {
        var at = start, i = 0
        while w[i] != 0 {
            let n = Int(w[i])
            at = Presentation.escape(UnsafeBufferPointer(rebasing: w[(i + 1)..<(i + 1 + n)]), into: out, at: at)
            out[at] = UInt8(ascii: ".")
            at += 1
            i += 1 + n
        }
        return at
    }

    /// Parses presentation format; a trailing dot is optional. Returns nil on bad input;
    /// `init(parsing:)` says why.
    public init?(_ text: String) {
        guard let n = try? DNSName(parsing: text) else { return nil }
        self = n
    }

    public init(parsing text: String) throws(DNSWireError) {
        let bytes = Array(text.utf8)
        if bytes.isEmpty || bytes == [UInt8(ascii: ".")] { self = .root; return }
        var labels: [[UInt8]] = []
        var label: [UInt8] = []
        var i = 0
        var labelStart = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: ".") {
                guard !label.isEmpty else { throw DNSWireError(.invalidPresentation, at: i, "empty label") }
                labels.append(label); label = []
                i += 1
                labelStart = i
                continue
            }
            if b == UInt8(ascii: "\\") {
                guard i + 1 < bytes.count else { throw DNSWireError(.invalidPresentation, at: i, "escape at end of name") }
                let c = bytes[i + 1]
                if Presentation.isDigit(c) {
                    guard i + 3 < bytes.count,
                          Presentation.isDigit(bytes[i + 2]), Presentation.isDigit(bytes[i + 3]) else {
                        throw DNSWireError(.invalidPresentation, at: i, "\\DDD needs three decimal digits")
                    }
                    let v = Int(c - 48) * 100 + Int(bytes[i + 2] - 48) * 10 + Int(bytes[i + 3] - 48)
                    guard v <= 255 else { throw DNSWireError(.invalidPresentation, at: i, "\\\(v) is not a byte") }
                    label.append(UInt8(v))
                    i += 4
                } else {
                    label.append(c)
                    i += 2
                }
            } else {
                label.append(b)
                i += 1
            }
            guard label.count <= DNSLimits.maxLabelLength else {
                throw DNSWireError(.labelTooLong, at: labelStart, "label exceeds \(DNSLimits.maxLabelLength) bytes")
            }
        }
        if !label.isEmpty { labels.append(label) }
        try self.init(labels: labels)
    }
}

@usableFromInline
enum Presentation {
    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// `\DDD`, the longest escape of one byte.
    static let maxEscapedBytesPerByte = 4

    /// Writes a label or character-string with escapes to `out` from `at` (room for
    /// `maxEscapedBytesPerByte` bytes per byte); valid multi-byte UTF-8 stays readable. Returns
    /// where the output ends. Bytes, not `String` appends: the output is one string made at the end.
    static func escape(_ a: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>, at start: Int,
                       quoteContext: Bool = false) -> Int {
        var at = start
        var i = 0
        @inline(__always) func put(_ b: UInt8) { out[at] = b; at += 1 }
        while i < a.count {
            let b = a[i]
            if b >= 0x80, let n = utf8SequenceLength(a, i) {
                for k in i..<(i + n) { put(a[k]) }
                i += n
                continue
            }
            switch b {
            case UInt8(ascii: "."), UInt8(ascii: "\\"):
                if !(quoteContext && b == UInt8(ascii: ".")) { put(UInt8(ascii: "\\")) }
                put(b)
            case UInt8(ascii: "\""):
                put(UInt8(ascii: "\\")); put(b)
            case 0x21...0x7E:
                put(b)
            case 0x20 where quoteContext:
                put(b)
            default:
                put(UInt8(ascii: "\\"))
                put(48 + b / 100); put(48 + b / 10 % 10); put(48 + b % 10)
            }
            i += 1
        }
        return at
    }

    /// Length of the valid multi-byte UTF-8 sequence starting at `i`, or nil.
    static func utf8SequenceLength(_ a: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        let b = a[i]
        let n: Int
        switch b {
        case 0xC2...0xDF: n = 2
        case 0xE0...0xEF: n = 3
        case 0xF0...0xF4: n = 4
        default: return nil
        }
        guard i + n <= a.count else { return nil }
        for k in 1..<n where a[i + k] & 0xC0 != 0x80 { return nil }
        // Reject overlongs and surrogates by letting the decoder judge.
        var it = a[i..<(i + n)].makeIterator()
        var dec = UTF8()
        if case .scalarValue = dec.decode(&it) { return n }
        return nil
    }

    /// A character-string in quotes, as dig prints TXT and HINFO data.
    static func quoted(_ bytes: [UInt8]) -> String { quoted([bytes]) }

    /// Character-strings in quotes separated by spaces, written into one string.
    static func quoted(_ strings: [[UInt8]]) -> String {
        let capacity = strings.reduce(0) { $0 + $1.count * maxEscapedBytesPerByte + 3 }
        return String(unsafeUninitializedCapacity: capacity) { out in
            var end = 0
            for (i, s) in strings.enumerated() {
                if i > 0 { out[end] = UInt8(ascii: " "); end += 1 }
                out[end] = UInt8(ascii: "\"")
                end = s.withUnsafeBufferPointer { escape($0, into: out, at: end + 1, quoteContext: true) }
                out[end] = UInt8(ascii: "\"")
                end += 1
            }
            return end
        }
    }
}
