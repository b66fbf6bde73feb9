import DNSWire

/// Rdata and records of every type DNSWire knows, plus unknown types (RFC 3597 opaque rdata).
public enum RecordGen {
    /// The typed rdata kinds, and `opaque` for an unknown type.
    public static let types: [RRType] = [.a, .aaaa, .ptr, .cname, .ns, .srv, .txt, .hinfo, .nsec, .opt, .soa, .mx, RRType(0xFF9B)]

    public static func ipv4<R: RandomNumberGenerator>(_ rng: inout R) -> IPv4Address {
        switch rng.int(0...2) {
        case 0: return IPv4Address(192, 168, UInt8(rng.int(0...3)), rng.byte())
        case 1: return IPv4Address(169, 254, rng.byte(), rng.byte())
        default: return IPv4Address(UInt32.random(in: 0...UInt32.max, using: &rng))
        }
    }

    public static func ipv6<R: RandomNumberGenerator>(_ rng: inout R) -> IPv6Address {
        let low = UInt64.random(in: 0...UInt64.max, using: &rng)
        return rng.chance(0.6) ? IPv6Address(high: 0xFE80_0000_0000_0000, low: low)
                               : IPv6Address(high: UInt64.random(in: 0...UInt64.max, using: &rng), low: low)
    }

    static func bytes<R: RandomNumberGenerator>(_ n: ClosedRange<Int>, _ rng: inout R) -> [UInt8] {
        (0..<rng.int(n)).map { _ in rng.byte() }
    }

    /// DNS-SD TXT rdata: key=value pairs, boolean keys, empty strings, long and binary values.
    public static func txt<R: RandomNumberGenerator>(_ rng: inout R) -> TXT {
        switch rng.int(0...5) {
        case 0: return TXT.empty
        case 1: return TXT(strings: [])
        case 2: return TXT(strings: [bytes(DNSLimits.maxCharacterStringLength...DNSLimits.maxCharacterStringLength, &rng)])
        default:
            let keys = ["txtvers", "path", "rp", "ty", "pdl", "note", "adminurl", "UUID", "md", "fn", "ve", "id", "sf", "ci", "s#", "c#"]
            var strings: [[UInt8]] = []
            for _ in 0..<rng.int(1...8) {
                let key = Array(rng.pick(keys).utf8)
                switch rng.int(0...4) {
                case 0: strings.append(key)
                case 1: strings.append(key + [UInt8(ascii: "=")])
                case 2: strings.append(key + [UInt8(ascii: "=")] + bytes(0...40, &rng))
                default: strings.append(key + Array("=\(rng.int(0...99_999))".utf8))
                }
            }
            return TXT(strings: strings)
        }
    }

    /// NSEC as mDNS uses it (RFC 6762 §6.1): the next name is the owner, types in window 0 (and
    /// sometimes a higher window).
    public static func nsec<R: RandomNumberGenerator>(owner: DNSName, _ rng: inout R) -> NSEC {
        var types: [RRType] = (0..<rng.int(1...5)).map { _ in rng.pick([.a, .aaaa, .ptr, .srv, .txt, .hinfo, .cname]) }
        if rng.chance(0.1) { types.append(RRType(UInt16(rng.int(256...65534)))) }
        return NSEC(nextName: owner, types: types)
    }

    /// Rdata of `type` (any type not typed by DNSWire gives opaque bytes).
    public static func rdata<R: RandomNumberGenerator>(_ type: RRType, owner: DNSName, _ rng: inout R) -> RData {
        switch type {
        case .a: return .a(ipv4(&rng))
        case .aaaa: return .aaaa(ipv6(&rng))
        case .ptr: return .ptr(NameGen.name(&rng))
        case .cname: return .cname(NameGen.name(&rng))
        case .ns: return .ns(NameGen.name(&rng))
        case .srv: return .srv(SRV(priority: UInt16(rng.int(0...10)), weight: UInt16(rng.int(0...100)),
                                   port: UInt16(rng.int(1...65535)), target: NameGen.host(&rng)))
        case .txt: return .txt(txt(&rng))
        case .hinfo: return .hinfo(HINFO(cpu: Array(rng.pick(["x86_64", "ARM64", "MIPS", ""]).utf8), os: bytes(0...30, &rng)))
        case .nsec: return .nsec(nsec(owner: owner, &rng))
        case .opt:
            var options: [OPT.Option] = []
            if rng.chance(0.7) {
                let owner = OPT.Owner(sequence: rng.byte(), primaryMAC: bytes(6...6, &rng),
                                      wakeupMAC: rng.chance(0.5) ? bytes(6...6, &rng) : nil)
                options.append(OPT.Option(code: OPT.ownerOptionCode, data: owner.data))
            }
            if rng.chance(0.3) { options.append(OPT.Option(code: UInt16(rng.int(0...65535)), data: bytes(0...20, &rng))) }
            return .opt(OPT(options: options))
        case .soa: return .soa(SOA(mname: NameGen.host(&rng), rname: NameGen.name(&rng),
                                   serial: UInt32.random(in: 0...UInt32.max, using: &rng), refresh: 3600, retry: 600,
                                   expire: 86400, minimum: UInt32(rng.int(0...3600))))
        case .mx: return .mx(MX(preference: UInt16(rng.int(0...100)), exchange: NameGen.host(&rng)))
        default: return .opaque(type, bytes(0...64, &rng))
        }
    }

    /// A record of `type` with a fitting owner name and realistic TTLs (RFC 6762 §10: 120 s for
    /// host records, 4500 s for others; 0 for goodbyes).
    public static func record<R: RandomNumberGenerator>(_ type: RRType, _ rng: inout R) -> ResourceRecord {
        if type == .opt {
            // RFC 6891 §6.1.2: root owner, class = UDP payload size, TTL = extended RCODE and flags.
            return ResourceRecord(name: .root, rrclass: RRClass(UInt16(rng.pick([1440, 4096, 9000, 512]))),
                                  cacheFlush: false, ttl: rng.chance(0.8) ? 0 : UInt32(rng.int(0...0xFFFF)) << 16,
                                  rdata: rdata(.opt, owner: .root, &rng))
        }
        let owner: DNSName
        switch type {
        case .a, .aaaa, .hinfo: owner = NameGen.host(&rng)
        case .srv, .txt: owner = NameGen.instance(of: NameGen.serviceType(&rng), &rng)
        case .ptr: owner = rng.chance(0.8) ? NameGen.serviceType(&rng) : NameGen.reverse(ipv4(&rng))
        default: owner = NameGen.name(&rng)
        }
        return ResourceRecord(name: owner, rrclass: rng.chance(0.95) ? .in : RRClass(UInt16(rng.int(0...0x7FFF))),
                              cacheFlush: rng.chance(0.5), ttl: rng.pick([120, 4500, 0, 10, 75 * 60, UInt32(rng.int(0...0x7FFF_FFFF))]),
                              rdata: rdata(type, owner: owner, &rng))
    }

    public static func record<R: RandomNumberGenerator>(_ rng: inout R) -> ResourceRecord {
        record(rng.pick(types), &rng)
    }

    public static func question<R: RandomNumberGenerator>(_ rng: inout R) -> Question {
        let type: RRType = rng.chance(0.15) ? .any : rng.pick(types.filter { $0 != .opt })
        return Question(name: NameGen.name(&rng), type: type, qclass: rng.chance(0.95) ? .in : RRClass(UInt16(rng.int(0...0x7FFF))),
                        unicastResponse: rng.chance(0.3))
    }
}
