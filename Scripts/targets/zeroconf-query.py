#!/usr/bin/env python3
"""python-zeroconf as the querier of a conformance case (see zeroconf.target).

Browses $MDNS_QUERY_NAME with a ServiceBrowser, python-zeroconf's continuous query (RFC 6762 §5.2),
on $MDNS_ADDR4 until SIGTERM. python-zeroconf's API asks continuously only for PTR records (browse);
any other question exits 77, which the harness reports as unsupported.
"""
import os
import signal
import sys
import threading
import time

from zeroconf import IPVersion, ServiceBrowser, Zeroconf

UNSUPPORTED = 77


def main():
    name, qtype = os.environ["MDNS_QUERY_NAME"], os.environ["MDNS_QUERY_TYPE"]
    if qtype != "PTR" or os.environ.get("MDNS_QUERY_CONTINUOUS") != "1":
        print("zeroconf-query: python-zeroconf has no API for a", "continuous" if os.environ.get("MDNS_QUERY_CONTINUOUS") == "1" else "one-shot",
              qtype, "query (ServiceBrowser asks PTR continuously)", flush=True)
        return UNSUPPORTED
    zc = Zeroconf(interfaces=[os.environ["MDNS_ADDR4"]], ip_version=IPVersion.V4Only)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def on_change(zeroconf, service_type, name, state_change):
        print("zeroconf-query:", state_change.name, name, flush=True)

    # the browser's first query waits for the instance's sockets: be ready only once they are
    while not zc.started:
        time.sleep(0.001)
    print("zeroconf-query: browsing", name, flush=True)
    browser = ServiceBrowser(zc, name, handlers=[on_change])
    while not stop.wait(1.0):
        pass
    browser.cancel()
    zc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
