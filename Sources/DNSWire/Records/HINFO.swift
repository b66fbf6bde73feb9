/// RFC 1035 §3.3.2 HINFO rdata: two character-strings.
///
///     CPU (len + bytes) | OS (len + bytes)
public struct HINFO: Hashable, Sendable {
    public var cpu: [UInt8]
    public var os: [UInt8]
    public init(cpu: [UInt8], os: [UInt8]) { self.cpu = cpu; self.os = os }
    public init(cpu: String, os: String) { self.cpu = Array(cpu.utf8); self.os = Array(os.utf8) }

    @inlinable
    static func read(_ r: inout WireReader, end: Int) throws(DNSWireError) -> RDataView {
        let cpu = try r.readCharacterString(end: end, "HINFO CPU")
        let os = try r.readCharacterString(end: end, "HINFO OS")
        return .hinfo(cpu: cpu, os: os)
    }

    func write(to w: inout MessageWriter) {
        w.writeUInt8(UInt8(min(cpu.count, 255))); w.writeBytes(cpu.prefix(255))
        w.writeUInt8(UInt8(min(os.count, 255))); w.writeBytes(os.prefix(255))
    }
}

extension WireReader {
    /// RFC 1035 §3.3: a length byte and that many bytes, all inside rdata.
    @inlinable
    mutating func readCharacterString(end: Int, _ what: StaticString) throws(DNSWireError) -> ByteRange {
        guard offset < end else {
            throw DNSWireError(.rdataLengthMismatch, at: offset, "rdata ends before \(what)")
        }
        let n = Int(bytes[offset])
        guard n < end &- offset else {
            throw DNSWireError(.invalidRData, at: offset, "\(what) string of \(n) bytes runs past RDLENGTH")
        }
        let r = ByteRange(offset &+ 1, offset &+ 1 &+ n)
        offset &+= 1 &+ n
        return r
    }
}
