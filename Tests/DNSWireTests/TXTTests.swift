import DNSWire
import Testing

private func txt(_ strings: [String]) -> TXT { TXT(strings: strings.map { Array($0.utf8) }) }
private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

@Suite("RFC 6763 §6 TXT key/value pairs")
struct TXTKeyValueTests {
    @Test func firstOccurrenceOfAKeyWins() {
        // RFC 6763 §6.4: "If a client receives a TXT record containing the same key more than
        // once, then the client MUST silently ignore all but the first occurrence".
        let t = txt(["path=/first", "PATH=/second", "path"])
        #expect(t["path"] == .value(bytes("/first")))
        #expect(t.entries.count == 1)
        #expect(t.entries[0].key == bytes("path"))
    }

    @Test func booleanEmptyValueAndAbsentAreThreeDifferentThings() {
        // RFC 6763 §6.4: "key" is present with no value, "key=" present with an empty value.
        let t = txt(["duplex", "note=", "color=T"])
        #expect(t["duplex"] == .boolean)
        #expect(t["note"] == .value([]))
        #expect(t["color"] == .value(bytes("T")))
        #expect(t["staple"] == .absent)
        #expect(Set([TXT.Value.boolean, .value([]), .absent]).count == 3)
        #expect(t.entries.map(\.value) == [nil, [], bytes("T")])
    }

    @Test func keysCompareCaseInsensitively() {
        let t = txt(["Color=T", "TxtVers=1"])
        #expect(t["color"] == .value(bytes("T")))
        #expect(t["COLOR"] == .value(bytes("T")))
        #expect(t["txtvers"] == .value(bytes("1")))
        // The key is kept as sent.
        #expect(t.entries.map(\.key) == [bytes("Color"), bytes("TxtVers")])
        // Only ASCII folds: a key of UTF-8 "Ä" is not found as "ä".
        let u = txt(["Ä=1"])
        #expect(u["Ä"] == .value(bytes("1")))
        #expect(u["ä"] == .absent)
    }

    @Test func stringsStartingWithEqualsAndEmptyStringsAreIgnored() {
        // RFC 6763 §6.4: "If there is no key (i.e. the string begins with '=') ... silently ignored".
        let t = txt(["=bogus", "", "=", "a=1"])
        #expect(t.entries.map(\.key) == [bytes("a")])
        #expect(t[""] == .absent)
        #expect(t["a"] == .value(bytes("1")))
        #expect(TXT.empty.entries.isEmpty)
        #expect(TXT.empty.strings == [[]])
    }

    @Test func valuesAreOpaqueBinaryKeptExactly() {
        // RFC 6763 §6.5: the value is opaque binary data; later "=" belong to the value.
        let raw: [UInt8] = bytes("key=") + [0xFF, 0x00, 0xC3, 0x28, UInt8(ascii: "="), 0x80]
        let t = TXT(strings: [raw])
        #expect(t["key"] == .value([0xFF, 0x00, 0xC3, 0x28, UInt8(ascii: "="), 0x80]))
    }

    @Test func binaryValuesSurviveTheWire() throws {
        let m = try Message(decoding: hex("""
            0000 8400 0000 0001 0000 0000   # header: id 0, QR AA, 1 answer
            01 78                           # label "x"
            00                              # root
            0010                            # type TXT
            0001                            # class IN
            00001194                        # TTL 4500
            000e                            # RDLENGTH 14
            07 6b65793dff00c3               # "key=" FF 00 C3
            04 4b45593d                     # "KEY=" (a later duplicate, ignored)
            00                              # empty string (ignored)
            """))
        guard case .txt(let t) = m.answers[0].rdata else { Issue.record("not TXT"); return }
        #expect(t.strings == [bytes("key=") + [0xFF, 0x00, 0xC3], bytes("KEY="), []])
        #expect(t["Key"] == .value([0xFF, 0x00, 0xC3]))
        #expect(m.encoded(compression: .none) == m.encoded())
        #expect(try Message(decoding: m.encoded()) == m)
    }

    @Test func pairsBuildKeyEqualsValueOrBareKey() {
        let t = TXT([("txtvers", "1"), ("duplex", nil), ("note", "")])
        #expect(t.strings == [bytes("txtvers=1"), bytes("duplex"), bytes("note=")])
        // RFC 6763 §6.1: no pairs is one empty string, never zero strings.
        #expect(TXT([]).strings == [[]])
        #expect(TXT([]) == .empty)
    }

    @Test func emptyTXTRDataIsOneEmptyString() throws {
        let m = try Message(decoding: hex("""
            0000 8400 0000 0001 0000 0000   # header: 1 answer
            00                              # owner: root
            0010 0001 00001194              # type TXT, class IN, TTL 4500
            0001                            # RDLENGTH 1
            00                              # one empty string
            """))
        #expect(m.answers[0].rdata == .txt(.empty))
    }
}
