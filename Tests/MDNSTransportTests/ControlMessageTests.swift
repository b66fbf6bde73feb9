import DNSWire
import Glibc
import Testing
@testable import MDNSTransport

@Suite("Received datagram ancillary data (IP_PKTINFO, IP_TTL, IPV6_PKTINFO, IPV6_HOPLIMIT)")
struct ControlMessageTests {
    func parse(_ bytes: [UInt8]) -> ReceivedControl { bytes.withUnsafeBytes { ControlMessages.parse($0) } }

    @Test("IPv4: arrival interface, group destination and TTL 255")
    func ipv4() {
        let c = parse(ControlMessages.pktinfoV4(ifindex: 2, destination: mdnsGroupV4) + ControlMessages.hopLimit(255, family: .ipv4))
        #expect(c == ReceivedControl(interfaceIndex: 2, destination: .v4(mdnsGroupV4), hopLimit: 255))
        #expect(c.destination?.isMDNSGroup == true)
    }

    @Test("IPv6: hop limit first, then pktinfo with a unicast destination")
    func ipv6() {
        let dst = IPv6Address("fd53::2")!
        let c = parse(ControlMessages.hopLimit(1, family: .ipv6) + ControlMessages.pktinfoV6(ifindex: 3, destination: dst))
        #expect(c == ReceivedControl(interfaceIndex: 3, destination: .v6(dst, scope: 0), hopLimit: 1))
        #expect(c.destination?.isMDNSGroup == false)
    }

    @Test("unknown control messages are skipped")
    func unknown() {
        let other = ControlMessages.encode(level: Int32(SOL_SOCKET), type: 99, payload: [1, 2, 3, 4, 5])
        let c = parse(other + ControlMessages.hopLimit(255, family: .ipv4))
        #expect(c.hopLimit == 255 && c.interfaceIndex == nil)
    }

    @Test("a length past the buffer, or shorter than the header, ends the walk without trapping")
    func malformed() {
        var bad = ControlMessages.hopLimit(255, family: .ipv4)
        bad[0] = 0xFF  // cmsg_len far beyond the buffer
        #expect(parse(bad) == ReceivedControl())
        var short = ControlMessages.hopLimit(255, family: .ipv4)
        for i in 0..<MemoryLayout<Int>.size { short[i] = 0 }
        short[0] = 4  // shorter than cmsghdr
        #expect(parse(short) == ReceivedControl())
        #expect(parse([]) == ReceivedControl())
        #expect(parse([1, 2, 3]) == ReceivedControl())
    }

    @Test("a truncated payload is ignored")
    func truncatedPayload() {
        let c = parse(ControlMessages.encode(level: Int32(IPPROTO_IP), type: Int32(IP_PKTINFO), payload: [1, 0]))
        #expect(c == ReceivedControl())
    }
}

@Suite("Socket addresses")
struct AddressTests {
    @Test("IPv4 and IPv6 (with scope) round-trip through sockaddr", arguments: [
        UDPAddress(.v4(IPv4Address(10, 53, 0, 1)), port: 5353),
        UDPAddress(.v6(IPv6Address("fe80::1")!, scope: 7), port: 49152),
        UDPAddress(.v6(mdnsGroupV6, scope: 0)),
    ])
    func roundTrip(_ a: UDPAddress) {
        let back = a.withSockaddr { p, len in UDPAddress(sockaddr: UnsafeRawBufferPointer(start: p, count: Int(len))) }
        #expect(back == a)
    }

    @Test("other families and short buffers give nil")
    func rejects() {
        var sa = sockaddr_un()
        sa.sun_family = sa_family_t(AF_UNIX)
        let r = withUnsafeBytes(of: &sa) { UDPAddress(sockaddr: $0) }
        #expect(r == nil)
        #expect([UInt8]([2]).withUnsafeBytes { UDPAddress(sockaddr: $0) } == nil)
    }

    @Test("RFC 6762 §3 groups")
    func groups() {
        #expect(mdnsGroupV4.description == "224.0.0.251")
        #expect(mdnsGroupV6.description == "ff02::fb")
        #expect(HostAddress.v6(mdnsGroupV6, scope: 2).isMDNSGroup)
        #expect(!HostAddress.v4(IPv4Address(224, 0, 0, 252)).isMDNSGroup)
    }
}
