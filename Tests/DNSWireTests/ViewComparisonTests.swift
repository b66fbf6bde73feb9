import DNSWire
import Testing

/// `MessageParser`'s comparisons of a record view with owned values (`name(_:equals:)`,
/// `rdata(_:type:equals:)`, `txt(_:equals:)`) answer exactly what `==` on the owned decode answers,
/// with compression pointers and case differences (RFC 6762 §16: names compare ASCII case folded).
@Suite("View comparisons agree with the owned decode")
struct ViewComparisonTests {
    static let message: [UInt8] = {
        let host = name("Host.local"), inst = name("Web._http._tcp.local")
        return Message(header: .response, answers: [
            ResourceRecord(name: host, cacheFlush: true, ttl: 120, rdata: .a(IPv4Address(10, 0, 0, 1))),
            ResourceRecord(name: host, cacheFlush: true, ttl: 120, rdata: .a(IPv4Address(10, 0, 0, 2))),
            ResourceRecord(name: host, cacheFlush: true, ttl: 120, rdata: .aaaa(IPv6Address("fe80::7")!)),
            ResourceRecord(name: name("_http._tcp.local"), ttl: 4500, rdata: .ptr(inst)),
            ResourceRecord(name: name("_http._tcp.local"), ttl: 4500, rdata: .ptr(name("WEB._HTTP._tcp.local"))),
            ResourceRecord(name: inst, cacheFlush: true, ttl: 120, rdata: .srv(SRV(port: 80, target: host))),
            ResourceRecord(name: inst, cacheFlush: true, ttl: 120, rdata: .srv(SRV(port: 81, target: host))),
            ResourceRecord(name: inst, cacheFlush: true, ttl: 120, rdata: .txt(TXT(strings: [Array("a=1".utf8), Array("b=2".utf8)]))),
            ResourceRecord(name: inst, cacheFlush: true, ttl: 120, rdata: .txt(TXT(strings: [Array("a=1".utf8), Array("B=2".utf8)]))),
            ResourceRecord(name: inst, cacheFlush: true, ttl: 120, rdata: .txt(TXT(strings: [Array("a=1".utf8)]))),
            ResourceRecord(name: host, cacheFlush: true, ttl: 120, rdata: .hinfo(HINFO(cpu: "x86", os: "linux"))),
        ]).encoded(compression: .suffixes)
    }()

    @Test func everyRecordViewEqualsExactlyTheOwnedRecordsItEquals() throws {
        let owned = try Message(decoding: Self.message).answers
        try Self.message.withUnsafeBytes { raw in
            var p = try MessageParser(raw)
            var views: [MessageParser.RecordView] = []
            while let r = try p.nextRecord() { views.append(r) }
            #expect(views.count == owned.count)
            for (v, mine) in zip(views, owned) {
                for other in owned {
                    #expect(p.rdata(v.rdata, type: v.type, equals: other.rdata) == (mine.rdata == other.rdata),
                            "\(mine.rdata) against \(other.rdata)")
                    #expect(p.name(v.name, equals: other.name) == (mine.name == other.name), "\(mine.name) against \(other.name)")
                }
            }
        }
    }

    @Test func namesCompareFoldedAndByLength() throws {
        try Self.message.withUnsafeBytes { raw in
            var p = try MessageParser(raw)
            let first = try #require(try p.nextRecord())
            #expect(p.name(first.name, equals: name("host.LOCAL")))
            #expect(!p.name(first.name, equals: name("hosts.local")))
            #expect(!p.name(first.name, equals: name("host.local.arpa")))
            #expect(!p.name(first.name, equals: name("hozt.local")))
        }
    }
}
