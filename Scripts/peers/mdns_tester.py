#!/usr/bin/env python3
"""A scripted mDNS querier and claimant for recordings and conformance runs (run inside a namespace).

  mdns_tester.py query --ip SRC --name NAME [--type A|AAAA|PTR|SRV|TXT|ANY] [--qu] [--legacy]
                       [--to ADDR] [--known TARGET:TTL ...] [--id N] [--wait S]
      sends one query and prints every response it receives for --wait seconds (default 2).
      --qu sets the unicast-response bit (RFC 6762 §5.4); --legacy sends from an ephemeral port
      (§6.7, a one-shot querier); --to sends to ADDR (default 224.0.0.251); --known adds a known
      answer of the queried type (PTR target or A address) with that TTL (§7.1).
  mdns_tester.py claim --ip SRC --name HOST.local --addr IP [--count N]
      sends N (default 2, one second apart) unsolicited responses claiming HOST.local A IP with the
      cache-flush bit, as a second host that owns the name would (a conflict for its owner, §9)
  mdns_tester.py probe --ip SRC --name HOST.local --addr IP
      sends three probes (§8.1, 250 ms apart) for HOST.local A IP and prints the answers (defences)

The messages are encoded here (no compression); responses are decoded only enough to print them.
"""
import argparse
import socket
import struct
import sys
import time

GROUP, PORT = "224.0.0.251", 5353
TYPES = {"A": 1, "PTR": 12, "TXT": 16, "AAAA": 28, "SRV": 33, "NSEC": 47, "ANY": 255}
NAMES = {v: k for k, v in TYPES.items()}
START = time.monotonic()


def say(*words):
    print("%.3f" % (time.monotonic() - START), *words, flush=True)


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        raw = label.encode()
        out += bytes([len(raw)]) + raw
    return out + b"\0"


def question(name, qtype, qu):
    return encode_name(name) + struct.pack("!HH", qtype, 0x8001 if qu else 1)


def record(name, rtype, ttl, rdata, flush=False):
    return encode_name(name) + struct.pack("!HHIH", rtype, 0x8001 if flush else 1, ttl, len(rdata)) + rdata


def rdata_for(rtype, value):
    if rtype == TYPES["A"]:
        return socket.inet_aton(value)
    if rtype == TYPES["PTR"]:
        return encode_name(value)
    raise SystemExit("tester: --known supports PTR and A only")


def message(ident, flags, questions=(), answers=(), authorities=()):
    head = struct.pack("!HHHHHH", ident, flags, len(questions), len(answers), len(authorities), 0)
    return head + b"".join(questions) + b"".join(answers) + b"".join(authorities)


def decode_name(data, off, depth=0):
    labels = []
    while True:
        n = data[off]
        if n & 0xC0 == 0xC0:
            if depth > 16:
                raise ValueError("pointer loop")
            ptr = ((n & 0x3F) << 8) | data[off + 1]
            rest, _ = decode_name(data, ptr, depth + 1)
            return ".".join(labels + [rest]).strip("."), off + 2
        off += 1
        if n == 0:
            return ".".join(labels), off
        labels.append(data[off:off + n].decode(errors="replace"))
        off += n


def describe(data):
    ident, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", data[:12])
    off, parts = 12, []
    for _ in range(qd):
        name, off = decode_name(data, off)
        qtype, qclass = struct.unpack("!HH", data[off:off + 4])
        off += 4
        parts.append("q:%s/%s%s" % (name, NAMES.get(qtype, qtype), " QU" if qclass & 0x8000 else ""))
    for section, count in (("an", an), ("ns", ns), ("ar", ar)):
        for _ in range(count):
            name, off = decode_name(data, off)
            rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", data[off:off + 10])
            off += 10 + rdlen
            parts.append("%s:%s/%s ttl=%d%s" % (section, name, NAMES.get(rtype, rtype), ttl,
                                                " flush" if rclass & 0x8000 else ""))
    return "id=%d flags=0x%04x %s" % (ident, flags, " ".join(parts))


def open_socket(src, legacy):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    if legacy:
        s.bind((src, 0))
    else:
        s.bind(("0.0.0.0", PORT))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(GROUP) + socket.inet_aton(src))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(src))
    # RFC 6762 §11: mDNS messages are sent with IP TTL 255; a legacy querier keeps the default
    ttl = 64 if legacy else 255
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    return s


def listen(s, seconds, src):
    s.settimeout(0.05)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            data, peer = s.recvfrom(9000)
        except socket.timeout:
            continue
        if peer[0] == src:
            continue
        try:
            say("from %s:%d" % peer, describe(data))
        except (ValueError, IndexError, struct.error) as exc:
            say("from %s:%d" % peer, "undecodable (%s)" % exc)


def query(args):
    qtype = TYPES[args.type]
    known = []
    for k in args.known or []:
        value, ttl = k.rsplit(":", 1)
        known.append(record(args.name, qtype, int(ttl), rdata_for(qtype, value)))
    s = open_socket(args.ip, args.legacy)
    msg = message(args.id, 0, [question(args.name, qtype, args.qu)], known)
    s.sendto(msg, (args.to, PORT))
    say("sent to %s" % args.to, describe(msg))
    listen(s, args.wait, args.ip)


def claim(args):
    s = open_socket(args.ip, False)
    for i in range(args.count):
        if i:
            time.sleep(1)
        msg = message(0, 0x8400, answers=[record(args.name, 1, 120, socket.inet_aton(args.addr), flush=True)])
        s.sendto(msg, (GROUP, PORT))
        say("sent", describe(msg))
    listen(s, args.wait, args.ip)


def probe(args):
    s = open_socket(args.ip, False)
    proposal = record(args.name, 1, 120, socket.inet_aton(args.addr))
    for i in range(3):
        msg = message(0, 0, [question(args.name, TYPES["ANY"], i == 0)], authorities=[proposal])
        s.sendto(msg, (GROUP, PORT))
        say("sent", describe(msg))
        listen(s, 0.25, args.ip)
    listen(s, args.wait, args.ip)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("query")
    q.add_argument("--ip", required=True)
    q.add_argument("--name", required=True)
    q.add_argument("--type", default="A", choices=sorted(TYPES))
    q.add_argument("--qu", action="store_true")
    q.add_argument("--legacy", action="store_true")
    q.add_argument("--to", default=GROUP)
    q.add_argument("--known", nargs="*")
    q.add_argument("--id", type=int, default=0)
    q.add_argument("--wait", type=float, default=2)
    for name in ("claim", "probe"):
        c = sub.add_parser(name)
        c.add_argument("--ip", required=True)
        c.add_argument("--name", required=True)
        c.add_argument("--addr", required=True)
        c.add_argument("--wait", type=float, default=2)
        if name == "claim":
            c.add_argument("--count", type=int, default=2)
    args = p.parse_args()
    {"query": query, "claim": claim, "probe": probe}[args.cmd](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
