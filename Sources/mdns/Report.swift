import ArgumentParser
import MDNSReport

/// `mdns report --html OUT IN.json...`: any results document (`mdns-results/1`) as one HTML page.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render results documents (mdns conform/replay --json, Scripts/interop, Scripts/conform-matrix) as one HTML page.",
        discussion: """
        Each input holds one document, a JSON array of documents, or several documents one after another; \
        - reads standard input. The page is self-contained (inline style and script, no network): the matrix \
        of cases × targets with filters, a timeline per device with the RFC windows, and the decoded evidence \
        of every case that did not pass.
        """
    )

    @Option(help: "Write the page to this file.")
    var html: String

    @Argument(help: "Results documents (JSON files; - for standard input).")
    var inputs: [String] = ["-"]

    func run() throws {
        var text = ""
        for path in inputs {
            guard let t = path == "-" ? FileIO.readStdinText() : readText(path) else { throw ValidationError("cannot read \(path)") }
            text += t + "\n"
        }
        try writeReport(html, json: text)
    }
}

/// Writes the page for `json` to `path` (the `--html FILE` of conform and replay).
func writeReport(_ path: String, json: String) throws {
    do {
        try writeText(path, try HTMLReport.render(json: json))
    } catch let error as ReportError {
        throw ValidationError("results document: \(error)")
    }
}
