#if canImport(Glibc)
import Glibc
import DNSWire
import MDNSCore
import PCAP

/// A live implementation in its own network namespace, on real time. The tester injects frames
/// (any source address, port and hop limit) on its veth and captures everything on the link,
/// so each packet the device sends arrives with its real IP TTL; the capture is kept as a pcap.
public final class LiveTarget: ConformanceTarget {
    public let name: String
    public let adapter: LiveAdapter
    public let link: LiveLink
    /// Where this case's pcap and logs go.
    public let directory: String
    let capture: LiveCapture
    let injector: Injector
    let writer: CaptureWriter
    var decoder = PacketDecoder(portFilter: PacketDecoder.mdnsFilter)
    var process: LiveProcess?
    var publication = Publication()
    var pending: [ObservedPacket] = []
    public private(set) var delivered: [ObservedPacket] = []
    var withdrawn = false
    var lastLivenessCheck = Instant(nanoseconds: 0)
    /// Set when the device under test ended without being asked to.
    public internal(set) var exitNote: String?
    /// Set when the device cannot do what the case asks (a query hook that exited 77): the case is unsupported.
    public internal(set) var unsupportedNote: String?
    /// The query hooks running, by subscription.
    var queriers: [SubscriptionID: LiveProcess] = [:]
    /// Frames the device sent that did not decode as IP/UDP (kept in the pcap).
    public private(set) var undecodedFrames = 0

    /// Capture read timeout: how late `advance` may notice its deadline.
    public static let pollMilliseconds: Int32 = 10
    /// Longest wait for the adapter's `ready` line.
    public static let readyTimeout: Duration = .seconds(15)
    static let livenessInterval: Duration = .milliseconds(250)
    /// A hook's exit status for "this implementation cannot do that": 77, the skip status of Automake's test harness.
    public static let unsupportedStatus: Int32 = 77

    public init(adapter: LiveAdapter, link: LiveLink, directory: String) throws(LiveError) {
        self.adapter = adapter
        self.link = link
        self.directory = directory
        name = adapter.name + " (live, netns \(link.dutNamespace))"
        (capture, injector) = try link.inTesterNamespace { () throws(PCAPError) in
            (try LiveCapture(interface: LiveLink.testerInterface, timeoutMilliseconds: Self.pollMilliseconds),
             try Injector(interface: LiveLink.testerInterface))
        }
        do { writer = try CaptureWriter(path: directory + "/case.pcap") } catch { throw LiveError("\(error)") }
    }

    public var capabilities: Set<TargetCapability> { Self.capabilities(of: adapter) }

    public static func capabilities(of adapter: LiveAdapter) -> Set<TargetCapability> {
        adapter.effectiveCapabilities.union([.ipHeaders, .linkBounce])
    }

    public var now: Instant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Instant(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    public var addresses: [SocketAddress] { [SocketAddress(.v4(LiveLink.dutAddress4))] }

    var environment: [String: String] {
        var env = LiveAdapter.environment(publication)
        env["MDNS_NETNS"] = link.dutNamespace
        env["MDNS_IFACE"] = LiveLink.dutInterface
        env["MDNS_IFINDEX"] = String(LiveLink.interfaceIndex)
        env["MDNS_ADDR4"] = LiveLink.dutAddress4.description
        env["MDNS_ADDR6"] = LiveLink.dutAddress6.description
        env["MDNS_STATE"] = directory
        env["MDNS_PUBLICATION"] = directory + "/publication"
        env["MDNS_ADAPTER_DIR"] = adapter.directory
        env["MDNS_REPO"] = link.repo
        env["MDNS_BIN"] = Self.executable
        if let p = process { env["MDNS_PID"] = String(p.pid) }
        return env
    }

    public func start(_ publication: Publication) {
        self.publication = publication
        // A querier case publishes no service; a device that cannot publish a bare host name is
        // then only the querier its query hook starts.
        if publication.services.isEmpty && adapter.requiresService { return }
        do {
            try LiveFiles.write(directory + "/publication", LiveAdapter.publicationFile(publication))
            process = try LiveProcess.spawn(["ip", "netns", "exec", link.dutNamespace, "sh", "-c", adapter.start],
                                            environment: environment, log: directory + "/dut.log")
        } catch {
            exitNote = "could not start: \(error)"
            return
        }
        guard let ready = adapter.ready, let p = process else { return }
        if let why = waitReady(p, log: directory + "/dut.log", line: ready) { exitNote = why }
    }

    /// Waits until `line` appears in `log`; nil then, else why not. Exit status 77 sets `unsupportedNote`.
    func waitReady(_ p: LiveProcess, log: String, line: String, poll: useconds_t = 5_000) -> String? {
        let end = now + Self.readyTimeout
        while now < end {
            if LiveFiles.read(log)?.contains(line) == true { return nil }
            if let s = p.exitStatus() {
                if s == Self.unsupportedStatus {
                    unsupportedNote = "the adapter cannot do this: " + (LiveFiles.read(log) ?? "").split(separator: "\n").suffix(2).joined(separator: "; ")
                }
                return "exited with status \(s) before it was ready"
            }
            usleep(poll)
        }
        return "never printed its ready line '\(line)' within \(Self.readyTimeout)"
    }

    public func deliver(_ bytes: [UInt8], from source: SocketAddress, to destination: Destination.Kind, link l: Int) {
        // Bounded: a case's results keep only the first CaseTraffic.maxPackets anyway, and a
        // flood delivers millions (DESIGN rule 4: state is bounded under spoofed floods).
        if delivered.count < CaseTraffic.maxPackets {
            delivered.append(ObservedPacket(time: now, bytes: bytes, message: nil, source: source, destination: destination, link: l, hopLimit: nil))
        }
        let src = Self.pcapAddress(source.address)
        let dst: PCAP.IPAddress
        var port = mdnsPort
        var mac: [UInt8]
        switch destination {
        case .multicast:
            dst = src.isIPv6 ? PCAP.IPAddress.mdnsGroup6 : PCAP.IPAddress.mdnsGroup4
            mac = FrameBuilder.destinationMAC(for: dst)
        case .unicast(let a):
            dst = Self.pcapAddress(a.address)
            port = a.port
            mac = link.dutMAC
        }
        for ip in FrameBuilder.ipUDP(source: src, destination: dst, sourcePort: source.port, destinationPort: port,
                                     payload: bytes, mtu: 1500) {
            let frame = FrameBuilder.ethernet(destination: mac, source: link.testerMAC,
                                              etherType: src.isIPv6 ? FrameBuilder.etherTypeIPv6 : FrameBuilder.etherTypeIPv4, payload: ip)
            do { try injector.inject(frame) } catch { exitNote = exitNote ?? "tester could not inject: \(error)" }
        }
    }

    public func advance(until deadline: Instant, stop: ((ObservedPacket) -> Bool)?) -> [ObservedPacket] {
        var out: [ObservedPacket] = []
        func take(_ p: ObservedPacket) -> Bool {
            out.append(p)
            return stop?(p) ?? false
        }
        let held = pending
        pending = []
        for (i, p) in held.enumerated() where p.time <= deadline {
            if take(p) { pending = Array(held[(i + 1)...]); return out }
        }
        pending = held.filter { $0.time > deadline }
        while true {
            let t = now
            checkLiveness(at: t)
            guard let frame = try? capture.next() else {
                if t >= deadline { return out }
                continue
            }
            guard let p = observe(frame) else { continue }
            if p.time > deadline { pending.append(p); return out }
            if take(p) { return out }
        }
    }

    /// Writes the frame to the pcap; returns it as an observed packet when the device sent it.
    func observe(_ frame: RawFrame) -> ObservedPacket? {
        let bytes = Array(frame.bytes)
        try? writer.write(bytes, at: frame.timestamp, originalLength: frame.originalLength)
        guard bytes.count >= 14, Array(bytes[6..<12]) == link.dutMAC else { return nil }
        switch decoder.decode(frame) {
        // The cases speak IPv4 (as on the simulated link, one datagram per message); a dual-stack
        // device's IPv6 copies of each message stay in the pcap.
        case .datagram(let d) where d.source.isIPv6:
            return nil
        case .datagram(let d):
            let src = SocketAddress(Self.coreAddress(d.source), port: d.sourcePort)
            let dest: Destination.Kind = d.destination.isMulticast ? .multicast
                : .unicast(SocketAddress(Self.coreAddress(d.destination), port: d.destinationPort))
            return ObservedPacket(time: Self.monotonic(frame.timestamp), bytes: d.payload, message: try? Message(decoding: d.payload),
                                  source: src, destination: dest, link: 0, hopLimit: d.hopLimit)
        case .skipped: undecodedFrames += 1; return nil
        case .fragmentHeld, .ignored: return nil
        }
    }

    func checkLiveness(at t: Instant) {
        guard t - lastLivenessCheck >= Self.livenessInterval, !withdrawn, exitNote == nil, let p = process else { return }
        lastLivenessCheck = t
        if let s = p.exitStatus() { exitNote = "the device under test (pid \(p.pid)) exited with status \(s)" }
    }

    /// Runs a hook in the device's namespace; a failing hook is noted like a crash.
    func hook(_ name: String, _ command: String, extra: [String: String] = [:]) {
        do {
            try LiveFiles.write(directory + "/publication", LiveAdapter.publicationFile(publication))
            var env = environment
            for (k, v) in extra { env[k] = v }
            let s = try LiveProcess.run(["ip", "netns", "exec", link.dutNamespace, "sh", "-c", command], environment: env,
                                        log: directory + "/hooks.log")
            if s != 0 { exitNote = exitNote ?? "the adapter's \(name) hook exited with status \(s)" }
        } catch {
            exitNote = exitNote ?? "the adapter's \(name) hook: \(error)"
        }
    }

    public func updateTXT(service index: Int, _ txt: TXT) {
        guard let h = adapter.updateTXT, publication.services.indices.contains(index) else { return }
        publication.services[index].txt = txt
        hook("update-txt", h, extra: ["MDNS_SERVICE_INDEX": String(index)])
    }

    public func rename(service index: Int, to instance: String) {
        guard let h = adapter.rename, publication.services.indices.contains(index) else { return }
        publication.services[index].instance = instance
        hook("rename", h, extra: ["MDNS_SERVICE_INDEX": String(index)])
    }

    public func withdrawAll() {
        withdrawn = true
        hook("withdraw", adapter.withdraw)
    }

    /// Takes the device's veth down for `downFor`, then up, in the background (as on the simulated link).
    public func bounceLink(downFor: Duration) {
        let ms = Int(downFor.milliseconds)
        let script = "ip -n \(link.dutNamespace) link set \(LiveLink.dutInterface) down; sleep \(ms / 1000).\(String(1000 + ms % 1000).dropFirst()); "
            + "ip -n \(link.dutNamespace) link set \(LiveLink.dutInterface) up"
        _ = try? LiveProcess.spawn(["sh", "-c", script], log: directory + "/hooks.log")
    }

    /// Stops the device (if still running) and closes the pcap.
    public func finish() {
        if let p = process, exitNote == nil, !withdrawn, let s = p.exitStatus() {
            exitNote = "the device under test (pid \(p.pid)) exited with status \(s)"
        }
        for q in queriers.values { q.stop() }
        process?.stop()
        try? writer.close()
    }

    /// This executable (the swift-mdns adapter runs `mdns publish` from the same build).
    public static let executable: String = {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        return n > 0 ? String(cString: buf) : "mdns"
    }()

    static func monotonic(_ t: Timestamp) -> Instant {
        var real = timespec(), mono = timespec()
        clock_gettime(CLOCK_REALTIME, &real)
        clock_gettime(CLOCK_MONOTONIC, &mono)
        let offset = (Int64(mono.tv_sec) - Int64(real.tv_sec)) * 1_000_000_000 + Int64(mono.tv_nsec) - Int64(real.tv_nsec)
        return Instant(nanoseconds: t.totalNanoseconds + offset)
    }

    static func pcapAddress(_ a: MDNSCore.IPAddress) -> PCAP.IPAddress { PCAP.IPAddress(a) }

    static func coreAddress(_ a: PCAP.IPAddress) -> MDNSCore.IPAddress {
        switch a {
        case .v4(let v): .v4(IPv4Address(v))
        case .v6(let h, let l): .v6(IPv6Address(high: h, low: l))
        }
    }
}
#endif
