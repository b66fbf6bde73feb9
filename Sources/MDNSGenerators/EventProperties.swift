import DNSWire
import MDNSCore

/// The rules checked after every step of a random event sequence (README "Property-based
/// conformance"). Each violation string carries its rule's marker.
public enum EventInvariant: String, CaseIterable, Sendable {
    /// RFC 6762 §8.1 (no unique record sent before three probes), §10.1 (TTL 0 only for records
    /// announced and no longer live), §17 (message size), the engine's caps: `InvariantMonitor`.
    case engineRules = "engine-rules"
    /// RFC 6762 §6: a shared answer is delayed 20–120 ms, never sent in the same instant.
    case sharedAnswerDelay = "rfc6762-6-shared-answer-delay"
    /// RFC 6762 §10.2: unique records in multicast responses carry the cache-flush bit.
    case cacheFlush = "rfc6762-10.2-cache-flush"
    /// RFC 6762 §9: a conflict ends in probing again, a rename or a withdrawal.
    case conflictResolved = "rfc6762-9-conflict-resolved"
    /// RFC 6762 §8.2, §9: once probing settles, no unique name is held by two engines with
    /// different data on one link.
    case distinctNames = "rfc6762-8.2-distinct-names"

    var marker: String { "[\(rawValue)]" }

    /// The rule a violation string belongs to.
    public static func of(_ violation: String) -> EventInvariant {
        allCases.first { $0 != .engineRules && violation.contains($0.marker) } ?? .engineRules
    }
}

public enum EventProperties {
    /// Every violation of a run of `s`: those found during it and those judged on its trace and end state.
    public static func violations(_ r: EngineRun, of s: EngineEventSequence) -> [String] {
        r.violations + unresolvedConflicts(r, s) + clashes(r).map { "\(EventInvariant.distinctNames.marker) \($0)" }
    }

    /// Conflicts (§9) after which the registration neither probed again, nor was renamed, nor
    /// withdrawn, nor lost the interface in a later event.
    static func unresolvedConflicts(_ r: EngineRun, _ s: EngineEventSequence) -> [String] {
        var out: [String] = []
        for (n, e) in r.trace.enumerated() {
            guard case .report(.conflict(let id, let name, let i)) = e.action, r.registrations[e.engine].contains(id),
                  !s.events.dropFirst(e.step + 1).contains(.interfaceDown(i)) else { continue }
            let resolved = r.trace[(n + 1)...].contains { later in
                guard later.engine == e.engine, case .report(let rep) = later.action else { return false }
                switch rep {
                case .probing(let x, _, _), .renamed(let x, _, _): return x == id
                default: return false
                }
            }
            if !resolved { out.append("e\(e.engine) step \(e.step) at \(e.at): \(EventInvariant.conflictResolved.marker) conflict for \(name) on \(i) left as it was") }
        }
        return out
    }

    /// Names established by two engines on one interface whose unique records differ.
    public static func clashes(_ r: EngineRun) -> [String] {
        guard r.engines.count >= 2 else { return [] }
        var out: [String] = []
        func unique(_ k: Int, _ n: DNSName, _ i: InterfaceID) -> Set<RData> {
            Set(r.engines[k].responder.liveRecords(on: i).filter { $0.name == n && $0.type != .ptr && $0.type != .nsec }.map(\.rdata))
        }
        for a in r.registrations[0] {
            for b in r.registrations[1] {
                guard let na = r.engines[0].responder.name(of: a), let nb = r.engines[1].responder.name(of: b), na == nb else { continue }
                for i in r.engines[0].interfaces.map(\.id) where r.engines[0].responder.isEstablished(a, on: i)
                    && r.engines[1].interfaces.contains(where: { $0.id == i }) && r.engines[1].responder.isEstablished(b, on: i) {
                    let ua = unique(0, na, i), ub = unique(1, nb, i)
                    if ua != ub { out.append("\(na) on \(i): \(ua) vs \(ub)") }
                }
            }
        }
        return out
    }
}

/// What `mdns conform --properties` and the tests run: random sequences until one fails or the
/// budget is spent, then the failing one shrunk to a minimal replayable script.
public struct EventPropertyRun: Sendable {
    public var seed: UInt64
    public var count: Int
    public var length: Int
    public var engines: Int
    public var faults: Faults
    /// Virtual time after the last event, for probing, conflicts and goodbyes to settle.
    public var settle: Duration

    public init(seed: UInt64, count: Int, length: Int = 60, engines: Int = 2, faults: Faults = Faults(), settle: Duration = .seconds(30)) {
        self.seed = seed; self.count = count; self.length = length; self.engines = engines; self.faults = faults; self.settle = settle
    }

    public struct Failure: Sendable {
        public var index: Int
        public var itemSeed: UInt64
        public var original: EngineEventSequence
        public var minimal: EventScript
        public var violations: [String]
        public var steps: Int
        public var attempts: Int
    }

    public struct Outcome: Sendable {
        public var ran: Int
        public var failure: Failure?
    }

    public func violations(_ s: EngineEventSequence) -> [String] {
        EventProperties.violations(s.run(engines: engines, settle: settle, faults: faults), of: s)
    }

    /// Runs sequence i from `SeededRandom.itemSeed(seed, i)` for i in 0..<count while
    /// `keepGoing()`; the first failure is shrunk while its first rule still fails.
    public func run(keepGoing: () -> Bool = { true }) -> Outcome {
        var ran = 0
        for i in 0..<count where keepGoing() {
            let itemSeed = SeededRandom.itemSeed(seed, i)
            let s = EngineEventSequence(seed: itemSeed, length: length)
            ran += 1
            let v = violations(s)
            guard let first = v.first else { continue }
            let rule = EventInvariant.of(first)
            let shrunk = Shrinker.minimize(s, candidates: EventShrink.sequence) { c in
                violations(c).contains { EventInvariant.of($0) == rule }
            }
            return Outcome(ran: ran, failure: Failure(index: i, itemSeed: itemSeed, original: s,
                                                      minimal: EventScript(sequence: shrunk.value, engines: engines, faults: faults, settle: settle),
                                                      violations: violations(shrunk.value), steps: shrunk.steps, attempts: shrunk.attempts))
        }
        return Outcome(ran: ran, failure: nil)
    }
}
