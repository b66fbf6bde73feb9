import DNSWire
import MDNSCore

/// RFC 6762 §8 and §9 on a recording: probing, tiebreaks, announcing, conflicts and defences.
extension CaptureConformance {
    static let probingRules: [Rule] = [probeBeforeAnnounce, probeTiming, probeConflictDefers, tiebreakLoserDefers,
                                       announceCount, conflictReprobe, defendProbedName]

    /// Whether the recording shows the device starting (a probe, or an unsolicited response first).
    static func startSeen(_ t: Timeline) -> Bool {
        guard t.series.isEmpty else { return true }
        guard let first = t.events.first(where: { $0.kind != .query && $0.kind != .legacyQuery }) else { return false }
        // A responder that answers other hosts but never probes nor announces anything (RFC 6762 §8).
        if !t.events.contains(where: { $0.kind == .announcement }) && t.events.contains(where: { [.answer, .unicastReply, .legacyReply].contains($0.kind) }) {
            return true
        }
        guard t.packet(first).time >= startMargin else { return false }
        // Heard first answering another host, well into a recording: it joined the link then.
        if first.kind == .answer || first.kind == .unicastReply || first.kind == .legacyReply { return true }
        guard first.kind == .announcement else { return false }
        // A start repeats its announcement (RFC 6762 §8.3); one response late in a recording may be anything.
        let p = t.packet(first)
        return t.events.contains { e in
            e.kind == .announcement && e.packet != first.packet && t.packet(e).time - p.time <= Window.announcing
                && t.packet(e).message!.answers.contains { r in p.message!.answers.contains { $0.isSameRecord(as: r) } }
        }
    }

    /// A device first heard this long into the recording started during it.
    public static let startMargin: Int64 = 100_000_000

    static func isReverseMapping(_ n: DNSName) -> Bool {
        n.labels.last.map { String(decoding: $0, as: UTF8.self).lowercased() == "arpa" } ?? false
    }

    static let probeBeforeAnnounce = Rule("probe-before-announce", "RFC 6762 §8.1", .must,
        "The first startup step is that, for all those resource records that a Multicast DNS responder desires to be unique on the local link, it MUST send a Multicast DNS query asking for those resource records, to see if any of them are already in use.") { t in
        var j = Judgement(note: "every unique record sent was probed first")
        guard startSeen(t) else { j.note = "the recording does not show the device starting"; return j }
        var judged: Set<DNSName> = []
        for e in t.events where [.announcement, .answer, .defence, .unicastReply].contains(e.kind) {
            let p = t.packet(e)
            for r in p.message!.answers where isUnique(r) && r.ttl > 0 && !isReverseMapping(r.name) && !judged.contains(r.name) {
                judged.insert(r.name)
                j.checked += 1
                let before = t.series.filter { $0.name == r.name && t.all[$0.probes[0]].time < p.time }
                if before.isEmpty {
                    j.violate("\(r.name) \(r.type) sent at +\(Instant.format(p.time)) without a probe for it", t.frames(e.packet))
                } else if let s = before.last, s.probes.count >= 3 || s.end == .short, t.all[s.probes.last!].time > p.time,
                          !before.contains(where: { $0.end == .completed && t.all[$0.probes.last!].time < p.time }) {
                    j.violate("\(r.name) \(r.type) sent at +\(Instant.format(p.time)) while still probing it", t.frames(e.packet, s.probes.last!))
                }
            }
        }
        return j
    }

    static let probeTiming = Rule("probe-timing", "RFC 6762 §8.1", .info,
        "250 ms after the first query, the host should send a second; then, 250 ms after that, a third. If, by the time 250 ms after the third probe has elapsed, no conflicting Multicast DNS responses have been received, the host may move to the next step, announcing.") { t in
        var j = Judgement(checked: t.series.count, note: "\(t.series.count) probe series, 250 ms apart")
        for s in t.series {
            // Fewer than three probes matter when the name is then used; otherwise probing was abandoned.
            if s.end == .short, usesProposed(s, after: t.all[s.probes.last!].time - Window.inFlight, t) != nil {
                j.violate("\(s.probes.count) probe(s) for \(s.name), not three", t.frames(s.probes))
            }
            for (a, b) in zip(s.probes, s.probes.dropFirst()) where abs(t.all[b].time - t.all[a].time - Window.probeListen) > Window.probeIntervalTolerance {
                j.violate("probes for \(s.name) \(ms(t.all[b].time - t.all[a].time)) apart (250 ms)", t.frames(a, b))
            }
            guard s.end == .completed || s.end == .cut || s.end == .short, let last = s.probes.last else { continue }
            if let a = t.events.first(where: { $0.kind == .announcement && t.packet($0).source == s.source && t.all[$0.packet].time > t.all[last].time
                && t.packet($0).message!.answers.contains { r in r.ttl > 0 && s.proposed.contains { $0.isSameRecord(as: r) } } }),
               t.all[a.packet].time - t.all[last].time < Window.announceAfterProbes {
                j.violate("\(s.name) announced \(ms(t.all[a.packet].time - t.all[last].time)) after the last probe (250 ms)", t.frames(last, a.packet))
            }
        }
        return j
    }

    static let probeConflictDefers = Rule("probe-conflict-defers", "RFC 6762 §8.1", .must,
        "During probing, from the time the first probe packet is sent until 250 ms after the third probe, if any conflicting Multicast DNS response is received, then the probing host MUST defer to the existing host, and SHOULD choose new names for some or all of its resource records as appropriate.") { t in
        var j = Judgement(note: "the device gave up every name another host held")
        for s in t.series {
            guard case .conflict(let c) = s.end else { continue }
            j.checked += 1
            let tc = t.all[c].time
            if let late = s.probes.first(where: { t.all[$0].time > tc + Window.inFlight }) {
                j.violate("went on probing \(s.name) after the conflicting response", t.frames(c, late))
            }
            if let used = usesProposed(s, after: tc, t) {
                j.violate("announced \(s.name) after losing it", t.frames(c, used))
            }
        }
        if j.checked == 0 { j.note = "no conflict while probing" }
        return j
    }

    /// A response of the device after `time` with a record it proposed in `s`, not probed again since.
    static func usesProposed(_ s: ProbeSeries, after time: Int64, _ t: Timeline) -> Int? {
        t.responses.first { i, p in
            p.time > time + Window.inFlight
                && !t.series.contains { $0.name == s.name && $0.end == .completed && t.all[$0.probes[0]].time > time && t.all[$0.probes[0]].time < p.time }
                && p.message!.answers.contains { r in r.ttl > 0 && s.proposed.contains { $0.isSameRecord(as: r) } }
        }?.0
    }

    static let tiebreakLoserDefers = Rule("tiebreak-loser-defers", "RFC 6762 §8.2", .info,
        "If the host finds that its own data is lexicographically earlier, then it defers to the winning host by waiting one second, and then begins probing for this record again.") { t in
        var j = Judgement(note: "simultaneous probes settled as §8.2 says")
        for (k, s) in t.series.enumerated() {
            if let w = s.wonAgainst {
                j.checked += 1
                if s.end == .short { j.violate("won the tiebreak for \(s.name) but stopped probing", t.frames(w)) }
            }
            guard case .lostTiebreak(let c) = s.end else { continue }
            j.checked += 1
            let tl = t.all[c].time
            if let late = s.probes.first(where: { t.all[$0].time > tl + Window.inFlight }) {
                j.violate("lost the tiebreak for \(s.name) and went on probing", t.frames(c, late))
            }
            let later = t.series[(k + 1)...].filter { $0.source == s.source && t.all[$0.probes[0]].time > tl }
            if let next = later.first(where: { $0.name == s.name }) {
                if t.all[next.probes[0]].time - tl < 1_000_000_000 - Window.slack {
                    j.violate("probed \(s.name) again \(ms(t.all[next.probes[0]].time - tl)) after losing (one second)", t.frames(c, next.probes[0]))
                }
            } else if let other = later.first {
                j.violate("lost the tiebreak for \(s.name) and probed \(other.name) instead of probing it again", t.frames(c, other.probes[0]))
            }
            if let used = usesProposed(s, after: tl, t) { j.violate("announced \(s.name) after losing the tiebreak", t.frames(c, used)) }
        }
        if j.checked == 0 { j.note = "no simultaneous probe" }
        return j
    }

    static let announceCount = Rule("announce-count", "RFC 6762 §8.3", .must,
        "The Multicast DNS responder MUST send at least two unsolicited responses, one second apart.") { t in
        var j = Judgement(note: "every probed name announced twice, one second apart")
        for (k, s) in t.series.enumerated() where s.end == .completed {
            let from = t.all[s.probes.last!].time
            let until = t.series[(k + 1)...].first(where: { $0.name == s.name && $0.source == s.source }).map { t.all[$0.probes[0]].time } ?? Int64.max
            let ann = t.events.filter { e in
                let p = t.packet(e)
                return e.kind == .announcement && p.source == s.source && p.time > from && p.time < until
                    && p.message!.answers.contains { $0.name == s.name && $0.ttl > 0 }
            }.map(\.packet)
            // The recording, or probing again after a conflict, may end the announcements early.
            let cut = min(t.captureEnd, until) < (ann.first.map { t.all[$0].time } ?? from + Window.probeListen) + 1_000_000_000
            if ann.count < 2 {
                if !cut { j.checked += 1; j.violate("\(ann.count) announcement(s) of \(s.name)", t.frames([s.probes.last!] + ann)) }
                continue
            }
            j.checked += 1
        }
        spacing(t, &j)
        if t.series.isEmpty && startSeen(t) { unprobedAnnouncements(t, &j) }
        if j.checked == 0 { j.note = "no completed probing to announce" }
        return j
    }

    /// RFC 6762 §8.3: unsolicited responses carrying a record go out one second apart, and "the
    /// interval between unsolicited responses increases by at least a factor of two with every
    /// response sent". Judged per record and source address; a probe of its name starts afresh.
    static func spacing(_ t: Timeline, _ j: inout Judgement) {
        var runs: [String: [Int]] = [:]
        var order: [String] = []
        for e in t.events where e.kind == .announcement {
            let p = t.packet(e)
            for r in p.message!.answers + p.message!.additionals where r.ttl > 0 && r.type != .opt && r.type != .nsec {
                let round = t.series.filter { $0.name == r.name && $0.source == p.source && t.all[$0.probes.last!].time < p.time }.count
                let key = "\(p.source)\t\(r.name) \(r.type)\t\(r.rdata)\t\(round)"
                if runs[key] == nil { order.append(key) }
                if runs[key]?.last != e.packet { runs[key, default: []].append(e.packet) }
            }
        }
        var flagged: Set<String> = []
        for key in order {
            let run = runs[key]!
            guard run.count >= 2 else { continue }
            j.checked += 1
            let what = String(key.split(separator: "\t")[1])
            var previous: Int64 = 0
            for (a, b) in zip(run, run.dropFirst()) {
                let gap = t.all[b].time - t.all[a].time
                guard gap <= Window.announcing else { break }
                let floor = previous == 0 ? 1_000_000_000 : 2 * previous
                if gap < floor - Window.slack {
                    if flagged.insert(what).inserted {
                        j.violate("\(what) announced again \(ms(gap)) after the last (\(previous == 0 ? "one second" : "twice the last interval"))", t.frames(a, b))
                    }
                    break
                }
                previous = gap
            }
        }
    }

    /// A device that started without probing still announces its unique records (RFC 6762 §8.3).
    static func unprobedAnnouncements(_ t: Timeline, _ j: inout Judgement) {
        guard let (i, p) = t.responses.first(where: { $0.1.message!.answers.contains { isUnique($0) && $0.ttl > 0 && !isReverseMapping($0.name) } }),
              t.captureEnd - p.time > 1_000_000_000 else { return }
        let names = p.message!.answers.filter { isUnique($0) && $0.ttl > 0 && !isReverseMapping($0.name) }.map(\.name)
        guard !names.isEmpty else { return }
        let ann = t.events.filter { $0.kind == .announcement && t.packet($0).message!.answers.contains { names.contains($0.name) } }
        j.checked += 1
        if ann.count < 2 { j.violate("\(ann.count) unsolicited announcement(s) of \(names[0])", t.frames([i] + ann.map(\.packet))) }
    }

    /// How long a device may take to probe again after a conflict (RFC 6762 §9 "immediately";
    /// the first probe waits up to 250 ms, §8.1; Avahi takes about 150 ms).
    public static let reprobeWindow: Int64 = 1_000_000_000

    static let conflictReprobe = Rule("conflict-reprobe", "RFC 6762 §9", .must,
        "Whenever a Multicast DNS responder receives any Multicast DNS response (solicited or otherwise) containing a conflicting resource record in any of the Resource Record Sections, the Multicast DNS responder MUST immediately reset its conflicted unique record to probing state, and go through the startup steps described above in Section 8, \"Probing and Announcing on Startup\".") { t in
        var j = Judgement(note: "no conflicting response to an established record")
        var judgedUntil: [DNSName: Int64] = [:]
        for (i, p) in t.all.enumerated() where !t.isMine(i) && p.isMDNSResponse && p.sourcePort == mdnsPort && p.isMulticast {
            guard hears(p, t.device, t.all), let r = conflicting(p, t), p.time > judgedUntil[r.name, default: Int64.min] else { continue }
            judgedUntil[r.name] = p.time + reprobeWindow
            guard p.time + reprobeWindow <= t.captureEnd else { continue }
            j.checked += 1
            let probed = t.device.packets.contains { t.all[$0].isProbe && t.all[$0].time > p.time && t.all[$0].time <= p.time + reprobeWindow }
            if !probed { j.violate("kept \(r.name) \(r.type) without probing after another host's \(r.rdata)", t.frames(i)) }
            else { j.note = "probed again after each conflicting response" }
        }
        return j
    }

    /// A record in another host's response that conflicts with one the device holds, outside its probing.
    static func conflicting(_ p: Packet, _ t: Timeline) -> ResourceRecord? {
        let held = t.heldRecords(before: p.time)
        for r in p.message!.answers + p.message!.additionals where isUnique(r) && r.ttl > 0 {
            let mine = held.filter { $0.name == r.name && $0.type == r.type && $0.rrclass == r.rrclass }
            guard !mine.isEmpty, !mine.contains(where: { $0.rdata == r.rdata }) else { continue }
            let probing = t.series.contains { s in s.name == r.name && p.time >= t.all[s.probes[0]].time
                && p.time <= t.all[s.probes.last!].time + Window.probeListen }
            if !probing { return r }
        }
        return nil
    }

    static let defendProbedName = Rule("defend-probed-name", "RFC 6762 §6", .must,
        "In this special case of answering probe queries, because of the limited time before the probing host will make its decision about whether or not to use the name, a Multicast DNS responder MUST respond quickly.") { t in
        var j = Judgement(note: "no probe for a name the device holds")
        var lastJudged: [DNSName: Int64] = [:]
        for (i, q) in t.all.enumerated() where !t.isMine(i) && q.isProbe {
            for n in probedNames(q.message!) {
                guard q.time - lastJudged[n, default: Int64.min / 2] > Window.probeSeriesGap * 2 else { lastJudged[n] = q.time; continue }
                let held = t.heldRecords(before: q.time).filter { $0.name == n }
                let theirs = q.message!.authorities.filter { $0.name == n }
                guard !held.isEmpty, !sameSet(held, theirs), t.device.packets.contains(where: { t.all[$0].time > q.time }) else { continue }
                lastJudged[n] = q.time
                // The prober decides 250 ms after its third probe, about 750 ms after the first.
                let deadline = q.time + 2 * Window.probeListen + Window.probeListen + Window.probeListen
                j.checked += 1
                let defended = t.responses.contains { _, p in p.time >= q.time && p.time <= deadline && p.message!.answers.contains { $0.name == n && $0.ttl > 0 } }
                if !defended { j.violate("did not answer another host's probe for \(n)", t.frames(i)) }
                else { j.note = "answered every probe for a name it holds" }
            }
        }
        return j
    }
}
