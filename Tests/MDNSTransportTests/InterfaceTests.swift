import DNSWire
import Testing
@testable import MDNSTransport

@Suite("Interfaces: eligibility and change detection")
struct InterfaceTests {
    static let v4 = InterfaceAddressInfo(.v4(IPv4Address(10, 53, 0, 1)), prefixLength: 24)
    static let ll = InterfaceAddressInfo(.v6(IPv6Address("fe80::1")!, scope: 2), prefixLength: 64)
    static let eth = InterfaceSnapshot(index: 2, name: "eth0", addresses: [v4, ll])
    static let lo = InterfaceSnapshot(index: 1, name: "lo", isLoopback: true, addresses: [InterfaceAddressInfo(.v4(IPv4Address(127, 0, 0, 1)), prefixLength: 8)])
    static let noMulticast = InterfaceSnapshot(index: 3, name: "tun0", supportsMulticast: false, addresses: [v4])
    static let down = InterfaceSnapshot(index: 4, name: "eth1", isUp: false, addresses: [v4])

    @Test("loopback, non-multicast and down interfaces are skipped unless named")
    func eligible() {
        let all = [Self.lo, Self.eth, Self.noMulticast, Self.down]
        #expect(Interfaces.eligible(all, names: []).map(\.name) == ["eth0"])
        #expect(Interfaces.eligible(all, names: ["lo", "tun0"]).map(\.name) == ["lo", "tun0"])
        #expect(Interfaces.eligible(all, names: ["eth1"]).isEmpty)
    }

    @Test("families: IPv4 needs an IPv4 address, IPv6 a link-local one")
    func families() {
        #expect(Self.eth.families == [.ipv4, .ipv6])
        let globalOnly = InterfaceSnapshot(index: 5, name: "x", addresses: [InterfaceAddressInfo(.v6(IPv6Address("fd53::1")!, scope: 0), prefixLength: 64)])
        #expect(globalOnly.families.isEmpty)
    }

    @Test("diff reports added, removed and changed by index")
    func diff() {
        var changed = Self.eth
        changed.addresses = [Self.v4]
        let d = Interfaces.diff([Self.eth, Self.noMulticast], [changed, Self.lo])
        #expect(d.added == [Self.lo])
        #expect(d.removed == [Self.noMulticast])
        #expect(d.changed == [changed])
        #expect(Interfaces.diff([Self.eth], [Self.eth]).isEmpty)
    }

    @Test("getifaddrs lists loopback with its address")
    func current() {
        let lo = Interfaces.current().first { $0.isLoopback }
        #expect(lo != nil)
        #expect(lo?.addresses.contains { $0.address == .v4(IPv4Address(127, 0, 0, 1)) && $0.prefixLength == 8 } == true)
    }
}
