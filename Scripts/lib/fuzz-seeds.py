#!/usr/bin/env python3
"""Fuzz seeds from captures: every distinct UDP/5353 payload of the pcap / pcapng files given.

    fuzz-seeds.py OUT FILE...

writes OUT/message/<sha1> (one raw mDNS message each: the decode and roundtrip targets' format)
and OUT/engine/<sha1> (the engine target's event format, see EngineFuzz in Sources/MDNSCore/
Invariants.swift: 8 seed bytes, a time byte, then per payload a raw receive and a run to the next
deadline; three payloads of at most 255 bytes per seed). Files that are not captures are skipped.
"""
import hashlib
import os
import struct
import sys

ETHERNET, RAW, LINUX_SLL, RAW12, RAW14 = 1, 101, 113, 12, 14


def udp_payload(link, frame):
    if link == ETHERNET:
        ethertype, ip = frame[12:14], frame[14:]
        if ethertype == b"\x81\x00":  # one 802.1Q tag
            ethertype, ip = frame[16:18], frame[18:]
    elif link == LINUX_SLL:
        ethertype, ip = frame[14:16], frame[16:]
    elif link in (RAW, RAW12, RAW14):
        ip = frame
        ethertype = b"\x08\x00" if ip and ip[0] >> 4 == 4 else b"\x86\xdd"
    else:
        return None
    if ethertype == b"\x08\x00" and len(ip) >= 20 and ip[9] == 17 and struct.unpack(">H", ip[6:8])[0] & 0x3FFF == 0:
        udp = ip[(ip[0] & 15) * 4:]
    elif ethertype == b"\x86\xdd" and len(ip) >= 48 and ip[6] == 17:
        udp = ip[40:]
    else:
        return None
    if len(udp) < 8 or 5353 not in struct.unpack(">HH", udp[:4]):
        return None
    return udp[8:]


def frames(data):
    """(linktype, frame) for each packet of a pcap or pcapng file; nothing for other files."""
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic[0] in (0xD4, 0x4D) else ">"
        link, i = struct.unpack(e + "I", data[20:24])[0] & 0xFFFF, 24
        while i + 16 <= len(data):
            n = struct.unpack(e + "I", data[i + 8:i + 12])[0]
            yield link, data[i + 16:i + 16 + n]
            i += 16 + n
    elif magic == b"\x0a\x0d\x0d\x0a" and len(data) >= 12:
        e = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        links, i = [], 0
        while i + 12 <= len(data):
            kind, size = struct.unpack(e + "II", data[i:i + 8])
            if size < 12:
                return
            body = data[i + 8:i + size - 4]
            if kind == 0x0A0D0D0A:
                links = []
            elif kind == 1:
                links.append(struct.unpack(e + "H", body[:2])[0])
            elif kind == 6 and len(body) >= 20:
                iface, n = struct.unpack(e + "I", body[:4])[0], struct.unpack(e + "I", body[12:16])[0]
                if iface < len(links):
                    yield links[iface], body[20:20 + n]
            elif kind == 3 and links:
                n = struct.unpack(e + "I", body[:4])[0]
                yield links[0], body[4:4 + n]
            i += size


def main():
    out, paths = sys.argv[1], sys.argv[2:]
    payloads = {}
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        for link, frame in frames(data):
            p = udp_payload(link, frame)
            if p:
                payloads[hashlib.sha1(p).hexdigest()] = p
    for kind in ("message", "engine"):
        os.makedirs(os.path.join(out, kind), exist_ok=True)
    for name, p in payloads.items():
        with open(os.path.join(out, "message", name), "wb") as f:
            f.write(p)
    small = [payloads[k] for k in sorted(payloads) if len(payloads[k]) <= 255]
    seeds = 0
    for k in range(0, len(small), 3):
        group = small[k:k + 3]
        seed = bytearray(hashlib.sha1(b"".join(group)).digest()[:8]) + bytes([0])
        for j, p in enumerate(group):
            # interface, source, operation 2 (raw receive), length, bytes, multicast/unicast
            seed += bytes([j & 1, j, 2, len(p)]) + p + bytes([j & 1])
            seed += bytes([0, 0, 1])  # operation 1: run to the next deadline
        with open(os.path.join(out, "engine", hashlib.sha1(seed).hexdigest()), "wb") as f:
            f.write(seed)
        seeds += 1
    print(f"{len(payloads)} distinct mDNS payloads from {len(paths)} files; {seeds} engine seeds")


if __name__ == "__main__":
    main()
