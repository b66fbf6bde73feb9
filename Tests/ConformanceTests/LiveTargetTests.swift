import DNSWire
@testable import MDNSConformance
import MDNSCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Live targets: adapter files, publication file, expected results")
struct LiveTargetTests {
    static let sample = """
    # a user's own implementation
    name: mine
    capabilities: updateRecords rename withdraw
    start: exec ./my-responder --host "$MDNS_HOST"
    ready: publishing
    update-txt: kill -HUP "$MDNS_PID"
    """

    @Test("an adapter file gives name, hooks and the capabilities its hooks back")
    func parseAdapter() throws {
        let a = try LiveAdapter.parse(Self.sample, directory: "/x")
        #expect(a.name == "mine")
        #expect(a.start == "exec ./my-responder --host \"$MDNS_HOST\"")
        #expect(a.ready == "publishing")
        #expect(a.withdraw == LiveAdapter.defaultWithdraw)
        // rename is declared but has no hook: not a capability
        #expect(a.effectiveCapabilities == [.updateRecords, .withdraw])
    }

    @Test("unknown keys, unknown capabilities and a missing start are errors, never ignored")
    func adapterErrors() {
        #expect(throws: LiveError.self) { try LiveAdapter.parse("name: x\nstart: y\nupdate_txt: z", directory: ".") }
        #expect(throws: LiveError.self) { try LiveAdapter.parse("name: x\nstart: y\ncapabilities: teleport", directory: ".") }
        #expect(throws: LiveError.self) { try LiveAdapter.parse("name: x", directory: ".") }
        #expect(throws: LiveError.self) { try LiveAdapter.parse("just words", directory: ".") }
        let big = String(repeating: "# padding\n", count: LiveAdapter.maxFileBytes / 10 + 1)
        #expect(throws: LiveError.self) { try LiveAdapter.parse(big + "name: x\nstart: y", directory: ".") }
    }

    @Test("the publication file has the host, then one tab-separated line per service")
    func publicationFile() {
        let p = Publication()
        #expect(LiveAdapter.publicationFile(p) == "host bct-host\nservice\tBonjour Service Name\t_http._tcp\t8080\t_printer\tpath=/\tv=1\n")
        let env = LiveAdapter.environment(p)
        #expect(env["MDNS_INSTANCE"] == "Bonjour Service Name")
        #expect(env["MDNS_TXT"] == "path=/\nv=1")
        #expect(env["MDNS_SUBTYPES"] == "_printer")
        #expect(LiveAdapter.publicationFile(Publication(services: [])) == "host bct-host\n")
    }

    static func result(_ id: String, _ v: Verdict) -> CaseResult {
        CaseResult(id: id, section: "RFC 6762 §8.1", title: "t", catalogue: [], verdict: v, summary: "s", evidence: [], targetTime: .zero)
    }

    @Test("a run differs from its expected results in either direction")
    func expectedResults() throws {
        let e = try ExpectedResults.parse("# known\nprobe fail never probes\nttl warn sends TTL 1\n")
        #expect(e.differences([Self.result("probe", .fail), Self.result("ttl", .warn), Self.result("any", .pass)]).isEmpty)
        // a known failure that now passes is a difference too
        #expect(e.differences([Self.result("probe", .pass)]).count == 1)
        #expect(e.differences([Self.result("any", .fail)]).count == 1)
        #expect(throws: LiveError.self) { try ExpectedResults.parse("probe broken") }
    }

    @Test("blessing keeps the reasons and the lines of cases not run")
    func bless() throws {
        let e = try ExpectedResults.parse("probe fail never probes\nother warn kept\n")
        let text = e.blessed([Self.result("probe", .fail), Self.result("new", .unsupported)], header: "h")
        #expect(text == "# h\nother warn kept\nprobe fail never probes\nnew unsupported s\n")
    }

    @Test("cases the live runner cannot run get unsupported with the reason, not a silent skip")
    func notLive() {
        let options = LiveRunner.Options(output: "/tmp/x")
        let querier = QuerierCatalogue.all[0]
        #expect(LiveRunner.notLive(querier, cost: .seconds(1), options: options)?.contains("querier") == true)
        let responder = ResponderCatalogue.all[0]
        #expect(LiveRunner.notLive(responder, cost: .seconds(5), options: options) == nil)
        #expect(LiveRunner.notLive(responder, cost: .seconds(600), options: options)?.contains("600 s") == true)
        // a target that publishes only services: host-only cases are unsupported, with the reason
        let servicesOnly = try! LiveAdapter.parse("name: x\nstart: y\nrequires-service: yes", directory: ".")
        let hostOnly = ResponderCatalogue.all.first { $0.publication.services.isEmpty }!
        #expect(LiveRunner.notLive(hostOnly, cost: .seconds(5), options: options, adapter: servicesOnly)?.contains("host name only") == true)
        #expect(LiveRunner.notLive(responder, cost: .seconds(5), options: options, adapter: servicesOnly) == nil)
        // a query hook makes the querier cases judged on the link run; those reading a cache stay unsupported
        let querying = try! LiveAdapter.parse("name: q\nstart: y\ncapabilities: query cacheReport\nquery: exec asker\nrequires-service: yes", directory: ".")
        #expect(LiveTarget.capabilities(of: querying).contains(.query))
        #expect(!LiveTarget.capabilities(of: querying).contains(.cacheReport))
        let onTheLink = QuerierCatalogue.all.first { $0.id == "rfc6762-5.2-first-query-delay" }!
        #expect(LiveRunner.notLive(onTheLink, cost: .seconds(1), options: options, adapter: querying) == nil)
        let readsCache = QuerierCatalogue.all.first { $0.id == "rfc6762-10-cache-ttl" }!
        #expect(LiveRunner.notLive(readsCache, cost: .seconds(1), options: options, adapter: querying)?.contains("cache") == true)
    }

    #if canImport(Glibc)
    @Test("a device starts with no signal blocked or ignored, whatever the spawning thread had")
    func spawnResetsSignals() throws {
        var blocked = sigset_t(), old = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGHUP)
        sigaddset(&blocked, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &blocked, &old)
        let oldHUP = signal(SIGHUP, SIG_IGN)
        defer { signal(SIGHUP, oldHUP); pthread_sigmask(SIG_SETMASK, &old, nil) }
        let log = "/tmp/mdns-live-spawn-\(getpid()).log"
        defer { unlink(log) }
        // SigBlk and SigIgn as the child sees them: SIGHUP is bit 0, SIGTERM bit 14
        let status = try LiveProcess.run(["grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"], log: log)
        #expect(status == 0)
        let text = LiveFiles.read(log) ?? ""
        let masks = text.split(separator: "\n").compactMap { line in UInt64(line.split(separator: "\t").last ?? "", radix: 16) }
        #expect(masks.count == 2)
        for m in masks { #expect(m & 0x4001 == 0, "SIGHUP or SIGTERM blocked/ignored in the child: \(text)") }
    }
    #endif
}
