# micropython-mdns as a browser: one query for _http._tcp, prints what answered.
#   micropython mp_browser.py IP [TIMEOUT]
import sys
import uasyncio
import mp_unix_shim  # noqa: F401
from mdns_client import Client
from mdns_client.service_discovery import ServiceDiscovery

ip = sys.argv[1]
timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
discovery = ServiceDiscovery(Client(ip))


async def run():
    for found in await discovery.query_once("_http", "_tcp", timeout=timeout):
        print("found", found)


uasyncio.run(run())
