import DNSWire
import MDNSCore

/// How to drive one implementation as a device under test: an adapter file of `key: value`
/// lines (README "Live targets" documents the format). Hooks are shell commands run with `sh -c`
/// inside the device's network namespace, with the publication in MDNS_* variables and in the
/// file $MDNS_PUBLICATION.
public struct LiveAdapter: Sendable {
    public var name: String
    public var description: String
    /// Beyond what every live target has (IP headers, link bounce).
    public var capabilities: Set<TargetCapability>
    /// Long-running: must `exec` the implementation or stay up as long as it runs.
    public var start: String
    /// A line the implementation writes to stdout/stderr when it begins publishing; start waits for it.
    public var ready: String?
    public var updateTXT: String?
    public var rename: String?
    /// Long-running, one per question: makes the device ask $MDNS_QUERY_NAME / $MDNS_QUERY_TYPE
    /// (continuous when $MDNS_QUERY_CONTINUOUS is 1). Exit status 77: this question is not supported.
    public var query: String?
    /// A line the query hook prints once the question is asked; the case's clock starts there.
    public var queryReady: String?
    /// Default: SIGTERM to the implementation (most send goodbyes on the way out).
    public var withdraw: String
    /// A check run before anything else; a non-zero exit makes the target unavailable.
    public var check: String?
    /// How to get the implementation, shown when the check fails.
    public var install: String?
    /// The implementation cannot publish a host without a service (`requires-service: yes`).
    public var requiresService = false
    /// Directory of the adapter file ($MDNS_ADAPTER_DIR).
    public var directory: String

    public static let defaultWithdraw = "kill -TERM \"$MDNS_PID\""
    /// Longest adapter file read.
    public static let maxFileBytes = 65536

    public init(name: String, description: String = "", capabilities: Set<TargetCapability> = [], start: String,
                ready: String? = nil, updateTXT: String? = nil, rename: String? = nil, withdraw: String = defaultWithdraw,
                check: String? = nil, install: String? = nil, directory: String = ".") {
        self.name = name; self.description = description; self.capabilities = capabilities; self.start = start
        self.ready = ready; self.updateTXT = updateTXT; self.rename = rename; self.withdraw = withdraw
        self.check = check; self.install = install; self.directory = directory
    }

    /// Parses an adapter file. Unknown keys and capabilities are errors, so a typo never silently
    /// turns a capability off.
    public static func parse(_ text: String, directory: String) throws(LiveError) -> LiveAdapter {
        guard text.utf8.count <= maxFileBytes else { throw LiveError("adapter file over \(maxFileBytes) bytes") }
        var fields: [String: String] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else { throw LiveError("adapter line \(n + 1): expected 'key: value'") }
            let key = String(line[..<colon])
            guard Self.keys.contains(key) else { throw LiveError("adapter line \(n + 1): unknown key '\(key)' (keys: \(Self.keys.joined(separator: ", ")))") }
            fields[key] = String(line[line.index(after: colon)...].drop { $0 == " " })
        }
        guard let name = fields["name"], !name.isEmpty else { throw LiveError("adapter file has no 'name:'") }
        guard let start = fields["start"], !start.isEmpty else { throw LiveError("adapter \(name) has no 'start:'") }
        var caps: Set<TargetCapability> = []
        for word in (fields["capabilities"] ?? "").split(separator: " ") {
            guard let c = TargetCapability(rawValue: String(word)) else { throw LiveError("adapter \(name): unknown capability '\(word)'") }
            caps.insert(c)
        }
        var a = LiveAdapter(name: name, description: fields["description"] ?? "", capabilities: caps, start: start,
                           ready: fields["ready"], updateTXT: fields["update-txt"], rename: fields["rename"],
                           withdraw: fields["withdraw"] ?? defaultWithdraw, check: fields["check"], install: fields["install"],
                           directory: directory)
        a.requiresService = fields["requires-service"] == "yes"
        a.query = fields["query"]
        a.queryReady = fields["query-ready"]
        return a
    }

    static let keys = ["name", "description", "capabilities", "start", "ready", "update-txt", "rename", "withdraw", "check", "install", "requires-service", "query", "query-ready"]

    /// The capabilities the hooks back: a declared capability without its hook is dropped.
    public var effectiveCapabilities: Set<TargetCapability> {
        var c = capabilities
        if updateTXT == nil { c.remove(.updateRecords) }
        if rename == nil { c.remove(.rename) }
        if query == nil { c.remove(.query) }
        // no hook reports a live device's cache
        c.remove(.cacheReport)
        return c
    }

    /// The publication as a file: `host LABEL`, then per service
    /// `service<TAB>INSTANCE<TAB>TYPE<TAB>PORT<TAB>SUBTYPES(comma)<TAB>TXT1<TAB>TXT2...`.
    public static func publicationFile(_ p: Publication) -> String {
        var out = "host \(p.hostLabel)\n"
        for s in p.services {
            out += (["service", s.instance, s.type, String(s.port), s.subtypes.joined(separator: ",")] + txtStrings(s.txt)).joined(separator: "\t") + "\n"
        }
        return out
    }

    /// MDNS_* variables: the host label, and the first service (most implementations publish one).
    public static func environment(_ p: Publication) -> [String: String] {
        var env = ["MDNS_HOST": p.hostLabel, "MDNS_SERVICES": String(p.services.count)]
        if let s = p.services.first {
            env["MDNS_INSTANCE"] = s.instance
            env["MDNS_TYPE"] = s.type
            env["MDNS_PORT"] = String(s.port)
            env["MDNS_SUBTYPES"] = s.subtypes.joined(separator: ",")
            env["MDNS_TXT"] = txtStrings(s.txt).joined(separator: "\n")
        }
        return env
    }

    /// "key=value" (or "key" for a boolean attribute) per TXT entry (RFC 6763 §6.4).
    static func txtStrings(_ t: TXT) -> [String] {
        t.entries.map { e in String(decoding: e.key, as: UTF8.self) + (e.value.map { "=" + String(decoding: $0, as: UTF8.self) } ?? "") }
    }
}

#if canImport(Glibc)
import Glibc

extension LiveAdapter {
    /// Where the built-in adapters live, under the repository.
    public static let directoryInRepository = "Scripts/targets"

    /// `NAME` (a built-in adapter, Scripts/targets/NAME.target), `command:FILE` (an adapter file)
    /// or `command:'CMD'` (a start command and nothing else: no updates, renames; withdraw by SIGTERM).
    public static func resolve(_ spec: String, repo: String) throws(LiveError) -> LiveAdapter {
        let adapter: LiveAdapter
        if spec.hasPrefix("command:") {
            let arg = String(spec.dropFirst("command:".count))
            if LiveFiles.exists(arg), let text = LiveFiles.read(arg) {
                let path = LiveFiles.absolute(arg)
                adapter = try parse(text, directory: String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]))
            } else {
                guard !arg.isEmpty else { throw LiveError("command: needs an adapter file or a start command") }
                adapter = LiveAdapter(name: "command", description: arg, start: arg, directory: LiveFiles.cwd)
            }
        } else {
            let dir = repo + "/" + directoryInRepository
            guard let text = LiveFiles.read(dir + "/" + spec + ".target") else {
                throw LiveError("unknown target '\(spec)': targets are engine, \(builtIn(repo: repo).joined(separator: ", ")), or command:FILE|'CMD'")
            }
            adapter = try parse(text, directory: dir)
        }
        let env = ["MDNS_REPO": repo, "MDNS_ADAPTER_DIR": adapter.directory, "MDNS_BIN": LiveTarget.executable]
        if let check = adapter.check, (try? LiveProcess.run(["sh", "-c", check], environment: env, log: "/dev/null")) != 0 {
            throw LiveError("target \(adapter.name) is not available here (check failed: \(check))" + (adapter.install.map { "; \($0)" } ?? ""))
        }
        return adapter
    }

    /// Names of the adapter files in Scripts/targets.
    public static func builtIn(repo: String) -> [String] {
        guard let d = opendir(repo + "/" + directoryInRepository) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".target") { out.append(String(name.dropLast(".target".count))) }
        }
        return out.sorted()
    }
}
#endif
