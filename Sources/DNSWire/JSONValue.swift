/// A minimal JSON writer (no Foundation): keys keep their order. The `--json` output of every
/// command goes through it.
public indirect enum JSONValue: Sendable {
    case string(String), int(Int), bool(Bool), null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    public func write(to out: inout String) {
        switch self {
        case .string(let s): JSONValue.quote(s, to: &out)
        case .int(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() { if i > 0 { out += "," }; v.write(to: &out) }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, (k, v)) in o.enumerated() {
                if i > 0 { out += "," }
                JSONValue.quote(k, to: &out); out += ":"; v.write(to: &out)
            }
            out += "}"
        }
    }

    static func quote(_ s: String, to out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else { out.unicodeScalars.append(u) }
            }
        }
        out += "\""
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
