/// The names one owned decode has expanded, by the offset of their first label in the message.
/// Compression makes a name's later occurrences pointers to its first one: those expand to the
/// same bytes, so they take the first copy's storage (shared copy-on-write) instead of a new one.
struct DecodedNames {
    private var offsets = InlineArray<16, Int32>(repeating: -1)
    private var names = InlineArray<16, DNSName?>(repeating: nil)
    private var count = 0

    init() {}

    /// The owned name `ref` names in `reader`'s message.
    mutating func name(_ ref: NameRef, in reader: WireReader) -> DNSName {
        if ref.wireLength == 1 { return .root }
        let start = Int32(truncatingIfNeeded: reader.firstLabelOffset(ref))
        for i in 0..<count where offsets[i] == start { return names[i].unsafelyUnwrapped }
        let name = DNSName(ref, in: reader)
        if count < Swift.min(DNSLimits.decodeSharedNames, offsets.count) {
            offsets[count] = start
            names[count] = name
            count += 1
        }
        return name
    }
}

extension WireReader {
    /// Where a validated name's first label is, past any pointers it starts with: two names with
    /// the same first label expand to the same bytes.
    func firstLabelOffset(_ ref: NameRef) -> Int {
        var pos = Int(ref.offset)
        while true {
            let len = Int(bytes[pos])
            guard len & 0xC0 == 0xC0 else { return pos }
            pos = (len & 0x3F) << 8 | Int(bytes[pos &+ 1])
        }
    }
}
