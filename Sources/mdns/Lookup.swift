import ArgumentParser
import DNSWire
import MDNS
import MDNSCore

struct Lookup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look up a host's addresses (A/AAAA) by mDNS (like avahi-resolve -n).",
        discussion: """
        Prints "HOST<TAB>ADDRESS" per address as avahi-resolve does and exits 0 shortly after the \
        first answer; exits 1 when nothing answers before --timeout.

        Examples:
          mdns lookup printer.local
          mdns lookup -6 --json printer.local
        """
    )

    @Argument(help: "Host name, e.g. printer.local.") var host: String
    @Flag(help: "One JSON object per line.") var json = false
    @Option(help: "Give up after this many seconds.") var timeout: Double = 5
    @OptionGroup var live: LiveOptions

    func run() async throws {
        guard let name = try? DNSName(parsing: host) else { throw LiveExit.fail(MDNSError(.invalidName, "invalid host name \"\(host)\"")) }
        let driver = try await live.start()
        let activity = Activity(), found = Activity()
        let s = await driver.lookup(host: name)
        let json = json
        let consumer = Task {
            var seen = Set<String>()
            for await d in s {
                guard case .event(let e) = d, e.change == .added, let a = e.record.address, seen.insert(a.description).inserted else { continue }
                Out.line(json ? EventFormat.recordLine(e, style: .json) : "\(e.record.name)\t\(a)")
                if !found.isDone {
                    found.finish()
                    // Answers of the same response arrive together; give them a moment.
                    Task { try? await Task.sleep(for: .milliseconds(250)); activity.finish() }
                }
            }
            activity.finish()
        }
        _ = await StopCondition(timeout: timeout.seconds).wait(activity)
        consumer.cancel()
        await driver.shutdown()
        if !found.isDone { throw ExitCode(LiveExit.notFound) }
    }
}
