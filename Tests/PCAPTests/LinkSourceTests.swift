@testable import PCAP
import Testing

/// The sender's link-layer address, where the link type carries one.
@Suite("Link-layer source address")
struct LinkSourceTests {
    static let mac: [UInt8] = [0x02, 0x00, 0x5E, 0x00, 0x53, 0x09]
    static let mac4 = [0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB] as [UInt8]

    @Test func ethernetPlainAndVLANTagged() {
        let plain = FrameBuilder.ethernet(destination: Self.mac4, source: Self.mac, etherType: 0x0800, payload: ipv4Packet())
        #expect(decode(.ethernet, plain).datagram?.linkSource == LinkAddress(Self.mac))
        let tagged = FrameBuilder.ethernet(destination: Self.mac4, source: Self.mac, vlanTags: [100, 10], etherType: 0x0800, payload: ipv4Packet())
        #expect(decode(.ethernet, tagged).datagram?.linkSource == LinkAddress(Self.mac))
    }

    @Test func linuxSLLAddressOfItsLength() {
        // pkttype(2) ARPHRD(2) addrlen(2) addr(8) protocol(2)
        func sll(_ len: UInt8) -> [UInt8] { [0, 0, 0, 1, 0, len] + Self.mac + [0, 0, 0x08, 0x00] + ipv4Packet() }
        #expect(decode(.linuxSLL, sll(6)).datagram?.linkSource == LinkAddress(Self.mac))
        #expect(decode(.linuxSLL, sll(4)).datagram?.linkSource == LinkAddress(Array(Self.mac.prefix(4))))
        #expect(decode(.linuxSLL, sll(0)).datagram?.linkSource == nil)
        // A length above the 8-byte field is cut to it.
        #expect(decode(.linuxSLL, sll(20)).datagram?.linkSource?.bytes.count == LinkAddress.maxLength)
    }

    @Test func linuxSLL2() {
        let f = FrameBuilder.linuxSLL2(protocolType: 0x86DD, interfaceIndex: 3, sourceMAC: Self.mac, payload: ipv6Packet())
        let d = decode(.linuxSLL2, f).datagram
        #expect(d?.linkSource == LinkAddress(Self.mac))
        #expect(d?.interfaceIndex == 3)
    }

    /// IEEE 802.11 §9.3.2.1: the source address moves with the To DS / From DS bits.
    @Test(arguments: [(UInt8(0), 10), (1, 10), (2, 16), (3, 24)])
    func ieee80211SourceAddress(_ ds: UInt8, _ at: Int) {
        var h = [UInt8](repeating: 0, count: ds == 3 ? 30 : 24)
        h[0] = 0x08; h[1] = ds                                           // data frame
        for i in 0..<6 { h[4 + i] = 0xAA; h[10 + i] = 0xBB; h[16 + i] = 0xCC }
        if ds == 3 { for i in 0..<6 { h[24 + i] = 0xDD } }
        for i in 0..<6 { h[at + i] = Self.mac[i] }
        let snap: [UInt8] = [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00]
        #expect(decode(.ieee80211, h + snap + ipv4Packet()).datagram?.linkSource == LinkAddress(Self.mac))
    }

    @Test func noneOnRawIPAndLoopback() {
        #expect(decode(.raw, ipv4Packet()).datagram?.linkSource == nil)
        #expect(decode(.ipv6, ipv6Packet()).datagram?.linkSource == nil)
        #expect(decode(.null, [0x02, 0, 0, 0] + ipv4Packet()).datagram?.linkSource == nil)
        #expect(decode(.loop, [0, 0, 0, 0x02] + ipv4Packet()).datagram?.linkSource == nil)
    }

    @Test func reassembledDatagramKeepsTheSender() throws {
        var decoder = PacketDecoder()
        let frames = FrameBuilder.ethernetUDP(source: host4, destination: mdns4, sourcePort: 5353, destinationPort: 5353,
                                              payload: [UInt8](repeating: 7, count: 3000), sourceMAC: Self.mac, identification: 9)
        #expect(frames.count > 1)
        var last: FrameOutcome = .ignored
        for (i, f) in frames.enumerated() {
            last = f.withUnsafeBytes { decoder.decode(RawFrame(number: i + 1, timestamp: Timestamp(seconds: 0), originalLength: f.count, linkType: .ethernet, bytes: $0)) }
        }
        #expect(last.datagram?.linkSource == LinkAddress(Self.mac))
    }

    @Test func textAndKinds() {
        #expect(LinkAddress("02:00:5e:00:53:09") == LinkAddress(Self.mac))
        #expect(LinkAddress("02-00-5E-00-53-09")?.description == "02:00:5e:00:53:09")
        #expect(LinkAddress("02:00:5e:00:53") != nil)
        #expect(LinkAddress("") == nil)
        #expect(LinkAddress("0:1:2:3:4:5:6:7:8") == nil)                 // above maxLength
        #expect(LinkAddress("02:00:5g:00:53:09") == nil)
        #expect(LinkAddress(Self.mac).isStation)
        #expect(!LinkAddress(Self.mac4).isStation)                       // group bit
        #expect(!LinkAddress([0, 0, 0, 0, 0, 0]).isStation)              // Linux loopback
        #expect(!LinkAddress([]).isStation)
    }

    static let captures: String = {
        var p = #filePath.split(separator: "/").map(String.init)
        p.removeLast(3)
        return "/" + p.joined(separator: "/") + "/Captures"
    }()

    /// The project's captures, as tshark shows them (`-e eth.src -e sll.src.eth`).
    @Test(arguments: ["vlan.pcap", "sll2.pcap"])
    func projectCaptures(_ file: String) throws {
        let ds = try readAll(Self.captures + "/" + file).datagrams
        #expect(ds.map { $0.linkSource?.description } == ["02:00:5e:00:53:03", "02:00:5e:00:53:02", "02:00:5e:00:53:03"])
    }

    @Test func mixedLinkTypesHaveAnAddressOnlyOnEthernet() throws {
        let ds = try readAll(Self.captures + "/mixed-linktypes.pcapng").datagrams
        #expect(ds.map { $0.linkSource?.description } == ["02:00:5e:00:53:03", nil, "02:00:5e:00:53:03"])
    }

    /// Each host of probe-announce.pcap sends from one MAC: 10.0.53.N from 02:00:5e:00:53:0N.
    @Test func probeAnnounceOneAddressPerSender() throws {
        let ds = try readAll(Self.captures + "/probe-announce.pcap").datagrams
        #expect(ds.count > 2)
        for d in ds { #expect(d.linkSource?.bytes.last == d.source.bytes.last) }
        #expect(Set(ds.map(\.linkSource)).count == 2)
    }
}
