#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming pcapng reader (draft-ietf-opsawg-pcapng) for what libpcap refuses: interfaces
/// with different link types. Reads SHB, IDB, EPB, SPB and the obsolete PB; skips other blocks.
public final class PCAPNGReader {
    /// Largest block accepted; anything bigger is taken as garbage.
    public static let maxBlockLength = 16 << 20
    /// Interfaces per section.
    public static let maxInterfaces = 1024

    struct Interface { var linkType: LinkType; var unitsPerSecond: UInt64 }

    let file: UnsafeMutablePointer<FILE>
    public private(set) var offset = 0
    var bigEndian = false
    var interfaces: [Interface] = []
    var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 8)
    var frameCount = 0
    var sawSectionHeader = false

    public init(path: String) throws(PCAPError) {
        guard let f = fopen(path, "rb") else { throw PCAPError(.openFailed, offset: 0, "cannot open \(path)") }
        file = f
    }

    deinit { fclose(file); storage.deallocate() }

    @inline(__always) func byte(_ i: Int) -> UInt8 { storage[i] }

    func u16(_ i: Int) -> UInt16 {
        let v = UInt16(byte(i)) | UInt16(byte(i + 1)) << 8
        return bigEndian ? v.byteSwapped : v
    }

    func u32(_ i: Int) -> UInt32 {
        let v = UInt32(byte(i)) | UInt32(byte(i + 1)) << 8 | UInt32(byte(i + 2)) << 16 | UInt32(byte(i + 3)) << 24
        return bigEndian ? v.byteSwapped : v
    }

    /// Reads exactly `n` bytes into `block` from index `at`; false at a clean end of file (nothing read).
    func readExactly(_ n: Int, at: Int, blockStart: Int) throws(PCAPError) -> Bool {
        if storage.count < at + n {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(at + n, storage.count * 2), alignment: 8)
            bigger.copyMemory(from: UnsafeRawBufferPointer(storage))
            storage.deallocate()
            storage = bigger
        }
        let got = fread(storage.baseAddress! + at, 1, n, file)
        offset += got
        if got == n { return true }
        if got == 0 && at == 0 { return false }
        throw PCAPError(.truncatedFile, offset: blockStart, "pcapng block cut short: needed \(n) bytes, got \(got)")
    }

    /// The next packet, or nil at the end of the file.
    public func next() throws(PCAPError) -> RawFrame? {
        while true {
            let start = offset
            guard try readExactly(8, at: 0, blockStart: start) else { return nil }
            let rawType = UInt32(byte(0)) | UInt32(byte(1)) << 8 | UInt32(byte(2)) << 16 | UInt32(byte(3)) << 24
            if rawType == 0x0A0D0D0A {
                // Section Header Block: the byte-order magic decides the endianness of the section.
                guard try readExactly(4, at: 8, blockStart: start) else { return nil }
                let magic = UInt32(byte(8)) | UInt32(byte(9)) << 8 | UInt32(byte(10)) << 16 | UInt32(byte(11)) << 24
                if magic == 0x1A2B3C4D { bigEndian = false } else if magic == 0x4D3C2B1A { bigEndian = true } else {
                    throw PCAPError(.badFile, offset: start + 8, "pcapng byte-order magic 0x\(String(magic, radix: 16))")
                }
                interfaces = []
                sawSectionHeader = true
                let len = Int(u32(4))
                try checkLength(len, start)
                _ = try readExactly(len - 12, at: 12, blockStart: start)
                continue
            }
            guard sawSectionHeader else { throw PCAPError(.badFile, offset: 0, "not a pcapng file") }
            let type = bigEndian ? rawType.byteSwapped : rawType
            let len = Int(u32(4))
            try checkLength(len, start)
            _ = try readExactly(len - 8, at: 8, blockStart: start)
            guard Int(u32(len - 4)) == len else {
                throw PCAPError(.badFile, offset: start + len - 4, "pcapng trailing block length differs from \(len)")
            }
            switch type {
            case 1:   // Interface Description Block
                guard len >= 20 else { throw PCAPError(.badFile, offset: start, "IDB of \(len) bytes") }
                guard interfaces.count < Self.maxInterfaces else {
                    throw PCAPError(.badFile, offset: start, "more than \(Self.maxInterfaces) interfaces")
                }
                interfaces.append(Interface(linkType: LinkType(Int32(u16(8))), unitsPerSecond: tsresol(from: 16, to: len - 4)))
            case 6, 2:   // Enhanced Packet Block; the obsolete Packet Block differs only in a 16-bit interface id
                let kind = type == 6 ? "EPB" : "PB"
                guard len >= 32 else { throw PCAPError(.badFile, offset: start, "\(kind) of \(len) bytes") }
                let ifid = type == 6 ? Int(u32(8)) : Int(u16(8))
                guard ifid < interfaces.count else { throw PCAPError(.badFile, offset: start + 8, "\(kind) for unknown interface \(ifid)") }
                let ts = UInt64(u32(12)) << 32 | UInt64(u32(16))
                let cap = Int(u32(20)), orig = Int(u32(24))
                guard cap <= len - 32 else { throw PCAPError(.badFile, offset: start + 20, "\(kind) captured length \(cap) exceeds the block") }
                return frame(ifid, ts, cap, orig, 28)
            case 3:   // Simple Packet Block: interface 0, no timestamp
                guard len >= 16, !interfaces.isEmpty else { throw PCAPError(.badFile, offset: start, "SPB without interface") }
                let orig = Int(u32(8))
                return frame(0, 0, min(orig, len - 16), orig, 12)
            default:
                continue
            }
        }
    }

    func checkLength(_ len: Int, _ start: Int) throws(PCAPError) {
        guard len >= 12, len % 4 == 0, len <= Self.maxBlockLength else {
            throw PCAPError(.badFile, offset: start + 4, "pcapng block length \(len)")
        }
    }

    func frame(_ ifid: Int, _ ts: UInt64, _ cap: Int, _ orig: Int, _ at: Int) -> RawFrame {
        frameCount += 1
        let units = interfaces[ifid].unitsPerSecond
        let secs = ts / units, rem = ts % units
        let ns = units >= 1_000_000_000 ? rem / (units / 1_000_000_000) : rem * (1_000_000_000 / units)
        let bytes = UnsafeRawBufferPointer(rebasing: storage[at..<(at + cap)])
        return RawFrame(number: frameCount, timestamp: Timestamp(seconds: Int64(truncatingIfNeeded: secs), nanoseconds: UInt32(truncatingIfNeeded: ns)),
                        originalLength: orig, linkType: interfaces[ifid].linkType, interface: ifid, bytes: bytes)
    }

    /// The if_tsresol option (code 9): 10^-n or 2^-n seconds; microseconds by default.
    func tsresol(from: Int, to end: Int) -> UInt64 {
        var i = from
        while i + 4 <= end {
            let code = u16(i), len = Int(u16(i + 2))
            if code == 0 { break }
            if code == 9, len >= 1, i + 4 < end {
                let v = byte(i + 4)
                let n = Int(v & 0x7F)
                if v & 0x80 != 0 { return n < 63 ? UInt64(1) << UInt64(n) : 1_000_000 }
                if n <= 19 { var u: UInt64 = 1; for _ in 0..<n { u *= 10 }; return u }
                return 1_000_000
            }
            i += 4 + (len + 3) & ~3
        }
        return 1_000_000
    }
}
