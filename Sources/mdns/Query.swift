import ArgumentParser
import DNSWire
import MDNS
import MDNSCore

struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask one mDNS question: one-shot (RFC 6762 §5.1) or continuous (§5.2).",
        discussion: """
        Prints "+ IFACE NAME TTL TYPE DATA" per answer (- when it leaves with --continuous). One-shot \
        collects answers for three seconds; exits 1 when none came.

        Examples:
          mdns query _http._tcp.local PTR
          mdns query printer.local AAAA --timeout 1
          mdns query --continuous --json _services._dns-sd._udp.local PTR
        """
    )

    @Argument(help: "Name, e.g. printer.local.") var name: String
    @Argument(help: "Type mnemonic (A, AAAA, PTR, SRV, TXT, ANY ...) or a number.") var type: String
    @Flag(help: "Keep asking (§5.2) until Ctrl-C or --timeout.") var continuous = false
    @Flag(name: [.customShort("p"), .long], help: "Semicolon-separated lines.") var parsable = false
    @Flag(help: "One JSON object per line.") var json = false
    @Option(help: "Stop after this many seconds.") var timeout: Double?
    @OptionGroup var live: LiveOptions

    func run() async throws {
        let style: OutputStyle = json ? .json : parsable ? .parsable : .text
        guard let n = try? DNSName(parsing: name) else { throw LiveExit.fail(MDNSError(.invalidName, "invalid name \"\(name)\"")) }
        guard let t = RRType(mnemonic: type.uppercased()) ?? UInt16(type).map({ RRType($0) }) else {
            throw ValidationError("unknown type \"\(type)\"")
        }
        let driver = try await live.start()
        let activity = Activity(), found = Activity()
        let s = await driver.query(n, t, continuous: continuous)
        let consumer = Task {
            for await d in s {
                switch d {
                case .event(let e): found.finish(); Out.line(EventFormat.recordLine(e, style: style))
                case .refused(let r): LiveExit.printError("mdns: \(r)")
                }
            }
            activity.finish()
        }
        _ = await StopCondition(timeout: timeout?.seconds).wait(activity)
        consumer.cancel()
        await driver.shutdown()
        if !found.isDone { throw ExitCode(LiveExit.notFound) }
    }
}
