# micropython-mdns as a responder: HOST.local (A) and HOST._http._tcp.local, for SECONDS.
#   micropython mp_responder.py IP HOST SECONDS     (MICROPYPATH: this folder, the library, .frozen)
import sys
import uasyncio
import mp_unix_shim  # noqa: F401  (must come before the library)
from mdns_client import Client
from mdns_client.responder import Responder

ip, host, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
responder = Responder(Client(ip), own_ip=lambda: ip, host=lambda: host)
responder.advertise("_http", "_tcp", port=8080, data={"path": "/mp"})
print("advertising", host + ".local", "on", ip)


async def run():
    await uasyncio.sleep(seconds)


uasyncio.run(run())
