/// RFC 1035 §3.3.12 PTR, §3.3.1 CNAME and §3.3.11 NS rdata: a single domain name.
///
///     PTRDNAME / CNAME / NSDNAME (a possibly compressed name, RFC 6762 §18.14)
///
/// These carry a bare `DNSName` in `RData.ptr`, `.cname` and `.ns`; the name is read by
/// `WireReader.readName(bound:)` with the end of rdata as its bound, so it may not cross RDLENGTH.
extension RData {
    /// The domain name of a PTR, CNAME or NS record.
    public var targetName: DNSName? {
        switch self {
        case .ptr(let n), .cname(let n), .ns(let n): return n
        case .srv(let s): return s.target
        case .mx(let m): return m.exchange
        default: return nil
        }
    }
}
