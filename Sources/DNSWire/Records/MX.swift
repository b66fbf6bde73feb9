/// RFC 1035 §3.3.9 MX rdata.
///
///     PREFERENCE (2) | EXCHANGE (name)
public struct MX: Hashable, Sendable {
    public var preference: UInt16
    public var exchange: DNSName
    public init(preference: UInt16, exchange: DNSName) {
        self.preference = preference
        self.exchange = exchange
    }

    @inlinable
    static func read(_ r: inout WireReader, end: Int) throws(DNSWireError) -> RDataView {
        guard end &- r.offset >= 3 else {
            throw DNSWireError(.rdataLengthMismatch, at: r.offset &- 2, "RDLENGTH \(end &- r.offset) is below the 3 bytes of an MX record")
        }
        let pref = try r.readUInt16("MX preference")
        return .mx(preference: pref, exchange: try r.readName(bound: end))
    }

    func write(to w: inout MessageWriter) {
        w.writeUInt16(preference)
        w.writeName(exchange)
    }
}
