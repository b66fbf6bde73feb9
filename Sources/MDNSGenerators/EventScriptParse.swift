import DNSWire
import MDNSCore

extension EventScript {
    /// Reads the script `text` wrote; comment lines (starting with `#`) and blank lines are skipped.
    public init(parsing text: String) throws(EventScriptError) {
        var p = ScriptParser()
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop { $0 == " " }
            if line.hasPrefix("#") { continue }
            guard let words = ScriptText.words(line) else { throw EventScriptError(line: n + 1, reason: "unterminated quote or bad escape") }
            guard !words.isEmpty else { continue }
            do { try p.take(words.map { String(decoding: $0, as: UTF8.self) }, raw: words) } catch let reason {
                throw EventScriptError(line: n + 1, reason: reason.text)
            }
        }
        self.init(sequence: EngineEventSequence(seed: p.seed, start: p.start, engineSeed: p.engineSeed, interfaces: p.interfaces, events: p.events),
                  engines: p.engines, faults: p.faults, settle: p.settle)
    }
}

struct ScriptReason: Error { var text: String }

struct ScriptParser {
    var seed: UInt64 = 0, engineSeed: UInt64 = 0, start = Instant(nanoseconds: 0), engines = 1
    var faults = Faults()
    var settle = Duration.seconds(10)
    var interfaces: [NetworkInterface] = []
    var events: [EngineEvent] = []

    static func fail(_ s: String) -> ScriptReason { ScriptReason(text: s) }

    static func number<I: FixedWidthInteger>(_ s: String) throws(ScriptReason) -> I {
        let v = s.hasPrefix("0x") ? I(s.dropFirst(2), radix: 16) : I(s)
        guard let v else { throw fail("not a number: \(s)") }
        return v
    }

    static func name(_ s: String) throws(ScriptReason) -> DNSName {
        do { return try DNSName(parsing: s) } catch { throw fail("bad name \(s): \(error)") }
    }

    static func address(_ s: String) throws(ScriptReason) -> IPAddress {
        if let v = IPv4Address(s) { return .v4(v) }
        if let v = IPv6Address(s) { return .v6(v) }
        throw fail("bad address \(s)")
    }

    static func interfaceSet(_ w: [String], after key: String) throws(ScriptReason) -> Set<InterfaceID>? {
        guard let i = w.firstIndex(of: key), i + 1 < w.count else { return nil }
        var out = Set<InterfaceID>()
        for part in w[i + 1].split(separator: ",") { out.insert(InterfaceID(try number(String(part)))) }
        return out
    }

    static func txt(_ raw: [[UInt8]], from i: Int) -> TXT { TXT(strings: Array(raw[min(i, raw.count)...])) }

    /// `250000000ns`, within 0...`EventScript.maxAdvance`.
    static func duration(_ s: String) throws(ScriptReason) -> Duration {
        guard s.hasSuffix("ns") else { throw fail("durations are nanoseconds, e.g. 250000000ns") }
        let ns: Int64 = try number(String(s.dropLast(2)))
        guard ns >= 0 && ns <= EventScript.maxAdvance.nanoseconds else { throw fail("duration out of 0...\(EventScript.maxAdvance)") }
        return .nanoseconds(ns)
    }

    static func hex(_ s: String) throws(ScriptReason) -> [UInt8] {
        let b = Array(s.utf8)
        guard b.count % 2 == 0 else { throw fail("odd hex length") }
        var out: [UInt8] = []
        for i in stride(from: 0, to: b.count, by: 2) {
            guard let v = UInt8(String(decoding: b[i...(i + 1)], as: UTF8.self), radix: 16) else { throw fail("bad hex") }
            out.append(v)
        }
        return out
    }

    mutating func take(_ w: [String], raw: [[UInt8]]) throws(ScriptReason) {
        func need(_ n: Int) throws(ScriptReason) { if w.count < n { throw Self.fail("\(w[0]) needs \(n - 1) values") } }
        switch w[0] {
        case "seed": try need(2); seed = try Self.number(w[1])
        case "engine-seed": try need(2); engineSeed = try Self.number(w[1])
        case "start": try need(2); start = Instant(nanoseconds: try Self.number(w[1]))
        case "settle": try need(2); settle = try Self.duration(w[1])
        case "engines": try need(2); engines = max(1, min(try Self.number(w[1]), EventScript.maxEngines))
        case "fault": try need(2); guard FaultName.set(w[1], in: &faults) else { throw Self.fail("unknown fault \(w[1])") }
        case "interface":
            try need(3)
            var addresses: [InterfaceAddress] = []
            for a in w.dropFirst(3) {
                let parts = a.split(separator: "/")
                guard parts.count == 2 else { throw Self.fail("address needs /prefix: \(a)") }
                addresses.append(InterfaceAddress(try Self.address(String(parts[0])), prefixLength: try Self.number(String(parts[1]))))
            }
            interfaces.append(NetworkInterface(id: InterfaceID(try Self.number(w[1])), name: w[2], addresses: addresses))
        default: events.append(try event(w, raw: raw))
        }
    }

    func event(_ w: [String], raw: [[UInt8]]) throws(ScriptReason) -> EngineEvent {
        func need(_ n: Int) throws(ScriptReason) { if w.count < n { throw Self.fail("\(w[0]) needs \(n - 1) values") } }
        switch w[0] {
        case "register-host":
            try need(2)
            return .registerHost(HostRegistration(label: w[1], interfaces: try Self.interfaceSet(Array(w.dropFirst(2)), after: "on")))
        case "register-service":
            try need(5)
            guard let t = w.dropFirst(4).firstIndex(of: "txt") else { throw Self.fail("register-service needs txt") }
            let options = Array(w[4..<t])
            let subs = options.firstIndex(of: "subtypes").flatMap { $0 + 1 < options.count ? options[$0 + 1] : nil }
            return .registerService(ServiceRegistration(instance: w[1], type: w[2], port: try Self.number(w[3]), txt: Self.txt(raw, from: t + 1),
                                                        subtypes: subs?.split(separator: ",").map(String.init) ?? [],
                                                        interfaces: try Self.interfaceSet(options, after: "on")))
        case "update-txt": try need(2); return .updateTXT(registration: try Self.number(w[1]), txt: Self.txt(raw, from: 2))
        case "rename": try need(3); return .rename(registration: try Self.number(w[1]), label: w[2])
        case "withdraw": try need(2); return .withdraw(registration: try Self.number(w[1]))
        case "receive":
            try need(7)
            let source = SocketAddress(try Self.address(w[1]), port: try Self.number(w[2]))
            return .receive(ReceivedPacket(label: w[6], bytes: try Self.hex(w[5]), source: source, interface: InterfaceID(try Self.number(w[3])),
                                           via: w[4] == "unicast" ? .unicast : .multicast))
        case "echo": try need(2); return .echo(back: try Self.number(w[1]))
        case "interface-down": try need(2); return .interfaceDown(InterfaceID(try Self.number(w[1])))
        case "interface-up": try need(2); return .interfaceUp(InterfaceID(try Self.number(w[1])))
        case "browse": try need(2); return .browse(type: w[1])
        case "resolve": try need(2); return .resolve(instance: try Self.name(w[1]))
        case "query":
            try need(3)
            guard let t = RRType(mnemonic: w[2]) else { throw Self.fail("unknown type \(w[2])") }
            return .query(name: try Self.name(w[1]), type: t, oneShot: w.count > 3 && w[3] == "one-shot")
        case "stop": try need(2); return .stop(subscription: try Self.number(w[1]))
        case "advance": try need(2); return .advance(try Self.duration(w[1]))
        default: throw Self.fail("unknown event \(w[0])")
        }
    }
}
