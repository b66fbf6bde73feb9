import DNSWire

/// A small JSON value for `--json` output: stable key order, no Foundation.
indirect enum JSON {
    case string(String), int(Int), bool(Bool), null
    case array([JSON])
    case object([(String, JSON)])

    var text: String {
        switch self {
        case .string(let s): return JSON.quote(s)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let a): return "[" + a.map(\.text).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.map { JSON.quote($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
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
        return out + "\""
    }
}

extension JSON {
    init(_ m: Message) {
        let h = m.header
        self = .object([
            ("id", .int(Int(h.id))),
            ("flags", .object([
                ("qr", .bool(h.isResponse)), ("opcode", .int(Int(h.opcode))), ("aa", .bool(h.authoritativeAnswer)),
                ("tc", .bool(h.truncated)), ("rd", .bool(h.recursionDesired)), ("ra", .bool(h.recursionAvailable)),
                ("z", .bool(h.z)), ("ad", .bool(h.authenticData)), ("cd", .bool(h.checkingDisabled)),
                ("rcode", .int(Int(h.rcode))),
            ])),
            ("questions", .array(m.questions.map { q in
                .object([("name", .string(q.name.description)), ("type", .string(q.type.description)),
                         ("class", .string(q.qclass.description)), ("qu", .bool(q.unicastResponse))])
            })),
            ("answers", .array(m.answers.map(JSON.init))),
            ("authorities", .array(m.authorities.map(JSON.init))),
            ("additionals", .array(m.additionals.map(JSON.init))),
        ])
    }

    init(_ r: ResourceRecord) {
        var o: [(String, JSON)] = [
            ("name", .string(r.name.description)), ("type", .string(r.type.description)),
            ("class", .string(r.type == .opt ? "CLASS\(r.rrclass.rawValue)" : r.rrclass.description)),
            ("cacheFlush", .bool(r.cacheFlush)), ("ttl", .int(Int(r.ttl))), ("rdata", .string(r.rdata.description)),
        ]
        switch r.rdata {
        case .srv(let s):
            o.append(("srv", .object([("priority", .int(Int(s.priority))), ("weight", .int(Int(s.weight))),
                                      ("port", .int(Int(s.port))), ("target", .string(s.target.description))])))
        case .txt(let t):
            o.append(("txt", .array(t.entries.map { e in
                .object([("key", .string(String(decoding: e.key, as: UTF8.self))),
                         ("value", e.value.map { .string(Hex.string($0)) } ?? .null)])
            })))
        case .nsec(let n):
            o.append(("nsec", .object([("next", .string(n.nextName.description)),
                                       ("types", .array(n.types.map { .string($0.description) }))])))
        default: break
        }
        self = .object(o)
    }

    init(_ e: DNSWireError) {
        self = .object([("error", .string(e.code.rawValue)), ("offset", .int(e.offset)), ("reason", .string(e.reason))])
    }
}
