/// A validated name inside a message: where it starts, and what it expands to. Reading it again
/// (`MessageParser.expand`, `DNSName(_:in:)`) follows the same pointers the validation followed.
public struct NameRef: Hashable, Sendable {
    /// Offset of the name's first byte in the message.
    public let offset: Int32
    /// Wire length once expanded, root byte included (1...255).
    public let wireLength: UInt16
    /// Number of labels, root excluded.
    public let labelCount: UInt16

    @usableFromInline init(offset: Int32, wireLength: UInt16, labelCount: UInt16) {
        self.offset = offset
        self.wireLength = wireLength
        self.labelCount = labelCount
    }
}

extension WireReader {
    /// Reads and validates one possibly compressed name starting at `offset`, iteratively.
    ///
    /// `bound` is where the inline part of the name must end: the end of rdata for names inside
    /// rdata, the end of the message otherwise. After the first pointer the name may continue
    /// anywhere in the message past the header (forward pointers included: RFC 1035 §4.1.4 does not
    /// forbid them and real devices send them).
    ///
    /// Work is bounded by `DNSLimits.maxNameLength` label bytes plus `DNSLimits.maxPointerHops` hops,
    /// so loops of any shape end with an error, never by luck.
    @inlinable @inline(__always)
    mutating func readName(bound: Int) throws(DNSWireError) -> NameRef {
        if let dst = arena {
            if arenaCapacity &- arenaUsed >= Self.arenaRoomPerName && !arenaFull {
                return try readNameExpanding(bound: bound, into: dst + arenaUsed)
            }
            arenaFull = true
        }
        return try readNameValidating(bound: bound)
    }

    /// Room a name needs in the arena: the longest name, and the slack `copyLabels` writes past it.
    @usableFromInline static let arenaRoomPerName = DNSLimits.maxNameLength + 32

    /// `readName` without an arena.
    @inlinable
    mutating func readNameValidating(bound: Int) throws(DNSWireError) -> NameRef {
        let start = offset
        var pos = offset
        var limit = bound
        var jumped = false
        var hops = 0
        var length = 0
        var labels = 0
        // Where the first pointer led, and the counts before it: the suffix from there is
        // remembered for later names that point to it.
        var firstTarget = 0
        var lengthBeforeJump = 0
        var labelsBeforeJump = 0
        while true {
            guard pos < limit else { throw Self.nameOverrun(pos, limit: limit, count: count, jumped: jumped) }
            let len = Int(bytes[pos])
            if len == 0 {
                if !jumped { offset = pos &+ 1 }
                break
            }
            if len < 0x40 {
                try checkLabel(len, at: pos, length: &length, limit: limit, jumped: jumped)
                labels &+= 1
                pos &+= len &+ 1
                continue
            }
            let target = try pointerTarget(len, at: pos, hops: &hops, limit: limit, jumped: jumped)
            if !jumped {
                offset = pos &+ 2
                jumped = true
                limit = count
                firstTarget = target
                lengthBeforeJump = length
                labelsBeforeJump = labels
            }
            // A suffix validated before needs no second walk, as long as the whole name stays
            // within both limits; otherwise the walk goes on and reports the error where it is.
            if let suffix = names.suffix(at: target),
               suffix.length == 0 || length &+ suffix.length < DNSLimits.maxNameLength,
               hops &+ suffix.hops <= DNSLimits.maxPointerHops {
                length &+= suffix.length
                labels &+= suffix.labels
                hops &+= suffix.hops
                break
            }
            pos = target
        }
        // Remember the suffix at every label of the inline part (the places later pointers
        // name), and where the first pointer led.
        let inlineEnd = jumped ? offset &- 2 : offset &- 1
        var at = start
        var before = 0
        var labelsBefore = 0
        while at < inlineEnd {
            names.remember(at, length: length &- before, labels: labels &- labelsBefore, hops: hops)
            let n = Int(bytes[at]) &+ 1
            before &+= n
            labelsBefore &+= 1
            at &+= n
        }
        if jumped {
            names.remember(firstTarget, length: length &- lengthBeforeJump, labels: labels &- labelsBeforeJump, hops: hops &- 1)
        }
        return NameRef(offset: Int32(truncatingIfNeeded: start),
                       wireLength: UInt16(truncatingIfNeeded: length &+ 1),
                       labelCount: UInt16(truncatingIfNeeded: labels))
    }

    /// `readName` when the names are wanted expanded: one walk of the whole name that validates
    /// it (the same checks in the same order as `readName`, without the suffix cache, so the same
    /// error) and copies each run of adjacent labels to `dst`, which has room for a whole name.
    @inlinable
    mutating func readNameExpanding(bound: Int, into dst: UnsafeMutableRawPointer) throws(DNSWireError) -> NameRef {
        let src = bytes.baseAddress.unsafelyUnwrapped
        let start = offset
        var pos = offset
        var run = pos
        var limit = bound
        var jumped = false
        var hops = 0
        var length = 0
        var labels = 0
        while true {
            guard pos < limit else { throw Self.nameOverrun(pos, limit: limit, count: count, jumped: jumped) }
            let len = Int(src.load(fromByteOffset: pos, as: UInt8.self))
            if len == 0 {
                if !jumped { offset = pos &+ 1 }
                break
            }
            if len < 0x40 {
                try checkLabel(len, at: pos, length: &length, limit: limit, jumped: jumped)
                labels &+= 1
                pos &+= len &+ 1
                continue
            }
            let target = try pointerTarget(len, at: pos, hops: &hops, limit: limit, jumped: jumped)
            if !jumped {
                offset = pos &+ 2
                jumped = true
                limit = count
            }
            // The run copied so far is whole: `length` counted it and stays below the room in `dst`.
            Self.copyLabels(src + run, dst + (length &- (pos &- run)), pos &- run, sourceRoom: count &- run)
            pos = target
            run = target
        }
        Self.copyLabels(src + run, dst + (length &- (pos &- run)), pos &- run, sourceRoom: count &- run)
        dst.storeBytes(of: 0, toByteOffset: length, as: UInt8.self)
        arenaUsed &+= length &+ 1
        return NameRef(offset: Int32(truncatingIfNeeded: start),
                       wireLength: UInt16(truncatingIfNeeded: length &+ 1),
                       labelCount: UInt16(truncatingIfNeeded: labels))
    }

    /// The checks on a length byte `len` at `pos`; `length` counts the label in.
    @inlinable @inline(__always)
    func checkLabel(_ len: Int, at pos: Int, length: inout Int, limit: Int, jumped: Bool) throws(DNSWireError) {
        length &+= len &+ 1
        // RFC 1035 §2.3.4: 255 octets including the root byte still to come.
        guard length < DNSLimits.maxNameLength else {
            throw DNSWireError(.nameTooLong, at: pos, "name exceeds \(DNSLimits.maxNameLength) bytes once expanded")
        }
        guard len < limit &- pos else { throw Self.nameOverrun(limit, limit: limit, count: count, jumped: jumped) }
    }

    /// The checks on a byte `len` at `pos` that is not a length (below 0x40) or the root; returns
    /// where the pointer leads, with `hops` counting it.
    @inlinable @inline(__always)
    func pointerTarget(_ len: Int, at pos: Int, hops: inout Int, limit: Int, jumped: Bool) throws(DNSWireError) -> Int {
        guard len >= 0xC0 else {
            throw DNSWireError(.reservedLabelType, at: pos, "label type 0x\(String(len & 0xC0, radix: 16)) is not a length or a pointer")
        }
        guard 1 < limit &- pos else { throw Self.nameOverrun(limit, limit: limit, count: count, jumped: jumped) }
        let target = (len & 0x3F) << 8 | Int(bytes.load(fromByteOffset: pos &+ 1, as: UInt8.self))
        hops &+= 1
        guard hops <= DNSLimits.maxPointerHops else {
            throw DNSWireError(.pointerHopLimit, at: pos, "more than \(DNSLimits.maxPointerHops) compression pointers in one name")
        }
        // RFC 1035 §4.1.4: a pointer names a prior occurrence in the message; it can never
        // land in the header, and never outside the message.
        guard target >= DNSLimits.headerLength else {
            throw DNSWireError(.pointerIntoHeader, at: pos, "compression pointer to offset \(target) lands in the header")
        }
        guard target < count else {
            throw DNSWireError(.pointerOutOfRange, at: pos, "compression pointer to offset \(target) is past the end (\(count) bytes)")
        }
        return target
    }

    @inline(never) @usableFromInline
    static func nameOverrun(_ pos: Int, limit: Int, count: Int, jumped: Bool) -> DNSWireError {
        if !jumped && limit < count {
            return DNSWireError(.nameCrossesRData, at: pos, "name runs past the end of its rdata")
        }
        return DNSWireError(.truncated, at: pos, "message ends inside a name")
    }

    /// Calls `body` with each label of a name validated by `readName`, in order.
    @inlinable
    func forEachLabel(_ name: NameRef, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var pos = Int(name.offset)
        while true {
            let len = Int(bytes[pos])
            if len == 0 { return }
            if len & 0xC0 == 0xC0 {
                pos = (len & 0x3F) << 8 | Int(bytes[pos &+ 1])
                continue
            }
            try body(UnsafeRawBufferPointer(rebasing: bytes[(pos &+ 1)..<(pos &+ 1 &+ len)]))
            pos &+= len &+ 1
        }
    }

    /// Copies a run of `n` label bytes to the arena. Runs of up to 32 bytes (most of them) go in
    /// one or two 16-byte moves when the message has that many bytes from `s` on; the arena has
    /// `arenaRoomPerName` bytes of room, so writing past `n` there only touches scratch space.
    @inlinable @inline(__always)
    static func copyLabels(_ s: UnsafeRawPointer, _ d: UnsafeMutableRawPointer, _ n: Int, sourceRoom: Int) {
        if n <= 16 && sourceRoom >= 16 {
            d.storeBytes(of: s.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
        } else if n <= 32 && sourceRoom >= 32 {
            d.storeBytes(of: s.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
            d.storeBytes(of: s.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), toByteOffset: 16, as: SIMD16<UInt8>.self)
        } else {
            d.copyMemory(from: s, byteCount: n)
        }
    }

    /// Writes the uncompressed wire form of a validated name (root byte included) to `out`, which
    /// has room for `DNSLimits.maxNameLength` bytes; returns its length.
    @inlinable
    func copyWire(_ name: NameRef, to out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let total = Int(name.wireLength)
        precondition(total <= out.count, "a validated name fits DNSLimits.maxNameLength")
        let dst = UnsafeMutableRawPointer(out.baseAddress.unsafelyUnwrapped)
        let src = bytes.baseAddress.unsafelyUnwrapped
        var run = Int(name.offset)
        var pos = run
        var at = 0
        while true {
            let len = Int(bytes[pos])
            if len == 0 || len & 0xC0 == 0xC0 {
                // Validation counted these bytes into wireLength, so the run fits before the root byte.
                let n = Swift.min(pos &- run, total &- 1 &- at)
                dst.advanced(by: at).copyMemory(from: src + run, byteCount: n)
                at &+= n
                if len == 0 { break }
                pos = (len & 0x3F) << 8 | Int(bytes[pos &+ 1])
                run = pos
                continue
            }
            pos &+= len &+ 1
        }
        dst.storeBytes(of: 0, toByteOffset: at, as: UInt8.self)
        return at &+ 1
    }

    /// Appends the uncompressed wire form of a validated name (root byte included). Labels that
    /// sit next to each other in the message are copied in one run.
    @inlinable
    func appendWire(_ name: NameRef, to out: inout [UInt8]) {
        var run = Int(name.offset)
        var pos = run
        while true {
            let len = Int(bytes[pos])
            if len == 0 || len & 0xC0 == 0xC0 {
                if pos > run {
                    // A typed buffer takes Array's memcpy path; a raw one is appended byte by byte.
                    UnsafeRawBufferPointer(rebasing: bytes[run..<pos]).withMemoryRebound(to: UInt8.self) { out.append(contentsOf: $0) }
                }
                if len == 0 { out.append(0); return }
                pos = (len & 0x3F) << 8 | Int(bytes[pos &+ 1])
                run = pos
                continue
            }
            pos &+= len &+ 1
        }
    }
}
