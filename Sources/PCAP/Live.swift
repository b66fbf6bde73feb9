import CPcap
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Captures frames on a live interface (pcap_create, immediate mode) with a BPF filter.
public final class LiveCapture {
    public static let snapLength: Int32 = 65535
    public let interface: String
    public let linkType: LinkType
    public let timeoutMilliseconds: Int32
    var handle: OpaquePointer?
    var count = 0

    /// `timeoutMilliseconds` bounds how long `next()` waits before returning nil.
    public init(interface: String, filter: String? = nil, timeoutMilliseconds: Int32 = 100) throws(PCAPError) {
        self.interface = interface
        self.timeoutMilliseconds = timeoutMilliseconds
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let h = pcap_create(interface, &errbuf) else { throw PCAPError(.liveFailed, cText(errbuf)) }
        pcap_set_snaplen(h, Self.snapLength)
        pcap_set_promisc(h, 0)
        pcap_set_timeout(h, timeoutMilliseconds)
        pcap_set_immediate_mode(h, 1)
        _ = pcap_set_tstamp_precision(h, PCAP_TSTAMP_PRECISION_NANO)
        let rc = pcap_activate(h)
        guard rc >= 0 else {
            let msg = String(cString: pcap_geterr(h))
            pcap_close(h)
            throw PCAPError(.liveFailed, "\(interface): \(msg)")
        }
        handle = h
        linkType = LinkType(pcap_datalink(h))
        // Immediate mode may ignore the read timeout; poll the descriptor ourselves instead.
        _ = pcap_setnonblock(h, 1, &errbuf)
        if let filter {
            var prog = bpf_program()
            guard pcap_compile(h, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
                let msg = String(cString: pcap_geterr(h))
                pcap_close(h); handle = nil
                throw PCAPError(.liveFailed, "filter '\(filter)': \(msg)")
            }
            defer { pcap_freecode(&prog) }
            guard pcap_setfilter(h, &prog) == 0 else {
                let msg = String(cString: pcap_geterr(h))
                pcap_close(h); handle = nil
                throw PCAPError(.liveFailed, "filter '\(filter)': \(msg)")
            }
        }
    }

    deinit { if let handle { pcap_close(handle) } }

    /// The next frame, or nil when the timeout passes with none.
    public func next() throws(PCAPError) -> RawFrame? {
        guard let handle else { return nil }
        var hdr: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var data: UnsafePointer<UInt8>? = nil
        var rc = pcap_next_ex(handle, &hdr, &data)
        if rc == 0 {
            var pfd = pollfd(fd: pcap_get_selectable_fd(handle), events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, timeoutMilliseconds) > 0 else { return nil }
            rc = pcap_next_ex(handle, &hdr, &data)
        }
        switch rc {
        case 1:
            count += 1
            let h = hdr!.pointee
            return RawFrame(number: count, timestamp: Timestamp(seconds: Int64(h.ts.tv_sec), nanoseconds: UInt32(truncatingIfNeeded: h.ts.tv_usec)),
                            originalLength: Int(h.len), linkType: linkType, bytes: UnsafeRawBufferPointer(start: data, count: Int(h.caplen)))
        case 0: return nil
        default: throw PCAPError(.liveFailed, String(cString: pcap_geterr(handle)))
        }
    }
}

/// Sends whole link-layer frames on an interface with pcap_inject.
public final class Injector {
    public let interface: String
    public let linkType: LinkType
    var handle: OpaquePointer?

    public init(interface: String) throws(PCAPError) {
        self.interface = interface
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let h = pcap_create(interface, &errbuf) else { throw PCAPError(.liveFailed, cText(errbuf)) }
        pcap_set_snaplen(h, LiveCapture.snapLength)
        pcap_set_immediate_mode(h, 1)
        guard pcap_activate(h) >= 0 else {
            let msg = String(cString: pcap_geterr(h))
            pcap_close(h)
            throw PCAPError(.liveFailed, "\(interface): \(msg)")
        }
        handle = h
        linkType = LinkType(pcap_datalink(h))
    }

    deinit { if let handle { pcap_close(handle) } }

    public func inject(_ frame: [UInt8]) throws(PCAPError) {
        guard let handle else { throw PCAPError(.injectFailed, "injector closed") }
        let n = frame.withUnsafeBytes { pcap_inject(handle, $0.baseAddress, $0.count) }
        guard n == frame.count else {
            throw PCAPError(.injectFailed, "\(interface): " + (n < 0 ? String(cString: pcap_geterr(handle)) : "sent \(n) of \(frame.count) bytes"))
        }
    }
}
