extension JSONScanner {
    /// A string copied with `<`, `>` and `&` escaped, so that no `</script>` or `<!--` can end or
    /// change the element holding it; `decode` also returns its value.
    mutating func string(decode: Bool) throws(ReportError) -> String {
        output.append(input[pos]); pos += 1
        var value: [UInt8] = []
        while true {
            guard pos < input.count else { throw fail("unterminated string") }
            let c = input[pos]
            switch c {
            case UInt8(ascii: "\""):
                output.append(c); pos += 1
                return decode ? String(decoding: value, as: UTF8.self) : ""
            case UInt8(ascii: "\\"):
                try escape(into: &value, decode: decode)
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                output += Self.unicodeEscape(c)
                if decode { value.append(c) }
                pos += 1
            case 0..<0x20:
                throw fail("control character in a string")
            default:
                output.append(c)
                if decode { value.append(c) }
                pos += 1
            }
        }
    }

    static func unicodeEscape(_ c: UInt8) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        return Array("\\u00".utf8) + [hex[Int(c >> 4)], hex[Int(c & 15)]]
    }

    /// RFC 8259 §7: \" \\ \/ \b \f \n \r \t \uXXXX (a surrogate pair for characters past U+FFFF).
    mutating func escape(into value: inout [UInt8], decode: Bool) throws(ReportError) {
        guard pos + 1 < input.count else { throw fail("unterminated escape") }
        let e = input[pos + 1]
        if let s = Self.simpleEscape(e) {
            output += input[pos...pos + 1]
            if decode { value.append(s) }
            pos += 2
            return
        }
        guard e == UInt8(ascii: "u") else { throw fail("unknown escape") }
        var scalar = try hex4(at: pos + 2)
        var length = 6
        if (0xD800..<0xDC00).contains(scalar), pos + 12 <= input.count,
           input[pos + 6] == UInt8(ascii: "\\"), input[pos + 7] == UInt8(ascii: "u") {
            let low = try hex4(at: pos + 8)
            if (0xDC00..<0xE000).contains(low) {
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                length = 12
            }
        }
        output += input[pos..<pos + length]
        if decode {
            let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
            value += Array(String(Character(u)).utf8)
        }
        pos += length
    }

    static func simpleEscape(_ e: UInt8) -> UInt8? {
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return e
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        default: return nil
        }
    }

    func hex4(at i: Int) throws(ReportError) -> UInt32 {
        guard i + 4 <= input.count else { throw ReportError(.syntax, offset: i, "short \\u escape") }
        var v: UInt32 = 0
        for c in input[i..<i + 4] {
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw ReportError(.syntax, offset: i, "bad hex digit in \\u escape")
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }
}
