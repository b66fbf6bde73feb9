/// Salvage decoding: real devices send messages with one bad record (an NSEC whose next name
/// points past the end, typed rdata that overruns RDLENGTH, a question whose name points out of
/// the message). Strict decoding rejects the whole message; salvage keeps every entry whose
/// framing is intact and reports each one it drops.
///
/// An entry's framing is its owner name's own bytes (up to the root or the first pointer), its
/// fixed fields and, for a record, an RDLENGTH that fits the message: with those the next entry
/// is found whatever the content. Framing breaks (and the whole message is rejected, as in
/// strict decoding) on a bad header or counts, truncation, a reserved label type in an owner
/// name, or an owner name that loops or expands past 255 bytes. Content errors drop only their
/// entry: rdata that breaks its type's structure, a name inside rdata that is bad in any way, and
/// an owner name whose compression pointer lands outside the message or in the header.
public struct SalvageDrop: Hashable, Sendable, CustomStringConvertible {
    public enum Entry: Hashable, Sendable, CustomStringConvertible {
        case question
        case record(Section)

        public var description: String {
            switch self {
            case .question: return "QUESTION"
            case .record(let s): return s.description
            }
        }
    }

    public var entry: Entry
    /// Position of the entry in its section on the wire, dropped entries counted.
    public var index: Int
    /// Offset of the entry's first byte (its owner name).
    public var offset: Int
    /// TYPE (QTYPE) as on the wire: the framing was read, so it is known.
    public var type: RRType
    /// Why it was dropped; the error's offset is where the problem was found.
    public var error: DNSWireError

    public init(entry: Entry, index: Int, offset: Int, type: RRType, error: DNSWireError) {
        self.entry = entry
        self.index = index
        self.offset = offset
        self.type = type
        self.error = error
    }

    public var description: String { "\(entry) #\(index) \(type) at byte \(offset): \(error)" }
}

extension MessageParser {
    /// One step of a salvaging pass.
    public enum SalvageEntry: Hashable, Sendable {
        case question(QuestionView)
        case record(RecordView)
        case dropped(SalvageDrop)
    }

    /// The next question or record like `nextQuestion()` / `nextRecord()`, except that an entry
    /// whose framing is intact but whose content is bad comes back as `.dropped` and the pass
    /// goes on after it. Throws only when the framing breaks; nil at the end.
    @inlinable
    public mutating func nextSalvaging() throws(DNSWireError) -> SalvageEntry? {
        if questionsLeft > 0 {
            let index = Int(header.questionCount) &- questionsLeft
            let start = reader.offset
            do throws(DNSWireError) {
                return .question(try nextQuestion().unsafelyUnwrapped)
            } catch {
                try reader.skipOwnerName(at: start, after: error)
                let (type, _) = try readQuestionFields()
                questionsLeft &-= 1
                return .dropped(SalvageDrop(entry: .question, index: index, offset: start, type: RRType(type), error: error))
            }
        }
        guard let section = takeRecordSection() else { return nil }
        let index = recordIndex(in: section)
        let start = reader.offset
        var nameError: DNSWireError? = nil
        var name = NameRef(offset: 0, wireLength: 1, labelCount: 0)
        do throws(DNSWireError) {
            name = try reader.readName(bound: reader.count)
        } catch {
            try reader.skipOwnerName(at: start, after: error)
            nameError = error
        }
        let (type, cls, ttl, rdlength) = try readRecordFields()
        let rdataOffset = reader.offset
        let drop = { (e: DNSWireError) in
            SalvageDrop(entry: .record(section), index: index, offset: start, type: type, error: e)
        }
        if let nameError {
            reader.offset = rdataOffset &+ rdlength
            return .dropped(drop(nameError))
        }
        do throws(DNSWireError) {
            let rdata = try reader.readRData(type: type, length: rdlength)
            return .record(RecordView(start: start, section: section, name: name, type: type, wireClass: cls, ttl: ttl,
                                      rdataOffset: rdataOffset, rdata: rdata))
        } catch {
            // RDLENGTH fits the message (readRecordFields checked it): the next record starts there.
            reader.offset = rdataOffset &+ rdlength
            return .dropped(drop(error))
        }
    }

    /// Index on the wire of the record just counted off in `section`.
    @usableFromInline
    func recordIndex(in section: Section) -> Int {
        switch section {
        case .answer: return Int(header.answerCount) &- answersLeft &- 1
        case .authority: return Int(header.authorityCount) &- authoritiesLeft &- 1
        case .additional: return Int(header.additionalCount) &- additionalsLeft &- 1
        }
    }
}

extension WireReader {
    /// After `error` while reading the owner name at `start`: steps over the name's own bytes
    /// when only a pointer's target was bad (outside the message or in the header), and rethrows
    /// any other error, which breaks the framing.
    @usableFromInline
    mutating func skipOwnerName(at start: Int, after error: DNSWireError) throws(DNSWireError) {
        guard error.code == .pointerOutOfRange || error.code == .pointerIntoHeader else { throw error }
        // readName walked these bytes before it followed the pointer, so they are whole; the
        // checks stay so that this never relies on it.
        var pos = start
        while pos < count {
            let len = Int(bytes[pos])
            if len == 0 { offset = pos &+ 1; return }
            if len < 0x40 { pos &+= len &+ 1; continue }
            guard len >= 0xC0, pos &+ 1 < count else { throw error }
            offset = pos &+ 2
            return
        }
        throw error
    }
}

/// A message decoded in salvage mode: what was kept, what was dropped and why.
public struct SalvagedMessage: Hashable, Sendable {
    /// The entries kept, in wire order. Header counts are the ones on the wire.
    public var message: Message
    /// Every question or record left out, in wire order.
    public var dropped: [SalvageDrop]
    /// Bytes after the last announced record (kept, not an error, in salvage mode).
    public var trailingByteCount: Int

    public init(message: Message, dropped: [SalvageDrop] = [], trailingByteCount: Int = 0) {
        self.message = message
        self.dropped = dropped
        self.trailingByteCount = trailingByteCount
    }

    /// True when nothing was dropped: `message` is what a strict decode (trailing bytes allowed) gives.
    public var isComplete: Bool { dropped.isEmpty }

    /// Decodes in salvage mode. Throws only when the framing breaks (see `SalvageDrop`).
    public init(decoding bytes: UnsafeRawBufferPointer) throws(DNSWireError) {
        var p = try MessageParser(bytes)
        var m = Message(header: p.header)
        m.reserveCapacity(for: p.header)
        var dropped: [SalvageDrop] = []
        var names = DecodedNames()
        while let e = try p.nextSalvaging() {
            switch e {
            case .question(let q): m.questions.append(p.question(q, names: &names))
            case .record(let r): m.append(p.record(r, names: &names), to: r.section)
            case .dropped(let d): dropped.append(d)
            }
        }
        self.init(message: m, dropped: dropped, trailingByteCount: p.trailingByteCount)
    }

    public init<C: Collection>(decoding bytes: C) throws(DNSWireError) where C.Element == UInt8 {
        let result: Result<SalvagedMessage, DNSWireError>? = bytes.withContiguousStorageIfAvailable { buf in
            do throws(DNSWireError) { return .success(try SalvagedMessage(decoding: UnsafeRawBufferPointer(buf))) }
            catch { return .failure(error) }
        }
        if let result { self = try result.get(); return }
        self = try SalvagedMessage(decoding: Array(bytes))
    }
}

extension SalvageDrop {
    public var jsonValue: JSONValue {
        .object([("entry", .string(entry.description)), ("index", .int(index)), ("offset", .int(offset)),
                 ("type", .string(type.description)), ("error", error.jsonValue)])
    }
}
