import DNSWire
import Foundation
@testable import MDNSReplay
import PCAP
import Testing
#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("setns") func sys_setns(_ fd: Int32, _ nstype: Int32) -> Int32
let cloneNewNet: Int32 = 0x4000_0000

enum Namespaces {
    static var available: Bool { getuid() == 0 && which("ip") != nil && which("python3") != nil }
    static let skipMessage: Comment = "needs root, ip(8) and python3 to create network namespaces: skipped"

    /// Runs `body` on a fresh thread moved into network namespace `ns`; the thread (and its
    /// namespace membership) ends with `body`. Sockets opened there belong to `ns`.
    static func onThread(in ns: String, _ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        let t = Thread {
            let fd = open("/var/run/netns/\(ns)", O_RDONLY)
            if fd >= 0, sys_setns(fd, cloneNewNet) == 0 { close(fd); body() } else { if fd >= 0 { close(fd) } }
            done.signal()
        }
        t.start()
        return done
    }
}

final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ v: T) { value = v }
    func with<R>(_ f: (inout T) -> R) -> R { lock.lock(); defer { lock.unlock() }; return f(&value) }
}

/// Receives mDNS on both families in a namespace and prints "source hex" per datagram.
let listenerScript = """
import socket, struct, sys, select, time
idx = socket.if_nametoindex(sys.argv[1]); expected = int(sys.argv[2])
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s4.bind(('0.0.0.0', 5353))
s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack('4s4si', socket.inet_aton('224.0.0.251'), b'\\0' * 4, idx))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s6.bind(('::', 5353))
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, 'ff02::fb') + struct.pack('@I', idx))
print('ready', flush=True)
got = 0; deadline = time.time() + 20
while got < expected and time.time() < deadline:
    r, _, _ = select.select([s4, s6], [], [], max(0, deadline - time.time()))
    for s in r:
        data, addr = s.recvfrom(65535)
        print(addr[0].split('%')[0], data.hex(), flush=True)
        got += 1
"""

@Suite("Injection between network namespaces (root)", .serialized)
struct InjectionTests {
    /// mDNS, plus IPv4 and IPv6 fragments (only the first one carries the UDP header).
    static let filter = "udp port 5353 or (ip and ip[6:2] & 0x3fff != 0) or (ip6 and ip6[6] == 44)"

    @Test(.enabled(if: Namespaces.available, Namespaces.skipMessage))
    func listenerReceivesEveryDatagramInOrder() throws {
        let ip = which("ip")!
        let a = "mdnsrpl\(getpid())a", b = "mdnsrpl\(getpid())b"
        let setup: [[String]] = [
            ["netns", "add", a], ["netns", "add", b],
            ["-n", a, "link", "add", "vrA", "type", "veth", "peer", "name", "vrB", "netns", b],
            ["-n", a, "link", "set", "lo", "up"], ["-n", b, "link", "set", "lo", "up"],
            ["-n", a, "link", "set", "vrA", "up"], ["-n", b, "link", "set", "vrB", "up"],
            ["-n", a, "addr", "add", "10.53.99.1/24", "dev", "vrA"], ["-n", b, "addr", "add", "10.53.99.2/24", "dev", "vrB"],
            ["netns", "exec", b, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.vrB.rp_filter=0"],
        ]
        var listener: Process? = nil
        defer {
            if let l = listener, l.isRunning { l.terminate(); l.waitUntilExit() }   // our own child, by PID
            _ = try? run(ip, ["netns", "del", a])
            _ = try? run(ip, ["netns", "del", b])
        }
        for args in setup {
            let (st, _, err) = try run(ip, args)
            try #require(st == 0, "ip \(args.joined(separator: " ")): \(err)")
        }
        if let ethtool = which("ethtool") {
            // Real checksums on veth (no offload), as ECOSYSTEM.md §5 advises for captures and replays.
            _ = try run(ip, ["netns", "exec", a, ethtool, "-K", "vrA", "tx", "off"])
            _ = try run(ip, ["netns", "exec", b, ethtool, "-K", "vrB", "tx", "off"])
        }

        let files = ["probe-announce.pcap", "fragmented.pcap", "vlan.pcap"].map { Paths.captures + "/" + $0 }
        var expected: [UDPDatagram] = []
        for f in files {
            let r = try DatagramReader(path: f, portFilter: PacketDecoder.mdnsFilter)
            while let e = try r.next() { if case .datagram(let d) = e { expected.append(d) } }
        }
        #expect(expected.count == 13)

        // Listener in B (python sockets): the kernel checks IP/UDP checksums and reassembles fragments.
        let l = Process()
        l.executableURL = URL(fileURLWithPath: ip)
        l.arguments = ["netns", "exec", b, which("python3")!, "-c", listenerScript, "vrB", String(expected.count)]
        let pipe = Pipe()
        l.standardOutput = pipe
        try l.run()
        listener = l
        let handle = pipe.fileHandleForReading
        var buffered = Data()
        while !buffered.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffered += chunk
        }
        try #require(String(decoding: buffered, as: UTF8.self).hasPrefix("ready"), "listener did not start")

        // Live capture in B with a BPF filter, through PCAP, at the same time.
        let captured = Locked<[UDPDatagram]>([])
        let captureReady = DispatchSemaphore(value: 0)
        let count = expected.count
        let captureDone = Namespaces.onThread(in: b) {
            guard let cap = try? LiveCapture(interface: "vrB", filter: InjectionTests.filter, timeoutMilliseconds: 100) else { captureReady.signal(); return }
            captureReady.signal()
            var decoder = PacketDecoder()
            var idle = 0
            while idle < 50 && captured.with({ $0.count }) < count {
                guard let frame = try? cap.next() else { idle += 1; continue }
                if case .datagram(let d) = decoder.decode(frame) { captured.with { $0.append(d) } }
            }
        }
        captureReady.wait()

        // Inject from A, as fast as possible.
        let results = Locked<[String]>([])
        Namespaces.onThread(in: a) {
            for f in files {
                do throws(PCAPError) {
                    let r = try ReplayInjection.run(path: f, interface: "vrA", speed: .max)
                    results.with { $0.append("sent \(r.datagrams)") }
                } catch { results.with { $0.append("error \(error)") } }
            }
        }.wait()
        #expect(results.with { $0 } == ["sent 8", "sent 2", "sent 3"])

        let rest = handle.readDataToEndOfFile()
        l.waitUntilExit()
        captureDone.wait()
        let lines = String(decoding: buffered + rest, as: UTF8.self).split(separator: "\n").dropFirst().map(String.init)
        let received = lines.map { line -> (String, String) in
            let p = line.split(separator: " ")
            return (String(p[0]), String(p.count > 1 ? p[1] : ""))
        }
        #expect(received.count == expected.count)
        // Order holds per address family (two sockets); the IPv4 sequence covers most datagrams.
        for v6 in [false, true] {
            let want = expected.filter { $0.source.isIPv6 == v6 }.map { ($0.source.description, $0.payload.map { String(format: "%02x", $0) }.joined()) }
            let got = received.filter { $0.0.contains(":") == v6 }
            #expect(got.map(\.0) == want.map(\.0))
            #expect(got.map(\.1) == want.map(\.1), "payloads differ or arrive out of order (IPv6: \(v6))")
        }
        let live = captured.with { $0 }
        let same = live.map(\.payload) == expected.map(\.payload)
        #expect(same, "live capture in the other namespace: \(live.count) datagrams, sizes \(live.map(\.payload.count)) vs \(expected.map(\.payload.count))")
        #expect(live.filter { $0.fragments > 1 }.count == 2)      // the 3 kB responses arrive in fragments
    }
}
