import DNSWire
import MDNSCore
import PCAP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One ordinary function per fuzz target. libFuzzer executables (Sources/Fuzz*) call them with
/// each input; `swift test` (FuzzRegressionTests) replays the corpus and the crash regressions
/// through the same functions. A function returns nil when the input behaved, or a
/// `FuzzFailure` that says which invariant broke; the libFuzzer entry points trap on a failure so
/// that libFuzzer records the input.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Decode a message with every decoder the codec has; they must agree.
    case decode
    /// decode → encode → decode must give the same message, and encoding must be a fixpoint.
    case roundtrip
    /// The bytes are an engine event sequence with packets in virtual time (`EngineFuzz`): the
    /// responder never announces before probing succeeds, never sends TTL 0 but in a goodbye,
    /// never exceeds a cap, never traps.
    case engine
    /// The bytes are a capture file (pcap or pcapng): read through PCAP to datagrams, each mDNS
    /// payload decoded. Every frame ends as a datagram or a typed skip, the file as the end or a
    /// typed error; nothing traps.
    case pcap

    /// The libFuzzer executable that runs this target.
    public var executableName: String {
        switch self {
        case .decode: return "FuzzDecode"
        case .roundtrip: return "FuzzRoundTrip"
        case .engine: return "FuzzEngine"
        case .pcap: return "FuzzPcap"
        }
    }

    public func run(_ bytes: UnsafeRawBufferPointer) -> FuzzFailure? {
        switch self {
        case .decode: return FuzzTargets.decode(bytes)
        case .roundtrip: return FuzzTargets.roundTrip(bytes)
        case .engine: return FuzzTargets.engine(bytes)
        case .pcap: return FuzzTargets.pcap(bytes)
        }
    }

    public func run(_ bytes: [UInt8]) -> FuzzFailure? {
        bytes.withUnsafeBytes { run($0) }
    }
}

/// An invariant a fuzz input broke (a trap or sanitizer report is the other kind of failure).
public struct FuzzFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var target: String
    public var reason: String
    public init(_ target: String, _ reason: String) { self.target = target; self.reason = reason }
    public var description: String { "\(target): \(reason)" }
}

public enum FuzzTargets {
    /// Decodes `bytes` through the owned decoder (strict and lenient about trailing bytes), the
    /// lazy validating pass and the full-field pass. Any input must end in a value or a typed
    /// error, and the decoders must agree on which.
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> FuzzFailure? {
        let t = "decode"
        let strict = Result { () throws(DNSWireError) in try Message(decoding: bytes) }
        let lenient = Result { () throws(DNSWireError) in try Message(decoding: bytes, options: .init(allowTrailingBytes: true)) }
        let validated = Result { () throws(DNSWireError) in try FullParse.validate(bytes) }
        var arena: [UInt8] = []
        let full = Result { () throws(DNSWireError) in try FullParse.checksum(bytes, arena: &arena) }

        switch (lenient, validated, full) {
        case (.success(let m), .success(let n), .success):
            let entries = m.questions.count + m.answers.count + m.authorities.count + m.additionals.count
            if entries != n { return FuzzFailure(t, "lenient decode has \(entries) entries, validate counted \(n)") }
            // The lazy view's framing pass must locate every entry the strict parser accepted.
            let skimmed = Result { () throws(DNSWireError) in try FullParse.skim(bytes) }
            if case .success(let k) = skimmed, k == n {} else {
                return FuzzFailure(t, "lazy framing pass disagrees with the strict parser: \(skimmed)")
            }
            let h = m.header
            if Int(h.questionCount) != m.questions.count || Int(h.answerCount) != m.answers.count
                || Int(h.authorityCount) != m.authorities.count || Int(h.additionalCount) != m.additionals.count {
                return FuzzFailure(t, "decoded arrays do not match the header counts")
            }
        case (.failure(let a), .failure(let b), .failure(let c)):
            if a != b || a != c { return FuzzFailure(t, "decoders disagree on the error: \(a) / \(b) / \(c)") }
            if a.code == .trailingBytes { return FuzzFailure(t, "lenient decode reported trailing bytes") }
        default:
            return FuzzFailure(t, "decoders disagree: lenient \(lenient), validate \(validated), full \(full)")
        }
        switch (strict, lenient) {
        case (.success(let a), .success(let b)):
            if a != b { return FuzzFailure(t, "strict and lenient decodes differ") }
        case (.failure(let e), .success):
            if e.code != .trailingBytes { return FuzzFailure(t, "strict decode failed with \(e) where lenient succeeded") }
        case (.success, .failure):
            return FuzzFailure(t, "strict decode succeeded where lenient failed")
        case (.failure(let a), .failure(let b)):
            if a != b { return FuzzFailure(t, "strict and lenient decodes fail differently: \(a) / \(b)") }
        }
        return checkSalvage(bytes, lenient: lenient)
    }

    /// Salvage keeps a superset of what strict decoding accepts: the same message when strict
    /// succeeds; when strict fails, either the framing broke (salvage fails too) or the first
    /// entry salvage drops carries strict's error. Kept and dropped entries add up to the counts.
    static func checkSalvage(_ bytes: UnsafeRawBufferPointer, lenient: Result<Message, DNSWireError>) -> FuzzFailure? {
        let t = "decode"
        let salvaged = Result { () throws(DNSWireError) in try SalvagedMessage(decoding: bytes) }
        switch (lenient, salvaged) {
        case (.success(let m), .success(let s)):
            if s.message != m || !s.isComplete { return FuzzFailure(t, "salvage differs from the strict decode: \(s.dropped)") }
        case (.success, .failure(let e)):
            return FuzzFailure(t, "salvage rejected what strict decoding accepted: \(e)")
        case (.failure(let e), .success(let s)):
            if s.dropped.first?.error != e { return FuzzFailure(t, "salvage's first drop is not strict's error \(e): \(s.dropped)") }
            let h = s.message.header
            var dq = 0, dr = [0, 0, 0]
            for d in s.dropped {
                if case .record(let section) = d.entry { dr[section.rawValue] += 1 } else { dq += 1 }
            }
            let m = s.message
            if m.questions.count + dq != Int(h.questionCount) || m.answers.count + dr[0] != Int(h.answerCount)
                || m.authorities.count + dr[1] != Int(h.authorityCount) || m.additionals.count + dr[2] != Int(h.additionalCount) {
                return FuzzFailure(t, "salvage's kept and dropped entries do not add up to the header counts")
            }
        case (.failure, .failure):
            break
        }
        return nil
    }

    /// Runs the bytes as an engine event sequence and reports the first broken invariant.
    public static func engine(_ bytes: UnsafeRawBufferPointer) -> FuzzFailure? {
        let violations = EngineFuzz.check(bytes: Array(bytes))
        return violations.first.map { FuzzFailure("engine", $0) }
    }

    /// libpcap reads files, so the input goes through one file per process (in /dev/shm when it
    /// exists, so no disk is touched).
    public static func pcap(_ bytes: UnsafeRawBufferPointer) -> FuzzFailure? {
        let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        let path = "\(dir)/mdns-fuzz-pcap-\(getpid())"
        guard let f = fopen(path, "wb") else { return FuzzFailure("pcap", "cannot write \(path)") }
        if bytes.count > 0 { fwrite(bytes.baseAddress, 1, bytes.count, f) }
        fclose(f)
        defer { unlink(path) }
        let reader: DatagramReader
        do throws(PCAPError) { reader = try DatagramReader(path: path) } catch { return nil }
        var events = 0
        while true {
            let event: DatagramReader.Event?
            do throws(PCAPError) { event = try reader.next() } catch { break }
            guard let event else { break }
            events += 1
            // Every event comes from a frame: no more events than frames plus fragment reports.
            if events > 4 * (reader.framesRead + 1) + 64 {
                return FuzzFailure("pcap", "\(events) events from \(reader.framesRead) frames")
            }
            if case .datagram(let d) = event {
                _ = try? Message(decoding: d.payload, options: .init(allowTrailingBytes: true))
            }
        }
        return nil
    }

    /// For every input that decodes: encoding with and without compression decodes back to the
    /// same message (names compare ASCII case-insensitively, RFC 6762 §16), and encoding what was
    /// decoded gives the same bytes again (the encoder reaches a fixpoint in one step).
    public static func roundTrip(_ bytes: UnsafeRawBufferPointer) -> FuzzFailure? {
        guard let m = try? Message(decoding: bytes, options: .init(allowTrailingBytes: true)) else { return nil }
        return roundTrip(message: m, target: "roundtrip")
    }

    /// The round-trip invariants for one message (also used by the generator properties).
    public static func roundTrip(message m: Message, target t: String = "roundtrip") -> FuzzFailure? {
        for compression in [MessageWriter.Compression.suffixes, .none] {
            let encoder = MessageEncoder(compression: compression, maxSize: DNSLimits.maxMessageLength)
            let first = encoder.encode(m)
            // An input compressed by its sender can expand past 65535 bytes; only what fit is compared.
            let expected = first.written
            let decoded: Message
            do throws(DNSWireError) { decoded = try Message(decoding: first.bytes) } catch {
                return FuzzFailure(t, "encoded message (\(compression)) does not decode: \(error)")
            }
            if decoded != expected { return FuzzFailure(t, "decode(encode(m)) != m with compression \(compression)") }
            let second = encoder.encode(decoded)
            if second.bytes != first.bytes { return FuzzFailure(t, "encode(decode(b)) is not a fixpoint with compression \(compression)") }
            if first.isComplete && first.written != m.normalized {
                return FuzzFailure(t, "the encoder reported everything written but changed the message")
            }
        }
        return nil
    }
}
