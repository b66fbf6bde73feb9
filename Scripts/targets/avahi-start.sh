#!/bin/sh
# avahi-daemon 0.8 as a device under test (see avahi.target): no D-Bus, the publication as static
# service files, in a private mount namespace for its fixed pid and service directories
# (ECOSYSTEM: /run/avahi-daemon, /etc/avahi/services stay untouched on the host).
set -e
mkdir -p "$MDNS_STATE/avahi-services"
python3 "$MDNS_ADAPTER_DIR/avahi-services.py"
cat > "$MDNS_STATE/avahi.conf" <<CONF
[server]
host-name=$MDNS_HOST
domain-name=local
use-ipv4=yes
use-ipv6=yes
allow-interfaces=$MDNS_IFACE
enable-dbus=no
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
publish-addresses=yes
[reflector]
enable-reflector=no
[rlimits]
CONF
exec unshare -m sh -c 'mkdir -p /run/avahi-daemon && mount -t tmpfs tmpfs /run/avahi-daemon &&
  mount --bind "$MDNS_STATE/avahi-services" /etc/avahi/services &&
  exec avahi-daemon -f "$MDNS_STATE/avahi.conf" --no-drop-root --no-chroot --no-rlimits --no-proc-title'
