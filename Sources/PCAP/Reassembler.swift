/// IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5) fragment reassembly with bounded state.
///
/// Overlapping fragments drop the whole datagram, and later fragments of it too (RFC 5722 §4;
/// done for IPv4 as well, as current stacks do). Exact duplicates are ignored (RFC 5722 erratum 3089),
/// since captures often hold the same frame twice.
public struct Reassembler: Sendable {
    /// Datagrams being reassembled at once; a new one past this evicts the oldest.
    public static let maxPendingDatagrams = 64
    /// Fragments kept for one datagram; one more drops the datagram.
    public static let maxFragmentsPerDatagram = 64
    /// Largest reassembled payload: the 16-bit IP length limit.
    public static let maxDatagramLength = 65535
    /// Fragment bytes held across all pending datagrams; past this the oldest are evicted.
    public static let maxPendingBytes = 1 << 20
    /// RFC 8200 §4.5: abandon reassembly 60 seconds after the first fragment arrived.
    public static let timeoutNanoseconds: Int64 = 60_000_000_000

    public struct Key: Hashable, Sendable {
        public var source: IPAddress
        public var destination: IPAddress
        public var identification: UInt32
        /// 17 for IPv4 UDP; 44 for IPv6 (the upper protocol is known only from the first fragment).
        public var protocolNumber: UInt8
    }

    struct Piece { var start: Int; var end: Int; var data: [UInt8] }

    struct Pending {
        var firstFrame: Int
        var firstTime: Int64
        var pieces: [Piece] = []
        var totalLength: Int? = nil
        /// IPv6: the next header of the offset-0 fragment.
        var nextHeader: UInt8? = nil
        var bytes = 0
        /// Dropped (overlap or limit): later fragments are dropped too, until the timeout.
        var discarded = false
    }

    public enum Result: Sendable {
        case held
        case complete(payload: [UInt8], fragments: Int, nextHeader: UInt8?)
        case dropped(PCAPError)
    }

    var pending: [Key: Pending] = [:]
    var order: [Key] = []
    var heldBytes = 0
    /// Problems found outside the fragment being added (evictions, timeouts); the caller drains them.
    public var reports: [PCAPError] = []

    public init() {}

    public var pendingCount: Int { pending.count }
    public var pendingBytes: Int { heldBytes }

    /// Adds one fragment: `offset` in bytes, `more` the MF/M flag, `data` the fragment's bytes.
    public mutating func add(_ key: Key, frame: Int, time: Int64, offset: Int, more: Bool,
                             nextHeader: UInt8? = nil, data: UnsafeRawBufferPointer) -> Result {
        expire(before: time)
        let end = offset + data.count
        guard end <= Self.maxDatagramLength else {
            drop(key)
            return .dropped(PCAPError(.badFragment, frame: frame, "fragment ends at byte \(end), past \(Self.maxDatagramLength)"))
        }
        // RFC 8200 §4.5: a fragment other than the last must be a multiple of 8 bytes long.
        if more && data.count % 8 != 0 {
            return .dropped(PCAPError(.badFragment, frame: frame, "non-final fragment of \(data.count) bytes is not a multiple of 8"))
        }
        if pending[key] == nil {
            if pending.count >= Self.maxPendingDatagrams, let oldest = order.first {
                reports.append(PCAPError(.reassemblyLimit, frame: pending[oldest]?.firstFrame,
                                         "\(Self.maxPendingDatagrams) datagrams pending: dropped the oldest"))
                remove(oldest)
            }
            pending[key] = Pending(firstFrame: frame, firstTime: time)
            order.append(key)
        }
        var p = pending[key]!
        if p.discarded {
            return .dropped(PCAPError(.overlappingFragments, frame: frame,
                                      "fragment of a datagram already dropped (first fragment in frame \(p.firstFrame))"))
        }
        for q in p.pieces where q.start < end && offset < q.end {
            if q.start == offset && q.end == end { return .held }   // exact duplicate
            discard(key)
            // RFC 5722 §4: overlapping fragments: the entire datagram MUST be silently discarded.
            return .dropped(PCAPError(.overlappingFragments, frame: frame,
                                      "bytes \(offset)..<\(end) overlap \(q.start)..<\(q.end); datagram dropped"))
        }
        if !more {
            if let t = p.totalLength, t != end {
                discard(key)
                return .dropped(PCAPError(.badFragment, frame: frame, "two last fragments (lengths \(t) and \(end))"))
            }
            p.totalLength = end
        }
        if let t = p.totalLength, p.pieces.contains(where: { $0.end > t }) || end > t {
            discard(key)
            return .dropped(PCAPError(.badFragment, frame: frame, "fragment past the last fragment's end \(t)"))
        }
        guard p.pieces.count < Self.maxFragmentsPerDatagram else {
            discard(key)
            return .dropped(PCAPError(.reassemblyLimit, frame: frame, "more than \(Self.maxFragmentsPerDatagram) fragments; datagram dropped"))
        }
        if offset == 0 { p.nextHeader = nextHeader }
        p.pieces.append(Piece(start: offset, end: end, data: Array(data)))
        p.bytes += data.count
        heldBytes += data.count
        pending[key] = p
        if let t = p.totalLength, p.bytes == t {
            // No overlaps and total size equal: the pieces tile 0..<t exactly.
            var out = [UInt8](repeating: 0, count: t)
            for q in p.pieces { out.replaceSubrange(q.start..<q.end, with: q.data) }
            let n = p.pieces.count, nh = p.nextHeader
            remove(key)
            return .complete(payload: out, fragments: n, nextHeader: nh)
        }
        while heldBytes > Self.maxPendingBytes, let oldest = order.first {
            reports.append(PCAPError(.reassemblyLimit, frame: pending[oldest]?.firstFrame,
                                     "more than \(Self.maxPendingBytes) bytes of fragments pending: dropped the oldest datagram"))
            remove(oldest)
            if oldest == key { return .held }
        }
        return .held
    }

    /// Reports every incomplete datagram and forgets them (end of capture).
    public mutating func finish() {
        for k in order {
            if let p = pending[k], !p.discarded {
                reports.append(PCAPError(.incompleteFragments, frame: p.firstFrame,
                                         "fragmented datagram incomplete at the end of the capture (\(p.pieces.count) fragments held)"))
            }
        }
        pending = [:]; order = []; heldBytes = 0
    }

    mutating func expire(before now: Int64) {
        while let k = order.first, let p = pending[k], now - p.firstTime > Self.timeoutNanoseconds {
            if !p.discarded {
                reports.append(PCAPError(.incompleteFragments, frame: p.firstFrame,
                                         "fragmented datagram incomplete after \(Self.timeoutNanoseconds / 1_000_000_000) s"))
            }
            remove(k)
        }
    }

    mutating func discard(_ key: Key) {
        guard var p = pending[key] else { return }
        heldBytes -= p.bytes
        p.pieces = []; p.bytes = 0; p.discarded = true
        pending[key] = p
    }

    mutating func drop(_ key: Key) { if pending[key] != nil { discard(key) } }

    mutating func remove(_ key: Key) {
        if let p = pending.removeValue(forKey: key) { heldBytes -= p.bytes }
        if let i = order.firstIndex(of: key) { order.remove(at: i) }
    }
}
