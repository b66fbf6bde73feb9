import DNSWire
import MDNSCore

/// What a target can do beyond the basics (start, deliver, observe, advance).
public enum TargetCapability: String, Hashable, Sendable, CaseIterable {
    /// Time is virtual: waits cost nothing.
    case virtualTime
    /// TXT data can be changed while running (RFC 6762 §8.4).
    case updateRecords
    /// The owner can rename a service or host (BCT MANUAL NAME CHANGE).
    case rename
    /// Services can be withdrawn cleanly (goodbyes, §10.1).
    case withdraw
    /// The link can be taken down and brought back (BCT HOT-PLUGGING).
    case linkBounce
    /// A second interface on the same link (bridged, §14).
    case secondInterfaceSameLink
    /// A second interface on a separate link (§14 per-interface records).
    case secondLink
    /// Observed packets carry the real IP TTL / hop limit.
    case ipHeaders
    /// The target publishes a service under subtypes too (RFC 6763 §7.1).
    case subtypes
    /// The target can be made to ask continuous questions (RFC 6762 §5.2); its queries are judged
    /// on the link (a live adapter's `query` hook).
    case query
    /// The target reports its cache and querier events and takes reconfirm hints (§10.4): the
    /// engine does; a live device's cache cannot be seen from the link.
    case cacheReport
}

/// What a target publishes when a case starts.
public struct Publication: Sendable {
    public var hostLabel: String
    public var services: [ServiceRegistration]
    /// Attach a second interface: none, on the same link, or on a second link.
    public enum Second: Sendable { case none, sameLink, otherLink }
    public var secondInterface: Second

    public init(hostLabel: String = "bct-host", services: [ServiceRegistration] = [Publication.defaultService],
                secondInterface: Second = .none) {
        self.hostLabel = hostLabel; self.services = services; self.secondInterface = secondInterface
    }

    public static let defaultService = ServiceRegistration(
        instance: "Bonjour Service Name", type: "_http._tcp", port: 8080,
        txt: TXT([("path", "/"), ("v", "1")]), subtypes: ["_printer"])

    public var hostName: DNSName { (try? DNSName.local.prepending(hostLabel)) ?? .local }
}

/// A packet on the target's link with the time it appeared there: one the target sent, or one
/// the tester delivered to it (`ConformanceTarget.delivered`).
public struct ObservedPacket: Sendable {
    public var time: Instant
    public var bytes: [UInt8]
    /// nil when the bytes do not decode.
    public var message: Message?
    public var source: SocketAddress
    public var destination: Destination.Kind
    public var link: Int
    /// nil when the target cannot see IP headers.
    public var hopLimit: UInt8?

    public var isMulticast: Bool { if case .multicast = destination { return true }; return false }
}

/// The one interface every conformance case runs through. Implementations: the built-in engine
/// on a simulated link (`EngineTarget`); later, live implementations in network namespaces and
/// recorded captures. Time may be real there: cases only ever wait through `advance(until:stop:)`.
public protocol ConformanceTarget: AnyObject {
    var name: String { get }
    var capabilities: Set<TargetCapability> { get }
    /// Current time on the target's clock.
    var now: Instant { get }
    /// The target's address on each link (index = link).
    var addresses: [SocketAddress] { get }
    /// Publishes `publication`; probing starts.
    func start(_ publication: Publication)
    /// Puts a datagram on `link` from `source`, to the mDNS group or to the target's unicast address.
    func deliver(_ bytes: [UInt8], from source: SocketAddress, to destination: Destination.Kind, link: Int)
    /// The first `CaseTraffic.maxPackets` datagrams delivered, in order (`message` not decoded): the tester's half of
    /// a case's traffic, for the results' frames and timeline.
    var delivered: [ObservedPacket] { get }
    /// Lets time run until `deadline`, or until the target sends a packet for which `stop` is true.
    /// Returns the target's packets in that span, in order.
    func advance(until deadline: Instant, stop: ((ObservedPacket) -> Bool)?) -> [ObservedPacket]
    /// Replaces the TXT record of service `index`.
    func updateTXT(service index: Int, _ txt: TXT)
    /// Gives service `index` a new instance name, as an owner would.
    func rename(service index: Int, to instance: String)
    /// Withdraws every service (and the host).
    func withdrawAll()
    /// Takes the link down for `downFor`, then back up.
    func bounceLink(downFor: Duration)
}
