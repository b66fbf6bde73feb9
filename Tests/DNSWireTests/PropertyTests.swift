import DNSWire
import PropertyBased
import Testing

/// Labels of any bytes (dots, backslashes, spaces, NUL, UTF-8 and invalid UTF-8 included).
private let anyByteLabel = Gen.uint8().array(of: 1...63)
/// Labels of ASCII letters and digits, so that case folding gets exercised.
private let hostLabel = Gen.letterOrNumber.string(of: 1...20).map { Array($0.utf8) }
/// Valid names of up to 255 bytes.
private let nameGen = Gen<[[UInt8]]>.oneOf(anyByteLabel.array(of: 0...4), hostLabel.array(of: 0...6))
    .compactMap { try? DNSName(labels: $0) }

/// Records of the types the codec knows, with generated names and values.
private let rdataGen = Gen<RData>.oneOf(
    Gen.uint32().map { RData.a(IPv4Address($0)) },
    zip(Gen.uint64(), Gen.uint64()).map { RData.aaaa(IPv6Address(high: $0.0, low: $0.1)) },
    nameGen.map { RData.ptr($0) },
    nameGen.map { RData.cname($0) },
    zip(Gen.uint16(), Gen.uint16(), Gen.uint16(), nameGen).map { RData.srv(SRV(priority: $0.0, weight: $0.1, port: $0.2, target: $0.3)) },
    Gen.uint8().array(of: 0...40).array(of: 1...4).map { RData.txt(TXT(strings: $0)) },
    zip(nameGen, Gen.uint16().array(of: 0...6)).map { RData.nsec(NSEC(nextName: $0.0, types: $0.1.map(RRType.init(rawValue:)))) },
    zip(Gen.uint16(), nameGen).map { RData.mx(MX(preference: $0.0, exchange: $0.1)) },
    Gen.uint8().array(of: 0...30).map { RData.opaque(RRType(0xFF01), $0) }
)
private let recordGen = zip(nameGen, Gen.bool, Gen.uint32(), rdataGen)
    .map { ResourceRecord(name: $0.0, rrclass: .in, cacheFlush: $0.1, ttl: $0.2, rdata: $0.3) }
private let messageGen = zip(Gen.uint16(), nameGen.array(of: 0...3), recordGen.array(of: 0...6), recordGen.array(of: 0...3))
    .map { id, qnames, answers, additionals in
        Message(header: Header(id: id, flags: 0x8400), questions: qnames.map { Question(name: $0, type: .any) },
                answers: answers, additionals: additionals).normalized
    }

@Suite("Properties: hostile bytes never trap; valid values round-trip")
struct PropertyTests {
    @Test func randomBytesNeverTrap() async {
        await propertyCheck(count: 3000, input: Gen.uint8().array(of: 0...600)) { bytes in
            switch decode(bytes) {
            case .failure(let e):
                #expect(e.offset >= 0 && e.offset <= bytes.count, "\(e)")
            case .success(let m):
                #expect(reencoded(m) == m)
            }
        }
    }

    @Test func randomBodiesBehindSmallCountsNeverTrap() async {
        // Random bytes rarely get past the count check; a plausible header sends them into names and rdata.
        let counts = Gen.uint16(in: 0...3).array(of: 4)
        await propertyCheck(count: 3000, input: counts, Gen.uint8().array(of: 0...600)) { counts, body in
            let bytes = headerBytes(flags: 0x8400, qd: counts[0], an: counts[1], ns: counts[2], ar: counts[3]) + body
            switch decode(bytes, allowTrailingBytes: true) {
            case .failure(let e):
                #expect(e.offset >= 0 && e.offset <= bytes.count, "\(e)")
            case .success(let m):
                #expect(reencoded(m) == m)
                #expect(reencoded(m, .none) == m)
            }
        }
    }

    @Test func mutatedFixturesNeverTrap() async {
        // One to four bytes of a valid message overwritten: the shapes a corrupted packet takes.
        let fixture = Gen.element(of: Fixtures.all.map(\.bytes)).compactMap { $0 }
        let edits = zip(Gen.int(in: 0...10_000), Gen.uint8()).array(of: 1...4)
        await propertyCheck(count: 3000, input: fixture, edits) { fixture, edits in
            var bytes = fixture
            for (at, value) in edits { bytes[at % bytes.count] = value }
            switch decode(bytes) {
            case .failure(let e):
                #expect(e.offset >= 0 && e.offset <= bytes.count, "\(e)")
            case .success(let m):
                #expect(reencoded(m) == m)
            }
        }
    }

    @Test func namesRoundTripThroughPresentationExactly() async {
        await propertyCheck(count: 1000, input: nameGen) { name in
            let text = name.description
            let back = try DNSName(parsing: text)
            // Exact bytes, not just folded equality: presentation keeps case and every byte.
            #expect(back.wire == name.wire, "\(text)")
            #expect(back.description == text)
        }
    }

    @Test func namesRoundTripThroughTheWireExactly() async {
        await propertyCheck(count: 1000, input: nameGen, nameGen) { a, b in
            let m = Message(questions: [Question(name: a, type: .a), Question(name: b, type: .aaaa, unicastResponse: true)])
            // Uncompressed, every byte comes back; compressed, names equal under RFC 6762 §16
            // (a pointer may land on an earlier name that differs only in ASCII case).
            let plain = try Message(decoding: m.encoded(compression: .none))
            #expect(plain.questions.map(\.name.wire) == [a.wire, b.wire])
            #expect(plain.questions == m.normalized.questions)
            let compressed = try Message(decoding: m.encoded(compression: .suffixes))
            #expect(compressed.questions == m.normalized.questions)
            #expect(compressed.questions[0].name.wire == a.wire)
        }
    }

    @Test func generatedMessagesRoundTripWithAndWithoutCompression() async {
        await propertyCheck(count: 500, input: messageGen) { m in
            let compressed = m.encoded(compression: .suffixes)
            let plain = m.encoded(compression: .none)
            #expect(compressed.count <= plain.count)
            #expect(decodeValid(compressed) == m)
            let again = decodeValid(plain)
            #expect(again == m)
            // Uncompressed output of a decoded message is reproduced byte for byte.
            #expect(again?.encoded(compression: .none) == plain)
        }
    }

    @Test func foldedEqualityMatchesLowercasedBytes() async {
        await propertyCheck(count: 1000, input: nameGen) { name in
            let lowered = name.wire.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
            let flipped = name.wire.map { b -> UInt8 in
                ((0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)) ? b ^ 0x20 : b
            }
            let viaLabels = { (wire: [UInt8]) throws -> DNSName in
                var labels: [[UInt8]] = []
                var i = 0
                while wire[i] != 0 { labels.append(Array(wire[(i + 1)...(i + Int(wire[i]))])); i += 1 + Int(wire[i]) }
                return try DNSName(labels: labels)
            }
            let low = try viaLabels(lowered), flip = try viaLabels(flipped)
            #expect(low == name && flip == name)
            #expect(low.hashValue == name.hashValue && flip.hashValue == name.hashValue)
        }
    }
}
