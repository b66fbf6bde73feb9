"""Python peers of Scripts/bench-peers: python-zeroconf and dnspython.

Usage: python3 python_peers.py zeroconf|dnspython CORPUS.lpk SECONDS|passes=N
Prints the same line as the C drivers:
  NAME: R messages/s, T ns/message, accepted A, rejected B, checksum C
Every message is parsed fully (names decompressed, rdata decoded) and every field of every
question and record is read.
"""
import sys
import time


def load(path):
    data = open(path, "rb").read()
    out, i = [], 0
    while i + 2 <= len(data):
        n = data[i] << 8 | data[i + 1]
        if i + 2 + n > len(data):
            break
        out.append(bytes(data[i + 2:i + 2 + n]))
        i += 2 + n
    return out


def zeroconf_parser():
    import zeroconf
    from zeroconf._protocol import incoming
    from zeroconf import DNSPointer, DNSService, DNSText, DNSAddress, DNSNsec, DNSHinfo

    so = incoming.__file__
    if not so.endswith(".so"):
        sys.exit(f"python-zeroconf {zeroconf.__version__}: compiled parser NOT in use ({so}); refusing to measure pure Python")
    print(f"python-zeroconf {zeroconf.__version__}: compiled parser in use: {so.rsplit('/', 1)[-1]}", file=sys.stderr)
    DNSIncoming = incoming.DNSIncoming

    def parse(m):
        msg = DNSIncoming(m)
        if not msg.valid:
            return None
        s = msg.id + msg.flags
        for q in msg.questions:
            s += len(q.name) + q.type + q.class_ + q.unicast
        for r in msg.answers():
            s += len(r.name) + r.type + r.class_ + r.ttl + r.unique
            if isinstance(r, DNSPointer):
                s += len(r.alias)
            elif isinstance(r, DNSService):
                s += r.priority + r.weight + r.port + len(r.server)
            elif isinstance(r, DNSText):
                s += len(r.text)
            elif isinstance(r, DNSAddress):
                s += len(r.address)
            elif isinstance(r, DNSNsec):
                s += len(r.next_name) + len(r.rdtypes)
            elif isinstance(r, DNSHinfo):
                s += len(r.cpu) + len(r.os)
        return s

    return "python-zeroconf", parse


def dnspython_parser():
    import dns.message
    import dns.version

    print(f"dnspython {dns.version.version}", file=sys.stderr)
    slots_cache = {}

    def slots(cls):
        s = slots_cache.get(cls)
        if s is None:
            s = tuple(n for c in cls.__mro__ for n in getattr(c, "__slots__", ()) if not n.startswith("_"))
            slots_cache[cls] = s
        return s

    def parse(m):
        try:
            msg = dns.message.from_wire(m, ignore_trailing=True)
        except Exception:
            return None
        s = msg.id + msg.flags
        for q in msg.question:
            s += len(q.name) + q.rdtype + q.rdclass
        for section in (msg.answer, msg.authority, msg.additional):
            for rrset in section:
                s += len(rrset.name) + rrset.rdtype + rrset.rdclass + rrset.ttl
                for rd in rrset:
                    for attr in slots(type(rd)):
                        v = getattr(rd, attr)
                        s += len(v) if hasattr(v, "__len__") else 1
        return s

    return "dnspython", parse


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("zeroconf", "dnspython"):
        sys.exit(__doc__)
    name, parse = zeroconf_parser() if sys.argv[1] == "zeroconf" else dnspython_parser()
    messages = load(sys.argv[2])
    arg = sys.argv[3] if len(sys.argv) > 3 else "2"
    passes = int(arg[7:]) if arg.startswith("passes=") else 0
    seconds = 0.0 if passes else float(arg)
    ok = bad = parsed = 0
    total = 0
    start = time.perf_counter()
    done = 0
    while True:
        for m in messages:
            r = parse(m)
            if parsed < len(messages):
                if r is None:
                    bad += 1
                else:
                    ok += 1
            if r is not None:
                total += r
            parsed += 1
        elapsed = time.perf_counter() - start
        done += 1
        if (done >= passes) if passes else (elapsed >= seconds):
            break
    rate = parsed / elapsed
    print(f"{name}: {rate:.0f} messages/s, {1e9 / rate:.0f} ns/message, accepted {ok}, rejected {bad}, checksum {total & 0xFFFFFFFFFFFFFFFF}")


if __name__ == "__main__":
    main()
