import DNSWire

/// The sans-IO mDNS engine (RFC 6762, RFC 6763): events in, plain-value actions out.
///
/// It reads no clock and opens no socket: every event carries `now`, randomness comes from the
/// seed in `Configuration`, and the driver calls `advance(to:)` at `nextDeadline`. Network input
/// never throws: malformed packets are dropped, counted by error code, and change no state (a
/// packet whose framing holds loses only its bad entries: see `receive(bytes:)`).
///
/// The engine owns a `Responder` (probe, announce, answer, defend, goodbye) and, beside it, a
/// `Querier` (queries, cache, browse and resolve; Engine+Querier.swift). `receive` is the one
/// place both see packets.
public struct MDNSEngine: Sendable {
    public private(set) var responder: Responder
    public internal(set) var querier: Querier

    public init(configuration: Configuration, interfaces: [NetworkInterface], querier: QuerierConfiguration = QuerierConfiguration()) {
        responder = Responder(configuration: configuration, interfaces: interfaces)
        self.querier = Querier(configuration: querier, seed: configuration.seed, interfaces: interfaces)
    }

    public var configuration: Configuration { responder.configuration }

    /// Restarts the randomness as `init` seeds it (EngineFuzz runs many inputs from one state).
    mutating func reseed(_ seed: UInt64) {
        responder.rng = SplitMix64(seed: seed)
        querier.rng = SplitMix64(seed: seed ^ Querier.seedSalt)
    }
    public var statistics: Statistics { responder.statistics }
    public var interfaces: [NetworkInterface] { responder.interfaces }

    /// The earliest instant at which `advance(to:)` has work; nil when idle.
    public var nextDeadline: Instant? {
        switch (responder.nextDeadline, querier.nextDeadline) {
        case (let a?, let b?): return min(a, b)
        case (let a, let b): return a ?? b
        }
    }

    // MARK: - Registration events

    /// Registers records; probing starts after a random 0–250 ms (RFC 6762 §8.1). The ID is nil
    /// when the registration is refused (reported as `.refused`).
    public mutating func register(_ registration: Registration, at now: Instant) -> (id: RegistrationID?, actions: [Action]) {
        let id = responder.register(registration, at: now)
        return (id, responder.drain())
    }

    /// Replaces a registration. New rdata under the same name is re-announced without probing
    /// (§8.4); a new name (owner rename) says goodbye to the old and probes the new.
    public mutating func update(_ id: RegistrationID, to registration: Registration, at now: Instant) -> [Action] {
        responder.update(id, to: registration, at: now)
        return responder.drain()
    }

    /// Withdraws a registration with goodbye packets (TTL 0, §10.1).
    public mutating func withdraw(_ id: RegistrationID, at now: Instant) -> [Action] {
        responder.withdraw(id, at: now)
        return responder.drain()
    }

    /// An interface came up (or back): its records probe and announce again.
    public mutating func addInterface(_ interface: NetworkInterface, at now: Instant) -> [Action] {
        responder.addInterface(interface, at: now)
        querier.addInterface(interface, at: now)
        return Self.joined(responder.drain(), querier.drain())
    }

    /// An interface went away.
    public mutating func removeInterface(_ id: InterfaceID, at now: Instant) -> [Action] {
        responder.removeInterface(id, at: now)
        querier.removeInterface(id, at: now)
        return Self.joined(responder.drain(), querier.drain())
    }

    // MARK: - Network and time events

    /// A decoded message arrived from `source` on `interface`.
    public mutating func receive(_ message: Message, from source: SocketAddress, interface: InterfaceID,
                                 via: ReceivedVia = .multicast, at now: Instant) -> [Action] {
        responder.receive(message, from: source, interface: interface, via: via, at: now)
        querier.receive(message, from: source, interface: interface, via: via, at: now)
        return Self.joined(responder.drain(), querier.drain())
    }

    /// Raw datagram bytes arrived, decoded in salvage mode (DNSWire `SalvagedMessage`): a question
    /// or record whose content is bad is left out and counted by error code in
    /// `statistics.salvageDrops`, and the rest is received. Bytes whose framing breaks are dropped
    /// whole and counted in `statistics.decodeErrors`.
    public mutating func receive(bytes: [UInt8], from source: SocketAddress, interface: InterfaceID,
                                 via: ReceivedVia = .multicast, at now: Instant) -> [Action] {
        do {
            let s = try SalvagedMessage(decoding: bytes)
            for d in s.dropped { responder.statistics.salvageDrops[d.error.code, default: 0] += 1 }
            return receive(s.message, from: source, interface: interface, via: via, at: now)
        } catch {
            responder.statistics.packetsReceived += 1
            responder.statistics.decodeErrors[error.code, default: 0] += 1
            responder.drop(.malformed(error.code))
            return responder.drain()
        }
    }

    /// Both action lists in order; no new array when one is empty.
    static func joined(_ a: [Action], _ b: [Action]) -> [Action] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        return a + b
    }

    /// Time passed: fires every deadline at or before `now`.
    public mutating func advance(to now: Instant) -> [Action] {
        responder.advance(to: now)
        querier.advance(to: now)
        return Self.joined(responder.drain(), querier.drain())
    }
}
