#if canImport(Glibc)
import Glibc
import DNSWire
import MDNSCore
import PCAP

/// One case's link: a device-under-test namespace (PREFIX1, veth1) and a tester namespace
/// (PREFIX2, veth2) on one bridge, built by Scripts/lib/netns.sh. The device's netns.sh addresses
/// are replaced by the simulated link's (169.254.1.1, fe80::1, besides its own fe80:: address) and
/// the tester gets 169.254.200.10 and .20, so every case runs unchanged and the tester owns the addresses the
/// cases send from: the device's unicast replies find them (ARP). The tester injects frames from
/// any source and captures everything on its veth.
public final class LiveLink {
    public let prefix: String
    public let repo: String
    public var dutNamespace: String { prefix + "1" }
    public var testerNamespace: String { prefix + "2" }
    public static let dutInterface = "veth1"
    public static let testerInterface = "veth2"
    /// Inside each namespace the veth has index 2 (netns.sh).
    public static let interfaceIndex = 2
    /// The simulated link's addresses (EngineTarget, CaseContext.tester and .otherPeer).
    public static let dutAddress4 = IPv4Address(169, 254, 1, 1)
    public static let dutAddress6 = IPv6Address("fe80::1")!
    public static let testerAddresses4 = [IPv4Address(169, 254, 200, 10), IPv4Address(169, 254, 200, 20)]
    public private(set) var dutMAC: [UInt8] = []
    public private(set) var testerMAC: [UInt8] = []
    var up = false

    public init(prefix: String, repo: String) {
        self.prefix = prefix
        self.repo = repo
    }

    /// The repository root: $MDNS_REPO, or the first directory holding Scripts/lib/netns.sh
    /// above the working directory or above the executable.
    public static func findRepository() -> String? {
        if let r = getenv("MDNS_REPO").map({ String(cString: $0) }), LiveFiles.exists(r + "/Scripts/lib/netns.sh") { return r }
        var starts = [LiveFiles.cwd]
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        if n > 0 { starts.append(String(cString: buf)) }
        for s in starts {
            var dir = s
            while !dir.isEmpty && dir != "/" {
                if LiveFiles.exists(dir + "/Scripts/lib/netns.sh") { return dir }
                dir = String(dir[..<(dir.lastIndex(of: "/") ?? dir.startIndex)])
            }
        }
        return nil
    }

    /// Builds the two namespaces; removes leftovers of the same prefix first.
    public func bringUp(log: String) throws(LiveError) {
        let script = """
        set -e; . "\(repo)/Scripts/lib/netns.sh"; netns_down \(prefix); netns_up \(prefix) 2
        ip -n \(dutNamespace) addr del 10.53.0.1/24 dev \(Self.dutInterface)
        ip -n \(dutNamespace) addr del fd53::1/64 dev \(Self.dutInterface)
        ip -n \(dutNamespace) addr add \(Self.dutAddress4)/16 dev \(Self.dutInterface)
        ip -n \(dutNamespace) addr add \(Self.dutAddress6)/64 dev \(Self.dutInterface) nodad
        # removing 10.53.0.1 took netns.sh's multicast route with it (senders without IP_MULTICAST_IF)
        ip -n \(dutNamespace) route replace 224.0.0.0/4 dev \(Self.dutInterface)
        \(Self.testerAddresses4.map { "ip -n \(testerNamespace) addr add \($0)/16 dev \(Self.testerInterface)" }.joined(separator: "\n"))
        """
        up = true
        guard try LiveProcess.run(["bash", "-c", script], log: log) == 0 else {
            throw LiveError("network namespaces \(prefix)1/\(prefix)2 could not be built (see \(log)); this needs root and iproute2")
        }
        dutMAC = try mac(dutNamespace, Self.dutInterface, log: log)
        testerMAC = try mac(testerNamespace, Self.testerInterface, log: log)
    }

    public func tearDown(log: String) {
        guard up else { return }
        up = false
        _ = try? LiveProcess.run(["bash", "-c", ". \"\(repo)/Scripts/lib/netns.sh\"; netns_down \(prefix)"], log: log)
    }

    /// `ip -n NS -o link show IF` → its Ethernet address.
    func mac(_ ns: String, _ ifname: String, log: String) throws(LiveError) -> [UInt8] {
        let out = try capture(["ip", "-n", ns, "-o", "link", "show", ifname], log: log)
        guard let r = out.firstRange(of: "link/ether ") else { throw LiveError("no Ethernet address on \(ns)/\(ifname)") }
        let hex = out[r.upperBound...].prefix(17).split(separator: ":").compactMap { UInt8($0, radix: 16) }
        guard hex.count == 6 else { throw LiveError("bad Ethernet address on \(ns)/\(ifname)") }
        return hex
    }

    /// Runs `argv` and returns its stdout.
    func capture(_ argv: [String], log: String) throws(LiveError) -> String {
        let tmp = log + ".out"
        unlink(tmp)
        _ = try LiveProcess.run(argv, log: tmp)
        let s = LiveFiles.read(tmp) ?? ""
        unlink(tmp)
        return s
    }

    /// Runs `body` on this thread inside the tester's network namespace, then returns to the
    /// original one: packet sockets opened in `body` stay in the tester's namespace.
    public func inTesterNamespace<R>(_ body: () throws(PCAPError) -> R) throws(LiveError) -> R {
        let original = open("/proc/thread-self/ns/net", O_RDONLY)
        let target = open("/run/netns/" + testerNamespace, O_RDONLY)
        defer { if original >= 0 { close(original) }; if target >= 0 { close(target) } }
        guard original >= 0, target >= 0 else { throw LiveError("cannot open the network namespace \(testerNamespace)") }
        guard setns(target, Self.cloneNewNet) == 0 else { throw LiveError("setns \(testerNamespace): \(String(cString: strerror(errno)))") }
        defer { _ = setns(original, Self.cloneNewNet) }
        do { return try body() } catch { throw LiveError("\(testerNamespace): \(error)") }
    }

    /// CLONE_NEWNET (linux/sched.h).
    static let cloneNewNet: Int32 = 0x4000_0000

    /// setns(2): glibc declares it only under _GNU_SOURCE, so it is looked up once.
    static let setnsFunction: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let h = dlopen(nil, RTLD_NOW), let f = dlsym(h, "setns") else { return nil }
        return unsafeBitCast(f, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()

    func setns(_ fd: Int32, _ type: Int32) -> Int32 {
        guard let f = Self.setnsFunction else { errno = ENOSYS; return -1 }
        return f(fd, type)
    }
}
#endif
