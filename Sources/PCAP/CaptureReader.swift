import CPcap
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads frames from a pcap or pcapng file through libpcap, one at a time, in constant memory.
/// Timestamps are read at nanosecond precision. A pcapng whose interfaces have different link
/// types (which libpcap refuses) is read on by `PCAPNGReader` from the frame where libpcap stopped.
public final class CaptureReader {
    public let path: String
    /// Link type of the first interface.
    public private(set) var linkType: LinkType
    /// Frames delivered so far.
    public private(set) var framesRead = 0
    /// Size of the file in bytes, when known.
    public let fileSize: Int?
    /// True once reading has switched to the built-in pcapng reader.
    public private(set) var usingOwnPCAPNGReader = false

    var handle: OpaquePointer?
    var ng: PCAPNGReader?
    var lastGoodOffset = 0
    /// Classic pcap: record offsets are computed (16-byte header + captured bytes), no ftell per frame.
    let isClassicPCAP: Bool

    public init(path: String) throws(PCAPError) {
        self.path = path
        var st = stat()
        fileSize = stat(path, &st) == 0 ? Int(st.st_size) : nil
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let h = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errbuf) else {
            let msg = cText(errbuf)
            if access(path, R_OK) != 0 {
                throw PCAPError(.openFailed, offset: 0, msg)
            }
            let code: PCAPError.Code = msg.contains("truncated") ? .truncatedFile : .badFile
            throw PCAPError(code, offset: 0, msg)
        }
        handle = h
        linkType = LinkType(pcap_datalink(h))
        isClassicPCAP = pcap_major_version(h) == 2
        lastGoodOffset = currentOffset()
    }

    deinit { if let handle { pcap_close(handle) } }

    /// Byte offset in the file after the last frame read.
    public var byteOffset: Int {
        if let ng { return ng.offset }
        return lastGoodOffset
    }

    func currentOffset() -> Int {
        guard let handle, let f = pcap_file(handle) else { return 0 }
        return ftell(f)
    }

    /// The next frame, or nil at the end of the file. Throws `truncatedFile` or `badFile` when
    /// the file breaks off or turns to garbage; the frames before stay delivered.
    public func next() throws(PCAPError) -> RawFrame? {
        if ng != nil { return try nextOwn() }
        guard let handle else { return nil }
        var hdr: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var data: UnsafePointer<UInt8>? = nil
        switch pcap_next_ex(handle, &hdr, &data) {
        case 1:
            framesRead += 1
            let h = hdr!.pointee
            lastGoodOffset = isClassicPCAP ? lastGoodOffset + 16 + Int(h.caplen) : currentOffset()
            return RawFrame(number: framesRead,
                            timestamp: Timestamp(seconds: Int64(h.ts.tv_sec), nanoseconds: UInt32(truncatingIfNeeded: h.ts.tv_usec)),
                            originalLength: Int(h.len), linkType: linkType, interface: 0,
                            bytes: UnsafeRawBufferPointer(start: data, count: Int(h.caplen)))
        case PCAP_ERROR_BREAK:
            return nil
        default:
            let msg = String(cString: pcap_geterr(handle))
            if msg.contains("different from the type of the first interface") {
                // libpcap refuses mixed link types; read on with the built-in pcapng reader.
                let r: PCAPNGReader
                do throws(PCAPError) { r = try PCAPNGReader(path: path) } catch {
                    throw PCAPError(.mixedLinkTypes, frame: framesRead + 1, offset: lastGoodOffset, msg + "; " + error.reason)
                }
                ng = r
                usingOwnPCAPNGReader = true
                pcap_close(handle)
                self.handle = nil
                for _ in 0..<framesRead {
                    guard try r.next() != nil else {
                        throw PCAPError(.mixedLinkTypes, frame: framesRead + 1, offset: r.offset, "pcapng re-read ended early")
                    }
                }
                return try nextOwn()
            }
            let code: PCAPError.Code = msg.contains("truncated") ? .truncatedFile : .badFile
            throw PCAPError(code, frame: framesRead + 1, offset: lastGoodOffset, msg)
        }
    }

    func nextOwn() throws(PCAPError) -> RawFrame? {
        guard let ng else { return nil }
        do throws(PCAPError) {
            guard let f = try ng.next() else { return nil }
            framesRead += 1
            var fr = f
            fr.number = framesRead
            return fr
        } catch {
            var e = error
            e.frame = framesRead + 1
            throw e
        }
    }
}

/// Datagrams out of a capture file: frames through `PacketDecoder`, with skipped frames and
/// fragment reports interleaved in frame order.
public final class DatagramReader {
    public enum Event: Sendable {
        case datagram(UDPDatagram)
        /// A frame (or fragment set) that could not be decoded; reading goes on.
        case skipped(PCAPError)
    }

    public let capture: CaptureReader
    public var decoder: PacketDecoder
    /// Frames that were neither datagrams nor skipped (non-IP, TCP, filtered ports, held fragments).
    public private(set) var ignoredFrames = 0
    var queued: [Event] = []
    var queueIndex = 0
    var finished = false
    var fatal: PCAPError?

    public init(path: String, portFilter: (@Sendable (UInt16, UInt16) -> Bool)? = nil) throws(PCAPError) {
        capture = try CaptureReader(path: path)
        decoder = PacketDecoder(portFilter: portFilter)
    }

    public var framesRead: Int { capture.framesRead }

    /// The next event; nil at the end. Throws when the file itself breaks (truncated, garbage):
    /// everything read before has been delivered.
    public func next() throws(PCAPError) -> Event? {
        while true {
            if queueIndex < queued.count {
                let e = queued[queueIndex]
                queueIndex += 1
                if queueIndex == queued.count { queued.removeAll(keepingCapacity: true); queueIndex = 0 }
                return e
            }
            if finished {
                if let e = fatal { fatal = nil; throw e }
                return nil
            }
            let frame: RawFrame?
            do throws(PCAPError) { frame = try capture.next() } catch {
                // Deliver what is pending (fragment reports) first, then the file error.
                finished = true
                fatal = error
                decoder.finish()
                flushReports()
                continue
            }
            guard let frame else {
                finished = true
                decoder.finish()
                flushReports()
                continue
            }
            let outcome = decoder.decode(frame)
            flushReports()
            switch outcome {
            case .datagram(let d): queued.append(.datagram(d))
            case .skipped(let e): queued.append(.skipped(e))
            case .fragmentHeld, .ignored: ignoredFrames += 1
            }
        }
    }

    func flushReports() {
        if decoder.reassembler.reports.isEmpty { return }
        for r in decoder.reassembler.reports { queued.append(.skipped(r)) }
        decoder.reassembler.reports.removeAll(keepingCapacity: true)
    }
}
