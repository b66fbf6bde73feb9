import DNSWire
import MDNSCore
import PCAP

/// A recording as a conformance target, judged in two steps: each device's traffic is classified
/// into a timeline (probe series, announcements, answers, defences, goodbyes, legacy replies),
/// then each rule of Captures/real/RULES.tsv runs as a short function over that timeline.
public enum CaptureConformance {
    /// Every rule, in RULES.tsv order.
    public static let rules: [Rule] = probingRules + headerRules + answeringRules + ttlRules

    /// A host on the link with its verdicts.
    public struct Device: Sendable {
        public var identity: DeviceIdentity
        public var findings: [Finding]
        /// The device's packets classified, and its probe series (the results' timeline).
        public var events: [Event] = []
        public var series: [ProbeSeries] = []
        public var name: String { identity.name }
        public var addresses: [PCAP.IPAddress] { identity.addresses }
        public var roles: [Role] { identity.roles }
        public var packets: Int { identity.packets.count }
        public var worst: Verdict { findings.map(\.verdict).max() ?? .notApplicable }

        /// True when `label` is the device's host name (trailing dot optional) or one of its addresses.
        public func matches(_ label: String) -> Bool {
            let l = label.lowercased().hasSuffix(".") ? String(label.lowercased().dropLast()) : label.lowercased()
            return identity.hostNames.contains { "\($0)".lowercased() == l || "\($0)".lowercased() == l + "." }
                || addresses.contains { "\($0)".lowercased() == l }
        }
    }

    public struct Report: Sendable {
        public var file: String
        public var datagrams = 0
        public var undecodable = 0
        /// Datagrams on port 5353 that are not link traffic (a DNS service on loopback).
        public var ignored = 0
        /// Datagrams the capture saw twice (dropped before judging).
        public var duplicates = 0
        public var devices: [Device] = []
        /// The mDNS datagrams judged (events and series index into them).
        public var packets: [Packet] = []
        public var fileError: PCAPError?
        public init(file: String) { self.file = file }
    }

    /// Rules whose id contains `pattern` (or starts with it, with a trailing `*`).
    public static func select(_ pattern: String?) -> [Rule] {
        guard let p = pattern?.lowercased(), !p.isEmpty else { return rules }
        if p.hasSuffix("*") { return rules.filter { $0.id.hasPrefix(String(p.dropLast())) } }
        return rules.filter { ($0.id + " " + $0.section).lowercased().contains(p) }
    }

    /// Reads `path` and judges every device on it.
    public static func run(path: String, displayName: String? = nil, rules: [Rule] = rules) -> Report {
        var report = Report(file: displayName ?? path)
        let packets = read(path: path, into: &report)
        report.packets = packets
        report.devices = judge(packets, rules: rules)
        return report
    }

    /// Identifies the devices, builds each one's timeline and runs the rules over it.
    public static func judge(_ packets: [Packet], rules: [Rule] = rules) -> [Device] {
        identify(packets).map { d in
            let t = timeline(d, in: packets)
            return Device(identity: d, findings: rules.map { finding($0, $0.judge(t), t) }, events: t.events, series: t.series)
        }
    }
}
