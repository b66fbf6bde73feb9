@testable import PCAP
import Testing

@Suite("Link layers down to UDP")
struct LinkLayerTests {
    func expectDNS(_ o: FrameOutcome, v6: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let d = o.datagram else { Issue.record("no datagram: \(o)", sourceLocation: sourceLocation); return }
        #expect(d.payload == dnsPayload, sourceLocation: sourceLocation)
        #expect(d.source == (v6 ? host6 : host4), sourceLocation: sourceLocation)
        #expect(d.destination == (v6 ? mdns6 : mdns4), sourceLocation: sourceLocation)
        #expect(d.sourcePort == 5353 && d.destinationPort == 5353, sourceLocation: sourceLocation)
    }

    @Test func ethernetIPv4AndIPv6() {
        expectDNS(decode(.ethernet, FrameBuilder.ethernet(destination: FrameBuilder.destinationMAC(for: mdns4), etherType: 0x0800, payload: ipv4Packet())))
        expectDNS(decode(.ethernet, FrameBuilder.ethernet(destination: FrameBuilder.destinationMAC(for: mdns6), etherType: 0x86DD, payload: ipv6Packet())), v6: true)
    }

    @Test func vlanAndQinQTags() {
        let one = FrameBuilder.ethernet(destination: FrameBuilder.destinationMAC(for: mdns4), vlanTags: [10], etherType: 0x0800, payload: ipv4Packet())
        #expect(Array(one[12..<16]) == [0x81, 0x00, 0x00, 0x0A])
        expectDNS(decode(.ethernet, one))
        let two = FrameBuilder.ethernet(destination: FrameBuilder.destinationMAC(for: mdns6), vlanTags: [100, 10], etherType: 0x86DD, payload: ipv6Packet())
        #expect(Array(two[12..<14]) == [0x88, 0xA8])
        expectDNS(decode(.ethernet, two), v6: true)
    }

    @Test func vlanTagLimit() {
        let ok = FrameBuilder.ethernet(destination: [1, 0, 0x5E, 0, 0, 0xFB], vlanTags: [UInt16](repeating: 5, count: PacketDecoder.maxVLANTags),
                                       etherType: 0x0800, payload: ipv4Packet())
        expectDNS(decode(.ethernet, ok))
        let tooMany = FrameBuilder.ethernet(destination: [1, 0, 0x5E, 0, 0, 0xFB], vlanTags: [UInt16](repeating: 5, count: PacketDecoder.maxVLANTags + 1),
                                            etherType: 0x0800, payload: ipv4Packet())
        #expect(decode(.ethernet, tooMany).error?.code == .badLinkHeader)
    }

    @Test func ethernetTrailerIsIgnored() {
        // Bytes after the IP packet (padding, FCS): the IP and UDP lengths decide where the datagram ends.
        let f = FrameBuilder.ethernet(destination: [1, 0, 0x5E, 0, 0, 0xFB], etherType: 0x0800, payload: ipv4Packet()) + [0xDE, 0xAD, 0xBE, 0xEF, 0, 0]
        expectDNS(decode(.ethernet, f))
    }

    @Test func ieee8023WithSNAP() {
        let ip = ipv4Packet()
        var f: [UInt8] = [1, 0, 0x5E, 0, 0, 0xFB, 2, 0, 0, 0, 0, 1]
        f += [UInt8((ip.count + 8) >> 8), UInt8((ip.count + 8) & 0xFF)]    // 802.3 length
        f += [0xAA, 0xAA, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00]             // LLC/SNAP, EtherType IPv4
        expectDNS(decode(.ethernet, f + ip))
    }

    @Test func nonIPIsIgnored() {
        let arp = FrameBuilder.ethernet(destination: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], etherType: 0x0806, payload: [UInt8](repeating: 0, count: 28))
        #expect(decode(.ethernet, arp).isIgnored)
        let tcp = FrameBuilder.ipv4(source: host4, destination: mdns4, protocolNumber: 6, payload: [UInt8](repeating: 0, count: 20))
        #expect(decode(.raw, tcp).isIgnored)
    }

    @Test func linuxSLL() {
        let header: [UInt8] = [
            0x00, 0x00,                                     // packet type: to us
            0x00, 0x01,                                     // ARPHRD_ETHER
            0x00, 0x06,                                     // address length
            0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, // address, padded to 8
            0x08, 0x00,                                     // protocol: IPv4
        ]
        expectDNS(decode(.linuxSLL, header + ipv4Packet()))
    }

    @Test func linuxSLL2() {
        let header: [UInt8] = [
            0x86, 0xDD,                                     // protocol: IPv6
            0x00, 0x00,                                     // reserved
            0x00, 0x00, 0x00, 0x07,                         // interface index 7
            0x00, 0x01,                                     // ARPHRD_ETHER
            0x04,                                           // packet type: outgoing
            0x06,                                           // address length
            0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, // address, padded to 8
        ]
        let o = decode(.linuxSLL2, header + ipv6Packet())
        expectDNS(o, v6: true)
        #expect(o.datagram?.interfaceIndex == 7)
        #expect(FrameBuilder.linuxSLL2(protocolType: 0x86DD, interfaceIndex: 7, packetType: 4, sourceMAC: [2, 0, 0, 0, 0, 1], payload: []) == header)
    }

    @Test(arguments: [LinkType.raw, .rawDLT12, .rawDLT14])
    func rawIP(_ link: LinkType) {
        expectDNS(decode(link, ipv4Packet()))
        expectDNS(decode(link, ipv6Packet()), v6: true)
        #expect(decode(link, [0x50] + ipv4Packet().dropFirst()).error?.code == .badIPHeader)
    }

    @Test func linkTypesIPv4AndIPv6() {
        expectDNS(decode(.ipv4, ipv4Packet()))
        expectDNS(decode(.ipv6, ipv6Packet()), v6: true)
    }

    @Test func bsdNullInBothByteOrders() {
        expectDNS(decode(.null, [0x02, 0x00, 0x00, 0x00] + ipv4Packet()))       // AF_INET, little-endian host
        expectDNS(decode(.null, [0x00, 0x00, 0x00, 0x02] + ipv4Packet()))       // AF_INET, big-endian host
        for af: UInt8 in [24, 28, 30] {                                         // AF_INET6: NetBSD/OpenBSD, FreeBSD, Darwin
            expectDNS(decode(.null, [af, 0, 0, 0] + ipv6Packet()), v6: true)
            expectDNS(decode(.null, [0, 0, 0, af] + ipv6Packet()), v6: true)
        }
        expectDNS(decode(.loop, [0x00, 0x00, 0x00, 0x02] + ipv4Packet()))      // LOOP: network order
        #expect(decode(.null, [0x07, 0, 0, 0] + ipv4Packet()).isIgnored)       // another family
    }

    static let wifiDataQoS: [UInt8] = [
        0x88, 0x02,                                         // frame control: data, QoS data; From DS
        0x00, 0x00,                                         // duration
        0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB,                 // address 1
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02,                 // address 2
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01,                 // address 3
        0x00, 0x00,                                         // sequence control
        0x00, 0x00,                                         // QoS control
        0xAA, 0xAA, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00,     // LLC/SNAP: IPv4
    ]

    @Test func ieee80211DataFrame() {
        expectDNS(decode(.ieee80211, Self.wifiDataQoS + ipv4Packet()))
        var protected = Self.wifiDataQoS
        protected[1] |= 0x40
        #expect(decode(.ieee80211, protected + ipv4Packet()).isIgnored)         // encrypted body
        var beacon = Self.wifiDataQoS
        beacon[0] = 0x80
        #expect(decode(.ieee80211, beacon + ipv4Packet()).isIgnored)            // management frame
    }

    @Test func radiotap() {
        let rt: [UInt8] = [
            0x00,                   // version
            0x00,                   // pad
            0x0C, 0x00,             // length 12, little-endian
            0x04, 0x00, 0x00, 0x00, // present: rate
            0x02, 0x00, 0x00, 0x00, // rate + padding
        ]
        expectDNS(decode(.radiotap, rt + Self.wifiDataQoS + ipv4Packet() + [1, 2, 3, 4]))   // FCS after the frame
        #expect(decode(.radiotap, [0x00, 0x00, 0xFF, 0x00] + Self.wifiDataQoS).error?.code == .badLinkHeader)
    }

    @Test func unknownLinkTypeIsReported() {
        let e = decode(LinkType(147), ipv4Packet()).error
        #expect(e?.code == .unknownLinkType)
        #expect(e?.frame == 1)
    }

    @Test func ipv6ExtensionHeaders() {
        let udp = FrameBuilder.udp(source: host6, destination: mdns6, sourcePort: 5353, destinationPort: 5353, payload: dnsPayload)
        let hopByHop: [UInt8] = [60, 0, 1, 4, 0, 0, 0, 0]          // next: destination options; PadN
        let destOpts: [UInt8] = [17, 0, 1, 4, 0, 0, 0, 0]          // next: UDP
        expectDNS(decode(.ipv6, FrameBuilder.ipv6(source: host6, destination: mdns6, nextHeader: 0, payload: hopByHop + destOpts + udp)), v6: true)
    }

    @Test func ipv6ExtensionHeaderLimit() {
        let udp = FrameBuilder.udp(source: host6, destination: mdns6, sourcePort: 5353, destinationPort: 5353, payload: dnsPayload)
        func chain(_ n: Int) -> [UInt8] {
            var p: [UInt8] = []
            for i in 0..<n { p += [i == n - 1 ? 17 : 60, 0, 1, 4, 0, 0, 0, 0] }
            return FrameBuilder.ipv6(source: host6, destination: mdns6, nextHeader: 60, payload: p + udp)
        }
        expectDNS(decode(.ipv6, chain(PacketDecoder.maxExtensionHeaders)), v6: true)
        #expect(decode(.ipv6, chain(PacketDecoder.maxExtensionHeaders + 1)).error?.code == .badIPHeader)
    }

    @Test func portFilterKeepsLegacyUnicast() {
        var d = PacketDecoder(portFilter: PacketDecoder.mdnsFilter)
        // RFC 6762 §6.7: a reply from 5353 to a legacy querier's port is mDNS too.
        #expect(decode(.raw, ipv4Packet(src: host4, dst: IPAddress("192.0.2.9")!, sport: 5353, dport: 40000), with: &d).datagram != nil)
        #expect(decode(.raw, ipv4Packet(sport: 40000, dport: 5353), with: &d).datagram != nil)
        #expect(decode(.raw, ipv4Packet(sport: 53, dport: 53), with: &d).isIgnored)
    }
}

@Suite("RFC 768 and RFC 791 lengths")
struct LengthTests {
    @Test func udpLengthBelowHeader() {
        var p = ipv4Packet(); p[20 + 4] = 0; p[20 + 5] = 7
        let e = decode(.raw, p).error
        #expect(e?.code == .badUDPLength)
        #expect(e?.offset == 24)
    }

    @Test func udpLengthPastIPPayload() {
        var p = ipv4Packet(); p[20 + 4] = 0x01
        #expect(decode(.raw, p).error?.code == .badUDPLength)
    }

    @Test func udpLengthShorterThanIPPayloadCutsTheDatagram() {
        var p = ipv4Packet(dnsPayload + [9, 9, 9])
        let ulen = 8 + dnsPayload.count
        p[24] = UInt8(ulen >> 8); p[25] = UInt8(ulen & 0xFF)
        #expect(decode(.raw, p).datagram?.payload == dnsPayload)
    }

    @Test func ipTotalLengthPastFrame() {
        var p = ipv4Packet(); p[2] = 0x05; p[3] = 0xDC
        let e = decode(.raw, p).error
        #expect(e?.code == .badIPLength)
        #expect(e?.offset == 2)
    }

    @Test func ipHeaderLengthBelowFive() {
        var p = ipv4Packet(); p[0] = 0x44
        #expect(decode(.raw, p).error?.code == .badIPHeader)
    }

    @Test func ipv6PayloadLengthPastFrame() {
        var p = ipv6Packet(); p[4] = 0x10
        #expect(decode(.raw, p).error?.code == .badIPLength)
    }

    @Test func frameCutBySnapLength() {
        let f = FrameBuilder.ethernet(destination: [1, 0, 0x5E, 0, 0, 0xFB], etherType: 0x0800, payload: ipv4Packet())
        let e = decode(.ethernet, Array(f.prefix(40)), originalLength: f.count).error
        #expect(e?.code == .snapLengthCut)
        #expect(e?.frame == 1)
        // Cut only in the trailer: the datagram is whole.
        #expect(decode(.ethernet, f, originalLength: f.count + 4).datagram?.payload == dnsPayload)
    }

    @Test func emptyAndTinyFramesNeverTrap() {
        for link in LinkType.supported {
            for n in 0..<48 {
                let o = decode(link, [UInt8](repeating: 0x45, count: n))
                if case .datagram = o { Issue.record("datagram from \(n) filler bytes on \(link)") }
            }
        }
    }
}
