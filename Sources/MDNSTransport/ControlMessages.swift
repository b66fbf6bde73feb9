import DNSWire
import Glibc

/// `struct in6_pktinfo` (RFC 3542 §6.1): Swift's Glibc module hides it behind `_GNU_SOURCE`.
struct In6PktInfo {
    var addr: in6_addr
    var ifindex: UInt32
}

/// What the ancillary data of one received datagram says (IP_PKTINFO, IP_TTL, IPV6_PKTINFO,
/// IPV6_HOPLIMIT).
public struct ReceivedControl: Hashable, Sendable {
    /// The interface the datagram arrived on.
    public var interfaceIndex: UInt32?
    /// Where it was sent: the mDNS group or one of this host's unicast addresses.
    public var destination: HostAddress?
    /// The IP TTL (IPv4) or hop limit (IPv6) it arrived with.
    public var hopLimit: Int?
    public init(interfaceIndex: UInt32? = nil, destination: HostAddress? = nil, hopLimit: Int? = nil) {
        self.interfaceIndex = interfaceIndex; self.destination = destination; self.hopLimit = hopLimit
    }
}

/// Walks a control buffer as CMSG_FIRSTHDR / CMSG_NXTHDR do (the macros are not imported into
/// Swift). Malformed lengths end the walk; nothing here traps on any buffer content.
public enum ControlMessages {
    static let alignment = MemoryLayout<Int>.size
    static func align(_ n: Int) -> Int { (n + alignment - 1) & ~(alignment - 1) }
    /// CMSG_LEN(0): the aligned header size.
    public static let headerLength = align(MemoryLayout<cmsghdr>.size)
    /// Room for IP_PKTINFO + IP_TTL or IPV6_PKTINFO + IPV6_HOPLIMIT with slack.
    public static let bufferSize = 256

    public static func parse(_ raw: UnsafeRawBufferPointer) -> ReceivedControl {
        var out = ReceivedControl()
        var off = 0
        while off + MemoryLayout<cmsghdr>.size <= raw.count {
            let h = raw.loadUnaligned(fromByteOffset: off, as: cmsghdr.self)
            let length = Int(h.cmsg_len)
            guard length >= headerLength, off + length <= raw.count else { break }
            let data = UnsafeRawBufferPointer(rebasing: raw[(off + headerLength)..<(off + length)])
            read(level: h.cmsg_level, type: h.cmsg_type, data, into: &out)
            off += align(length)
        }
        return out
    }

    private static func read(level: Int32, type: Int32, _ data: UnsafeRawBufferPointer, into out: inout ReceivedControl) {
        switch (level, type) {
        case (Int32(IPPROTO_IP), Int32(IP_PKTINFO)) where data.count >= MemoryLayout<in_pktinfo>.size:
            let p = data.loadUnaligned(as: in_pktinfo.self)
            out.interfaceIndex = UInt32(bitPattern: p.ipi_ifindex)
            out.destination = .v4(p.ipi_addr.ipv4)
        case (Int32(IPPROTO_IP), Int32(IP_TTL)) where data.count >= 4:
            out.hopLimit = Int(data.loadUnaligned(as: Int32.self))
        case (Int32(IPPROTO_IPV6), Int32(IPV6_PKTINFO)) where data.count >= MemoryLayout<In6PktInfo>.size:
            let p = data.loadUnaligned(as: In6PktInfo.self)
            out.interfaceIndex = p.ifindex
            out.destination = .v6(p.addr.ipv6, scope: 0)
        case (Int32(IPPROTO_IPV6), Int32(IPV6_HOPLIMIT)) where data.count >= 4:
            out.hopLimit = Int(data.loadUnaligned(as: Int32.self))
        default:
            break
        }
    }

    /// Builds one control message as the kernel lays it out (for tests and fakes).
    public static func encode(level: Int32, type: Int32, payload: [UInt8]) -> [UInt8] {
        var h = cmsghdr()
        h.cmsg_len = numericCast(headerLength + payload.count)
        h.cmsg_level = level
        h.cmsg_type = type
        var out = [UInt8](repeating: 0, count: align(headerLength + payload.count))
        withUnsafeBytes(of: &h) { for (i, b) in $0.enumerated() { out[i] = b } }
        for (i, b) in payload.enumerated() { out[headerLength + i] = b }
        return out
    }

    public static func pktinfoV4(ifindex: Int32, destination: IPv4Address) -> [UInt8] {
        var p = in_pktinfo()
        p.ipi_ifindex = ifindex
        p.ipi_addr = in_addr(destination)
        return encode(level: Int32(IPPROTO_IP), type: Int32(IP_PKTINFO), payload: withUnsafeBytes(of: &p) { Array($0) })
    }

    public static func pktinfoV6(ifindex: UInt32, destination: IPv6Address) -> [UInt8] {
        var p = In6PktInfo(addr: in6_addr(destination), ifindex: ifindex)
        return encode(level: Int32(IPPROTO_IPV6), type: Int32(IPV6_PKTINFO), payload: withUnsafeBytes(of: &p) { Array($0) })
    }

    public static func hopLimit(_ v: Int32, family: Family) -> [UInt8] {
        var v = v
        let (level, type) = family == .ipv4 ? (Int32(IPPROTO_IP), Int32(IP_TTL)) : (Int32(IPPROTO_IPV6), Int32(IPV6_HOPLIMIT))
        return encode(level: level, type: type, payload: withUnsafeBytes(of: &v) { Array($0) })
    }
}
