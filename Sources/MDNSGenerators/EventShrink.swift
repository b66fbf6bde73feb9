import DNSWire
import MDNSCore

/// Structural shrinking of event sequences: events dropped (large runs first), adjacent time
/// steps merged, each event simplified (shorter steps, lower indices, plainer registrations,
/// packets shrunk as messages).
public enum EventShrink {
    public static func sequence(_ s: EngineEventSequence) -> [EngineEventSequence] {
        var out = Shrinker.removals(s.events)
        for i in s.events.indices.dropLast() {
            guard case .advance(let a) = s.events[i], case .advance(let b) = s.events[i + 1] else { continue }
            var e = s.events
            e.replaceSubrange(i...(i + 1), with: [.advance(a + b)])
            out.append(e)
        }
        out += Shrinker.elementwise(s.events, event)
        return out.map { e in var c = s; c.events = e; return c }
    }

    static func event(_ e: EngineEvent) -> [EngineEvent] {
        switch e {
        case .registerHost(let h):
            return h.interfaces == nil ? [] : [.registerHost(HostRegistration(label: h.label))]
        case .registerService(let s): return service(s).map { .registerService($0) }
        case .updateTXT(let r, let t):
            return Shrinker.smaller(UInt(r)).map { .updateTXT(registration: Int($0), txt: t) }
                + (t == .empty ? [] : [.updateTXT(registration: r, txt: .empty)])
        case .rename(let r, let l): return Shrinker.smaller(UInt(r)).map { .rename(registration: Int($0), label: l) }
        case .withdraw(let r): return Shrinker.smaller(UInt(r)).map { .withdraw(registration: Int($0)) }
        case .stop(let s): return Shrinker.smaller(UInt(s)).map { .stop(subscription: Int($0)) }
        case .echo(let b): return Shrinker.smaller(UInt(b)).map { .echo(back: Int($0)) }
        case .advance(let d):
            return Shrinker.smaller(UInt64(max(0, d.nanoseconds) / 1_000_000)).map { .advance(.milliseconds(Int64($0))) }
        case .receive(let p): return packet(p).map { .receive($0) }
        case .query(let n, let t, let oneShot): return oneShot ? [.query(name: n, type: t, oneShot: false)] : []
        case .interfaceDown, .interfaceUp, .browse, .resolve: return []
        }
    }

    static func service(_ s: ServiceRegistration) -> [ServiceRegistration] {
        var out: [ServiceRegistration] = []
        if s.txt != .empty { var c = s; c.txt = .empty; out.append(c) }
        if !s.subtypes.isEmpty { var c = s; c.subtypes = []; out.append(c) }
        if s.interfaces != nil { var c = s; c.interfaces = nil; out.append(c) }
        if s.port != 1 { var c = s; c.port = 1; out.append(c) }
        return out
    }

    /// A packet that decodes shrinks as its message; one that does not keeps its bytes.
    static func packet(_ p: ReceivedPacket) -> [ReceivedPacket] {
        guard let m = try? Message(decoding: p.bytes) else { return [] }
        return MessageShrink.message(m).map { c in var q = p; q.bytes = c.encoded(compression: .suffixes); return q }
    }
}
