import DNSWire
import MDNSConformance
import MDNSCore
import PCAP
import Testing

/// How source addresses are grouped into hosts when the capture has link-layer addresses.
@Suite("Capture devices: link-layer identity")
struct CaptureLinkIdentityTests {
    typealias R = Recording
    static let v6 = PCAP.IPAddress("fe80::9")!

    func packet(_ i: Int, _ from: PCAP.IPAddress, _ mac: UInt8?, _ m: Message) -> CaptureConformance.Packet {
        .init(frame: i, time: Int64(i) * 1_000_000, source: from, destination: R.group, message: m,
              linkSource: mac.map { LinkAddress([2, 0, 0x5E, 0, 0x53, $0]) })
    }

    @Test func oneMACAcrossFamiliesIsOneHost() {
        let q = R.query("_ipp._tcp.local", .ptr)
        let ds = CaptureConformance.identify([packet(1, R.host(2), 2, q), packet(2, Self.v6, 2, q)])
        #expect(ds.count == 1)
        #expect(Set(ds[0].addresses) == [R.host(2), Self.v6])
    }

    @Test func withoutMACsAddressClaimsStillJoin() {
        let ds = CaptureConformance.identify([
            packet(1, R.host(2), nil, R.response([R.a("host.local", 2), R.a("host.local", 3)])),
            packet(2, R.host(3), nil, R.response([R.a("host.local", 3)])),
        ])
        #expect(ds.count == 1)
    }

    @Test func zeroMACIdentifiesNoOne() {
        let q = R.query("_ipp._tcp.local", .ptr)
        let ds = CaptureConformance.identify([packet(1, R.host(2), 0, q), packet(2, R.host(3), 0, q)].map {
            var p = $0; p.linkSource = LinkAddress([0, 0, 0, 0, 0, 0]); return p
        })
        #expect(ds.count == 2)
    }
}
