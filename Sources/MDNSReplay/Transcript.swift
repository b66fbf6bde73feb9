import DNSWire
import PCAP

/// One canonical line per message, for golden files: frame, time relative to the first message,
/// source > destination, kind, header, then every question and record in wire order.
///
///     7 +0.250000000 10.0.0.2:5353 > 224.0.0.251:5353 probe id=0 flags=- | qd host.local. ANY IN QU | ns host.local. 120 IN A 10.0.0.2 flush
public enum Transcript {
    public static func line(_ m: ReplayMessage, origin: Timestamp) -> String {
        let d = m.datagram
        var s = "\(d.frame) " + Timestamp.format(nanoseconds: d.timestamp.totalNanoseconds - origin.totalNanoseconds, signed: true)
        s += " " + ReplayMessage.endpoint(d.source, d.sourcePort) + " > " + ReplayMessage.endpoint(d.destination, d.destinationPort)
        if d.interface != 0 { s += " if=\(d.interface)" }
        if d.fragments > 1 { s += " fragments=\(d.fragments)" }
        s += " " + m.kind.rawValue
        guard let msg = m.message else {
            let e = m.error!
            return s + " \(e.code.rawValue)@\(e.offset) \(d.payload.count) bytes: \(e.reason)"
        }
        s += header(msg.header)
        if m.trailingBytes > 0 { s += " trailing=\(m.trailingBytes)" }
        for q in msg.questions { s += " | qd " + question(q) }
        for r in msg.answers { s += " | an " + record(r) }
        for r in msg.authorities { s += " | ns " + record(r) }
        for r in msg.additionals { s += " | ar " + record(r) }
        for x in m.dropped { s += " | dropped " + dropped(x) }
        return s
    }

    /// An entry salvage decoding left out: where it was, and why.
    public static func dropped(_ d: SalvageDrop) -> String {
        let place: String
        switch d.entry {
        case .question: place = "qd"
        case .record(.answer): place = "an"
        case .record(.authority): place = "ns"
        case .record(.additional): place = "ar"
        }
        return "\(place)#\(d.index) \(d.type) \(d.error.code.rawValue)@\(d.error.offset): \(d.error.reason)"
    }

    /// A frame that could not be decoded, as a comment line.
    public static func skipped(_ e: PCAPError) -> String {
        "# " + e.description
    }

    static func header(_ h: Header) -> String {
        var s = " id=\(h.id) flags=" + (h.flagNames.isEmpty ? "-" : h.flagNames.joined(separator: ","))
        if h.opcode != 0 { s += " opcode=\(h.opcode)" }
        if h.rcode != 0 { s += " rcode=\(h.rcode)" }
        return s
    }

    public static func question(_ q: Question) -> String {
        "\(q.name) \(q.type) \(q.qclass) " + (q.unicastResponse ? "QU" : "QM")
    }

    public static func record(_ r: ResourceRecord) -> String {
        if r.type == .opt {
            return "\(r.name) \(r.ttl) CLASS\(r.rrclass.rawValue) OPT \(r.rdata)"
        }
        return "\(r.name) \(r.ttl) \(r.rrclass) \(r.type) \(r.rdata)" + (r.cacheFlush ? " flush" : "")
    }
}

/// One JSON object per message.
public enum MessageJSON {
    public static func object(_ m: ReplayMessage, file: String, origin: Timestamp) -> JSONValue {
        let d = m.datagram
        var o: [(String, JSONValue)] = [
            ("file", .string(file)), ("frame", .int(d.frame)),
            ("time", .string(d.timestamp.description)),
            ("relativeTime", .string(Timestamp.format(nanoseconds: d.timestamp.totalNanoseconds - origin.totalNanoseconds, signed: false))),
            ("source", .string(d.source.description)), ("sourcePort", .int(Int(d.sourcePort))),
            ("destination", .string(d.destination.description)), ("destinationPort", .int(Int(d.destinationPort))),
            ("interface", .int(d.interface)), ("hopLimit", .int(Int(d.hopLimit))), ("fragments", .int(d.fragments)),
            ("length", .int(d.payload.count)), ("kind", .string(m.kind.rawValue)),
        ]
        if let msg = m.message {
            o.append(("trailingBytes", .int(m.trailingBytes)))
            o.append(("message", message(msg)))
            if !m.dropped.isEmpty { o.append(("dropped", .array(m.dropped.map(\.jsonValue)))) }
        } else if let e = m.error {
            o.append(("error", e.jsonValue))
        }
        return .object(o)
    }

    public static func skipped(_ e: PCAPError, file: String) -> JSONValue {
        .object([("file", .string(file)), ("frame", e.frame.map { .int($0) } ?? .null),
                 ("skipped", .object([("code", .string(e.code.rawValue)), ("offset", e.offset.map { .int($0) } ?? .null),
                                      ("reason", .string(e.reason))]))])
    }

    public static func message(_ m: Message) -> JSONValue { m.jsonValue }

    public static func record(_ r: ResourceRecord) -> JSONValue { r.jsonValue }
}
