/// RFC 1035 §3.3.13 SOA rdata.
///
///     MNAME (name) | RNAME (name) | SERIAL | REFRESH | RETRY | EXPIRE | MINIMUM (4 each)
public struct SOA: Hashable, Sendable {
    public var mname: DNSName
    public var rname: DNSName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    public var minimum: UInt32

    public init(mname: DNSName, rname: DNSName, serial: UInt32, refresh: UInt32, retry: UInt32, expire: UInt32, minimum: UInt32) {
        self.mname = mname; self.rname = rname; self.serial = serial
        self.refresh = refresh; self.retry = retry; self.expire = expire; self.minimum = minimum
    }

    @inlinable
    static func read(_ r: inout WireReader, end: Int) throws(DNSWireError) -> RDataView {
        let m = try r.readName(bound: end)
        let rn = try r.readName(bound: end)
        guard end &- r.offset >= 20 else {
            throw DNSWireError(.rdataLengthMismatch, at: r.offset, "SOA rdata ends \(20 &- (end &- r.offset)) bytes short of its five counters")
        }
        return .soa(mname: m, rname: rn, serial: try r.readUInt32("SOA serial"), refresh: try r.readUInt32("SOA refresh"),
                    retry: try r.readUInt32("SOA retry"), expire: try r.readUInt32("SOA expire"), minimum: try r.readUInt32("SOA minimum"))
    }

    func write(to w: inout MessageWriter) {
        w.writeName(mname); w.writeName(rname)
        for v in [serial, refresh, retry, expire, minimum] { w.writeUInt32(v) }
    }
}
