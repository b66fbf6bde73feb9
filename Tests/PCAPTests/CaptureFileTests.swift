@testable import PCAP
import Testing
#if canImport(Glibc)
import Glibc
#endif

func readAll(_ path: String) throws(PCAPError) -> (datagrams: [UDPDatagram], skipped: [PCAPError]) {
    let r = try DatagramReader(path: path)
    var ds: [UDPDatagram] = [], sk: [PCAPError] = []
    while let e = try r.next() {
        switch e {
        case .datagram(let d): ds.append(d)
        case .skipped(let s): sk.append(s)
        }
    }
    return (ds, sk)
}

func writeBytes(_ path: String, _ bytes: [UInt8]) {
    let f = fopen(path, "wb")!
    _ = fwrite(bytes, 1, bytes.count, f)
    fclose(f)
}

func frame4(_ payload: [UInt8]) -> [UInt8] {
    FrameBuilder.ethernetUDP(source: host4, destination: mdns4, sourcePort: 5353, destinationPort: 5353, payload: payload)[0]
}

@Suite("Capture files: pcap and pcapng")
struct CaptureFileTests {
    @Test func writeAndReadBackWithNanoseconds() throws {
        let path = tempPath("rt.pcap")
        defer { unlink(path) }
        let w = try CaptureWriter(path: path)
        try w.write(frame4(dnsPayload), at: Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789))
        try w.write(frame4(dnsPayload + [1]), at: Timestamp(seconds: 1_700_000_001, nanoseconds: 5))
        try w.close()
        let (ds, sk) = try readAll(path)
        #expect(sk.isEmpty)
        #expect(ds.map(\.frame) == [1, 2])
        #expect(ds.map(\.timestamp) == [Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789), Timestamp(seconds: 1_700_000_001, nanoseconds: 5)])
        #expect(ds[0].payload == dnsPayload)
        #expect(ds[1].payload == dnsPayload + [1])
    }

    @Test func microsecondFileIsScaledToNanoseconds() throws {
        // A classic pcap header with the microsecond magic, one 60-byte record at 1.000002 s.
        let f = frame4(dnsPayload)
        var b: [UInt8] = [
            0xD4, 0xC3, 0xB2, 0xA1,     // magic: microseconds, little-endian
            0x02, 0x00, 0x04, 0x00,     // version 2.4
            0, 0, 0, 0, 0, 0, 0, 0,     // thiszone, sigfigs
            0xFF, 0xFF, 0x00, 0x00,     // snaplen 65535
            0x01, 0x00, 0x00, 0x00,     // LINKTYPE_ETHERNET
            0x01, 0x00, 0x00, 0x00,     // ts_sec 1
            0x02, 0x00, 0x00, 0x00,     // ts_usec 2
        ]
        b += [UInt8(f.count), 0, 0, 0, UInt8(f.count), 0, 0, 0] + f
        let path = tempPath("usec.pcap")
        defer { unlink(path) }
        writeBytes(path, b)
        let (ds, _) = try readAll(path)
        #expect(ds.first?.timestamp == Timestamp(seconds: 1, nanoseconds: 2000))
    }

    @Test func truncatedFileKeepsFramesBefore() throws {
        let path = tempPath("trunc.pcap")
        defer { unlink(path) }
        let w = try CaptureWriter(path: path)
        for i in 0..<3 { try w.write(frame4(dnsPayload), at: Timestamp(seconds: Int64(i))) }
        try w.close()
        var st = stat(); stat(path, &st)
        truncate(path, st.st_size - 10)
        let r = try DatagramReader(path: path)
        var got: [Int] = []
        var failure: PCAPError? = nil
        do throws(PCAPError) {
            while let e = try r.next() { if case .datagram(let d) = e { got.append(d.frame) } }
        } catch { failure = error }
        #expect(got == [1, 2])
        #expect(failure?.code == .truncatedFile)
        #expect(failure?.frame == 3)
        let recordSize = 16 + frame4(dnsPayload).count
        #expect(failure?.offset == 24 + 2 * recordSize)
    }

    @Test func garbageFileIsRejected() {
        let path = tempPath("garbage.pcap")
        defer { unlink(path) }
        writeBytes(path, Array("this is not a capture file at all".utf8))
        #expect(throws: PCAPError.self) { try CaptureReader(path: path) }
        do { _ = try CaptureReader(path: path) } catch { #expect(error.code == .badFile) }
    }

    @Test func missingFile() {
        do { _ = try CaptureReader(path: "/nonexistent/x.pcap"); Issue.record("opened a missing file") } catch {
            #expect(error.code == .openFailed)
        }
    }

    @Test func pcapngThroughLibpcap() throws {
        let path = tempPath("one.pcapng")
        defer { unlink(path) }
        let w = try PCAPNGWriter(path: path)
        try w.addInterface(.ethernet)
        try w.write(frame4(dnsPayload), interface: 0, at: Timestamp(seconds: 7, nanoseconds: 42))
        w.close()
        let r = try CaptureReader(path: path)
        #expect(try r.next()?.timestamp == Timestamp(seconds: 7, nanoseconds: 42))
        #expect(!r.usingOwnPCAPNGReader)
    }

    @Test func pcapngWithMixedLinkTypesIsReadOn() throws {
        let path = tempPath("mixed.pcapng")
        defer { unlink(path) }
        let w = try PCAPNGWriter(path: path)
        try w.addInterface(.ethernet)
        try w.addInterface(.raw)
        try w.write(frame4(dnsPayload), interface: 0, at: Timestamp(seconds: 1))
        try w.write(ipv4Packet(dnsPayload + [2]), interface: 1, at: Timestamp(seconds: 2, nanoseconds: 9))
        try w.write(frame4(dnsPayload + [3, 3]), interface: 0, at: Timestamp(seconds: 3))
        w.close()
        let (ds, sk) = try readAll(path)
        #expect(sk.isEmpty)
        #expect(ds.map(\.frame) == [1, 2, 3])
        #expect(ds.map(\.interface) == [0, 1, 0])
        #expect(ds.map { $0.payload.count } == [dnsPayload.count, dnsPayload.count + 1, dnsPayload.count + 2])
        #expect(ds[1].timestamp == Timestamp(seconds: 2, nanoseconds: 9))
    }

    @Test func pcapngBlockLengthLimit() throws {
        let path = tempPath("huge.pcapng")
        defer { unlink(path) }
        let w = try PCAPNGWriter(path: path)
        try w.addInterface(.ethernet)
        w.close()
        // An EPB header announcing a block one past the limit.
        let len = UInt32(PCAPNGReader.maxBlockLength + 4)
        let f = fopen(path, "ab")!
        let hdr: [UInt8] = [6, 0, 0, 0, UInt8(len & 0xFF), UInt8((len >> 8) & 0xFF), UInt8((len >> 16) & 0xFF), UInt8(len >> 24)]
        _ = fwrite(hdr, 1, hdr.count, f); fclose(f)
        let r = try PCAPNGReader(path: path)
        do { _ = try r.next(); Issue.record("accepted a block past the limit") } catch {
            #expect(error.code == .badFile)
            #expect(error.offset == 28 + 32 + 4)
        }
    }

    @Test func pcapngReaderRejectsNonPCAPNG() throws {
        let path = tempPath("notng")
        defer { unlink(path) }
        writeBytes(path, [UInt8](repeating: 1, count: 64))
        let r = try PCAPNGReader(path: path)
        do { _ = try r.next(); Issue.record("accepted garbage") } catch { #expect(error.code == .badFile) }
    }

    @Test func pcapngTruncatedBlock() throws {
        let path = tempPath("cut.pcapng")
        defer { unlink(path) }
        let w = try PCAPNGWriter(path: path)
        try w.addInterface(.ethernet)
        try w.write(frame4(dnsPayload), interface: 0, at: Timestamp(seconds: 1))
        w.close()
        var st = stat(); stat(path, &st)
        truncate(path, st.st_size - 6)
        let r = try PCAPNGReader(path: path)
        do { _ = try r.next(); Issue.record("read a cut block") } catch { #expect(error.code == .truncatedFile) }
    }
}

@Suite("IP address text (RFC 5952)")
struct AddressTests {
    @Test(arguments: [
        ("fe80::1", "fe80::1"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("ff02::fb", "ff02::fb"),
        ("::", "::"), ("::1", "::1"), ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6"), ("::ffff:10.0.0.1", "::ffff:10.0.0.1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
    ])
    func v6(_ input: String, _ expected: String) {
        #expect(IPAddress(input)?.description == expected)
    }

    @Test func v4() {
        #expect(IPAddress("224.0.0.251") == .v4(0xE00000FB))
        #expect(IPAddress("224.0.0.251")?.isMulticast == true)
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPAddress("fe80::1::2") == nil)
    }

    @Test func multicastMACs() {
        // RFC 1112 §6.4: low 23 bits into 01:00:5e; RFC 2464 §7: low 32 bits into 33:33.
        #expect(FrameBuilder.destinationMAC(for: IPAddress("224.0.0.251")!) == [0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB])
        #expect(FrameBuilder.destinationMAC(for: IPAddress("ff02::fb")!) == [0x33, 0x33, 0x00, 0x00, 0x00, 0xFB])
    }

    @Test func udpChecksumVerifies() {
        // The checksum over pseudo-header + datagram, recomputed with the checksum field in place, is zero.
        for (s, d) in [(host4, mdns4), (host6, mdns6)] {
            let u = FrameBuilder.udp(source: s, destination: d, sourcePort: 5353, destinationPort: 5353, payload: dnsPayload)
            var pseudo = s.bytes + d.bytes
            if s.isIPv6 { pseudo += [0, 0, UInt8(u.count >> 8), UInt8(u.count & 0xFF), 0, 0, 0, 17] } else { pseudo += [0, 17, UInt8(u.count >> 8), UInt8(u.count & 0xFF)] }
            #expect(FrameBuilder.checksum(pseudo + u) == 0)
        }
        #expect(FrameBuilder.checksum(FrameBuilder.ipv4(source: host4, destination: mdns4, protocolNumber: 17, payload: [])) == 0)
    }
}
