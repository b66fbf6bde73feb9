import DNSWire
import Testing

/// Salvage decodes `bytes`, capturing the typed error instead of throwing.
private func salvage(_ bytes: [UInt8]) -> Result<SalvagedMessage, DNSWireError> {
    do throws(DNSWireError) { return .success(try SalvagedMessage(decoding: bytes)) } catch { return .failure(error) }
}

/// One bad record with intact framing, as in HostileInputTests: `offset` is where strict decoding
/// reports `code` when the record is the only one, owned by the root, with RDLENGTH at 21.
struct BadRecord: CustomStringConvertible, Sendable {
    let label: String
    let type: UInt16
    let rdlength: Int
    let rdata: [UInt8]
    var after: [UInt8] = []
    let code: DNSWireError.Code
    let offset: Int
    var description: String { label }

    /// The record's bytes: root owner, class IN, TTL 120.
    var bytes: [UInt8] { [0x00] + be16(Int(type)) + be16(1) + [0, 0, 0, 0x78] + be16(rdlength) + rdata }
}

/// Every salvageable hostile record of HostileInputTests (typed rdata against RDLENGTH, the type's
/// own structure, bad names inside rdata).
let salvageableRecords: [BadRecord] = [
    BadRecord(label: "A of 3 bytes", type: 1, rdlength: 3, rdata: hex("c0a801"), code: .rdataLengthMismatch, offset: 21),
    BadRecord(label: "A of 5 bytes", type: 1, rdlength: 5, rdata: hex("c0a80101 02"), code: .rdataLengthMismatch, offset: 21),
    BadRecord(label: "A of 0 bytes", type: 1, rdlength: 0, rdata: [], code: .rdataLengthMismatch, offset: 21),
    BadRecord(label: "AAAA of 15 bytes", type: 28, rdlength: 15, rdata: label(15, 1), code: .rdataLengthMismatch, offset: 21),
    BadRecord(label: "AAAA of 17 bytes", type: 28, rdlength: 17, rdata: label(17, 1), code: .rdataLengthMismatch, offset: 21),
    BadRecord(label: "SRV short of its fixed fields", type: 33, rdlength: 6, rdata: hex("0000 0000 0050"), code: .rdataLengthMismatch, offset: 21),
    BadRecord(label: "SRV with a byte past its target", type: 33, rdlength: 8, rdata: hex("0000 0000 0050 00 ff"), code: .rdataLengthMismatch, offset: 21),
    BadRecord(label: "SRV target crossing RDLENGTH", type: 33, rdlength: 10, rdata: hex("0000 0000 0050 07 6b6974"),
              after: hex("6368656e 00"), code: .nameCrossesRData, offset: 33),
    BadRecord(label: "PTR root byte past RDLENGTH", type: 12, rdlength: 2, rdata: hex("01 61"), after: [0x00], code: .nameCrossesRData, offset: 25),
    BadRecord(label: "PTR pointer split by RDLENGTH", type: 12, rdlength: 1, rdata: [0xC0], after: [0x0C], code: .nameCrossesRData, offset: 24),
    BadRecord(label: "PTR with a byte past its name", type: 12, rdlength: 4, rdata: hex("01 61 00 ff"), code: .rdataLengthMismatch, offset: 21),
    BadRecord(label: "PTR pointer past the end", type: 12, rdlength: 2, rdata: pointer(0x3000), code: .pointerOutOfRange, offset: 23),
    BadRecord(label: "PTR pointer into the header", type: 12, rdlength: 2, rdata: pointer(4), code: .pointerIntoHeader, offset: 23),
    BadRecord(label: "PTR label type 0xBF", type: 12, rdlength: 2, rdata: hex("bf 00"), code: .reservedLabelType, offset: 23),
    BadRecord(label: "MX short of preference and root", type: 15, rdlength: 2, rdata: hex("000a"), code: .rdataLengthMismatch, offset: 21),
    BadRecord(label: "SOA one byte short", type: 6, rdlength: 21, rdata: [0, 0] + label(19, 0), code: .rdataLengthMismatch, offset: 25),
    BadRecord(label: "HINFO without its OS", type: 13, rdlength: 4, rdata: hex("03 415243"), code: .rdataLengthMismatch, offset: 27),
    BadRecord(label: "TXT string longer than rdata", type: 16, rdlength: 5, rdata: hex("09 61626364"), code: .invalidRData, offset: 23),
    BadRecord(label: "TXT second string too long", type: 16, rdlength: 5, rdata: hex("01 61 05 6263"), code: .invalidRData, offset: 25),
    BadRecord(label: "NSEC bitmap length 0", type: 47, rdlength: 3, rdata: hex("00 00 00"), code: .invalidRData, offset: 25),
    BadRecord(label: "NSEC bitmap length 33", type: 47, rdlength: 36, rdata: hex("00 00 21") + label(33, 0xFF), code: .invalidRData, offset: 25),
    BadRecord(label: "NSEC window header cut", type: 47, rdlength: 2, rdata: hex("00 00"), code: .invalidRData, offset: 24),
    BadRecord(label: "NSEC bitmap past RDLENGTH", type: 47, rdlength: 5, rdata: hex("00 00 04 4000"), code: .invalidRData, offset: 26),
    BadRecord(label: "NSEC next name past the end", type: 47, rdlength: 5, rdata: pointer(0x3000) + hex("00 01 40"), code: .pointerOutOfRange, offset: 23),
    BadRecord(label: "OPT option header cut", type: 41, rdlength: 3, rdata: hex("0004 00"), code: .invalidRData, offset: 23),
    BadRecord(label: "OPT option longer than rdata", type: 41, rdlength: 6, rdata: hex("0004 0010 0102"), code: .invalidRData, offset: 25),
]

/// A response: the question "a.local" A, then `before` good A answers, the bad record, and
/// `afterCount` good A answers; the bad record's `after` bytes end the message.
private func surround(_ bad: BadRecord, before: Int, afterCount: Int) -> (bytes: [UInt8], badAt: Int, kept: [ResourceRecord]) {
    let good = (0..<(before + afterCount)).map { i in
        ResourceRecord(name: name("h\(i).local"), ttl: 120, rdata: .a(IPv4Address(10, 0, 0, UInt8(i + 1))))
    }
    var b = headerBytes(flags: 0x8400, qd: 1, an: UInt16(good.count + 1))
    b += hex("01 61 05 6c6f63616c 00 0001 0001")
    for r in good.prefix(before) { b += Message(answers: [r]).encoded(compression: .none).dropFirst(12) }
    let badAt = b.count
    b += bad.bytes
    for r in good.dropFirst(before) { b += Message(answers: [r]).encoded(compression: .none).dropFirst(12) }
    return (b + bad.after, badAt, good)
}

@Suite("Salvage decoding keeps every record whose framing is intact")
struct SalvageTests {
    @Test(arguments: salvageableRecords)
    func theBadRecordIsDroppedAndEveryOtherKept(_ bad: BadRecord) throws {
        // Bytes after a bad name's RDLENGTH end the message; otherwise good records follow it.
        let afterCount = bad.after.isEmpty ? 2 : 0
        let (bytes, badAt, kept) = surround(bad, before: 2, afterCount: afterCount)
        let shift = badAt - DNSLimits.headerLength
        // Strict decoding rejects the message with the very error salvage reports.
        expectDecodeError(bytes, bad.code, at: bad.offset + shift)
        let s = try SalvagedMessage(decoding: bytes)
        #expect(s.message.questions == [Question(name: name("a.local"), type: .a)])
        #expect(s.message.answers == kept)
        #expect(s.message.authorities.isEmpty && s.message.additionals.isEmpty)
        #expect(s.dropped.count == 1)
        let d = try #require(s.dropped.first)
        #expect(d.entry == .record(.answer) && d.index == 2 && d.offset == badAt && d.type == RRType(bad.type))
        #expect(d.error.code == bad.code && d.error.offset == bad.offset + shift, "\(d)")
        #expect(s.trailingByteCount == bad.after.count)
        #expect(!s.isComplete)
    }

    @Test func aQuestionWhosePointerLeavesTheMessageIsDroppedAlone() throws {
        let bytes = headerBytes(qd: 3) + hex("01 61 00 0001 0001") + pointer(0x3FFF) + hex("00ff 8001")
            + hex("01 62") + pointer(2) + hex("0001 0001")
        let s = try SalvagedMessage(decoding: bytes)
        #expect(s.message.questions == [Question(name: name("a"), type: .a)])
        #expect(s.dropped.map(\.entry) == [.question, .question])
        #expect(s.dropped.map(\.index) == [1, 2])
        #expect(s.dropped.map(\.offset) == [19, 25])
        #expect(s.dropped.map(\.type) == [.any, .a])
        #expect(s.dropped.map(\.error.code) == [.pointerOutOfRange, .pointerIntoHeader])
        #expect(s.dropped.map(\.error.offset) == [19, 27])
        expectDecodeError(bytes, .pointerOutOfRange, at: 19)
    }

    @Test func aRecordWhoseOwnerPointsPastTheEndIsDroppedInItsSection() throws {
        let a = ResourceRecord(name: name("ok.local"), ttl: 120, rdata: .a(IPv4Address(10, 0, 0, 1)))
        var bytes = headerBytes(flags: 0x8400, an: 1, ns: 1, ar: 1)
        bytes += Message(answers: [a]).encoded(compression: .none).dropFirst(12)
        let badAt = bytes.count
        bytes += hex("01 78") + pointer(0x3F00) + hex("0001 0001 00000078 0004 0a000002")
        bytes += Message(answers: [a]).encoded(compression: .none).dropFirst(12)
        let s = try SalvagedMessage(decoding: bytes)
        #expect(s.message.answers == [a] && s.message.authorities.isEmpty && s.message.additionals == [a])
        #expect(s.dropped == [SalvageDrop(entry: .record(.authority), index: 0, offset: badAt, type: .a,
                                          error: DNSWireError(.pointerOutOfRange, at: badAt + 2,
                                                              "compression pointer to offset 16128 is past the end (\(bytes.count) bytes)"))])
    }

    @Test func aLoopInsideRDataDropsOnlyItsRecord() throws {
        // The PTR's rdata is a pointer to itself: a loop, but in rdata, so the framing holds.
        let bad = BadRecord(label: "PTR loop", type: 12, rdlength: 2, rdata: pointer(0), code: .pointerHopLimit, offset: 23)
        let (original, badAt, kept) = surround(bad, before: 1, afterCount: 1)
        var bytes = original
        bytes.replaceSubrange((badAt + 11)..<(badAt + 13), with: pointer(badAt + 11))
        let s = try SalvagedMessage(decoding: bytes)
        #expect(s.message.answers == kept)
        #expect(s.dropped.map(\.error.code) == [.pointerHopLimit])
    }

    @Test func badRecordsInEverySectionAreEachReported() throws {
        let bad = salvageableRecords[0]
        var b = headerBytes(flags: 0x8400, an: 1, ns: 1, ar: 1)
        for _ in 0..<3 { b += bad.bytes }
        let s = try SalvagedMessage(decoding: b)
        #expect(s.message.answers.isEmpty && s.message.authorities.isEmpty && s.message.additionals.isEmpty)
        #expect(s.dropped.map(\.entry) == [.record(.answer), .record(.authority), .record(.additional)])
        #expect(s.dropped.map(\.offset) == [12, 26, 40])
    }
}

@Suite("Salvage decoding rejects the whole message when the framing breaks")
struct SalvageFramingTests {
    /// Each of these breaks the framing: salvage fails exactly as strict decoding does.
    static let broken: [(String, [UInt8])] = [
        ("owner pointer to itself", hex("0000 0000 0001 0000 0000 0000 c00c 0001 0001")),
        ("owner name loops through labels", hex("0000 0000 0001 0000 0000 0000 01 61 01 62 c00c 0001 0001")),
        ("reserved label type in an owner", headerBytes(qd: 1) + hex("40 00 0001 0001")),
        ("counts past the data", headerBytes(qd: 0xFFFF) + hex("00 0001 0001")),
        ("truncated header", hex("0a ba 10 00")),
        ("RDLENGTH past the end", headerBytes(an: 1) + hex("00 0001 0001 00000078 0004 0a00")),
        ("record fields cut", headerBytes(an: 1) + hex("01 61 00 0001 0001 00000078")),
        ("question fields cut after a bad pointer", headerBytes(qd: 1) + pointer(0x3FFF) + hex("00 01 00")),
        ("more records announced than follow", Fixtures.aRecord.enumerated().map { $0.offset == 7 ? 2 : $0.element }),
        ("a loop in a later owner name", Array(pointerChainMessage(chainLength: 200).bytes)),
    ]

    @Test(arguments: broken.indices)
    func salvageFailsAsStrictDecodingDoes(_ i: Int) {
        let (label, bytes) = Self.broken[i]
        guard case .failure(let strict) = decode(bytes, allowTrailingBytes: true) else {
            Issue.record("\(label): strict decoding accepted it"); return
        }
        switch salvage(bytes) {
        case .success(let s): Issue.record("\(label): salvage kept \(s.message)")
        case .failure(let e):
            if label == "question fields cut after a bad pointer" {
                #expect(e.code == .truncated, "\(label): \(e)")
            } else {
                #expect(e == strict, "\(label)")
            }
        }
    }

    @Test(arguments: Fixtures.all)
    func aValidMessageSalvagesToItsStrictDecodeAndEveryPrefixIsRejected(_ fixture: Fixtures.Named) throws {
        let s = try SalvagedMessage(decoding: fixture.bytes + [0xAB])
        #expect(s.message == (try Message(decoding: fixture.bytes)))
        #expect(s.isComplete && s.trailingByteCount == 1)
        for n in 0..<fixture.bytes.count {
            if case .success(let m) = salvage(Array(fixture.bytes.prefix(n))) {
                Issue.record("\(fixture.name): prefix of \(n) bytes salvaged to \(m)")
            }
        }
    }
}

@Suite("Salvage decoding of real devices' malformed messages")
struct SalvageThirdPartyTests {
    static let dir = SharedData.root.map { $0 + "/captures/third-party/python-zeroconf/" }

    func salvaged(_ file: String) throws -> (strict: DNSWireError, salvaged: SalvagedMessage) {
        let dir = try #require(Self.dir)
        let bytes = try #require(SharedData.read(dir + file))
        guard case .failure(let e) = decode(bytes) else { throw DNSWireError(.invalidRData, at: 0, "\(file): strict accepted it") }
        return (e, try SalvagedMessage(decoding: bytes))
    }

    @Test(.enabled(if: SharedData.root != nil, "needs ../shared (third-party captures)"))
    func sonosKeepsTheTXTAfterItsBadNSEC() throws {
        let (strict, s) = try salvaged("txt_after_invalid_nsec_name_still_usable.bin")
        #expect(s.dropped == [SalvageDrop(entry: .record(.answer), index: 1, offset: 62, type: .nsec, error: strict)])
        #expect(s.message.answers.map(\.type) == [.ptr, .nsec, .srv, .a, .txt])
        #expect(s.message.answers.last?.name == name("Sonos-542A1BC9220E._sonos._tcp.local"))
    }

    @Test(.enabled(if: SharedData.root != nil, "needs ../shared (third-party captures)"))
    func eufyKeepsEveryRecordButItsBadNSEC() throws {
        let (strict, s) = try salvaged("dns_compression_invalid_skips_record.bin")
        #expect(s.dropped == [SalvageDrop(entry: .record(.answer), index: 1, offset: 61, type: .nsec, error: strict)])
        #expect(s.message.answers.map(\.type) == [.ptr, .nsec, .a, .srv, .txt])
    }

    @Test(.enabled(if: SharedData.root != nil, "needs ../shared (third-party captures)"))
    func roborockDropsItsOnlyRecord() throws {
        let (strict, s) = try salvaged("dns_compression_all_invalid.bin")
        #expect(strict.code == .pointerOutOfRange)
        #expect(s.dropped == [SalvageDrop(entry: .record(.answer), index: 0, offset: 12, type: .nsec, error: strict)])
        #expect(s.message.answers.isEmpty)
    }

    @Test(.enabled(if: SharedData.root != nil, "needs ../shared (third-party captures)"))
    func homeAssistantProbeBreaksItsFraming() throws {
        // QDCOUNT says 4 but five ANY questions follow: the fifth is read as the first authority
        // record, whose "RDLENGTH" (the real record's class, 0x8001) runs past the end.
        let dir = try #require(Self.dir)
        let bytes = try #require(SharedData.read(dir + "dns_compression_invalid_skips_bad_name_compress_in_question.bin"))
        guard case .failure(let e) = salvage(bytes) else { Issue.record("salvaged a broken framing"); return }
        #expect(e.code == .truncated && e.offset == 299)
        guard case .failure(let strict) = decode(bytes) else { Issue.record("strict accepted it"); return }
        #expect(strict == e)
    }
}
