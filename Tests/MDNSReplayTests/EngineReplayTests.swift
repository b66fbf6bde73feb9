import MDNSReplay
import Testing

@Suite("Replay through the engine: what a browser would have seen")
struct EngineReplayTests {
    @Test("the project's probe-and-announce capture: service, instance, host, then the goodbye")
    func probeAnnounce() {
        var out = ""
        let r = EngineReplay.run(path: Paths.captures + "/probe-announce.pcap", displayName: "probe-announce.pcap", emit: { out += $0 })
        #expect(r.fileError == nil)
        #expect(r.datagrams == 8)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.contains("+0.750 instance added Office\\032Printer._ipp._tcp.local. (if1) → printer.local.:631 txt [txtvers=1, rp=ipp/print, Color=T] addresses [10.0.53.2]"))
        #expect(lines.contains("+0.750 host added printer.local. (if1) [10.0.53.2]"))
        #expect(lines.contains { $0.contains("instance removed Office\\032Printer._ipp._tcp.local.") })
        #expect(lines.contains { $0.contains("host removed printer.local.") })
        #expect(r.querier.goodbyesReceived == 4)
    }

    @Test("every third-party capture replays through the engine", .enabled(if: Paths.thirdPartyPresent, "../shared/captures/third-party is absent"))
    func thirdParty() {
        for f in Paths.thirdPartyCaptures() {
            var out = ""
            let r = EngineReplay.run(path: Paths.thirdParty + "/" + f, emit: { out += $0 })
            #expect(r.fileError == nil, "\(f)")
            #expect(out.contains("counters: datagrams \(r.datagrams)"), "\(f)")
        }
        var out = ""
        EngineReplay.run(path: Paths.thirdParty + "/jmdns/a_record_before_srv.pcapng", emit: { out += $0 })
        #expect(out.contains("instance added DeviceManagementService._ibisip_http._tcp.local. (if1) → DIST500_7-F07_OC030_05_03941.local.:5000 txt [ver=1.0, path=1.0] addresses [192.168.88.236]"))
    }
}
