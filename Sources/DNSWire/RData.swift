/// Typed rdata, owned. Names inside rdata are full `DNSName`s; unknown types keep their bytes
/// exactly (RFC 3597).
public enum RData: Hashable, Sendable {
    case a(IPv4Address)
    case aaaa(IPv6Address)
    case ptr(DNSName)
    case cname(DNSName)
    case ns(DNSName)
    case srv(SRV)
    case txt(TXT)
    case hinfo(HINFO)
    case nsec(NSEC)
    case opt(OPT)
    case soa(SOA)
    case mx(MX)
    case opaque(RRType, [UInt8])

    public var type: RRType {
        switch self {
        case .a: return .a
        case .aaaa: return .aaaa
        case .ptr: return .ptr
        case .cname: return .cname
        case .ns: return .ns
        case .srv: return .srv
        case .txt: return .txt
        case .hinfo: return .hinfo
        case .nsec: return .nsec
        case .opt: return .opt
        case .soa: return .soa
        case .mx: return .mx
        case .opaque(let t, _): return t
        }
    }
}

/// Typed rdata as a view into the message being parsed: no copies, no allocation. Names are
/// validated `NameRef`s; byte ranges point into the message.
public enum RDataView: Hashable, Sendable {
    case a(IPv4Address)
    case aaaa(IPv6Address)
    case ptr(NameRef)
    case cname(NameRef)
    case ns(NameRef)
    case srv(priority: UInt16, weight: UInt16, port: UInt16, target: NameRef)
    /// The character-strings, already checked to fill RDLENGTH exactly.
    case txt(ByteRange)
    case hinfo(cpu: ByteRange, os: ByteRange)
    /// The next name and the type bitmap windows, already checked.
    case nsec(next: NameRef, bitmaps: ByteRange)
    /// The EDNS0 options, already checked.
    case opt(ByteRange)
    case soa(mname: NameRef, rname: NameRef, serial: UInt32, refresh: UInt32, retry: UInt32, expire: UInt32, minimum: UInt32)
    case mx(preference: UInt16, exchange: NameRef)
    case opaque(ByteRange)
}

extension WireReader {
    /// Decodes the rdata of one record of `type` spanning exactly `length` bytes from `offset`.
    @inlinable
    mutating func readRData(type: RRType, length: Int) throws(DNSWireError) -> RDataView {
        let start = offset
        try need(length, "rdata")
        let end = start &+ length
        let view: RDataView
        switch type {
        case .a: view = .a(try IPv4Address.read(&self, end: end))
        case .aaaa: view = .aaaa(try IPv6Address.read(&self, end: end))
        case .ptr: view = .ptr(try readName(bound: end))
        case .cname: view = .cname(try readName(bound: end))
        case .ns: view = .ns(try readName(bound: end))
        case .srv: view = try SRV.read(&self, end: end)
        case .txt: view = .txt(try TXT.read(&self, end: end))
        case .hinfo: view = try HINFO.read(&self, end: end)
        case .nsec: view = try NSEC.read(&self, end: end)
        case .opt: view = .opt(try OPT.read(&self, end: end))
        case .soa: view = try SOA.read(&self, end: end)
        case .mx: view = try MX.read(&self, end: end)
        default:
            offset = end
            return .opaque(ByteRange(start, end))
        }
        // RFC 1035 §3.2.1: RDLENGTH is the length of RDATA; typed rdata must fill it exactly.
        guard offset == end else {
            throw DNSWireError(.rdataLengthMismatch, at: start &- 2,
                               "RDLENGTH \(length) but \(type) rdata is \(offset &- start) bytes")
        }
        return view
    }

    /// A fixed-size field of rdata: RDLENGTH must equal it exactly. `mutating` so that the reader
    /// is used in place: a non-mutating call copied its 300 bytes (a memcpy per A or AAAA record).
    @inlinable
    mutating func expectFixed(_ size: Int, end: Int, _ type: RRType) throws(DNSWireError) {
        guard end &- offset == size else {
            throw DNSWireError(.rdataLengthMismatch, at: offset &- 2,
                               "RDLENGTH \(end &- offset) but \(type) rdata is \(size) bytes")
        }
    }
}

extension RData {
    /// Converts a view into owned rdata.
    init(_ view: RDataView, type: RRType, in r: WireReader) {
        var names = DecodedNames()
        self.init(view, type: type, in: r, names: &names)
    }

    /// Converts a view into owned rdata, names shared with the rest of the decode (`DecodedNames`).
    init(_ view: RDataView, type: RRType, in r: WireReader, names: inout DecodedNames) {
        func name(_ n: NameRef) -> DNSName { names.name(n, in: r) }
        switch view {
        case .a(let v): self = .a(v)
        case .aaaa(let v): self = .aaaa(v)
        case .ptr(let n): self = .ptr(name(n))
        case .cname(let n): self = .cname(name(n))
        case .ns(let n): self = .ns(name(n))
        case .srv(let p, let w, let port, let t):
            self = .srv(SRV(priority: p, weight: w, port: port, target: name(t)))
        case .txt(let range): self = .txt(TXT(r, range))
        case .hinfo(let cpu, let os): self = .hinfo(HINFO(cpu: Array(r.slice(cpu)), os: Array(r.slice(os))))
        case .nsec(let next, let bitmaps): self = .nsec(NSEC(nextName: name(next), typeBitmaps: Array(r.slice(bitmaps))))
        case .opt(let range): self = .opt(OPT(r, range))
        case .soa(let m, let rn, let serial, let refresh, let retry, let expire, let minimum):
            self = .soa(SOA(mname: name(m), rname: name(rn), serial: serial, refresh: refresh,
                            retry: retry, expire: expire, minimum: minimum))
        case .mx(let pref, let ex): self = .mx(MX(preference: pref, exchange: name(ex)))
        case .opaque(let range): self = .opaque(type, Array(r.slice(range)))
        }
    }

    /// Writes the rdata (without RDLENGTH). Names in rdata are compressed when the writer
    /// compresses (RFC 6762 §18.14 allows it for every type mDNS uses).
    public func write(to w: inout MessageWriter) {
        switch self {
        case .a(let v): v.write(to: &w)
        case .aaaa(let v): v.write(to: &w)
        case .ptr(let n), .cname(let n), .ns(let n): w.writeName(n)
        case .srv(let v): v.write(to: &w)
        case .txt(let v): v.write(to: &w)
        case .hinfo(let v): v.write(to: &w)
        case .nsec(let v): v.write(to: &w)
        case .opt(let v): v.write(to: &w)
        case .soa(let v): v.write(to: &w)
        case .mx(let v): v.write(to: &w)
        case .opaque(_, let b): w.writeBytes(b)
        }
    }

    /// The rdata uncompressed, as RFC 6762 §8.2 compares it for tie-breaking.
    public var canonicalBytes: [UInt8] {
        var w = MessageWriter(compression: .none, capacity: 64)
        write(to: &w)
        return w.bytes
    }
}

extension WireReader {
    @inlinable func slice(_ r: ByteRange) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[r.range])
    }
}
