import Testing
@testable import MDNSReport

@Suite("HTML report: reading results documents (RFC 8259 JSON)")
struct ResultsTextTests {
    let doc = #"{"schema":"mdns-results/1","kind":"capture","source":"a.pcap"}"#

    @Test("One document, several one after another, or an array of them")
    func documentSequences() throws {
        let one = try ResultsText(doc)
        #expect(one.documents == [.init(schema: "mdns-results/1", kind: "capture", source: "a.pcap")])
        let two = try ResultsText(doc + "\n" + doc + "\n")
        #expect(two.documents.count == 2)
        #expect(two.embedded == "[\(doc),\(doc)]")
        #expect(try ResultsText("[\(doc), \(doc)]") == two)
    }

    @Test("Whitespace is dropped outside strings and kept inside them")
    func minified() throws {
        let t = try ResultsText(" {\n \"schema\" : \"mdns-results/1\", \"a\" : [ 1 , -0.5e+3 , true , null , \" x y \" ] } ")
        #expect(t.embedded == #"[{"schema":"mdns-results/1","a":[1,-0.5e+3,true,null," x y "]}]"#)
    }

    @Test("Escapes decode in the header: \\u00e9 and a surrogate pair")
    func escapes() throws {
        let t = try ResultsText(#"{"schema":"mdns-results\/1","kind":"\u0063apture","source":"caf\u00e9 \ud83d\ude00 \"q\" \\"}"#)
        #expect(t.documents.first?.source == "café 😀 \"q\" \\")
        #expect(t.documents.first?.kind == "capture")
    }

    @Test("Another schema, or none, is refused")
    func schema() {
        #expect(throws: ReportError(.schema, offset: 0, #"document 1: schema "mdns-results/2", expected "mdns-results/1""#)) {
            try ResultsText(#"{"schema":"mdns-results/2"}"#)
        }
        #expect { try ResultsText("[]") } throws: { ($0 as? ReportError)?.code == .schema }
        #expect { try ResultsText(#"{"kind":"engine"}"#) } throws: { ($0 as? ReportError)?.code == .schema }
    }

    @Test("Not JSON: a typed error at the byte where it stops", arguments: [
        (#"{"schema":"mdns-results/1",}"#, 27), (#"{"a":01}"#, 6), (#"{"a":1.}"#, 7), (#"{"a":"\x"}"#, 6),
        ("{\"a\":\"\u{1}\"}", 6), (#"{"a":tru}"#, 5), (#"{"a":[1 2]}"#, 8), (#"{"a":"\u12G4"}"#, 8),
        (#"{"a":"x"#, 7), ("", 0), ("42", 0), (#"{"a" 1}"#, 5),
    ])
    func syntax(_ input: String, _ offset: Int) {
        #expect { try ResultsText(input) } throws: { e in
            guard let e = e as? ReportError else { return false }
            return e.code == .syntax && e.offset == offset
        }
    }

    @Test("Nesting up to ReportLimits.maxDepth is read; one more level is refused")
    func depth() throws {
        func nested(_ n: Int) -> String {
            #"{"schema":"mdns-results/1","x":"# + String(repeating: "[", count: n - 1) + String(repeating: "]", count: n - 1) + "}"
        }
        _ = try ResultsText(nested(ReportLimits.maxDepth))
        #expect { try ResultsText(nested(ReportLimits.maxDepth + 1)) } throws: { ($0 as? ReportError)?.code == .depth }
    }

    @Test("Input over ReportLimits.maxInputBytes is refused before it is read")
    func size() {
        let big = String(repeating: " ", count: ReportLimits.maxInputBytes + 1)
        #expect(throws: ReportError(.size, offset: ReportLimits.maxInputBytes, "input over \(ReportLimits.maxInputBytes) bytes")) {
            try ResultsText(big)
        }
    }
}
