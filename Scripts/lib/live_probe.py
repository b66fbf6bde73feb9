#!/usr/bin/env python3
"""Packet helpers for Scripts/live-test (run inside the test's network namespaces only).

  live_probe.py ttl IFACE SECONDS           print "ttl FAMILY SOURCE VALUE" for every mDNS datagram heard
  live_probe.py unicast-response SRC DST NAME INSTANCE
                                            send a unicast mDNS response (a PTR NAME -> INSTANCE) from SRC:5353 to DST:5353
  live_probe.py flood IFACE RATE SECONDS    spoofed-source IPv4 multicast queries and responses with unique names (raw socket)
  live_probe.py blast DST NAME RATE SECONDS legacy unicast queries (RFC 6762 §6.7) for NAME A at RATE/s; print sent/answered
"""
import os, random, socket, struct, sys, time

IP_PKTINFO, IP_RECVTTL, IP_TTL = 8, 12, 2
IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT, IPV6_HOPLIMIT = 49, 51, 52


def name_bytes(name):
    out = b""
    for label in name.rstrip(".").split("."):
        b = label.encode()
        out += bytes([len(b)]) + b
    return out + b"\0"


def message(flags, questions=(), answers=(), ident=0):
    body = b"".join(questions) + b"".join(answers)
    return struct.pack("!HHHHHH", ident, flags, len(questions), len(answers), 0, 0) + body


def question(name, qtype=1):
    return name_bytes(name) + struct.pack("!HH", qtype, 1)


def ptr(name, target, ttl=120):
    rdata = name_bytes(target)
    return name_bytes(name) + struct.pack("!HHIH", 12, 1, ttl, len(rdata)) + rdata


def ttl_receiver(iface, seconds):
    idx = socket.if_nametoindex(iface)
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s4.bind(("0.0.0.0", 5353))
    s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton("224.0.0.251") + b"\0" * 4 + struct.pack("i", idx))
    s4.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s6.bind(("::", 5353))
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, "ff02::fb") + struct.pack("I", idx))
    s6.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)
    import select
    end = time.time() + seconds
    print("ready", flush=True)
    while time.time() < end:
        r, _, _ = select.select([s4, s6], [], [], 0.2)
        for s in r:
            data, anc, _, addr = s.recvmsg(9000, 256)
            for level, typ, val in anc:
                if (level, typ) in ((socket.IPPROTO_IP, IP_TTL), (socket.IPPROTO_IPV6, IPV6_HOPLIMIT)):
                    fam = "IPv4" if s is s4 else "IPv6"
                    print("ttl", fam, addr[0], struct.unpack("i", val[:4])[0], flush=True)


def unicast_response(src, dst, name, instance):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, 5353))
    m = message(0x8400, answers=[ptr(name, instance)])
    for _ in range(3):
        s.sendto(m, (dst, 5353))
        time.sleep(0.3)


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def flood(iface, rate, seconds):
    """Spoofed on-link sources (10.53.0.100-250), each packet a query or a response with a fresh name."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
    dst = socket.inet_aton("224.0.0.251")
    sent, n = 0, 0
    start = time.time()
    while time.time() - start < seconds:
        n += 1
        src = socket.inet_aton("10.53.0.%d" % random.randint(100, 250))
        name = "f%08x.local" % random.getrandbits(32)
        if n % 2:
            payload = message(0, questions=[question(name, 255)])
        else:
            payload = message(0x8400, answers=[ptr("_flood._tcp.local", "x%d._flood._tcp.local" % n)])
        udp = struct.pack("!HHHH", 5353, 5353, 8 + len(payload), 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n & 0xFFFF, 0, 255, 17, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        s.sendto(ip + udp, ("224.0.0.251", 0))
        sent += 1
        target = start + sent / rate
        delay = target - time.time()
        if delay > 0:
            time.sleep(delay)
    print("flood sent", sent, "in", round(time.time() - start, 2), "s", flush=True)


def blast(dst, name, rate, seconds):
    """Legacy unicast queries (source port != 5353), each answered by unicast (RFC 6762 §6.7).
    A forked child only receives, so the sender's pace never starves the count."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUFFORCE if hasattr(socket, "SO_RCVBUFFORCE") else socket.SO_RCVBUF, 16 << 20)
    s.bind(("0.0.0.0", 0))
    r, w = os.pipe()
    start_deadline = time.time() + seconds + 1
    child = os.fork()
    if child == 0:
        os.close(r)
        s.settimeout(1.5)
        answered = 0
        while True:
            try:
                s.recv(9000)
                answered += 1
            except socket.timeout:
                if time.time() > start_deadline:
                    break
        os.write(w, str(answered).encode())
        os._exit(0)
    os.close(w)
    m = [message(0, questions=[question(name, 1)], ident=i) for i in range(256)]
    sent = 0
    start = time.time()
    end = start + seconds
    while True:
        now = time.time()
        if now >= end:
            break
        due = int((now - start) * rate)
        while sent < due:
            s.sendto(m[sent & 255], (dst, 5353))
            sent += 1
        time.sleep(0.0005)
    elapsed = time.time() - start
    answered = int(os.read(r, 64) or b"0")
    os.waitpid(child, 0)
    print("blast sent %d answered %d offered %d/s achieved %d/s" % (sent, answered, rate, sent / elapsed), flush=True)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "-h"
    if cmd == "ttl":
        ttl_receiver(sys.argv[2], float(sys.argv[3]))
    elif cmd == "unicast-response":
        unicast_response(*sys.argv[2:6])
    elif cmd == "flood":
        flood(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "blast":
        blast(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))
    else:
        print(__doc__)
