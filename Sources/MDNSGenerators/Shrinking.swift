import DNSWire

/// Bounds on shrinking: a failing value is replaced by a smaller one that still fails, greedily,
/// until no candidate fails or a bound is met.
public enum ShrinkLimits {
    /// The most accepted steps (each a strictly smaller failing value).
    public static let maxShrinkSteps = 400
    /// The most candidates tried in all (each one run of the property).
    public static let maxShrinkAttempts = 20_000
}

/// The outcome of shrinking: the smallest failing value found, and what it cost.
public struct Shrunk<Value> {
    public var value: Value
    /// Accepted steps.
    public var steps: Int
    /// Candidates tried.
    public var attempts: Int
}

public enum Shrinker {
    /// Greedy shrinking: takes the first candidate of `value` that still fails, then starts over
    /// from it. Candidates come smallest first and never include the value itself.
    public static func minimize<V>(_ value: V, candidates: (V) -> [V], stillFails: (V) -> Bool,
                                   maxSteps: Int = ShrinkLimits.maxShrinkSteps,
                                   maxAttempts: Int = ShrinkLimits.maxShrinkAttempts) -> Shrunk<V> {
        var current = value, steps = 0, attempts = 0
        search: while steps < maxSteps {
            for c in candidates(current) {
                guard attempts < maxAttempts else { break search }
                attempts += 1
                if stillFails(c) { current = c; steps += 1; continue search }
            }
            break
        }
        return Shrunk(value: current, steps: steps, attempts: attempts)
    }

    /// `xs` with parts removed, largest removals first: all, then runs of half, a quarter …
    /// one element at each position (delta debugging's order).
    public static func removals<T>(_ xs: [T]) -> [[T]] {
        guard !xs.isEmpty else { return [] }
        var out: [[T]] = [[]]
        var size = xs.count / 2
        while size >= 1 {
            for start in stride(from: 0, to: xs.count, by: size) {
                var c = xs
                c.removeSubrange(start..<min(xs.count, start + size))
                out.append(c)
            }
            size = size == 1 ? 0 : max(1, size / 2)
        }
        return out
    }

    /// `xs` with one element replaced by each of its candidates.
    static func elementwise<T>(_ xs: [T], _ candidates: (T) -> [T]) -> [[T]] {
        xs.indices.flatMap { i in candidates(xs[i]).map { c in var ys = xs; ys[i] = c; return ys } }
    }

    /// Smaller unsigned values, smallest first: 0, half, then less by a quarter, an eighth … one
    /// (a boundary is found in about log2(v) steps).
    static func smaller<I: FixedWidthInteger & UnsignedInteger>(_ v: I) -> [I] {
        var out: [I] = []
        var cut = v
        var candidates: [I] = [0]
        while cut > 1 { cut /= 2; candidates.append(v - cut) }
        for c in candidates where c < v && !out.contains(c) { out.append(c) }
        return out
    }

    /// Shorter byte strings, shortest first: `keepAtLeast` bytes, then the lengths `smaller` gives.
    static func shorter(_ b: [UInt8], keepAtLeast k: Int = 0) -> [[UInt8]] {
        guard b.count > k else { return [] }
        let lengths = [k] + smaller(UInt(b.count - k)).dropFirst().map { k + Int($0) }
        return lengths.map { Array(b.prefix($0)) }
    }

    /// The same bytes made plain: every byte `a` (readable counterexamples).
    static func plain(_ b: [UInt8]) -> [[UInt8]] {
        let p = [UInt8](repeating: UInt8(ascii: "a"), count: b.count)
        return b == p ? [] : [p]
    }
}

/// Structural shrinking of names, rdata, records and messages: fewer entries, shorter names and
/// labels, rdata toward its smallest valid value, smaller counts and TTLs. Every candidate is a
/// valid, canonical message.
public enum MessageShrink {
    /// The root; fewer labels; shorter labels; labels of plain letters.
    public static func name(_ n: DNSName) -> [DNSName] {
        let labels = n.labels.map { Array($0) }
        guard !labels.isEmpty else { return [] }
        var out: [[[UInt8]]] = [[]]
        if labels.count > 1 { out += Shrinker.removals(labels).filter { !$0.isEmpty } }
        out += Shrinker.elementwise(labels) { Shrinker.shorter($0, keepAtLeast: 1) }
        out += Shrinker.elementwise(labels, Shrinker.plain)
        return out.compactMap { try? DNSName(labels: $0) }.filter { $0 != n }
    }

    /// Rdata of the same type, each field toward zero, empty or the root.
    public static func rdata(_ d: RData) -> [RData] {
        switch d {
        case .a(let v): return v.value == 0 ? [] : [.a(IPv4Address(0))]
        case .aaaa(let v): return v == IPv6Address(high: 0, low: 0) ? [] : [.aaaa(IPv6Address(high: 0, low: 0))]
        case .ptr(let n): return name(n).map { .ptr($0) }
        case .cname(let n): return name(n).map { .cname($0) }
        case .ns(let n): return name(n).map { .ns($0) }
        case .srv(let s):
            return name(s.target).map { t in var c = s; c.target = t; return .srv(c) }
                + Shrinker.smaller(s.priority).map { .srv(SRV(priority: $0, weight: s.weight, port: s.port, target: s.target)) }
                + Shrinker.smaller(s.weight).map { .srv(SRV(priority: s.priority, weight: $0, port: s.port, target: s.target)) }
                + Shrinker.smaller(s.port).map { .srv(SRV(priority: s.priority, weight: s.weight, port: $0, target: s.target)) }
        case .txt(let t):
            // RFC 6763 §6.1: at least one string; the smallest TXT is one empty string.
            return (Shrinker.removals(t.strings).filter { !$0.isEmpty } + Shrinker.elementwise(t.strings) { Shrinker.shorter($0) }
                    + Shrinker.elementwise(t.strings, Shrinker.plain)).map { .txt(TXT(strings: $0)) }
        case .hinfo(let h):
            return Shrinker.shorter(h.cpu).map { .hinfo(HINFO(cpu: $0, os: h.os)) } + Shrinker.shorter(h.os).map { .hinfo(HINFO(cpu: h.cpu, os: $0)) }
        case .nsec(let n):
            return name(n.nextName).map { .nsec(NSEC(nextName: $0, types: n.types)) }
                + Shrinker.removals(n.types).map { .nsec(NSEC(nextName: n.nextName, types: $0)) }
        case .opt(let o):
            return Shrinker.removals(o.options).map { .opt(OPT(options: $0)) }
        case .soa(let s):
            var out = name(s.mname).map { m -> RData in var c = s; c.mname = m; return .soa(c) }
            out += name(s.rname).map { r -> RData in var c = s; c.rname = r; return .soa(c) }
            for kp in [\SOA.serial, \.refresh, \.retry, \.expire, \.minimum] as [WritableKeyPath<SOA, UInt32>] {
                out += Shrinker.smaller(s[keyPath: kp]).map { v in var c = s; c[keyPath: kp] = v; return .soa(c) }
            }
            return out
        case .mx(let m):
            return name(m.exchange).map { .mx(MX(preference: m.preference, exchange: $0)) }
                + Shrinker.smaller(m.preference).map { .mx(MX(preference: $0, exchange: m.exchange)) }
        case .opaque(let t, let b): return Shrinker.shorter(b).map { .opaque(t, $0) }
        }
    }

    /// Shorter owner name, no cache-flush bit, class IN, smaller TTL, simpler rdata. OPT keeps
    /// its root owner and class (RFC 6891 §6.1.2).
    public static func record(_ r: ResourceRecord) -> [ResourceRecord] {
        var out: [ResourceRecord] = []
        if r.type != .opt {
            out += name(r.name).map { n in var c = r; c.name = n; return c }
            if r.cacheFlush { var c = r; c.cacheFlush = false; out.append(c) }
            if r.rrclass != .in { var c = r; c.rrclass = .in; out.append(c) }
        }
        out += Shrinker.smaller(r.ttl).map { t in var c = r; c.ttl = t; return c }
        out += rdata(r.rdata).map { d in var c = r; c.rdata = d; return c }
        return out
    }

    public static func question(_ q: Question) -> [Question] {
        var out = name(q.name).map { n in var c = q; c.name = n; return c }
        if q.unicastResponse { var c = q; c.unicastResponse = false; out.append(c) }
        if q.qclass != .in { var c = q; c.qclass = .in; out.append(c) }
        return out
    }

    /// Entries dropped (whole sections first), then the header's ID and flags toward zero, then
    /// each entry simplified.
    public static func message(_ m: Message) -> [Message] {
        var out = Shrinker.removals(m.questions).map { qs in var c = m; c.questions = qs; return c }
        for s in Section.allCases {
            out += Shrinker.removals(m[s]).map { rs in var c = m; c[s] = rs; return c }
        }
        out += Shrinker.smaller(m.header.id).map { id in var c = m; c.header.id = id; return c }
        for mask: UInt16 in [0x8400, 0x8000, 0] where m.header.flags & mask != m.header.flags {
            var c = m; c.header.flags &= mask; out.append(c)
        }
        out += Shrinker.elementwise(m.questions, question).map { qs in var c = m; c.questions = qs; return c }
        for s in Section.allCases {
            out += Shrinker.elementwise(m[s], record).map { rs in var c = m; c[s] = rs; return c }
        }
        return out.map(\.normalized)
    }

    /// Entries in the message: the size a counterexample is judged by.
    public static func size(_ m: Message) -> Int {
        m.questions.count + Section.allCases.reduce(0) { $0 + m[$1].count }
    }
}

/// A hostile message as a value that shrinks: the mutator and its seed stay, so the defect
/// stays, while the valid message it is built on shrinks.
public struct MutationCase: Hashable, Sendable, CustomStringConvertible {
    public var mutator: Mutator
    public var base: Message
    public var seed: UInt64

    public init(mutator: Mutator, base: Message, seed: UInt64) {
        self.mutator = mutator; self.base = base; self.seed = seed
    }

    /// The case `seed` gives: a random base message and the mutation's own seed.
    public init(mutator: Mutator, seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        self.init(mutator: mutator, base: MessageGen.message(&rng), seed: rng.next())
    }

    public var mutation: Mutation {
        var rng = SeededRandom(seed: seed)
        return Mutate.mutation(mutator, base: base, &rng)
    }

    public var shrinkCandidates: [MutationCase] {
        MessageShrink.message(base).map { MutationCase(mutator: mutator, base: $0, seed: seed) }
    }

    public var description: String { "\(mutator.rawValue) seed 0x\(String(seed, radix: 16)) on \(MessageShrink.size(base)) entries" }
}
