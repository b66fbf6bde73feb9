import ArgumentParser
import DNSWire
import MDNS
import MDNSCore

struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish a DNS-SD service (or only a host's addresses) and stay up (like avahi-publish -s / -a, dns-sd -R).",
        discussion: """
        Prints probing, registered (per interface), lost tiebreak, conflict and renamed lines. \
        Ctrl-C or SIGTERM sends goodbyes (RFC 6762 §10.1) and exits 0. Invalid names or TXT exit 65, \
        no multicast interface 69, no permission 77.

        Examples:
          mdns publish "My Web" _http._tcp 8080 path=/ version=2
          mdns publish Printer _ipp._tcp 631 --subtype _universal rp=ipp/print
          mdns publish Camera _rtsp._tcp 554 --host cam --address 10.0.0.7   # a proxy record for another host
          mdns publish --host cam --address 10.0.0.7                         # the host's address records only
        """
    )

    @Argument(help: "Instance name (any UTF-8, up to 63 bytes); omit NAME TYPE PORT to publish only --host's addresses.") var name: String?
    @Argument(help: "Service type, e.g. _http._tcp.") var type: String?
    @Argument(help: "Port.") var port: UInt16?
    @Argument(help: "TXT attributes key=value (or a bare key).") var txt: [String] = []
    @Option(help: "Subtype label, e.g. _printer (repeatable).") var subtype: [String] = []
    @Option(help: "SRV target host label (with --address: a host this command publishes A/AAAA for).") var host: String?
    @Option(help: "Address of --host (repeatable; IPv4 or IPv6).") var address: [String] = []
    @Flag(name: [.customShort("p"), .long], help: "Semicolon-separated event lines.") var parsable = false
    @Flag(help: "One JSON object per line.") var json = false
    @Option(help: "Withdraw and exit after this many seconds.") var timeout: Double?
    @Option(help: "Publish COUNT instances, NAME 1 ... NAME COUNT (load tests).") var count: Int = 1
    @OptionGroup var live: LiveOptions

    func validate() throws {
        if !address.isEmpty && host == nil { throw ValidationError("--address needs --host") }
        if count < 1 { throw ValidationError("--count must be at least 1") }
        if name == nil && address.isEmpty { throw ValidationError("give NAME TYPE PORT, or --host with --address for a host alone") }
        if name != nil && (type == nil || port == nil) { throw ValidationError("NAME needs TYPE and PORT") }
    }

    func run() async throws {
        let style: OutputStyle = json ? .json : parsable ? .parsable : .text
        let txtRecord = try TXTInput.parse(txt)
        let hostName = try host.map { h throws -> DNSName in
            guard let n = try? DNSName.local.prepending(h) else { throw LiveExit.fail(MDNSError(.invalidName, "invalid host \"\(h)\"")) }
            return n
        }
        let records = try address.map { a throws -> ResourceRecord in
            guard let n = hostName else { throw ValidationError("--address needs --host") }
            if let v4 = IPv4Address(a) { return ResourceRecord(name: n, cacheFlush: true, ttl: RFC6762.hostRecordTTL, rdata: .a(v4)) }
            if let v6 = IPv6Address(a) { return ResourceRecord(name: n, cacheFlush: true, ttl: RFC6762.hostRecordTTL, rdata: .aaaa(v6)) }
            throw LiveExit.fail(MDNSError(.invalidName, "invalid address \"\(a)\""))
        }
        let driver = try await live.start()
        var regs: [MDNS.Registration] = []
        do {
            if !records.isEmpty { regs.append(try await driver.register(.records(RecordRegistration(records: records, unique: true)))) }
            for i in 1...count {
                guard let name, let type, let port else { break }
                let instance = count == 1 ? name : "\(name) \(i)"
                let service = ServiceRegistration(instance: instance, type: type, port: port, txt: txtRecord, subtypes: subtype, host: hostName)
                regs.append(try await driver.register(service))
            }
        } catch {
            await driver.shutdown()
            throw LiveExit.fail(error)
        }
        let printer = Task {
            await withTaskGroup(of: Void.self) { g in
                for r in regs { g.addTask { for await e in r.events { Out.line(EventFormat.registrationLine(e, style: style)) } } }
            }
        }
        _ = await StopCondition(timeout: timeout?.seconds).wait(Activity())
        await driver.shutdown()
        _ = await printer.value
    }
}

/// `key=value` arguments as a TXT record (RFC 6763 §6).
enum TXTInput {
    static func parse(_ args: [String]) throws -> TXT {
        if args.isEmpty { return .empty }
        var pairs: [(String, String?)] = []
        for a in args {
            let parts = a.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            // RFC 6763 §6.4: the key is at least one printable US-ASCII character other than '='.
            guard !key.isEmpty, key.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else {
                throw LiveExit.fail(MDNSError(.invalidTXT, "invalid TXT key in \"\(a)\" (RFC 6763 §6.4: printable ASCII, not empty)"))
            }
            // RFC 6763 §6.1: each string is at most 255 bytes.
            guard a.utf8.count <= 255 else { throw LiveExit.fail(MDNSError(.invalidTXT, "TXT string longer than 255 bytes: \"\(key)=...\"")) }
            pairs.append((key, parts.count > 1 ? String(parts[1]) : nil))
        }
        return TXT(pairs)
    }
}
