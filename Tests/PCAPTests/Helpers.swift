@testable import PCAP
import Testing
#if canImport(Glibc)
import Glibc
#endif

let mdns4 = IPAddress("224.0.0.251")!
let mdns6 = IPAddress("ff02::fb")!
let host4 = IPAddress("192.0.2.7")!
let host6 = IPAddress("fe80::7")!
let dnsPayload: [UInt8] = [
    0x00, 0x00,             // ID 0
    0x00, 0x00,             // flags: query
    0x00, 0x01,             // QDCOUNT 1
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00,   // "local."
    0x00, 0x0c,             // PTR
    0x00, 0x01,             // IN
]

/// Decodes one frame with a fresh decoder (or the given one).
func decode(_ link: LinkType, _ bytes: [UInt8], originalLength: Int? = nil, frame: Int = 1, ms: Int64 = 0,
            with decoder: inout PacketDecoder) -> FrameOutcome {
    bytes.withUnsafeBytes { raw in
        decoder.decode(RawFrame(number: frame, timestamp: Timestamp(totalNanoseconds: ms * 1_000_000), originalLength: originalLength ?? bytes.count,
                                linkType: link, bytes: raw))
    }
}

func decode(_ link: LinkType, _ bytes: [UInt8], originalLength: Int? = nil) -> FrameOutcome {
    var d = PacketDecoder()
    return decode(link, bytes, originalLength: originalLength, with: &d)
}

extension FrameOutcome {
    var datagram: UDPDatagram? { if case .datagram(let d) = self { return d } else { return nil } }
    var error: PCAPError? { if case .skipped(let e) = self { return e } else { return nil } }
    var isIgnored: Bool { if case .ignored = self { return true } else { return false } }
    var isHeld: Bool { if case .fragmentHeld = self { return true } else { return false } }
}

func ipv4Packet(_ payload: [UInt8] = dnsPayload, src: IPAddress = host4, dst: IPAddress = mdns4, sport: UInt16 = 5353, dport: UInt16 = 5353) -> [UInt8] {
    FrameBuilder.ipUDP(source: src, destination: dst, sourcePort: sport, destinationPort: dport, payload: payload)[0]
}

func ipv6Packet(_ payload: [UInt8] = dnsPayload) -> [UInt8] {
    FrameBuilder.ipUDP(source: host6, destination: mdns6, sourcePort: 5353, destinationPort: 5353, payload: payload)[0]
}

/// A fresh temporary path under /tmp (removed by the caller).
func tempPath(_ name: String) -> String {
    "/tmp/swift-mdns-pcaptests-\(getpid())-\(name)"
}
