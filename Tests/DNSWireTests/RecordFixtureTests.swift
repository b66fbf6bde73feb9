import DNSWire
import Testing

/// One message per record type, one field per line. Uncompressed fixtures must re-encode
/// byte-identically with `.none`; compressed ones are written the way the encoder compresses
/// (each name pointing at the earliest longest suffix already written) and must re-encode
/// byte-identically with `.suffixes`.
enum Fixtures {
    struct Named: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        var testDescription: String { name }
    }

    /// Every fixture, for the sweeps (truncation, trailing bytes).
    static let all: [Named] = [
        Named(name: "A", bytes: aRecord), Named(name: "AAAA", bytes: aaaaRecord),
        Named(name: "PTR", bytes: ptrResponse), Named(name: "SRV", bytes: srvResponse),
        Named(name: "TXT", bytes: txtRecord), Named(name: "CNAME", bytes: cnameResponse),
        Named(name: "NS", bytes: nsAuthority), Named(name: "HINFO", bytes: hinfoRecord),
        Named(name: "NSEC", bytes: nsecRecord), Named(name: "OPT", bytes: optOwnerQuery),
        Named(name: "SOA", bytes: soaNegative), Named(name: "MX", bytes: mxRecord),
        Named(name: "unknown", bytes: unknownType), Named(name: "announcement", bytes: serviceAnnouncement),
    ]

    static let aRecord = hex("""
        0000 8400 0000 0001 0000 0000   # header: id 0, QR AA, 1 answer
        06 6d79686f7374                 # label "myhost"
        05 6c6f63616c                   # label "local"
        00                              # root
        0001                            # type A
        8001                            # class IN, cache-flush
        00000078                        # TTL 120
        0004                            # RDLENGTH 4
        c0a80102                        # 192.168.1.2
        """)

    static let aaaaRecord = hex("""
        0000 8400 0000 0001 0000 0000   # header: id 0, QR AA, 1 answer
        06 6d79686f7374                 # label "myhost"
        05 6c6f63616c                   # label "local"
        00                              # root
        001c                            # type AAAA
        8001                            # class IN, cache-flush
        00000078                        # TTL 120
        0010                            # RDLENGTH 16
        fe80 0000 0000 0000             # fe80::
        0211 22ff fe33 4455             #   211:22ff:fe33:4455
        """)

    /// Compressed: the PTR target points back at the owner name.
    static let ptrResponse = hex("""
        0000 8400 0000 0001 0000 0000   # header: id 0, QR AA, 1 answer
        04 5f697070                     # @12 label "_ipp"
        04 5f746370                     # @17 label "_tcp"
        05 6c6f63616c                   # @22 label "local"
        00                              # root
        000c                            # type PTR
        0001                            # class IN (shared record: no cache-flush)
        00001194                        # TTL 4500
        000d                            # RDLENGTH 13
        0a 4d79205072696e746572         # @41 label "My Printer"
        c00c                            # pointer to "_ipp._tcp.local" at 12
        """)

    /// Compressed: the target host shares "local" with the owner name.
    static let srvResponse = hex("""
        0000 8400 0000 0001 0000 0000   # header: id 0, QR AA, 1 answer
        0a 4d79205072696e746572         # @12 label "My Printer"
        04 5f697070                     # @23 label "_ipp"
        04 5f746370                     # @28 label "_tcp"
        05 6c6f63616c                   # @33 label "local"
        00                              # root
        0021                            # type SRV
        8001                            # class IN, cache-flush
        00000078                        # TTL 120
        0010                            # RDLENGTH 16
        0000                            # priority 0
        0000                            # weight 0
        0277                            # port 631
        07 7072696e746572               # @56 label "printer"
        c021                            # pointer to "local" at 33
        """)

    static let txtRecord = hex("""
        0000 8400 0000 0001 0000 0000   # header: id 0, QR AA, 1 answer
        0a 4d79205072696e746572         # label "My Printer"
        04 5f697070                     # label "_ipp"
        04 5f746370                     # label "_tcp"
        05 6c6f63616c                   # label "local"
        00                              # root
        0010                            # type TXT
        8001                            # class IN, cache-flush
        00001194                        # TTL 4500
        001f                            # RDLENGTH 31
        09 74787476657273 3d 31         # "txtvers=1"
        07 436f6c6f723d54               # "Color=T"
        06 6475706c6578                 # "duplex" (boolean attribute)
        05 6e6f74653d                   # "note=" (empty value)
        """)

    /// A unicast DNS answer with a question; the answer name and CNAME target are compressed.
    static let cnameResponse = hex("""
        1234 8180 0001 0001 0000 0000   # header: id 0x1234, QR RD RA, 1 question, 1 answer
        03 777777                       # @12 label "www"
        07 6578616d706c65               # @16 label "example"
        03 636f6d                       # @24 label "com"
        00                              # root
        0005                            # QTYPE CNAME
        0001                            # QCLASS IN
        c00c                            # @33 answer name: pointer to "www.example.com"
        0005                            # type CNAME
        0001                            # class IN
        00000e10                        # TTL 3600
        0006                            # RDLENGTH 6
        03 776562                       # @45 label "web"
        c010                            # pointer to "example.com" at 16
        """)

    /// Uncompressed, in the authority section.
    static let nsAuthority = hex("""
        0000 8000 0000 0000 0001 0000   # header: id 0, QR, 1 authority record
        07 6578616d706c65               # label "example"
        03 636f6d                       # label "com"
        00                              # root
        0002                            # type NS
        0001                            # class IN
        0002a300                        # TTL 172800
        0011                            # RDLENGTH 17
        03 6e7331                       # label "ns1"
        07 6578616d706c65               # label "example"
        03 636f6d                       # label "com"
        00                              # root
        """)

    static let hinfoRecord = hex("""
        0000 8400 0000 0001 0000 0000   # header: id 0, QR AA, 1 answer
        06 6d79686f7374                 # label "myhost"
        05 6c6f63616c                   # label "local"
        00                              # root
        000d                            # type HINFO
        8001                            # class IN, cache-flush
        00001194                        # TTL 4500
        000c                            # RDLENGTH 12
        05 41524d3634                   # CPU "ARM64"
        05 4c696e7578                   # OS "Linux"
        """)

    /// RFC 6762 §6.1 negative answer: the next name points back at the owner.
    static let nsecRecord = hex("""
        0000 8400 0000 0001 0000 0000   # header: id 0, QR AA, 1 answer
        06 6d79686f7374                 # @12 label "myhost"
        05 6c6f63616c                   # @19 label "local"
        00                              # root
        002f                            # type NSEC
        8001                            # class IN, cache-flush
        00000078                        # TTL 120
        0008                            # RDLENGTH 8
        c00c                            # next domain name: pointer to "myhost.local"
        00                              # window block 0
        04                              # bitmap length 4
        40 00 00 08                     # bits 1 (A) and 28 (AAAA)
        """)

    /// A QU query carrying the EDNS0 Owner option (Bonjour Sleep Proxy) in the additional section.
    static let optOwnerQuery = hex("""
        0000 0000 0001 0000 0000 0001   # header: id 0, query, 1 question, 1 additional
        06 6d79686f7374                 # label "myhost"
        05 6c6f63616c                   # label "local"
        00                              # root
        0001                            # QTYPE A
        8001                            # QCLASS IN, QU bit
        00                              # OPT owner: root
        0029                            # type OPT
        05a0                            # class: UDP payload size 1440
        00001194                        # TTL: extended RCODE 0, version 0, flags 0x1194
        0012                            # RDLENGTH 18
        0004                            # option code 4 (Owner)
        000e                            # option length 14
        00                              # owner version 0
        01                              # sequence 1
        001122334455                    # primary MAC
        00aabbccddee                    # wakeup MAC
        """)

    /// NXDOMAIN with the zone's SOA in the authority section; every name compressed.
    static let soaNegative = hex("""
        abcd 8183 0001 0000 0001 0000   # header: id 0xabcd, QR RD RA, RCODE 3, 1 question, 1 authority
        07 6e6f7468657265               # @12 label "nothere"
        07 6578616d706c65               # @20 label "example"
        03 636f6d                       # @28 label "com"
        00                              # root
        0001                            # QTYPE A
        0001                            # QCLASS IN
        c014                            # @37 authority name: pointer to "example.com" at 20
        0006                            # type SOA
        0001                            # class IN
        00000e10                        # TTL 3600
        0027                            # RDLENGTH 39
        03 6e7331                       # @49 MNAME label "ns1"
        c014                            #   pointer to "example.com"
        0a 686f73746d6173746572         # @55 RNAME label "hostmaster"
        c014                            #   pointer to "example.com"
        77359400                        # serial 2000000000
        00001c20                        # refresh 7200
        00000e10                        # retry 3600
        00127500                        # expire 1209600
        00000e10                        # minimum 3600
        """)

    static let mxRecord = hex("""
        0000 8400 0000 0001 0000 0000   # header: id 0, QR AA, 1 answer
        07 6578616d706c65               # @12 label "example"
        03 636f6d                       # @20 label "com"
        00                              # root
        000f                            # type MX
        0001                            # class IN
        00000e10                        # TTL 3600
        0009                            # RDLENGTH 9
        000a                            # preference 10
        04 6d61696c                     # label "mail"
        c00c                            # pointer to "example.com"
        """)

    /// Private-use type 65281: rdata is kept byte for byte, even bytes that look like a pointer.
    static let unknownType = hex("""
        0000 8400 0000 0002 0000 0000   # header: id 0, QR AA, 2 answers
        06 6d79686f7374                 # label "myhost"
        05 6c6f63616c                   # label "local"
        00                              # root
        ff01                            # type 65281 (private use)
        0001                            # class IN
        0000003c                        # TTL 60
        0007                            # RDLENGTH 7
        deadbeef 00 c00c                # opaque bytes (c00c is data, not a pointer)
        06 6d79686f7374                 # label "myhost"
        05 6c6f63616c                   # label "local"
        00                              # root
        ff02                            # type 65282 (private use)
        0001                            # class IN
        0000003c                        # TTL 60
        0000                            # RDLENGTH 0
        """)

    /// A DNS-SD announcement (RFC 6763 §12): PTR, SRV, TXT, A, then AAAA and NSEC as additionals,
    /// compressed throughout.
    static let serviceAnnouncement = hex("""
        0000 8400 0000 0004 0000 0002   # header: id 0, QR AA, 4 answers, 2 additionals
        05 5f68747470                   # @12 PTR owner label "_http"
        04 5f746370                     # @18 label "_tcp"
        05 6c6f63616c                   # @23 label "local"
        00                              # root
        000c                            # type PTR
        0001                            # class IN (shared)
        00001194                        # TTL 4500
        000a                            # RDLENGTH 10
        07 4b69746368656e               # @40 label "Kitchen"
        c00c                            # pointer to "_http._tcp.local"
        c028                            # @50 SRV owner: pointer to "Kitchen._http._tcp.local" at 40
        0021                            # type SRV
        8001                            # class IN, cache-flush
        00000078                        # TTL 120
        0010                            # RDLENGTH 16
        0000                            # priority 0
        0000                            # weight 0
        0050                            # port 80
        07 6b69746368656e               # @68 label "kitchen"
        c017                            # pointer to "local" at 23
        c028                            # @78 TXT owner: pointer to the instance name
        0010                            # type TXT
        8001                            # class IN, cache-flush
        00001194                        # TTL 4500
        0007                            # RDLENGTH 7
        06 706174683d2f                 # "path=/"
        c044                            # @97 A owner: pointer to "kitchen.local" at 68
        0001                            # type A
        8001                            # class IN, cache-flush
        00000078                        # TTL 120
        0004                            # RDLENGTH 4
        0a000007                        # 10.0.0.7
        c044                            # @113 AAAA owner: pointer to "kitchen.local"
        001c                            # type AAAA
        8001                            # class IN, cache-flush
        00000078                        # TTL 120
        0010                            # RDLENGTH 16
        fe80000000000000                # fe80::
        0000000000000007                #   7
        c044                            # @141 NSEC owner: pointer to "kitchen.local"
        002f                            # type NSEC
        8001                            # class IN, cache-flush
        00000078                        # TTL 120
        0008                            # RDLENGTH 8
        c044                            # next domain name: pointer to "kitchen.local"
        00                              # window block 0
        04                              # bitmap length 4
        40000008                        # A, AAAA
        """)
}

@Suite("RFC 1035 §3.4.1 / RFC 3596 address records")
struct AddressRecordFixtureTests {
    @Test func aRecordDecodesEveryField() throws {
        let m = try Message(decoding: Fixtures.aRecord)
        #expect(m.header == Header(id: 0, flags: 0x8400, questionCount: 0, answerCount: 1, authorityCount: 0, additionalCount: 0))
        #expect(m.header.isResponse && m.header.authoritativeAnswer)
        #expect(m.questions.isEmpty && m.authorities.isEmpty && m.additionals.isEmpty)
        let r = try #require(m.answers.first)
        #expect(r.name.wire == Array("\u{6}myhost\u{5}local\u{0}".utf8))
        #expect(r.type == .a)
        #expect(r.rrclass == .in)
        #expect(r.cacheFlush)
        #expect(r.ttl == 120)
        #expect(r.rdata == .a(IPv4Address(192, 168, 1, 2)))
        #expect(r.rdata.description == "192.168.1.2")
    }

    @Test func aRecordRoundTripsUncompressed() throws {
        let m = try Message(decoding: Fixtures.aRecord)
        #expect(m.encoded(compression: .none) == Fixtures.aRecord)
        #expect(m.encoded(compression: .suffixes) == Fixtures.aRecord)
    }

    @Test func aaaaRecordDecodesEveryField() throws {
        let m = try Message(decoding: Fixtures.aaaaRecord)
        let r = try #require(m.answers.first)
        #expect(m.answers.count == 1)
        #expect(r.name == name("myhost.local"))
        #expect(r.type == .aaaa)
        #expect(r.rrclass == .in)
        #expect(r.cacheFlush)
        #expect(r.ttl == 120)
        let expected = try #require(IPv6Address("fe80::211:22ff:fe33:4455"))
        #expect(r.rdata == .aaaa(expected))
        #expect(expected.bytes == hex("fe80 0000 0000 0000 0211 22ff fe33 4455"))
        #expect(expected.isLinkLocal)
        #expect(r.rdata.description == "fe80::211:22ff:fe33:4455")
        #expect(m.encoded(compression: .none) == Fixtures.aaaaRecord)
    }
}

@Suite("RFC 1035 §3.3 name-valued rdata (PTR, CNAME, NS, MX)")
struct NameRDataFixtureTests {
    @Test func ptrTargetIsExpandedThroughItsPointer() throws {
        let m = try Message(decoding: Fixtures.ptrResponse)
        let r = try #require(m.answers.first)
        #expect(r.name.wire == hex("04 5f697070 04 5f746370 05 6c6f63616c 00"))
        #expect(r.type == .ptr)
        #expect(r.rrclass == .in)
        #expect(!r.cacheFlush)
        #expect(r.ttl == 4500)
        #expect(r.rdata == .ptr(try DNSName(labels: ["My Printer", "_ipp", "_tcp", "local"])))
        #expect(r.rdata.targetName?.labels.first.map { Array($0) } == Array("My Printer".utf8))
    }

    @Test func ptrResponseReencodesByteIdenticallyWithCompression() throws {
        let m = try Message(decoding: Fixtures.ptrResponse)
        #expect(m.encoded(compression: .suffixes) == Fixtures.ptrResponse)
        // Uncompressed, the 2-byte pointer becomes the 17-byte name.
        let plain = m.encoded(compression: .none)
        #expect(plain.count == Fixtures.ptrResponse.count + 15)
        #expect(try Message(decoding: plain) == m)
    }

    @Test func cnameQuestionAndAnswerDecodeEveryField() throws {
        let m = try Message(decoding: Fixtures.cnameResponse)
        #expect(m.header.id == 0x1234)
        #expect(m.header.isResponse && m.header.recursionDesired && m.header.recursionAvailable)
        #expect(!m.header.authoritativeAnswer && !m.header.truncated)
        #expect(m.header.opcode == 0 && m.header.rcode == 0)
        #expect(m.questions == [Question(name: name("www.example.com"), type: .cname, qclass: .in, unicastResponse: false)])
        let r = try #require(m.answers.first)
        #expect(r.name == name("www.example.com"))
        #expect(r.type == .cname)
        #expect(r.rrclass == .in && !r.cacheFlush)
        #expect(r.ttl == 3600)
        #expect(r.rdata == .cname(name("web.example.com")))
        #expect(m.encoded(compression: .suffixes) == Fixtures.cnameResponse)
    }

    @Test func nsInAuthoritySectionRoundTripsUncompressed() throws {
        let m = try Message(decoding: Fixtures.nsAuthority)
        #expect(m.answers.isEmpty && m.additionals.isEmpty)
        #expect(m.header.authorityCount == 1)
        let r = try #require(m.authorities.first)
        #expect(m[.authority] == m.authorities)
        #expect(r.name == name("example.com"))
        #expect(r.type == .ns)
        #expect(r.rrclass == .in && !r.cacheFlush)
        #expect(r.ttl == 172_800)
        #expect(r.rdata == .ns(name("ns1.example.com")))
        #expect(m.encoded(compression: .none) == Fixtures.nsAuthority)
    }

    @Test func mxDecodesPreferenceAndExchange() throws {
        let m = try Message(decoding: Fixtures.mxRecord)
        let r = try #require(m.answers.first)
        #expect(r.name == name("example.com"))
        #expect(r.type == .mx)
        #expect(r.ttl == 3600)
        #expect(r.rdata == .mx(MX(preference: 10, exchange: name("mail.example.com"))))
        #expect(r.rdata.description == "10 mail.example.com.")
        #expect(m.encoded(compression: .suffixes) == Fixtures.mxRecord)
    }
}

@Suite("RFC 2782 / RFC 6763 §5 SRV")
struct SRVFixtureTests {
    @Test func srvDecodesEveryField() throws {
        let m = try Message(decoding: Fixtures.srvResponse)
        let r = try #require(m.answers.first)
        #expect(r.name == (try DNSName(labels: ["My Printer", "_ipp", "_tcp", "local"])))
        #expect(r.type == .srv)
        #expect(r.rrclass == .in)
        #expect(r.cacheFlush)
        #expect(r.ttl == 120)
        #expect(r.rdata == .srv(SRV(priority: 0, weight: 0, port: 631, target: name("printer.local"))))
        #expect(r.rdata.description == "0 0 631 printer.local.")
    }

    @Test func srvReencodesByteIdenticallyWithCompression() throws {
        let m = try Message(decoding: Fixtures.srvResponse)
        #expect(m.encoded(compression: .suffixes) == Fixtures.srvResponse)
    }

    @Test func srvCanonicalRDataIsUncompressed() throws {
        let m = try Message(decoding: Fixtures.srvResponse)
        let r = try #require(m.answers.first)
        // RFC 6762 §8.2: tie-breaking compares rdata with names uncompressed.
        #expect(r.rdata.canonicalBytes == hex("0000 0000 0277 07 7072696e746572 05 6c6f63616c 00"))
    }
}

@Suite("RFC 1035 §3.3.14 TXT and §3.3.2 HINFO character-strings")
struct CharacterStringFixtureTests {
    @Test func txtDecodesEachStringInOrder() throws {
        let m = try Message(decoding: Fixtures.txtRecord)
        let r = try #require(m.answers.first)
        #expect(r.type == .txt)
        #expect(r.cacheFlush && r.ttl == 4500 && r.rrclass == .in)
        guard case .txt(let txt) = r.rdata else { Issue.record("not TXT: \(r.rdata)"); return }
        #expect(txt.strings == ["txtvers=1", "Color=T", "duplex", "note="].map { Array($0.utf8) })
        #expect(txt["txtvers"] == .value(Array("1".utf8)))
        #expect(txt["duplex"] == .boolean)
        #expect(txt["note"] == .value([]))
        #expect(r.rdata.description == #""txtvers=1" "Color=T" "duplex" "note=""#)
        #expect(m.encoded(compression: .none) == Fixtures.txtRecord)
    }

    @Test func hinfoDecodesCPUAndOS() throws {
        let m = try Message(decoding: Fixtures.hinfoRecord)
        let r = try #require(m.answers.first)
        #expect(r.type == .hinfo)
        #expect(r.name == name("myhost.local"))
        #expect(r.cacheFlush && r.ttl == 4500)
        #expect(r.rdata == .hinfo(HINFO(cpu: "ARM64", os: "Linux")))
        #expect(r.rdata.description == #""ARM64" "Linux""#)
        #expect(m.encoded(compression: .none) == Fixtures.hinfoRecord)
    }
}

@Suite("RFC 6762 §6.1 NSEC negative responses")
struct NSECFixtureTests {
    @Test func nsecDecodesNextNameAndTypes() throws {
        let m = try Message(decoding: Fixtures.nsecRecord)
        let r = try #require(m.answers.first)
        #expect(r.type == .nsec)
        #expect(r.name == name("myhost.local"))
        #expect(r.cacheFlush && r.ttl == 120)
        guard case .nsec(let nsec) = r.rdata else { Issue.record("not NSEC: \(r.rdata)"); return }
        #expect(nsec.nextName == name("myhost.local"))
        #expect(nsec.typeBitmaps == hex("00 04 40000008"))
        #expect(nsec.types == [.a, .aaaa])
        #expect(nsec == NSEC(nextName: name("myhost.local"), types: [.aaaa, .a, .a]))
        #expect(r.rdata.description == "myhost.local. A AAAA")
        #expect(m.encoded(compression: .suffixes) == Fixtures.nsecRecord)
    }

    @Test func nsecBitmapSpansSeveralWindows() {
        // Type 65281 lives in window 255; window blocks come in ascending order.
        let n = NSEC(nextName: name("h.local"), types: [RRType(65281), .srv, .txt])
        #expect(Array(n.typeBitmaps.prefix(7)) == hex("""
            00                      # window 0
            05                      # 5 bitmap bytes
            00 00 80 00 40          # bit 16 (TXT), bit 33 (SRV)
            """))
        #expect(Array(n.typeBitmaps.dropFirst(7)) == hex("""
            ff                      # window 255
            01                      # 1 bitmap byte
            40                      # bit 1 (type 65281)
            """))
        #expect(n.types == [.txt, .srv, RRType(65281)])
    }
}

@Suite("RFC 6891 §6.1 OPT and the EDNS0 Owner option")
struct OPTFixtureTests {
    @Test func questionWithQUBitAndOwnerOptionDecodes() throws {
        let m = try Message(decoding: Fixtures.optOwnerQuery)
        #expect(!m.header.isResponse)
        #expect(m.questions == [Question(name: name("myhost.local"), type: .a, qclass: .in, unicastResponse: true)])
        let r = try #require(m.additionals.first)
        #expect(r.name == .root)
        #expect(r.type == .opt)
        // RFC 6891 §6.1.2: the class is the payload size, kept whole, never a cache-flush bit.
        #expect(r.rrclass.rawValue == 1440)
        #expect(!r.cacheFlush)
        #expect(r.ttl == 0x1194)
        guard case .opt(let opt) = r.rdata else { Issue.record("not OPT: \(r.rdata)"); return }
        #expect(opt.options == [OPT.Option(code: 4, data: hex("00 01 001122334455 00aabbccddee"))])
        let owner = try #require(opt.owner)
        #expect(owner.version == 0)
        #expect(owner.sequence == 1)
        #expect(owner.primaryMAC == hex("001122334455"))
        #expect(owner.wakeupMAC == hex("00aabbccddee"))
        #expect(owner.password == nil)
        #expect(r.rdata.description == "OWNER v0 seq 1 00:11:22:33:44:55 wake 00:aa:bb:cc:dd:ee")
        #expect(m.encoded(compression: .none) == Fixtures.optOwnerQuery)
    }

    @Test func optClassTopBitIsPayloadSizeNotCacheFlush() throws {
        var bytes = Fixtures.optOwnerQuery
        // Class at offset 33 (12 header + 18 question + 1 root + 2 type): payload size 0x9000.
        #expect(Array(bytes[33...34]) == hex("05a0"))
        bytes[33] = 0x90; bytes[34] = 0x00
        let m = try Message(decoding: bytes)
        let r = try #require(m.additionals.first)
        #expect(r.rrclass.rawValue == 0x9000)
        #expect(!r.cacheFlush)
        #expect(m.encoded(compression: .none) == bytes)
    }

    @Test func ownerOptionReadsEverySizeAndRejectsOthers() {
        let eight = OPT.Owner(data: hex("00 05 010203040506"))
        #expect(eight == OPT.Owner(version: 0, sequence: 5, primaryMAC: hex("010203040506")))
        let eighteen = OPT.Owner(data: hex("00 05 010203040506 0a0b0c0d0e0f 11223344"))
        #expect(eighteen?.password == hex("11223344"))
        #expect(eighteen?.data == hex("00 05 010203040506 0a0b0c0d0e0f 11223344"))
        #expect(OPT.Owner(data: hex("00 05 0102030405")) == nil)
        #expect(OPT.Owner(data: hex("00 05 010203040506 0a")) == nil)
    }
}

@Suite("RFC 1035 §3.3.13 SOA")
struct SOAFixtureTests {
    @Test func soaDecodesBothNamesAndFiveCounters() throws {
        let m = try Message(decoding: Fixtures.soaNegative)
        #expect(m.header.id == 0xabcd)
        #expect(m.header.rcode == 3)
        #expect(m.questions == [Question(name: name("nothere.example.com"), type: .a)])
        #expect(m.answers.isEmpty)
        let r = try #require(m.authorities.first)
        #expect(r.name == name("example.com"))
        #expect(r.type == .soa && r.ttl == 3600 && r.rrclass == .in)
        #expect(r.rdata == .soa(SOA(mname: name("ns1.example.com"), rname: name("hostmaster.example.com"),
                                    serial: 2_000_000_000, refresh: 7200, retry: 3600, expire: 1_209_600, minimum: 3600)))
        #expect(m.encoded(compression: .suffixes) == Fixtures.soaNegative)
    }
}

@Suite("RFC 3597 unknown record types")
struct UnknownTypeFixtureTests {
    @Test func unknownRDataIsKeptByteExact() throws {
        let m = try Message(decoding: Fixtures.unknownType)
        #expect(m.answers.count == 2)
        #expect(m.answers[0].type == RRType(65281))
        #expect(m.answers[0].rdata == .opaque(RRType(65281), hex("deadbeef 00 c00c")))
        #expect(m.answers[0].ttl == 60 && !m.answers[0].cacheFlush)
        #expect(m.answers[0].rdata.description == ##"\# 7 deadbeef00c00c"##)
        #expect(m.answers[1].rdata == .opaque(RRType(65282), []))
        #expect(m.answers[1].rdata.description == ##"\# 0"##)
        #expect(RRType(65281).description == "TYPE65281")
        #expect(RRType(mnemonic: "type65281") == RRType(65281))
        #expect(m.encoded(compression: .none) == Fixtures.unknownType)
    }

    @Test func unknownRDataIsNeverCompressedButTheOwnerIs() throws {
        let m = try Message(decoding: Fixtures.unknownType)
        let compressed = m.encoded(compression: .suffixes)
        // The second owner name becomes a pointer to offset 12; the opaque bytes stay as they are.
        #expect(compressed == Array(Fixtures.unknownType[0..<43]) + hex("""
            c00c                    # owner: pointer to "myhost.local"
            ff02 0001 0000003c 0000 # type, class, TTL, RDLENGTH 0
            """))
        #expect(try Message(decoding: compressed) == m)
    }
}

@Suite("RFC 6763 §12 DNS-SD announcement with compression")
struct ServiceAnnouncementFixtureTests {
    @Test func everyRecordDecodesWithItsSection() throws {
        let m = try Message(decoding: Fixtures.serviceAnnouncement)
        let instance = try DNSName(labels: ["Kitchen", "_http", "_tcp", "local"])
        let host = name("kitchen.local")
        #expect(m.header.answerCount == 4 && m.header.additionalCount == 2)
        #expect(m.answers == [
            ResourceRecord(name: name("_http._tcp.local"), rrclass: .in, cacheFlush: false, ttl: 4500, rdata: .ptr(instance)),
            ResourceRecord(name: instance, rrclass: .in, cacheFlush: true, ttl: 120,
                           rdata: .srv(SRV(priority: 0, weight: 0, port: 80, target: host))),
            ResourceRecord(name: instance, rrclass: .in, cacheFlush: true, ttl: 4500, rdata: .txt(TXT([("path", "/")]))),
            ResourceRecord(name: host, rrclass: .in, cacheFlush: true, ttl: 120, rdata: .a(IPv4Address(10, 0, 0, 7))),
        ])
        #expect(m.additionals == [
            ResourceRecord(name: host, cacheFlush: true, ttl: 120, rdata: .aaaa(IPv6Address("fe80::7")!)),
            ResourceRecord(name: host, cacheFlush: true, ttl: 120, rdata: .nsec(NSEC(nextName: host, types: [.a, .aaaa]))),
        ])
        #expect(m.records.map(\.section) == [.answer, .answer, .answer, .answer, .additional, .additional])
        // Case is kept as sent: "Kitchen" in the instance name, "kitchen" in the host name.
        #expect(m.answers[1].name.labels[0] == Array("Kitchen".utf8)[...])
        #expect(m.answers[3].name.labels[0] == Array("kitchen".utf8)[...])
    }

    @Test func reencodesByteIdenticallyWithCompression() throws {
        let m = try Message(decoding: Fixtures.serviceAnnouncement)
        #expect(m.encoded(compression: .suffixes) == Fixtures.serviceAnnouncement)
    }

    @Test func buildingTheSameMessageEncodesTheSameBytes() throws {
        let instance = try DNSName(labels: ["Kitchen", "_http", "_tcp", "local"])
        let host = name("kitchen.local")
        let m = Message(header: .response, answers: [
            ResourceRecord(name: name("_http._tcp.local"), ttl: 4500, rdata: .ptr(instance)),
            ResourceRecord(name: instance, cacheFlush: true, ttl: 120, rdata: .srv(SRV(port: 80, target: host))),
            ResourceRecord(name: instance, cacheFlush: true, ttl: 4500, rdata: .txt(TXT([("path", "/")]))),
            ResourceRecord(name: host, cacheFlush: true, ttl: 120, rdata: .a(IPv4Address("10.0.0.7")!)),
        ], additionals: [
            ResourceRecord(name: host, cacheFlush: true, ttl: 120, rdata: .aaaa(IPv6Address("fe80::7")!)),
            ResourceRecord(name: host, cacheFlush: true, ttl: 120, rdata: .nsec(NSEC(nextName: host, types: [.aaaa, .a]))),
        ])
        #expect(m.encoded() == Fixtures.serviceAnnouncement)
    }

    @Test func uncompressedEncodingDecodesToTheSameMessage() throws {
        let m = try Message(decoding: Fixtures.serviceAnnouncement)
        let plain = m.encoded(compression: .none)
        #expect(plain.count > Fixtures.serviceAnnouncement.count)
        var p = try Message(decoding: plain)
        #expect(p == m)
        p.header.id = 1
        #expect(p != m)
    }
}
