#!/bin/sh
# systemd-resolved 252 (Debian's .deb, unpacked into $PEERS_CACHE/resolved-root) as a device under
# test: MulticastDNS=yes on $MDNS_IFACE, its host name from a private UTS namespace, the services as
# .dnssd files (RFC 6763 DNS-SD), in a private mount namespace (ECOSYSTEM §6).
set -e
root=${PEERS_CACHE:-$MDNS_REPO/.build-peers}/resolved-root
dir=$MDNS_STATE/resolved
mkdir -p "$dir/etc/dnssd"
printf '[Resolve]\nMulticastDNS=yes\nLLMNR=no\nDNSSEC=no\nDNSStubListener=no\n' >"$dir/etc/resolved.conf"
PYTHONPATH=$MDNS_ADAPTER_DIR python3 - "$dir/etc/dnssd" <<'PY'
import os, sys
import publication
_, services = publication.read(os.environ["MDNS_PUBLICATION"])
for i, (instance, type_, port, _subtypes, txt) in enumerate(services):
    lines = ["[Service]", "Name=" + instance, "Type=" + type_, "Port=%d" % port]
    entries = [k if v is None else k + "=" + v for k, v in txt.items()]
    lines += ["TxtText=" + " ".join(entries)] if entries else []
    open(os.path.join(sys.argv[1], "s%d.dnssd" % i), "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
# it drops privileges to systemd-resolve: private passwd and group that have that user
{ grep -v '^systemd-resolve:' /etc/passwd; echo 'systemd-resolve:x:990:990::/run/systemd/resolve:/usr/sbin/nologin'; } >"$dir/passwd"
{ grep -v '^systemd-resolve:' /etc/group; echo 'systemd-resolve:x:990:'; } >"$dir/group"
exec unshare -m -u sh -c '
  hostname "$MDNS_HOST" &&
  mount --bind "$0/passwd" /etc/passwd && mount --bind "$0/group" /etc/group &&
  mkdir -p /run/systemd && mount -t tmpfs tmpfs /run/systemd &&
  mkdir -p /run/systemd/resolve/netif && printf "MDNS=yes\nLLMNR=no\n" >/run/systemd/resolve/netif/$MDNS_IFINDEX &&
  chown -R 990:990 /run/systemd/resolve &&
  mount --bind "$0/etc" /etc/systemd &&
  exec env SYSTEMD_LOG_LEVEL=debug "$1/lib/systemd/systemd-resolved"' "$dir" "$root"
