#if canImport(Glibc)
import Glibc

/// Processes the live harness starts, and only those: each one is its own process group, so
/// stopping it ends what it started (by its id), never anything found by name.
public struct LiveProcess: Sendable {
    public let pid: pid_t
    /// Grace between SIGTERM and SIGKILL when stopping.
    public static let stopGrace: Duration = .seconds(3)
    /// How long a hook (update, rename, withdraw, topology) may take.
    public static let hookTimeout: Duration = .seconds(20)

    /// Starts `argv` (looked up in PATH) with `environment` added, stdout and stderr to `log`.
    public static func spawn(_ argv: [String], environment: [String: String] = [:], log: String) throws(LiveError) -> LiveProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // The calling thread (a runner job) may block or ignore signals; a child inherits both, so
        // a SIGHUP (update) or SIGTERM (withdraw) hook would stay pending forever. Start it clean.
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attr, 0)
        var env = currentEnvironment()
        for (k, v) in environment { env[k] = v }
        let envStrings = env.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withCStrings(argv) { cargv in
            withCStrings(envStrings) { cenv in posix_spawnp(&pid, argv[0], &actions, &attr, cargv, cenv) }
        }
        guard rc == 0 else { throw LiveError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        return LiveProcess(pid: pid)
    }

    /// Runs `argv` to completion (at most `timeout`); returns its exit status (-1 when it had to be killed).
    @discardableResult
    public static func run(_ argv: [String], environment: [String: String] = [:], log: String,
                           timeout: Duration = hookTimeout) throws(LiveError) -> Int32 {
        let p = try spawn(argv, environment: environment, log: log)
        if let s = p.wait(timeout) { return s }
        p.stop()
        return -1
    }

    /// The exit status once the process has ended (128 + N for signal N, as a shell reports it),
    /// or nil while it runs (reaps it).
    public func exitStatus() -> Int32? {
        var raw: Int32 = 0
        let r = waitpid(pid, &raw, WNOHANG)
        if r == 0 { return nil }
        let status = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + raw & 0x7F
        if r == pid { Self.reaped.record(pid, status); return status }
        return Self.reaped.status(pid) ?? -1
    }

    public var isRunning: Bool { exitStatus() == nil }

    /// Waits up to `timeout` for the process to end.
    public func wait(_ timeout: Duration) -> Int32? {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if let s = exitStatus() { return s }
            usleep(20_000)
        }
        return exitStatus()
    }

    /// SIGTERM to its process group, then SIGKILL after `stopGrace`.
    public func stop(grace: Duration = stopGrace) {
        guard isRunning else { return }
        kill(-pid, SIGTERM)
        if wait(grace) != nil { return }
        kill(-pid, SIGKILL)
        _ = wait(.seconds(2))
    }

    /// Sends `signal` to the process itself.
    public func signal(_ s: Int32) { kill(pid, s) }

    /// Exit statuses of processes reaped by one call, for later ones.
    final class Reaped: @unchecked Sendable {
        var lock = pthread_mutex_t()
        var statuses: [pid_t: Int32] = [:]
        init() { pthread_mutex_init(&lock, nil) }
        func record(_ p: pid_t, _ s: Int32) { pthread_mutex_lock(&lock); statuses[p] = s; pthread_mutex_unlock(&lock) }
        func status(_ p: pid_t) -> Int32? { pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }; return statuses[p] }
    }
    static let reaped = Reaped()

    static func currentEnvironment() -> [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let e = p.pointee {
            let s = String(cString: e)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return out
    }

    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let cs = strings.map { strdup($0) }
        defer { cs.forEach { free($0) } }
        return (cs + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// What went wrong setting up or driving a live target.
public struct LiveError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Small file helpers (no Foundation).
enum LiveFiles {
    static func read(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func write(_ path: String, _ text: String) throws(LiveError) {
        guard let f = fopen(path, "w") else { throw LiveError("cannot write \(path)") }
        _ = text.withCString { fputs($0, f) }
        fclose(f)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func mkdirs(_ path: String) {
        var cur = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            cur += "/" + part
            mkdir(cur, 0o755)
        }
    }

    static var cwd: String {
        var buf = [CChar](repeating: 0, count: 4096)
        return getcwd(&buf, buf.count) != nil ? String(cString: buf) : "."
    }

    static func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : cwd + "/" + path }
}
#endif
