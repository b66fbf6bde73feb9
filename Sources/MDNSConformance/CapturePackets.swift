import DNSWire
import MDNSCore
import PCAP

extension CaptureConformance {
    /// One mDNS datagram of the capture.
    public struct Packet: Sendable {
        public var frame: Int
        /// Nanoseconds from the first datagram.
        public var time: Int64
        /// The capture's interface (pcapng interface id, or the SLL2 interface index).
        public var interface: Int
        public var source: PCAP.IPAddress
        public var sourcePort: UInt16
        public var destination: PCAP.IPAddress
        public var destinationPort: UInt16
        public var hopLimit: UInt8
        public var message: Message?
        /// The sender's link-layer address, where the capture's link type has one.
        public var linkSource: LinkAddress?

        public init(frame: Int, time: Int64, interface: Int = 0, source: PCAP.IPAddress, sourcePort: UInt16 = mdnsPort,
                    destination: PCAP.IPAddress, destinationPort: UInt16 = mdnsPort, hopLimit: UInt8 = 255, message: Message?,
                    linkSource: LinkAddress? = nil) {
            self.linkSource = linkSource
            self.frame = frame; self.time = time; self.interface = interface; self.source = source
            self.sourcePort = sourcePort; self.destination = destination; self.destinationPort = destinationPort
            self.hopLimit = hopLimit; self.message = message
        }

        public var isMulticast: Bool { destination.isMulticast }
        public var isResponse: Bool { message?.header.isResponse ?? false }
        public var isQuery: Bool { message.map { !$0.header.isResponse } ?? false }
        /// RFC 6762 §6.7: a query from a port other than 5353 comes from a one-shot (legacy) resolver.
        public var isLegacyQuery: Bool { isQuery && sourcePort != mdnsPort }
        /// RFC 6762 §8.1: a query with proposed records in the Authority Section.
        public var isProbe: Bool { isQuery && !(message!.authorities.isEmpty) && !(message!.questions.isEmpty) }
        /// An mDNS response (RFC 6762 §6) as opposed to a legacy unicast reply (§6.7).
        public var isMDNSResponse: Bool { isResponse && destinationPort == mdnsPort }
        public var isLegacyReply: Bool { isResponse && destinationPort != mdnsPort && !isMulticast }
        /// Queries and the replies to them are paired on one link and one address family.
        func samePath(_ o: Packet) -> Bool { interface == o.interface && source.isIPv6 == o.source.isIPv6 }
    }

    /// Whether a datagram on port 5353 is link-local mDNS: unicast between loopback addresses is a
    /// local DNS service (a proxy or stub on port 5353), not traffic of the link.
    public static func isLinkTraffic(_ d: UDPDatagram) -> Bool {
        if d.destination.isMulticast { return true }
        return !(isLoopback(d.source) && isLoopback(d.destination))
    }

    static func isLoopback(_ a: PCAP.IPAddress) -> Bool {
        switch a {
        case .v4(let v): v >> 24 == 127
        case .v6(let h, let l): h == 0 && l == 1
        }
    }

    /// Reads the mDNS datagrams of `path` into `report`; returns them with times from the first.
    static func read(path: String, into report: inout Report) -> [Packet] {
        let reader: DatagramReader
        do throws(PCAPError) { reader = try DatagramReader(path: path, portFilter: PacketDecoder.mdnsFilter) } catch {
            report.fileError = error
            return []
        }
        var packets: [Packet] = []
        var origin: Int64? = nil
        while true {
            let e: DatagramReader.Event?
            do throws(PCAPError) { e = try reader.next() } catch { report.fileError = error; break }
            guard let e else { break }
            guard case .datagram(let d) = e else { continue }
            guard isLinkTraffic(d) else { report.ignored += 1; continue }
            let t = d.timestamp.totalNanoseconds
            if origin == nil { origin = t }
            let m = try? Message(decoding: d.payload, options: .init(allowTrailingBytes: true))
            if m == nil { report.undecodable += 1 }
            packets.append(Packet(frame: d.frame, time: t - origin!, interface: d.interfaceIndex.map(Int.init) ?? d.interface,
                                  source: d.source, sourcePort: d.sourcePort, destination: d.destination,
                                  destinationPort: d.destinationPort, hopLimit: d.hopLimit, message: m, linkSource: d.linkSource))
        }
        report.datagrams = packets.count
        let (kept, dropped) = dropDuplicates(packets)
        report.duplicates = dropped
        return kept
    }
}

extension CaptureConformance {
    /// A copy of a datagram this close to the first, from the same source on the same interface, is
    /// the capture seeing it twice (a bridge and its port, "any"), not the device sending it twice.
    public static let duplicateWindow: Int64 = 2_000_000

    /// Drops capture duplicates; returns the packets kept and how many were dropped.
    public static func dropDuplicates(_ ps: [Packet]) -> (kept: [Packet], dropped: Int) {
        var kept: [Packet] = []
        var dropped = 0
        for p in ps {
            let twin = kept.reversed().prefix { p.time - $0.time <= duplicateWindow }.contains {
                $0.interface == p.interface && $0.source == p.source && $0.sourcePort == p.sourcePort && $0.destination == p.destination
                    && $0.destinationPort == p.destinationPort && $0.message == p.message && $0.message != nil
            }
            if twin { dropped += 1 } else { kept.append(p) }
        }
        return (kept, dropped)
    }
}
