import DNSWire

extension Mutate {
    /// The pieces of a hostile name and of the carrier it points into, with the outcome.
    struct Plan {
        var name: [Piece]
        var payload: [Piece]? = nil
        var placement: Placement = .inside
        var expected: Expectation
        var dnsWireAccepts = false
        /// The name a decoder that accepts must produce.
        var acceptedName: DNSName? = nil
        var detail: String
    }

    /// Short ordinary labels to start a hostile name with (total wire bytes `< maxBytes`).
    static func prefixLabels<R: RandomNumberGenerator>(_ rng: inout R, maxCount: Int = 3, maxBytes: Int = 40) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var total = 0
        for _ in 0..<rng.int(0...maxCount) {
            let l = Array(NameGen.label(.hostname, &rng).prefix(12))
            if total + l.count + 1 >= maxBytes { break }
            out.append(l); total += l.count + 1
        }
        return out
    }

    static func wire(_ labels: [[UInt8]]) -> [UInt8] { labels.flatMap { [UInt8($0.count)] + $0 } }

    /// Pointer pieces forming a chain or cycle in shuffled order: piece i points at piece i+1
    /// (the last at `last`, or at the first for a cycle). Returns the payload and the offset of the first.
    static func pointerRun<R: RandomNumberGenerator>(count n: Int, cycle: Bool, base: Int, _ rng: inout R,
                                                     anchor: (Int) -> Anchor) -> (pieces: [Piece], first: Int) {
        var slots = Array(0..<n)
        slots.shuffle(using: &rng)
        // slots[i] = slot (2-byte position) of the i-th pointer in the chain
        var pieces = [Piece](repeating: .bytes([]), count: n)
        for i in 0..<n {
            let nextSlot = i + 1 < n ? slots[i + 1] : (cycle ? slots[0] : n)
            // slot n is the byte right after the run (a root byte for chains)
            pieces[slots[i]] = .pointer(anchor(base + 2 * nextSlot))
        }
        return (pieces, base + 2 * slots[0])
    }

    static func plan<R: RandomNumberGenerator>(_ mutator: Mutator, _ rng: inout R) -> Plan {
        let prefix = prefixLabels(&rng)
        let pre = Piece.bytes(wire(prefix))
        let preLen = wire(prefix).count
        switch mutator {
        case .pointerSelfLoop:
            if rng.chance(0.5) {
                return Plan(name: [pre, .pointer(.name(preLen))], expected: .rejected(.pointerHopLimit),
                            detail: "pointer to itself at the end of the name")
            }
            return Plan(name: [pre, .pointer(.payload(0))], payload: [.pointer(.payload(0))],
                        placement: rng.chance(0.5) ? .before : .after, expected: .rejected(.pointerHopLimit),
                        detail: "the name points at a pointer to itself")
        case .pointerCycle:
            let n = rng.int(2...(rng.chance(0.7) ? 4 : 31))
            switch rng.int(0...2) {
            case 0:
                // The cycle sits in the name's own label data; the name ends by pointing into it.
                let run = pointerRun(count: n, cycle: true, base: preLen + 1, &rng) { .name($0) }
                return Plan(name: [pre, .bytes([UInt8(2 * n)])] + run.pieces + [.pointer(.name(run.first))],
                            expected: .rejected(.pointerHopLimit), detail: "\(n)-cycle inside the name's label data")
            default:
                let run = pointerRun(count: n, cycle: true, base: 0, &rng) { .payload($0) }
                let placement: Placement = rng.chance(0.5) ? .before : .after
                return Plan(name: [pre, .pointer(.payload(run.first))], payload: run.pieces, placement: placement,
                            expected: .rejected(.pointerHopLimit), detail: "\(n)-cycle \(placement) the name")
            }
        case .labelledCycle:
            // Every lap adds ≥ 3 bytes and one hop, so the 255-byte limit is met before the hop cap.
            let labels = (0..<rng.int(1...3)).map { _ in Array(NameGen.label(.hostname, &rng).prefix(rng.int(2...12))) }
                .map { $0.count >= 2 ? $0 : $0 + [UInt8(ascii: "x")] }
            if rng.chance(0.5) {
                let all = prefix + labels
                let back = wire(Array(all.prefix(rng.int(0...(all.count - 1))))).count
                return Plan(name: [.bytes(wire(all)), .pointer(.name(back))], expected: .rejected(.nameTooLong),
                            detail: "pointer back to a label of the same name")
            }
            return Plan(name: [pre, .pointer(.payload(0))], payload: [.bytes(wire(labels)), .pointer(.payload(0))],
                        placement: rng.chance(0.5) ? .before : .after, expected: .rejected(.nameTooLong),
                        detail: "the name enters a loop that repeats labels")
        case .forwardPointer:
            let tail = [Array("_tcp".utf8), Array("local".utf8)]
            return Plan(name: [pre, .pointer(.payload(0))], payload: [.bytes(wire(tail) + [0])], placement: .after,
                        expected: .acceptedOr(.pointerOutOfRange), dnsWireAccepts: true,
                        acceptedName: NameGen.make(prefix + tail), detail: "pointer forward to a valid name")
        case .pointerIntoHeader:
            let k = rng.int(0...(DNSLimits.headerLength - 1))
            if rng.chance(0.5) {
                return Plan(name: [pre, .pointer(.absolute(k))], expected: .rejected(.pointerIntoHeader),
                            detail: "pointer to offset \(k)")
            }
            return Plan(name: [pre, .pointer(.payload(0))], payload: [.pointer(.absolute(k))],
                        placement: rng.chance(0.5) ? .before : .after, expected: .rejected(.pointerIntoHeader),
                        detail: "second pointer to offset \(k)")
        case .pointerPastEnd:
            let k = rng.chance(0.5) ? 0 : rng.int(1...200)
            return Plan(name: [pre, .pointer(.fromEnd(k))], expected: .rejected(.pointerOutOfRange),
                        detail: "pointer to end + \(k)")
        case .pointerChainOverHopCap, .pointerChainAtHopCap:
            let atCap = mutator == .pointerChainAtHopCap
            // The name's own pointer is one hop; the chain adds one per pointer.
            let n = atCap ? DNSLimits.maxPointerHops - 1 : rng.int(DNSLimits.maxPointerHops...(DNSLimits.maxPointerHops + 80))
            let run = pointerRun(count: n, cycle: false, base: 0, &rng) { .payload($0) }
            return Plan(name: [pre, .pointer(.payload(run.first))], payload: run.pieces + [.bytes([0])],
                        placement: rng.chance(0.5) ? .before : .after,
                        expected: atCap ? .acceptedOr(.pointerHopLimit) : .rejected(.pointerHopLimit),
                        dnsWireAccepts: atCap, acceptedName: atCap ? NameGen.make(prefix) : nil,
                        detail: "\(n + 1) hops")
        case .reservedLabelType:
            let bad = UInt8(rng.pick([0x40, 0x80])) | UInt8(rng.int(0...0x3F))
            let junk = RecordGen.bytes(0...8, &rng)
            if rng.chance(0.5) {
                return Plan(name: [pre, .bytes([bad] + junk)], expected: .rejected(.reservedLabelType),
                            detail: "label type 0x\(String(bad & 0xC0, radix: 16)) in the name")
            }
            return Plan(name: [pre, .pointer(.payload(0))], payload: [.bytes([bad] + junk)],
                        placement: rng.chance(0.5) ? .before : .after, expected: .rejected(.reservedLabelType),
                        detail: "label type 0x\(String(bad & 0xC0, radix: 16)) behind a pointer")
        case .nameTooLongViaCompression, .nameAtMaximumViaCompression:
            // Prefix labels here, the rest of the name behind a pointer: sum 255 is the limit.
            let total = mutator == .nameAtMaximumViaCompression ? DNSLimits.maxNameLength : rng.int(256...(256 + 60))
            let here = rng.int(2...(total - 3))
            let labelsHere = filler(here)
            let labelsThere = filler(total - here - 1)
            let atMax = mutator == .nameAtMaximumViaCompression
            let placement: Placement = rng.chance(0.5) ? .before : .after
            return Plan(name: [.bytes(wire(labelsHere)), .pointer(.payload(0))], payload: [.bytes(wire(labelsThere) + [0])],
                        placement: placement,
                        expected: atMax ? .acceptedOr(.nameTooLong) : .rejected(.nameTooLong), dnsWireAccepts: atMax,
                        acceptedName: atMax ? NameGen.make(labelsHere + labelsThere) : nil,
                        detail: "\(here) bytes + \(total - here) behind a pointer")
        case .labelPastEndViaPointer:
            let len = UInt8(rng.int(1...DNSLimits.maxLabelLength))
            return Plan(name: [pre, .pointer(.payload(0))], payload: [.bytes([len])], placement: .after,
                        expected: .rejected(.truncated), detail: "label of \(len) in the last byte")
        default:
            preconditionFailure("not a name mutator: \(mutator)")
        }
    }

    /// Labels of 1...63 bytes whose wire form is exactly `n` bytes (n ≥ 2), root excluded.
    static func filler(_ n: Int) -> [[UInt8]] {
        var left = n
        var out: [[UInt8]] = []
        while left > 0 {
            // Never leave 1 byte: a label needs a length byte and at least one data byte.
            var take = min(left, DNSLimits.maxLabelLength + 1)
            if left - take == 1 { take -= 1 }
            out.append([UInt8](repeating: UInt8(ascii: "a") + UInt8(out.count % 26), count: take - 1))
            left -= take
        }
        return out
    }

    static func hostileName<R: RandomNumberGenerator>(_ mutator: Mutator, base: Message, _ rng: inout R) -> Mutation {
        var p = plan(mutator, &rng)
        var a = Assembly(base)
        let site = rng.pick(Site.allCases)
        let payloadLength = p.payload?.reduce(0) { $0 + $1.length } ?? 0
        // A carrier before the name: label data of a question when the name is a question and the
        // payload fits one label, else an opaque record ahead of the name's record.
        if p.payload != nil && p.placement == .before && site == .question && payloadLength > DNSLimits.maxLabelLength {
            p.placement = .after
        }
        let nameLength = p.name.reduce(0) { $0 + $1.length }
        let hostileName = p.acceptedName

        // The target entry.
        var target: Entry
        var nameOffset = 0
        switch site {
        case .question:
            target = Entry(pieces: p.name + [.bytes([0x00, 0x0C, 0x00, 0x01])],
                           question: hostileName.map { Question(name: $0, type: .ptr) })
        case .owner:
            target = Entry(pieces: p.name + [.bytes([0x00, 0x01, 0x00, 0x01, 0, 0, 0, 120, 0, 4, 10, 0, 0, 1])],
                           record: hostileName.map { ResourceRecord(name: $0, ttl: 120, rdata: .a(IPv4Address(10, 0, 0, 1))) })
        case .rdata:
            let owner = NameGen.make([Array("_x".utf8), Array("local".utf8)])
            var head = owner.wire + [0x00, 0x0C, 0x00, 0x01, 0, 0, 0x11, 0x94]
            head += [UInt8(nameLength >> 8), UInt8(nameLength & 0xFF)]
            nameOffset = head.count
            target = Entry(pieces: [.bytes(head)] + p.name,
                           record: hostileName.map { ResourceRecord(name: owner, ttl: 4500, rdata: .ptr($0)) })
        }

        var carrier: Entry? = nil
        var carrierIsQuestion = false
        if let payload = p.payload {
            if p.placement == .before && site == .question {
                carrierIsQuestion = true
                var labelData: [UInt8] = []
                for piece in payload { if case .bytes(let b) = piece { labelData += b } else { labelData += [0, 0] } }
                // Pointers inside label data are still just label bytes; the question is well-formed,
                // but its decoded name depends on resolved offsets, so it is only known without pointers.
                let known = !payload.contains { if case .pointer = $0 { return true } else { return false } }
                carrier = Entry(pieces: [.bytes([UInt8(payloadLength)])] + payload + [.bytes([0, 0x00, 0x10, 0x00, 0x01])],
                                question: known ? Question(name: NameGen.make([labelData]), type: .txt) : nil)
            } else {
                var head: [UInt8] = [0, UInt8(carrierType.rawValue >> 8), UInt8(carrierType.rawValue & 0xFF), 0x00, 0x01, 0, 0, 0, 0]
                head += [UInt8(payloadLength >> 8), UInt8(payloadLength & 0xFF)]
                let known = !payload.contains { if case .pointer = $0 { return true } else { return false } }
                var data: [UInt8] = []
                for piece in payload { if case .bytes(let b) = piece { data += b } }
                carrier = Entry(pieces: [.bytes(head)] + payload,
                                record: known ? ResourceRecord(name: .root, ttl: 0, rdata: .opaque(carrierType, data)) : nil)
            }
        }

        // Place them: questions go after the base questions, records after the base additionals.
        let additional = Section.additional.rawValue
        if site == .question {
            if carrierIsQuestion, let c = carrier {
                a.questions.append(c)
                a.carrier = (nil, a.questions.count - 1, 1)
            }
            a.questions.append(target)
            a.target = (nil, a.questions.count - 1, nameOffset)
            if !carrierIsQuestion, let c = carrier {
                a.sections[additional].append(c)
                a.carrier = (additional, a.sections[additional].count - 1, 11)
            }
        } else {
            if p.placement == .before, let c = carrier {
                a.sections[additional].append(c)
                a.carrier = (additional, a.sections[additional].count - 1, 11)
            }
            a.sections[additional].append(target)
            a.target = (additional, a.sections[additional].count - 1, nameOffset)
            if p.placement != .before, let c = carrier {
                a.sections[additional].append(c)
                a.carrier = (additional, a.sections[additional].count - 1, 11)
            }
        }
        let bytes = a.bytes()
        // A carrier holding pointers is still well-formed; what it decodes to is its resolved bytes.
        if let c = a.carrier {
            let start = a.offset(section: c.section, index: c.index) + c.payloadOffset
            let data = Array(bytes[start..<(start + payloadLength)])
            if c.section == nil {
                a.questions[c.index].question = Question(name: NameGen.make([data]), type: .txt)
            } else {
                a.sections[c.section!][c.index].record = ResourceRecord(name: .root, ttl: 0, rdata: .opaque(carrierType, data))
            }
        }
        let accepted: Message?
        if case .rejected = p.expected { accepted = nil } else {
            accepted = a.expectedMessage
        }
        return Mutation(mutator: mutator, detail: "\(p.detail) (\(site))", bytes: bytes, expected: p.expected,
                        dnsWireAccepts: p.dnsWireAccepts, acceptedMessage: accepted)
    }
}
