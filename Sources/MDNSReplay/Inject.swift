import PCAP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends the mDNS datagrams of a capture onto an interface, rebuilt as fresh frames (correct
/// checksums, multicast MACs, fragments where the datagram exceeds the MTU), keeping the
/// original timing, scaling it, or as fast as possible.
public enum ReplayInjection {
    public enum Speed: Hashable, Sendable, CustomStringConvertible {
        /// Original gaps divided by the factor (1 is real time).
        case scaled(Double)
        /// No waiting.
        case max

        public init?(_ text: String) {
            if text == "max" { self = .max; return }
            guard let f = Double(text), f > 0, f.isFinite else { return nil }
            self = .scaled(f)
        }

        public var description: String {
            switch self {
            case .max: return "max"
            case .scaled(let f): return f == f.rounded() ? String(Int(f)) : String(f)
            }
        }
    }

    /// Ethernet MTU used to fragment rebuilt datagrams.
    public static let mtu = 1500

    /// When datagram `t` is due, in nanoseconds after the first one (`t0`) was sent; nil for `.max`.
    public static func offset(of t: Timestamp, from t0: Timestamp, speed: Speed) -> Int64? {
        switch speed {
        case .max: return nil
        case .scaled(let f):
            let gap = t.totalNanoseconds - t0.totalNanoseconds
            return gap <= 0 ? 0 : Int64((Double(gap) / f).rounded())
        }
    }

    public struct Result: Sendable {
        public var datagrams = 0
        public var frames = 0
        public var skipped: [PCAPError] = []
        public var fileError: PCAPError?
    }

    /// Frames for one datagram on a link of `linkType`.
    public static func frames(for d: UDPDatagram, linkType: LinkType, identification: UInt32) throws(PCAPError) -> [[UInt8]] {
        switch linkType {
        case .ethernet:
            return FrameBuilder.ethernetUDP(source: d.source, destination: d.destination, sourcePort: d.sourcePort,
                                            destinationPort: d.destinationPort, payload: d.payload, hopLimit: d.hopLimit,
                                            identification: identification, mtu: mtu)
        case .raw, .rawDLT12, .rawDLT14:
            return FrameBuilder.ipUDP(source: d.source, destination: d.destination, sourcePort: d.sourcePort,
                                      destinationPort: d.destinationPort, payload: d.payload, hopLimit: d.hopLimit,
                                      identification: identification, mtu: mtu)
        default:
            throw PCAPError(.injectFailed, "cannot build frames for link type \(linkType)")
        }
    }

    /// Replays `path` onto `interface`. `progress` gets (datagrams sent, bytes read, file size).
    public static func run(path: String, interface: String, speed: Speed,
                           progress: ((Int, Int, Int?) -> Void)? = nil) throws(PCAPError) -> Result {
        let injector = try Injector(interface: interface)
        let source = try DatagramReader(path: path, portFilter: PacketDecoder.mdnsFilter)
        var result = Result()
        var t0: Timestamp? = nil
        var start: Int64 = 0
        var id: UInt32 = 0x5353_0000
        while true {
            let event: DatagramReader.Event?
            do throws(PCAPError) { event = try source.next() } catch { result.fileError = error; break }
            guard let event else { break }
            switch event {
            case .skipped(let e):
                if result.skipped.count < CaptureSummary.maxListedFrames { result.skipped.append(e) }
            case .datagram(let d):
                if t0 == nil { t0 = d.timestamp; start = monotonicNanoseconds() }
                if let due = offset(of: d.timestamp, from: t0!, speed: speed) { sleep(until: start + due) }
                id &+= 1
                for f in try frames(for: d, linkType: injector.linkType, identification: id) {
                    try injector.inject(f)
                    result.frames += 1
                }
                result.datagrams += 1
                if let progress, result.datagrams % 64 == 0 {
                    progress(result.datagrams, source.capture.byteOffset, source.capture.fileSize)
                }
            }
        }
        progress?(result.datagrams, source.capture.byteOffset, source.capture.fileSize)
        return result
    }

    public static func monotonicNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func sleep(until deadline: Int64) {
        while true {
            let left = deadline - monotonicNanoseconds()
            if left <= 0 { return }
            var ts = timespec(tv_sec: Int(left / 1_000_000_000), tv_nsec: Int(left % 1_000_000_000))
            _ = nanosleep(&ts, nil)
        }
    }
}
