import DNSWire
import MDNSCore

/// RFC 6762 §6, §10, §11 and §18 on a recording: what each message of the device carries.
extension CaptureConformance {
    static let headerRules: [Rule] = [responseSourcePort, responseNoQuestions, responseIDZero, queryIDZero, aaBit, ipTTL255]
    static let ttlRules: [Rule] = [recordTTL, goodbyeTTL]

    /// Judges every packet of the device that `applies`; `broken` says what is wrong with one, or nil.
    static func each(_ t: Timeline, _ note: String, _ applies: (Packet) -> Bool, _ broken: (Packet) -> String?) -> Judgement {
        var j = Judgement()
        for i in t.device.packets where t.all[i].message != nil && applies(t.all[i]) {
            j.checked += 1
            if let why = broken(t.all[i]) { j.violate(why, t.frames(i)) }
        }
        j.note = "\(j.checked) \(note)"
        return j
    }

    static let responseSourcePort = Rule("response-source-port", "RFC 6762 §6", .must,
        "The source UDP port in all Multicast DNS responses MUST be 5353 (the well-known port assigned to mDNS).") { t in
        each(t, "responses from port 5353", { $0.isResponse && $0.destinationPort == mdnsPort }) {
            $0.sourcePort == mdnsPort ? nil : "response from port \($0.sourcePort)"
        }
    }

    static let responseNoQuestions = Rule("response-no-questions", "RFC 6762 §6", .must,
        "Multicast DNS responses MUST NOT contain any questions in the Question Section.") { t in
        each(t, "responses without questions", { $0.isMDNSResponse }) {
            $0.message!.questions.isEmpty ? nil : "response with \($0.message!.questions.count) question(s)"
        }
    }

    static let responseIDZero = Rule("response-id-zero", "RFC 6762 §18.1", .must,
        "In multicast responses, including unsolicited multicast responses, the Query Identifier MUST be set to zero on transmission, and MUST be ignored on reception.") { t in
        each(t, "multicast responses with ID 0", { $0.isResponse && $0.isMulticast }) {
            $0.message!.header.id == 0 ? nil : "multicast response with ID \($0.message!.header.id)"
        }
    }

    static let queryIDZero = Rule("query-id-zero", "RFC 6762 §18.1", .should,
        "In multicast query messages, the Query Identifier SHOULD be set to zero on transmission.") { t in
        each(t, "multicast queries with ID 0", { $0.isQuery && $0.isMulticast && $0.sourcePort == mdnsPort }) {
            $0.message!.header.id == 0 ? nil : "multicast query with ID \($0.message!.header.id)"
        }
    }

    static let aaBit = Rule("aa-bit", "RFC 6762 §18.4", .must,
        "In query messages, the Authoritative Answer bit MUST be zero on transmission, and MUST be ignored on reception. In response messages for Multicast domains, the Authoritative Answer bit MUST be set to one (not setting this bit would imply there's some other place where \"better\" information may be found) and MUST be ignored on reception.") { t in
        each(t, "messages with the right AA bit", { $0.isQuery || $0.sourcePort == mdnsPort }) { p in
            let aa = p.message!.header.authoritativeAnswer
            if p.isQuery { return aa ? "query with AA set" : nil }
            return aa ? nil : "response without AA"
        }
    }

    static let ipTTL255 = Rule("ip-ttl-255", "RFC 6762 §11", .should,
        "All Multicast DNS responses (including responses sent via unicast) SHOULD be sent with IP TTL set to 255.") { t in
        each(t, "responses with IP TTL 255", { $0.isResponse && $0.sourcePort == mdnsPort }) {
            $0.hopLimit == 255 ? nil : "response with IP TTL \($0.hopLimit)"
        }
    }

    /// A record whose name is a host name, or whose rdata holds one (RFC 6762 §10).
    static func isHostRecord(_ r: ResourceRecord) -> Bool {
        switch r.type {
        case .a, .aaaa, .hinfo, .srv: true
        case .ptr: isReverseMapping(r.name)
        default: false
        }
    }

    static let recordTTL = Rule("record-ttl", "RFC 6762 §10", .should,
        "As a general rule, the recommended TTL value for Multicast DNS resource records with a host name as the resource record's name (e.g., A, AAAA, HINFO) or a host name contained within the resource record's rdata (e.g., SRV, reverse mapping PTR record) SHOULD be 120 seconds.") { t in
        each(t, "responses with host records at TTL 120 s", { $0.isMDNSResponse && $0.sourcePort == mdnsPort }) { p in
            let m = p.message!
            guard let r = (m.answers + m.additionals).first(where: { isHostRecord($0) && $0.ttl > 0 && $0.ttl != RFC6762.hostRecordTTL }) else { return nil }
            return "\(r.name) \(r.type) TTL \(r.ttl) (120 s)"
        }
    }

    /// Goodbyes of one instance's records sent this close together count as one.
    public static let goodbyeBurst: Int64 = 1_000_000_000

    static let goodbyeTTL = Rule("goodbye-ttl", "RFC 6762 §10.1", .should,
        "In the case where a host knows that certain resource record data is about to become invalid (for example, when the host is undergoing a clean shutdown), the host SHOULD send an unsolicited Multicast DNS response packet, giving the same resource record name, rrtype, rrclass, and rdata, but an RR TTL of zero.") { t in
        var j = Judgement(note: "no goodbyes")
        for e in t.events where e.kind == .goodbye || t.packet(e).isMulticast && t.packet(e).isResponse {
            let p = t.packet(e)
            for r in p.message!.answers where r.ttl == 0 {
                // A service withdrawn (its PTR said goodbye) withdraws its SRV and TXT too.
                guard case .ptr(let instance) = r.rdata, !isReverseMapping(r.name) else { continue }
                j.checked += 1
                j.note = "\(j.checked) withdrawn service(s) said goodbye to their SRV and TXT"
                let held = t.heldRecords(before: p.time).filter { $0.name == instance && ($0.type == .srv || $0.type == .txt) }
                let gone = t.responses.filter { _, q in abs(q.time - p.time) <= goodbyeBurst }.flatMap { $0.1.message!.answers + $0.1.message!.additionals }.filter { $0.ttl == 0 }
                // Records announced again afterwards did not become invalid.
                let kept = t.responses.filter { _, q in q.time > p.time }.flatMap { $0.1.message!.answers + $0.1.message!.additionals }.filter { $0.ttl > 0 }
                for h in held where !gone.contains(where: { $0.isSameRecord(as: h) }) && !kept.contains(where: { $0.isSameRecord(as: h) }) {
                    j.violate("withdrew \(instance) without a goodbye for its \(h.type)", t.frames(e.packet))
                }
            }
        }
        return j
    }
}
