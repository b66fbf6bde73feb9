import DNSWire
import Glibc

/// Linux values not exported by Swift's Glibc module.
enum LinuxSocketOption {
    /// <linux/in.h>: off, so a socket hears only the groups it joined on its own interface.
    static let ipMulticastAll: Int32 = 49
    /// <linux/in6.h>
    static let ipv6MulticastAll: Int32 = 29
}

/// RFC 6762 §11: mDNS packets go out with IP TTL / hop limit 255.
public let mdnsHopLimit: Int32 = 255

/// Opens the mDNS socket of one family on one interface:
/// bound to :5353 with SO_REUSEADDR + SO_REUSEPORT (so it runs beside Avahi or mDNSResponder),
/// joined to the group on that interface only, MULTICAST_ALL off, MULTICAST_IF always set (no
/// route means ENETUNREACH otherwise), TTL / hop limit 255, and ancillary data for the arrival
/// interface, destination and received TTL.
enum MulticastSocket {
    static func open(_ family: Family, interface: InterfaceSnapshot) throws(TransportError) -> Int32 {
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .from(errno: errno, "socket", interface: interface.name) }
        do {
            try set(fd, SOL_SOCKET, SO_REUSEADDR, 1, interface)
            try set(fd, SOL_SOCKET, SO_REUSEPORT, 1, interface)
            setBuffers(fd)
            if family == .ipv4 { try configureV4(fd, interface) } else { try configureV6(fd, interface) }
            return fd
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    private static func configureV4(_ fd: Int32, _ i: InterfaceSnapshot) throws(TransportError) {
        let any = UDPAddress(.v4(IPv4Address(0)))
        let r = any.withSockaddr { bind(fd, $0, $1) }
        guard r == 0 else { throw .from(errno: errno, "bind 0.0.0.0:5353", interface: i.name) }
        var mreq = ip_mreqn(imr_multiaddr: in_addr(mdnsGroupV4), imr_address: in_addr(), imr_ifindex: Int32(i.index))
        let ip = Int32(IPPROTO_IP)
        try setRaw(fd, ip, Int32(IP_ADD_MEMBERSHIP), &mreq, "IP_ADD_MEMBERSHIP", i)
        try set(fd, ip, LinuxSocketOption.ipMulticastAll, 0, i)
        try setRaw(fd, ip, Int32(IP_MULTICAST_IF), &mreq, "IP_MULTICAST_IF", i)
        try set(fd, ip, Int32(IP_MULTICAST_TTL), mdnsHopLimit, i)
        try set(fd, ip, Int32(IP_TTL), mdnsHopLimit, i)
        try set(fd, ip, Int32(IP_MULTICAST_LOOP), 1, i)
        try set(fd, ip, Int32(IP_PKTINFO), 1, i)
        try set(fd, ip, Int32(IP_RECVTTL), 1, i)
    }

    private static func configureV6(_ fd: Int32, _ i: InterfaceSnapshot) throws(TransportError) {
        let v6 = Int32(IPPROTO_IPV6)
        try set(fd, v6, Int32(IPV6_V6ONLY), 1, i)
        let any = UDPAddress(.v6(IPv6Address(high: 0, low: 0), scope: 0))
        let r = any.withSockaddr { bind(fd, $0, $1) }
        guard r == 0 else { throw .from(errno: errno, "bind [::]:5353", interface: i.name) }
        var mreq = ipv6_mreq(ipv6mr_multiaddr: in6_addr(mdnsGroupV6), ipv6mr_interface: i.index)
        try setRaw(fd, v6, Int32(IPV6_JOIN_GROUP), &mreq, "IPV6_JOIN_GROUP", i)
        try set(fd, v6, LinuxSocketOption.ipv6MulticastAll, 0, i)
        try set(fd, v6, Int32(IPV6_MULTICAST_IF), Int32(bitPattern: i.index), i)
        try set(fd, v6, Int32(IPV6_MULTICAST_HOPS), mdnsHopLimit, i)
        try set(fd, v6, Int32(IPV6_UNICAST_HOPS), mdnsHopLimit, i)
        try set(fd, v6, Int32(IPV6_MULTICAST_LOOP), 1, i)
        try set(fd, v6, Int32(IPV6_RECVPKTINFO), 1, i)
        try set(fd, v6, Int32(IPV6_RECVHOPLIMIT), 1, i)
    }

    /// Kernel buffers of `TransportLimits.socketBuffer` bytes absorb bursts while the reader
    /// thread waits for a core; the FORCE variants (root) pass net.core.rmem_max / wmem_max.
    private static func setBuffers(_ fd: Int32) {
        var size = Int32(TransportLimits.socketBuffer)
        let len = socklen_t(MemoryLayout<Int32>.size)
        for (force, plain) in [(SO_RCVBUFFORCE, SO_RCVBUF), (SO_SNDBUFFORCE, SO_SNDBUF)] {
            if setsockopt(fd, SOL_SOCKET, force, &size, len) != 0 { _ = setsockopt(fd, SOL_SOCKET, plain, &size, len) }
        }
    }

    private static func set(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32, _ i: InterfaceSnapshot) throws(TransportError) {
        var v = value
        try setRaw(fd, level, name, &v, "setsockopt(\(level), \(name))", i)
    }

    private static func setRaw<T>(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: inout T, _ what: String,
                                                   _ i: InterfaceSnapshot) throws(TransportError) {
        let r = withUnsafeBytes(of: &value) { setsockopt(fd, level, name, $0.baseAddress, socklen_t($0.count)) }
        guard r == 0 else { throw .from(errno: errno, what, interface: i.name) }
    }

    /// One recvmsg: nil when nothing is waiting (EAGAIN) or on error.
    static func receive(_ fd: Int32, family: Family, buffer: UnsafeMutableRawBufferPointer,
                        control: UnsafeMutableRawBufferPointer) -> Datagram? {
        var from = sockaddr_storage()
        var iov = iovec(iov_base: buffer.baseAddress, iov_len: buffer.count)
        return withUnsafeMutablePointer(to: &from) { fromPtr -> Datagram? in
            withUnsafeMutablePointer(to: &iov) { iovPtr -> Datagram? in
                var mh = msghdr()
                mh.msg_name = UnsafeMutableRawPointer(fromPtr)
                mh.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                mh.msg_iov = iovPtr
                mh.msg_iovlen = 1
                mh.msg_control = control.baseAddress
                mh.msg_controllen = control.count
                let n = recvmsg(fd, &mh, 0)
                guard n >= 0 else { return nil }
                let name = UnsafeRawBufferPointer(start: fromPtr, count: Int(mh.msg_namelen))
                guard let source = UDPAddress(sockaddr: name) else { return nil }
                let ctl = ControlMessages.parse(UnsafeRawBufferPointer(start: control.baseAddress, count: Int(mh.msg_controllen)))
                let truncated = mh.msg_flags & Int32(MSG_TRUNC) != 0
                return Datagram(bytes: Array(UnsafeRawBufferPointer(rebasing: buffer[0..<n])), source: source, control: ctl,
                                family: family, truncated: truncated)
            }
        }
    }
}
