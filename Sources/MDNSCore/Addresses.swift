import DNSWire

/// The mDNS UDP port (RFC 6762 §3).
public let mdnsPort: UInt16 = 5353

/// An IPv4 or IPv6 address.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    public var description: String {
        switch self {
        case .v4(let a): return a.description
        case .v6(let a): return a.description
        }
    }

    /// RFC 3927 169.254/16 or RFC 4291 fe80::/10: always on the local link.
    public var isLinkLocal: Bool {
        switch self {
        case .v4(let a): return a.value >> 16 == 0xA9FE
        case .v6(let a): return a.isLinkLocal
        }
    }
}

/// An address and UDP port.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16
    public init(_ address: IPAddress, port: UInt16 = mdnsPort) { self.address = address; self.port = port }
    public var description: String {
        if case .v6 = address { return "[\(address)]:\(port)" }
        return "\(address):\(port)"
    }
}

/// Identifies one network interface of the host.
public struct InterfaceID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (a: InterfaceID, b: InterfaceID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "if\(rawValue)" }
}

/// An address of an interface with its prefix, which defines "on the local link" (RFC 6762 §11).
public struct InterfaceAddress: Hashable, Sendable {
    public var address: IPAddress
    public var prefixLength: Int
    public init(_ address: IPAddress, prefixLength: Int) { self.address = address; self.prefixLength = prefixLength }

    /// True when `other` lies in this address's subnet.
    public func contains(_ other: IPAddress) -> Bool {
        switch (address, other) {
        case (.v4(let a), .v4(let b)):
            let p = max(0, min(32, prefixLength))
            if p == 0 { return true }
            let mask: UInt32 = p == 32 ? .max : ~(UInt32.max >> UInt32(p))
            return a.value & mask == b.value & mask
        case (.v6(let a), .v6(let b)):
            let p = max(0, min(128, prefixLength))
            func m(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? .max : ~(UInt64.max >> UInt64(bits)) }
            return a.high & m(p) == b.high & m(p) && a.low & m(p - 64) == b.low & m(p - 64)
        default:
            return false
        }
    }
}

/// One interface the engine runs on. Records are per interface (RFC 6762 §14): the host's
/// A/AAAA records on an interface are that interface's addresses.
public struct NetworkInterface: Hashable, Sendable {
    public var id: InterfaceID
    public var name: String
    public var addresses: [InterfaceAddress]
    public init(id: InterfaceID, name: String, addresses: [InterfaceAddress]) {
        self.id = id; self.name = name; self.addresses = addresses
    }

    /// RFC 6762 §11: a source is on-link when link-local or inside one of the interface's prefixes.
    public func isOnLink(_ a: IPAddress) -> Bool {
        a.isLinkLocal || addresses.contains { $0.contains(a) }
    }
}

/// Where a datagram goes: the mDNS group on an interface, or one unicast address through it.
public struct Destination: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// 224.0.0.251 / ff02::fb port 5353 (RFC 6762 §3).
        case multicast
        case unicast(SocketAddress)
    }
    public var interface: InterfaceID
    public var kind: Kind
    public init(interface: InterfaceID, kind: Kind) { self.interface = interface; self.kind = kind }
    public static func multicast(on i: InterfaceID) -> Destination { Destination(interface: i, kind: .multicast) }
    public static func unicast(_ a: SocketAddress, on i: InterfaceID) -> Destination { Destination(interface: i, kind: .unicast(a)) }

    public var isMulticast: Bool { if case .multicast = kind { return true }; return false }

    public var description: String {
        switch kind {
        case .multicast: return "multicast on \(interface)"
        case .unicast(let a): return "unicast \(a) on \(interface)"
        }
    }
}

/// How a received datagram was addressed.
public enum ReceivedVia: Hashable, Sendable {
    /// Sent to the mDNS multicast group.
    case multicast
    /// Sent to one of this host's unicast addresses.
    case unicast
}
