import DNSWire
import Glibc

/// One address of an interface with its prefix length.
public struct InterfaceAddressInfo: Hashable, Sendable {
    public var address: HostAddress
    public var prefixLength: Int
    public init(_ address: HostAddress, prefixLength: Int) { self.address = address; self.prefixLength = prefixLength }
}

/// An interface as getifaddrs(3) shows it at one moment.
public struct InterfaceSnapshot: Hashable, Sendable {
    public var index: UInt32
    public var name: String
    public var isUp: Bool
    public var isLoopback: Bool
    public var supportsMulticast: Bool
    /// Sorted, so two snapshots of an unchanged interface are equal.
    public var addresses: [InterfaceAddressInfo]

    public init(index: UInt32, name: String, isUp: Bool = true, isLoopback: Bool = false, supportsMulticast: Bool = true,
                addresses: [InterfaceAddressInfo]) {
        self.index = index; self.name = name; self.isUp = isUp; self.isLoopback = isLoopback
        self.supportsMulticast = supportsMulticast; self.addresses = addresses
    }

    /// The families this interface can carry mDNS on: IPv4 needs an IPv4 address to send from,
    /// IPv6 a link-local address (RFC 4861 sources of link-scope multicast).
    public var families: Set<Family> {
        var f = Set<Family>()
        for a in addresses {
            switch a.address {
            case .v4: f.insert(.ipv4)
            case .v6(let v6, _): if v6.isLinkLocal { f.insert(.ipv6) }
            }
        }
        return f
    }
}

/// What changed between two enumerations.
public struct InterfaceChanges: Hashable, Sendable {
    public var added: [InterfaceSnapshot] = []
    public var removed: [InterfaceSnapshot] = []
    /// Same index, different name, flags or addresses: the new snapshot.
    public var changed: [InterfaceSnapshot] = []
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }
    public init() {}
}

public enum Interfaces {
    /// How often the driver re-enumerates to follow interface and address changes.
    public static let pollInterval: Duration = .seconds(1)

    /// Every interface of the host (network namespace) with its addresses, by index.
    public static func current() -> [InterfaceSnapshot] {
        var head: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&head) == 0, let first = head else { return [] }
        defer { freeifaddrs(head) }
        var byName: [String: InterfaceSnapshot] = [:]
        var p: UnsafeMutablePointer<ifaddrs>? = first
        while let e = p {
            defer { p = e.pointee.ifa_next }
            let name = String(cString: e.pointee.ifa_name)
            let flags = Int32(bitPattern: e.pointee.ifa_flags)
            let index = if_nametoindex(e.pointee.ifa_name)
            guard index != 0 else { continue }
            var s = byName[name] ?? InterfaceSnapshot(index: index, name: name, addresses: [])
            s.isUp = flags & Int32(IFF_UP) != 0 && flags & Int32(IFF_RUNNING) != 0
            s.isLoopback = flags & Int32(IFF_LOOPBACK) != 0
            s.supportsMulticast = flags & Int32(IFF_MULTICAST) != 0
            if let a = address(e.pointee.ifa_addr, index: index) {
                s.addresses.append(InterfaceAddressInfo(a, prefixLength: prefixLength(e.pointee.ifa_netmask)))
            }
            byName[name] = s
        }
        return byName.values.map { s in
            var s = s
            s.addresses.sort { $0.address.description < $1.address.description }
            return s
        }.sorted { $0.index < $1.index }
    }

    /// The interfaces mDNS runs on: up, multicast-capable, not loopback, unless named. With
    /// `names` non-empty only those are used, whatever their flags (loopback included).
    public static func eligible(_ all: [InterfaceSnapshot], names: [String]) -> [InterfaceSnapshot] {
        if !names.isEmpty { return all.filter { names.contains($0.name) && $0.isUp } }
        return all.filter { $0.isUp && $0.supportsMulticast && !$0.isLoopback }
    }

    /// Interfaces added, removed or changed (by index) from `old` to `new`.
    public static func diff(_ old: [InterfaceSnapshot], _ new: [InterfaceSnapshot]) -> InterfaceChanges {
        var c = InterfaceChanges()
        let before = Dictionary(old.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(new.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
        for s in new { if let o = before[s.index] { if o != s { c.changed.append(s) } } else { c.added.append(s) } }
        for s in old where after[s.index] == nil { c.removed.append(s) }
        return c
    }

    static func address(_ sa: UnsafeMutablePointer<sockaddr>?, index: UInt32) -> HostAddress? {
        guard let sa else { return nil }
        switch Int32(sa.pointee.sa_family) {
        case AF_INET:
            let a = UnsafeRawPointer(sa).loadUnaligned(as: sockaddr_in.self)
            return .v4(a.sin_addr.ipv4)
        case AF_INET6:
            let a = UnsafeRawPointer(sa).loadUnaligned(as: sockaddr_in6.self)
            let v6 = a.sin6_addr.ipv6
            return .v6(v6, scope: v6.isLinkLocal ? index : 0)
        default:
            return nil
        }
    }

    /// Counts the one bits of a netmask (contiguous in practice).
    static func prefixLength(_ sa: UnsafeMutablePointer<sockaddr>?) -> Int {
        guard let sa else { return 0 }
        switch Int32(sa.pointee.sa_family) {
        case AF_INET:
            return UnsafeRawPointer(sa).loadUnaligned(as: sockaddr_in.self).sin_addr.s_addr.nonzeroBitCount
        case AF_INET6:
            let a = UnsafeRawPointer(sa).loadUnaligned(as: sockaddr_in6.self).sin6_addr
            return withUnsafeBytes(of: a) { $0.reduce(0) { $0 + $1.nonzeroBitCount } }
        default:
            return 0
        }
    }
}
