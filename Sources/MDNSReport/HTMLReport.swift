/// One self-contained HTML page from results documents (`mdns-results/1`): the documents embedded
/// as JSON, inline CSS and inline JavaScript that builds the matrix, the timelines and the evidence.
/// Nothing is loaded from anywhere (the page's Content-Security-Policy forbids it), so the page
/// opens from a CI artifact or an e-mail.
public enum HTMLReport {
    /// The page for `json`: one document, an array of them, or several one after another.
    public static func render(json: String) throws(ReportError) -> String {
        render(try ResultsText(json))
    }

    public static func render(_ results: ResultsText) -> String {
        var page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        // No network: nothing but the inline style, the inline scripts and data: images.
        page += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page += "<title>\(escape(title(results)))</title>\n<style>\n\(ReportAssets.style)</style>\n</head>\n"
        page += "<body data-errors=\"0\">\n<script>\n\(ReportAssets.errorHook)</script>\n"
        page += "<noscript>This report is drawn by its inline script; the results are in the JSON below.</noscript>\n"
        page += "<main id=\"report\"></main>\n<div id=\"tip\" hidden></div>\n<pre id=\"errors\" hidden></pre>\n"
        page += "<script type=\"application/json\" id=\"results\">\(results.embedded)</script>\n"
        page += "<script>\n\(ReportAssets.script)</script>\n</body></html>\n"
        return page
    }

    /// "mdns capture: Captures/real/avahi-startup.pcap", "mdns engine: engine (3 documents)".
    static func title(_ results: ResultsText) -> String {
        guard let first = results.documents.first else { return "mdns results" }
        var t = "mdns \(first.kind): \(first.source)"
        if results.documents.count > 1 { t += " (\(results.documents.count) documents)" }
        return t
    }

    /// Text for HTML element content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
