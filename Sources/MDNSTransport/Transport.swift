import DNSWire
import Glibc
import Synchronization

/// UDP multicast sockets for mDNS, one per interface and family; it never parses DNS.
///
/// Built on Glibc `recvmsg` rather than SwiftNIO: NIO delivers the arrival interface and
/// destination (IP_PKTINFO) but drops every other control message, so it cannot report the IP TTL
/// / hop limit a datagram arrived with (IP_RECVTTL, IPV6_RECVHOPLIMIT), which the live tests and
/// RFC 6762 §11's TTL-255 check need. Plain sockets also keep the layer free of an event loop.
///
/// One reader thread polls every socket plus a wake pipe and hands datagrams to `datagrams`, a
/// bounded stream (`TransportLimits.receiveQueue`; overflow is dropped and counted). Sockets are
/// closed only by that thread, after the poll that may still hold them, so an fd is never reused
/// under it. Sending is a non-blocking `sendto` under the same lock; a failed send is counted and
/// reported, never fatal.
public final class MulticastTransport: DatagramTransport {
    struct Socket: Sendable {
        var fd: Int32
        var family: Family
        var interface: UInt32
        var name: String
    }

    struct State: Sendable {
        var sockets: [Socket] = []
        var closing: [Int32] = []
        var stopped = false
        var statistics = TransportStatistics()
    }

    private let state = Mutex(State())
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let continuation: AsyncStream<Datagram>.Continuation
    /// Every datagram received on any open socket, in arrival order.
    public let datagrams: AsyncStream<Datagram>

    public init() throws(TransportError) {
        var p: [Int32] = [0, 0]
        guard pipe(&p) == 0 else { throw .from(errno: errno, "pipe", interface: nil) }
        for fd in p { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        wakeRead = p[0]
        wakeWrite = p[1]
        (datagrams, continuation) = Self.makeQueue()
        ReaderThread.start { [self] in self.readLoop() }
    }

    /// The bounded queue between the reader thread and the driver: when it is full, new
    /// datagrams are dropped (and counted), so a flood never grows memory.
    static func makeQueue() -> (AsyncStream<Datagram>, AsyncStream<Datagram>.Continuation) {
        AsyncStream.makeStream(of: Datagram.self, bufferingPolicy: .bufferingOldest(TransportLimits.receiveQueue))
    }

    /// Opens the `family` socket on `interface` (a no-op when it is open).
    public func open(_ interface: InterfaceSnapshot, family: Family) throws(TransportError) {
        if isOpen(interface.index, family) { return }
        let fd = try MulticastSocket.open(family, interface: interface)
        state.withLock { $0.sockets.append(Socket(fd: fd, family: family, interface: interface.index, name: interface.name)) }
        wake()
    }

    public func isOpen(_ index: UInt32, _ family: Family) -> Bool {
        state.withLock { s in s.sockets.contains { $0.interface == index && $0.family == family } }
    }

    /// Closes the sockets of `index` (one family, or both).
    public func close(interface index: UInt32, family: Family? = nil) {
        state.withLock { s in
            let gone = s.sockets.filter { $0.interface == index && (family == nil || $0.family == family) }
            s.sockets.removeAll { $0.interface == index && (family == nil || $0.family == family) }
            s.closing += gone.map(\.fd)
        }
        wake()
    }

    /// Sends one datagram from port 5353 through the socket of `target`'s family on `interface`.
    public func send(_ bytes: [UInt8], to target: SendTarget, interface index: UInt32) throws(TransportError) {
        let family = target.family
        var address: UDPAddress
        switch target {
        case .group(.ipv4): address = UDPAddress(.v4(mdnsGroupV4))
        case .group(.ipv6): address = UDPAddress(.v6(mdnsGroupV6, scope: index))
        case .unicast(let a): address = a
        }
        // A link-local IPv6 destination needs the scope of the interface it is reached through.
        if case .v6(let a, 0) = address.host, a.isLinkLocal { address.host = .v6(a, scope: index) }
        let (found, name, err): (Bool, String?, Int32) = state.withLock { s in
            guard let sock = s.sockets.first(where: { $0.interface == index && $0.family == family }) else { return (false, nil, 0) }
            let n = bytes.withUnsafeBytes { b in address.withSockaddr { sendto(sock.fd, b.baseAddress, b.count, Int32(MSG_DONTWAIT), $0, $1) } }
            if n < 0 { s.statistics.sendErrors += 1; return (true, sock.name, errno) }
            s.statistics.sent += 1
            return (true, sock.name, 0)
        }
        guard found else { throw TransportError(.interfaceGone, interface: "\(index)", reason: "no \(family) socket on interface \(index)") }
        if err != 0 { throw TransportError(.sendFailed, interface: name, errno: err, reason: "sendto \(address): \(String(cString: strerror(err)))") }
    }

    public var statistics: TransportStatistics { state.withLock { $0.statistics } }

    /// Closes every socket and ends `datagrams`.
    public func shutdown() {
        state.withLock { $0.stopped = true }
        wake()
    }

    private func wake() {
        var b: UInt8 = 1
        _ = write(wakeWrite, &b, 1)
    }

    // MARK: - The reader thread

    private func readLoop() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: TransportLimits.maxDatagramSize, alignment: 8)
        let control = UnsafeMutableRawBufferPointer.allocate(byteCount: ControlMessages.bufferSize, alignment: 8)
        defer { buffer.deallocate(); control.deallocate() }
        while true {
            let (sockets, stopped) = state.withLock { s in
                for fd in s.closing { _ = Glibc.close(fd) }
                s.closing = []
                return (s.sockets, s.stopped)
            }
            if stopped { return finish() }
            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            fds += sockets.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let r = poll(&fds, nfds_t(fds.count), -1)
            if r < 0 { continue }  // EINTR; the set is rebuilt anyway
            if fds[0].revents != 0 { drainWakePipe() }
            for (i, sock) in sockets.enumerated() where fds[i + 1].revents & Int16(POLLIN) != 0 {
                for _ in 0..<TransportLimits.burstPerSocket {
                    guard let d = MulticastSocket.receive(sock.fd, family: sock.family, buffer: buffer, control: control) else { break }
                    deliver(d)
                }
            }
        }
    }

    private func deliver(_ d: Datagram) {
        if d.truncated { state.withLock { $0.statistics.truncated += 1 }; return }
        let dropped: Bool
        if case .dropped = continuation.yield(d) { dropped = true } else { dropped = false }
        state.withLock { s in if dropped { s.statistics.queueDrops += 1 } else { s.statistics.received += 1 } }
    }

    private func drainWakePipe() {
        var b = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &b, b.count) > 0 {}
    }

    private func finish() {
        state.withLock { s in
            for sock in s.sockets { _ = Glibc.close(sock.fd) }
            s.sockets = []
        }
        _ = Glibc.close(wakeRead)
        _ = Glibc.close(wakeWrite)
        continuation.finish()
    }
}

/// Counters of one transport.
public struct TransportStatistics: Hashable, Sendable {
    public var received = 0
    public var sent = 0
    /// Transient send failures (ENETUNREACH while an address settles, EAGAIN under load).
    public var sendErrors = 0
    /// Datagrams dropped because the driver's queue was full.
    public var queueDrops = 0
    /// Datagrams longer than `TransportLimits.maxDatagramSize`.
    public var truncated = 0
    public init() {}
}

/// A detached pthread running one closure (no Foundation in this layer).
enum ReaderThread {
    final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    static func start(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var t = pthread_t()
        let r = pthread_create(&t, nil, { p in
            Unmanaged<Body>.fromOpaque(p!).takeRetainedValue().run()
            return nil
        }, box)
        precondition(r == 0, "pthread_create failed: \(r)")
        pthread_detach(t)
    }
}
