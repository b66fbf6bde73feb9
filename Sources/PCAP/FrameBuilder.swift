/// Builds frames for synthetic captures and injection: Ethernet (with VLAN tags), Linux SLL2,
/// IPv4 and IPv6 with UDP, checksums computed, and IP fragmentation.
public enum FrameBuilder {
    public static let etherTypeIPv4: UInt16 = 0x0800
    public static let etherTypeIPv6: UInt16 = 0x86DD
    /// Locally administered MAC used when no other is given.
    public static let defaultSourceMAC: [UInt8] = [0x02, 0x00, 0x5E, 0x00, 0x53, 0x01]
    /// Default IPv4 TTL / IPv6 hop limit: RFC 6762 §11 sends mDNS with 255.
    public static let defaultHopLimit: UInt8 = 255

    /// RFC 1112 §6.4 / RFC 2464 §7: the Ethernet address of an IP multicast group; broadcast for unicast.
    public static func destinationMAC(for ip: IPAddress) -> [UInt8] {
        switch ip {
        case .v4(let v) where ip.isMulticast:
            return [0x01, 0x00, 0x5E, UInt8((v >> 16) & 0x7F), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
        case .v6(_, let l) where ip.isMulticast:
            return [0x33, 0x33, UInt8((l >> 24) & 0xFF), UInt8((l >> 16) & 0xFF), UInt8((l >> 8) & 0xFF), UInt8(l & 0xFF)]
        default:
            return [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        }
    }

    /// An Ethernet II frame; `vlanTags` are 802.1Q TCIs, outermost first (two or more make QinQ,
    /// the outer ones with TPID 0x88A8).
    public static func ethernet(destination: [UInt8], source: [UInt8] = defaultSourceMAC, vlanTags: [UInt16] = [],
                                etherType: UInt16, payload: [UInt8]) -> [UInt8] {
        var f = destination + source
        for (i, tci) in vlanTags.enumerated() {
            let tpid: UInt16 = (vlanTags.count > 1 && i < vlanTags.count - 1) ? 0x88A8 : 0x8100
            put16(&f, tpid); put16(&f, tci)
        }
        put16(&f, etherType)
        return f + payload
    }

    /// A LINUX_SLL2 frame (outgoing packet type 4 is "sent by us"; 0 is "to us").
    public static func linuxSLL2(protocolType: UInt16, interfaceIndex: UInt32, packetType: UInt8 = 0,
                                 sourceMAC: [UInt8] = defaultSourceMAC, payload: [UInt8]) -> [UInt8] {
        var f: [UInt8] = []
        put16(&f, protocolType); put16(&f, 0)
        put32(&f, interfaceIndex)
        put16(&f, 1)                       // ARPHRD_ETHER
        f.append(packetType)
        f.append(UInt8(sourceMAC.count))
        f += sourceMAC + [UInt8](repeating: 0, count: 8 - sourceMAC.count)
        return f + payload
    }

    /// Ethernet frames carrying one UDP datagram, fragmented when the IP packet exceeds `mtu`.
    public static func ethernetUDP(source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
                                   payload: [UInt8], sourceMAC: [UInt8] = defaultSourceMAC, vlanTags: [UInt16] = [],
                                   hopLimit: UInt8 = defaultHopLimit, identification: UInt32 = 0, mtu: Int = 1500) -> [[UInt8]] {
        ipUDP(source: source, destination: destination, sourcePort: sourcePort, destinationPort: destinationPort,
              payload: payload, hopLimit: hopLimit, identification: identification, mtu: mtu).map {
            ethernet(destination: destinationMAC(for: destination), source: sourceMAC, vlanTags: vlanTags,
                     etherType: source.isIPv6 ? etherTypeIPv6 : etherTypeIPv4, payload: $0)
        }
    }

    /// IP packets carrying one UDP datagram: one packet, or fragments of at most `mtu` bytes.
    public static func ipUDP(source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
                             payload: [UInt8], hopLimit: UInt8 = defaultHopLimit, identification: UInt32 = 0,
                             mtu: Int = 65535) -> [[UInt8]] {
        let u = udp(source: source, destination: destination, sourcePort: sourcePort, destinationPort: destinationPort, payload: payload)
        switch (source, destination) {
        case (.v4, .v4):
            if 20 + u.count <= mtu { return [ipv4(source: source, destination: destination, protocolNumber: 17, payload: u, ttl: hopLimit, identification: UInt16(truncatingIfNeeded: identification))] }
            let step = max(8, (mtu - 20) / 8 * 8)
            return stride(from: 0, to: u.count, by: step).map { off in
                let end = min(off + step, u.count)
                return ipv4(source: source, destination: destination, protocolNumber: 17, payload: Array(u[off..<end]), ttl: hopLimit,
                            identification: UInt16(truncatingIfNeeded: identification), fragmentOffset: off, moreFragments: end < u.count)
            }
        default:
            if 40 + u.count <= mtu { return [ipv6(source: source, destination: destination, nextHeader: 17, payload: u, hopLimit: hopLimit)] }
            // RFC 8200 §4.5: fragmentable part in multiples of 8, behind a fragment header.
            let step = max(8, (mtu - 48) / 8 * 8)
            return stride(from: 0, to: u.count, by: step).map { off in
                let end = min(off + step, u.count)
                var fh: [UInt8] = [17, 0]
                put16(&fh, UInt16(off) | (end < u.count ? 1 : 0))
                put32(&fh, identification)
                return ipv6(source: source, destination: destination, nextHeader: 44, payload: fh + Array(u[off..<end]), hopLimit: hopLimit)
            }
        }
    }

    /// A UDP header and payload with the RFC 768 checksum over the pseudo-header (RFC 8200 §8.1 for IPv6).
    public static func udp(source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16, payload: [UInt8]) -> [UInt8] {
        var u: [UInt8] = []
        put16(&u, sourcePort); put16(&u, destinationPort); put16(&u, UInt16(truncatingIfNeeded: 8 + payload.count)); put16(&u, 0)
        u += payload
        var pseudo = source.bytes + destination.bytes
        if source.isIPv6 { put32(&pseudo, UInt32(u.count)); pseudo += [0, 0, 0, 17] }
        else { pseudo += [0, 17]; put16(&pseudo, UInt16(truncatingIfNeeded: u.count)) }
        var c = checksum(pseudo + u)
        if c == 0 { c = 0xFFFF }          // RFC 768: a computed zero is sent as all ones
        u[6] = UInt8(c >> 8); u[7] = UInt8(c & 0xFF)
        return u
    }

    public static func ipv4(source: IPAddress, destination: IPAddress, protocolNumber: UInt8, payload: [UInt8], ttl: UInt8 = defaultHopLimit,
                            identification: UInt16 = 0, fragmentOffset: Int = 0, moreFragments: Bool = false) -> [UInt8] {
        var h: [UInt8] = [0x45, 0]
        put16(&h, UInt16(truncatingIfNeeded: 20 + payload.count))
        put16(&h, identification)
        put16(&h, UInt16(fragmentOffset / 8) | (moreFragments ? 0x2000 : 0))
        h += [ttl, protocolNumber, 0, 0]
        h += source.bytes + destination.bytes
        let c = checksum(h)
        h[10] = UInt8(c >> 8); h[11] = UInt8(c & 0xFF)
        return h + payload
    }

    public static func ipv6(source: IPAddress, destination: IPAddress, nextHeader: UInt8, payload: [UInt8], hopLimit: UInt8 = defaultHopLimit) -> [UInt8] {
        var h: [UInt8] = [0x60, 0, 0, 0]
        put16(&h, UInt16(truncatingIfNeeded: payload.count))
        h += [nextHeader, hopLimit]
        h += source.bytes + destination.bytes
        return h + payload
    }

    /// RFC 1071 Internet checksum.
    public static func checksum(_ b: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i + 1 < b.count { sum &+= UInt32(b[i]) << 8 | UInt32(b[i + 1]); i += 2 }
        if i < b.count { sum &+= UInt32(b[i]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) &+ (sum >> 16) }
        return ~UInt16(sum)
    }

    static func put16(_ a: inout [UInt8], _ v: UInt16) { a.append(UInt8(v >> 8)); a.append(UInt8(v & 0xFF)) }
    static func put32(_ a: inout [UInt8], _ v: UInt32) { put16(&a, UInt16(v >> 16)); put16(&a, UInt16(v & 0xFFFF)) }
}
