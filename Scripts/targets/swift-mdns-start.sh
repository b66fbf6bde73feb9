#!/bin/sh
# swift-mdns's own live driver as a device under test (see swift-mdns.target):
#   mdns publish NAME TYPE PORT [k=v...] [--subtype S] [--host H], or mdns publish --host H --address A
set -f
# a host name alone (the case publishes no service): its address records only
if [ "$MDNS_SERVICES" = 0 ]; then
  exec "$MDNS_BIN" publish --host "$MDNS_HOST" --address "$MDNS_ADDR4" --address "$MDNS_ADDR6"
fi
IFS='
'
set -- $MDNS_TXT
IFS=,
for s in $MDNS_SUBTYPES; do set -- "$@" --subtype "$s"; done
# --host with --address: the command claims that host name (probes it and answers A/AAAA)
exec "$MDNS_BIN" publish "$MDNS_INSTANCE" "$MDNS_TYPE" "$MDNS_PORT" "$@" --host "$MDNS_HOST" --address "$MDNS_ADDR4" --address "$MDNS_ADDR6"
