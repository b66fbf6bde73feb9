import DNSWire
import PropertyBased
import Testing

/// The lazy view's framing pass (`FullParse.skim`) locates every question and record without
/// following pointers; whatever it accepts, the strict parser either accepts too or rejects with a
/// typed error, and it never traps.
@Suite("Lazy view: framing pass")
struct LazyViewTests {
    private func skim(_ bytes: [UInt8]) -> Result<Int, DNSWireError> {
        bytes.withUnsafeBytes { raw in
            do throws(DNSWireError) { return .success(try FullParse.skim(raw)) } catch { return .failure(error) }
        }
    }

    @Test func countsEveryEntryOfAValidMessage() throws {
        let m = Message(header: .response, questions: [Question(name: name("a.local"), type: .a)],
                        answers: [ResourceRecord(name: name("a.local"), cacheFlush: true, ttl: 120, rdata: .a(IPv4Address(10, 0, 0, 1)))],
                        additionals: [ResourceRecord(name: name("a.local"), ttl: 120, rdata: .nsec(NSEC(nextName: name("a.local"), types: [.a])))])
        for compression in [MessageWriter.Compression.none, .suffixes] {
            #expect(try skim(m.encoded(compression: compression)).get() == 3)
        }
    }

    @Test func rejectsBrokenFramingWithTheStrictCodes() {
        #expect(skim([0x0a, 0xba, 0x10, 0x00]).failureCode == .truncated)
        #expect(skim(headerBytes(qd: 0xFFFF)).failureCode == .countExceedsData)
        #expect(skim(headerBytes(qd: 1) + [0xC0, 0x04, 0, 1, 0, 1]).failureCode == .pointerIntoHeader)
        #expect(skim(headerBytes(qd: 1) + [0xC0, 0x40, 0, 1, 0, 1]).failureCode == .pointerOutOfRange)
        #expect(skim(headerBytes(qd: 1) + [0x40, 0, 0, 1, 0, 1]).failureCode == .reservedLabelType)
        // RDLENGTH 5 with 4 bytes left.
        #expect(skim(headerBytes(an: 1) + [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4]).failureCode == .truncated)
    }

    @Test func aPointerLoopIsLeftToTheStrictParser() {
        // A self-pointer is in range, so the framing pass accepts it; reading the name rejects it.
        let loop = headerBytes(qd: 1) + [0xC0, 0x0C, 0, 1, 0, 1]
        #expect(skim(loop).successValue == 1)
        #expect(decode(loop).failureCode == .pointerHopLimit)
    }

    @Test func randomBytesNeverTrapAndStrictAcceptanceImpliesLazyAcceptance() async {
        await propertyCheck(count: 3000, input: Gen.uint8().array(of: 0...300)) { bytes in
            let lazy = skim(bytes)
            if case .success = decode(bytes, allowTrailingBytes: true) {
                #expect(lazy.successValue != nil)
            }
        }
    }
}

private extension Result {
    var failureCode: DNSWireError.Code? { if case .failure(let e) = self { return (e as? DNSWireError)?.code }; return nil }
    var successValue: Success? { if case .success(let v) = self { return v }; return nil }
}
