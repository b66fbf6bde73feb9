import DNSWire
import PCAP

/// `mdns replay`: reads captures and writes a summary, a transcript or JSON lines.
public enum ReplayRunner {
    public enum Mode: String, Sendable, CaseIterable { case summary, transcript, json }

    /// Frames between two progress callbacks.
    public static let progressInterval = 16_384

    /// Replays one file. `emit` gets output text (lines end with a newline); `progress` gets
    /// (bytes read, file size) now and then. Returns the summary (with `fileError` set when the
    /// file broke off or could not be opened).
    @discardableResult
    public static func run(path: String, displayName: String? = nil, mode: Mode,
                           emit: (String) -> Void, progress: ((Int, Int?) -> Void)? = nil) -> CaptureSummary {
        let name = displayName ?? path
        var summary = CaptureSummary(file: name)
        let source: ReplaySource
        do throws(PCAPError) { source = try ReplaySource(path: path) } catch {
            summary.fileError = error
            switch mode {
            case .summary: emit(summary.text)
            case .transcript: emit(Transcript.skipped(error) + "\n")
            case .json: emit(MessageJSON.skipped(error, file: name).text + "\n")
            }
            return summary
        }
        var origin: Timestamp? = nil
        var lastProgress = 0
        while true {
            // Datagrams undecoded: the summary reads the parser's views, and only the
            // transcript and JSON decode each message into owned values.
            let event: DatagramReader.Event?
            do throws(PCAPError) { event = try source.reader.next() } catch {
                summary.fileError = error
                if mode == .transcript { emit(Transcript.skipped(error) + "\n") }
                if mode == .json { emit(MessageJSON.skipped(error, file: name).text + "\n") }
                break
            }
            guard let event else { break }
            switch event {
            case .datagram(let d):
                if origin == nil { origin = d.timestamp }
                summary.add(d)
                switch mode {
                case .summary: break
                case .transcript: emit(Transcript.line(ReplayMessage(d), origin: origin!) + "\n")
                case .json: emit(MessageJSON.object(ReplayMessage(d), file: name, origin: origin!).text + "\n")
                }
            case .skipped(let e):
                summary.add(skipped: e)
                if mode == .transcript { emit(Transcript.skipped(e) + "\n") }
                if mode == .json { emit(MessageJSON.skipped(e, file: name).text + "\n") }
            }
            if let progress, source.framesRead - lastProgress >= progressInterval {
                lastProgress = source.framesRead
                progress(source.bytesRead, source.fileSize)
            }
        }
        summary.frames = source.framesRead
        if mode == .summary { emit(summary.text) }
        return summary
    }

    /// The whole output for one file as a string (tests and goldens).
    public static func render(path: String, displayName: String? = nil, mode: Mode) -> String {
        var out = ""
        run(path: path, displayName: displayName, mode: mode, emit: { out += $0 })
        return out
    }
}
