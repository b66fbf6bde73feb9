/// Decoding and encoding whole messages.
extension Message {
    public struct DecodeOptions: Sendable {
        /// Bytes after the last record: an error (`trailingBytes`) or ignored.
        public var allowTrailingBytes: Bool
        public init(allowTrailingBytes: Bool = false) { self.allowTrailingBytes = allowTrailingBytes }
    }

    /// Decodes one message. Any problem throws a `DNSWireError`; nothing traps.
    public init(decoding bytes: UnsafeRawBufferPointer, options: DecodeOptions = .init()) throws(DNSWireError) {
        var p = try MessageParser(bytes)
        self.init(header: p.header)
        reserveCapacity(for: p.header)
        var names = DecodedNames()
        while let q = try p.nextQuestion() { questions.append(p.question(q, names: &names)) }
        while let r = try p.nextRecord() { append(p.record(r, names: &names), to: r.section) }
        if !options.allowTrailingBytes && p.trailingByteCount > 0 {
            throw DNSWireError(.trailingBytes, at: p.offset, "\(p.trailingByteCount) bytes after the last record")
        }
    }

    /// Room for `DNSLimits.decodeSectionCapacity` entries in each section the header says is not
    /// empty: growing an array from empty one append at a time cost four allocations for a
    /// section of eight records.
    public mutating func reserveCapacity(for h: Header) {
        func room(_ n: UInt16) -> Int { n > 0 ? DNSLimits.decodeSectionCapacity : 0 }
        questions.reserveCapacity(room(h.questionCount))
        answers.reserveCapacity(room(h.answerCount))
        authorities.reserveCapacity(room(h.authorityCount))
        additionals.reserveCapacity(room(h.additionalCount))
    }

    public mutating func append(_ r: ResourceRecord, to section: Section) {
        switch section {
        case .answer: answers.append(r)
        case .authority: authorities.append(r)
        case .additional: additionals.append(r)
        }
    }

    public init<C: Collection>(decoding bytes: C, options: DecodeOptions = .init()) throws(DNSWireError) where C.Element == UInt8 {
        let result: Result<Message, DNSWireError>? = bytes.withContiguousStorageIfAvailable { buf in
            do throws(DNSWireError) { return .success(try Message(decoding: UnsafeRawBufferPointer(buf), options: options)) }
            catch { return .failure(error) }
        }
        if let result { self = try result.get(); return }
        let copy = Array(bytes)
        let r: Result<Message, DNSWireError> = copy.withUnsafeBytes { raw in
            do throws(DNSWireError) { return .success(try Message(decoding: raw, options: options)) }
            catch { return .failure(error) }
        }
        self = try r.get()
    }
}

/// Which records did not fit under the size limit, in wire order.
public struct EncodedMessage: Sendable {
    public var bytes: [UInt8]
    /// The message as written: counts match the records that fit.
    public var written: Message
    /// Questions that did not fit (indices into `questions`).
    public var omittedQuestions: [Int]
    /// Records that did not fit, by section and index.
    public var omitted: [(section: Section, index: Int)]
    public var isComplete: Bool { omittedQuestions.isEmpty && omitted.isEmpty }
}

public struct MessageEncoder: Sendable {
    public var compression: MessageWriter.Compression
    /// Stop before a question or record that would take the message past this many bytes
    /// (RFC 6762 §17: at most 9000; 1440 avoids fragmentation on Ethernet).
    public var maxSize: Int

    public init(compression: MessageWriter.Compression = .suffixes, maxSize: Int = DNSLimits.maxMulticastMessageLength) {
        self.compression = compression
        self.maxSize = maxSize
    }

    /// Encodes as much of `message` as fits, in order, and reports the rest.
    public func encode(_ message: Message) -> EncodedMessage {
        var w = MessageWriter(compression: compression, capacity: min(maxSize, 1500))
        var written = message
        written.questions = []; written.answers = []; written.authorities = []; written.additionals = []
        w.writeUInt16(message.header.id)
        w.writeUInt16(message.header.flags)
        for _ in 0..<4 { w.writeUInt16(0) }
        var full = false
        var omittedQ: [Int] = []
        for (i, q) in message.questions.enumerated() {
            if full { omittedQ.append(i); continue }
            let mark = w.count
            w.writeName(q.name)
            w.writeUInt16(q.type.rawValue)
            w.writeUInt16(q.qclass.rawValue | (q.unicastResponse ? mdnsClassTopBit : 0))
            if w.count > maxSize { w.truncate(to: mark); full = true; omittedQ.append(i) } else { written.questions.append(q) }
        }
        var omitted: [(Section, Int)] = []
        for section in Section.allCases {
            for (i, r) in message[section].enumerated() {
                if full { omitted.append((section, i)); continue }
                let mark = w.count
                Self.write(r, to: &w)
                if w.count > maxSize { w.truncate(to: mark); full = true; omitted.append((section, i)) }
                else { written[section].append(r) }
            }
        }
        w.patchUInt16(at: 4, UInt16(truncatingIfNeeded: written.questions.count))
        w.patchUInt16(at: 6, UInt16(truncatingIfNeeded: written.answers.count))
        w.patchUInt16(at: 8, UInt16(truncatingIfNeeded: written.authorities.count))
        w.patchUInt16(at: 10, UInt16(truncatingIfNeeded: written.additionals.count))
        return EncodedMessage(bytes: w.bytes, written: written.normalized, omittedQuestions: omittedQ,
                              omitted: omitted.map { (section: $0.0, index: $0.1) })
    }

    static func write(_ r: ResourceRecord, to w: inout MessageWriter) {
        w.writeName(r.name)
        w.writeUInt16(r.type.rawValue)
        w.writeUInt16(r.wireClass)
        w.writeUInt32(r.ttl)
        let lengthAt = w.count
        w.writeUInt16(0)
        r.rdata.write(to: &w)
        w.patchUInt16(at: lengthAt, UInt16(truncatingIfNeeded: w.count - lengthAt - 2))
    }
}

extension Message {
    /// Encodes the whole message with no size limit beyond the 16-bit maximum.
    public func encoded(compression: MessageWriter.Compression = .suffixes) -> [UInt8] {
        MessageEncoder(compression: compression, maxSize: DNSLimits.maxMessageLength).encode(self).bytes
    }
}
