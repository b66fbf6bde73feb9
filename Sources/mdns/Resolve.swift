import ArgumentParser
import DNSWire
import MDNS
import MDNSCore

struct Resolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resolve one service instance: host, addresses, port, TXT (like avahi-resolve, dns-sd -L).",
        discussion: """
        Prints = lines as browse -r does and exits 0 once resolved; exits 1 when nothing answers \
        before --timeout.

        Examples:
          mdns resolve "My Web._http._tcp.local"
          mdns resolve -p --timeout 2 Printer._ipp._tcp.local
        """
    )

    @Argument(help: "Instance.Type.Domain, e.g. \"My Web._http._tcp.local\".") var instance: String
    @Flag(name: [.customShort("p"), .long], help: "avahi's parsable semicolon form.") var parsable = false
    @Flag(help: "One JSON object per line.") var json = false
    @Option(help: "Give up after this many seconds.") var timeout: Double = 5
    @OptionGroup var live: LiveOptions

    func run() async throws {
        let style: OutputStyle = json ? .json : parsable ? .parsable : .text
        guard let name = ServiceNames.instance(instance) else {
            throw LiveExit.fail(MDNSError(.invalidName, "invalid instance name \"\(instance)\" (Instance._type._proto.local)"))
        }
        let driver = try await live.start()
        let activity = Activity()
        let s = await driver.resolve(name)
        let consumer = Task {
            for await d in s {
                guard case .event(let e) = d, e.change != .removed, e.instance.isResolved else { continue }
                for l in EventFormat.browseLines(e, resolved: true, style: style) { Out.line(l) }
                activity.finish()
            }
        }
        let why = await StopCondition(timeout: timeout.seconds).wait(activity)
        consumer.cancel()
        await driver.shutdown()
        if why != .done && !activity.isDone { throw ExitCode(LiveExit.notFound) }
    }
}
