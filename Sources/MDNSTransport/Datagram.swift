/// One received UDP datagram with what the kernel said about its arrival.
public struct Datagram: Hashable, Sendable {
    public var bytes: [UInt8]
    /// The sender; an IPv6 link-local source carries its scope id.
    public var source: UDPAddress
    public var control: ReceivedControl
    public var family: Family
    /// MSG_TRUNC: longer than the receive buffer (`TransportLimits.maxDatagramSize`).
    public var truncated: Bool

    public init(bytes: [UInt8], source: UDPAddress, control: ReceivedControl, family: Family, truncated: Bool = false) {
        self.bytes = bytes; self.source = source; self.control = control; self.family = family; self.truncated = truncated
    }

    /// True when it was sent to 224.0.0.251 or ff02::fb; false for one of our unicast addresses.
    public var wasMulticast: Bool { control.destination?.isMDNSGroup ?? true }
}

/// Where a datagram goes.
public enum SendTarget: Hashable, Sendable {
    /// The mDNS group of the family, port 5353 (RFC 6762 §3).
    case group(Family)
    /// One address (a legacy querier's own port, or a QU querier at 5353).
    case unicast(UDPAddress)

    public var family: Family {
        switch self {
        case .group(let f): return f
        case .unicast(let a): return a.host.family
        }
    }
}

/// Caps of the transport (DESIGN.md rule 2).
public enum TransportLimits {
    /// RFC 6762 §17: at most 9000 bytes of mDNS payload; anything longer is dropped as truncated.
    public static let maxDatagramSize = 9000
    /// Datagrams queued between the reader thread and the driver; beyond it new ones are dropped
    /// and counted (a flood must not grow memory).
    public static let receiveQueue = 1024
    /// SO_RCVBUF / SO_SNDBUF of each socket: about 1300 small datagrams of burst (kernel accounting).
    public static let socketBuffer = 1 << 20
    /// Datagrams read from one socket per poll wake-up before the others get a turn.
    public static let burstPerSocket = 64
}

/// What the driver needs of a transport; `MulticastTransport` is the real one, tests use fakes.
public protocol DatagramTransport: Sendable {
    var datagrams: AsyncStream<Datagram> { get }
    func open(_ interface: InterfaceSnapshot, family: Family) throws(TransportError)
    func close(interface index: UInt32, family: Family?)
    func isOpen(_ index: UInt32, _ family: Family) -> Bool
    func send(_ bytes: [UInt8], to target: SendTarget, interface index: UInt32) throws(TransportError)
    var statistics: TransportStatistics { get }
    func shutdown()
}
