# Lets micropython-mdns (written for ESP32) run on MicroPython's unix port. Import it before the
# library. The unix port differs in three ways the library depends on: select has only poll(),
# socket has no IPPROTO_IP, and sockets take and return raw sockaddr bytes instead of (ip, port).
import sys
import select as _select
import socket as _socket


def _to_sockaddr(addr):
    if isinstance(addr, tuple):
        return _socket.getaddrinfo(addr[0], addr[1])[0][-1]
    return addr


def _from_sockaddr(raw):
    # struct sockaddr_in: family (2 bytes), port (2, big-endian), IPv4 address (4)
    if isinstance(raw, (bytes, bytearray)) and len(raw) >= 8:
        return ("%d.%d.%d.%d" % tuple(raw[4:8]), (raw[2] << 8) | raw[3])
    return raw


class UnixSocket:
    def __init__(self, *args):
        self.raw = _socket.socket(*args)

    def bind(self, addr):
        return self.raw.bind(_to_sockaddr(addr))

    def sendto(self, data, addr):
        return self.raw.sendto(data, _to_sockaddr(addr))

    def recvfrom(self, size):
        data, raw = self.raw.recvfrom(size)
        return data, _from_sockaddr(raw)

    def __getattr__(self, name):
        return getattr(self.raw, name)


def select_via_poll(readers, writers, errors, timeout=None):
    # only readability is used by the library
    poller = _select.poll()
    by_raw = {}
    for s in readers:
        raw = getattr(s, "raw", s)
        by_raw[id(raw)] = s
        poller.register(raw, _select.POLLIN)
    ms = -1 if timeout is None else int(timeout * 1000)
    ready = [by_raw[id(obj)] for obj, ev in poller.poll(ms) if ev & _select.POLLIN and id(obj) in by_raw]
    return ready, [], []


class _SocketModule:
    IPPROTO_IP = 0
    socket = UnixSocket

    def __getattr__(self, name):
        return getattr(_socket, name)


class _SelectModule:
    POLLIN = _select.POLLIN
    POLLOUT = _select.POLLOUT
    poll = _select.poll
    select = staticmethod(select_via_poll)


sys.modules["socket"] = _SocketModule()
sys.modules["select"] = _SelectModule()
