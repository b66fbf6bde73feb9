#!/usr/bin/env python3
"""python-zeroconf as an mDNS peer, driven from the command line (run inside a namespace).

  zeroconf_peer.py publish --ip IP --host HOST [--name NAME] [--type T] [--port P] [--txt K=V ...]
                           [--seconds S] [--update-txt-after S --new-txt K=V ...]
                           [--withdraw-after S] [--rename]
      publishes HOST.local (A) and the service NAME.T; optionally updates its TXT and withdraws it
      (goodbye) after the given seconds; on SIGTERM or after --seconds it unregisters (goodbyes) and
      closes. --rename lets zeroconf pick a new instance name on a conflict.
  zeroconf_peer.py browse --ip IP [--type T] [--seconds S]
      prints every add/update/remove of the type, resolving each added instance
  zeroconf_peer.py resolve --ip IP --name NAME [--type T]
      prints the instance's SRV target, port, addresses and TXT
Every command also takes --ip6 ADDR: it then runs on IPv6 too, from that address, and publish adds
the AAAA record; with --ip6 and no --ip it runs on IPv6 only (IPVersion.V6Only).

Every event is one line on stdout, prefixed with a monotonic timestamp.
"""
import argparse
import signal
import socket
import sys
import threading
import time

from zeroconf import IPVersion, ServiceBrowser, ServiceInfo, ServiceListener, Zeroconf

START = time.monotonic()


def say(*words):
    print("%.3f" % (time.monotonic() - START), *words, flush=True)


def txt_dict(pairs):
    return dict(p.split("=", 1) if "=" in p else (p, None) for p in pairs or [])


def fqdn_type(t):
    t = t if t.endswith(".") else t + "."
    return t if t.endswith(".local.") else t + "local."


def make_zeroconf(args):
    if args.ip and args.ip6:
        return Zeroconf(interfaces=[args.ip, args.ip6], ip_version=IPVersion.All)
    if args.ip6:
        return Zeroconf(interfaces=[args.ip6], ip_version=IPVersion.V6Only)
    return Zeroconf(interfaces=[args.ip], ip_version=IPVersion.V4Only)


def make_info(args, txt, name=None):
    stype = fqdn_type(args.type)
    addresses = [socket.inet_aton(args.ip)] if args.ip else []
    if args.ip6:
        addresses.append(socket.inet_pton(socket.AF_INET6, args.ip6))
    return ServiceInfo(stype, name or "%s.%s" % (args.name, stype), addresses=addresses,
                       port=args.port, properties=txt, server="%s.local." % args.host)


def publish(args):
    zc = make_zeroconf(args)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    info = make_info(args, txt_dict(args.txt))
    say("register", info.name, "on", info.server)
    zc.register_service(info, allow_name_change=args.rename)
    say("registered", info.name)
    deadline = time.monotonic() + args.seconds
    pending = []
    if args.update_txt_after is not None:
        pending.append((args.update_txt_after, "update"))
    if args.withdraw_after is not None:
        pending.append((args.withdraw_after, "withdraw"))
    pending.sort()
    registered = True
    while not stop.is_set() and time.monotonic() < deadline:
        if pending and time.monotonic() - START >= pending[0][0]:
            _, what = pending.pop(0)
            if what == "update" and registered:
                info = make_info(args, txt_dict(args.new_txt), info.name)   # keeps a renamed name
                zc.update_service(info)
                say("updated-txt", info.name)
            elif what == "withdraw" and registered:
                zc.unregister_service(info)
                registered = False
                say("withdrawn", info.name)
        stop.wait(0.05)
    if registered:
        zc.unregister_service(info)
        say("withdrawn", info.name)
    zc.close()
    say("closed")


class Printer(ServiceListener):
    def __init__(self, resolve):
        self.resolve = resolve

    def add_service(self, zc, stype, name):
        say("add", name)
        if self.resolve:
            info = zc.get_service_info(stype, name, timeout=3000)
            if info:
                say("resolved", name, info.server, info.port, info.parsed_addresses(), info.properties)

    def update_service(self, zc, stype, name):
        say("update", name)

    def remove_service(self, zc, stype, name):
        say("remove", name)


def browse(args):
    zc = make_zeroconf(args)
    ServiceBrowser(zc, fqdn_type(args.type), Printer(resolve=True))
    time.sleep(args.seconds)
    zc.close()


def resolve(args):
    zc = make_zeroconf(args)
    stype = fqdn_type(args.type)
    info = zc.get_service_info(stype, "%s.%s" % (args.name, stype), timeout=int(args.seconds * 1000))
    if info:
        say("resolved", info.name, info.server, info.port, info.parsed_addresses(), info.properties)
    else:
        say("not-found", args.name)
    zc.close()
    return 0 if info else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    pub = sub.add_parser("publish")
    pub.add_argument("--ip")
    pub.add_argument("--ip6")
    pub.add_argument("--host", required=True)
    pub.add_argument("--name", default="zeroconf-web")
    pub.add_argument("--type", default="_http._tcp")
    pub.add_argument("--port", type=int, default=8081)
    pub.add_argument("--txt", nargs="*", default=["path=/zc"])
    pub.add_argument("--seconds", type=float, default=30)
    pub.add_argument("--update-txt-after", type=float)
    pub.add_argument("--new-txt", nargs="*", default=["path=/zc2"])
    pub.add_argument("--withdraw-after", type=float)
    pub.add_argument("--rename", action="store_true")
    for name in ("browse", "resolve"):
        s = sub.add_parser(name)
        s.add_argument("--ip")
        s.add_argument("--ip6")
        s.add_argument("--type", default="_http._tcp")
        s.add_argument("--seconds", type=float, default=5)
        if name == "resolve":
            s.add_argument("--name", required=True)
    args = p.parse_args()
    if not args.ip and not args.ip6:
        p.error("give --ip, --ip6 or both")
    return {"publish": publish, "browse": browse, "resolve": resolve}[args.cmd](args) or 0


if __name__ == "__main__":
    sys.exit(main())
