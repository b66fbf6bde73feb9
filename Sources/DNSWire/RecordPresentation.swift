/// Presentation of records, questions and whole messages, one line per entry as dig prints them,
/// with the mDNS bits marked: `QU` on questions, `cache-flush` on records.
extension RData: CustomStringConvertible {
    public var description: String {
        switch self {
        case .a(let v): return v.description
        case .aaaa(let v): return v.description
        case .ptr(let n), .cname(let n), .ns(let n): return n.description
        case .srv(let s): return "\(s.priority) \(s.weight) \(s.port) \(s.target)"
        case .txt(let t): return Presentation.quoted(t.strings)
        case .hinfo(let h): return "\(Presentation.quoted(h.cpu)) \(Presentation.quoted(h.os))"
        case .nsec(let n): return ([n.nextName.description] + n.types.map(\.description)).joined(separator: " ")
        case .opt(let o):
            return o.options.map { opt in
                if opt.code == OPT.ownerOptionCode, let owner = OPT.Owner(data: opt.data) {
                    return "OWNER v\(owner.version) seq \(owner.sequence) \(Presentation.mac(owner.primaryMAC))"
                        + (owner.wakeupMAC.map { " wake \(Presentation.mac($0))" } ?? "")
                }
                return "OPTION\(opt.code) \(Presentation.hex(opt.data))"
            }.joined(separator: "; ")
        case .soa(let s): return "\(s.mname) \(s.rname) \(s.serial) \(s.refresh) \(s.retry) \(s.expire) \(s.minimum)"
        case .mx(let m): return "\(m.preference) \(m.exchange)"
        case .opaque(_, let b): return "\\# \(b.count)" + (b.isEmpty ? "" : " " + Presentation.hex(b))
        }
    }
}

extension RData {
    /// Appends `description` to `out` as UTF-8; names go in as bytes, with no `String` made.
    public func appendDescription(to out: inout [UInt8]) {
        switch self {
        case .ptr(let n), .cname(let n), .ns(let n): n.appendDescription(to: &out)
        case .srv(let s):
            out += "\(s.priority) \(s.weight) \(s.port) ".utf8
            s.target.appendDescription(to: &out)
        default: out += description.utf8
        }
    }
}

extension ResourceRecord: CustomStringConvertible {
    public var description: String {
        if type == .opt {
            return "\(name)\t\(ttl)\tCLASS\(rrclass.rawValue)\tOPT\t\(rdata)"
        }
        return "\(name)\t\(ttl)\t\(rrclass)\t\(type)\t\(rdata)" + (cacheFlush ? "\t; cache-flush" : "")
    }
}

extension Question: CustomStringConvertible {
    public var description: String {
        ";\(name)\t\t\(qclass)\t\(type)" + (unicastResponse ? "\t; QU" : "\t; QM")
    }
}

extension Message: CustomStringConvertible {
    /// A dig-style rendering: header line, flags, then each section.
    public var description: String {
        var out = ";; ->>HEADER<<- opcode: \(header.opcode), status: \(header.rcode), id: \(header.id)\n"
        out += ";; flags: \(header.flagNames.joined(separator: " ")); QUERY: \(questions.count), ANSWER: \(answers.count), "
            + "AUTHORITY: \(authorities.count), ADDITIONAL: \(additionals.count)\n"
        if !questions.isEmpty {
            out += "\n;; QUESTION SECTION:\n"
            for q in questions { out += q.description + "\n" }
        }
        for section in Section.allCases where !self[section].isEmpty {
            out += "\n;; \(section) SECTION:\n"
            for r in self[section] { out += r.description + "\n" }
        }
        return out
    }
}

extension Presentation {
    static func hex<C: Collection>(_ b: C) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for x in b { out.append(digits[Int(x >> 4)]); out.append(digits[Int(x & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func mac(_ b: [UInt8]) -> String {
        b.map { let s = hex([$0]); return s }.joined(separator: ":")
    }
}
