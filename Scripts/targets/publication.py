# The publication file the live targets get ($MDNS_PUBLICATION, written by `mdns conform`):
#   host LABEL
#   service<TAB>INSTANCE<TAB>TYPE<TAB>PORT<TAB>SUBTYPE,SUBTYPE<TAB>KEY=VALUE<TAB>...
# Plain Python that MicroPython runs too.


def read(path):
    """(host label, [(instance, type, port, [subtypes], {key: value or None})])"""
    host, services = None, []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("host "):
                host = line[5:]
            elif line.startswith("service\t"):
                fields = line.split("\t")
                txt = {}
                for kv in fields[5:]:
                    k, eq, v = kv.partition("=")
                    txt[k] = v if eq else None
                subtypes = [s for s in fields[4].split(",") if s]
                services.append((fields[1], fields[2], int(fields[3]), subtypes, txt))
    return host, services
