/// RFC 2782 SRV rdata, as DNS-SD uses it (RFC 6763 §5).
///
///     PRIORITY (2) | WEIGHT (2) | PORT (2) | TARGET (name, compressed in mDNS: RFC 6762 §18.14)
public struct SRV: Hashable, Sendable {
    public var priority: UInt16
    public var weight: UInt16
    public var port: UInt16
    public var target: DNSName

    public init(priority: UInt16 = 0, weight: UInt16 = 0, port: UInt16, target: DNSName) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }

    @inlinable
    static func read(_ r: inout WireReader, end: Int) throws(DNSWireError) -> RDataView {
        guard end &- r.offset >= 7 else {
            throw DNSWireError(.rdataLengthMismatch, at: r.offset &- 2, "RDLENGTH \(end &- r.offset) is below the 7 bytes of an SRV record")
        }
        let p = try r.readUInt16("SRV priority")
        let w = try r.readUInt16("SRV weight")
        let port = try r.readUInt16("SRV port")
        let target = try r.readName(bound: end)
        return .srv(priority: p, weight: w, port: port, target: target)
    }

    func write(to w: inout MessageWriter) {
        w.writeUInt16(priority); w.writeUInt16(weight); w.writeUInt16(port)
        w.writeName(target)
    }
}
