# MicroPython's unix port for micropython-mdns (ECOSYSTEM §6): the library wants select.select,
# socket.IPPROTO_IP and (ip, port) tuples; the unix port has select.poll and raw sockaddr bytes.
import sys
import select as _sel
import socket as _socket


def _sa(addr):
    if isinstance(addr, tuple):
        return _socket.getaddrinfo(addr[0], addr[1])[0][-1]
    return addr


def _unsa(sa):  # struct sockaddr_in: family(2) port(2, big endian) address(4)
    if isinstance(sa, (bytes, bytearray)) and len(sa) >= 8:
        return ("%d.%d.%d.%d" % (sa[4], sa[5], sa[6], sa[7]), sa[2] << 8 | sa[3])
    return sa


class _Sock:
    def __init__(self, *args):
        self._s = _socket.socket(*args)

    def bind(self, addr):
        return self._s.bind(_sa(addr))

    def sendto(self, data, addr):
        return self._s.sendto(data, _sa(addr))

    def recvfrom(self, n):
        d, a = self._s.recvfrom(n)
        return d, _unsa(a)

    def __getattr__(self, name):
        return getattr(self._s, name)


class _SocketShim:
    IPPROTO_IP = 0
    socket = _Sock

    def __getattr__(self, name):
        return getattr(_socket, name)


class _SelectShim:
    POLLIN = _sel.POLLIN
    POLLOUT = _sel.POLLOUT
    poll = _sel.poll

    @staticmethod
    def select(r, w, x, timeout=None):
        p = _sel.poll()
        back = {}
        for s in r:
            raw = getattr(s, "_s", s)
            back[id(raw)] = s
            p.register(raw, _sel.POLLIN)
        ms = -1 if timeout is None else int(timeout * 1000)
        return [back[id(o)] for o, ev in p.poll(ms) if ev & _sel.POLLIN and id(o) in back], [], []


sys.modules["socket"] = _SocketShim()
sys.modules["select"] = _SelectShim()
