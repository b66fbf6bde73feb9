import ArgumentParser
import MDNSReplay
import PCAP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode mDNS traffic in pcap/pcapng captures, or send it onto an interface.",
        discussion: """
        By default prints a summary per file: frames, mDNS messages (queries, responses), decode \
        errors by code with frame numbers, skipped frames, and the network as seen (hosts, service \
        types, instances, probes, goodbyes, conflicts). --transcript prints one canonical line per \
        message (for golden files); --json one JSON object per message. --inject IFACE sends the \
        captured datagrams onto IFACE (root; use a network namespace) with the original timing \
        (--speed 1), scaled (--speed N) or as fast as possible (--speed max). \
        Exit status 1 when a file cannot be read to its end.
        """
    )

    @Argument(help: "Capture files (pcap or pcapng).")
    var files: [String] = []

    @Flag(help: "One canonical line per message.")
    var transcript = false

    @Flag(help: "One JSON object per message.")
    var json = false

    @Option(help: "Send the mDNS datagrams onto this interface instead of printing.")
    var inject: String?

    @Option(help: "With --inject: 1 (original timing), N (N times faster) or max.")
    var speed: String = "1"

    @Option(help: "Write the project's synthetic captures into this directory (see Scripts/make-captures).")
    var writeSynthetic: String?

    @Flag(help: "Play the datagrams into a querier on the capture's clock and print what a browser would have seen (services, instances, hosts, addresses) and the engine's counters.")
    var engine = false

    func validate() throws {
        if transcript && json { throw ValidationError("--transcript and --json exclude each other") }
        if engine && (transcript || json || inject != nil) {
            throw ValidationError("--engine prints the browser's view; it does not combine with --transcript, --json or --inject")
        }
        if ReplayInjection.Speed(speed) == nil { throw ValidationError("--speed takes 1, a factor N > 0, or max") }
        if files.isEmpty && writeSynthetic == nil { throw ValidationError("give at least one capture file") }
    }

    func run() throws {
        if let dir = writeSynthetic {
            for line in try SyntheticCaptures.writeAll(to: dir) { print(line) }
            if files.isEmpty { return }
        }
        let tty = isatty(2) != 0
        var failed = false
        if let iface = inject {
            let sp = ReplayInjection.Speed(speed)!
            for f in files {
                let r = try ReplayInjection.run(path: f, interface: iface, speed: sp, progress: tty ? { n, read, size in
                    Self.progress("\(f): \(n) datagrams sent", read, size)
                } : nil)
                if tty { FileIO.stderr("\r\u{1B}[K") }
                print("\(f): sent \(r.datagrams) datagrams in \(r.frames) frames on \(iface) at speed \(sp)"
                      + (r.skipped.isEmpty ? "" : ", \(r.skipped.count) frames skipped"))
                if let e = r.fileError { FileIO.stderr("\(f): \(e)\n"); failed = true }
            }
            if failed { throw ExitCode(1) }
            return
        }
        if engine {
            var out = OutputBuffer()
            for f in files {
                let r = EngineReplay.run(path: f, emit: { out.write($0) })
                if r.fileError != nil { failed = true }
            }
            out.flush()
            if failed { throw ExitCode(1) }
            return
        }
        let mode: ReplayRunner.Mode = transcript ? .transcript : json ? .json : .summary
        var out = OutputBuffer()
        for f in files {
            let s = ReplayRunner.run(path: f, mode: mode, emit: { out.write($0) }, progress: tty ? { read, size in
                out.flush()
                Self.progress(f, read, size)
            } : nil)
            if tty { FileIO.stderr("\r\u{1B}[K") }
            if let e = s.fileError {
                failed = true
                if mode != .summary { FileIO.stderr("\(f): \(e)\n") }
            }
        }
        out.flush()
        if failed { throw ExitCode(1) }
    }

    static func progress(_ what: String, _ read: Int, _ size: Int?) {
        var s = "\r\u{1B}[K\(what): \(read / 1_000_000) MB"
        if let size, size > 0 { s += " of \(size / 1_000_000) MB (\(read * 100 / size)%)" }
        FileIO.stderr(s)
    }
}

/// Buffered stdout: output of millions of lines without a write per line.
struct OutputBuffer {
    var buffer: [UInt8] = []
    mutating func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }
    mutating func flush() {
        var off = 0
        while off < buffer.count {
            let n = buffer[off...].withUnsafeBytes { systemWrite(1, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            off += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer?, _ n: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, p, n)
    #else
    return Darwin.write(fd, p, n)
    #endif
}
