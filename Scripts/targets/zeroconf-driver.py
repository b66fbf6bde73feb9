#!/usr/bin/env python3
"""python-zeroconf as a conformance device under test (see zeroconf.target).

Publishes the host ($MDNS_ADDR4 and $MDNS_ADDR6) and services of $MDNS_PUBLICATION, over IPv4. SIGHUP re-reads
the file: a changed TXT is an update_service (RFC 6762 §8.4), a changed instance name an
unregister and a register (a rename). SIGTERM unregisters everything (goodbyes) and exits. python-zeroconf publishes an instance under one
type only, so the publication's subtypes are left out (the target lacks `subtypes`).
"""
import os
import signal
import socket
import sys
import threading

from zeroconf import IPVersion, ServiceInfo, Zeroconf

import publication


def info_for(host, service, addr, addr6):
    instance, type_, port, _subtypes, txt = service
    full_type = type_ + ".local."
    # both of the host's addresses, as the other targets publish them (A and AAAA, sent over IPv4)
    addresses = [socket.inet_aton(addr)] + ([socket.inet_pton(socket.AF_INET6, addr6)] if addr6 else [])
    return ServiceInfo(full_type, instance + "." + full_type, port=port, properties=txt,
                       server=host + ".local.", addresses=addresses)


def main():
    path, addr, addr6 = os.environ["MDNS_PUBLICATION"], os.environ["MDNS_ADDR4"], os.environ.get("MDNS_ADDR6", "")
    zc = Zeroconf(interfaces=[addr], ip_version=IPVersion.V4Only)
    host, services = publication.read(path)
    infos = [info_for(host, s, addr, addr6) for s in services]
    wake = threading.Event()
    state = {"reload": False, "stop": False}

    def on_hup(*_):
        state["reload"] = True
        wake.set()

    def on_term(*_):
        state["stop"] = True
        wake.set()

    signal.signal(signal.SIGHUP, on_hup)
    signal.signal(signal.SIGTERM, on_term)
    print("zeroconf-driver: registering", len(infos), "service(s) as", host, flush=True)
    # register_service blocks through probing (about 1.75 s): register the services side by side
    threads = [threading.Thread(target=zc.register_service, args=(info,)) for info in infos]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("zeroconf-driver: registered", flush=True)
    while not state["stop"]:
        wake.wait(1.0)
        wake.clear()
        if state["reload"]:
            state["reload"] = False
            _, new_services = publication.read(path)
            for i, s in enumerate(new_services[: len(infos)]):
                new = info_for(host, s, addr, addr6)
                if new.name != infos[i].name:
                    zc.unregister_service(infos[i])
                    zc.register_service(new)
                    print("zeroconf-driver: renamed to", new.name, flush=True)
                elif new.properties != infos[i].properties:
                    zc.update_service(new)
                    print("zeroconf-driver: updated TXT of", new.name, flush=True)
                infos[i] = new
    zc.unregister_all_services()
    zc.close()
    print("zeroconf-driver: withdrawn", flush=True)


if __name__ == "__main__":
    sys.exit(main())
