import DNSWire

/// A DNS-SD service and the host that offers it: the records a responder would own
/// (RFC 6763 §4–§6, RFC 6762 §6). Messages of every shape are built from these.
public struct ServiceFixture: Sendable {
    public var type: DNSName
    public var instance: DNSName
    public var host: DNSName
    public var port: UInt16
    public var txt: TXT
    public var ipv4: [IPv4Address]
    public var ipv6: [IPv6Address]
    public var subtype: DNSName?

    public static func random<R: RandomNumberGenerator>(_ rng: inout R) -> ServiceFixture {
        let type = NameGen.serviceType(&rng)
        return ServiceFixture(type: type, instance: NameGen.instance(of: type, &rng), host: NameGen.host(&rng),
                              port: UInt16(rng.int(1...65535)), txt: RecordGen.txt(&rng),
                              ipv4: (0..<rng.int(0...2)).map { _ in RecordGen.ipv4(&rng) },
                              ipv6: (0..<rng.int(0...2)).map { _ in RecordGen.ipv6(&rng) },
                              subtype: rng.chance(0.2) ? NameGen.subtype(of: type, &rng) : nil)
    }

    /// RFC 6762 §10: host records 120 s, others 4500 s.
    public static let hostTTL: UInt32 = 120
    public static let otherTTL: UInt32 = 4500

    public func ptr(ttl: UInt32 = otherTTL) -> ResourceRecord {
        ResourceRecord(name: type, ttl: ttl, rdata: .ptr(instance))
    }
    public func subtypePTR(ttl: UInt32 = otherTTL) -> ResourceRecord? {
        subtype.map { ResourceRecord(name: $0, ttl: ttl, rdata: .ptr(instance)) }
    }
    /// RFC 6762 §10.2: unique records carry the cache-flush bit in responses.
    public func srv(cacheFlush: Bool = true, ttl: UInt32 = hostTTL) -> ResourceRecord {
        ResourceRecord(name: instance, cacheFlush: cacheFlush, ttl: ttl, rdata: .srv(SRV(port: port, target: host)))
    }
    public func txtRecord(cacheFlush: Bool = true, ttl: UInt32 = otherTTL) -> ResourceRecord {
        ResourceRecord(name: instance, cacheFlush: cacheFlush, ttl: ttl, rdata: .txt(txt))
    }
    public func addresses(cacheFlush: Bool = true, ttl: UInt32 = hostTTL) -> [ResourceRecord] {
        ipv4.map { ResourceRecord(name: host, cacheFlush: cacheFlush, ttl: ttl, rdata: .a($0)) }
            + ipv6.map { ResourceRecord(name: host, cacheFlush: cacheFlush, ttl: ttl, rdata: .aaaa($0)) }
    }
    /// RFC 6762 §6.1: NSEC asserting which types exist for a name.
    public func nsec(for name: DNSName, types: [RRType], ttl: UInt32) -> ResourceRecord {
        ResourceRecord(name: name, cacheFlush: true, ttl: ttl, rdata: .nsec(NSEC(nextName: name, types: types)))
    }
    public func allRecords(ttl: UInt32? = nil) -> [ResourceRecord] {
        [ptr(ttl: ttl ?? Self.otherTTL)] + (subtypePTR(ttl: ttl ?? Self.otherTTL).map { [$0] } ?? [])
            + [srv(ttl: ttl ?? Self.hostTTL), txtRecord(ttl: ttl ?? Self.otherTTL)] + addresses(ttl: ttl ?? Self.hostTTL)
    }
}

/// The realistic message shapes of mDNS traffic.
public enum MessageKind: String, CaseIterable, Sendable {
    /// RFC 6762 §5.2 multicast query (QM), sometimes several questions.
    case query
    /// RFC 6762 §7.1 query with known answers in the answer section.
    case knownAnswerQuery = "known-answer"
    /// RFC 6762 §5.4 query with the unicast-response (QU) bit.
    case quQuery = "qu"
    /// RFC 6762 §8.1 probe: ANY questions (QU) with the proposed records in the authority section.
    case probe
    /// RFC 6762 §8.3 announcement: unsolicited response, cache-flush on unique records.
    case announcement = "announce"
    /// RFC 6762 §6 / RFC 6763 §12 response with additional records.
    case response
    /// RFC 6762 §10.1 goodbye: TTL 0.
    case goodbye
    /// RFC 6762 §7.2 known-answer list split over packets: the first has TC set, the
    /// continuation has no questions (QDCOUNT 0) and only answers.
    case tcContinuation = "tc"
    /// RFC 6762 §6.7 legacy unicast query: non-zero ID, plain QCLASS, one question.
    case legacyUnicast = "legacy"
    /// RFC 6762 §6.7 reply to a legacy unicast query: ID echoed, question repeated, no cache-flush.
    case legacyUnicastResponse = "legacy-response"
    /// Any record types in every section (still a valid message).
    case random
}

public enum MessageGen {
    /// A message of the given kind. All are valid and canonical: `decode(encode(m)) == m`.
    public static func message<R: RandomNumberGenerator>(_ kind: MessageKind, _ rng: inout R) -> Message {
        let s = ServiceFixture.random(&rng)
        var m = Message()
        switch kind {
        case .query:
            m.header = .query
            m.questions = [Question(name: s.type, type: .ptr)]
            if rng.chance(0.5) { m.questions.append(Question(name: s.host, type: rng.pick([.a, .aaaa]))) }
            if rng.chance(0.3) { m.questions.append(Question(name: s.instance, type: rng.pick([.srv, .txt, .any]))) }
        case .knownAnswerQuery:
            m.header = .query
            m.questions = [Question(name: s.type, type: .ptr)]
            // RFC 6762 §7.1: known answers with more than half their TTL left.
            m.answers = (0..<rng.int(1...12)).map { _ in
                ResourceRecord(name: s.type, ttl: UInt32(rng.int(2251...4500)), rdata: .ptr(NameGen.instance(of: s.type, &rng)))
            }
        case .quQuery:
            m.header = .query
            m.questions = [Question(name: rng.chance(0.5) ? s.type : s.instance, type: rng.pick([.ptr, .srv, .txt, .any]), unicastResponse: true)]
        case .probe:
            m.header = .query
            // RFC 6762 §8.1: ANY questions, QU on the first probe, proposed records in authority.
            let qu = rng.chance(0.7)
            m.questions = [Question(name: s.instance, type: .any, unicastResponse: qu)]
            if rng.chance(0.7) { m.questions.append(Question(name: s.host, type: .any, unicastResponse: qu)) }
            m.authorities = [s.srv(cacheFlush: false), s.txtRecord(cacheFlush: false)]
            if m.questions.count > 1 { m.authorities += s.addresses(cacheFlush: false) }
        case .announcement:
            m.header = .response
            m.answers = s.allRecords()
            if rng.chance(0.5) {
                m.additionals = [s.nsec(for: s.instance, types: [.srv, .txt], ttl: ServiceFixture.otherTTL),
                                 s.nsec(for: s.host, types: [.a, .aaaa], ttl: ServiceFixture.hostTTL)]
            }
        case .response:
            m.header = .response
            m.answers = [s.ptr()]
            // RFC 6763 §12.1: SRV, TXT and addresses go in the additional section.
            m.additionals = [s.srv(), s.txtRecord()] + s.addresses()
            if rng.chance(0.5) { m.additionals.append(s.nsec(for: s.host, types: [.a, .aaaa], ttl: ServiceFixture.hostTTL)) }
            if rng.chance(0.2) { m.additionals.append(RecordGen.record(.opt, &rng)) }
        case .goodbye:
            m.header = .response
            let records = s.allRecords(ttl: 0)
            m.answers = Array(records.prefix(rng.int(1...records.count)))
        case .tcContinuation:
            m.header = .query
            if rng.chance(0.5) {
                // The first packet: question, known answers, TC set.
                m.header.truncated = true
                m.questions = [Question(name: s.type, type: .ptr)]
            } else {
                // A continuation: no questions (python-zeroconf #496), TC set unless it is the last.
                m.header.truncated = rng.chance(0.5)
            }
            m.answers = (0..<rng.int(1...20)).map { _ in
                ResourceRecord(name: s.type, ttl: UInt32(rng.int(2251...4500)), rdata: .ptr(NameGen.instance(of: s.type, &rng)))
            }
        case .legacyUnicast:
            m.header = Header(id: UInt16(rng.int(1...65535)), flags: rng.chance(0.5) ? 0x0100 : 0)
            m.questions = [Question(name: rng.chance(0.5) ? s.type : s.host, type: rng.pick([.ptr, .a, .aaaa, .srv]))]
        case .legacyUnicastResponse:
            m.header = .response
            m.header.id = UInt16(rng.int(1...65535))
            let q = Question(name: s.type, type: .ptr)
            m.questions = [q]
            // RFC 6762 §6.7: no cache-flush bits, TTL at most 10 s.
            m.answers = [s.ptr(ttl: 10)]
            m.additionals = [s.srv(cacheFlush: false, ttl: 10)] + s.addresses(cacheFlush: false, ttl: 10)
        case .random:
            var h = Header(id: UInt16.random(in: 0...65535, using: &rng), flags: UInt16.random(in: 0...65535, using: &rng))
            if rng.chance(0.5) { h.flags &= 0x8400 }
            m.header = h
            m.questions = (0..<rng.int(0...4)).map { _ in RecordGen.question(&rng) }
            for section in Section.allCases {
                m[section] = (0..<rng.int(0...5)).map { _ in RecordGen.record(&rng) }
            }
        }
        return m.normalized
    }

    public static func message<R: RandomNumberGenerator>(_ rng: inout R) -> Message {
        message(rng.pick(MessageKind.allCases), &rng)
    }
}

extension Message {
    /// The canonical form: what any encoder/decoder round trip must preserve. Counts equal the
    /// arrays; the class top bit lives only in `cacheFlush` / `unicastResponse`; OPT (RFC 6891)
    /// keeps its whole class and has no cache-flush bit; character-strings are at most 255 bytes.
    public var canonical: Message {
        var m = normalized
        m.questions = m.questions.map { q in
            var q = q; q.qclass = RRClass(q.qclass.rawValue & ~mdnsClassTopBit); return q
        }
        for section in Section.allCases {
            m[section] = m[section].map { r in
                var r = r
                if r.type == .opt { r.cacheFlush = false } else { r.rrclass = RRClass(r.rrclass.rawValue & ~mdnsClassTopBit) }
                if case .txt(let t) = r.rdata { r.rdata = .txt(TXT(strings: t.strings.map { Array($0.prefix(DNSLimits.maxCharacterStringLength)) })) }
                return r
            }
        }
        return m
    }
}
