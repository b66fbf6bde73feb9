#!/usr/bin/env python3
"""python-zeroconf as a conformance device under test (see zeroconf.target).

Publishes the host and services of $MDNS_PUBLICATION on $MDNS_ADDR4 (IPv4 only). SIGHUP re-reads
the file: a changed TXT is an update_service (RFC 6762 §8.4), a changed instance name an
unregister and a register (a rename). SIGTERM unregisters everything (goodbyes) and exits.
"""
import os
import signal
import socket
import sys
import threading

from zeroconf import IPVersion, ServiceInfo, Zeroconf

import publication


def info_for(host, service, addr):
    instance, type_, port, _subtypes, txt = service
    full_type = type_ + ".local."
    return ServiceInfo(full_type, instance + "." + full_type, port=port, properties=txt,
                       server=host + ".local.", addresses=[socket.inet_aton(addr)])


def main():
    path, addr = os.environ["MDNS_PUBLICATION"], os.environ["MDNS_ADDR4"]
    zc = Zeroconf(interfaces=[addr], ip_version=IPVersion.V4Only)
    host, services = publication.read(path)
    infos = [info_for(host, s, addr) for s in services]
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
                new = info_for(host, s, addr)
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
