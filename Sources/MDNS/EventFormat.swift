import DNSWire
import MDNSCore
import MDNSTransport

/// How the commands print events: avahi-browse's text and `-p` forms, or one JSON object per line.
public enum OutputStyle: String, Sendable { case text, parsable, json }

/// Event presentation, shared by the commands (and tested here, where no network is needed).
public enum EventFormat {
    /// avahi's label escaping for `-p`: `.` and `\` get a backslash; anything but letters, digits,
    /// `-` and `_` becomes `\DDD` (decimal), so "My Printer" is `My\032Printer`.
    public static func escapeLabel(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "."), UInt8(ascii: "\\"): out += "\\" + String(UnicodeScalar(b))
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"):
                out += String(UnicodeScalar(b))
            default:
                let d = String(b)
                out += "\\" + String(repeating: "0", count: 3 - d.count) + d
            }
        }
        return out
    }

    /// `_http._tcp.local.` → ("_http._tcp", "local").
    public static func split(type: DNSName) -> (type: String, domain: String) {
        let labels = type.labels.map { String(decoding: $0, as: UTF8.self) }
        let n = min(2, labels.count)
        return (labels.prefix(n).joined(separator: "."), labels.dropFirst(n).joined(separator: "."))
    }

    static func sign(_ c: Change, resolved: Bool) -> String {
        switch c {
        case .added: return resolved ? "=" : "+"
        case .updated: return "="
        case .removed: return "-"
        }
    }

    /// Lines for one browse event: `+`/`-` once per family the interface runs, `=` (resolved) once
    /// per address, as avahi-browse prints one line per interface and protocol.
    public static func browseLines(_ e: BrowseEvent, resolved: Bool, style: OutputStyle) -> [String] {
        let i = e.instance
        let (type, domain) = split(type: i.type)
        let s = sign(e.change, resolved: resolved)
        if s != "=" {
            return e.interface.families.map { f in
                line(style, s, e.interface.name, f.rawValue, i.instance, type, domain, json: [])
            }
        }
        let host = i.target.map { dropDot($0.description) } ?? ""
        let port = i.port.map(String.init) ?? ""
        let txt = (i.txt ?? []).map { "\"\($0)\"" }.joined(separator: " ")
        return i.addresses.map { a in
            let f = a.isV4 ? Family.ipv4 : Family.ipv6
            switch style {
            case .parsable:
                return [s, e.interface.name, f.rawValue, escapeLabel(i.instance), type, domain, host, a.description, port, txt]
                    .joined(separator: ";")
            case .text:
                return "\(s) \(e.interface.name) \(f.rawValue) \(i.instance)  \(type)  \(domain)\n   hostname = [\(host)]\n"
                    + "   address = [\(a)]\n   port = [\(port)]\n   txt = [\(txt)]"
            case .json:
                return json(s, e.interface.name, f.rawValue, i.instance, type, domain, extra: [
                    ("host", .string(host)), ("address", .string(a.description)), ("port", i.port.map { .int(Int($0)) } ?? .null),
                    ("txt", .array((i.txt ?? []).map { .string($0.description) })),
                ])
            }
        }
    }

    /// `+;eth0;IPv4;_http._tcp;local` style lines for `browse --all` (RFC 6763 §9).
    public static func serviceTypeLines(_ e: ServiceTypeEvent, style: OutputStyle) -> [String] {
        let (type, domain) = split(type: e.type)
        return e.interface.families.map { f in
            line(style, sign(e.change, resolved: false), e.interface.name, f.rawValue, nil, type, domain, json: [])
        }
    }

    /// One line per record event of `query` and `lookup`.
    public static func recordLine(_ e: RecordEvent, style: OutputStyle) -> String {
        let r = e.record
        let s = sign(e.change, resolved: false)
        let data = r.rdata.description
        switch style {
        case .text: return "\(s) \(e.interface.name) \(r.name) \(r.ttl) \(r.type) \(data)"
        case .parsable: return [s, e.interface.name, r.name.description, String(r.ttl), r.type.description, data].joined(separator: ";")
        case .json:
            return JSONValue.object([
                ("event", .string(changeName(e.change))), ("interface", .string(e.interface.name)), ("name", .string(r.name.description)),
                ("type", .string(r.type.description)), ("ttl", .int(Int(r.ttl))), ("data", .string(data)),
            ]).text
        }
    }

    /// `probing`, `registered`, `renamed` ... lines of `publish`.
    public static func registrationLine(_ e: RegistrationEvent, style: OutputStyle) -> String {
        switch style {
        case .text: return e.description
        case .parsable:
            switch e {
            case .probing(let n, let i), .registered(let n, let i), .lostTiebreak(let n, let i), .conflict(let n, let i):
                return [eventName(e), dropDot(n.description), i].joined(separator: ";")
            case .renamed(let a, let b): return ["renamed", dropDot(a.description), dropDot(b.description)].joined(separator: ";")
            case .withdrawn: return "withdrawn"
            }
        case .json:
            var fields: [(String, JSONValue)] = []
            switch e {
            case .probing(let n, let i), .registered(let n, let i), .lostTiebreak(let n, let i), .conflict(let n, let i):
                fields = [("name", .string(n.description)), ("interface", .string(i))]
            case .renamed(let a, let b): fields = [("from", .string(a.description)), ("to", .string(b.description))]
            case .withdrawn: break
            }
            return JSONValue.object([("event", .string(eventName(e)))] + fields).text
        }
    }

    static func line(_ style: OutputStyle, _ s: String, _ iface: String, _ proto: String, _ instance: String?, _ type: String,
                     _ domain: String, json extra: [(String, JSONValue)]) -> String {
        switch style {
        case .parsable: return ([s, iface, proto] + (instance.map { [escapeLabel($0)] } ?? []) + [type, domain]).joined(separator: ";")
        case .text: return ([s, iface, proto] + (instance.map { [$0] } ?? []) + [type, domain]).joined(separator: " ")
        case .json: return json(s, iface, proto, instance, type, domain, extra: extra)
        }
    }

    static func json(_ s: String, _ iface: String, _ proto: String, _ instance: String?, _ type: String, _ domain: String,
                     extra: [(String, JSONValue)]) -> String {
        let event = s == "+" ? "added" : s == "-" ? "removed" : "resolved"
        var o: [(String, JSONValue)] = [("event", .string(event)), ("interface", .string(iface)), ("protocol", .string(proto))]
        if let instance { o.append(("name", .string(instance))) }
        o += [("type", .string(type)), ("domain", .string(domain))] + extra
        return JSONValue.object(o).text
    }

    static func eventName(_ e: RegistrationEvent) -> String {
        switch e {
        case .probing: return "probing"
        case .registered: return "registered"
        case .lostTiebreak: return "lostTiebreak"
        case .conflict: return "conflict"
        case .renamed: return "renamed"
        case .withdrawn: return "withdrawn"
        }
    }

    static func changeName(_ c: Change) -> String { c.rawValue }
    static func dropDot(_ s: String) -> String { s.hasSuffix(".") ? String(s.dropLast()) : s }
}

extension IPAddress {
    var isV4: Bool { if case .v4 = self { return true }; return false }
}
