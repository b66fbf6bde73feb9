import DNSWire
import MDNSCore
import PCAP

extension CaptureConformance {
    /// Splits a host into the programs that share its addresses and MAC (avahi-daemon and
    /// python-zeroconf side by side, each claiming its own host name). A packet belongs to the host
    /// name it claims: the address records it gives for a name with the host's own address, the SRV
    /// targets it names, a probe's question for a host name, and the instances whose SRV names that
    /// host. Names claimed one after the other (a rename after a conflict, RFC 6762 §9) stay one
    /// program; names claimed over overlapping times are separate programs. Packets that claim no
    /// name (queries, shared-only answers for an unknown instance) go to the first program: the wire
    /// does not say which program sent them.
    static func separatePrograms(_ d: DeviceIdentity, _ ps: [Packet]) -> [DeviceIdentity] {
        guard d.hostNames.count > 1 else { return [d] }
        let instances = instanceHosts(d, ps)
        let owners = d.packets.map { owner(ps[$0].message, d, instances) }
        let programs = programsOf(d.hostNames, owners: owners, times: d.packets.map { ps[$0].time })
        guard programs.count > 1 else { return [d] }
        var out = programs.map { names in
            DeviceIdentity(addresses: d.addresses, hostNames: d.hostNames.filter(names.contains))
        }
        for (i, o) in zip(d.packets, owners) {
            out[o.flatMap { n in programs.firstIndex { $0.contains(n) } } ?? 0].packets.append(i)
        }
        for k in out.indices { out[k].roles = roles(out[k].packets.map { ps[$0] }) }
        return out
    }

    /// Instance (SRV owner) name → the host name its SRV targets, over the host's own traffic.
    static func instanceHosts(_ d: DeviceIdentity, _ ps: [Packet]) -> [DNSName: DNSName] {
        var map: [DNSName: DNSName] = [:]
        for i in d.packets {
            guard let m = ps[i].message else { continue }
            for r in m.answers + m.authorities + m.additionals {
                if case .srv(let s) = r.rdata, d.hostNames.contains(s.target) { map[r.name] = s.target }
            }
        }
        return map
    }

    /// The one host name a message claims, or nil when it names none or several.
    static func owner(_ m: Message?, _ d: DeviceIdentity, _ instances: [DNSName: DNSName]) -> DNSName? {
        guard let m else { return nil }
        var names: Set<DNSName> = []
        for r in m.answers + m.authorities + m.additionals {
            if let a = address(r.rdata), d.owns(a), d.hostNames.contains(r.name) { names.insert(r.name) }
            if case .srv(let s) = r.rdata, d.hostNames.contains(s.target) { names.insert(s.target) }
            if let h = instances[r.name] { names.insert(h) }
            if case .ptr(let target) = r.rdata, let h = instances[target] { names.insert(h) }
        }
        for q in m.questions where m.header.isResponse == false && !m.authorities.isEmpty {
            if d.hostNames.contains(q.name) { names.insert(q.name) } else if let h = instances[q.name] { names.insert(h) }
        }
        return names.count == 1 ? names.first : nil
    }

    /// Host names grouped into programs: a name whose first claim comes after another program's
    /// last claim continues that program (a rename); overlapping names are other programs.
    static func programsOf(_ names: [DNSName], owners: [DNSName?], times: [Int64]) -> [[DNSName]] {
        var span: [DNSName: (first: Int64, last: Int64)] = [:]
        for (o, t) in zip(owners, times) {
            guard let o else { continue }
            span[o] = (min(span[o]?.first ?? t, t), max(span[o]?.last ?? t, t))
        }
        var programs: [[DNSName]] = []
        var programEnd: [Int64] = []
        for n in names.filter({ span[$0] != nil }).sorted(by: { span[$0]!.first < span[$1]!.first }) {
            let s = span[n]!
            if let k = programEnd.firstIndex(where: { $0 < s.first }) {
                programs[k].append(n); programEnd[k] = s.last
            } else {
                programs.append([n]); programEnd.append(s.last)
            }
        }
        for n in names where span[n] == nil { if programs.isEmpty { programs.append([n]) } else { programs[0].append(n) } }
        return programs
    }
}
