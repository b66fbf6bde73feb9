import DNSWire
import Testing

private func bytesName(_ labels: [[UInt8]]) -> DNSName {
    do { return try DNSName(labels: labels) } catch { preconditionFailure("\(error)") }
}

@Suite("RFC 6762 §16 names compare case-insensitively for ASCII only")
struct NameCaseFoldingTests {
    @Test func asciiLettersFoldBothWays() {
        #expect(name("MyHost.local") == name("myhost.LOCAL"))
        #expect(name("MYHOST.LOCAL") == name("myhost.local"))
        #expect(name("MyHost.local").hashValue == name("myhost.LOCAL").hashValue)
        let set: Set<DNSName> = [name("MyHost.local")]
        #expect(set.contains(name("MYHOST.local")))
        #expect(name("myhost.local") != name("myhost2.local"))
        #expect(name("myhost.local") != name("myhost.local.arpa"))
    }

    @Test func caseIsPreservedWhileComparingFolded() {
        let n = name("MyHost.local")
        #expect(n.wire == Array("\u{6}MyHost\u{5}local\u{0}".utf8))
        #expect(n.description == "MyHost.local.")
    }

    @Test func utf8LettersAreNotFolded() {
        // "Ä" is C3 84 and "ä" is C3 A4 in UTF-8: different names.
        let upper = name("Ä.local"), lower = name("ä.local")
        #expect(upper.labels[0] == [0xC3, 0x84][...])
        #expect(lower.labels[0] == [0xC3, 0xA4][...])
        #expect(upper != lower)
        #expect(Set([upper, lower]).count == 2)
        #expect(name("Ä.LOCAL") == name("Ä.local"))
    }

    @Test func bytesFromHex80UpAreNeverFolded() {
        // Latin-1 "Ä" (C4) and "ä" (E4) differ by the same 0x20 bit as ASCII letters.
        #expect(bytesName([[0xC4]]) != bytesName([[0xE4]]))
        for b in UInt8(0x80)...UInt8(0xFF) {
            #expect(bytesName([[b]]) != bytesName([[b ^ 0x20]]), "byte \(b)")
        }
    }

    @Test func everyByteFoldsOnlyIfItIsAnASCIILetter() {
        for b in 0...255 {
            let byte = UInt8(b)
            let isUpper = (0x41...0x5A).contains(b), isLower = (0x61...0x7A).contains(b)
            let partner = byte ^ 0x20
            let equal = bytesName([[byte]]) == bytesName([[partner]])
            #expect(equal == (isUpper || isLower), "byte \(b) vs \(partner)")
            if equal { #expect(bytesName([[byte]]).hashValue == bytesName([[partner]]).hashValue) }
        }
        // The neighbours of the letter ranges: @ [ ` { are not letters.
        #expect(name("@") != name("`"))
        #expect(name("\\[") != name("{"))
    }

    @Test func foldedNamesHashAlikeAtEveryBytePosition() {
        // Hashing folds eight bytes at a time: check every byte in several word positions.
        for b in 0...255 {
            let byte = UInt8(b), partner = UInt8(b) ^ 0x20
            let isLetter = (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
            for position in [0, 6, 7, 14, 15, 30] {
                var label = [UInt8](repeating: UInt8(ascii: "a"), count: 31)
                label[position] = byte
                var other = label
                other[position] = partner
                let x = bytesName([label, Array("local".utf8)]), y = bytesName([other, Array("LOCAL".utf8)])
                #expect((x == y) == isLetter, "byte \(b) at \(position)")
                if isLetter { #expect(x.hashValue == y.hashValue, "byte \(b) at \(position)") }
            }
        }
    }

    @Test func namesDecodedFromTheWireCompareFolded() throws {
        let m = try Message(decoding: hex("""
            0000 0000 0001 0000 0000 0000   # header: 1 question
            06 4d59484f5354                 # label "MYHOST"
            05 4c6f43614c                   # label "LoCaL"
            00                              # root
            0001 0001                       # QTYPE A, QCLASS IN
            """))
        #expect(m.questions[0].name == name("myhost.local"))
        #expect(m.questions[0].name.description == "MYHOST.LoCaL.")
    }

    @Test func compressionKeepsEachNamesSpelling() throws {
        // RFC 6762 §16 makes "MyHost.local" and "myhost.LOCAL" one name, but the encoder matches
        // suffixes case-exactly so that each name reads back as it was written.
        let m = Message(questions: [Question(name: name("MyHost.local"), type: .a),
                                    Question(name: name("myhost.LOCAL"), type: .aaaa),
                                    Question(name: name("printer.MyHost.local"), type: .txt)])
        let bytes = m.encoded()
        #expect(bytes == hex("""
            0000 0000 0003 0000 0000 0000   # header: 3 questions
            06 4d79486f7374                 # @12 label "MyHost"
            05 6c6f63616c                   # @19 label "local"
            00                              # root
            0001 0001                       # QTYPE A, QCLASS IN
            06 6d79686f7374                 # label "myhost": no exact earlier suffix
            05 4c4f43414c                   # label "LOCAL"
            00                              # root
            001c 0001                       # QTYPE AAAA, QCLASS IN
            07 7072696e746572               # label "printer"
            c00c                            # pointer to "MyHost.local", spelled the same
            0010 0001                       # QTYPE TXT, QCLASS IN
            """))
        let back = try Message(decoding: bytes)
        #expect(back.questions == m.normalized.questions)
        #expect(back.questions.map(\.name.description) == ["MyHost.local.", "myhost.LOCAL.", "printer.MyHost.local."])
        #expect(back.encoded() == bytes)
    }

    @Test func subdomainsAreMatchedFoldedOnLabelBoundaries() throws {
        #expect(name("printer._ipp._tcp.local").isSubdomain(of: name("_TCP.LOCAL")))
        #expect(name("local").isSubdomain(of: name("local")))
        #expect(name("a.local").isSubdomain(of: .root))
        #expect(!name("xlocal").isSubdomain(of: name("local")))
        #expect(!name("local").isSubdomain(of: name("a.local")))
        #expect(name("a.b.local").parent == name("b.local"))
        #expect(DNSName.root.parent == .root)
        #expect(try name("b.local").prepending("A") == name("a.b.local"))
        #expect(try name("_http._tcp").appending(name("local")).wire == name("_http._tcp.local").wire)
        #expect(try name("a").appending(.root) == name("a"))
        #expect(try DNSName.root.appending(name("local")) == name("local"))
    }

    @Test func canonicalOrderComparesLabelsFromTheRightFolded() {
        // RFC 4034 §6.1 order, which RFC 6762 §8.2 and NSEC next names rely on.
        let sorted = [name("z.example"), name("A.example"), name("example"), name("a.b.example"), name("B.example")].sorted()
        #expect(sorted.map(\.description) == ["example.", "A.example.", "B.example.", "a.b.example.", "z.example."])
        #expect(!(name("a.local") < name("A.LOCAL")) && !(name("A.LOCAL") < name("a.local")))
    }

    @Test func canonicalOrderAgreesWithTheLabelByLabelDefinition() throws {
        // The reference: folded labels from the right, shorter label (and name) first on a tie.
        func reference(_ a: DNSName, _ b: DNSName) -> Bool {
            let la = a.labels.reversed().map { $0.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 } }
            let lb = b.labels.reversed().map { $0.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 } }
            for (x, y) in zip(la, lb) where x != y { return x.lexicographicallyPrecedes(y) }
            return la.count < lb.count
        }
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("aAbB-z".utf8) + [0x00, 0x01, 0x02, 0xC3, 0xFF]
        var names: [DNSName] = [.root]
        for _ in 0..<300 {
            let labels = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                (0..<Int.random(in: 1...3, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            }
            names.append(try DNSName(labels: labels))
        }
        names.append(try DNSName(labels: Array(repeating: [UInt8(ascii: "a")], count: 127)))
        for a in names.prefix(120) {
            for b in names {
                #expect((a < b) == reference(a, b), "\(a) < \(b)")
                #expect(a.canonicalSortKey.lexicographicallyPrecedes(b.canonicalSortKey) == reference(a, b), "key \(a) < \(b)")
            }
        }
    }
}

@Suite("RFC 6763 §4.3 / RFC 1035 §5.1 presentation format")
struct NamePresentationTests {
    @Test func escapedAndLiteralSpacesBothParse() throws {
        let expected = try DNSName(labels: ["My Printer", "_ipp", "_tcp", "local"])
        #expect(try DNSName(parsing: "My\\ Printer._ipp._tcp.local") == expected)
        #expect(try DNSName(parsing: "My Printer._ipp._tcp.local") == expected)
        #expect(try DNSName(parsing: "My\\032Printer._ipp._tcp.local.") == expected)
        #expect(expected.description == "My\\032Printer._ipp._tcp.local.")
    }

    @Test func escapedDotStaysInsideItsLabel() throws {
        let n = try DNSName(parsing: "Dr\\. Smith\\.s printer._http._tcp.local")
        #expect(n.labels.map { String(decoding: $0, as: UTF8.self) } == ["Dr. Smith.s printer", "_http", "_tcp", "local"])
        #expect(n.description == "Dr\\.\\032Smith\\.s\\032printer._http._tcp.local.")
        #expect(try DNSName(parsing: n.description).wire == n.wire)
    }

    @Test func escapedBackslashStaysABackslash() throws {
        let n = try DNSName(parsing: "back\\\\slash.local")
        #expect(n.labels[0] == Array("back\\slash".utf8)[...])
        #expect(n.description == "back\\\\slash.local.")
        #expect(try DNSName(parsing: n.description) == n)
    }

    @Test func decimalEscapesStandForAnyByte() throws {
        let n = try DNSName(parsing: "\\065bc.\\000\\255\\127.local")
        #expect(n.wire == hex("03 416263 03 00ff7f 05 6c6f63616c 00"))
        #expect(n.description == "Abc.\\000\\255\\127.local.")
        #expect(try DNSName(parsing: "\\\"quoted\\\".local").labels[0] == Array("\"quoted\"".utf8)[...])
        #expect(try DNSName(parsing: "\\\"quoted\\\".local").description == "\\\"quoted\\\".local.")
    }

    @Test func utf8StaysReadableAndInvalidUTF8IsEscaped() throws {
        let n = try DNSName(parsing: "Bücherregal Küche.local")
        #expect(n.labels[0] == Array("Bücherregal Küche".utf8)[...])
        #expect(n.description == "Bücherregal\\032Küche.local.")
        #expect(try DNSName(parsing: n.description) == n)
        // A lone lead byte, an overlong "/" and a UTF-16 surrogate are not UTF-8: each byte escaped.
        #expect(bytesName([[0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80]]).description == "\\195.\\192\\175.\\237\\160\\128.")
        #expect(bytesName([[0xF0, 0x9F, 0x90, 0xB1]]).description == "🐱.")
    }

    @Test func rootAndTrailingDot() throws {
        #expect(try DNSName(parsing: "") == .root)
        #expect(try DNSName(parsing: ".") == .root)
        #expect(DNSName.root.description == ".")
        #expect(DNSName.root.wire == [0])
        #expect(try DNSName(parsing: "a.local.").wire == (try DNSName(parsing: "a.local")).wire)
    }

    @Test(arguments: [
        ("a..b", 2), (".a", 0), ("a.local..", 8), ("a\\", 1), ("\\25", 0), ("x\\25.local", 1), ("\\256", 0), ("a\\1x2", 1),
    ])
    func malformedTextIsRejectedWithItsOffset(text: String, offset: Int) {
        let r = Result { () throws(DNSWireError) in try DNSName(parsing: text) }
        #expect(r.errorCode == .invalidPresentation, "\(text)")
        #expect(r.errorOffset == offset, "\(text)")
        #expect(DNSName(text) == nil)
    }

    @Test func everyByteValueSurvivesNameToTextToName() throws {
        // Four labels of 63 bytes cover 0...251; a fifth label would pass 255, so use two names.
        let all = (0...255).map(UInt8.init)
        let first = bytesName([Array(all[0..<63]), Array(all[63..<126]), Array(all[126..<189])])
        let second = bytesName([Array(all[189..<252]), Array(all[252...])])
        for n in [first, second] {
            let text = n.description
            let back = try DNSName(parsing: text)
            #expect(back.wire == n.wire, "\(text)")
            #expect(back.description == text)
        }
    }

    @Test func textToNameToTextIsStable() throws {
        for text in ["My\\032Printer._ipp._tcp.local.", "a\\.b\\\\c.local.", "Küche.local.", "\\000.local.", "_services._dns-sd._udp.local."] {
            #expect(try DNSName(parsing: text).description == text)
        }
    }

    @Test func labelsMayHoldDotsOnTheWireAndRoundTripThroughAMessage() throws {
        let n = try DNSName(labels: ["a.b", "c\\d", "Küche", "local"])
        #expect(n.labelCount == 4)
        let m = Message(questions: [Question(name: n, type: .a)])
        let back = try Message(decoding: m.encoded())
        #expect(back.questions[0].name.wire == n.wire)
        #expect(back.questions[0].name.description == "a\\.b.c\\\\d.Küche.local.")
    }

    @Test func emptyLabelsAreRejectedFromLabelsToo() {
        let r = Result { () throws(DNSWireError) in try DNSName(labels: ["a", "", "local"]) }
        #expect(r.errorCode == .invalidPresentation)
        #expect(r.errorOffset == 2)
    }
}

@Suite("RFC 1035 §3.5 and RFC 3596 §2.5 reverse-mapping names")
struct ReverseNameTests {
    @Test func ipv4BytesReversedAsDecimalLabelsUnderInAddrArpa() {
        let n = DNSName(reverseOf: IPv4Address(169, 254, 10, 0))
        #expect(n.wire == bytesName([Array("0".utf8), Array("10".utf8), Array("254".utf8), Array("169".utf8),
                                     Array("in-addr".utf8), Array("arpa".utf8)]).wire)
        #expect(DNSName(reverseOf: IPv4Address(1, 99, 100, 255)).description == "255.100.99.1.in-addr.arpa.")
    }

    @Test func ipv6NibblesLowestFirstInLowerCaseHexUnderIp6Arpa() {
        let n = DNSName(reverseOf: IPv6Address("fe80::1:abcd")!)
        let nibbles = "dcba1000" + String(repeating: "0", count: 20) + "08ef"
        let expected = nibbles.map { Array(String($0).utf8) } + [Array("ip6".utf8), Array("arpa".utf8)]
        // 32 nibble labels: the address's last byte first, low nibble before high nibble.
        #expect(n.labelCount == 34)
        #expect(n.wire == bytesName(expected).wire)
    }
}
