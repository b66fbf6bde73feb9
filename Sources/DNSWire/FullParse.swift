/// A full parse that reads every field: every name expanded into `arena`, every rdata decoded,
/// every TXT string, NSEC window and EDNS0 option visited. Benchmarks and `Scripts/bench-peers`
/// run it so that swift-mdns is measured doing the same work as the peers it is compared with.
/// The returned checksum depends on every field, so the optimizer cannot skip any of it.
public enum FullParse {
    /// `arena` is scratch space reused between calls: on return its first bytes are the names of
    /// the message, expanded, in order (their total length is part of the checksum). It only grows.
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer, arena: inout [UInt8]) throws(DNSWireError) -> UInt64 {
        if arena.count < Self.initialArena { arena = [UInt8](repeating: 0, count: Self.initialArena) }
        while true {
            let r = arena.withUnsafeMutableBytes { a in
                Result { () throws(DNSWireError) in try checksum(bytes, expandingInto: a) }
            }
            // nil: the names did not fit; parse again with twice the room.
            if let sum = try r.get() { return sum }
            arena.append(contentsOf: repeatElement(0, count: arena.count))
        }
    }

    @usableFromInline static let initialArena = 4096

    @inlinable
    static func checksum(_ bytes: UnsafeRawBufferPointer, expandingInto arena: UnsafeMutableRawBufferPointer) throws(DNSWireError) -> UInt64? {
        var p = try MessageParser(bytes, expandingNamesInto: arena)
        var sum = UInt64(p.header.id) &+ UInt64(p.header.flags)
        while let q = try p.nextQuestion() {
            sum = sum &+ UInt64(q.type.rawValue) &+ UInt64(q.qclass.rawValue) &+ (q.unicastResponse ? 1 : 0)
        }
        while let r = try p.nextRecord() {
            sum = sum &+ UInt64(r.type.rawValue) &+ UInt64(r.rrclass.rawValue) &+ UInt64(r.ttl) &+ (r.cacheFlush ? 1 : 0)
            switch r.rdata {
            case .a(let v): sum = sum &+ UInt64(v.value)
            case .aaaa(let v): sum = sum &+ v.high &+ v.low
            case .ptr, .cname, .ns: break
            case .srv(let pr, let w, let port, _):
                sum = sum &+ UInt64(pr) &+ UInt64(w) &+ UInt64(port)
            case .txt(let range):
                p.forEachCharacterString(range) { s in
                    sum = sum &+ UInt64(s.count)
                    if let f = s.first { sum = sum &+ UInt64(f) }
                }
            case .hinfo(let cpu, let os): sum = sum &+ UInt64(cpu.count) &+ UInt64(os.count)
            case .nsec(_, let bitmaps):
                for b in p.bytes(bitmaps) { sum = sum &+ UInt64(b) }
            case .opt(let range):
                let o = p.bytes(range)
                var i = 0
                while i + 4 <= o.count {
                    let len = Int(o[i + 2]) << 8 | Int(o[i + 3])
                    sum = sum &+ UInt64(o[i]) << 8 &+ UInt64(o[i + 1]) &+ UInt64(len)
                    i += 4 + len
                }
            case .soa(_, _, let a, let b, let c, let d, let e):
                sum = sum &+ UInt64(a) &+ UInt64(b) &+ UInt64(c) &+ UInt64(d) &+ UInt64(e)
            case .mx(let pref, _):
                sum = sum &+ UInt64(pref)
            case .opaque(let range): sum = sum &+ UInt64(range.count)
            }
        }
        if p.arenaFull { return nil }
        return sum &+ UInt64(p.expandedNamesLength) &+ UInt64(p.trailingByteCount)
    }

    /// The lazy view's framing pass: checks the header counts, steps over every name (labels up to
    /// the first pointer, whose target is range-checked but not followed) and over every rdata by
    /// RDLENGTH. It proves where each question and record lies, not that each name expands within
    /// the limits: `MessageParser` checks that, in full, when a record is actually read.
    @inlinable
    public static func skim(_ bytes: UnsafeRawBufferPointer) throws(DNSWireError) -> Int {
        let count = bytes.count
        guard count >= DNSLimits.headerLength else {
            throw DNSWireError(.truncated, at: count, "message ends inside the header")
        }
        @inline(__always) func u16(_ i: Int) -> Int { Int(bytes[i]) << 8 | Int(bytes[i &+ 1]) }
        let qd = u16(4), rr = u16(6) &+ u16(8) &+ u16(10)
        guard qd &* DNSLimits.minQuestionLength &+ rr &* DNSLimits.minRecordLength <= count &- DNSLimits.headerLength else {
            throw DNSWireError(.countExceedsData, at: 4, "counts need more bytes than remain")
        }
        var pos = DNSLimits.headerLength
        @inline(__always) func skipName() throws(DNSWireError) {
            while true {
                guard pos < count else { throw DNSWireError(.truncated, at: pos, "message ends inside a name") }
                let b = Int(bytes[pos])
                if b == 0 { pos &+= 1; return }
                if b < 0x40 { pos &+= 1 &+ b; continue }
                guard b >= 0xC0 else { throw DNSWireError(.reservedLabelType, at: pos, "label type is not a length or a pointer") }
                guard pos &+ 1 < count else { throw DNSWireError(.truncated, at: pos, "message ends inside a pointer") }
                let target = (b & 0x3F) << 8 | Int(bytes[pos &+ 1])
                guard target >= DNSLimits.headerLength else { throw DNSWireError(.pointerIntoHeader, at: pos, "pointer lands in the header") }
                guard target < count else { throw DNSWireError(.pointerOutOfRange, at: pos, "pointer lands past the end") }
                pos &+= 2
                return
            }
        }
        for _ in 0..<qd {
            try skipName()
            guard count &- pos >= 4 else { throw DNSWireError(.truncated, at: pos, "message ends inside a question") }
            pos &+= 4
        }
        for _ in 0..<rr {
            try skipName()
            guard count &- pos >= 10 else { throw DNSWireError(.truncated, at: pos, "message ends inside a record header") }
            let rdlength = u16(pos &+ 8)
            pos &+= 10
            guard rdlength <= count &- pos else { throw DNSWireError(.truncated, at: pos &- 2, "RDLENGTH runs past the end") }
            pos &+= rdlength
        }
        return qd &+ rr
    }

    /// A strict validating pass: every name followed and checked against every limit, every rdata
    /// checked against its type, nothing copied.
    @inlinable
    public static func validate(_ bytes: UnsafeRawBufferPointer) throws(DNSWireError) -> Int {
        var p = try MessageParser(bytes)
        var n = 0
        while try p.nextQuestion() != nil { n &+= 1 }
        while try p.nextRecord() != nil { n &+= 1 }
        return n
    }
}

/// Reads the benchmark corpus format: a sequence of (u16 big-endian length, message bytes).
public enum LengthPrefixedFile {
    public static func messages(_ data: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = 0
        while i + 2 <= data.count {
            let n = Int(data[i]) << 8 | Int(data[i + 1])
            guard i + 2 + n <= data.count else { break }
            out.append(Array(data[(i + 2)..<(i + 2 + n)]))
            i += 2 + n
        }
        return out
    }

    public static func encode(_ messages: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for m in messages {
            out.append(UInt8(m.count >> 8)); out.append(UInt8(m.count & 0xFF)); out.append(contentsOf: m)
        }
        return out
    }
}
