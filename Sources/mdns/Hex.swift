/// Hex input and hex dumps for the commands.
enum Hex {
    /// Reads hex digits, ignoring whitespace, `0x` prefixes, `:` and `,` separators and `#` comments.
    static func parse(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var high: UInt8? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var l = Substring(line)
            if let hash = l.firstIndex(of: "#") { l = l[..<hash] }
            var chars = Array(l.utf8)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if c == UInt8(ascii: "0"), i + 1 < chars.count, chars[i + 1] | 0x20 == UInt8(ascii: "x"), high == nil {
                    i += 2; continue
                }
                let v: UInt8
                switch c {
                case 48...57: v = c - 48
                case 65...70: v = c - 55
                case 97...102: v = c - 87
                case 32, 9, 13, UInt8(ascii: ":"), UInt8(ascii: ","): i += 1; continue
                default: return nil
                }
                if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
                i += 1
            }
            chars = []
        }
        return high == nil ? out : nil
    }

    static func byte(_ b: UInt8) -> String {
        let d = Array("0123456789abcdef")
        return String([d[Int(b >> 4)], d[Int(b & 0xF)]])
    }

    static func string(_ bytes: [UInt8]) -> String { bytes.map(byte).joined() }

    /// A 16-bytes-per-line dump; the byte at `mark` is bracketed and a caret line points at it.
    static func dump(_ bytes: [UInt8], mark: Int? = nil) -> String {
        var out = ""
        var row = 0
        while row < max(bytes.count, 1) {
            let end = min(row + 16, bytes.count)
            var line = String(row, radix: 16)
            line = String(repeating: "0", count: max(0, 4 - line.count)) + line + "  "
            var caret: Int? = nil
            for i in row..<(row + 16) {
                if i == mark { caret = line.count }
                if i < end {
                    line += (i == mark ? "[" : " ") + byte(bytes[i]) + (i == mark ? "]" : " ")
                } else if i == mark {
                    line += "[..]"
                } else {
                    line += "    "
                }
            }
            out += line + "\n"
            if let c = caret { out += String(repeating: " ", count: c) + "^^^^ offset \(mark!)\n" }
            row += 16
            if row >= bytes.count && (mark ?? -1) < row { break }
        }
        return out
    }
}
