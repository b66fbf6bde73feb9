import DNSWire
import MDNSCore

/// BCT thresholds (CONFORMANCE.md part B).
public enum BCT {
    /// PROBING: intervals of at least 95 % of 250 ms.
    public static let minProbeInterval: Duration = .milliseconds(237)
    /// SIMPLE REPLY RESPONSE TIME: ≤ 10 ms passes, > 750 ms fails, between warns.
    public static let uniqueReplyPass = 10.0
    public static let replyFail = 750.0
    /// SHARED REPLY TIMING: 20–125 ms passes; 10–20 or 125–750 warns; < 10 or > 750 fails.
    public static let sharedReplyPass: ClosedRange<Double> = 20...125
    public static let sharedReplyWarnLow = 10.0
    /// UNIFORM RANDOM REPLY TIME DISTRIBUTION: 21 ms bins from 20 ms, each 5–45 % of replies.
    public static let distributionBinWidth = 21.0
    public static let distributionBins = 5
    public static let distributionBinShare: ClosedRange<Double> = 0.05...0.45
}

extension CaseContext {
    public func startSettled() {
        start()
        settle()
    }

    /// Sends `m`, waits up to `timeout` for a target packet matching `match`; returns it and the delay in ms.
    public func ask(_ m: Message, from: SocketAddress? = nil, to d: Destination.Kind = .multicast, link: Int = 0,
                    timeout: Duration = .seconds(1), match: @escaping (ObservedPacket) -> Bool) -> (packet: ObservedPacket, ms: Double)? {
        let t0 = now
        send(m, from: from, to: d, link: link)
        guard let p = waitFor(timeout, match) else { return nil }
        cite(p)
        return (p, ms(t0, p.time))
    }

    /// The TTL the target announced for `name` / `type` (its true TTL), if it did.
    public func announcedTTL(_ name: DNSName, _ type: RRType) -> UInt32? {
        for p in observed where p.isMulticast && CaseContext.isResponse(p) {
            if let r = p.message!.answers.first(where: { $0.name == name && $0.type == type && $0.ttl > 0 }) { return r.ttl }
        }
        return nil
    }

    /// RFC 6762 §8.1 sets no deadline for a responder's first probe after it starts (avahi probes
    /// its services only once its host name is established, 2–3 s in): start-up cases allow this long.
    public static let startupLimit: Duration = .seconds(10)

    /// Waits until each of `names` has a packet matching `seen` (after `t`), or `limit` passes.
    public func waitEach(_ names: [DNSName], after t: Instant, limit: Duration = startupLimit,
                         _ seen: @escaping (ObservedPacket, DNSName) -> Bool) {
        let end = now + limit
        func left() -> [DNSName] { names.filter { n in !observed.contains { $0.time >= t && seen($0, n) } } }
        var open = left()
        while !open.isEmpty, now < end {
            let pending = open
            guard waitFor(end - now, { p in pending.contains { seen(p, $0) } }) != nil else { return }
            open = left()
        }
    }

    /// Waits until each of `names` has been announced (multicast, non-zero TTL) after `t`.
    public func waitAnnounced(_ names: [DNSName], after t: Instant) {
        waitEach(names, after: t) { p, n in p.isMulticast && CaseContext.answers(p, n) }
    }

    /// Probes for `name` sent after `t`.
    public func probes(for name: DNSName, after t: Instant) -> [ObservedPacket] {
        observed.filter { $0.time >= t && CaseContext.isProbe($0, for: name) }
    }

    /// Multicast responses after `t` announcing `name` (of `type`) with a non-zero TTL.
    public func announcements(of name: DNSName, _ type: RRType? = nil, after t: Instant) -> [ObservedPacket] {
        observed.filter { $0.time >= t && $0.isMulticast && CaseContext.answers($0, name, type) }
    }

    /// A record of the host name with other data, as a conflicting host would send it.
    public func conflictingAddress(for name: DNSName? = nil) -> ResourceRecord {
        ResourceRecord(name: name ?? hostName, cacheFlush: true, ttl: 120, rdata: .a(IPv4Address(169, 254, 99, 99)))
    }

    public func conflictingSRV(for name: DNSName? = nil) -> ResourceRecord {
        let other = (try? DNSName.local.prepending("other-host")) ?? .local
        return ResourceRecord(name: name ?? instanceName(), cacheFlush: true, ttl: 120, rdata: .srv(SRV(port: 9999, target: other)))
    }

    /// RFC 6762 §8.1 / BCT PROBING: three probes for `name` after `t0`, ≥ 237 ms apart, the first
    /// within 250 ms of `t0` (when `firstWithin` is given), the announcement ≥ 250 ms after the third.
    public func checkProbeSequence(_ name: DNSName, after t0: Instant, firstWithin: Duration?) -> CaseOutcome {
        let ps = probes(for: name, after: t0)
        guard ps.count >= 3 else {
            let early = announcements(of: name, after: t0).first
            if let e = early { cite(e, "announced without three probes") }
            return .fail("\(ps.count) probe(s) for \(name), expected 3")
        }
        var outcomes: [CaseOutcome] = []
        for p in ps.prefix(3) { cite(p, "probe") }
        if let limit = firstWithin {
            let d = ps[0].time - t0
            outcomes.append(d <= limit + .milliseconds(5) ? .pass("first probe after \(fmt(d.milliseconds)) ms")
                            : .warn("first probe \(fmt(d.milliseconds)) ms after start (0–250 ms expected)"))
        }
        for i in 1..<3 {
            let gap = ps[i].time - ps[i - 1].time
            outcomes.append(gap >= BCT.minProbeInterval ? .pass("probe interval \(fmt(gap.milliseconds)) ms")
                            : .fail("probe interval \(fmt(gap.milliseconds)) ms < 237 ms"))
        }
        let before = announcements(of: name, after: t0).filter { $0.time < ps[2].time }
        if let b = before.first { cite(b, "announced before third probe"); outcomes.append(.fail("announced before the third probe")) }
        if let a = announcements(of: name, after: ps[2].time).first {
            cite(a, "first announcement")
            let gap = a.time - ps[2].time
            if gap >= .milliseconds(250) { outcomes.append(.pass("announced \(fmt(gap.milliseconds)) ms after the third probe")) }
            else if gap >= BCT.minProbeInterval { outcomes.append(.warn("announced \(fmt(gap.milliseconds)) ms after the third probe")) }
            else { outcomes.append(.fail("announced \(fmt(gap.milliseconds)) ms after the third probe (< 250 ms)")) }
        } else {
            outcomes.append(.fail("no announcement after probing"))
        }
        return .worst(outcomes)
    }

    /// RFC 6762 §8.3: at least two announcements, one second apart, then doubling (the cache-flush bit is
    /// `bct-cache-flush-unique`'s).
    public func checkAnnouncements(_ name: DNSName, _ type: RRType, after t0: Instant) -> CaseOutcome {
        let ann = announcements(of: name, type, after: t0)
        guard ann.count >= 2 else { return .fail("\(ann.count) announcement(s) of \(name) \(type), expected ≥ 2") }
        // The series: each announcement at least a second after the one before. Further copies in
        // between (a service's announcement repeating its host's address) are §6's rate limit, judged there.
        var series = [ann[0]]
        for p in ann.dropFirst() where p.time - series.last!.time >= .milliseconds(950) { series.append(p) }
        for p in series.prefix(4) { cite(p, "announcement") }
        guard series.count >= 2 else {
            let gap = ann[1].time - ann[0].time
            return .fail("announcements \(fmt(gap.milliseconds)) ms apart, none ≥ 1 s after the first (≥ 1 s expected)")
        }
        var outcomes: [CaseOutcome] = [.pass("\(series.count) announcements, first interval \(fmt((series[1].time - series[0].time).milliseconds)) ms")]
        if ann.count > series.count { note("\(ann.count - series.count) more copies of \(name) \(type) less than 1 s after an announcement") }
        var previous: Duration? = nil
        for i in 1..<min(series.count, 4) {
            let gap = series[i].time - series[i - 1].time
            if let prev = previous, gap.nanoseconds < prev.nanoseconds * 19 / 10 {
                outcomes.append(.warn("interval \(fmt(gap.milliseconds)) ms did not double"))
            }
            previous = gap
        }
        return .worst(outcomes)
    }

    /// RFC 6762 §8.1 (MUST): `name` was probed after `t0`, and announced only after its first probe.
    /// The count and spacing of probes are `checkProbeSequence`'s (a lowercase "should").
    public func checkProbedBeforeAnnounced(_ name: DNSName, after t0: Instant) -> CaseOutcome {
        let ann = announcements(of: name, after: t0)
        guard let first = probes(for: name, after: t0).first else {
            if let a = ann.first { cite(a, "announced without a probe") }
            return .fail("\(name) announced or used without a probe")
        }
        cite(first, "first probe")
        guard let a = ann.first else { return .fail("\(name) probed but never announced") }
        if a.time < first.time { cite(a, "announced before probing"); return .fail("\(name) announced before its first probe") }
        return .pass("\(name) probed, then announced \(fmt(ms(first.time, a.time))) ms later")
    }

    /// At least one announcement of `name` after `t0` (the startup steps ran to their end).
    public func checkAnnounced(_ name: DNSName, after t0: Instant) -> CaseOutcome {
        guard let a = announcements(of: name, after: t0).first else { return .fail("\(name) never announced") }
        cite(a, "announcement")
        return .pass("\(name) announced")
    }

    /// Reply delay against BCT's shared thresholds.
    public func judgeShared(_ ms: Double?) -> CaseOutcome {
        guard let ms else { return .fail("no reply") }
        if BCT.sharedReplyPass.contains(ms) { return .pass("reply after \(fmt(ms)) ms") }
        if ms >= BCT.sharedReplyWarnLow && ms <= BCT.replyFail { return .warn("reply after \(fmt(ms)) ms (20–125 ms expected)") }
        return .fail("reply after \(fmt(ms)) ms")
    }

    public func judgeUnique(_ ms: Double?) -> CaseOutcome {
        guard let ms else { return .fail("no reply") }
        if ms <= BCT.uniqueReplyPass { return .pass("reply after \(fmt(ms)) ms") }
        if ms <= BCT.replyFail { return .warn("reply after \(fmt(ms)) ms (≤ 10 ms expected)") }
        return .fail("reply after \(fmt(ms)) ms")
    }

    /// BCT UNIFORM RANDOM REPLY TIME DISTRIBUTION over reply delays.
    public func judgeDistribution(_ delays: [Double]) -> CaseOutcome {
        guard delays.count >= 20 else { return .fail("only \(delays.count) replies") }
        var bins = [Int](repeating: 0, count: BCT.distributionBins)
        for d in delays {
            let i = Int((d - BCT.sharedReplyPass.lowerBound) / BCT.distributionBinWidth)
            bins[max(0, min(BCT.distributionBins - 1, i))] += 1
        }
        let shares = bins.map { Double($0) / Double(delays.count) }
        let text = shares.map { fmt($0 * 100) + "%" }.joined(separator: " ")
        note("reply-time bins of 21 ms from 20 ms: \(text)")
        if shares.allSatisfy(BCT.distributionBinShare.contains) { return .pass("\(delays.count) replies, bins \(text)") }
        return .warn("\(delays.count) replies, bins \(text) (each 5–45 % expected)")
    }

    public func fmt(_ v: Double) -> String {
        let x = Int(v * 10 + (v >= 0 ? 0.5 : -0.5))
        return "\(x / 10).\(abs(x % 10))"
    }

    /// Sends `count` queries built by `make`, `spacing` apart; returns each reply delay (nil: none).
    public func replyDelays(count: Int, spacing: Duration, make: () -> Message,
                            match: @escaping (ObservedPacket) -> Bool) -> [Double?] {
        var out: [Double?] = []
        for _ in 0..<count {
            let t0 = now
            target.deliver(make().encoded(), from: tester, to: .multicast, link: 0)
            let p = waitFor(spacing, match)
            out.append(p.map { ms(t0, $0.time) })
            wait(until: t0 + spacing)
        }
        note("sent \(count) queries \(fmt(spacing.milliseconds)) ms apart")
        return out
    }

    /// The names the target has probed since `t`, in order of first probe.
    /// Names probed after `t` that rename the host or an instance: a new first label under the same
    /// parent. Other names a device probes (its reverse-mapping PTR names, a service type) are no rename.
    public func renamedNames(after t: Instant) -> [DNSName] {
        let own = [hostName] + publication.services.indices.map { instanceName($0) }
        return probedNames(after: t).filter { n in !own.contains(n) && own.contains { $0.parent == n.parent } }
    }

    /// The first probe after `t` for a name the target had already announced after `t`: probing again.
    public func reprobe(after t: Instant) -> ObservedPacket? {
        observed.first { p in
            p.time >= t && CaseContext.isProbe(p) && p.message!.questions.contains { q in
                observed.contains { $0.time >= t && $0.time < p.time && $0.isMulticast && CaseContext.answers($0, q.name) }
            }
        }
    }

    public func probedNames(after t: Instant) -> [DNSName] {
        var out: [DNSName] = []
        for p in observed where p.time >= t && CaseContext.isProbe(p) {
            for q in p.message!.questions where !out.contains(q.name) { out.append(q.name) }
        }
        return out
    }
}
