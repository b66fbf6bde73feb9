/// A capture timestamp with nanosecond resolution (microsecond files are scaled up).
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var seconds: Int64
    public var nanoseconds: UInt32

    public init(seconds: Int64, nanoseconds: UInt32 = 0) {
        self.seconds = seconds + Int64(nanoseconds / 1_000_000_000)
        self.nanoseconds = nanoseconds % 1_000_000_000
    }

    /// Nanoseconds since the epoch (saturating).
    public var totalNanoseconds: Int64 {
        let (m, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (t, o2) = m.addingReportingOverflow(Int64(nanoseconds))
        return o1 || o2 ? (seconds < 0 ? .min : .max) : t
    }

    public init(totalNanoseconds n: Int64) {
        var s = n / 1_000_000_000, r = n % 1_000_000_000
        if r < 0 { s -= 1; r += 1_000_000_000 }
        self.init(seconds: s, nanoseconds: UInt32(r))
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    /// `seconds.nnnnnnnnn`
    public var description: String { Timestamp.format(nanoseconds: totalNanoseconds, signed: false) }

    /// Formats a nanosecond count as seconds with nine decimals, with a sign when asked.
    public static func format(nanoseconds n: Int64, signed: Bool) -> String {
        let neg = n < 0
        let m = n.magnitude
        let frac = String(m % 1_000_000_000)
        return (neg ? "-" : (signed ? "+" : "")) + String(m / 1_000_000_000) + "."
            + String(repeating: "0", count: 9 - frac.count) + frac
    }
}

/// An IPv4 or IPv6 address, as carried in a captured packet.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Host order: `0x0A000001` is 10.0.0.1.
    case v4(UInt32)
    /// High and low 64 bits, host order.
    case v6(UInt64, UInt64)

    public init(v4 b: UnsafeRawBufferPointer, at i: Int) {
        self = .v4(UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3]))
    }

    public init(v6 b: UnsafeRawBufferPointer, at i: Int) {
        var h: UInt64 = 0, l: UInt64 = 0
        for k in 0..<8 { h = h << 8 | UInt64(b[i + k]) }
        for k in 8..<16 { l = l << 8 | UInt64(b[i + k]) }
        self = .v6(h, l)
    }

    /// Parses dotted-quad IPv4 or RFC 4291 §2.2 IPv6 text.
    public init?(_ text: String) {
        if text.contains(":") {
            guard let (h, l) = IPAddress.parseV6(text) else { return nil }
            self = .v6(h, l)
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var v: UInt32 = 0
            for p in parts {
                guard !p.isEmpty, p.count <= 3, let b = UInt8(p) else { return nil }
                v = v << 8 | UInt32(b)
            }
            self = .v4(v)
        }
    }

    public var isIPv6: Bool { if case .v6 = self { return true } else { return false } }

    /// Network-order bytes: 4 or 16.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let v): return [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
        case .v6(let h, let l):
            return (0..<8).map { UInt8(truncatingIfNeeded: h >> (56 - 8 * UInt64($0))) }
                + (0..<8).map { UInt8(truncatingIfNeeded: l >> (56 - 8 * UInt64($0))) }
        }
    }

    public var isMulticast: Bool {
        switch self {
        case .v4(let v): return v >> 28 == 0xE
        case .v6(let h, _): return h >> 56 == 0xFF
        }
    }

    /// Dotted quad, or RFC 5952 text (lowercase, longest zero run as `::`, IPv4-mapped tail).
    public var description: String {
        switch self {
        case .v4(let v): return "\(v >> 24).\((v >> 16) & 0xFF).\((v >> 8) & 0xFF).\(v & 0xFF)"
        case .v6(let h, let l):
            let g = (0..<4).map { UInt16(truncatingIfNeeded: h >> (48 - 16 * UInt64($0))) }
                + (0..<4).map { UInt16(truncatingIfNeeded: l >> (48 - 16 * UInt64($0))) }
            if h == 0 && l >> 32 == 0xFFFF {
                return "::ffff:" + IPAddress.v4(UInt32(truncatingIfNeeded: l)).description
            }
            // RFC 5952 §4.2.2/§4.2.3: compress the longest run of two or more zero groups, the first on ties.
            var bestStart = -1, bestLen = 0, i = 0
            while i < 8 {
                if g[i] == 0 {
                    var j = i
                    while j < 8 && g[j] == 0 { j += 1 }
                    if j - i > bestLen && j - i >= 2 { bestStart = i; bestLen = j - i }
                    i = j
                } else { i += 1 }
            }
            func hex(_ r: Range<Int>) -> String { r.map { String(g[$0], radix: 16) }.joined(separator: ":") }
            if bestStart < 0 { return hex(0..<8) }
            return hex(0..<bestStart) + "::" + hex((bestStart + bestLen)..<8)
        }
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): return x < y
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case (.v6(let h1, let l1), .v6(let h2, let l2)): return (h1, l1) < (h2, l2)
        }
    }

    static func parseV6(_ text: String) -> (UInt64, UInt64)? {
        var t = Substring(text)
        if let pct = t.firstIndex(of: "%") { t = t[..<pct] }
        var head: [UInt16] = [], tail: [UInt16] = []
        let halves = t.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ s: Substring) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, p) in parts.enumerated() {
                if i == parts.count - 1, p.contains("."), case .v4(let v)? = IPAddress(String(p)) {
                    out.append(UInt16(v >> 16)); out.append(UInt16(v & 0xFFFF)); continue
                }
                guard !p.isEmpty, p.count <= 4, let g = UInt16(p, radix: 16) else { return nil }
                out.append(g)
            }
            return out
        }
        guard let h = groups(halves[0]) else { return nil }
        head = h
        if halves.count == 2 {
            guard let tl = groups(halves[1]) else { return nil }
            tail = tl
            guard head.count + tail.count <= 7 else { return nil }
        } else if head.count != 8 { return nil }
        let all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        var hi: UInt64 = 0, lo: UInt64 = 0
        for k in 0..<4 { hi = hi << 16 | UInt64(all[k]) }
        for k in 4..<8 { lo = lo << 16 | UInt64(all[k]) }
        return (hi, lo)
    }
}

extension Substring {
    func components(separatedBy sep: String) -> [Substring] {
        var out: [Substring] = []
        var rest = self[...]
        while let r = rest.range(of: sep) {
            out.append(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
        out.append(rest)
        return out
    }

    func range(of s: String) -> Range<Index>? {
        let needle = Array(s)
        var i = startIndex
        while i < endIndex {
            var j = i, k = 0
            while k < needle.count && j < endIndex && self[j] == needle[k] { j = index(after: j); k += 1 }
            if k == needle.count { return i..<j }
            i = index(after: i)
        }
        return nil
    }
}

/// Link-layer header types (the LINKTYPE_/DLT_ values of tcpdump.org/linktypes.html).
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public init(_ v: Int32) { rawValue = v }

    /// BSD loopback: 4-byte address family in the capturing host's byte order.
    public static let null = LinkType(0)
    public static let ethernet = LinkType(1)
    /// DLT_RAW on most systems (libpcap maps LINKTYPE_RAW 101 to it).
    public static let rawDLT12 = LinkType(12)
    /// DLT_RAW on OpenBSD.
    public static let rawDLT14 = LinkType(14)
    public static let raw = LinkType(101)
    public static let ieee80211 = LinkType(105)
    /// OpenBSD loopback: 4-byte address family in network byte order.
    public static let loop = LinkType(108)
    public static let linuxSLL = LinkType(113)
    public static let radiotap = LinkType(127)
    public static let ipv4 = LinkType(228)
    public static let ipv6 = LinkType(229)
    public static let linuxSLL2 = LinkType(276)

    /// The link types `PacketDecoder` reads.
    public static let supported: [LinkType] = [.null, .ethernet, .rawDLT12, .rawDLT14, .raw, .ieee80211, .loop,
                                               .linuxSLL, .radiotap, .ipv4, .ipv6, .linuxSLL2]

    public var description: String {
        switch self {
        case .null: return "NULL"
        case .ethernet: return "EN10MB"
        case .rawDLT12, .rawDLT14, .raw: return "RAW"
        case .ieee80211: return "IEEE802_11"
        case .loop: return "LOOP"
        case .linuxSLL: return "LINUX_SLL"
        case .radiotap: return "IEEE802_11_RADIO"
        case .ipv4: return "IPV4"
        case .ipv6: return "IPV6"
        case .linuxSLL2: return "LINUX_SLL2"
        default: return "LINKTYPE_\(rawValue)"
        }
    }
}

/// A link-layer (hardware) address as a frame's header carries it: 6 bytes for Ethernet and 802.11,
/// up to 8 for the Linux cooked headers.
public struct LinkAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The longest address a LINUX_SLL/SLL2 header holds.
    public static let maxLength = 8
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses `aa:bb:cc:dd:ee:ff` (1 to `maxLength` hex bytes, `:` or `-` between them).
    public init?(_ text: String) {
        let parts = text.split(omittingEmptySubsequences: false) { $0 == ":" || $0 == "-" }
        guard (1...Self.maxLength).contains(parts.count) else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard (1...2).contains(p.count), let b = UInt8(p, radix: 16) else { return nil }
            out.append(b)
        }
        bytes = out
    }

    /// The group bit of the first byte (IEEE 802 §8.2): not one station's address.
    public var isGroup: Bool { bytes.first.map { $0 & 1 != 0 } ?? false }
    /// All zeros: the Linux loopback device and unconfigured links give this to every sender.
    public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }
    /// An address that names one station: not empty, not zero, not a group address.
    public var isStation: Bool { !bytes.isEmpty && !isZero && !isGroup }

    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
    }

    public static func < (a: LinkAddress, b: LinkAddress) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}

/// One UDP datagram taken out of a capture, reassembled if it came in IP fragments.
public struct UDPDatagram: Hashable, Sendable {
    /// 1-based frame number; for a reassembled datagram, the frame that completed it.
    public var frame: Int
    public var timestamp: Timestamp
    /// pcapng interface id (0 for pcap files and for pcapng read through libpcap).
    public var interface: Int
    /// Interface index from a LINUX_SLL2 header, when the frame has one.
    public var interfaceIndex: UInt32?
    /// The sender's link-layer address: Ethernet (VLAN-tagged or not) and 802.11 source address,
    /// LINUX_SLL/SLL2 header address; nil for raw IP and loopback link types, which carry none.
    public var linkSource: LinkAddress?
    public var source: IPAddress
    public var destination: IPAddress
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// IPv4 TTL or IPv6 hop limit.
    public var hopLimit: UInt8
    /// Number of IP fragments the datagram came in (1 when not fragmented).
    public var fragments: Int
    /// The UDP payload, cut at the UDP length (link trailers excluded).
    public var payload: [UInt8]

    public init(frame: Int, timestamp: Timestamp, interface: Int = 0, interfaceIndex: UInt32? = nil,
                source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
                hopLimit: UInt8 = 255, fragments: Int = 1, payload: [UInt8], linkSource: LinkAddress? = nil) {
        self.frame = frame; self.timestamp = timestamp; self.interface = interface; self.linkSource = linkSource
        self.interfaceIndex = interfaceIndex; self.source = source; self.destination = destination
        self.sourcePort = sourcePort; self.destinationPort = destinationPort; self.hopLimit = hopLimit
        self.fragments = fragments; self.payload = payload
    }
}
