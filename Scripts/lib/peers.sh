# Real mDNS implementations as peers inside the namespaces of Scripts/lib/netns.sh, for recordings,
# interop runs and live conformance. Source it after netns.sh. Every start function runs one peer in
# one namespace, sets PEER_PID to the PID of the peer process itself (so SIGTERM reaches it and it can
# send its goodbyes) and adds that PID to NETNS_PIDS, so netns_kill_spawned ends it too.
#
#   peers_fetch                          caches micropython-mdns 1.8.0 (sdist) and systemd-resolved
#                                        (Debian's .deb, unpacked) under $PEERS_CACHE
#   peer_avahi_start NS IF HOST DIR [SVC TYPE PORT TXT] [--dbus BUS]
#                                        avahi-daemon publishing HOST.local (+ one static service);
#                                        no D-Bus unless --dbus (then BUS is the bus socket path)
#   peer_dbus_start NS BUS DIR           a private D-Bus system bus on socket BUS (for avahi-browse,
#                                        avahi-publish, avahi-resolve: DBUS_SYSTEM_BUS_ADDRESS=unix:path=BUS)
#   peer_zeroconf_start NS IP HOST LOG ARGS...
#                                        python-zeroconf (Scripts/peers/zeroconf_peer.py publish ARGS,
#                                        e.g. --name N --port P --ip6 fd53::i for dual stack); an IPv6
#                                        IP runs it on IPv6 only
#   peer_micropython_start NS IP HOST LOG [SECONDS]
#                                        micropython-mdns on MicroPython's unix port, host + _http._tcp
#   peer_resolved_start NS IF HOST DIR [SVC TYPE PORT TXT]
#                                        systemd-resolved, MulticastDNS=yes on IF, HOST.local (+ a DNS-SD
#                                        service from a .dnssd file)
#   peer_stop PID [SECONDS]              SIGTERM, wait (default 3 s), then SIGKILL; that PID only
#
# Logs go to DIR/*.log (or LOG). Nothing here touches the host's own /etc or /run: every daemon that
# needs fixed paths gets a private mount namespace (unshare -m) with tmpfs and bind mounts.

PEERS_ROOT=${PEERS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PEERS_CACHE=${PEERS_CACHE:-$PEERS_ROOT/.build-peers}
PEERS_SCRIPTS=$PEERS_ROOT/Scripts/peers
PEERS_MICROPYTHON_MDNS=micropython-mdns==1.8.0
PEER_PID=

peers_fetch() {
  mkdir -p "$PEERS_CACHE"
  if [[ ! -d $PEERS_CACHE/micropython_mdns-1.8.0/mdns_client ]]; then
    python3 -m pip download -q --no-deps --no-binary :all: "$PEERS_MICROPYTHON_MDNS" -d "$PEERS_CACHE" >&2
    tar -xzf "$PEERS_CACHE"/micropython_mdns-1.8.0.tar.gz -C "$PEERS_CACHE"
  fi
  if [[ ! -x $PEERS_CACHE/resolved-root/lib/systemd/systemd-resolved ]]; then
    # apt-get download writes into the working directory; _apt cannot write the cache, run as root
    (cd "$PEERS_CACHE" && { apt-get download -q systemd-resolved >&2 2>/dev/null ||
      { apt-get update -qq >&2 && apt-get download -q systemd-resolved >&2 2>/dev/null; }; })
    mkdir -p "$PEERS_CACHE/resolved-root"
    dpkg -x "$PEERS_CACHE"/systemd-resolved_*.deb "$PEERS_CACHE/resolved-root"
  fi
}

# the version strings the manifest records
peers_versions() {
  printf 'avahi\t%s\n' "$(avahi-daemon --version 2>/dev/null | awk '{print $2}') ($(dpkg-query -W -f='${Version}' avahi-daemon 2>/dev/null))"
  printf 'zeroconf\t%s\n' "$(python3 -c 'import zeroconf; print(zeroconf.__version__)' 2>/dev/null)"
  printf 'micropython-mdns\t1.8.0 on MicroPython %s\n' "$(micropython -c 'import sys; v = sys.implementation.version; print("%d.%d.%d-%s" % v[:4] if len(v) > 3 else "%d.%d.%d" % v)' 2>/dev/null)"
  printf 'systemd-resolved\t%s\n' "$(dpkg-deb -f "$PEERS_CACHE"/systemd-resolved_*.deb Version 2>/dev/null)"
}

_peer_spawn() {   # NS LOG CMD...: like netns_spawn, and PEER_PID is the new process
  netns_spawn "$@"
  PEER_PID=${NETNS_PIDS[-1]}
}

# the static service file avahi-daemon reads from /etc/avahi/services
_peer_avahi_service() {   # FILE NAME TYPE PORT TXT
  cat >"$1" <<EOF
<?xml version="1.0" standalone='no'?>
<service-group>
  <name>$2</name>
  <service><type>$3</type><port>$4</port><txt-record>$5</txt-record></service>
</service-group>
EOF
}

peer_avahi_start() {
  local ns=$1 ifname=$2 host=$3 dir=$4 dbus=no bus=
  shift 4
  local svc=() a
  while (( $# )); do
    a=$1; shift
    if [[ $a == --dbus ]]; then dbus=yes; bus=$1; shift; else svc+=("$a"); fi
  done
  mkdir -p "$dir/services"
  cat >"$dir/avahi-daemon.conf" <<EOF
[server]
host-name=$host
domain-name=local
use-ipv4=yes
use-ipv6=yes
allow-interfaces=$ifname
enable-dbus=$dbus
ratelimit-interval-usec=1000000
ratelimit-burst=1000
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
publish-addresses=yes
[reflector]
enable-reflector=no
[rlimits]
EOF
  (( ${#svc[@]} >= 4 )) && _peer_avahi_service "$dir/services/peer.service" "${svc[@]:0:4}"
  local env=()
  [[ -n $bus ]] && env=(env "DBUS_SYSTEM_BUS_ADDRESS=unix:path=$bus")
  # avahi-daemon has a fixed pid file and service folder: give each instance its own mount namespace
  _peer_spawn "$ns" "$dir/avahi.log" "${env[@]}" unshare -m sh -c '
    mkdir -p /run/avahi-daemon && mount -t tmpfs tmpfs /run/avahi-daemon &&
    mount --bind "$1/services" /etc/avahi/services &&
    exec avahi-daemon -f "$1/avahi-daemon.conf" --no-drop-root --no-chroot --no-rlimits --no-proc-title' sh "$dir"
}

peer_dbus_start() {
  local ns=$1 bus=$2 dir=$3
  mkdir -p "$dir"
  cat >"$dir/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/> <allow own="*"/> <allow send_destination="*" eavesdrop="true"/> <allow eavesdrop="true"/>
  </policy>
</busconfig>
EOF
  rm -f "$bus"
  _peer_spawn "$ns" "$dir/dbus.log" dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile
  local i
  for ((i = 0; i < 50; i++)); do [[ -S $bus ]] && return 0; sleep 0.1; done
  echo "peers: D-Bus socket $bus did not appear" >&2
  return 1
}

peer_zeroconf_start() {
  local ns=$1 ip=$2 host=$3 log=$4
  shift 4
  local opt=--ip; [[ $ip == *:* ]] && opt=--ip6
  _peer_spawn "$ns" "$log" python3 -u "$PEERS_SCRIPTS/zeroconf_peer.py" publish "$opt" "$ip" --host "$host" "$@"
}

peer_micropython_start() {
  local ns=$1 ip=$2 host=$3 log=$4 seconds=${5:-60}
  _peer_spawn "$ns" "$log" env "MICROPYPATH=$PEERS_SCRIPTS:$PEERS_CACHE/micropython_mdns-1.8.0:.frozen" \
    micropython "$PEERS_SCRIPTS/mp_responder.py" "$ip" "$host" "$seconds"
}

peer_resolved_start() {
  local ns=$1 ifname=$2 host=$3 dir=$4
  shift 4
  local root=$PEERS_CACHE/resolved-root
  mkdir -p "$dir/etc/dnssd"
  printf '[Resolve]\nMulticastDNS=yes\nLLMNR=no\nDNSSEC=no\nDNSStubListener=yes\n' >"$dir/etc/resolved.conf"
  if (( $# >= 4 )); then
    printf '[Service]\nName=%s\nType=%s\nPort=%s\nTxtText=%s\n' "$1" "$2" "$3" "$4" >"$dir/etc/dnssd/peer.dnssd"
  fi
  # the daemon drops privileges to systemd-resolve: private passwd/group that have that user
  { grep -v '^systemd-resolve:' /etc/passwd; echo 'systemd-resolve:x:990:990::/run/systemd/resolve:/usr/sbin/nologin'; } >"$dir/passwd"
  { grep -v '^systemd-resolve:' /etc/group; echo 'systemd-resolve:x:990:'; } >"$dir/group"
  local ifindex
  ifindex=$(ip -n "$ns" -o link show dev "$ifname" | cut -d: -f1)
  _peer_spawn "$ns" "$dir/resolved.log" unshare -m -u sh -c '
    hostname "$2" &&
    mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group &&
    mkdir -p /run/systemd && mount -t tmpfs tmpfs /run/systemd &&
    mkdir -p /run/systemd/resolve/netif && printf "MDNS=yes\nLLMNR=no\n" >/run/systemd/resolve/netif/$3 &&
    chown -R 990:990 /run/systemd/resolve &&
    mount --bind "$1/etc" /etc/systemd &&
    exec env SYSTEMD_LOG_LEVEL=debug "$4/lib/systemd/systemd-resolved"' sh "$dir" "$host" "$ifindex" "$root"
}

peer_stop() {
  local pid=$1 seconds=${2:-3} i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < seconds * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
