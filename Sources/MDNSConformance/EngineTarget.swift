import DNSWire
import MDNSCore

/// The built-in engine on a simulated link, in virtual time.
public final class EngineTarget: ConformanceTarget {
    public let name: String
    public let network: SimulatedNetwork
    public private(set) var node = 0
    var configuration: Configuration
    var publication = Publication()
    var serviceIDs: [RegistrationID?] = []
    var hostID: RegistrationID?
    var observedCount = 0
    public private(set) var delivered: [ObservedPacket] = []

    public static let primaryAddress = IPAddress.v4(IPv4Address(169, 254, 1, 1))
    public static let primaryAddress6 = IPAddress.v6(IPv6Address("fe80::1")!)
    public static let secondAddressSameLink = IPAddress.v4(IPv4Address(169, 254, 1, 2))
    public static let secondLinkAddress = IPAddress.v4(IPv4Address(169, 254, 2, 1))

    /// `faults` deliberately break rules, to show the suite catches them.
    public init(seed: UInt64, faults: Faults = Faults(), conditions: LinkConditions = .clean, name: String? = nil) {
        var c = Configuration(seed: seed ^ 0x5EED)
        c.faults = faults
        configuration = c
        network = SimulatedNetwork(seed: seed, links: [conditions, conditions])
        self.name = name ?? (faults.isEmpty ? "built-in engine (simulated link)" : "built-in engine with faults")
    }

    public var capabilities: Set<TargetCapability> {
        [.virtualTime, .updateRecords, .rename, .withdraw, .linkBounce, .secondInterfaceSameLink, .secondLink, .subtypes, .query, .cacheReport]
    }

    public var now: Instant { network.now }

    public var addresses: [SocketAddress] {
        [SocketAddress(Self.primaryAddress), SocketAddress(Self.secondLinkAddress)]
    }

    public func start(_ publication: Publication) {
        self.publication = publication
        var atts: [(NetworkInterface, link: Int)] = [
            (NetworkInterface(id: InterfaceID(1), name: "eth0", addresses: [
                InterfaceAddress(Self.primaryAddress, prefixLength: 16),
                InterfaceAddress(Self.primaryAddress6, prefixLength: 64)]), link: 0),
        ]
        switch publication.secondInterface {
        case .none: break
        case .sameLink:
            atts.append((NetworkInterface(id: InterfaceID(2), name: "eth1", addresses: [
                InterfaceAddress(Self.secondAddressSameLink, prefixLength: 16)]), link: 0))
        case .otherLink:
            atts.append((NetworkInterface(id: InterfaceID(2), name: "eth1", addresses: [
                InterfaceAddress(Self.secondLinkAddress, prefixLength: 16)]), link: 1))
        }
        node = network.addEngine(configuration: configuration, attachments: atts)
        hostID = network.register(.host(HostRegistration(label: publication.hostLabel)), on: node)
        serviceIDs = publication.services.map { network.register(.service($0), on: node) }
    }

    public func deliver(_ bytes: [UInt8], from source: SocketAddress, to destination: Destination.Kind, link: Int) {
        // Bounded: a case's results keep only the first CaseTraffic.maxPackets anyway, and a
        // flood delivers millions (DESIGN rule 4: state is bounded under spoofed floods).
        if delivered.count < CaseTraffic.maxPackets {
            delivered.append(ObservedPacket(time: now, bytes: bytes, message: nil, source: source, destination: destination, link: link, hopLimit: nil))
        }
        network.inject(Datagram(bytes: bytes, source: source, destination: destination), link: link)
    }

    func collect() -> [ObservedPacket] {
        var out: [ObservedPacket] = []
        let trace = network.trace
        while observedCount < trace.count {
            let t = trace[observedCount]
            observedCount += 1
            guard t.sender == .engine(node) else { continue }
            out.append(ObservedPacket(time: t.time, bytes: t.datagram.bytes, message: try? Message(decoding: t.datagram.bytes),
                                      source: t.datagram.source, destination: t.datagram.destination, link: t.link, hopLimit: nil))
        }
        return out
    }

    public func advance(until deadline: Instant, stop: ((ObservedPacket) -> Bool)?) -> [ObservedPacket] {
        var seen: [ObservedPacket] = collect()
        if let stop, seen.contains(where: stop) { return seen }
        var hit = false
        network.run(until: deadline) {
            let new = self.collect()
            seen += new
            if let stop, new.contains(where: stop) { hit = true }
            return hit
        }
        seen += collect()
        return seen
    }

    public func updateTXT(service index: Int, _ txt: TXT) {
        guard serviceIDs.indices.contains(index), let id = serviceIDs[index] else { return }
        publication.services[index].txt = txt
        let reg = publication.services[index]
        network.withEngine(node) { e, t in ((), e.update(id, to: .service(reg), at: t)) }
    }

    public func rename(service index: Int, to instance: String) {
        guard serviceIDs.indices.contains(index), let id = serviceIDs[index] else { return }
        publication.services[index].instance = instance
        let reg = publication.services[index]
        network.withEngine(node) { e, t in ((), e.update(id, to: .service(reg), at: t)) }
    }

    public func withdrawAll() {
        for id in serviceIDs.compactMap({ $0 }) + [hostID].compactMap({ $0 }) {
            network.withEngine(node) { e, t in ((), e.withdraw(id, at: t)) }
        }
    }

    public func bounceLink(downFor: Duration) {
        for a in network.attachments(node) where a.link == 0 {
            network.bounce(node: node, interface: a.interface.id, downFor: downFor)
        }
    }
}
