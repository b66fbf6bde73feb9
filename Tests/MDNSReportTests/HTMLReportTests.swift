import Foundation
import Testing
@testable import MDNSReport

func fixture(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/" + name)
    return try String(contentsOf: url, encoding: .utf8)
}

/// The text of the page's `<script type="application/json">` element.
func embeddedJSON(_ page: String) throws -> String {
    let open = try #require(page.range(of: "<script type=\"application/json\" id=\"results\">"))
    let close = try #require(page.range(of: "</script>", range: open.upperBound..<page.endIndex))
    return String(page[open.upperBound..<close.lowerBound])
}

func parsed(_ json: String) throws -> NSObject {
    try #require(try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]) as? NSObject)
}

@Suite("HTML report: the embedded document")
struct HTMLReportEmbeddingTests {
    @Test("The embedded document parses back to the input, as an array of documents")
    func roundTrip() throws {
        let json = try fixture("sample-capture.json")
        let page = try HTMLReport.render(json: json)
        let back = try parsed(try embeddedJSON(page))
        #expect(back == NSArray(array: [try parsed(json)]))
    }

    @Test("</script> and <!-- in the data cannot end or change the script element")
    func scriptEndInData() throws {
        let json = #"{"schema":"mdns-results/1","kind":"engine","source":"x","cases":[{"notes":["</script><script>alert(1)</script><!--"]}]}"#
        let page = try HTMLReport.render(json: json)
        let embedded = try embeddedJSON(page)
        #expect(!embedded.contains("<") && !embedded.contains(">") && !embedded.contains("&"))
        #expect(embedded.contains(#"\u003c/script\u003e\u003cscript\u003ealert(1)"#))
        // the error hook, the data, the report: three elements, three end tags
        #expect(page.components(separatedBy: "</script>").count - 1 == 3)
        #expect(!page.contains("<!--"))
        let notes = try #require((try parsed(embedded) as? [[String: Any]])?.first?["cases"] as? [[String: Any]])
        #expect(notes.first?["notes"] as? [String] == ["</script><script>alert(1)</script><!--"])
    }

    @Test("The same document gives the same page, whatever its whitespace")
    func deterministic() throws {
        let json = try fixture("sample-capture.json")
        let a = try HTMLReport.render(json: json)
        #expect(try HTMLReport.render(json: json) == a)
        let minified = try ResultsText(json).embedded.dropFirst().dropLast()
        #expect(try HTMLReport.render(json: String(minified)) == a)
    }

    @Test("The title names the kind and the source, escaped")
    func title() throws {
        let json = #"{"schema":"mdns-results/1","kind":"capture","source":"a<b>&\"c\".pcap"}"#
        let page = try HTMLReport.render(json: json)
        #expect(page.contains("<title>mdns capture: a&lt;b&gt;&amp;&quot;c&quot;.pcap</title>"))
    }

    @Test("The page loads nothing: no URL but the SVG namespace, a Content-Security-Policy of 'none'")
    func selfContained() throws {
        let page = try HTMLReport.render(json: try fixture("sample-capture.json"))
        #expect(page.contains("default-src 'none'"))
        #expect(!page.contains("https://"))
        #expect(page.components(separatedBy: "http://").count - 1 == page.components(separatedBy: "http://www.w3.org/2000/svg").count - 1)
        for asset in [ReportAssets.style, ReportAssets.errorHook, ReportAssets.script] {
            #expect(!asset.lowercased().contains("</script") && !asset.contains("<!--"))
            #expect(!asset.contains("@import") && !asset.contains("url(") && !asset.contains("fetch("))
        }
    }
}
