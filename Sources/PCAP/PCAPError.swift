/// The one error type of PCAP: what went wrong, in which frame and at which byte, and why.
public struct PCAPError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable, CaseIterable {
        /// The file cannot be opened (missing, unreadable).
        case openFailed
        /// The file is not a pcap or pcapng capture, or a block/record header is garbage.
        case badFile
        /// The file ends inside a record or block.
        case truncatedFile
        /// A frame uses a link type this module does not decode.
        case unknownLinkType
        /// A pcapng file whose interfaces have different link types could not be read.
        case mixedLinkTypes
        /// The frame was cut by the capture's snap length before the end of the UDP datagram.
        case snapLengthCut
        /// A link-layer header is cut short or malformed.
        case badLinkHeader
        /// An IPv4/IPv6 header is malformed (version, header length, extension header chain).
        case badIPHeader
        /// The IP length field does not fit the bytes of the frame.
        case badIPLength
        /// The UDP length field is below 8 or exceeds the IP payload.
        case badUDPLength
        /// Fragments overlap (RFC 5722); the whole datagram is dropped.
        case overlappingFragments
        /// A fragment is malformed (bad offset, size past 65535, inconsistent last fragment).
        case badFragment
        /// A bound on reassembly state was reached; the oldest or largest datagram was dropped.
        case reassemblyLimit
        /// A fragmented datagram was still incomplete at its timeout or at the end of the capture.
        case incompleteFragments
        /// Writing a capture file failed.
        case writeFailed
        /// Opening or configuring a live interface failed (permissions, no such device, bad filter).
        case liveFailed
        /// Sending a frame with pcap_inject failed.
        case injectFailed
    }

    public var code: Code
    /// 1-based frame number in the capture, when the problem belongs to one frame.
    public var frame: Int?
    /// Byte offset: in the file for file-level problems, in the frame for frame-level ones.
    public var offset: Int?
    public var reason: String

    public init(_ code: Code, frame: Int? = nil, offset: Int? = nil, _ reason: String) {
        self.code = code
        self.frame = frame
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        var s = code.rawValue
        if let frame { s += " in frame \(frame)" }
        if let offset { s += " at byte \(offset)" }
        return s + ": " + reason
    }
}

/// Text of a NUL-terminated libpcap error buffer.
func cText(_ buf: [CChar]) -> String {
    String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
