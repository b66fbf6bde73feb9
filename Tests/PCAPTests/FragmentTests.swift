@testable import PCAP
import Testing

/// A payload long enough to need fragments.
let bigPayload: [UInt8] = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }

func v4Fragments(_ payload: [UInt8] = bigPayload, id: UInt32 = 77, mtu: Int = 1500, src: IPAddress = host4) -> [[UInt8]] {
    FrameBuilder.ipUDP(source: src, destination: mdns4, sourcePort: 5353, destinationPort: 5353, payload: payload, identification: id, mtu: mtu)
}

func v6Fragments(_ payload: [UInt8] = bigPayload, id: UInt32 = 77, mtu: Int = 1500) -> [[UInt8]] {
    FrameBuilder.ipUDP(source: host6, destination: mdns6, sourcePort: 5353, destinationPort: 5353, payload: payload, identification: id, mtu: mtu)
}

/// An IPv6 fragment carrying `bytes` of the fragmentable part at `offset`.
func v6Fragment(_ bytes: [UInt8], offset: Int, more: Bool, id: UInt32 = 9, next: UInt8 = 17) -> [UInt8] {
    let fh: [UInt8] = [
        next,                                           // next header (UDP unless given)
        0,                                              // reserved
        UInt8(offset >> 8), UInt8(offset & 0xF8) | (more ? 1 : 0),   // offset, M flag
        UInt8(id >> 24), UInt8((id >> 16) & 0xFF), UInt8((id >> 8) & 0xFF), UInt8(id & 0xFF),
    ]
    return FrameBuilder.ipv6(source: host6, destination: mdns6, nextHeader: 44, payload: fh + bytes)
}

@Suite("RFC 791 §3.2 IPv4 fragment reassembly")
struct IPv4FragmentTests {
    @Test func inOrder() {
        let frags = v4Fragments()
        #expect(frags.count == 3)
        var d = PacketDecoder()
        #expect(decode(.raw, frags[0], frame: 1, with: &d).isHeld)
        #expect(decode(.raw, frags[1], frame: 2, with: &d).isHeld)
        let out = decode(.raw, frags[2], frame: 3, with: &d).datagram
        #expect(out?.payload == bigPayload)
        #expect(out?.frame == 3)
        #expect(out?.fragments == 3)
        #expect(d.reassembler.pendingCount == 0)
    }

    @Test func outOfOrderAndDuplicates() {
        let frags = v4Fragments()
        var d = PacketDecoder()
        #expect(decode(.raw, frags[2], with: &d).isHeld)
        #expect(decode(.raw, frags[0], with: &d).isHeld)
        #expect(decode(.raw, frags[0], with: &d).isHeld)     // exact duplicate: ignored (RFC 5722 erratum 3089)
        #expect(decode(.raw, frags[1], with: &d).datagram?.payload == bigPayload)
    }

    @Test func overlapDropsTheDatagram() {
        let a = v4Fragments(mtu: 1500), b = v4Fragments(mtu: 1000)
        var d = PacketDecoder()
        #expect(decode(.raw, a[0], frame: 1, with: &d).isHeld)
        let e = decode(.raw, b[1], frame: 2, with: &d).error    // starts at 976, inside 0..<1480
        #expect(e?.code == .overlappingFragments)
        #expect(e?.frame == 2)
        // Later fragments of the dropped datagram are dropped too.
        #expect(decode(.raw, a[1], frame: 3, with: &d).error?.code == .overlappingFragments)
        #expect(decode(.raw, a[2], frame: 4, with: &d).datagram == nil)
    }

    @Test func nonFinalFragmentNotMultipleOfEight() {
        var f = FrameBuilder.ipv4(source: host4, destination: mdns4, protocolNumber: 17, payload: [UInt8](repeating: 1, count: 13), moreFragments: true)
        f[10] = 0; f[11] = 0
        #expect(decode(.raw, f).error?.code == .badFragment)
    }

    @Test func pendingDatagramLimit() {
        var d = PacketDecoder()
        for i in 0..<Reassembler.maxPendingDatagrams {
            #expect(decode(.raw, v4Fragments(id: UInt32(i))[0], frame: i + 1, with: &d).isHeld)
        }
        #expect(d.reassembler.pendingCount == Reassembler.maxPendingDatagrams)
        #expect(d.reassembler.reports.isEmpty)
        #expect(decode(.raw, v4Fragments(id: 999)[0], frame: 100, with: &d).isHeld)
        #expect(d.reassembler.pendingCount == Reassembler.maxPendingDatagrams)
        #expect(d.reassembler.reports.map(\.code) == [.reassemblyLimit])
        #expect(d.reassembler.reports.first?.frame == 1)       // the oldest went
    }

    @Test func fragmentsPerDatagramLimit() {
        // 8-byte fragments: maxFragmentsPerDatagram of them are kept, one more drops the datagram.
        let payload = [UInt8](repeating: 3, count: 8 * (Reassembler.maxFragmentsPerDatagram + 2) - 8)
        let frags = v4Fragments(payload, mtu: 28)
        #expect(frags.count == Reassembler.maxFragmentsPerDatagram + 2)
        var d = PacketDecoder()
        for f in frags.prefix(Reassembler.maxFragmentsPerDatagram) { #expect(decode(.raw, f, with: &d).isHeld) }
        #expect(decode(.raw, frags[Reassembler.maxFragmentsPerDatagram], with: &d).error?.code == .reassemblyLimit)
    }

    @Test func datagramLengthLimit() {
        // Offset 65528 + 16 bytes ends past 65535.
        var f = FrameBuilder.ipv4(source: host4, destination: mdns4, protocolNumber: 17, payload: [UInt8](repeating: 0, count: 16),
                                  fragmentOffset: 65528, moreFragments: false)
        f[10] = 0; f[11] = 0
        #expect(decode(.raw, f).error?.code == .badFragment)
        #expect(65528 + 16 > Reassembler.maxDatagramLength)
    }

    @Test func pendingBytesLimit() {
        // Each datagram holds one 60000-byte fragment; the one that passes maxPendingBytes evicts the oldest.
        var d = PacketDecoder()
        let payload = [UInt8](repeating: 1, count: 65000)
        let fit = Reassembler.maxPendingBytes / 60000
        #expect(fit < Reassembler.maxPendingDatagrams)
        for i in 0..<fit {
            #expect(decode(.raw, v4Fragments(payload, id: UInt32(i), mtu: 60020)[0], frame: i + 1, with: &d).isHeld)
        }
        #expect(d.reassembler.reports.isEmpty)
        #expect(d.reassembler.pendingBytes == fit * 60000)
        _ = decode(.raw, v4Fragments(payload, id: 999, mtu: 60020)[0], frame: 99, with: &d)
        #expect(d.reassembler.reports.map(\.code) == [.reassemblyLimit])
        #expect(d.reassembler.reports.first?.frame == 1)
        #expect(d.reassembler.pendingBytes <= Reassembler.maxPendingBytes)
        #expect(d.reassembler.pendingCount == fit)
    }

    @Test func timeout() {
        var d = PacketDecoder()
        let a = v4Fragments(id: 1), b = v4Fragments(id: 2)
        #expect(decode(.raw, a[0], frame: 1, ms: 0, with: &d).isHeld)
        let later = Reassembler.timeoutNanoseconds / 1_000_000 + 1
        #expect(decode(.raw, b[0], frame: 2, ms: later, with: &d).isHeld)
        #expect(d.reassembler.reports.map(\.code) == [.incompleteFragments])
        #expect(d.reassembler.reports.first?.frame == 1)
        // The rest of the expired datagram starts a new, incomplete one.
        #expect(decode(.raw, a[1], frame: 3, ms: later, with: &d).isHeld)
    }

    @Test func incompleteAtEndIsReported() {
        var d = PacketDecoder()
        _ = decode(.raw, v4Fragments()[0], frame: 5, with: &d)
        d.finish()
        #expect(d.reassembler.reports.map(\.code) == [.incompleteFragments])
        #expect(d.reassembler.reports.first?.frame == 5)
    }
}

@Suite("RFC 8200 §4.5 IPv6 fragment reassembly, RFC 5722 overlaps")
struct IPv6FragmentTests {
    @Test func reassembles() {
        let frags = v6Fragments()
        #expect(frags.count == 3)
        var d = PacketDecoder()
        #expect(decode(.raw, frags[1], with: &d).isHeld)
        #expect(decode(.raw, frags[0], with: &d).isHeld)
        let out = decode(.raw, frags[2], frame: 9, with: &d).datagram
        #expect(out?.payload == bigPayload)
        #expect(out?.source == host6)
        #expect(out?.frame == 9)
    }

    @Test func overlappingFragmentsDropTheWholeDatagram() {
        let udp = FrameBuilder.udp(source: host6, destination: mdns6, sourcePort: 5353, destinationPort: 5353, payload: dnsPayload)
        var d = PacketDecoder()
        #expect(decode(.raw, v6Fragment(Array(udp[0..<16]), offset: 0, more: true), frame: 1, with: &d).isHeld)
        // RFC 5722 §4: bytes 8..<16 arrive twice with different extents: drop everything.
        let e = decode(.raw, v6Fragment(Array(udp[8...]), offset: 8, more: false), frame: 2, with: &d).error
        #expect(e?.code == .overlappingFragments)
        #expect(e?.frame == 2)
        #expect(decode(.raw, v6Fragment(Array(udp[16...]), offset: 16, more: false), frame: 3, with: &d).error?.code == .overlappingFragments)
        d.finish()
        #expect(d.reassembler.reports.isEmpty)       // a dropped datagram is not "incomplete"
    }

    @Test func atomicFragmentIsAWholePacket() {
        let udp = FrameBuilder.udp(source: host6, destination: mdns6, sourcePort: 5353, destinationPort: 5353, payload: dnsPayload)
        #expect(decode(.raw, v6Fragment(udp, offset: 0, more: false)).datagram?.payload == dnsPayload)
    }

    @Test func fragmentHeaderInsideReassembledPacketIsRejected() {
        // The fragmentable part starts with another fragment header: nested fragmentation.
        let inner: [UInt8] = [17, 0, 0, 0, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 8)
        var d = PacketDecoder()
        #expect(decode(.raw, v6Fragment(Array(inner[0..<8]), offset: 0, more: true, id: 3, next: 44), with: &d).isHeld)
        #expect(decode(.raw, v6Fragment(Array(inner[8...]), offset: 8, more: false, id: 3, next: 44), with: &d).error?.code == .badFragment)
    }
}
