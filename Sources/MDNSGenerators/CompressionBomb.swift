import DNSWire

extension Mutate {
    /// A valid message that makes a decoder work as hard as the limits allow: `questions` questions
    /// of 6 bytes each whose 2-byte name points forward into a chain of
    /// `DNSLimits.maxPointerHops - 1` pointers that ends in a name of 253 bytes. Every name takes
    /// exactly `maxPointerHops` hops and expands to 253 bytes (FreeBSD resolv "compression bomb").
    public static func compressionBomb<R: RandomNumberGenerator>(questions n: Int, _ rng: inout R) -> [UInt8] {
        var a = Assembly(Message(header: .query))
        let run = pointerRun(count: DNSLimits.maxPointerHops - 1, cycle: false, base: 0, &rng) { .payload($0) }
        let tail = wire(filler(DNSLimits.maxNameLength - 3)) + [0]
        let payload = run.pieces + [.bytes(tail)]
        let length = payload.reduce(0) { $0 + $1.length }
        for _ in 0..<n {
            a.questions.append(Entry(pieces: [.pointer(.payload(run.first)), .bytes([0x00, 0xFF, 0x00, 0x01])]))
        }
        let head: [UInt8] = [0, UInt8(carrierType.rawValue >> 8), UInt8(carrierType.rawValue & 0xFF), 0x00, 0x01, 0, 0, 0, 0,
                             UInt8(length >> 8), UInt8(length & 0xFF)]
        a.sections[Section.additional.rawValue].append(Entry(pieces: [.bytes(head)] + payload))
        a.carrier = (Section.additional.rawValue, 0, 11)
        return a.bytes()
    }
}
