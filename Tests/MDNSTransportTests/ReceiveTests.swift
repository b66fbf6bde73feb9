import DNSWire
import Glibc
import Testing
@testable import MDNSTransport

/// recvmsg on a real kernel socket: unicast over 127.0.0.1 between two sockets of this test
/// (nothing leaves the host, nothing is multicast).
@Suite("recvmsg: source, arrival interface, destination, TTL and the size limit")
struct ReceiveTests {
    func udpSocket() -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_IP), Int32(IP_PKTINFO), &one, 4)
        setsockopt(fd, Int32(IPPROTO_IP), Int32(IP_RECVTTL), &one, 4)
        let r = UDPAddress(.v4(IPv4Address(127, 0, 0, 1)), port: 0).withSockaddr { bind(fd, $0, $1) }
        precondition(r == 0)
        return fd
    }

    func port(_ fd: Int32) -> UInt16 {
        var sa = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return UInt16(bigEndian: sa.sin_port)
    }

    func receive(_ fd: Int32) -> Datagram? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: TransportLimits.maxDatagramSize, alignment: 8)
        let control = UnsafeMutableRawBufferPointer.allocate(byteCount: ControlMessages.bufferSize, alignment: 8)
        defer { buffer.deallocate(); control.deallocate() }
        for _ in 0..<100 {
            if let d = MulticastSocket.receive(fd, family: .ipv4, buffer: buffer, control: control) { return d }
            usleep(1000)
        }
        return nil
    }

    @Test("a datagram carries its source, the loopback index, its destination and the TTL it was sent with")
    func metadata() throws {
        let rx = udpSocket(), tx = udpSocket()
        defer { close(rx); close(tx) }
        var ttl: Int32 = 77
        setsockopt(tx, Int32(IPPROTO_IP), Int32(IP_TTL), &ttl, 4)
        let payload: [UInt8] = Array("hello".utf8)
        let to = UDPAddress(.v4(IPv4Address(127, 0, 0, 1)), port: port(rx))
        _ = payload.withUnsafeBytes { b in to.withSockaddr { sendto(tx, b.baseAddress, b.count, 0, $0, $1) } }
        let d = try #require(receive(rx))
        #expect(d.bytes == payload)
        #expect(d.source == UDPAddress(.v4(IPv4Address(127, 0, 0, 1)), port: port(tx)))
        #expect(d.control.interfaceIndex == if_nametoindex("lo"))
        #expect(d.control.destination == .v4(IPv4Address(127, 0, 0, 1)))
        #expect(d.control.hopLimit == 77)
        #expect(!d.wasMulticast && !d.truncated)
    }

    @Test("RFC 6762 §17: a datagram over TransportLimits.maxDatagramSize (9000) is marked truncated")
    func sizeLimit() throws {
        #expect(TransportLimits.maxDatagramSize == 9000)
        let rx = udpSocket(), tx = udpSocket()
        defer { close(rx); close(tx) }
        let to = UDPAddress(.v4(IPv4Address(127, 0, 0, 1)), port: port(rx))
        for size in [TransportLimits.maxDatagramSize, TransportLimits.maxDatagramSize + 1] {
            let big = [UInt8](repeating: 0xAB, count: size)
            _ = big.withUnsafeBytes { b in to.withSockaddr { sendto(tx, b.baseAddress, b.count, 0, $0, $1) } }
            let d = try #require(receive(rx))
            #expect(d.truncated == (size > TransportLimits.maxDatagramSize))
            #expect(d.bytes.count == TransportLimits.maxDatagramSize)
        }
    }
}

@Suite("Transport limits")
struct TransportLimitTests {
    @Test("the reader's queue holds TransportLimits.receiveQueue datagrams; beyond that new ones are dropped")
    func receiveQueue() {
        let (stream, c) = MulticastTransport.makeQueue()
        let d = Datagram(bytes: [0], source: UDPAddress(.v4(IPv4Address(10, 0, 0, 1))), control: ReceivedControl(), family: .ipv4)
        var dropped = 0
        for _ in 0..<(TransportLimits.receiveQueue + 5) { if case .dropped = c.yield(d) { dropped += 1 } }
        #expect(dropped == 5)
        withExtendedLifetime(stream) {}
    }
}
