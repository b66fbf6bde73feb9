import DNSWire

/// The shapes of labels the generators produce. Labels are raw bytes (RFC 6762 §16: UTF-8, any
/// byte allowed); the interesting ones are those that break naive presentation-format code.
public enum LabelStyle: String, CaseIterable, Sendable {
    /// Letters, digits and hyphens, as host names use (RFC 952 style).
    case hostname
    /// UTF-8 text with spaces and non-ASCII letters, as instance names use (RFC 6763 §4.1.1).
    case utf8
    /// Dots, backslashes, quotes and spaces inside one label (escaped in presentation format).
    case punctuation
    /// Any bytes, control and high-bit ones included (Avahi ctype crash: bytes ≥ 0x80).
    case binary
    /// Exactly `DNSLimits.maxLabelLength` bytes.
    case maximum
}

public enum NameGen {
    static let words = ["printer", "Living Room", "kitchen", "Büro", "café", "office", "Ünïcødé", "speaker",
                        "tv", "Apple TV", "HP LaserJet 4000", "iPhone", "Pixel 9", "nas", "raspberrypi",
                        "esp32-0A1B2C", "shelly1", "Brother HL-L2350DW", "Chromecast", "sonos", "hue", "日本語", "🎵 Music"]
    static let serviceTypes = ["_http._tcp", "_ipp._tcp", "_ipps._tcp", "_printer._tcp", "_airplay._tcp",
                               "_raop._tcp", "_googlecast._tcp", "_hap._tcp", "_smb._tcp", "_ssh._tcp",
                               "_device-info._tcp", "_companion-link._tcp", "_spotify-connect._tcp",
                               "_matter._udp", "_homekit._tcp", "_sleep-proxy._udp", "_workstation._tcp"]

    /// One label of the given style (never empty, at most 63 bytes).
    public static func label<R: RandomNumberGenerator>(_ style: LabelStyle, _ rng: inout R) -> [UInt8] {
        switch style {
        case .hostname:
            let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".utf8)
            return (0..<rng.int(1...20)).map { _ in rng.pick(alphabet) }
        case .utf8:
            var s = Array(rng.pick(words).utf8)
            if rng.chance(0.5) { s += Array(" (\(rng.int(2...9)))".utf8) }
            return Array(s.prefix(DNSLimits.maxLabelLength))
        case .punctuation:
            let alphabet = Array("a.b\\c\" d.\\.(x);@$".utf8)
            return (0..<rng.int(1...24)).map { _ in rng.pick(alphabet) }
        case .binary:
            return (0..<rng.int(1...40)).map { _ in rng.byte() }
        case .maximum:
            return (0..<DNSLimits.maxLabelLength).map { _ in UInt8(ascii: "a") &+ UInt8(rng.int(0...25)) }
        }
    }

    public static func label<R: RandomNumberGenerator>(_ rng: inout R) -> [UInt8] {
        label(rng.pick(LabelStyle.allCases), &rng)
    }

    static func make(_ labels: [[UInt8]]) -> DNSName {
        // Callers keep within the limits; a violation is a generator bug, not input.
        do { return try DNSName(labels: labels) } catch { preconditionFailure("generator built an invalid name: \(error)") }
    }

    /// As many of `labels` as fit in `DNSLimits.maxNameLength`.
    static func fitting(_ labels: [[UInt8]]) -> DNSName {
        var kept: [[UInt8]] = []
        var length = 1
        for l in labels where length + l.count + 1 <= DNSLimits.maxNameLength {
            kept.append(l); length += l.count + 1
        }
        return make(kept)
    }

    static func text(_ s: String) -> [[UInt8]] { s.split(separator: ".").map { Array($0.utf8) } }

    /// `host.local`
    public static func host<R: RandomNumberGenerator>(_ rng: inout R) -> DNSName {
        make([label(.hostname, &rng), Array("local".utf8)])
    }

    /// `_service._proto.local`
    public static func serviceType<R: RandomNumberGenerator>(_ rng: inout R) -> DNSName {
        make(text(rng.pick(serviceTypes)) + [Array("local".utf8)])
    }

    /// `Instance Name._service._proto.local`, the instance label in any style.
    public static func instance<R: RandomNumberGenerator>(of type: DNSName, _ rng: inout R) -> DNSName {
        let style: LabelStyle = rng.chance(0.6) ? .utf8 : rng.pick(LabelStyle.allCases)
        do { return try type.prepending(label(style, &rng)) } catch { return make([label(.hostname, &rng)] + type.labels.map { Array($0) }) }
    }

    /// `_sub-type._sub._service._proto.local` (RFC 6763 §7.1).
    public static func subtype<R: RandomNumberGenerator>(of type: DNSName, _ rng: inout R) -> DNSName {
        make([Array("_\(rng.pick(["printer", "universal", "cups", "color"]))".utf8), Array("_sub".utf8)] + type.labels.map { Array($0) })
    }

    /// `d.c.b.a.in-addr.arpa` for an IPv4 address (RFC 6762 §4 reverse mapping).
    public static func reverse(_ a: IPv4Address) -> DNSName {
        make(a.bytes.reversed().map { Array(String($0).utf8) } + [Array("in-addr".utf8), Array("arpa".utf8)])
    }

    /// A name of exactly `DNSLimits.maxNameLength` wire bytes.
    public static func maximum<R: RandomNumberGenerator>(_ rng: inout R) -> DNSName {
        // 3 labels of 63 + one of 61: 4 × 64 − 2 + root = 255.
        var labels = (0..<3).map { _ in label(.maximum, &rng) }
        labels.append(Array(label(.maximum, &rng).prefix(61)))
        return make(labels)
    }

    /// Any name: realistic ones most of the time, odd and maximal ones sometimes.
    public static func name<R: RandomNumberGenerator>(_ rng: inout R) -> DNSName {
        switch rng.int(0...9) {
        case 0...2: return host(&rng)
        case 3...4: return instance(of: serviceType(&rng), &rng)
        case 5: return serviceType(&rng)
        case 6: return reverse(IPv4Address(UInt32.random(in: 0...UInt32.max, using: &rng)))
        case 7: return maximum(&rng)
        case 8: return rng.chance(0.2) ? .root : fitting((0..<rng.int(1...5)).map { _ in label(&rng) })
        default: return subtype(of: serviceType(&rng), &rng)
        }
    }
}
