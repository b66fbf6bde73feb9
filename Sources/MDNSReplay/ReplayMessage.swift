import DNSWire
import PCAP

/// One mDNS datagram from a capture with what the codec made of it.
public struct ReplayMessage: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// RFC 6762 §5: a multicast or QU query.
        case query
        /// RFC 6762 §8.1: a query with questions and proposed records in the authority section.
        case probe
        /// RFC 6762 §6.7: a query from a port other than 5353 (a "legacy" one-shot resolver).
        case legacyQuery = "legacy-query"
        /// RFC 6762 §6: a response.
        case response
        /// RFC 6762 §10.1: a response whose answers all have TTL 0.
        case goodbye
        /// RFC 6762 §6.7: a reply from port 5353 to a legacy querier's port.
        case legacyResponse = "legacy-response"
        /// The codec rejected the message: its framing breaks, even in salvage mode.
        case malformed
    }

    public var datagram: UDPDatagram
    /// The entries salvage decoding kept; nil when the framing breaks.
    public var message: Message?
    /// Why the message was rejected.
    public var error: DNSWireError?
    /// Questions and records left out of `message` (salvage decoding), each with its error.
    public var dropped: [SalvageDrop]
    /// Bytes after the last record (accepted, reported).
    public var trailingBytes: Int
    public var kind: Kind

    public init(_ d: UDPDatagram) {
        datagram = d
        do throws(DNSWireError) {
            let s = try SalvagedMessage(decoding: d.payload)
            message = s.message
            error = nil
            dropped = s.dropped
            trailingBytes = s.trailingByteCount
        } catch {
            message = nil
            self.error = error
            dropped = []
            trailingBytes = 0
        }
        kind = ReplayMessage.classify(message, d)
    }

    static func classify(_ m: Message?, _ d: UDPDatagram) -> Kind {
        guard let m else { return .malformed }
        return classify(isResponse: m.header.isResponse, hasQuestions: !m.questions.isEmpty, hasAuthorities: !m.authorities.isEmpty,
                        allAnswersGoodbyes: !m.answers.isEmpty && m.answers.allSatisfy({ $0.ttl == 0 }), d)
    }

    /// The kind from what salvage decoding kept: `allAnswersGoodbyes` is true when there are
    /// answers and every one has TTL 0.
    static func classify(isResponse: Bool, hasQuestions: Bool, hasAuthorities: Bool, allAnswersGoodbyes: Bool,
                         _ d: UDPDatagram) -> Kind {
        if !isResponse {
            if d.sourcePort != PacketDecoder.mdnsPort { return .legacyQuery }
            if hasQuestions && hasAuthorities { return .probe }
            return .query
        }
        if d.destinationPort != PacketDecoder.mdnsPort { return .legacyResponse }
        if allAnswersGoodbyes { return .goodbye }
        return .response
    }

    public var isResponse: Bool { message?.header.isResponse ?? false }

    /// `addr:port`, IPv6 in brackets.
    public static func endpoint(_ a: IPAddress, _ port: UInt16) -> String {
        a.isIPv6 ? "[\(a)]:\(port)" : "\(a):\(port)"
    }
}

/// mDNS messages from one capture file, in frame order, with frames that could not be decoded.
public final class ReplaySource {
    public enum Event: Sendable {
        case message(ReplayMessage)
        case skipped(PCAPError)
    }

    public let reader: DatagramReader

    public init(path: String) throws(PCAPError) {
        reader = try DatagramReader(path: path, portFilter: PacketDecoder.mdnsFilter)
    }

    public var framesRead: Int { reader.framesRead }
    public var bytesRead: Int { reader.capture.byteOffset }
    public var fileSize: Int? { reader.capture.fileSize }

    /// The next event; nil at the end. Throws when the file breaks (the events before were delivered).
    public func next() throws(PCAPError) -> Event? {
        switch try reader.next() {
        case .datagram(let d)?: return .message(ReplayMessage(d))
        case .skipped(let e)?: return .skipped(e)
        case nil: return nil
        }
    }
}
