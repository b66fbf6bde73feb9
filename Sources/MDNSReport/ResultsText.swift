/// A results document (`mdns-results/1`) checked and made ready to embed in a page.
///
/// The page reads the documents with `JSON.parse`; this side only checks the syntax (so the page never
/// opens on a parse error), drops the whitespace and escapes what would end the `<script>` element.
public struct ResultsText: Sendable, Equatable {
    /// The documents as one minified JSON array, `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026`.
    public let embedded: String
    /// Each document's `schema`, `kind` and `source`, in order.
    public let documents: [Header]

    public struct Header: Sendable, Equatable {
        public var schema = ""
        public var kind = ""
        public var source = ""
    }

    /// Reads one document, a JSON array of documents, or several documents one after another
    /// (`mdns conform --capture A B --json` prints one per file).
    public init(_ text: String) throws(ReportError) {
        guard text.utf8.count <= ReportLimits.maxInputBytes else {
            throw ReportError(.size, offset: ReportLimits.maxInputBytes, "input over \(ReportLimits.maxInputBytes) bytes")
        }
        var scanner = JSONScanner(Array(text.utf8))
        var values: [(text: [UInt8], header: Header)] = []
        scanner.skipSpace()
        while !scanner.atEnd {
            let start = scanner.output.count
            let header = try scanner.document()
            values.append((Array(scanner.output[start...]), header))
            scanner.skipSpace()
        }
        guard !values.isEmpty else { throw ReportError(.syntax, offset: 0, "no JSON document") }
        var out: [UInt8] = [UInt8(ascii: "[")]
        var headers: [Header] = []
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += v.text
            headers.append(v.header)
        }
        // One top-level array of documents: its elements are the documents.
        if values.count == 1, values[0].text.first == UInt8(ascii: "[") {
            out = values[0].text
            headers = scanner.arrayHeaders
        } else {
            out.append(UInt8(ascii: "]"))
        }
        guard !headers.isEmpty else { throw ReportError(.schema, offset: 0, "no results document in the array") }
        for (i, h) in headers.enumerated() where h.schema != ReportLimits.schema {
            throw ReportError(.schema, offset: 0, "document \(i + 1): schema \"\(h.schema)\", expected \"\(ReportLimits.schema)\"")
        }
        embedded = String(decoding: out, as: UTF8.self)
        documents = headers
    }
}

/// A JSON scanner that copies its input without whitespace, checking RFC 8259's grammar as it goes.
struct JSONScanner {
    let input: [UInt8]
    var pos = 0
    var depth = 0
    var output: [UInt8] = []
    /// The headers of the objects directly inside a top-level array.
    var arrayHeaders: [ResultsText.Header] = []

    init(_ input: [UInt8]) {
        self.input = input
        output.reserveCapacity(input.count)
    }

    var atEnd: Bool { pos >= input.count }

    mutating func skipSpace() {
        while pos < input.count, [0x20, 0x09, 0x0A, 0x0D].contains(input[pos]) { pos += 1 }
    }

    func fail(_ reason: String) -> ReportError { ReportError(.syntax, offset: pos, reason) }

    /// One top-level value; an object's header, or the headers of an array's objects.
    mutating func document() throws(ReportError) -> ResultsText.Header {
        guard pos < input.count else { throw fail("expected a value") }
        switch input[pos] {
        case UInt8(ascii: "{"): return try object(wantHeader: true)
        case UInt8(ascii: "["): try array(topLevel: true); return ResultsText.Header()
        default: throw fail("a results document is an object or an array of objects")
        }
    }

    mutating func value() throws(ReportError) {
        skipSpace()
        guard pos < input.count else { throw fail("expected a value") }
        switch input[pos] {
        case UInt8(ascii: "{"): _ = try object(wantHeader: false)
        case UInt8(ascii: "["): try array(topLevel: false)
        case UInt8(ascii: "\""): _ = try string(decode: false)
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    mutating func enter() throws(ReportError) {
        depth += 1
        if depth > ReportLimits.maxDepth { throw ReportError(.depth, offset: pos, "nesting deeper than \(ReportLimits.maxDepth)") }
    }

    mutating func object(wantHeader: Bool) throws(ReportError) -> ResultsText.Header {
        try enter()
        var header = ResultsText.Header()
        output.append(input[pos]); pos += 1
        skipSpace()
        if pos < input.count, input[pos] == UInt8(ascii: "}") {
            output.append(input[pos]); pos += 1; depth -= 1
            return header
        }
        while true {
            skipSpace()
            guard pos < input.count, input[pos] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try string(decode: wantHeader)
            skipSpace()
            guard pos < input.count, input[pos] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            output.append(input[pos]); pos += 1
            skipSpace()
            if wantHeader, pos < input.count, input[pos] == UInt8(ascii: "\""), ["schema", "kind", "source"].contains(key) {
                let text = try string(decode: true)
                switch key {
                case "schema": header.schema = text
                case "kind": header.kind = text
                default: header.source = text
                }
            } else {
                try value()
            }
            skipSpace()
            guard pos < input.count else { throw fail("unterminated object") }
            let c = input[pos]
            output.append(c); pos += 1
            if c == UInt8(ascii: "}") { break }
            guard c == UInt8(ascii: ",") else { pos -= 1; throw fail("expected ',' or '}'") }
        }
        depth -= 1
        return header
    }

    mutating func array(topLevel: Bool) throws(ReportError) {
        try enter()
        output.append(input[pos]); pos += 1
        skipSpace()
        if pos < input.count, input[pos] == UInt8(ascii: "]") {
            output.append(input[pos]); pos += 1; depth -= 1
            return
        }
        while true {
            skipSpace()
            if topLevel {
                guard pos < input.count, input[pos] == UInt8(ascii: "{") else { throw fail("an array of results documents holds objects") }
                arrayHeaders.append(try object(wantHeader: true))
            } else {
                try value()
            }
            skipSpace()
            guard pos < input.count else { throw fail("unterminated array") }
            let c = input[pos]
            output.append(c); pos += 1
            if c == UInt8(ascii: "]") { break }
            guard c == UInt8(ascii: ",") else { pos -= 1; throw fail("expected ',' or ']'") }
        }
        depth -= 1
    }

    mutating func literal(_ word: String) throws(ReportError) {
        let w = Array(word.utf8)
        guard pos + w.count <= input.count, input[pos..<pos + w.count].elementsEqual(w) else { throw fail("unexpected character") }
        output += w
        pos += w.count
    }

    /// RFC 8259 §6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    mutating func number() throws(ReportError) {
        let start = pos
        if input[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < input.count, isDigit(input[pos]) else { throw fail("unexpected character") }
        if input[pos] == UInt8(ascii: "0") { pos += 1 } else { digits() }
        if pos < input.count, input[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < input.count, isDigit(input[pos]) else { throw fail("expected a digit after '.'") }
            digits()
        }
        if pos < input.count, input[pos] | 0x20 == UInt8(ascii: "e") {
            pos += 1
            if pos < input.count, input[pos] == UInt8(ascii: "+") || input[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < input.count, isDigit(input[pos]) else { throw fail("expected an exponent") }
            digits()
        }
        output += input[start..<pos]
    }

    func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    mutating func digits() { while pos < input.count, isDigit(input[pos]) { pos += 1 } }
}
