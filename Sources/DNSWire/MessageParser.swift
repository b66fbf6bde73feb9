/// A zero-copy, zero-allocation pass over one message in the caller's buffer.
///
/// Questions come first (`nextQuestion`), then records (`nextRecord`) in wire order. Every name is
/// validated when read and handed out as a `NameRef`; `name(_:)`, `forEachLabel` and `appendWire`
/// expand it on demand. The parser must not outlive the buffer it reads: use it inside
/// `withUnsafeBytes` or `MessageParser.withParser(_:_:)`.
public struct MessageParser {
    @usableFromInline var reader: WireReader
    public let header: Header
    @usableFromInline var questionsLeft: Int
    @usableFromInline var answersLeft: Int
    @usableFromInline var authoritiesLeft: Int
    @usableFromInline var additionalsLeft: Int

    public struct QuestionView: Hashable, Sendable {
        public let offset: Int
        public let name: NameRef
        public let type: RRType
        public let qclass: RRClass
        public let unicastResponse: Bool

        @usableFromInline init(offset: Int, name: NameRef, type: RRType, qclass: RRClass, unicastResponse: Bool) {
            self.offset = offset; self.name = name; self.type = type; self.qclass = qclass
            self.unicastResponse = unicastResponse
        }
    }

    public struct RecordView: Hashable, Sendable {
        public let offset: Int
        public let section: Section
        public let name: NameRef
        public let type: RRType
        public let rrclass: RRClass
        public let cacheFlush: Bool
        public let ttl: UInt32
        public let rdataOffset: Int
        public let rdata: RDataView

        @usableFromInline init(offset: Int, section: Section, name: NameRef, type: RRType, rrclass: RRClass,
                               cacheFlush: Bool, ttl: UInt32, rdataOffset: Int, rdata: RDataView) {
            self.offset = offset; self.section = section; self.name = name; self.type = type
            self.rrclass = rrclass; self.cacheFlush = cacheFlush; self.ttl = ttl
            self.rdataOffset = rdataOffset; self.rdata = rdata
        }

        /// From the class as on the wire. RFC 6891 §6.1.2: OPT's class is a payload size; its
        /// top bit is not a cache-flush bit.
        @inlinable @inline(__always)
        init(start: Int, section: Section, name: NameRef, type: RRType, wireClass cls: UInt16, ttl: UInt32,
             rdataOffset: Int, rdata: RDataView) {
            let isOPT = type == .opt
            self.init(offset: start, section: section, name: name, type: type,
                      rrclass: RRClass(isOPT ? cls : cls & ~mdnsClassTopBit),
                      cacheFlush: !isOPT && cls & mdnsClassTopBit != 0, ttl: ttl, rdataOffset: rdataOffset, rdata: rdata)
        }
    }

    /// Reads the header and checks the counts against the bytes that follow.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) throws(DNSWireError) {
        reader = WireReader(bytes)
        let id = try reader.readUInt16("the header ID")
        let flags = try reader.readUInt16("the header flags")
        let qd = try reader.readUInt16("QDCOUNT")
        let an = try reader.readUInt16("ANCOUNT")
        let ns = try reader.readUInt16("NSCOUNT")
        let ar = try reader.readUInt16("ARCOUNT")
        header = Header(id: id, flags: flags, questionCount: qd, answerCount: an, authorityCount: ns, additionalCount: ar)
        // Counts are promises about the bytes left; check them before trusting any of them, and
        // never size anything by them (AMNESIA:33, CVE-2020-24340).
        let need = Int(qd) * DNSLimits.minQuestionLength + (Int(an) + Int(ns) + Int(ar)) * DNSLimits.minRecordLength
        guard need <= reader.remaining else {
            throw DNSWireError(.countExceedsData, at: 4,
                               "counts \(qd)/\(an)/\(ns)/\(ar) need at least \(need) bytes, \(reader.remaining) remain")
        }
        questionsLeft = Int(qd)
        answersLeft = Int(an)
        authoritiesLeft = Int(ns)
        additionalsLeft = Int(ar)
    }

    /// As `init(_:)`, and every name read from here on is also expanded into `arena`: uncompressed,
    /// root byte included, one after another in wire order (question names, then each record's
    /// owner and rdata names). The walk that validates a name copies it, so expanding costs about
    /// what validating does. When fewer than `DNSLimits.maxNameLength + 1` bytes are free,
    /// `arenaFull` is set and later names are only validated.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, expandingNamesInto arena: UnsafeMutableRawBufferPointer) throws(DNSWireError) {
        try self.init(bytes)
        reader.arena = arena.baseAddress
        reader.arenaCapacity = arena.count
    }

    /// Bytes of the arena filled with expanded names so far.
    @inlinable public var expandedNamesLength: Int { reader.arenaUsed }
    /// True when a name did not fit in the arena (see `init(_:expandingNamesInto:)`).
    @inlinable public var arenaFull: Bool { reader.arenaFull }

    /// Runs `body` with a parser over `bytes`.
    @inlinable
    public static func withParser<R>(_ bytes: [UInt8], _ body: (inout MessageParser) throws(DNSWireError) -> R) throws(DNSWireError) -> R {
        let result: Result<R, DNSWireError> = bytes.withUnsafeBytes { raw in
            do throws(DNSWireError) {
                var p = try MessageParser(raw)
                return .success(try body(&p))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The current read offset.
    public var offset: Int { reader.offset }
    /// The whole message.
    public var bytes: UnsafeRawBufferPointer { reader.bytes }

    @inlinable
    public mutating func nextQuestion() throws(DNSWireError) -> QuestionView? {
        guard questionsLeft > 0 else { return nil }
        let start = reader.offset
        let name = try reader.readName(bound: reader.count)
        let (type, cls) = try readQuestionFields()
        questionsLeft &-= 1
        return QuestionView(offset: start, name: name, type: RRType(type), qclass: RRClass(cls & ~mdnsClassTopBit),
                            unicastResponse: cls & mdnsClassTopBit != 0)
    }

    /// The next record of any section; questions still unread are read and validated first.
    @inlinable
    public mutating func nextRecord() throws(DNSWireError) -> RecordView? {
        while questionsLeft > 0 { _ = try nextQuestion() }
        guard let section = takeRecordSection() else { return nil }
        let start = reader.offset
        let name = try reader.readName(bound: reader.count)
        let (type, cls, ttl, rdlength) = try readRecordFields()
        let rdataOffset = reader.offset
        let rdata = try reader.readRData(type: type, length: rdlength)
        return RecordView(start: start, section: section, name: name, type: type, wireClass: cls, ttl: ttl,
                          rdataOffset: rdataOffset, rdata: rdata)
    }

    /// The section of the next record, counted off; nil when every record was read.
    @inlinable @inline(__always)
    mutating func takeRecordSection() -> Section? {
        if answersLeft > 0 { answersLeft &-= 1; return .answer }
        if authoritiesLeft > 0 { authoritiesLeft &-= 1; return .authority }
        if additionalsLeft > 0 { additionalsLeft &-= 1; return .additional }
        return nil
    }

    /// QTYPE and QCLASS after a question's name.
    @inlinable @inline(__always)
    mutating func readQuestionFields() throws(DNSWireError) -> (type: UInt16, cls: UInt16) {
        guard reader.remaining >= 4 else {
            return (try reader.readUInt16("a question type"), try reader.readUInt16("a question class"))
        }
        let v = UInt32(bigEndian: reader.bytes.loadUnaligned(fromByteOffset: reader.offset, as: UInt32.self))
        reader.offset &+= 4
        return (UInt16(truncatingIfNeeded: v &>> 16), UInt16(truncatingIfNeeded: v))
    }

    /// TYPE, CLASS, TTL and RDLENGTH after a record's name, with RDLENGTH checked against the
    /// bytes left: past this point the record's extent is known.
    @inlinable @inline(__always)
    mutating func readRecordFields() throws(DNSWireError) -> (type: RRType, cls: UInt16, ttl: UInt32, rdlength: Int) {
        let type: RRType, cls: UInt16, ttl: UInt32, rdlength: Int
        if reader.remaining >= 10 {
            // TYPE, CLASS, TTL, RDLENGTH with one bounds check.
            let o = reader.offset
            let b = reader.bytes
            let typeAndClass = UInt32(bigEndian: b.loadUnaligned(fromByteOffset: o, as: UInt32.self))
            type = RRType(UInt16(truncatingIfNeeded: typeAndClass &>> 16))
            cls = UInt16(truncatingIfNeeded: typeAndClass)
            ttl = UInt32(bigEndian: b.loadUnaligned(fromByteOffset: o &+ 4, as: UInt32.self))
            rdlength = Int(UInt16(bigEndian: b.loadUnaligned(fromByteOffset: o &+ 8, as: UInt16.self)))
            reader.offset = o &+ 10
        } else {
            type = RRType(try reader.readUInt16("a record type"))
            cls = try reader.readUInt16("a record class")
            ttl = try reader.readUInt32("a record TTL")
            rdlength = Int(try reader.readUInt16("RDLENGTH"))
        }
        guard rdlength <= reader.remaining else {
            throw DNSWireError(.truncated, at: reader.offset &- 2, "RDLENGTH \(rdlength) but \(reader.remaining) bytes remain")
        }
        return (type, cls, ttl, rdlength)
    }

    /// True when every question and record the header announced has been read.
    public var isAtEnd: Bool { questionsLeft == 0 && answersLeft == 0 && authoritiesLeft == 0 && additionalsLeft == 0 }

    /// Bytes after the last announced record (valid once `isAtEnd`).
    @inlinable public var trailingByteCount: Int { reader.remaining }

    /// Reads everything left, validating it, and returns the number of trailing bytes.
    @discardableResult
    public mutating func validateRest() throws(DNSWireError) -> Int {
        while try nextRecord() != nil {}
        return trailingByteCount
    }

    // Expanding names and reading ranges.

    public func name(_ ref: NameRef) -> DNSName { DNSName(ref, in: reader) }

    /// Expands `ref` into `name`, reusing `name`'s storage when it is not shared (see `DNSName.detached`).
    public func name(_ ref: NameRef, into name: inout DNSName) { name.assign(ref, in: reader) }

    /// As `name(_:into:)` for a name this parser expanded into its arena (see
    /// `init(_:expandingNamesInto:)`) at `offset`, as `expandedNamesLength` gave it before the
    /// name was read: a copy from the arena, no walk. nil walks the message.
    public func name(_ ref: NameRef, expandedAt offset: Int?, into name: inout DNSName) {
        guard let offset, let arena = reader.arena else { return self.name(ref, into: &name) }
        let n = Int(ref.wireLength)
        precondition(offset >= 0 && offset + n <= reader.arenaUsed, "a name expanded by this parser")
        name.assign(expanded: UnsafeRawBufferPointer(start: arena + offset, count: n))
    }

    /// True when `ref` names `name` (RFC 6762 §16: ASCII case folded), without expanding it.
    public func name(_ ref: NameRef, equals name: DNSName) -> Bool {
        guard Int(ref.wireLength) == name.wire.count else { return false }
        return name.wire.withUnsafeBufferPointer { w in
            var at = 0
            var same = true
            reader.forEachLabel(ref) { label in
                guard same, Int(w[at]) == label.count else { same = false; return }
                same = ASCII.equalFolded(label.assumingMemoryBound(to: UInt8.self), UnsafeBufferPointer(rebasing: w[(at + 1)..<(at + 1 + label.count)]))
                at += 1 + label.count
            }
            return same
        }
    }

    /// True when a record's rdata equals `rdata` (`RData ==`), read from the view: no owned copy
    /// for A, AAAA, PTR, SRV and TXT; other types are compared through one.
    public func rdata(_ view: RDataView, type: RRType, equals rdata: RData) -> Bool {
        switch view {
        case .a(let x):
            if case .a(let y) = rdata { return x == y }
        case .aaaa(let x):
            if case .aaaa(let y) = rdata { return x == y }
        case .ptr(let x):
            if case .ptr(let y) = rdata { return name(x, equals: y) }
        case .srv(let p, let w, let port, let t):
            if case .srv(let s) = rdata { return p == s.priority && w == s.weight && port == s.port && name(t, equals: s.target) }
        case .txt(let range):
            if case .txt(let t) = rdata { return txt(range, equals: t) }
        default:
            return RData(view, type: type, in: reader) == rdata
        }
        return false
    }

    /// True when TXT rdata at `range` has exactly `txt`'s strings.
    public func txt(_ range: ByteRange, equals txt: TXT) -> Bool {
        var i = 0
        var same = true
        forEachCharacterString(range) { s in
            guard same, i < txt.strings.count else { same = false; return }
            same = txt.strings[i].withUnsafeBufferPointer { ASCII.equalExactly($0, s.assumingMemoryBound(to: UInt8.self)) }
            i += 1
        }
        return same && i == txt.strings.count
    }

    /// Owned rdata of a view.
    public func rdata(_ view: RDataView, type: RRType) -> RData { RData(view, type: type, in: reader) }

    @inlinable
    public func forEachLabel(_ ref: NameRef, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try reader.forEachLabel(ref, body)
    }

    /// Appends the uncompressed wire form of a name, e.g. into a reused arena.
    @inlinable
    public func appendWire(_ ref: NameRef, to out: inout [UInt8]) { reader.appendWire(ref, to: &out) }

    @inlinable
    public func bytes(_ range: ByteRange) -> UnsafeRawBufferPointer { reader.slice(range) }

    /// Calls `body` with each character-string of TXT rdata.
    @inlinable
    public func forEachCharacterString(_ range: ByteRange, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var i = Int(range.lowerBound)
        let end = Int(range.upperBound)
        while i < end {
            let n = Int(reader.byte(at: i))
            try body(UnsafeRawBufferPointer(rebasing: reader.bytes[(i &+ 1)..<(i &+ 1 &+ n)]))
            i &+= 1 &+ n
        }
    }

    /// Owned copies of a view.
    public func question(_ q: QuestionView) -> Question {
        Question(name: name(q.name), type: q.type, qclass: q.qclass, unicastResponse: q.unicastResponse)
    }

    public func record(_ r: RecordView) -> ResourceRecord {
        var names = DecodedNames()
        return record(r, names: &names)
    }

    /// Owned copies for a whole decode: a name compressed to one already expanded shares its storage.
    func question(_ q: QuestionView, names: inout DecodedNames) -> Question {
        Question(name: names.name(q.name, in: reader), type: q.type, qclass: q.qclass, unicastResponse: q.unicastResponse)
    }

    func record(_ r: RecordView, names: inout DecodedNames) -> ResourceRecord {
        ResourceRecord(name: names.name(r.name, in: reader), rrclass: r.rrclass, cacheFlush: r.cacheFlush, ttl: r.ttl,
                       rdata: RData(r.rdata, type: r.type, in: reader, names: &names))
    }
}
