import DNSWire
import Testing

/// Every constant in `DNSLimits`, enforced at exactly its boundary.
@Suite("DNSLimits: every limit at its boundary")
struct LimitsTests {
    // MARK: headerLength

    @Test func headerLengthIsTwelveBytes() throws {
        #expect(DNSLimits.headerLength == 12)
        expectDecodeError([UInt8](repeating: 0, count: DNSLimits.headerLength - 1), .truncated, at: 10)
        let empty = try Message(decoding: [UInt8](repeating: 0, count: DNSLimits.headerLength))
        #expect(empty == Message())
        #expect(Message().encoded().count == DNSLimits.headerLength)
    }

    // MARK: decodeSharedNames

    @Test func aNameCompressedToOneAlreadyDecodedSharesItsStorageUpToTheLimit() throws {
        #expect(DNSLimits.decodeSharedNames == 16)
        let limit = DNSLimits.decodeSharedNames
        let names = try (0..<(limit + 4)).map { try DNSName(parsing: "host\($0).local") }
        // Each name twice: an A record's owner, then the target of a PTR (a pointer to the first).
        let m = Message(header: .response,
                        answers: names.map { ResourceRecord(name: $0, ttl: 120, rdata: .a(IPv4Address(10, 0, 0, 1))) },
                        additionals: names.map { ResourceRecord(name: .root, ttl: 120, rdata: .ptr($0)) })
        func storage(_ n: DNSName) -> UnsafePointer<UInt8>? { n.wire.withUnsafeBufferPointer { $0.baseAddress } }
        for decoded in [try Message(decoding: m.encoded()), try SalvagedMessage(decoding: m.encoded()).message] {
            #expect(decoded.answers == m.answers && decoded.additionals == m.additionals)
            for (i, (a, p)) in zip(decoded.answers, decoded.additionals).enumerated() {
                guard case .ptr(let target) = p.rdata else { Issue.record("not a PTR"); continue }
                // Past the limit the names are still right, only copied again.
                #expect((storage(a.name) == storage(target)) == (i < limit), "name \(i)")
            }
        }
    }

    // MARK: decodeSectionCapacity

    @Test func decodedSectionsStartWithTheSectionCapacityWhateverTheCount() throws {
        #expect(DNSLimits.decodeSectionCapacity == 8)
        let limit = DNSLimits.decodeSectionCapacity
        for n: UInt16 in [1, 3, .max] {
            var m = Message()
            m.reserveCapacity(for: Header(id: 0, flags: 0, questionCount: n, answerCount: n, authorityCount: 0, additionalCount: n))
            for c in [m.questions.capacity, m.answers.capacity, m.additionals.capacity] {
                #expect(c >= limit && c < 2 * limit, "count \(n)")
            }
            #expect(m.authorities.capacity == 0)
        }
        // More records than that still decode: the arrays grow past it.
        let name = try DNSName(parsing: "a.local")
        let big = Message(header: .response, answers: (0..<40).map { i in
            ResourceRecord(name: name, ttl: 120, rdata: .a(IPv4Address(10, 0, 0, UInt8(i))))
        })
        #expect(try Message(decoding: big.encoded()).answers == big.answers)
    }

    // MARK: maxLabelLength

    @Test func labelOf63BytesIsAcceptedAnd64IsNot() throws {
        #expect(DNSLimits.maxLabelLength == 63)
        let ok = try DNSName(labels: [label(63), Array("local".utf8)])
        #expect(ok.labels[0].count == 63)
        let first = Result { () throws(DNSWireError) in try DNSName(labels: [label(64), Array("local".utf8)]) }
        #expect(first.errorCode == .labelTooLong)
        #expect(first.errorOffset == 0)
        // The offset is where the label would start in the wire form.
        let second = Result { () throws(DNSWireError) in try DNSName(labels: [Array("a".utf8), label(64)]) }
        #expect(second.errorCode == .labelTooLong)
        #expect(second.errorOffset == 2)
    }

    @Test func presentationLabelOf63BytesIsAcceptedAnd64IsNot() throws {
        let ok = try DNSName(parsing: String(repeating: "x", count: 63) + ".local")
        #expect(ok.labels.map(\.count) == [63, 5])
        let bad = Result { () throws(DNSWireError) in try DNSName(parsing: "local." + String(repeating: "x", count: 64)) }
        #expect(bad.errorCode == .labelTooLong)
        #expect(bad.errorOffset == 6)
        // Escapes count as the one byte they stand for: 63 × "\." is a 63-byte label.
        let escaped = try DNSName(parsing: String(repeating: "\\.", count: 63))
        #expect(escaped.labels.map(\.count) == [63])
        #expect(Result { () throws(DNSWireError) in try DNSName(parsing: String(repeating: "\\046", count: 64)) }.errorCode == .labelTooLong)
    }

    @Test func wireLabelOf63BytesIsAcceptedAndTheNextLengthIsAReservedType() throws {
        let m = try Message(decoding: headerBytes(qd: 1) + [63] + label(63) + hex("00 0001 0001"))
        #expect(m.questions[0].name.labels.map(\.count) == [63])
        // 64 = 0x40: on the wire a longer label cannot even be expressed.
        expectDecodeError(headerBytes(qd: 1) + [64] + label(64) + hex("00 0001 0001"), .reservedLabelType, at: 12)
    }

    // MARK: maxNameLength

    /// Labels whose wire form (length bytes and root included) is exactly `total` bytes.
    private func labels(wireLength total: Int) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var left = total - 1
        while left > 0 {
            let n = min(63, left - 1)
            out.append(label(n, UInt8(ascii: "a") + UInt8(out.count)))
            left -= n + 1
        }
        return out
    }

    @Test func nameOf255BytesIsAcceptedAnd256IsNot() throws {
        #expect(DNSLimits.maxNameLength == 255)
        let ok = try DNSName(labels: labels(wireLength: 255))
        #expect(ok.wire.count == 255)
        let bad = Result { () throws(DNSWireError) in try DNSName(labels: labels(wireLength: 256)) }
        #expect(bad.errorCode == .nameTooLong)
        #expect(Result { () throws(DNSWireError) in try ok.prepending("a") }.errorCode == .nameTooLong)
        let a = try DNSName(labels: ["a"])
        #expect(Result { () throws(DNSWireError) in try a.appending(ok) }.errorCode == .nameTooLong)
        #expect(try DNSName.root.appending(ok).wire.count == 255)
    }

    @Test func presentationNameOf255BytesIsAcceptedAnd256IsNot() throws {
        let text = labels(wireLength: 255).map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")
        #expect(try DNSName(parsing: text).wire.count == 255)
        #expect(try DNSName(parsing: text + ".").wire.count == 255)
        let longer = labels(wireLength: 256).map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")
        #expect(Result { () throws(DNSWireError) in try DNSName(parsing: longer) }.errorCode == .nameTooLong)
        #expect(DNSName(longer) == nil)
    }

    @Test func wireNameOf255BytesIsAcceptedAnd256IsNot() throws {
        let ok = try DNSName(labels: labels(wireLength: 255))
        let m = try Message(decoding: headerBytes(qd: 1) + ok.wire + hex("0001 0001"))
        #expect(m.questions[0].name == ok)
        let tooLong = labels(wireLength: 256)
        let wire: [UInt8] = tooLong.flatMap { l -> [UInt8] in [UInt8(l.count)] + l } + [0]
        #expect(wire.count == 256)
        // The last label (at 12 + 192) brings the label bytes to 255, leaving no room for the root.
        expectDecodeError(headerBytes(qd: 1) + wire + hex("0001 0001"), .nameTooLong, at: 12 + 192)
    }

    @Test func nameReaching255BytesThroughAPointerIsAcceptedAnd256IsNot() throws {
        // Record 1 owns a 253-byte name; record 2 is "a" (+2) then a pointer to it.
        let base = try DNSName(labels: labels(wireLength: 253))
        func message(prefix: [UInt8]) -> [UInt8] {
            headerBytes(flags: 0x8400, an: 2)
                + base.wire + hex("0001 0001 00000078 0004 0a000001")
                + prefix + pointer(12) + hex("0001 0001 00000078 0004 0a000002")
        }
        let m = try Message(decoding: message(prefix: hex("01 61")))
        #expect(m.answers[1].name.wire.count == 255)
        #expect(m.answers[1].name == (try base.prepending("a")))
        expectDecodeError(message(prefix: hex("02 6162")), .nameTooLong, at: 12 + 192)
    }

    // MARK: maxPointerHops

    @Test func nameFollowingExactlyMaxPointerHopsIsAccepted() throws {
        #expect(DNSLimits.maxPointerHops == 127)
        let (bytes, _) = pointerChainMessage(chainLength: DNSLimits.maxPointerHops - 1)
        let m = try Message(decoding: bytes)
        #expect(m.answers.count == 2)
        #expect(m.answers[1].name == name("a"))
        #expect(m.answers[1].rdata == .a(IPv4Address(10, 0, 0, 1)))
    }

    @Test func nameFollowingOneHopMoreIsRejectedAtThatPointer() {
        let (bytes, chain) = pointerChainMessage(chainLength: DNSLimits.maxPointerHops)
        // Hop 1 is the owner's pointer, hop k the chain pointer at index 127 - (k - 1): hop 128 is chain[0].
        expectDecodeError(bytes, .pointerHopLimit, at: chain[0])
    }

    // MARK: maxPointerOffset

    @Test func pointersReachOffset0x3FFFAndTheEncoderNeverPointsPastIt() throws {
        #expect(DNSLimits.maxPointerOffset == 0x3FFF)
        // A pointer to exactly 0x3FFF is read when the message reaches that far.
        let padding = 0x3FFF - (DNSLimits.headerLength + 11)
        var bytes = headerBytes(an: 2, ar: 0)
        bytes += hex("00 ff01 0001 00000000") + be16(padding) + label(padding, 0)   // rdata ends at 0x3FFF
        #expect(bytes.count == 0x3FFF)
        bytes += hex("01 61 00")                                                     // "a." at 0x3FFF
        bytes += hex("0001 0001 00000078 0004 0a000001")
        bytes[7] = 2
        // Second answer's owner is a pointer to 0x3FFF.
        bytes += pointer(0x3FFF) + hex("0001 0001 00000078 0004 0a000002")
        bytes[7] = 3
        let m = try Message(decoding: bytes)
        #expect(m.answers.map(\.name) == [.root, name("a"), name("a")])

        // Written again, "a." is first at 0x3FFF: the last offset a pointer can hold, so the third
        // owner compresses; a name first written past 0x3FFF is never a pointer target.
        #expect(m.encoded() == bytes)
        var shifted = m
        shifted.answers[0].rdata = .opaque(RRType(0xFF01), label(padding + 1, 0))
        let out = shifted.encoded()
        #expect(Array(out.suffix(17)) == hex("01 61 00 0001 0001 00000078 0004 0a000002"))
        #expect(try Message(decoding: out) == shifted.normalized)
    }

    // MARK: minQuestionLength and minRecordLength

    @Test func questionCountNeedsFiveBytesEach() throws {
        #expect(DNSLimits.minQuestionLength == 5)
        let rootQuestion = hex("00 0001 0001")
        expectDecodeError(headerBytes(qd: 2) + rootQuestion + Array(rootQuestion.prefix(4)), .countExceedsData, at: 4)
        let m = try Message(decoding: headerBytes(qd: 2) + rootQuestion + rootQuestion)
        #expect(m.questions == [Question(name: .root, type: .a), Question(name: .root, type: .a)])
    }

    @Test func recordCountNeedsElevenBytesEach() throws {
        #expect(DNSLimits.minRecordLength == 11)
        let emptyRecord = hex("00 ff01 0001 00000000 0000")
        #expect(emptyRecord.count == 11)
        for counts in [(1, 0, 0), (0, 1, 0), (0, 0, 1)] {
            let h = headerBytes(an: UInt16(counts.0), ns: UInt16(counts.1), ar: UInt16(counts.2))
            expectDecodeError(h + emptyRecord.prefix(10), .countExceedsData, at: 4)
            let m = try Message(decoding: h + emptyRecord)
            #expect(m.records.count == 1)
            #expect(m.records[0].record.rdata == .opaque(RRType(0xFF01), []))
        }
        // Questions and records add up: 1 × 5 + 1 × 11 = 16 bytes.
        expectDecodeError(headerBytes(qd: 1, an: 1) + label(15, 0), .countExceedsData, at: 4)
    }

    // MARK: maxMulticastMessageLength and typicalMessageLength

    /// A response whose single opaque record makes it exactly `size` bytes uncompressed.
    private func message(ofSize size: Int) -> Message {
        let rdata = size - DNSLimits.headerLength - DNSLimits.minRecordLength
        return Message(header: .response, answers: [ResourceRecord(name: .root, ttl: 0, rdata: .opaque(RRType(0xFF01), label(rdata, 7)))])
    }

    @Test func encoderStopsAt9000BytesByDefault() {
        #expect(DNSLimits.maxMulticastMessageLength == 9000)
        #expect(MessageEncoder().maxSize == 9000)
        let fits = MessageEncoder().encode(message(ofSize: 9000))
        #expect(fits.isComplete)
        #expect(fits.bytes.count == 9000)
        let over = MessageEncoder().encode(message(ofSize: 9001))
        #expect(!over.isComplete)
        #expect(over.omitted.map { "\($0.section)#\($0.index)" } == ["ANSWER#0"])
        #expect(over.bytes == hex("0000 8400 0000 0000 0000 0000"))
        #expect(over.written.answers.isEmpty)
    }

    @Test func encoderStopsAtTheTypicalSizeAndReportsTheRestInOrder() throws {
        #expect(DNSLimits.typicalMessageLength == 1440)
        var m = Message(header: .response)
        m.questions = [Question(name: name("_http._tcp.local"), type: .ptr), Question(name: name("_ipp._tcp.local"), type: .ptr)]
        for i in 0..<60 {
            m.answers.append(ResourceRecord(name: name("host-\(i).local"), cacheFlush: true, ttl: 120, rdata: .a(IPv4Address(10, 0, 0, UInt8(i)))))
        }
        for i in 0..<10 {
            m.additionals.append(ResourceRecord(name: name("host-\(i).local"), cacheFlush: true, ttl: 120,
                                                rdata: .txt(TXT(strings: [label(100 + i, UInt8(ascii: "t"))]))))
        }
        let encoder = MessageEncoder(compression: .suffixes, maxSize: DNSLimits.typicalMessageLength)
        let out = encoder.encode(m)
        #expect(out.bytes.count <= DNSLimits.typicalMessageLength)
        #expect(out.omittedQuestions.isEmpty)
        #expect(!out.isComplete)
        // What was written is a prefix in wire order; what was left is the rest, in order.
        let writtenCount = out.written.answers.count + out.written.additionals.count
        let all = m.records.enumerated().map { ($0.element.section, $0.offset < 60 ? $0.offset : $0.offset - 60) }
        #expect(out.omitted.map { "\($0.section)#\($0.index)" } == all[writtenCount...].map { "\($0.0)#\($0.1)" })
        #expect(out.written.answers == Array(m.answers.prefix(out.written.answers.count)))
        #expect(out.written.additionals == Array(m.additionals.prefix(out.written.additionals.count)))
        // The bytes are the written message, and the first omitted record really would not fit.
        #expect(try Message(decoding: out.bytes) == out.written)
        var withNext = out.written
        let next = try #require(out.omitted.first)
        withNext[next.section].append(m[next.section][next.index])
        #expect(withNext.encoded().count > DNSLimits.typicalMessageLength)
    }

    @Test func encoderOmitsQuestionsThatDoNotFitAndEverythingAfterThem() {
        var m = Message(questions: [Question(name: name("a.local"), type: .a), Question(name: name("b.local"), type: .a)],
                        answers: [ResourceRecord(name: .root, ttl: 0, rdata: .opaque(RRType(0xFF01), []))])
        m.header.id = 7
        let first = 12 + 9 + 4
        let out = MessageEncoder(compression: .none, maxSize: first).encode(m)
        #expect(out.written.questions == [m.questions[0]])
        #expect(out.omittedQuestions == [1])
        // The empty record would fit in 11 bytes more, but the encoder stops at the first miss.
        #expect(out.omitted.map { "\($0.section)#\($0.index)" } == ["ANSWER#0"])
        #expect(out.bytes.count == first)
        #expect(Array(out.bytes.prefix(12)) == hex("0007 0000 0001 0000 0000 0000"))
        let none = MessageEncoder(maxSize: DNSLimits.headerLength).encode(m)
        #expect(none.omittedQuestions == [0, 1])
        #expect(none.bytes.count == DNSLimits.headerLength)
    }

    // MARK: maxMessageLength

    @Test func encodedStopsAtTheUDPMaximum() throws {
        #expect(DNSLimits.maxMessageLength == 65535)
        let fits = message(ofSize: 65535)
        let bytes = fits.encoded()
        #expect(bytes.count == 65535)
        #expect(try Message(decoding: bytes) == fits.normalized)
        // One byte more and the record is left out rather than given a wrapped RDLENGTH.
        let over = message(ofSize: 65536)
        #expect(over.encoded() == hex("0000 8400 0000 0000 0000 0000"))
    }

    // MARK: maxCharacterStringLength

    @Test func characterStringOf255BytesRoundTripsAndLongerIsCutTo255() throws {
        #expect(DNSLimits.maxCharacterStringLength == 255)
        let r255 = ResourceRecord(name: name("h.local"), ttl: 1, rdata: .txt(TXT(strings: [label(255, 0x41)])))
        let m255 = Message(answers: [r255])
        let b255 = m255.encoded()
        #expect(try Message(decoding: b255) == m255.normalized)
        #expect(Array(b255.suffix(258).prefix(3)) == hex("0100 ff"))   // RDLENGTH 256, string length 255
        // RFC 6763 §6.1: a string is at most 255 bytes; the encoder cuts, never wraps a length byte.
        let r256 = ResourceRecord(name: name("h.local"), ttl: 1, rdata: .txt(TXT(strings: [label(256, 0x41)])))
        let decoded = try Message(decoding: Message(answers: [r256]).encoded())
        #expect(decoded.answers[0].rdata == .txt(TXT(strings: [label(255, 0x41)])))
        let hinfo = ResourceRecord(name: name("h.local"), ttl: 1, rdata: .hinfo(HINFO(cpu: label(300, 0x43), os: label(255, 0x4F))))
        let h = try Message(decoding: Message(answers: [hinfo]).encoded())
        #expect(h.answers[0].rdata == .hinfo(HINFO(cpu: label(255, 0x43), os: label(255, 0x4F))))
    }
}

extension Result where Failure == DNSWireError {
    var errorCode: DNSWireError.Code? { if case .failure(let e) = self { return e.code } else { return nil } }
    var errorOffset: Int? { if case .failure(let e) = self { return e.offset } else { return nil } }
}
