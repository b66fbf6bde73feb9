#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal pcapng writer (one section, little-endian, nanosecond timestamps) for what
/// `pcap_dump` cannot write: interfaces with different link types in one file.
public final class PCAPNGWriter {
    let file: UnsafeMutablePointer<FILE>
    public private(set) var interfaces: [LinkType] = []

    public init(path: String) throws(PCAPError) {
        guard let f = fopen(path, "wb") else { throw PCAPError(.writeFailed, "cannot create \(path)") }
        file = f
        // Section Header Block: byte-order magic, version 1.0, section length unknown (-1).
        var body: [UInt8] = []
        Self.put32(&body, 0x1A2B3C4D); Self.put16(&body, 1); Self.put16(&body, 0)
        body += [UInt8](repeating: 0xFF, count: 8)
        try block(0x0A0D0D0A, body)
    }

    deinit { fclose(file) }

    /// Adds an interface with nanosecond timestamps (if_tsresol = 9); returns its id.
    @discardableResult
    public func addInterface(_ linkType: LinkType, snapLength: UInt32 = 262_144) throws(PCAPError) -> Int {
        var body: [UInt8] = []
        Self.put16(&body, UInt16(truncatingIfNeeded: linkType.rawValue)); Self.put16(&body, 0); Self.put32(&body, snapLength)
        Self.put16(&body, 9); Self.put16(&body, 1); body += [9, 0, 0, 0]   // if_tsresol: 10^-9
        Self.put16(&body, 0); Self.put16(&body, 0)                          // opt_endofopt
        try block(1, body)
        interfaces.append(linkType)
        return interfaces.count - 1
    }

    /// Appends an Enhanced Packet Block.
    public func write(_ frame: [UInt8], interface: Int, at time: Timestamp, originalLength: Int? = nil) throws(PCAPError) {
        let ts = UInt64(bitPattern: time.totalNanoseconds)
        var body: [UInt8] = []
        Self.put32(&body, UInt32(interface))
        Self.put32(&body, UInt32(truncatingIfNeeded: ts >> 32)); Self.put32(&body, UInt32(truncatingIfNeeded: ts))
        Self.put32(&body, UInt32(frame.count)); Self.put32(&body, UInt32(originalLength ?? frame.count))
        body += frame
        while body.count % 4 != 0 { body.append(0) }
        try block(6, body)
    }

    func block(_ type: UInt32, _ body: [UInt8]) throws(PCAPError) {
        var b: [UInt8] = []
        let len = UInt32(12 + body.count)
        Self.put32(&b, type); Self.put32(&b, len); b += body; Self.put32(&b, len)
        guard fwrite(b, 1, b.count, file) == b.count else { throw PCAPError(.writeFailed, "pcapng write failed") }
    }

    public func close() { fflush(file) }

    static func put16(_ a: inout [UInt8], _ v: UInt16) { a.append(UInt8(v & 0xFF)); a.append(UInt8(v >> 8)) }
    static func put32(_ a: inout [UInt8], _ v: UInt32) { put16(&a, UInt16(v & 0xFFFF)); put16(&a, UInt16(v >> 16)) }
}
