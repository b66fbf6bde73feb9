/// A minimal JSON writer (no Foundation): keys keep their order. The `--json` output of every
/// command goes through it.
public indirect enum JSONValue: Sendable {
    case string(String), int(Int), bool(Bool), null
    /// A JSON number with a fraction (times in seconds); written in Swift's shortest round-trip
    /// form, `null` when not finite (RFC 8259 §6 has no infinity or NaN).
    case number(Double)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public var text: String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public func write(to out: inout String) { out += text }

    /// Writes UTF-8 bytes: one `String` is made at the end, not one append per character.
    public func write(to out: inout [UInt8]) {
        switch self {
        case .string(let s): JSONValue.quote(s, to: &out)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .number(let d): out.append(contentsOf: (d.isFinite ? d.description : "null").utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() { if i > 0 { out.append(UInt8(ascii: ",")) }; v.write(to: &out) }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (i, (k, v)) in o.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.quote(k, to: &out); out.append(UInt8(ascii: ":")); v.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// RFC 8259 §7: quotation mark, reverse solidus and control characters are escaped; every
    /// other byte of the UTF-8 goes as it is.
    static func quote(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            var run = 0
            for (i, b) in u.enumerated() where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<i]))
                run = i + 1
                out.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
                case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
                case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: "u00".utf8)
                    out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: u[run...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// JSON presentation of messages, one shape for every command.
extension Message {
    public var jsonValue: JSONValue {
        let h = header
        return .object([
            ("id", .int(Int(h.id))),
            ("flags", .object([
                ("qr", .bool(h.isResponse)), ("opcode", .int(Int(h.opcode))), ("aa", .bool(h.authoritativeAnswer)),
                ("tc", .bool(h.truncated)), ("rd", .bool(h.recursionDesired)), ("ra", .bool(h.recursionAvailable)),
                ("z", .bool(h.z)), ("ad", .bool(h.authenticData)), ("cd", .bool(h.checkingDisabled)),
                ("rcode", .int(Int(h.rcode))),
            ])),
            ("questions", .array(questions.map { q in
                .object([("name", .string(q.name.description)), ("type", .string(q.type.description)),
                         ("class", .string(q.qclass.description)), ("qu", .bool(q.unicastResponse))])
            })),
            ("answers", .array(answers.map(\.jsonValue))),
            ("authorities", .array(authorities.map(\.jsonValue))),
            ("additionals", .array(additionals.map(\.jsonValue))),
        ])
    }
}

extension ResourceRecord {
    public var jsonValue: JSONValue {
        var o: [(String, JSONValue)] = [
            ("name", .string(name.description)), ("type", .string(type.description)),
            ("class", .string(type == .opt ? "CLASS\(rrclass.rawValue)" : rrclass.description)),
            ("cacheFlush", .bool(cacheFlush)), ("ttl", .int(Int(ttl))), ("rdata", .string(rdata.description)),
        ]
        switch rdata {
        case .srv(let s):
            o.append(("srv", .object([("priority", .int(Int(s.priority))), ("weight", .int(Int(s.weight))),
                                      ("port", .int(Int(s.port))), ("target", .string(s.target.description))])))
        case .txt(let t):
            // RFC 6763 §6: keys as text, values as hex (they are opaque bytes); null for `key` alone.
            o.append(("txt", .array(t.entries.map { e in
                .object([("key", .string(String(decoding: e.key, as: UTF8.self))),
                         ("value", e.value.map { .string(Presentation.hex($0)) } ?? .null)])
            })))
        case .nsec(let n):
            o.append(("nsec", .object([("next", .string(n.nextName.description)),
                                       ("types", .array(n.types.map { .string($0.description) }))])))
        default: break
        }
        return .object(o)
    }
}

extension DNSWireError {
    public var jsonValue: JSONValue {
        .object([("code", .string(code.rawValue)), ("offset", .int(offset)), ("reason", .string(reason))])
    }
}
