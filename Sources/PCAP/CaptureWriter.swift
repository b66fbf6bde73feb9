import CPcap
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a classic pcap file through libpcap's `pcap_dump`, with nanosecond timestamps.
public final class CaptureWriter {
    /// Snap length written in the file header.
    public static let defaultSnapLength: Int32 = 262_144

    public let linkType: LinkType
    var dead: OpaquePointer?
    var dumper: OpaquePointer?
    public private(set) var framesWritten = 0

    public init(path: String, linkType: LinkType = .ethernet, snapLength: Int32 = CaptureWriter.defaultSnapLength) throws(PCAPError) {
        self.linkType = linkType
        guard let d = pcap_open_dead_with_tstamp_precision(linkType.rawValue, snapLength, UInt32(PCAP_TSTAMP_PRECISION_NANO)) else {
            throw PCAPError(.writeFailed, "pcap_open_dead failed for link type \(linkType.rawValue)")
        }
        dead = d
        guard let du = pcap_dump_open(d, path) else {
            let msg = String(cString: pcap_geterr(d))
            pcap_close(d)
            dead = nil
            throw PCAPError(.writeFailed, msg)
        }
        dumper = du
    }

    /// Appends one frame. `originalLength` defaults to the frame's length (not cut).
    public func write(_ frame: [UInt8], at time: Timestamp, originalLength: Int? = nil) throws(PCAPError) {
        guard let dumper else { throw PCAPError(.writeFailed, "writer is closed") }
        var h = pcap_pkthdr()
        h.ts.tv_sec = Int(time.seconds)
        h.ts.tv_usec = Int(time.nanoseconds)     // nanoseconds: the dead handle has NANO precision
        h.caplen = bpf_u_int32(frame.count)
        h.len = bpf_u_int32(originalLength ?? frame.count)
        frame.withUnsafeBufferPointer { p in
            pcap_dump(UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self), &h, p.baseAddress)
        }
        framesWritten += 1
    }

    /// Flushes and closes the file.
    public func close() throws(PCAPError) {
        guard let dumper else { return }
        let flushed = pcap_dump_flush(dumper)
        pcap_dump_close(dumper)
        self.dumper = nil
        if let dead { pcap_close(dead); self.dead = nil }
        if flushed != 0 { throw PCAPError(.writeFailed, "flushing the capture failed") }
    }

    deinit { try? close() }
}
