import DNSWire
@testable import MDNSCore
import MDNSTransport
import Synchronization
import Testing
@testable import MDNS

/// A transport that records what the driver sends and delivers what a test injects.
final class FakeTransport: DatagramTransport {
    let datagrams: AsyncStream<Datagram>
    let input: AsyncStream<Datagram>.Continuation
    let sent = Mutex<[(bytes: [UInt8], target: SendTarget, interface: UInt32)]>([])
    let open = Mutex<Set<String>>([])

    init() { (datagrams, input) = AsyncStream.makeStream(of: Datagram.self) }
    func open(_ interface: InterfaceSnapshot, family: Family) throws(TransportError) { _ = open.withLock { $0.insert("\(interface.index)/\(family)") } }
    func close(interface index: UInt32, family: Family?) {
        open.withLock { s in s = s.filter { !$0.hasPrefix("\(index)/") || (family != nil && !$0.hasSuffix("\(family!)")) } }
    }
    func isOpen(_ index: UInt32, _ family: Family) -> Bool { open.withLock { $0.contains("\(index)/\(family)") } }
    func send(_ bytes: [UInt8], to target: SendTarget, interface index: UInt32) throws(TransportError) {
        sent.withLock { $0.append((bytes, target, index)) }
    }
    var statistics: TransportStatistics { TransportStatistics() }
    func shutdown() { input.finish() }

    var messages: [(Message, SendTarget)] { sent.withLock { $0.compactMap { s in (try? Message(decoding: s.bytes)).map { ($0, s.target) } } } }
}

let eth0 = InterfaceSnapshot(index: 2, name: "eth0", addresses: [
    InterfaceAddressInfo(.v4(IPv4Address(10, 53, 0, 1)), prefixLength: 24),
    InterfaceAddressInfo(.v6(IPv6Address("fe80::1")!, scope: 2), prefixLength: 64),
])

func options(_ list: [InterfaceSnapshot]) -> MDNSOptions {
    var o = MDNSOptions()
    o.listInterfaces = { list }
    o.hostName = "h1"
    o.engineConfiguration = Configuration(seed: 42)
    return o
}

@Suite("Driver loop against a fake transport (real clock, short timers)")
struct DriverTests {
    @Test("no eligible interface is a clear error")
    func noInterface() async {
        await #expect(throws: MDNSError.self) { _ = try await MDNSDriver(options: options([]), transport: FakeTransport()) }
        do { _ = try await MDNSDriver(options: options([]), transport: FakeTransport()) } catch {
            #expect(error.code == .noMulticastInterface)
        }
    }

    @Test("register: RFC 6762 §8.1 three probes on both families, then registered and announced")
    func registerProbesAndAnnounces() async throws {
        let t = FakeTransport()
        let d = try await MDNSDriver(options: options([eth0]), transport: t)
        let r = try await d.register(ServiceRegistration(instance: "Web", type: "_http._tcp", port: 80))
        var events: [RegistrationEvent] = []
        for await e in r.events {
            events.append(e)
            if case .registered = e { break }
        }
        #expect(events.first == .probing(try DNSName(parsing: "Web._http._tcp.local."), interface: "eth0"))
        let probes = t.messages.filter { !$0.0.header.isResponse && !$0.0.authorities.isEmpty && $0.0.questions.contains { $0.name.description.hasPrefix("Web.") } }
        #expect(probes.filter { $0.1 == .group(.ipv4) }.count == RFC6762.probeCount)
        #expect(probes.filter { $0.1 == .group(.ipv6) }.count == RFC6762.probeCount)
        await d.shutdown()
        // RFC 6762 §10.1: shutdown sends goodbyes (TTL 0).
        #expect(t.messages.contains { $0.0.header.isResponse && $0.0.answers.contains { $0.ttl == 0 && $0.type == .srv } })
    }

    @Test("a query arriving on the interface is answered through the transport")
    func answersQueries() async throws {
        let t = FakeTransport()
        let d = try await MDNSDriver(options: options([eth0]), transport: t)
        let r = try await d.register(ServiceRegistration(instance: "Web", type: "_http._tcp", port: 80))
        for await e in r.events { if case .registered = e { break } }
        let before = t.messages.count
        let q = Message(questions: [Question(name: try DNSName(parsing: "_http._tcp.local."), type: .ptr)])
        t.input.yield(Datagram(bytes: q.encoded(), source: UDPAddress(.v4(IPv4Address(10, 53, 0, 2))),
                               control: ReceivedControl(interfaceIndex: 2, destination: .v4(mdnsGroupV4), hopLimit: 255), family: .ipv4))
        var answered = false
        for _ in 0..<100 where !answered {
            try await Task.sleep(for: .milliseconds(20))
            answered = t.messages.dropFirst(before).contains { $0.0.header.isResponse && $0.0.answers.contains { $0.type == .ptr && $0.ttl > 0 } }
        }
        #expect(answered)
        await d.shutdown()
    }

    @Test("datagrams from an interface the driver does not run on are ignored")
    func unknownInterface() async throws {
        let t = FakeTransport()
        let d = try await MDNSDriver(options: options([eth0]), transport: t)
        let q = Message(questions: [Question(name: try DNSName(parsing: "h1.local."), type: .a)])
        t.input.yield(Datagram(bytes: q.encoded(), source: UDPAddress(.v4(IPv4Address(10, 53, 0, 2))),
                               control: ReceivedControl(interfaceIndex: 9, destination: .v4(mdnsGroupV4)), family: .ipv4))
        try await Task.sleep(for: .milliseconds(50))
        #expect(await d.statistics.engine.packetsReceived == 0)
        await d.shutdown()
    }
}

@Suite("Engine ↔ transport address conversion")
struct ConversionTests {
    @Test("the IPv6 scope is dropped for the engine and restored by the transport")
    func socketAddress() {
        let a = UDPAddress(.v6(IPv6Address("fe80::2")!, scope: 3), port: 5353)
        let e = SocketAddress(a)
        #expect(e == SocketAddress(.v6(IPv6Address("fe80::2")!), port: 5353))
        #expect(UDPAddress(e) == UDPAddress(.v6(IPv6Address("fe80::2")!, scope: 0), port: 5353))
    }

    @Test("an interface carries only the addresses of the enabled families")
    func networkInterface() {
        #expect(NetworkInterface(eth0, families: [.ipv4]).addresses == [InterfaceAddress(.v4(IPv4Address(10, 53, 0, 1)), prefixLength: 24)])
        #expect(NetworkInterface(eth0, families: [.ipv4, .ipv6]).addresses.count == 2)
        #expect(NetworkInterface(eth0, families: [.ipv6]).id == InterfaceID(2))
    }
}

@Suite("Command output (avahi-browse forms, JSON)")
struct EventFormatTests {
    @Test("avahi label escaping", arguments: [("My Web", "My\\032Web"), ("a.b", "a\\.b"), ("x\\y", "x\\\\y"), ("%h", "\\037h"), ("ok-_1", "ok-_1")])
    func escape(_ c: (String, String)) { #expect(EventFormat.escapeLabel(c.0) == c.1) }

    func event(_ change: Change, resolved: Bool) throws -> BrowseEvent {
        let type = try DNSName(parsing: "_http._tcp.local.")
        let i = ServiceInstance(name: try type.prepending("My Web"), instance: "My Web", type: type, interface: InterfaceID(2),
                                target: try DNSName(parsing: "h1.local."), port: 8080, priority: 0, weight: 0,
                                txt: [TXTAttribute(key: "path", value: Array("/x".utf8))], addresses: [.v4(IPv4Address(10, 53, 0, 1))])
        return BrowseEvent(change: change, instance: i, interface: InterfaceLabel(name: "veth2", families: [.ipv4, .ipv6]))
    }

    @Test("+ is one line per family; = one per address; -p is avahi's semicolon form")
    func parsable() throws {
        #expect(EventFormat.browseLines(try event(.added, resolved: false), resolved: false, style: .parsable)
                == ["+;veth2;IPv4;My\\032Web;_http._tcp;local", "+;veth2;IPv6;My\\032Web;_http._tcp;local"])
        #expect(EventFormat.browseLines(try event(.added, resolved: true), resolved: true, style: .parsable)
                == ["=;veth2;IPv4;My\\032Web;_http._tcp;local;h1.local;10.53.0.1;8080;\"path=/x\""])
        #expect(EventFormat.browseLines(try event(.removed, resolved: false), resolved: false, style: .parsable).first == "-;veth2;IPv4;My\\032Web;_http._tcp;local")
    }

    @Test("--json: one object per line")
    func json() throws {
        #expect(EventFormat.browseLines(try event(.updated, resolved: true), resolved: true, style: .json)
                == [#"{"event":"resolved","interface":"veth2","protocol":"IPv4","name":"My Web","type":"_http._tcp","domain":"local","host":"h1.local","address":"10.53.0.1","port":8080,"txt":["path=/x"]}"#])
    }

    @Test("publish lines")
    func registration() throws {
        let n = try DNSName(parsing: "My\\032Web._http._tcp.local.")
        #expect(EventFormat.registrationLine(.registered(n, interface: "veth1"), style: .text) == "registered My Web._http._tcp.local on veth1")
        #expect(EventFormat.registrationLine(.renamed(from: n, to: n), style: .parsable) == "renamed;My\\032Web._http._tcp.local;My\\032Web._http._tcp.local")
        #expect(EventFormat.registrationLine(.withdrawn, style: .json) == #"{"event":"withdrawn"}"#)
    }
}

@Suite("Driver: interface changes (polled) reach the engine")
struct InterfaceChangeTests {
    /// The interface list a test changes while the driver polls it.
    final class Links: Sendable {
        let list = Mutex<[InterfaceSnapshot]>([])
        init(_ l: [InterfaceSnapshot]) { list.withLock { $0 = l } }
        func set(_ l: [InterfaceSnapshot]) { list.withLock { $0 = l } }
        func get() -> [InterfaceSnapshot] { list.withLock { $0 } }
    }

    @Test("an interface that goes away is closed; when it comes back the service probes and registers again (RFC 6762 §8.3)")
    func downAndUp() async throws {
        let links = Links([eth0])
        var o = options([])
        o.listInterfaces = { links.get() }
        o.interfacePollInterval = .milliseconds(20)
        let t = FakeTransport()
        let d = try await MDNSDriver(options: o, transport: t)
        let r = try await d.register(ServiceRegistration(instance: "Web", type: "_http._tcp", port: 80))
        var it = r.events.makeAsyncIterator()
        func next(_ match: (RegistrationEvent) -> Bool) async -> Bool {
            while let e = await it.next() { if match(e) { return true } }
            return false
        }
        #expect(await next { if case .registered = $0 { return true }; return false })
        links.set([])
        for _ in 0..<100 where t.isOpen(2, .ipv4) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!t.isOpen(2, .ipv4) && !t.isOpen(2, .ipv6))
        links.set([eth0])
        #expect(await next { if case .probing(_, "eth0") = $0 { return true }; return false })
        #expect(await next { if case .registered(_, "eth0") = $0 { return true }; return false })
        #expect(t.isOpen(2, .ipv4) && t.isOpen(2, .ipv6))
        await d.shutdown()
    }

    @Test("-4: an IPv4-only driver opens and sends on IPv4 only")
    func ipv4Only() async throws {
        var o = options([eth0])
        o.families = [.ipv4]
        let t = FakeTransport()
        let d = try await MDNSDriver(options: o, transport: t)
        let r = try await d.register(ServiceRegistration(instance: "Web", type: "_http._tcp", port: 80))
        for await e in r.events { if case .registered = e { break } }
        #expect(t.isOpen(2, .ipv4) && !t.isOpen(2, .ipv6))
        #expect(!t.messages.isEmpty && t.messages.allSatisfy { $0.1 == .group(.ipv4) })
        // RFC 6762 §14: the host's records carry only the enabled family's addresses.
        #expect(!t.messages.contains { $0.0.answers.contains { $0.type == .aaaa } })
        await d.shutdown()
    }
}

@Suite("RFC 6763 §4.1 instance names as typed")
struct ServiceNameTests {
    @Test("the instance label keeps its dots and spaces")
    func parse() throws {
        let n = ServiceNames.instance("My v2.0 Web._http._tcp.local")
        #expect(n?.labels.map { String(decoding: $0, as: UTF8.self) } == ["My v2.0 Web", "_http", "_tcp", "local"])
        #expect(ServiceNames.instance("Printer._ipp._tcp.local.") == (try DNSName(parsing: "Printer._ipp._tcp.local.")))
    }

    @Test("no type, no domain or an oversized label is refused", arguments: ["Printer.local", "Printer._ipp._tcp", "_ipp._tcp.local", String(repeating: "x", count: 64) + "._ipp._tcp.local"])
    func refuses(_ s: String) { #expect(ServiceNames.instance(s) == nil) }
}

@Suite("Driver limits")
struct DriverLimitTests {
    @Test("an unread event stream keeps the newest DriverLimits.streamBuffer events")
    func streamBuffer() async {
        let (stream, c) = DriverLimits.boundedStream(of: Int.self)
        var dropped = 0
        for i in 0..<(DriverLimits.streamBuffer + 3) { if case .dropped = c.yield(i) { dropped += 1 } }
        c.finish()
        #expect(dropped == 3)
        var first: Int?
        for await v in stream { first = first ?? v }
        #expect(first == 3)
    }
}
