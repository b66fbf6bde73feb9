import DNSWire

/// SplitMix64: a tiny deterministic generator, so the same seed always writes the same corpus.
public struct SplitMix64: Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<n.
    public mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    public mutating func int(in r: ClosedRange<Int>) -> Int { r.lowerBound + int(r.count) }
    /// True with probability `percent`/100.
    public mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    public mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }
    public mutating func hex(_ digits: Int, upper: Bool = true) -> String {
        let alphabet = Array(upper ? "0123456789ABCDEF" : "0123456789abcdef")
        return String((0..<digits).map { _ in alphabet[int(16)] })
    }
    public mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

/// One DNS-SD service type and how its TXT record looks on real networks.
public struct ServiceKind: Sendable {
    public let type: String        // "_ipp._tcp"
    public let port: UInt16
    public let instanceNames: [String]
    let txt: @Sendable (inout SplitMix64, _ instance: String) -> [[UInt8]]

    static func kv(_ pairs: [(String, String)]) -> [[UInt8]] { pairs.map { Array("\($0.0)=\($0.1)".utf8) } }

    public static let all: [ServiceKind] = [
        // AirPlay: long feature lists and a public key (often > 255 bytes of TXT in all).
        ServiceKind(type: "_airplay._tcp", port: 7000,
                    instanceNames: ["Living Room", "Wohnzimmer", "Salon", "Apple TV de Émilie", "Schlafzimmer", "リビング"]) { r, _ in
            let mac = (0..<6).map { _ in r.hex(2) }.joined(separator: ":")
            return kv([("acl", "0"), ("btaddr", mac), ("deviceid", mac), ("fex", "1d9/St5/FbwooQ"),
                       ("features", "0x4A7FDFD5,0xBC177FDE"), ("flags", "0x244"), ("gid", "\(r.hex(8))-\(r.hex(4))-\(r.hex(4))-\(r.hex(4))-\(r.hex(12))"),
                       ("igl", "1"), ("gcgl", "1"), ("model", r.pick(["AppleTV6,2", "AppleTV11,1", "AudioAccessory5,1"])),
                       ("protovers", "1.1"), ("pi", "\(r.hex(8, upper: false))-\(r.hex(4, upper: false))-\(r.hex(4, upper: false))"),
                       ("psi", r.hex(32)), ("pk", r.hex(64, upper: false)), ("srcvers", "\(r.int(in: 500...800)).\(r.int(in: 1...99)).\(r.int(10))"),
                       ("osvers", "17.\(r.int(6))"), ("vv", "2")])
        },
        // IPP printers (RFC 6763 §6 examples, PWG 5100.14 keys).
        ServiceKind(type: "_ipp._tcp", port: 631,
                    instanceNames: ["HP LaserJet Pro M404", "Büro Drucker", "Brother HL-L2350DW series", "EPSON ET-2850 Series", "Canon TS5300 series"]) { r, name in
            kv([("txtvers", "1"), ("qtotal", "1"), ("rp", "ipp/print"), ("ty", name), ("product", "(\(name))"),
                ("adminurl", "http://\(name.filter { $0.isLetter }.lowercased()).local./"), ("pdl", "application/octet-stream,image/urf,image/pwg-raster,application/pdf"),
                ("note", r.pick(["Office", "Flur", "2. OG"])), ("priority", "0"), ("Color", r.pick(["T", "F"])), ("Duplex", "T"),
                ("URF", "CP1,IS1-4-5-19,MT1-3-5-8-10-11-12,OB10,PQ4,RS300-600,V1.4,W8,DM1"), ("UUID", "\(r.hex(8, upper: false))-\(r.hex(4, upper: false))-\(r.hex(4, upper: false))-\(r.hex(4, upper: false))-\(r.hex(12, upper: false))"),
                ("TLS", "1.2"), ("kind", "document,envelope,photo")])
        },
        // HomeKit accessories.
        ServiceKind(type: "_hap._tcp", port: 8080,
                    instanceNames: ["Eve Energy 1A2B", "Hue Bridge - 3C4D5E", "Nanoleaf Lines", "Küchenlicht", "Thermostat Flur"]) { r, name in
            kv([("c#", "\(r.int(in: 1...40))"), ("ff", "\(r.int(3))"), ("id", (0..<6).map { _ in r.hex(2) }.joined(separator: ":")),
                ("md", name), ("pv", "1.1"), ("s#", "1"), ("sf", "\(r.int(2))"), ("ci", "\(r.int(in: 2...32))"), ("sh", r.hex(8))])
        },
        // Google Cast.
        ServiceKind(type: "_googlecast._tcp", port: 8009,
                    instanceNames: ["Chromecast-\(0)", "Google-Nest-Mini", "Nest-Hub", "Chromecast-Ultra", "BRAVIA-4K-GB"]) { r, name in
            kv([("id", r.hex(32, upper: false)), ("cd", r.hex(32)), ("rm", ""), ("ve", "05"), ("md", name.replacingDashes),
                ("ic", "/setup/icon.png"), ("fn", r.pick(["Wohnzimmer", "Kitchen speaker", "Chambre d’Émilie"])), ("ca", "\(r.int(in: 1000...300000))"),
                ("st", "\(r.int(2))"), ("bs", r.hex(12)), ("nf", "1"), ("rs", "")])
        },
        // Sonos.
        ServiceKind(type: "_sonos._tcp", port: 1443,
                    instanceNames: ["Sonos-\(0)", "Sonos Arc (Living Room)", "Sonos One - Küche", "Move"]) { r, _ in
            kv([("info", "/api/v1/players/RINCON_\(r.hex(12))01400/info"), ("vers", "3"), ("protovers", "1.\(r.int(40)).0"),
                ("bootseq", "\(r.int(200))"), ("hhid", "Sonos_\(r.hex(22, upper: false))"), ("mhhid", "Sonos_\(r.hex(22, upper: false)).\(r.hex(6))"),
                ("locationid", "lc_\(r.hex(32, upper: false))"), ("mdnssequence", "0")])
        },
        // Matter operational discovery (instance = compressed fabric id - node id).
        ServiceKind(type: "_matter._tcp", port: 5540,
                    instanceNames: ["\(0)"]) { r, _ in
            kv([("SII", "\(r.int(in: 300...5000))"), ("SAI", "300"), ("SAT", "4000"), ("T", "\(r.int(2))"), ("ICD", "0")])
        },
        // Apple companion link: a boolean attribute and a short list.
        ServiceKind(type: "_companion-link._tcp", port: 49153,
                    instanceNames: ["Jürgen’s MacBook Pro", "iPad von Anna", "田中のiPhone"]) { r, _ in
            kv([("rpMac", "0"), ("rpHN", r.hex(12, upper: false)), ("rpFl", "0x20000"), ("rpHA", r.hex(12, upper: false)),
                ("rpVr", "\(r.int(in: 400...600)).\(r.int(9)).\(r.int(9))"), ("rpAD", r.hex(12, upper: false)), ("rpHI", r.hex(12, upper: false)),
                ("rpBA", (0..<6).map { _ in r.hex(2) }.joined(separator: ":"))]) + [Array("rpHN".utf8)]
        },
        // A web UI with an empty TXT record (RFC 6763 §6.1: a single empty string).
        ServiceKind(type: "_http._tcp", port: 80,
                    instanceNames: ["Shelly Plug S", "Router Admin", "OctoPrint on pi"]) { r, _ in
            r.chance(50) ? [[]] : kv([("path", "/"), ("gen", "2"), ("app", "shelly"), ("ver", "1.\(r.int(5)).\(r.int(9))")])
        },
    ]
}

extension String {
    var replacingDashes: String { String(map { $0 == "-" ? " " : $0 }) }
}

/// A simulated host with its services and addresses.
public struct Device: Sendable {
    public let host: DNSName
    public let v4: IPv4Address
    public let v6: [IPv6Address]
    public let mac: [UInt8]
    public let services: [(kind: ServiceKind, instance: DNSName, serviceType: DNSName, txt: TXT)]
    public let hinfo: HINFO?
}

/// Builds realistic mDNS traffic (queries, probes, announcements, responses, goodbyes, legacy
/// unicast replies) with DNSWire's encoder. Deterministic for a given seed.
public struct TrafficGenerator {
    public var rng: SplitMix64
    public let devices: [Device]
    let local = try! DNSName(labels: ["local"])

    public init(seed: UInt64, deviceCount: Int = 24) {
        var r = SplitMix64(seed: seed)
        var devices: [Device] = []
        let hostStems = ["Living-Room-TV", "MacBook-Pro", "raspberrypi", "HPLJ-M404", "Office-iMac", "Sonos-Arc",
                         "shellyplug-s", "Google-Nest-Mini", "Annas-iPad", "NPI7A1B2C", "ubuntu-server", "Kuechenradio"]
        for d in 0..<deviceCount {
            let host = try! DNSName(labels: ["\(r.pick(hostStems))-\(r.hex(2))\(d)", "local"])
            let v4 = IPv4Address(192, 168, UInt8(r.int(4)), UInt8(r.int(in: 2...254)))
            var v6 = [IPv6Address(high: 0xFE80_0000_0000_0000, low: r.next())]
            if r.chance(40) { v6.append(IPv6Address(high: 0x2001_0DB8_0000_0000 | UInt64(r.int(0xFFFF)), low: r.next())) }
            var services: [(ServiceKind, DNSName, DNSName, TXT)] = []
            let serviceCount = r.int(in: 1...3)
            var used = Set<String>()
            for _ in 0..<serviceCount {
                let kind = r.pick(ServiceKind.all)
                guard !used.contains(kind.type) else { continue }
                used.insert(kind.type)
                var inst = r.pick(kind.instanceNames)
                if kind.type == "_matter._tcp" { inst = "\(r.hex(16))-\(r.hex(16))" }
                else if inst.hasSuffix("-0") { inst = String(inst.dropLast()) + r.hex(32, upper: false) }
                else if r.chance(30) { inst += " (\(r.int(in: 2...9)))" }
                let typeLabels = kind.type.split(separator: ".").map { String($0) }
                let serviceType = try! DNSName(labels: typeLabels + ["local"])
                let instance = try! DNSName(labels: [inst] + typeLabels + ["local"])
                services.append((kind, instance, serviceType, TXT(strings: kind.txt(&r, inst))))
            }
            let hinfo = r.chance(15) ? HINFO(cpu: r.pick(["X86_64", "AARCH64", "ARMV7L"]), os: "LINUX") : nil
            devices.append(Device(host: host, v4: v4, v6: v6, mac: r.bytes(6),
                                  services: services.map { (kind: $0.0, instance: $0.1, serviceType: $0.2, txt: $0.3) }, hinfo: hinfo))
        }
        self.rng = r
        self.devices = devices
    }

    public enum Kind: CaseIterable, Sendable {
        case browseQuery, probe, announcement, response, goodbye, addressQuery, addressResponse, legacyUnicastReply, serviceEnumeration
    }

    // Record builders.
    func ptr(_ from: DNSName, _ to: DNSName, ttl: UInt32 = 4500) -> ResourceRecord {
        ResourceRecord(name: from, ttl: ttl, rdata: .ptr(to))
    }
    func srv(_ d: Device, _ s: Int, ttl: UInt32 = 120, flush: Bool = true) -> ResourceRecord {
        ResourceRecord(name: d.services[s].instance, cacheFlush: flush, ttl: ttl,
                       rdata: .srv(SRV(priority: 0, weight: 0, port: d.services[s].kind.port, target: d.host)))
    }
    func txt(_ d: Device, _ s: Int, ttl: UInt32 = 4500, flush: Bool = true) -> ResourceRecord {
        ResourceRecord(name: d.services[s].instance, cacheFlush: flush, ttl: ttl, rdata: .txt(d.services[s].txt))
    }
    func addresses(_ d: Device, ttl: UInt32 = 120, flush: Bool = true) -> [ResourceRecord] {
        [ResourceRecord(name: d.host, cacheFlush: flush, ttl: ttl, rdata: .a(d.v4))]
            + d.v6.map { ResourceRecord(name: d.host, cacheFlush: flush, ttl: ttl, rdata: .aaaa($0)) }
    }
    func nsec(_ name: DNSName, _ types: [RRType], ttl: UInt32) -> ResourceRecord {
        ResourceRecord(name: name, cacheFlush: true, ttl: ttl, rdata: .nsec(NSEC(nextName: name, types: types)))
    }
    func owner(_ d: Device, seq: UInt8) -> ResourceRecord {
        // RFC 6891 §6.1.2: the class carries the UDP payload size.
        let o = OPT.Owner(sequence: seq, primaryMAC: d.mac)
        return ResourceRecord(name: .root, rrclass: RRClass(1440), ttl: 0, rdata: .opt(OPT(options: [.init(code: OPT.ownerOptionCode, data: o.data)])))
    }

    public mutating func message(_ kind: Kind) -> Message {
        let d = rng.pick(devices)
        let s = rng.int(d.services.count)
        let svc = d.services[s]
        switch kind {
        case .browseQuery:
            var m = Message(header: .query)
            let types = (0..<rng.int(in: 1...3)).map { _ in rng.pick(devices).services[0].serviceType }
            let qu = rng.chance(35)
            for t in types { m.questions.append(Question(name: t, type: .ptr, unicastResponse: qu)) }
            // RFC 6762 §7.1: known answers, with their remaining TTL.
            if !qu {
                for _ in 0..<rng.int(in: 0...6) {
                    let o = rng.pick(devices)
                    let os = o.services[0]
                    m.answers.append(ptr(os.serviceType, os.instance, ttl: UInt32(rng.int(in: 2400...4500))))
                }
            }
            return m
        case .probe:
            // RFC 6762 §8.1: ANY questions with QU, proposed records in the authority section.
            var m = Message(header: .query)
            m.questions.append(Question(name: svc.instance, type: .any, unicastResponse: rng.chance(80)))
            m.questions.append(Question(name: d.host, type: .any, unicastResponse: true))
            m.authorities = [srv(d, s, flush: false), txt(d, s, flush: false)] + addresses(d, flush: false)
            return m
        case .announcement:
            // RFC 6762 §8.3: everything unsolicited, cache-flush on unique records.
            var m = Message(header: .response)
            for i in d.services.indices {
                m.answers.append(ptr(d.services[i].serviceType, d.services[i].instance))
                m.answers.append(srv(d, i))
                m.answers.append(txt(d, i))
            }
            m.answers += addresses(d)
            if let h = d.hinfo { m.answers.append(ResourceRecord(name: d.host, cacheFlush: true, ttl: 120, rdata: .hinfo(h))) }
            for i in d.services.indices { m.additionals.append(nsec(d.services[i].instance, [.txt, .srv], ttl: 4500)) }
            m.additionals.append(nsec(d.host, d.v6.isEmpty ? [.a] : [.a, .aaaa], ttl: 120))
            if rng.chance(15) { m.additionals.append(owner(d, seq: UInt8(rng.int(200)))) }
            return m
        case .response:
            // A browse answer: PTR in the answer section, the rest as additional records (RFC 6763 §12).
            var m = Message(header: .response)
            m.answers.append(ptr(svc.serviceType, svc.instance))
            m.additionals = [srv(d, s), txt(d, s)] + addresses(d)
            m.additionals.append(nsec(svc.instance, [.txt, .srv], ttl: 4500))
            m.additionals.append(nsec(d.host, [.a, .aaaa], ttl: 120))
            return m
        case .goodbye:
            // RFC 6762 §10.1: TTL zero.
            var m = Message(header: .response)
            m.answers.append(ptr(svc.serviceType, svc.instance, ttl: 0))
            if rng.chance(50) { m.answers += [srv(d, s, ttl: 0), txt(d, s, ttl: 0)] + addresses(d, ttl: 0) }
            return m
        case .addressQuery:
            var m = Message(header: .query)
            let qu = rng.chance(40)
            m.questions = [Question(name: d.host, type: .a, unicastResponse: qu), Question(name: d.host, type: .aaaa, unicastResponse: qu)]
            return m
        case .addressResponse:
            var m = Message(header: .response)
            m.answers = addresses(d)
            m.additionals.append(nsec(d.host, d.v6.isEmpty ? [.a] : [.a, .aaaa], ttl: 120))
            return m
        case .legacyUnicastReply:
            // RFC 6762 §6.7: ID and question echoed, no cache-flush bit, TTL at most 10.
            var m = Message(header: .response)
            m.header.id = UInt16(truncatingIfNeeded: rng.next() | 1)
            m.questions = [Question(name: svc.serviceType, type: .ptr)]
            m.answers = [ptr(svc.serviceType, svc.instance, ttl: 10)]
            m.additionals = [srv(d, s, ttl: 10, flush: false), txt(d, s, ttl: 10, flush: false)] + addresses(d, ttl: 10, flush: false)
            return m
        case .serviceEnumeration:
            // RFC 6763 §9.
            var m = Message(header: .response)
            let meta = try! DNSName(labels: ["_services", "_dns-sd", "_udp", "local"])
            for i in d.services.indices { m.answers.append(ptr(meta, d.services[i].serviceType)) }
            return m
        }
    }

    /// Messages in a realistic mix; about 3 % are written without compression.
    public mutating func realisticMix(count: Int) -> [[UInt8]] {
        let weights: [(Kind, Int)] = [(.browseQuery, 26), (.probe, 6), (.announcement, 18), (.response, 20), (.goodbye, 6),
                                      (.addressQuery, 6), (.addressResponse, 8), (.legacyUnicastReply, 4), (.serviceEnumeration, 6)]
        let total = weights.reduce(0) { $0 + $1.1 }
        var out: [[UInt8]] = []
        for _ in 0..<count {
            var w = rng.int(total)
            var kind = Kind.browseQuery
            for (k, n) in weights { if w < n { kind = k; break }; w -= n }
            let m = message(kind)
            out.append(m.encoded(compression: rng.chance(3) ? .none : .suffixes))
        }
        return out
    }

    /// Messages whose questions are PTR/A/AAAA and whose records are only A, AAAA, PTR and SRV: the
    /// record types the full parse must decode with no heap allocation at all.
    public mutating func addressPointerServiceOnly(count: Int) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for i in 0..<count {
            let d = rng.pick(devices)
            let s = rng.int(d.services.count)
            var m: Message
            switch i % 4 {
            case 0:
                m = Message(header: .query)
                m.questions = [Question(name: d.services[s].serviceType, type: .ptr)]
                m.answers = [ptr(d.services[s].serviceType, d.services[s].instance, ttl: 3000)]
            case 1:
                m = Message(header: .response)
                m.answers = [ptr(d.services[s].serviceType, d.services[s].instance), srv(d, s)] + addresses(d)
            case 2:
                m = Message(header: .query)
                m.questions = [Question(name: d.host, type: .a), Question(name: d.host, type: .aaaa, unicastResponse: true)]
            default:
                m = Message(header: .response)
                m.answers = addresses(d) + [srv(d, s)]
                m.additionals = [ptr(d.services[s].serviceType, d.services[s].instance)]
            }
            out.append(m.encoded(compression: i % 25 == 0 ? .none : .suffixes))
        }
        return out
    }
}
