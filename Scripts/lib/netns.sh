# Network-namespace topology for swift-mdns's live tests, recordings and interop runs.
# Source it; it touches no host interface and sends nothing on the host's own links.
#
#   netns_up PREFIX N [--second-link]   N hosts PREFIX1..PREFIXN on one bridge (in PREFIXbr):
#                                       host i has vethi with 10.53.0.i/24 and fd53::i/64 (plus its
#                                       fe80:: address); --second-link adds vx1 (host 1) <-> vx3
#                                       (host 3) with 10.54.0.{1,3}/24 and fd54::{1,3}/64
#   netns_down PREFIX                   deletes PREFIX1..PREFIX9 and PREFIXbr (only those)
#   netns_spawn NS LOG CMD...           starts CMD in NS in the background, records its PID
#   netns_kill_spawned                  ends (TERM, then KILL) only the PIDs netns_spawn started
#
# PREFIX keeps parallel runs apart (namespace names only: each bridge is its own link, so the
# addresses repeat safely). Use a short one, ≤ 8 characters: interface names are built from it.
# Inside each host the index of vethi is 2 and of vx1/vx3 is 3.

NETNS_PIDS=()

netns_up() {
  local prefix=$1 n=$2 second=${3:-}
  local br=${prefix}br
  ip netns add "$br"
  ip -n "$br" link set lo up
  ip -n "$br" link add br0 type bridge mcast_snooping 0   # no IGMP/MLD snooping surprises
  ip -n "$br" link set br0 up
  local i ns
  for ((i = 1; i <= n; i++)); do
    ns=$prefix$i
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    ip link add "veth$i" netns "$ns" type veth peer name "p$i" netns "$br"
    ip -n "$br" link set "p$i" master br0 up
    ip -n "$ns" link set "veth$i" up multicast on
    ip -n "$ns" addr add "10.53.0.$i/24" dev "veth$i"
    # senders that never set IP_MULTICAST_IF (micropython-mdns) need a multicast route
    ip -n "$ns" route add 224.0.0.0/4 dev "veth$i"
    ip -n "$ns" addr add "fd53::$i/64" dev "veth$i" nodad
    # real checksums in captures, so recordings replay
    ip netns exec "$ns" ethtool -K "veth$i" tx off >/dev/null 2>&1 || true
  done
  if [[ $second == --second-link ]]; then
    ip -n "${prefix}1" link add vx1 type veth peer name vx3 netns "${prefix}3"
    ip -n "${prefix}1" link set vx1 up multicast on
    ip -n "${prefix}3" link set vx3 up multicast on
    ip -n "${prefix}1" addr add 10.54.0.1/24 dev vx1
    ip -n "${prefix}3" addr add 10.54.0.3/24 dev vx3
    ip -n "${prefix}1" addr add fd54::1/64 dev vx1 nodad
    ip -n "${prefix}3" addr add fd54::3/64 dev vx3 nodad
    ip netns exec "${prefix}1" ethtool -K vx1 tx off >/dev/null 2>&1 || true
    ip netns exec "${prefix}3" ethtool -K vx3 tx off >/dev/null 2>&1 || true
  fi
  # link-local IPv6 addresses come up asynchronously; wait until every host has one (≤ 3 s)
  local tries
  for ((i = 1; i <= n; i++)); do
    for ((tries = 0; tries < 30; tries++)); do
      [[ $(ip -n "$prefix$i" -6 addr show dev "veth$i" scope link) == *fe80* ]] && break
      sleep 0.1
    done
  done
}

netns_down() {
  local prefix=$1 i
  for i in 1 2 3 4 5 6 7 8 9 br; do
    ip netns del "$prefix$i" 2>/dev/null || true
  done
}

netns_spawn() {
  local ns=$1 log=$2
  shift 2
  ip netns exec "$ns" "$@" >"$log" 2>&1 &
  NETNS_PIDS+=($!)
}

netns_kill_spawned() {
  local pid
  for pid in "${NETNS_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${NETNS_PIDS[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  NETNS_PIDS=()
}
