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

    func at(_ ms: Int64, _ frame: Int, _ from: PCAP.IPAddress, _ mac: UInt8, _ m: Message) -> CaptureConformance.Packet {
        var p = packet(frame, from, mac, m)
        p.time = ms * 1_000_000
        return p
    }

    /// RFC 6762 §14: one responder on two interfaces of a link announces its name on both at once,
    /// each interface with its own address.
    @Test func oneNameAnnouncedAtOnceFromTwoMACsIsOneMultiHomedHost() {
        let ds = CaptureConformance.identify([
            at(0, 1, R.host(2), 2, R.response([R.a("imac.local", 2)])),
            at(0, 2, R.host(3), 3, R.response([R.a("imac.local", 3)])),
            at(1000, 3, R.host(2), 2, R.response([R.a("imac.local", 2)])),
            at(1000, 4, R.host(3), 3, R.response([R.a("imac.local", 3)])),
        ])
        #expect(ds.count == 1)
        #expect(Set(ds[0].addresses) == [R.host(2), R.host(3)])
        #expect(ds[0].hostNames == [R.name("imac.local")])
    }

    /// A conflicting claimer (RFC 6762 §9) comes after the owner's announcements: two hosts.
    @Test func aLaterClaimOfTheSameNameFromAnotherMACIsAnotherHost() {
        let late = CaptureConformance.multiHomedClaimWindow / 1_000_000 + 1
        let ds = CaptureConformance.identify([
            at(0, 1, R.host(2), 2, R.response([R.a("owner.local", 2)])),
            at(late, 2, R.host(3), 3, R.response([R.a("owner.local", 3)])),
        ])
        #expect(ds.count == 2)
        #expect(CaptureConformance.multiHomedClaimWindow == 50_000_000)
    }

    /// Two programs on one host (one MAC, one address), each with its own host name and service.
    @Test func twoProgramsOnOneHostAreToldApartByTheHostNamesTheyClaim() {
        let ds = CaptureConformance.identify([
            at(0, 1, R.host(2), 2, R.probe("avahi.local", [R.a("avahi.local", 2)])),
            at(10, 2, R.host(2), 2, R.probe("zc.local", [R.a("zc.local", 2)])),
            at(700, 3, R.host(2), 2, R.response([R.a("avahi.local", 2)])),
            at(710, 4, R.host(2), 2, R.response([R.srv("Z._http._tcp.local", "zc.local"), R.txt("Z._http._tcp.local")],
                                                additionals: [R.a("zc.local", 2)])),
            at(900, 5, R.host(2), 2, R.response([R.ptr("_http._tcp.local", "Z._http._tcp.local")])),
            at(1700, 6, R.host(2), 2, R.response([R.a("avahi.local", 2)])),
            at(1710, 7, R.host(2), 2, R.query("_ipp._tcp.local", .ptr)),
        ])
        #expect(ds.map(\.hostNames) == [[R.name("avahi.local")], [R.name("zc.local")]])
        #expect(ds.map(\.packets) == [[0, 2, 5, 6], [1, 3, 4]])
        #expect(ds.allSatisfy { $0.addresses == [R.host(2)] })
    }

    /// A rename (RFC 6762 §9): the new name is claimed after the old one's last claim, one program.
    @Test func aRenamedHostIsOneProgram() {
        let ds = CaptureConformance.identify([
            at(0, 1, R.host(2), 2, R.response([R.a("old.local", 2)])),
            at(1000, 2, R.host(2), 2, R.response([R.a("old.local", 2)])),
            at(3000, 3, R.host(2), 2, R.probe("new.local", [R.a("new.local", 2)])),
            at(4000, 4, R.host(2), 2, R.response([R.a("new.local", 2)])),
        ])
        #expect(ds.count == 1)
        #expect(ds[0].hostNames == [R.name("old.local"), R.name("new.local")])
    }
}
