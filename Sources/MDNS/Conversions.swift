import DNSWire
import MDNSCore
import MDNSTransport

extension SocketAddress {
    /// The engine's address: the IPv6 scope is dropped (the interface travels beside it).
    init(_ a: UDPAddress) {
        switch a.host {
        case .v4(let v4): self.init(.v4(v4), port: a.port)
        case .v6(let v6, _): self.init(.v6(v6), port: a.port)
        }
    }
}

extension UDPAddress {
    /// A transport address; the transport adds the scope of a link-local IPv6 destination.
    init(_ a: SocketAddress) {
        switch a.address {
        case .v4(let v4): self.init(.v4(v4), port: a.port)
        case .v6(let v6): self.init(.v6(v6, scope: 0), port: a.port)
        }
    }
}

extension NetworkInterface {
    /// The engine's view of an interface: its addresses of the enabled families (RFC 6762 §14:
    /// a host's records on an interface are that interface's addresses).
    init(_ s: InterfaceSnapshot, families: [Family]) {
        let addresses: [InterfaceAddress] = s.addresses.compactMap { a in
            guard families.contains(a.address.family) else { return nil }
            switch a.address {
            case .v4(let v4): return InterfaceAddress(.v4(v4), prefixLength: a.prefixLength)
            case .v6(let v6, _): return InterfaceAddress(.v6(v6), prefixLength: a.prefixLength)
            }
        }
        self.init(id: InterfaceID(Int(s.index)), name: s.name, addresses: addresses)
    }
}
