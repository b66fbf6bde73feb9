# micropython-mdns 1.8.0 as a conformance device under test (see micropython-mdns.target): the
# host and services of $MDNS_PUBLICATION on $MDNS_ADDR4, until SIGTERM ends the process.
import os
import uasyncio
import mp_unix_shim  # noqa: F401  (Scripts/peers, before the library)
from mdns_client import Client
from mdns_client.responder import Responder

import publication

ip = os.getenv("MDNS_ADDR4")
host, services = publication.read(os.getenv("MDNS_PUBLICATION"))

responder = Responder(Client(ip), own_ip=lambda: ip, host=lambda: host)
for instance, type_, port, _subtypes, txt in services:
    protocol, transport = type_.split(".")
    data = {k: (v if v is not None else "") for k, v in txt.items()}
    responder.advertise(protocol, transport, port=port, data=data, service_host_name=instance)
print("micropython-driver: advertising", host + ".local", "on", ip)


async def run():
    while True:
        await uasyncio.sleep(3600)


uasyncio.run(run())
