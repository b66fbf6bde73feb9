/// One captured frame as read from a file or a live interface. `bytes` is valid only until the
/// next frame is read.
public struct RawFrame {
    /// 1-based frame number.
    public var number: Int
    public var timestamp: Timestamp
    /// Bytes on the wire; more than `bytes.count` when the snap length cut the frame.
    public var originalLength: Int
    public var linkType: LinkType
    /// pcapng interface id (0 for pcap).
    public var interface: Int
    public var bytes: UnsafeRawBufferPointer

    public init(number: Int, timestamp: Timestamp, originalLength: Int, linkType: LinkType, interface: Int = 0,
                bytes: UnsafeRawBufferPointer) {
        self.number = number; self.timestamp = timestamp; self.originalLength = originalLength
        self.linkType = linkType; self.interface = interface; self.bytes = bytes
    }

    public var isCut: Bool { bytes.count < originalLength }
}

/// What one frame turned into.
public enum FrameOutcome: Sendable {
    /// A whole UDP datagram (possibly completed by this frame's fragment).
    case datagram(UDPDatagram)
    /// A fragment kept until the rest arrives.
    case fragmentHeld
    /// Not IP, not UDP, or a UDP datagram the port filter rejected: nothing to report.
    case ignored
    /// A frame that could not be decoded; reading goes on.
    case skipped(PCAPError)
}

/// Decodes link, IP and UDP headers down to UDP datagrams. Lengths come from the IP and UDP
/// headers, never from the frame length, so Ethernet trailers and padding are ignored.
public struct PacketDecoder: Sendable {
    /// VLAN tags (802.1Q, 802.1ad QinQ) stepped over in one frame.
    public static let maxVLANTags = 8
    /// IPv6 extension headers followed in one packet (RFC 8200 §4.1 leaves the count open).
    public static let maxExtensionHeaders = 16

    public var reassembler = Reassembler()
    /// Called with (source port, destination port) before the payload is copied; false drops the datagram.
    public var portFilter: (@Sendable (UInt16, UInt16) -> Bool)?

    public init(portFilter: (@Sendable (UInt16, UInt16) -> Bool)? = nil) { self.portFilter = portFilter }

    /// mDNS (RFC 6762): UDP to or from port 5353; replies from 5353 to other ports are legacy unicast (§6.7).
    public static let mdnsPort: UInt16 = 5353
    public static let mdnsFilter: @Sendable (UInt16, UInt16) -> Bool = { $0 == mdnsPort || $1 == mdnsPort }

    struct Ctx {
        var frame: Int
        var time: Timestamp
        var interface: Int
        var ifIndex: UInt32?
        var cut: Bool
        var linkSource: LinkAddress? = nil
    }

    enum Step: Error { case skip(PCAPError), ignore }

    public mutating func decode(_ f: RawFrame) -> FrameOutcome {
        var ctx = Ctx(frame: f.number, time: f.timestamp, interface: f.interface, ifIndex: nil, cut: f.isCut)
        do {
            return try decodeLink(f.bytes, f.linkType, &ctx)
        } catch {
            switch error {
            case .skip(let e): return .skipped(e)
            case .ignore: return .ignored
            }
        }
    }

    /// Reports every incomplete fragmented datagram (call at the end of a capture), into `reassembler.reports`.
    public mutating func finish() { reassembler.finish() }

    // MARK: link layer

    func fail(_ code: PCAPError.Code, _ ctx: Ctx, _ at: Int, _ reason: String) -> Step {
        .skip(PCAPError(ctx.cut ? .snapLengthCut : code, frame: ctx.frame, offset: at,
                        ctx.cut ? "frame cut by the snap length: " + reason : reason))
    }

    @inline(__always) func be16(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt16 { UInt16(b[i]) << 8 | UInt16(b[i + 1]) }
    @inline(__always) func be32(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    mutating func decodeLink(_ b: UnsafeRawBufferPointer, _ link: LinkType, _ ctx: inout Ctx) throws(Step) -> FrameOutcome {
        let n = b.count
        switch link {
        case .ethernet:
            guard n >= 14 else { throw fail(.badLinkHeader, ctx, 0, "Ethernet header needs 14 bytes, frame has \(n)") }
            ctx.linkSource = linkAddress(b, 6, 6)
            return try etherType(b, be16(b, 12), 14, &ctx)
        case .linuxSLL:
            // pkttype(2) ARPHRD(2) addrlen(2) addr(8) protocol(2)
            guard n >= 16 else { throw fail(.badLinkHeader, ctx, 0, "LINUX_SLL header needs 16 bytes, frame has \(n)") }
            ctx.linkSource = linkAddress(b, 6, Int(be16(b, 4)))
            return try etherType(b, be16(b, 14), 16, &ctx)
        case .linuxSLL2:
            // protocol(2) reserved(2) ifindex(4) ARPHRD(2) pkttype(1) addrlen(1) addr(8)
            guard n >= 20 else { throw fail(.badLinkHeader, ctx, 0, "LINUX_SLL2 header needs 20 bytes, frame has \(n)") }
            ctx.ifIndex = be32(b, 4)
            ctx.linkSource = linkAddress(b, 12, Int(b[11]))
            return try etherType(b, be16(b, 0), 20, &ctx)
        case .raw, .rawDLT12, .rawDLT14:
            guard n >= 1 else { throw fail(.badIPHeader, ctx, 0, "empty raw IP frame") }
            switch b[0] >> 4 {
            case 4: return try ipv4(b, 0, &ctx)
            case 6: return try ipv6(b, 0, &ctx)
            default: throw fail(.badIPHeader, ctx, 0, "raw IP frame with IP version \(b[0] >> 4)")
            }
        case .ipv4: return try ipv4(b, 0, &ctx)
        case .ipv6: return try ipv6(b, 0, &ctx)
        case .null, .loop:
            guard n >= 4 else { throw fail(.badLinkHeader, ctx, 0, "loopback header needs 4 bytes, frame has \(n)") }
            // NULL: the capturing host's byte order, either one; LOOP: network order.
            let big = be32(b, 0)
            let family = link == .loop ? big : (big > 0xFFFF ? big.byteSwapped : big)
            switch family {
            case 2: return try ipv4(b, 4, &ctx)                       // AF_INET everywhere
            case 10, 24, 28, 30: return try ipv6(b, 4, &ctx)          // AF_INET6: Linux, NetBSD/OpenBSD, FreeBSD, Darwin
            default: throw Step.ignore
            }
        case .ieee80211:
            return try ieee80211(b, 0, &ctx)
        case .radiotap:
            // it_version(1) it_pad(1) it_len(2, little-endian)
            guard n >= 4 else { throw fail(.badLinkHeader, ctx, 0, "radiotap header needs 4 bytes, frame has \(n)") }
            guard b[0] == 0 else { throw fail(.badLinkHeader, ctx, 0, "radiotap version \(b[0])") }
            let len = Int(b[2]) | Int(b[3]) << 8
            guard len >= 8, len <= n else { throw fail(.badLinkHeader, ctx, 2, "radiotap length \(len) with \(n) bytes captured") }
            return try ieee80211(b, len, &ctx)
        default:
            throw Step.skip(PCAPError(.unknownLinkType, frame: ctx.frame, offset: 0, "link type \(link.rawValue) (\(link)) is not decoded"))
        }
    }

    mutating func etherType(_ b: UnsafeRawBufferPointer, _ type0: UInt16, _ off0: Int, _ ctx: inout Ctx) throws(Step) -> FrameOutcome {
        var type = type0, off = off0, tags = 0
        while type == 0x8100 || type == 0x88A8 || type == 0x9100 {
            tags += 1
            guard tags <= Self.maxVLANTags else {
                throw fail(.badLinkHeader, ctx, off - 2, "more than \(Self.maxVLANTags) VLAN tags")
            }
            guard off + 4 <= b.count else { throw fail(.badLinkHeader, ctx, off, "VLAN tag cut short") }
            type = be16(b, off + 2)
            off += 4
        }
        if type <= 1500 {
            // IEEE 802.3 length field: LLC, and SNAP for IP.
            return try llcSNAP(b, off, &ctx)
        }
        switch type {
        case 0x0800: return try ipv4(b, off, &ctx)
        case 0x86DD: return try ipv6(b, off, &ctx)
        default: throw Step.ignore
        }
    }

    mutating func llcSNAP(_ b: UnsafeRawBufferPointer, _ off: Int, _ ctx: inout Ctx) throws(Step) -> FrameOutcome {
        guard off + 3 <= b.count else { throw Step.ignore }
        guard b[off] == 0xAA, b[off + 1] == 0xAA, b[off + 2] == 0x03 else { throw Step.ignore }
        guard off + 8 <= b.count else { throw fail(.badLinkHeader, ctx, off, "SNAP header cut short") }
        switch be16(b, off + 6) {
        case 0x0800: return try ipv4(b, off + 8, &ctx)
        case 0x86DD: return try ipv6(b, off + 8, &ctx)
        default: throw Step.ignore
        }
    }

    /// IEEE 802.11 data frames: header, optional QoS/HT control, then LLC/SNAP.
    mutating func ieee80211(_ b: UnsafeRawBufferPointer, _ off: Int, _ ctx: inout Ctx) throws(Step) -> FrameOutcome {
        guard off + 24 <= b.count else { throw fail(.badLinkHeader, ctx, off, "802.11 header cut short") }
        let fc0 = b[off], fc1 = b[off + 1]
        guard (fc0 >> 2) & 3 == 2 else { throw Step.ignore }          // not a data frame
        let subtype = fc0 >> 4
        guard subtype & 4 == 0 else { throw Step.ignore }            // null data: no body
        guard fc1 & 0x40 == 0 else { throw Step.ignore }             // protected: encrypted body
        var h = 24
        if fc1 & 3 == 3 { h += 6 }                                    // To DS and From DS: address 4
        if subtype & 8 != 0 {
            h += 2                                                    // QoS control
            if fc1 & 0x80 != 0 { h += 4 }                             // +HTC
        }
        guard off + h <= b.count else { throw fail(.badLinkHeader, ctx, off, "802.11 header cut short") }
        // IEEE 802.11 §9.3.2.1: the source address is address 2, 3 (From DS) or 4 (both DS bits).
        ctx.linkSource = linkAddress(b, off + [10, 10, 16, 24][Int(fc1 & 3)], 6)
        return try llcSNAP(b, off + h, &ctx)
    }

    /// The sender's address from a link header; nil when the header gives none (length 0).
    func linkAddress(_ b: UnsafeRawBufferPointer, _ at: Int, _ length: Int) -> LinkAddress? {
        let len = min(length, LinkAddress.maxLength)
        guard len > 0, at + len <= b.count else { return nil }
        return LinkAddress(Array(UnsafeRawBufferPointer(rebasing: b[at..<(at + len)])))
    }

    // MARK: IP

    mutating func ipv4(_ b: UnsafeRawBufferPointer, _ off: Int, _ ctx: inout Ctx) throws(Step) -> FrameOutcome {
        let avail = b.count - off
        guard avail >= 20 else { throw fail(.badIPHeader, ctx, off, "IPv4 header needs 20 bytes, \(max(avail, 0)) left") }
        guard b[off] >> 4 == 4 else { throw fail(.badIPHeader, ctx, off, "IP version \(b[off] >> 4) in an IPv4 frame") }
        let ihl = Int(b[off] & 0xF) * 4
        guard ihl >= 20 else { throw Step.skip(PCAPError(.badIPHeader, frame: ctx.frame, offset: off, "IPv4 header length \(ihl) below 20")) }
        guard avail >= ihl else { throw fail(.badIPHeader, ctx, off, "IPv4 header of \(ihl) bytes, \(avail) left") }
        let total = Int(be16(b, off + 2))
        guard total >= ihl else {
            throw Step.skip(PCAPError(.badIPLength, frame: ctx.frame, offset: off + 2, "IPv4 total length \(total) below the header length \(ihl)"))
        }
        guard total <= avail else {
            throw fail(.badIPLength, ctx, off + 2, "IPv4 total length \(total) exceeds the \(avail) bytes captured")
        }
        guard b[off + 9] == 17 else { throw Step.ignore }
        let src = IPAddress(v4: b, at: off + 12), dst = IPAddress(v4: b, at: off + 16)
        let ttl = b[off + 8]
        let ff = be16(b, off + 6)
        let more = ff & 0x2000 != 0, fragOffset = Int(ff & 0x1FFF) * 8
        let payload = UnsafeRawBufferPointer(rebasing: b[(off + ihl)..<(off + total)])
        if more || fragOffset != 0 {
            let key = Reassembler.Key(source: src, destination: dst, identification: UInt32(be16(b, off + 4)), protocolNumber: 17)
            switch reassembler.add(key, frame: ctx.frame, time: ctx.time.totalNanoseconds, offset: fragOffset, more: more, data: payload) {
            case .held: return .fragmentHeld
            case .dropped(let e): return .skipped(e)
            case .complete(let whole, let count, _):
                var c = ctx
                let r = whole.withUnsafeBytes { w -> Result<FrameOutcome, Step> in
                    do throws(Step) { return .success(try udp(w, 0, src, dst, ttl, count, &c, base: -1)) } catch { return .failure(error) }
                }
                return try r.get()
            }
        }
        return try udp(payload, 0, src, dst, ttl, 1, &ctx, base: off + ihl)
    }

    mutating func ipv6(_ b: UnsafeRawBufferPointer, _ off: Int, _ ctx: inout Ctx) throws(Step) -> FrameOutcome {
        let avail = b.count - off
        guard avail >= 40 else { throw fail(.badIPHeader, ctx, off, "IPv6 header needs 40 bytes, \(max(avail, 0)) left") }
        guard b[off] >> 4 == 6 else { throw fail(.badIPHeader, ctx, off, "IP version \(b[off] >> 4) in an IPv6 frame") }
        let plen = Int(be16(b, off + 4))
        let next = b[off + 6], hop = b[off + 7]
        if plen == 0 && next != 59 {
            throw Step.skip(PCAPError(.badIPLength, frame: ctx.frame, offset: off + 4, "IPv6 payload length 0 (jumbograms are not decoded)"))
        }
        guard 40 + plen <= avail else {
            throw fail(.badIPLength, ctx, off + 4, "IPv6 payload length \(plen) exceeds the \(avail - 40) bytes captured")
        }
        let src = IPAddress(v6: b, at: off + 8), dst = IPAddress(v6: b, at: off + 24)
        let payload = UnsafeRawBufferPointer(rebasing: b[(off + 40)..<(off + 40 + plen)])
        return try ipv6Chain(payload, next, src, dst, hop, fragmented: false, &ctx, base: off + 40)
    }

    /// Walks the RFC 8200 §4 extension header chain to UDP.
    mutating func ipv6Chain(_ b: UnsafeRawBufferPointer, _ first: UInt8, _ src: IPAddress, _ dst: IPAddress, _ hop: UInt8,
                            fragmented: Bool, _ ctx: inout Ctx, base: Int, fragments: Int = 1) throws(Step) -> FrameOutcome {
        var next = first, p = 0, count = 0
        let at = { (i: Int) in base >= 0 ? base + i : i }
        while true {
            switch next {
            case 17:
                return try udp(UnsafeRawBufferPointer(rebasing: b[p...]), 0, src, dst, hop, fragments, &ctx, base: base >= 0 ? base + p : -1)
            case 0, 43, 60, 135, 139, 140, 51:
                guard p + 8 <= b.count else {
                    throw Step.skip(PCAPError(.badIPHeader, frame: ctx.frame, offset: at(p), "IPv6 extension header \(next) cut short"))
                }
                let len = next == 51 ? (Int(b[p + 1]) + 2) * 4 : (Int(b[p + 1]) + 1) * 8
                guard p + len <= b.count else {
                    throw Step.skip(PCAPError(.badIPHeader, frame: ctx.frame, offset: at(p), "IPv6 extension header \(next) of \(len) bytes runs past the payload"))
                }
                next = b[p]
                p += len
            case 44:
                guard !fragmented else {
                    throw Step.skip(PCAPError(.badFragment, frame: ctx.frame, offset: at(p), "fragment header inside a reassembled IPv6 packet"))
                }
                guard p + 8 <= b.count else {
                    throw Step.skip(PCAPError(.badIPHeader, frame: ctx.frame, offset: at(p), "IPv6 fragment header cut short"))
                }
                let fnext = b[p], field = be16(b, p + 2)
                let offset = Int(field & 0xFFF8), more = field & 1 != 0
                if offset == 0 && !more {
                    // RFC 6946: an atomic fragment is processed as a whole packet.
                    next = fnext; p += 8
                    break
                }
                let key = Reassembler.Key(source: src, destination: dst, identification: be32(b, p + 4), protocolNumber: 44)
                let data = UnsafeRawBufferPointer(rebasing: b[(p + 8)...])
                switch reassembler.add(key, frame: ctx.frame, time: ctx.time.totalNanoseconds, offset: offset, more: more,
                                       nextHeader: fnext, data: data) {
                case .held: return .fragmentHeld
                case .dropped(let e): return .skipped(e)
                case .complete(let whole, let n, let nh):
                    var c = ctx
                    let r = whole.withUnsafeBytes { w -> Result<FrameOutcome, Step> in
                        do throws(Step) { return .success(try self.ipv6Chain(w, nh ?? 59, src, dst, hop, fragmented: true, &c, base: -1, fragments: n)) }
                        catch { return .failure(error) }
                    }
                    return try r.get()
                }
            default:
                throw Step.ignore   // 59 no next header, TCP, ICMPv6, ESP, ...
            }
            count += 1
            guard count <= Self.maxExtensionHeaders else {
                throw Step.skip(PCAPError(.badIPHeader, frame: ctx.frame, offset: at(p), "more than \(Self.maxExtensionHeaders) IPv6 extension headers"))
            }
        }
    }

    /// RFC 768: the UDP length covers header and data; the datagram ends there, whatever follows.
    func udp(_ b: UnsafeRawBufferPointer, _ off: Int, _ src: IPAddress, _ dst: IPAddress, _ hop: UInt8, _ fragments: Int,
             _ ctx: inout Ctx, base: Int) throws(Step) -> FrameOutcome {
        let at = { (i: Int) -> Int? in base >= 0 ? base + i : nil }
        let avail = b.count - off
        guard avail >= 8 else {
            throw Step.skip(PCAPError(.badUDPLength, frame: ctx.frame, offset: at(off), "UDP header needs 8 bytes, IP payload has \(avail)"))
        }
        let sport = be16(b, off), dport = be16(b, off + 2), ulen = Int(be16(b, off + 4))
        guard ulen >= 8 else {
            throw Step.skip(PCAPError(.badUDPLength, frame: ctx.frame, offset: at(off + 4), "UDP length \(ulen) below 8"))
        }
        guard ulen <= avail else {
            throw Step.skip(PCAPError(.badUDPLength, frame: ctx.frame, offset: at(off + 4), "UDP length \(ulen) exceeds the IP payload of \(avail) bytes"))
        }
        if let f = portFilter, !f(sport, dport) { throw Step.ignore }
        return .datagram(UDPDatagram(frame: ctx.frame, timestamp: ctx.time, interface: ctx.interface, interfaceIndex: ctx.ifIndex,
                                     source: src, destination: dst, sourcePort: sport, destinationPort: dport,
                                     hopLimit: hop, fragments: fragments,
                                     payload: Array(UnsafeRawBufferPointer(rebasing: b[(off + 8)..<(off + ulen)])),
                                     linkSource: ctx.linkSource))
    }
}
