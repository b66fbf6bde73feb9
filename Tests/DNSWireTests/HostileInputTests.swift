import DNSWire
import Testing

/// A response with one record whose owner is the root: RDLENGTH sits at offset 21, rdata at 23.
/// `after` is appended behind the rdata (the bytes a name crossing RDLENGTH would run into).
private func oneRecord(type: UInt16, rdlength: Int, rdata: [UInt8], after: [UInt8] = []) -> [UInt8] {
    headerBytes(flags: 0x8400, an: 1)
        + [0x00]                        // @12 owner: root
        + be16(Int(type)) + be16(1)     // @13 type, @15 class IN
        + [0, 0, 0, 0x78]               // @17 TTL 120
        + be16(rdlength)                // @21 RDLENGTH
        + rdata + after                 // @23 rdata
}

@Suite("RFC 1035 §4.1.4 hostile compression pointers")
struct CompressionPointerHostileTests {
    @Test func pointerToItselfEndsAtTheHopCap() {
        expectDecodeError(hex("""
            0000 0000 0001 0000 0000 0000   # header: 1 question
            c00c                            # @12 name: pointer to itself
            0001 0001                       # QTYPE A, QCLASS IN
            """), .pointerHopLimit, at: 12)
    }

    @Test func twoCycleBeforeAnyLabelEndsAtTheHopCap() {
        // Hop 1 is at 12, hop 2 at 14, ...: hop 128 (the first one over the cap) is at 14.
        expectDecodeError(hex("""
            0000 0000 0001 0000 0000 0000   # header: 1 question
            c00e                            # @12 name: pointer to 14
            c00c                            # @14 pointer back to 12
            0001                            # (class)
            """), .pointerHopLimit, at: 14)
    }

    @Test func fiveCycleOfPointersReachedFromTheStartOfAName() {
        // Hop 1 at 12, then the cycle 18, 20, 22, 24, 26: hop 128 is cycle step 126 mod 5 = 1, at 20.
        expectDecodeError(hex("""
            0000 0000 0001 0000 0000 0000   # header: 1 question
            c012                            # @12 name: pointer to 18
            0001 0001                       # @14 QTYPE, QCLASS
            c014                            # @18 -> 20
            c016                            # @20 -> 22
            c018                            # @22 -> 24
            c01a                            # @24 -> 26
            c012                            # @26 -> 18
            """), .pointerHopLimit, at: 20)
    }

    @Test func threeCycleOfPointersReachedAfterALabel() {
        // "www" then hop 1 at 16 into the cycle 22, 24, 26: hop 128 is step 126 mod 3 = 0, at 22.
        expectDecodeError(hex("""
            0000 0000 0001 0000 0000 0000   # header: 1 question
            03 777777                       # @12 label "www"
            c016                            # @16 pointer to 22
            0001 0001                       # @18 QTYPE, QCLASS
            c018                            # @22 -> 24
            c01a                            # @24 -> 26
            c016                            # @26 -> 22
            """), .pointerHopLimit, at: 22)
    }

    @Test func cycleThroughLabelsEndsAtTheNameLengthFirst() {
        // Each turn adds "a" and "b" (4 bytes) for one hop: label 128 (at 14) reaches 256 bytes
        // after only 63 hops.
        expectDecodeError(hex("""
            0000 0000 0001 0000 0000 0000   # header: 1 question
            01 61                           # @12 label "a"
            01 62                           # @14 label "b"
            c00c                            # @16 pointer back to 12
            0001 0001                       # QTYPE, QCLASS
            """), .nameTooLong, at: 14)
    }

    @Test func cycleInsideAnAnswerNameAfterAValidQuestion() {
        // The question is fine; the answer's name is "x" then a pointer to its own start.
        expectDecodeError(hex("""
            0000 8400 0001 0001 0000 0000   # header: 1 question, 1 answer
            01 78 00                        # @12 question name "x."
            0001 0001                       # QTYPE, QCLASS
            3f \(String(repeating: "78", count: 63))   # @19 label of 63 "x"
            c013                            # @83 pointer back to 19
            0001 0001 00000078 0004 0a000001
            """), .nameTooLong, at: 19)
    }

    @Test func pointerIntoTheHeaderIsRejected() {
        for target in [0, 4, 11] {
            expectDecodeError(headerBytes(qd: 1) + pointer(target) + hex("0001 0001"), .pointerIntoHeader, at: 12)
        }
    }

    @Test func pointerIntoTheHeaderAfterALabelIsRejectedWhereItStands() {
        expectDecodeError(hex("""
            0000 0000 0001 0000 0000 0000   # header: 1 question
            01 61                           # @12 label "a"
            c000                            # @14 pointer to offset 0
            0001 0001                       # QTYPE, QCLASS
            """), .pointerIntoHeader, at: 14)
    }

    @Test func pointerAtOrPastTheEndIsOutOfRange() {
        // 18-byte message: a pointer to 18 is one past the end; 0x3FFF is the largest offset.
        for target in [18, 19, 0xFF, 0x3FFF] {
            expectDecodeError(headerBytes(qd: 1) + pointer(target) + hex("0001 0001"), .pointerOutOfRange, at: 12)
        }
    }

    @Test func pointerToTheLastByteReadsALabelThatRunsOffTheEnd() {
        // Offset 17 holds 0x01 (the class), read as a 1-byte label with nothing after it.
        expectDecodeError(headerBytes(qd: 1) + pointer(17) + hex("0001 0001"), .truncated, at: 18)
    }

    @Test func pointerCutByTheEndOfTheMessage() {
        expectDecodeError(hex("""
            0000 0000 0001 0000 0000 0000   # header: 1 question
            03 616263                       # @12 label "abc"
            c0                              # @16 first byte of a pointer, then the end
            """), .truncated, at: 17)
    }

    @Test func pointerFromRDataPastTheEndIsOutOfRange() {
        expectDecodeError(oneRecord(type: 12, rdlength: 2, rdata: pointer(0x200)), .pointerOutOfRange, at: 23)
    }

    @Test func chainOfDistinctPointersLongerThanTheCapIsRejected() {
        // 200 pointers in the chain plus the owner's own: hop 128 is chain pointer 200 - 126.
        let (bytes, chain) = pointerChainMessage(chainLength: 200)
        expectDecodeError(bytes, .pointerHopLimit, at: chain[200 - 127])
    }

    @Test func forwardPointerThatLandsInsideTheMessageIsAccepted() throws {
        let bytes = hex("""
            0000 8400 0001 0001 0000 0000   # header: 1 question, 1 answer
            01 61                           # @12 label "a"
            c01b                            # @14 pointer forward to "local" at 27
            0001 0001                       # QTYPE A, QCLASS IN
            06 6d79686f7374                 # @20 label "myhost"
            05 6c6f63616c                   # @27 label "local"
            00                              # root
            0001 8001 00000078 0004         # type A, IN + cache-flush, TTL 120, RDLENGTH 4
            0a000001                        # 10.0.0.1
            """)
        let m = try Message(decoding: bytes)
        #expect(m.questions.map(\.name) == [name("a.local")])
        #expect(m.answers.map(\.name) == [name("myhost.local")])
        #expect(try Message(decoding: m.encoded()) == m)
    }

    @Test(.enabled(if: SharedData.root != nil, "needs ../shared (third-party captures)"))
    func androidForwardPointerInNSECIsAccepted() throws {
        let path = try #require(SharedData.root).appending("/captures/third-party/python-zeroconf/dns_compression_points_forward.bin")
        let bytes = try #require(SharedData.read(path))
        #expect(bytes.count == 225)
        // The host's NSEC (rdata at 0x82) names its next domain with a pointer forward to 0x9c,
        // the zero high byte of the later SRV record's type: read as bytes, that is the root.
        #expect(Array(bytes[0x80...0x89]) == hex("0008 c09c 0004 40000008"))
        #expect(bytes[0x9c] == 0x00)
        let m = try Message(decoding: bytes)
        #expect(m.answers.count == 7)
        let host = try #require(m.answers.first { $0.name == name("android-3.local") && $0.type == .nsec })
        #expect(host.rdata == .nsec(NSEC(nextName: .root, types: [.a, .aaaa])))
        let instance = try DNSName(labels: ["TV Beneden (2)", "_androidtvremote", "_tcp", "local"])
        #expect(m.answers.contains { $0.rdata == .srv(SRV(port: 6466, target: name("Android-3.local"))) && $0.name == instance })
        #expect(try Message(decoding: m.encoded()) == m)
        #expect(try Message(decoding: m.encoded(compression: .none)) == m)
    }

    @Test func pointerIntoTheMiddleOfALabelIsFollowedAsBytes() throws {
        // RFC 1035 §4.1.4 only says "a prior occurrence"; a pointer into label data is read as
        // whatever the bytes there spell, here "a.".
        let m = try Message(decoding: hex("""
            0000 0000 0002 0000 0000 0000   # header: 2 questions
            03 016100                       # @12 one label of 3 bytes: 01 'a' 00
            00                              # root
            0001 0001                       # QTYPE, QCLASS
            c00d                            # @21 pointer to 13, inside the label
            0001 0001                       # QTYPE, QCLASS
            """))
        #expect(m.questions[0].name.wire == hex("03 016100 00"))
        #expect(m.questions[1].name == name("a"))
    }
}

@Suite("RFC 1035 §2.3.4 / RFC 6891 §5 label types and lengths on the wire")
struct LabelHostileTests {
    @Test func label0x40IsReserved() {
        expectDecodeError(headerBytes(qd: 1) + hex("40 00 0001 0001"), .reservedLabelType, at: 12)
    }

    @Test func label0x80IsReservedAfterALabel() {
        expectDecodeError(headerBytes(qd: 1) + hex("01 61 80 00 0001 0001"), .reservedLabelType, at: 14)
    }

    @Test func label0xBFIsReservedInsideRData() {
        expectDecodeError(oneRecord(type: 12, rdlength: 2, rdata: hex("bf 00")), .reservedLabelType, at: 23)
    }

    @Test func labelsExpandedThroughCompressionPast255BytesAreTooLong() {
        // Record 1 owns a 254-byte name; record 2 prepends "a" (2 bytes) and points at it: 256.
        let long = [label(63), label(63), label(63), label(60)]
        let longWire = try! DNSName(labels: long).wire
        #expect(longWire.count == 254)
        var b = headerBytes(flags: 0x8400, an: 2)
        b += longWire + hex("0001 0001 00000078 0004 0a000001")
        b += hex("01 61") + pointer(12) + hex("0001 0001 00000078 0004 0a000002")
        // Labels a, 63, 63, 63 make 194 bytes; the 60-byte label at 12 + 192 brings it to 255.
        expectDecodeError(b, .nameTooLong, at: 12 + 192)
    }

    @Test func labelLongerThanTheRemainingMessageIsTruncated() {
        expectDecodeError(headerBytes(qd: 1) + hex("3f 61626364"), .truncated, at: 17)
    }

    @Test func nameWithoutItsRootByteRunsOffTheEnd() {
        expectDecodeError(headerBytes(qd: 1) + hex("01 61 01 62 01"), .truncated, at: 17)
    }

    @Test func labelCutByTheEndAfterAJump() {
        // The pointer lands on 0x05 at offset 17, a label that needs 5 bytes where 2 remain.
        expectDecodeError(headerBytes(qd: 1) + hex("c011 0001 0005 6162"), .truncated, at: 20)
    }
}

@Suite("RFC 1035 §3.2.1 RDLENGTH against typed rdata")
struct RDataLengthHostileTests {
    @Test func aWithThreeOrFiveBytes() {
        expectDecodeError(oneRecord(type: 1, rdlength: 3, rdata: hex("c0a801")), .rdataLengthMismatch, at: 21)
        expectDecodeError(oneRecord(type: 1, rdlength: 5, rdata: hex("c0a80101 02")), .rdataLengthMismatch, at: 21)
        expectDecodeError(oneRecord(type: 1, rdlength: 0, rdata: []), .rdataLengthMismatch, at: 21)
    }

    @Test func aaaaWithFifteenOrSeventeenBytes() {
        expectDecodeError(oneRecord(type: 28, rdlength: 15, rdata: label(15, 1)), .rdataLengthMismatch, at: 21)
        expectDecodeError(oneRecord(type: 28, rdlength: 17, rdata: label(17, 1)), .rdataLengthMismatch, at: 21)
    }

    @Test func srvShorterThanItsFixedFields() {
        expectDecodeError(oneRecord(type: 33, rdlength: 6, rdata: hex("0000 0000 0050")), .rdataLengthMismatch, at: 21)
    }

    @Test func srvWithABytePastItsTarget() {
        expectDecodeError(oneRecord(type: 33, rdlength: 8, rdata: hex("0000 0000 0050 00 ff")), .rdataLengthMismatch, at: 21)
    }

    @Test func srvTargetCrossingRDLength() {
        // RDLENGTH 10 ends at 33, inside "kitchen" (label at 29); the rest follows outside rdata.
        expectDecodeError(oneRecord(type: 33, rdlength: 10, rdata: hex("0000 0000 0050 07 6b6974"),
                                    after: hex("6368656e 00")), .nameCrossesRData, at: 33)
    }

    @Test func ptrNameWhoseRootByteIsPastRDLength() {
        expectDecodeError(oneRecord(type: 12, rdlength: 2, rdata: hex("01 61"), after: [0x00]), .nameCrossesRData, at: 25)
    }

    @Test func ptrPointerSplitByRDLength() {
        expectDecodeError(oneRecord(type: 12, rdlength: 1, rdata: [0xC0], after: [0x0C]), .nameCrossesRData, at: 24)
    }

    @Test func ptrWithABytePastItsName() {
        expectDecodeError(oneRecord(type: 12, rdlength: 4, rdata: hex("01 61 00 ff")), .rdataLengthMismatch, at: 21)
    }

    @Test func mxShorterThanPreferenceAndRoot() {
        expectDecodeError(oneRecord(type: 15, rdlength: 2, rdata: hex("000a")), .rdataLengthMismatch, at: 21)
    }

    @Test func soaOneByteShortOfItsCounters() {
        expectDecodeError(oneRecord(type: 6, rdlength: 21, rdata: [0, 0] + label(19, 0)), .rdataLengthMismatch, at: 25)
    }

    @Test func hinfoWithoutItsOSString() {
        expectDecodeError(oneRecord(type: 13, rdlength: 4, rdata: hex("03 415243")), .rdataLengthMismatch, at: 27)
    }

    @Test func rdLengthPastTheEndOfTheMessage() {
        expectDecodeError(oneRecord(type: 1, rdlength: 4, rdata: hex("0a00")), .truncated, at: 21)
        expectDecodeError(oneRecord(type: 0xFF01, rdlength: 0xFFFF, rdata: hex("0a00")), .truncated, at: 21)
    }

    @Test func recordFixedFieldsCutByTheEnd() {
        // Name "a.", type, class and TTL fill the 11 bytes the count asks for; RDLENGTH is missing.
        expectDecodeError(headerBytes(an: 1) + hex("01 61 00 0001 0001 00000078"), .truncated, at: 23)
    }
}

@Suite("Record-type structure inside rdata (TXT, NSEC, OPT)")
struct RDataStructureHostileTests {
    @Test func txtStringLongerThanRData() {
        expectDecodeError(oneRecord(type: 16, rdlength: 5, rdata: hex("09 61626364")), .invalidRData, at: 23)
    }

    @Test func txtSecondStringLongerThanWhatIsLeft() {
        expectDecodeError(oneRecord(type: 16, rdlength: 5, rdata: hex("01 61 05 6263")), .invalidRData, at: 25)
    }

    @Test func nsecBitmapLengthZero() {
        expectDecodeError(oneRecord(type: 47, rdlength: 3, rdata: hex("00 00 00")), .invalidRData, at: 25)
    }

    @Test func nsecBitmapLengthThirtyThree() {
        expectDecodeError(oneRecord(type: 47, rdlength: 36, rdata: hex("00 00 21") + label(33, 0xFF)), .invalidRData, at: 25)
    }

    @Test func nsecWindowHeaderCutByRDLength() {
        expectDecodeError(oneRecord(type: 47, rdlength: 2, rdata: hex("00 00")), .invalidRData, at: 24)
    }

    @Test func nsecBitmapRunningPastRDLength() {
        expectDecodeError(oneRecord(type: 47, rdlength: 5, rdata: hex("00 00 04 4000")), .invalidRData, at: 26)
    }

    @Test func optOptionHeaderCutByRDLength() {
        expectDecodeError(oneRecord(type: 41, rdlength: 3, rdata: hex("0004 00")), .invalidRData, at: 23)
    }

    @Test func optOptionLongerThanRData() {
        expectDecodeError(oneRecord(type: 41, rdlength: 6, rdata: hex("0004 0010 0102")), .invalidRData, at: 25)
    }
}

@Suite("RFC 1035 §4.1.1 header and section counts")
struct HeaderHostileTests {
    @Test func everyTruncatedHeaderIsTruncatedAtTheFieldItCuts() {
        let full = hex("1234 8400 0001 0002 0003 0004")
        for n in 0..<DNSLimits.headerLength {
            expectDecodeError(Array(full.prefix(n)), .truncated, at: n / 2 * 2)
        }
    }

    @Test func tpLinkKasaFourBytePacketIsTruncated() {
        // Seen on real LANs: four bytes sent to 5353 — an ID and flags, and nothing more.
        expectDecodeError(hex("0a ba 10 00"), .truncated, at: 4)
    }

    @Test func maximalCountsOverAShortBody() {
        let body = hex("00 0001 0001")
        for counts in [(0xFFFF, 0, 0, 0), (0, 0xFFFF, 0, 0), (0, 0, 0xFFFF, 0), (0, 0, 0, 0xFFFF), (0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF)] {
            let h = headerBytes(qd: UInt16(counts.0), an: UInt16(counts.1), ns: UInt16(counts.2), ar: UInt16(counts.3))
            expectDecodeError(h + body, .countExceedsData, at: 4)
        }
    }

    @Test func maximalCountsOverTheLargestBody() {
        // 65,523 bytes of zeros hold 13,104 root questions but not 65,535.
        let body = [UInt8](repeating: 0, count: DNSLimits.maxMessageLength - DNSLimits.headerLength)
        expectDecodeError(headerBytes(qd: 0xFFFF) + body, .countExceedsData, at: 4)
        expectDecodeError(headerBytes(ar: 0xFFFF) + body, .countExceedsData, at: 4)
    }

    @Test func countsPromisingMoreRecordsThanFollow() {
        // Two answers announced, one present: the second read runs off the end.
        var b = Fixtures.aRecord
        b[7] = 2
        expectDecodeError(b, .truncated, at: Fixtures.aRecord.count)
    }

    @Test func trailingBytesAreRejectedByDefault() {
        for fixture in Fixtures.all {
            expectDecodeError(fixture.bytes + [0x00], .trailingBytes, at: fixture.bytes.count)
        }
        // A second message glued on is trailing bytes too.
        expectDecodeError(Fixtures.aRecord + Fixtures.aRecord, .trailingBytes, at: Fixtures.aRecord.count)
    }

    @Test func trailingBytesAreIgnoredWhenAllowed() throws {
        for fixture in Fixtures.all {
            let m = try Message(decoding: fixture.bytes + hex("de ad be ef"), options: .init(allowTrailingBytes: true))
            #expect(m == (try Message(decoding: fixture.bytes)), "\(fixture.name)")
        }
    }
}

@Suite("Truncation at every byte never yields a message")
struct TruncationSweepTests {
    @Test(arguments: Fixtures.all)
    func everyPrefixOfAValidMessageIsRejected(_ fixture: Fixtures.Named) {
        #expect((try? Message(decoding: fixture.bytes)) != nil)
        for n in 0..<fixture.bytes.count {
            switch decode(Array(fixture.bytes.prefix(n))) {
            case .success:
                Issue.record("\(fixture.name): prefix of \(n) bytes was accepted")
            case .failure(let e):
                #expect(e.code == .truncated || e.code == .countExceedsData, "\(fixture.name) prefix \(n): \(e)")
                #expect(e.offset <= n, "\(fixture.name) prefix \(n): \(e)")
            }
        }
    }

    @Test(arguments: Fixtures.all)
    func theLazyParserRejectsEveryPrefixToo(_ fixture: Fixtures.Named) {
        for n in 0..<fixture.bytes.count {
            let prefix = Array(fixture.bytes.prefix(n))
            let result: Result<Int, DNSWireError> = prefix.withUnsafeBytes { raw in
                do throws(DNSWireError) { return .success(try FullParse.validate(raw)) } catch { return .failure(error) }
            }
            if case .success(let count) = result {
                Issue.record("\(fixture.name): prefix of \(n) bytes validated with \(count) entries")
            }
        }
    }
}
