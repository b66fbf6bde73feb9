import DNSWire

/// Where a compression pointer planted by a mutator lands.
enum Anchor: Hashable {
    /// k bytes into the hostile name being built.
    case name(Int)
    /// k bytes into the carrier's payload (label data of an earlier question, or opaque rdata).
    case payload(Int)
    /// An absolute message offset (the header lives at 0..<12).
    case absolute(Int)
    /// k bytes past the end of the finished message.
    case fromEnd(Int)
}

enum Piece: Hashable {
    case bytes([UInt8])
    case pointer(Anchor)
    var length: Int {
        switch self {
        case .bytes(let b): return b.count
        case .pointer: return 2
        }
    }
}

/// An entry of the message being assembled: its wire pieces and, when it is well-formed, the
/// value a decoder must produce for it.
struct Entry {
    var pieces: [Piece]
    var question: Question?
    var record: ResourceRecord?
    var length: Int { pieces.reduce(0) { $0 + $1.length } }
}

/// A message laid out entry by entry, uncompressed, so that entries can be inserted and field
/// offsets are known; pointers are resolved when the bytes are produced.
struct Assembly {
    var header: Header
    var questions: [Entry]
    var sections: [[Entry]]
    /// (section index or nil for questions, entry index, byte offset of the hostile name inside it)
    var target: (section: Int?, index: Int, nameOffset: Int)?
    var carrier: (section: Int?, index: Int, payloadOffset: Int)?

    /// The base message, uncompressed, one entry per question and record.
    init(_ m: Message) {
        header = m.header
        questions = m.questions.map { q in
            var w = MessageWriter(compression: .none)
            w.writeName(q.name)
            w.writeUInt16(q.type.rawValue)
            w.writeUInt16(q.qclass.rawValue | (q.unicastResponse ? mdnsClassTopBit : 0))
            return Entry(pieces: [.bytes(w.bytes)], question: q)
        }
        sections = Section.allCases.map { s in m[s].map { Entry(pieces: [.bytes(Assembly.recordBytes($0))], record: $0) } }
    }

    static func recordBytes(_ r: ResourceRecord) -> [UInt8] {
        var w = MessageWriter(compression: .none)
        w.writeName(r.name)
        w.writeUInt16(r.type.rawValue)
        w.writeUInt16(r.wireClass)
        w.writeUInt32(r.ttl)
        let rdata = r.rdata.canonicalBytes
        w.writeUInt16(UInt16(rdata.count))
        w.writeBytes(rdata)
        return w.bytes
    }

    /// Byte offset of an entry in the finished message.
    func offset(section: Int?, index: Int) -> Int {
        var o = DNSLimits.headerLength
        for (i, q) in questions.enumerated() {
            if section == nil && i == index { return o }
            o += q.length
        }
        for (s, entries) in sections.enumerated() {
            for (i, e) in entries.enumerated() {
                if section == s && i == index { return o }
                o += e.length
            }
        }
        return o
    }

    var totalLength: Int {
        DNSLimits.headerLength + questions.reduce(0) { $0 + $1.length } + sections.joined().reduce(0) { $0 + $1.length }
    }

    func resolve(_ a: Anchor) -> Int {
        switch a {
        case .name(let k):
            let t = target!
            return offset(section: t.section, index: t.index) + t.nameOffset + k
        case .payload(let k):
            let c = carrier!
            return offset(section: c.section, index: c.index) + c.payloadOffset + k
        case .absolute(let k): return k
        case .fromEnd(let k): return totalLength + k
        }
    }

    func bytes() -> [UInt8] {
        var w = MessageWriter(compression: .none, capacity: totalLength)
        w.writeUInt16(header.id)
        w.writeUInt16(header.flags)
        w.writeUInt16(UInt16(questions.count))
        for s in sections { w.writeUInt16(UInt16(s.count)) }
        for e in questions + sections.joined() {
            for p in e.pieces {
                switch p {
                case .bytes(let b): w.writeBytes(b)
                case .pointer(let a): w.writeUInt16(0xC000 | UInt16(resolve(a) & 0x3FFF))
                }
            }
        }
        return w.bytes
    }

    /// The message a decoder must produce, when every entry is well-formed.
    var expectedMessage: Message? {
        var m = Message(header: header)
        for q in questions {
            guard let v = q.question else { return nil }
            m.questions.append(v)
        }
        for (s, entries) in sections.enumerated() {
            for e in entries {
                guard let r = e.record else { return nil }
                m[Section(rawValue: s)!].append(r)
            }
        }
        return m.normalized
    }
}
