import DNSWire
import PCAP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The project's own synthetic captures: generated mDNS conversations written through the PCAP
/// writer. Deterministic: the same bytes on every run (Scripts/make-captures writes them into Captures/).
public enum SyntheticCaptures {
    /// 2023-11-14 22:13:20 UTC: every capture starts here.
    public static let epoch: Int64 = 1_700_000_000

    static func n(_ s: String) -> DNSName { try! DNSName(parsing: s) }   // constant names only
    static func t(_ ms: Int64, ns: Int64 = 0) -> Timestamp { Timestamp(totalNanoseconds: epoch * 1_000_000_000 + ms * 1_000_000 + ns) }

    static let mdns4 = IPAddress("224.0.0.251")!
    static let mdns6 = IPAddress("ff02::fb")!
    static let printer4 = IPAddress("10.0.53.2")!
    static let laptop4 = IPAddress("10.0.53.3")!
    static let printer6 = IPAddress("fe80::2:53ff:fe00:2")!
    static let laptop6 = IPAddress("fe80::2:53ff:fe00:3")!
    static let printerMAC: [UInt8] = [0x02, 0x00, 0x5E, 0x00, 0x53, 0x02]
    static let laptopMAC: [UInt8] = [0x02, 0x00, 0x5E, 0x00, 0x53, 0x03]

    static let host = n("printer.local")
    static let type = n("_ipp._tcp.local")
    static let instance = n("Office Printer._ipp._tcp.local")
    static let services = n("_services._dns-sd._udp.local")

    static var hostA: ResourceRecord { ResourceRecord(name: host, cacheFlush: true, ttl: 120, rdata: .a(.init(10, 0, 53, 2))) }
    static var hostAAAA: ResourceRecord {
        ResourceRecord(name: host, cacheFlush: true, ttl: 120, rdata: .aaaa(IPv6Address("fe80::2:53ff:fe00:2")!))
    }
    static var srv: ResourceRecord { ResourceRecord(name: instance, cacheFlush: true, ttl: 120, rdata: .srv(SRV(port: 631, target: host))) }
    static var txt: ResourceRecord {
        ResourceRecord(name: instance, cacheFlush: true, ttl: 4500, rdata: .txt(TXT([("txtvers", "1"), ("rp", "ipp/print"), ("Color", "T")])))
    }
    static var ptr: ResourceRecord { ResourceRecord(name: type, ttl: 4500, rdata: .ptr(instance)) }
    static var servicesPTR: ResourceRecord { ResourceRecord(name: services, ttl: 4500, rdata: .ptr(type)) }

    // RFC 6762 §8.1: probes ask ANY for each name, QU on the first, with the proposed records in authority.
    static func probe(qu: Bool) -> Message {
        Message(header: .query,
                questions: [Question(name: host, type: .any, unicastResponse: qu), Question(name: instance, type: .any, unicastResponse: qu)],
                authorities: [hostA, srv, txt].map { var r = $0; r.cacheFlush = false; return r })
    }

    // RFC 6762 §8.3: the announcement carries every record, unique ones with cache-flush.
    static var announcement: Message {
        Message(header: .response, answers: [hostA, ptr, srv, txt, servicesPTR])
    }

    static var browse: Message { Message(header: .query, questions: [Question(name: type, type: .ptr)]) }

    static var browseAnswer: Message {
        Message(header: .response, answers: [ptr], additionals: [srv, txt, hostA,
            ResourceRecord(name: host, cacheFlush: true, ttl: 120, rdata: .nsec(NSEC(nextName: host, types: [.a])))])
    }

    // RFC 6762 §10.1: goodbye = the records again with TTL 0.
    static var goodbye: Message {
        Message(header: .response, answers: [ptr, srv, txt, hostA].map { var r = $0; r.ttl = 0; return r })
    }

    struct Packet {
        var time: Timestamp
        var src: IPAddress, dst: IPAddress
        var sport: UInt16 = 5353, dport: UInt16 = 5353
        var mac: [UInt8]
        var payload: [UInt8]
    }

    static func packet(_ ms: Int64, _ src: IPAddress, _ dst: IPAddress, _ m: Message, mac: [UInt8], sport: UInt16 = 5353, dport: UInt16 = 5353) -> Packet {
        Packet(time: t(ms), src: src, dst: dst, sport: sport, dport: dport, mac: mac, payload: m.encoded())
    }

    static func writeEthernet(_ path: String, _ packets: [Packet], vlan: [[UInt16]] = [], trailer: Int = 0, mtu: Int = 1500) throws(PCAPError) -> Int {
        let w = try CaptureWriter(path: path, linkType: .ethernet)
        for (i, p) in packets.enumerated() {
            let tags = vlan.isEmpty ? [] : vlan[i % vlan.count]
            for f in FrameBuilder.ethernetUDP(source: p.src, destination: p.dst, sourcePort: p.sport, destinationPort: p.dport,
                                              payload: p.payload, sourceMAC: p.mac, vlanTags: tags, identification: UInt32(0x100 + i), mtu: mtu) {
                // Ethernet trailer: padding bytes after the IP packet, which the decoder must ignore.
                try w.write(f + [UInt8](repeating: 0xEE, count: trailer), at: p.time)
            }
        }
        try w.close()
        return w.framesWritten
    }

    /// Writes every synthetic capture into `dir`; returns one line per file.
    public static func writeAll(to dir: String) throws(PCAPError) -> [String] {
        var out: [String] = []
        func note(_ name: String, _ frames: Int, _ what: String) { out.append("\(name): \(frames) frames, \(what)") }
        let p = { (name: String) in dir + "/" + name }

        // 1. probe, announce, browse, answer, goodbye over IPv4.
        let conv: [Packet] = [
            packet(0, printer4, mdns4, probe(qu: true), mac: printerMAC),
            packet(250, printer4, mdns4, probe(qu: false), mac: printerMAC),
            packet(500, printer4, mdns4, probe(qu: false), mac: printerMAC),
            packet(750, printer4, mdns4, announcement, mac: printerMAC),
            packet(1750, printer4, mdns4, announcement, mac: printerMAC),
            packet(5000, laptop4, mdns4, browse, mac: laptopMAC),
            packet(5120, printer4, mdns4, browseAnswer, mac: printerMAC),
            packet(60000, printer4, mdns4, goodbye, mac: printerMAC),
        ]
        note("probe-announce.pcap", try writeEthernet(p("probe-announce.pcap"), conv), "IPv4 probe x3, announce x2, browse, answer, goodbye")

        // 2. IPv6: QU query with a known answer, unicast reply, multicast answer with AAAA.
        let known = Message(header: .query, questions: [Question(name: type, type: .ptr, unicastResponse: true)],
                            answers: [ResourceRecord(name: type, ttl: 4500, rdata: .ptr(n("Other._ipp._tcp.local")))])
        let v6answer = Message(header: .response, answers: [ptr], additionals: [srv, txt, hostAAAA])
        let v6: [Packet] = [
            packet(0, laptop6, mdns6, known, mac: laptopMAC),
            packet(30, printer6, laptop6, v6answer, mac: printerMAC),
            packet(1000, laptop6, mdns6, Message(header: .query, questions: [Question(name: host, type: .aaaa)]), mac: laptopMAC),
            packet(1100, printer6, mdns6, Message(header: .response, answers: [hostAAAA]), mac: printerMAC),
        ]
        note("ipv6.pcap", try writeEthernet(p("ipv6.pcap"), v6), "IPv6 QU query with known answer, unicast reply, AAAA")

        // 3. VLAN: 802.1Q and QinQ tags, with Ethernet trailers.
        let vl: [Packet] = [
            packet(0, laptop4, mdns4, browse, mac: laptopMAC),
            packet(100, printer4, mdns4, browseAnswer, mac: printerMAC),
            packet(200, laptop6, mdns6, browse, mac: laptopMAC),
        ]
        note("vlan.pcap", try writeEthernet(p("vlan.pcap"), vl, vlan: [[53], [0x2000 | 100, 53]], trailer: 4), "802.1Q and QinQ tagged, 4-byte trailers")

        // 4. Fragments: a 3000-byte response over IPv4 and IPv6 (RFC 6762 §17 allows up to 9000).
        let big = Message(header: .response, answers: [ptr, srv] + (0..<12).map { i in
            ResourceRecord(name: n("Printer \(i)._ipp._tcp.local"), cacheFlush: true, ttl: 4500,
                           rdata: .txt(TXT(strings: [Array("note=".utf8) + [UInt8](repeating: UInt8(ascii: "a") + UInt8(i), count: 200)])))
        })
        let fr: [Packet] = [
            packet(0, printer4, mdns4, big, mac: printerMAC),
            packet(10, printer6, mdns6, big, mac: printerMAC),
        ]
        note("fragmented.pcap", try writeEthernet(p("fragmented.pcap"), fr), "IPv4 and IPv6 fragmented responses")

        // 5. LINUX_SLL2 ("any" device).
        do {
            let w = try CaptureWriter(path: p("sll2.pcap"), linkType: .linuxSLL2)
            for (i, q) in [packet(0, laptop4, mdns4, browse, mac: laptopMAC), packet(120, printer4, mdns4, browseAnswer, mac: printerMAC),
                           packet(200, laptop6, mdns6, browse, mac: laptopMAC)].enumerated() {
                let ip = FrameBuilder.ipUDP(source: q.src, destination: q.dst, sourcePort: q.sport, destinationPort: q.dport, payload: q.payload)[0]
                try w.write(FrameBuilder.linuxSLL2(protocolType: q.src.isIPv6 ? 0x86DD : 0x0800, interfaceIndex: UInt32(2 + i % 2),
                                                   packetType: 2, sourceMAC: q.mac, payload: ip), at: q.time)
            }
            try w.close()
            note("sll2.pcap", w.framesWritten, "LINUX_SLL2 link type")
        }

        // 6. Conflict and legacy unicast: two hosts claim printer.local with different addresses;
        //    a one-shot resolver asks from port 49152 and gets a reply to that port (RFC 6762 §6.7).
        let rival = IPAddress("10.0.53.9")!
        let rivalA = ResourceRecord(name: host, cacheFlush: true, ttl: 120, rdata: .a(.init(10, 0, 53, 9)))
        var legacyQ = Message(header: .query, questions: [Question(name: host, type: .a)])
        legacyQ.header.id = 0x1234
        var legacyR = Message(header: .response, questions: [Question(name: host, type: .a)],
                              answers: [ResourceRecord(name: host, ttl: 10, rdata: .a(.init(10, 0, 53, 2)))])
        legacyR.header.id = 0x1234
        let cf: [Packet] = [
            packet(0, printer4, mdns4, Message(header: .response, answers: [hostA]), mac: printerMAC),
            packet(400, rival, mdns4, Message(header: .response, answers: [rivalA]), mac: [0x02, 0, 0x5E, 0, 0x53, 0x09]),
            packet(900, laptop4, printer4, legacyQ, mac: laptopMAC, sport: 49152),
            packet(910, printer4, laptop4, legacyR, mac: printerMAC, dport: 49152),
        ]
        note("conflict-legacy.pcap", try writeEthernet(p("conflict-legacy.pcap"), cf), "conflicting A claims, legacy unicast query and reply")

        // 7. Damaged frames: each is reported with its frame number and skipped; reading goes on.
        do {
            let w = try CaptureWriter(path: p("damaged.pcap"), linkType: .ethernet)
            let good = FrameBuilder.ethernetUDP(source: laptop4, destination: mdns4, sourcePort: 5353, destinationPort: 5353,
                                                payload: browse.encoded(), sourceMAC: laptopMAC)[0]
            try w.write(good, at: t(0))
            try w.write(Array(good.prefix(40)), at: t(10), originalLength: good.count)          // cut by the snap length
            var badUDP = good; badUDP[14 + 20 + 4] = 0x7F                                      // UDP length past the IP payload
            try w.write(badUDP, at: t(20))
            var badIP = good; badIP[16] = 0x05; badIP[17] = 0xDC                               // IPv4 total length 1500
            try w.write(badIP, at: t(30))
            var counts = browse.encoded(); counts[5] = 9                                       // QDCOUNT 9 with one question
            try w.write(FrameBuilder.ethernetUDP(source: laptop4, destination: mdns4, sourcePort: 5353, destinationPort: 5353,
                                                 payload: counts, sourceMAC: laptopMAC)[0], at: t(40))
            // RFC 5722: overlapping IPv6 fragments drop the datagram.
            let u = FrameBuilder.udp(source: laptop6, destination: mdns6, sourcePort: 5353, destinationPort: 5353, payload: browse.encoded())
            for (off, more, bytes) in [(0, true, Array(u[0..<16])), (8, false, Array(u[8...]))] {
                var fh: [UInt8] = [17, 0, UInt8(off >> 8), UInt8(off & 0xF8) | (more ? 1 : 0), 0, 0, 0x53, 0x53]
                fh += bytes
                try w.write(FrameBuilder.ethernet(destination: FrameBuilder.destinationMAC(for: mdns6), source: laptopMAC,
                                                  etherType: FrameBuilder.etherTypeIPv6,
                                                  payload: FrameBuilder.ipv6(source: laptop6, destination: mdns6, nextHeader: 44, payload: fh)), at: t(50 + Int64(off)))
            }
            // Message with trailing bytes after the last record: accepted, noted.
            try w.write(FrameBuilder.ethernetUDP(source: laptop4, destination: mdns4, sourcePort: 5353, destinationPort: 5353,
                                                 payload: browse.encoded() + [0, 0, 0], sourceMAC: laptopMAC)[0], at: t(70))
            try w.write(good, at: t(80))
            try w.close()
            note("damaged.pcap", w.framesWritten, "cut, bad UDP length, bad IP length, bad counts, overlapping fragments, trailing bytes")
        }

        // 8. Truncated file: the last record is cut in the middle.
        do {
            let path = p("truncated.pcap")
            _ = try writeEthernet(path, Array(conv.prefix(3)))
            guard truncate(path, off_t(fileSize(path) - 25)) == 0 else { throw PCAPError(.writeFailed, "cannot truncate \(path)") }
            note("truncated.pcap", 3, "three probes, the file cut 25 bytes before its end")
        }

        // 9. pcapng with two interfaces of different link types (Ethernet and raw IP).
        do {
            let w = try PCAPNGWriter(path: p("mixed-linktypes.pcapng"))
            let e = try w.addInterface(.ethernet), r = try w.addInterface(.raw)
            try w.write(FrameBuilder.ethernetUDP(source: laptop4, destination: mdns4, sourcePort: 5353, destinationPort: 5353,
                                                 payload: browse.encoded(), sourceMAC: laptopMAC)[0], interface: e, at: t(0))
            try w.write(FrameBuilder.ipUDP(source: printer4, destination: mdns4, sourcePort: 5353, destinationPort: 5353,
                                           payload: browseAnswer.encoded())[0], interface: r, at: t(100, ns: 123))
            try w.write(FrameBuilder.ethernetUDP(source: laptop6, destination: mdns6, sourcePort: 5353, destinationPort: 5353,
                                                 payload: browse.encoded(), sourceMAC: laptopMAC)[0], interface: e, at: t(200))
            w.close()
            note("mixed-linktypes.pcapng", 3, "pcapng, interface 0 Ethernet, interface 1 raw IPv4")
        }
        return out
    }

    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }
}
