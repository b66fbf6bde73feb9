/// RFC 1035 §4.1.2 question, with the mDNS unicast-response bit (RFC 6762 §18.12).
public struct Question: Hashable, Sendable {
    public var name: DNSName
    public var type: RRType
    /// QCLASS with the top bit removed.
    public var qclass: RRClass
    /// RFC 6762 §5.4 / §18.12: the QU bit asks for a unicast response.
    public var unicastResponse: Bool

    public init(name: DNSName, type: RRType, qclass: RRClass = .in, unicastResponse: Bool = false) {
        self.name = name
        self.type = type
        self.qclass = qclass
        self.unicastResponse = unicastResponse
    }

    /// True when a record of this name, type and class answers the question (RFC 6762 §6).
    public func isAnswered(by r: ResourceRecord) -> Bool {
        (type == .any || type == r.type) && (qclass == .any || qclass == r.rrclass) && name == r.name
    }
}

/// RFC 1035 §4.1.3 resource record, with the mDNS cache-flush bit (RFC 6762 §10.2, §18.13).
public struct ResourceRecord: Hashable, Sendable {
    public var name: DNSName
    /// RRCLASS with the top bit removed (kept whole for OPT, whose class is a payload size).
    public var rrclass: RRClass
    /// RFC 6762 §10.2: this record replaces all older ones of the same name, type and class.
    public var cacheFlush: Bool
    public var ttl: UInt32
    public var rdata: RData

    public var type: RRType { rdata.type }

    public init(name: DNSName, rrclass: RRClass = .in, cacheFlush: Bool = false, ttl: UInt32, rdata: RData) {
        self.name = name
        self.rrclass = rrclass
        self.cacheFlush = cacheFlush
        self.ttl = ttl
        self.rdata = rdata
    }

    /// The class field as on the wire, cache-flush bit included.
    public var wireClass: UInt16 {
        rdata.type == .opt ? rrclass.rawValue : rrclass.rawValue | (cacheFlush ? mdnsClassTopBit : 0)
    }

    /// Same name, type, class and rdata (RFC 6762 §7.1 "the same record"), TTL and cache-flush aside.
    public func isSameRecord(as o: ResourceRecord) -> Bool {
        rrclass == o.rrclass && rdata == o.rdata && name == o.name
    }
}

/// A whole DNS message, owned.
public struct Message: Hashable, Sendable {
    /// Counts in `header` are what was decoded; the encoder writes the real ones.
    public var header: Header
    public var questions: [Question]
    public var answers: [ResourceRecord]
    public var authorities: [ResourceRecord]
    public var additionals: [ResourceRecord]

    public init(header: Header = Header(), questions: [Question] = [], answers: [ResourceRecord] = [],
                authorities: [ResourceRecord] = [], additionals: [ResourceRecord] = []) {
        self.header = header
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    public subscript(section: Section) -> [ResourceRecord] {
        get {
            switch section {
            case .answer: return answers
            case .authority: return authorities
            case .additional: return additionals
            }
        }
        set {
            switch section {
            case .answer: answers = newValue
            case .authority: authorities = newValue
            case .additional: additionals = newValue
            }
        }
    }

    /// All records with their section, in wire order.
    public var records: [(section: Section, record: ResourceRecord)] {
        answers.map { (.answer, $0) } + authorities.map { (.authority, $0) } + additionals.map { (.additional, $0) }
    }

    /// The message with counts equal to its arrays, as the encoder writes it.
    public var normalized: Message {
        var m = self
        m.header.questionCount = UInt16(truncatingIfNeeded: questions.count)
        m.header.answerCount = UInt16(truncatingIfNeeded: answers.count)
        m.header.authorityCount = UInt16(truncatingIfNeeded: authorities.count)
        m.header.additionalCount = UInt16(truncatingIfNeeded: additionals.count)
        return m
    }
}
