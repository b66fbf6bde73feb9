import ArgumentParser
import DNSWire
import Dispatch
import Glibc
import Logging
import MDNS
import MDNSTransport
import Synchronization

/// Options every live command shares (browse, resolve, lookup, query, publish).
struct LiveOptions: ParsableArguments {
    @Option(name: .customLong("interface"), help: "Use only this interface (repeatable; loopback allowed when named).")
    var interfaces: [String] = []

    @Flag(name: .customShort("4"), help: "IPv4 only.")
    var ipv4Only = false

    @Flag(name: .customShort("6"), help: "IPv6 only.")
    var ipv6Only = false

    @Flag(name: .shortAndLong, help: "Log at debug level to stderr (same as --log-level debug).")
    var verbose = false

    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    @Option(help: "This host's name label (default: the system host name).")
    var hostname: String?

    func validate() throws {
        if ipv4Only && ipv6Only { throw ValidationError("-4 and -6 exclude each other") }
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("unknown log level \"\(logLevel)\"") }
    }

    /// Builds driver options and sends logs to stderr at the chosen level.
    func driverOptions() -> MDNSOptions {
        let level = verbose ? .debug : Logger.Level(rawValue: logLevel) ?? .warning
        var o = MDNSOptions()
        o.interfaceNames = interfaces
        o.families = ipv4Only ? [.ipv4] : ipv6Only ? [.ipv6] : [.ipv4, .ipv6]
        o.hostName = hostname
        o.makeLogger = { label in
            var l = Logger(label: label, factory: { StreamLogHandler.standardError(label: $0) })
            l.logLevel = level
            return l
        }
        return o
    }

    /// Starts the driver, or exits with a clear message and status (see `LiveExit`).
    func start() async throws -> MDNSDriver {
        do {
            return try await MDNSDriver(options: driverOptions())
        } catch {
            throw LiveExit.fail(error)
        }
    }
}

/// Exit statuses of the live commands (sysexits.h).
enum LiveExit {
    /// Nothing found before the timeout.
    static let notFound: Int32 = 1
    /// EX_DATAERR: invalid name or TXT.
    static let invalidInput: Int32 = 65
    /// EX_UNAVAILABLE: no multicast interface.
    static let unavailable: Int32 = 69
    /// EX_OSERR: sockets failed otherwise.
    static let osError: Int32 = 71
    /// EX_NOPERM: binding :5353 or joining the group was refused.
    static let noPermission: Int32 = 77

    static func fail(_ e: MDNSError) -> ExitCode {
        printError("mdns: \(e.code.rawValue): \(e.reason)")
        switch e.code {
        case .noMulticastInterface: return ExitCode(unavailable)
        case .permissionDenied: return ExitCode(noPermission)
        case .invalidName, .invalidTXT, .refused: return ExitCode(invalidInput)
        case .addressInUse, .transport: return ExitCode(osError)
        }
    }

    static func printError(_ s: String) { FileIO.stderr(s + "\n") }
}

/// Line-buffered stdout, so piped output (tests, `| grep`) appears as each event happens.
enum Out {
    static func line(_ s: String) {
        var text = s + "\n"
        text.withUTF8 { b in
            var off = 0
            while off < b.count {
                let n = write(1, b.baseAddress! + off, b.count - off)
                if n <= 0 { return }
                off += n
            }
        }
    }
}

/// Waits for SIGINT or SIGTERM (Ctrl-C, kill): the live commands then say goodbye and exit 0.
enum Signals {
    static func wait() async {
        let queue = DispatchQueue(label: "mdns.signals")
        let sources = [SIGINT, SIGTERM].map { s -> any DispatchSourceSignal in
            signal(s, SIG_IGN)
            return DispatchSource.makeSignalSource(signal: s, queue: queue)
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let once = ResumeOnce(c)
            for src in sources {
                src.setEventHandler { once.resume() }
                src.resume()
            }
        }
        for src in sources { src.cancel() }
    }

    final class ResumeOnce: Sendable {
        let c: Mutex<CheckedContinuation<Void, Never>?>
        init(_ c: CheckedContinuation<Void, Never>) { self.c = Mutex(c) }
        func resume() { c.withLock { $0?.resume(); $0 = nil } }
    }
}
