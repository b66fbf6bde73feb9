#!/usr/bin/env python3
"""Writes $MDNS_PUBLICATION as avahi static service files in $MDNS_STATE/avahi-services."""
import glob
import os
from xml.sax.saxutils import escape

import publication

state = os.environ["MDNS_STATE"]
out = os.path.join(state, "avahi-services")
for old in glob.glob(os.path.join(out, "*.service")):
    os.remove(old)
_, services = publication.read(os.environ["MDNS_PUBLICATION"])
for i, (instance, type_, port, subtypes, txt) in enumerate(services):
    body = [f"<service-group><name>{escape(instance)}</name><service><type>{escape(type_)}</type>"]
    body += [f"<subtype>{escape(s)}._sub.{escape(type_)}</subtype>" for s in subtypes]
    entries = [k if v is None else k + "=" + v for k, v in txt.items()]
    body += [f"<port>{port}</port>"] + [f"<txt-record>{escape(t)}</txt-record>" for t in entries]
    body += ["</service></service-group>\n"]
    with open(os.path.join(out, f"s{i}.service"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" standalone="no"?>\n' + "".join(body))
