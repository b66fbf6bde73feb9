import ArgumentParser
import DNSWire
import MDNS
import MDNSCore

struct Browse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Browse for DNS-SD services on the link (like avahi-browse, dns-sd -B).",
        discussion: """
        One line per event: + added, - removed, = resolved, with interface, protocol, instance, \
        type and domain. -p prints avahi-browse's semicolon form (names escaped as \\032), --json \
        one object per line.

        Examples:
          mdns browse _http._tcp                 # until Ctrl-C
          mdns browse -rt _http._tcp             # resolve each, stop when the initial answers are in
          mdns browse -p --all                   # service types on the link (RFC 6763 §9)
          mdns browse --json --interface eth0 -4 _ipp._tcp
        """
    )

    @Argument(help: "Service type, e.g. _http._tcp.") var type: String?
    @Flag(name: [.short, .long], help: "Browse the service types on the link instead.") var all = false
    @Flag(name: [.customShort("r"), .long], help: "Resolve each instance (= lines with host, address, port, TXT).") var resolve = false
    @Flag(name: [.customShort("t"), .long], help: "Stop once the initial answers are in (1 s quiet, ≥ 1.5 s).") var terminate = false
    @Flag(name: [.customShort("p"), .long], help: "avahi-browse's parsable semicolon form.") var parsable = false
    @Flag(help: "One JSON object per line.") var json = false
    @Option(help: "Stop after this many seconds.") var timeout: Double?
    @OptionGroup var live: LiveOptions

    func validate() throws {
        if all == (type != nil) { throw ValidationError("give a service type or --all") }
    }

    func run() async throws {
        let style: OutputStyle = json ? .json : parsable ? .parsable : .text
        let driver = try await live.start()
        let activity = Activity()
        let consumer: Task<Void, Never>
        if all {
            let s = await driver.browseServiceTypes()
            consumer = Task { for await d in s { activity.touch(); print(d, style) } }
        } else {
            let s = await driver.browse(type ?? "")
            let resolve = resolve
            consumer = Task {
                var shown = Set<String>()
                for await d in s {
                    activity.touch()
                    guard case .event(let e) = d else { if case .refused(let r) = d { LiveExit.printError("mdns: \(r)") }; activity.finish(); continue }
                    let key = "\(e.instance.name)|\(e.interface.name)"
                    if e.change != .updated { for l in EventFormat.browseLines(e, resolved: false, style: style) { Out.line(l) } }
                    if e.change == .removed { shown.remove(key); continue }
                    guard resolve, e.instance.isResolved, e.change == .updated || !shown.contains(key) else { continue }
                    shown.insert(key)
                    for l in EventFormat.browseLines(e, resolved: true, style: style) { Out.line(l) }
                }
            }
        }
        _ = await StopCondition(timeout: timeout?.seconds, quiet: terminate ? .seconds(1) : nil).wait(activity)
        consumer.cancel()
        await driver.shutdown()
    }

    private func print(_ d: Delivery<ServiceTypeEvent>, _ style: OutputStyle) {
        switch d {
        case .event(let e): for l in EventFormat.serviceTypeLines(e, style: style) { Out.line(l) }
        case .refused(let r): LiveExit.printError("mdns: \(r)")
        }
    }
}
