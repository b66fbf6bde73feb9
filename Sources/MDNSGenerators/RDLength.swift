import DNSWire

extension Mutate {
    /// Byte offsets inside canonical rdata where a shorter RDLENGTH ends the rdata cleanly (the
    /// rdata is then valid, and the rest is read as the next entry: no promised outcome), and the
    /// code a cut anywhere else must produce.
    static func shortRDLengthOutcome(_ rdata: RData, cut: Int) -> Expectation {
        func nameLen(_ n: DNSName) -> Int { n.wire.count }
        switch rdata {
        case .a, .aaaa: return .rejected(.rdataLengthMismatch)
        case .ptr, .cname, .ns: return .rejected(.nameCrossesRData)
        case .srv: return .rejected(cut < 7 ? .rdataLengthMismatch : .nameCrossesRData)
        case .mx: return .rejected(cut < 3 ? .rdataLengthMismatch : .nameCrossesRData)
        case .soa(let s):
            return .rejected(cut < nameLen(s.mname) + nameLen(s.rname) ? .nameCrossesRData : .rdataLengthMismatch)
        case .hinfo(let h):
            if cut == 0 || cut == 1 + h.cpu.count { return .rejected(.rdataLengthMismatch) }
            return .rejected(.invalidRData)
        case .txt(let t):
            var at = 0
            for s in t.strings { if cut == at { return .anyOutcome }; at += 1 + s.count }
            return .rejected(.invalidRData)
        case .nsec(let n):
            let nl = nameLen(n.nextName)
            if cut < nl { return .rejected(.nameCrossesRData) }
            var at = nl
            var i = 0
            while i + 1 < n.typeBitmaps.count {
                if cut == at { return .anyOutcome }
                at += 2 + Int(n.typeBitmaps[i + 1]); i += 2 + Int(n.typeBitmaps[i + 1])
            }
            return .rejected(.invalidRData)
        case .opt(let o):
            var at = 0
            for opt in o.options { if cut == at { return .anyOutcome }; at += 4 + opt.data.count }
            return .rejected(.invalidRData)
        case .opaque: return .anyOutcome
        }
    }

    /// A record whose RDLENGTH is made shorter or longer than its typed rdata.
    static func rdlength<R: RandomNumberGenerator>(_ mutator: Mutator, base: Message, _ rng: inout R) -> Mutation {
        var a = Assembly(base)
        // A fresh record of a typed kind with non-empty rdata, placed at the end of a section.
        var record = RecordGen.record(rng.pick(RecordGen.types), &rng)
        while record.rdata.canonicalBytes.isEmpty { record = RecordGen.record(rng.pick(RecordGen.types), &rng) }
        let section = rng.int(0...2)
        a.sections[section].append(Entry(pieces: [.bytes(Assembly.recordBytes(record))], record: record))
        let index = a.sections[section].count - 1
        var bytes = a.bytes()
        let start = a.offset(section: section, index: index)
        let rdlengthAt = start + record.name.wire.count + 8
        let rdataStart = rdlengthAt + 2
        let full = record.rdata.canonicalBytes.count
        let available = bytes.count - rdataStart

        var newLength: Int
        var expected: Expectation
        if mutator == .rdlengthTooShort {
            newLength = rng.int(0...(full - 1))
            expected = shortRDLengthOutcome(record.rdata, cut: newLength)
            // Prefer a cut with a promised outcome.
            for _ in 0..<8 where expected == .anyOutcome {
                newLength = rng.int(0...(full - 1))
                expected = shortRDLengthOutcome(record.rdata, cut: newLength)
            }
        } else if available > full && rng.chance(0.6) {
            // Longer, still inside the message: the typed rdata ends before RDLENGTH does.
            newLength = rng.int((full + 1)...available)
            switch record.rdata {
            case .a, .aaaa, .ptr, .cname, .ns, .srv, .mx, .soa, .hinfo: expected = .rejected(.rdataLengthMismatch)
            default: expected = .anyOutcome
            }
        } else {
            // Past the end of the message.
            newLength = rng.int((available + 1)...min(0xFFFF, available + 300))
            expected = .rejected(.truncated)
        }
        bytes[rdlengthAt] = UInt8(newLength >> 8)
        bytes[rdlengthAt + 1] = UInt8(newLength & 0xFF)
        return Mutation(mutator: mutator, detail: "\(record.type) rdata of \(full) bytes, RDLENGTH \(newLength)",
                        bytes: bytes, expected: expected, dnsWireAccepts: false, acceptedMessage: nil)
    }
}
