/// RFC 6891 §6.1.2 OPT pseudo-record rdata: EDNS0 options.
///
///     (OPTION-CODE (2) | OPTION-LENGTH (2) | OPTION-DATA)*   filling RDLENGTH exactly
///
/// The record's CLASS is the requestor's UDP payload size and its TTL holds the extended RCODE
/// and flags; the mDNS cache-flush bit does not apply to OPT (its class is kept whole).
public struct OPT: Hashable, Sendable {
    public struct Option: Hashable, Sendable {
        public var code: UInt16
        public var data: [UInt8]
        public init(code: UInt16, data: [UInt8]) { self.code = code; self.data = data }
    }

    public var options: [Option]
    public init(options: [Option]) { self.options = options }

    /// The EDNS0 Owner option (draft-cheshire-edns0-owner-option, code 4), used by Bonjour sleep proxies.
    public struct Owner: Hashable, Sendable {
        public var version: UInt8
        public var sequence: UInt8
        public var primaryMAC: [UInt8]
        public var wakeupMAC: [UInt8]?
        public var password: [UInt8]?

        public init(version: UInt8 = 0, sequence: UInt8, primaryMAC: [UInt8], wakeupMAC: [UInt8]? = nil, password: [UInt8]? = nil) {
            self.version = version; self.sequence = sequence; self.primaryMAC = primaryMAC
            self.wakeupMAC = wakeupMAC; self.password = password
        }

        /// Reads option data of 8, 14, 18 or 20 bytes.
        public init?(data d: [UInt8]) {
            guard [8, 14, 18, 20].contains(d.count) else { return nil }
            version = d[0]; sequence = d[1]; primaryMAC = Array(d[2..<8])
            wakeupMAC = d.count >= 14 ? Array(d[8..<14]) : nil
            password = d.count > 14 ? Array(d[14...]) : nil
        }

        public var data: [UInt8] {
            [version, sequence] + primaryMAC + (wakeupMAC ?? []) + (password ?? [])
        }
    }

    public static let ownerOptionCode: UInt16 = 4

    public var owner: Owner? {
        options.first { $0.code == Self.ownerOptionCode }.flatMap { Owner(data: $0.data) }
    }

    @inlinable
    static func read(_ r: inout WireReader, end: Int) throws(DNSWireError) -> ByteRange {
        let start = r.offset
        while r.offset < end {
            guard end &- r.offset >= 4 else {
                throw DNSWireError(.invalidRData, at: r.offset, "EDNS0 option header cut by RDLENGTH")
            }
            r.offset &+= 2
            let len = Int(try r.readUInt16("EDNS0 option length"))
            guard len <= end &- r.offset else {
                throw DNSWireError(.invalidRData, at: r.offset &- 2, "EDNS0 option of \(len) bytes runs past RDLENGTH")
            }
            r.offset &+= len
        }
        return ByteRange(start, end)
    }

    init(_ r: WireReader, _ range: ByteRange) {
        var out: [Option] = []
        var i = Int(range.lowerBound)
        while i < Int(range.upperBound) {
            let code = UInt16(r.byte(at: i)) << 8 | UInt16(r.byte(at: i + 1))
            let len = Int(r.byte(at: i + 2)) << 8 | Int(r.byte(at: i + 3))
            out.append(Option(code: code, data: Array(UnsafeRawBufferPointer(rebasing: r.bytes[(i + 4)..<(i + 4 + len)]))))
            i += 4 + len
        }
        options = out
    }

    func write(to w: inout MessageWriter) {
        for o in options {
            w.writeUInt16(o.code); w.writeUInt16(UInt16(o.data.count)); w.writeBytes(o.data)
        }
    }
}
