import DNSWire
import Glibc

/// The two IP families mDNS runs on.
public enum Family: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case ipv4 = "IPv4"
    case ipv6 = "IPv6"
    public var description: String { rawValue }
}

/// An IP address; an IPv6 one keeps its scope (the interface index of a link-local address).
public enum HostAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address, scope: UInt32)

    public var family: Family {
        if case .v4 = self { return .ipv4 }
        return .ipv6
    }

    public var description: String {
        switch self {
        case .v4(let a): return a.description
        case .v6(let a, let s): return s == 0 ? a.description : "\(a)%\(s)"
        }
    }

    /// RFC 6762 §3: 224.0.0.251 and ff02::fb.
    public var isMDNSGroup: Bool { self == .v4(mdnsGroupV4) || isV6Group }
    private var isV6Group: Bool { if case .v6(let a, _) = self { return a == mdnsGroupV6 }; return false }
}

/// RFC 6762 §3: the mDNS multicast groups and port.
public let mdnsGroupV4 = IPv4Address(224, 0, 0, 251)
public let mdnsGroupV6 = IPv6Address(high: 0xFF02_0000_0000_0000, low: 0xFB)
public let mdnsUDPPort: UInt16 = 5353

/// An address and UDP port.
public struct UDPAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: HostAddress
    public var port: UInt16
    public init(_ host: HostAddress, port: UInt16 = mdnsUDPPort) { self.host = host; self.port = port }
    public var description: String {
        if case .v6 = host { return "[\(host)]:\(port)" }
        return "\(host):\(port)"
    }
}

// MARK: - sockaddr conversion (the only place that touches the C layouts)

extension in_addr {
    init(_ a: IPv4Address) { self.init(s_addr: a.value.bigEndian) }
    var ipv4: IPv4Address { IPv4Address(UInt32(bigEndian: s_addr)) }
}

extension in6_addr {
    init(_ a: IPv6Address) {
        self.init()
        let b = a.bytes
        withUnsafeMutableBytes(of: &self) { for i in 0..<16 { $0[i] = b[i] } }
    }
    var ipv6: IPv6Address { withUnsafeBytes(of: self) { IPv6Address(bytes: $0) } }
}

extension UDPAddress {
    /// Calls `body` with this address as a `sockaddr` and its length.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch host {
        case .v4(let a):
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = port.bigEndian
            sa.sin_addr = in_addr(a)
            return withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .v6(let a, let scope):
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = port.bigEndian
            sa.sin6_addr = in6_addr(a)
            sa.sin6_scope_id = scope
            return withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }

    /// Reads a `sockaddr_in` or `sockaddr_in6`; nil for any other family or a short buffer.
    init?(sockaddr raw: UnsafeRawBufferPointer) {
        guard raw.count >= MemoryLayout<sa_family_t>.size else { return nil }
        let family = raw.loadUnaligned(as: sa_family_t.self)
        if Int32(family) == AF_INET, raw.count >= MemoryLayout<sockaddr_in>.size {
            let sa = raw.loadUnaligned(as: sockaddr_in.self)
            self.init(.v4(sa.sin_addr.ipv4), port: UInt16(bigEndian: sa.sin_port))
        } else if Int32(family) == AF_INET6, raw.count >= MemoryLayout<sockaddr_in6>.size {
            let sa = raw.loadUnaligned(as: sockaddr_in6.self)
            self.init(.v6(sa.sin6_addr.ipv6, scope: sa.sin6_scope_id), port: UInt16(bigEndian: sa.sin6_port))
        } else {
            return nil
        }
    }
}
