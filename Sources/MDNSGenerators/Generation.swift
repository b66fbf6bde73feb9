import DNSWire

/// One generated message, reproducible from (seed, index).
public struct GeneratedMessage: Sendable {
    public var index: Int
    /// The seed that regenerates this item alone (`SeededRandom.itemSeed(seed, index)`).
    public var itemSeed: UInt64
    /// The message kind, or `hostile:<mutator>`.
    public var label: String
    public var bytes: [UInt8]
    /// For hostile messages, what a decoder must do.
    public var expectation: Expectation?
    public var detail: String?
}

/// What `mdns generate --kind` accepts: a message kind, `hostile` (any mutator), a mutator name
/// (`hostile:pointer-cycle`), or `mixed` (realistic messages with one in eight hostile).
public enum GenerationKind: Hashable, Sendable {
    case message(MessageKind)
    case anyMessage
    case hostile(Mutator?)
    case mixed
    /// `Mutate.compressionBomb`: valid, every name at the hop cap.
    case compressionBomb

    public init?(_ text: String) {
        if let k = MessageKind(rawValue: text) { self = .message(k); return }
        switch text {
        case "any": self = .anyMessage
        case "hostile": self = .hostile(nil)
        case "mixed": self = .mixed
        case "compression-bomb": self = .compressionBomb
        default:
            guard text.hasPrefix("hostile:"), let m = Mutator(rawValue: String(text.dropFirst(8))) else { return nil }
            self = .hostile(m)
        }
    }

    public static var names: [String] {
        MessageKind.allCases.map(\.rawValue) + ["any", "hostile", "mixed", "compression-bomb"] + Mutator.allCases.map { "hostile:\($0.rawValue)" }
    }
}

public enum Generation {
    /// The item `index` of a run from `seed`; items are independent of each other.
    public static func item(seed: UInt64, index: Int, kind: GenerationKind,
                            compression: MessageWriter.Compression = .suffixes) -> GeneratedMessage {
        let itemSeed = SeededRandom.itemSeed(seed, index)
        var rng = SeededRandom(seed: itemSeed)
        var kind = kind
        if kind == .mixed { kind = rng.chance(0.125) ? .hostile(nil) : .anyMessage }
        switch kind {
        case .message(let k):
            let m = MessageGen.message(k, &rng)
            return GeneratedMessage(index: index, itemSeed: itemSeed, label: k.rawValue, bytes: m.encoded(compression: compression))
        case .anyMessage, .mixed:
            let k = rng.pick(MessageKind.allCases)
            let m = MessageGen.message(k, &rng)
            return GeneratedMessage(index: index, itemSeed: itemSeed, label: k.rawValue, bytes: m.encoded(compression: compression))
        case .compressionBomb:
            return GeneratedMessage(index: index, itemSeed: itemSeed, label: "compression-bomb",
                                    bytes: Mutate.compressionBomb(questions: rng.int(1...40), &rng))
        case .hostile(let which):
            let mutator = which ?? rng.pick(Mutator.allCases)
            let mu = Mutate.mutation(mutator, base: MessageGen.message(&rng), &rng)
            return GeneratedMessage(index: index, itemSeed: itemSeed, label: "hostile:\(mutator.rawValue)", bytes: mu.bytes,
                                    expectation: mu.expected, detail: mu.detail)
        }
    }

    public static func items(seed: UInt64, count: Int, kind: GenerationKind,
                             compression: MessageWriter.Compression = .suffixes) -> [GeneratedMessage] {
        (0..<count).map { item(seed: seed, index: $0, kind: kind, compression: compression) }
    }
}
