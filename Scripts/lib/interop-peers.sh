# One interface per peer for Scripts/interop (and recordings of swift-mdns meeting real peers).
# Source after netns.sh and peers.sh. A cell has P (namespace prefix: host 1 = the peer at 10.53.0.1 /
# fd53::1 on veth1, host 2 = swift-mdns at 10.53.0.2 / fd53::2 on veth2), D (its results folder),
# FAM (4 or 6) and MDNS_BIN. For each PEER in avahi zeroconf micropython resolved swift mdnsd jmdns
# hashicorp:
#   PEER_publish NAME PORT TXT [rename]  starts the peer publishing NAME._http._tcp on host 1 and
#                                        waits (bounded) until it says so; PEER_PID is its process
#   PEER_browse SECONDS                  runs the peer's browser for _http._tcp to completion
#                                        ($D/peer-browse.log)
#   PEER_saw NAME HOST ADDR PORT TXT     true if that log resolved the instance
#   PEER_lookup HOST                     runs the peer's host-name lookup ($D/peer-lookup.log) and
#   PEER_found ADDR                      true if it printed ADDR
#   PEER_renamed NAME                    true if the peer's own output says it left NAME for another
#   PEER_removed NAME                    true if the peer's browser printed NAME's removal
# PEER_HOST is the peer's host label. Functions that a peer cannot do are absent.

JMDNS_CP=/usr/share/java/jmdns.jar:/usr/share/java/slf4j-api.jar
INTEROP_JAVA=$PEERS_CACHE/jmdns-driver

INTEROP_GO=$PEERS_CACHE/go/hashicorp-peer

interop_peers_build() {   # compiles our JmDNS and hashicorp/mdns drivers once
  if [[ ! -f $INTEROP_JAVA/JmdnsPeer.class || $PEERS_SCRIPTS/JmdnsPeer.java -nt $INTEROP_JAVA/JmdnsPeer.class ]]; then
    mkdir -p "$INTEROP_JAVA"
    javac -nowarn -d "$INTEROP_JAVA" -cp "$JMDNS_CP" "$PEERS_SCRIPTS/JmdnsPeer.java" >&2
  fi
  if [[ ! -x $INTEROP_GO || $PEERS_SCRIPTS/hashicorp_peer.go -nt $INTEROP_GO ]]; then
    # Debian's Go packages live in /usr/share/gocode (GOPATH mode, no module download)
    mkdir -p "${INTEROP_GO%/*}"
    GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE="${INTEROP_GO%/*}/cache" go build -o "$INTEROP_GO" "$PEERS_SCRIPTS/hashicorp_peer.go" >&2
  fi
}

until_in() {   # FILE REGEX SECONDS: true once FILE has a line matching REGEX (polls every 50 ms)
  local file=$1 re=$2 secs=$3 i
  for ((i = 0; i < secs * 20; i++)); do
    grep -Eq -- "$re" "$file" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

peer_ip() { if [[ $FAM == 4 ]]; then echo "10.53.0.$1"; else echo "fd53::$1"; fi; }
peer_fam() { echo "IPv$FAM"; }
escaped() { printf '%s' "$1" | sed 's/ /\\\\032/g'; }   # a name as avahi-style -p output prints it, as an ERE
squash() { tr '\n' '|' <"$1" 2>/dev/null | cut -c1-${2:-200}; }

# ---------------------------------------------------------------- swift-mdns (host 2, or host 1 as a peer)
ours() {   # NAME ARGS...: mdns ARGS in host 2 in the background, output $D/NAME.log
  local name=$1; shift
  netns_spawn "${P}2" "$D/$name.log" "$MDNS_BIN" "$@" --hostname h2 "-$FAM"
  OURS_PID=${NETNS_PIDS[-1]}
}
ours_run() {   # NAME SECONDS ARGS...: mdns ARGS in host 2 to completion
  local name=$1 secs=$2; shift 2
  timeout "$secs" ip netns exec "${P}2" "$MDNS_BIN" "$@" --hostname h2 "-$FAM" >"$D/$name.log" 2>&1
}

swift_publish() {
  PEER_HOST=h1
  netns_spawn "${P}1" "$D/peer.log" "$MDNS_BIN" publish "$1" _http._tcp "$2" "$3" --hostname h1 "-$FAM"
  PEER_PID=${NETNS_PIDS[-1]}
  [[ ${4:-} == at-once ]] && return 0
  until_in "$D/peer.log" '^registered ' 6
}
swift_browse() { timeout $(($1 + 3)) ip netns exec "${P}1" "$MDNS_BIN" browse -rp _http._tcp --timeout "$1" --hostname h1 "-$FAM" >"$D/peer-browse.log" 2>&1; }
swift_saw() {
  local n; n=$(escaped "$1")
  grep -Eq "^=;veth1;$(peer_fam);$n;_http\._tcp;local;$2\.local;$3;$4;\"$5\"" "$D/peer-browse.log"
}
swift_removed() { grep -Eq "^-;veth1;$(peer_fam);$(escaped "$1");_http" "$D/peer-browse.log"; }
swift_lookup() { timeout 8 ip netns exec "${P}1" "$MDNS_BIN" lookup "$1.local" --hostname h1 "-$FAM" >"$D/peer-lookup.log" 2>&1; }
swift_found() { grep -Eq "	($1)\$" "$D/peer-lookup.log"; }
swift_renamed() { grep -Eq "^renamed $1\._http" "$D/peer.log"; }

# ---------------------------------------------------------------- avahi-daemon with a private D-Bus
avahi_up() {   # [NAME PORT TXT]: the daemon (and its bus), with a static service when given
  PEER_HOST=avahi-h1
  AVAHI_BUS=$D/avahi/bus
  peer_dbus_start "${P}1" "$AVAHI_BUS" "$D/avahi" || return 1
  if (( $# )); then
    peer_avahi_start "${P}1" veth1 avahi-h1 "$D/avahi" "$1" _http._tcp "$2" "$3" --dbus "$AVAHI_BUS"
  else
    peer_avahi_start "${P}1" veth1 avahi-h1 "$D/avahi" --dbus "$AVAHI_BUS"
  fi
  ln -sf avahi/avahi.log "$D/peer.log"
  until_in "$D/avahi/avahi.log" 'Server startup complete' 8
}
avahi_publish() {
  avahi_up "$1" "$2" "$3" || return 1
  [[ ${4:-} == at-once ]] && return 0
  until_in "$D/avahi/avahi.log" 'successfully established' 8
}
avahi_tool() {   # SECONDS TOOL ARGS...: an avahi client on the daemon's private bus, bounded
  local secs=$1; shift
  timeout "$secs" ip netns exec "${P}1" env "DBUS_SYSTEM_BUS_ADDRESS=unix:path=$AVAHI_BUS" "$@"
}
avahi_browse() {
  [[ -n ${AVAHI_BUS:-} ]] || avahi_up || return 1
  avahi_tool "$1" avahi-browse -rpk _http._tcp >"$D/peer-browse.log" 2>&1
  return 0
}
avahi_saw() {
  grep -Eq "^=;veth1;$(peer_fam);$(escaped "$1");_http\._tcp;local;$2\.local;$3;$4;\"$5\"" "$D/peer-browse.log"
}
avahi_removed() { grep -Eq "^-;veth1;$(peer_fam);$(escaped "$1");_http" "$D/peer-browse.log"; }
avahi_lookup() {
  [[ -n ${AVAHI_BUS:-} ]] || avahi_up || return 1
  avahi_tool 8 avahi-resolve "-$FAM" -n "$1.local" >"$D/peer-lookup.log" 2>&1
}
avahi_found() { grep -Eq "	($1)\$" "$D/peer-lookup.log"; }
avahi_renamed() { grep -Eq "(conflict|collision).*\"$1\"" "$D/avahi/avahi.log"; }

# ---------------------------------------------------------------- python-zeroconf (our driver)
zeroconf_publish() {
  PEER_HOST=zc-h1
  local extra=()
  [[ ${4:-} == rename || ${4:-} == at-once ]] && extra=(--rename)
  peer_zeroconf_start "${P}1" "$(peer_ip 1)" zc-h1 "$D/peer.log" --name "$1" --port "$2" --txt "$3" --seconds 40 \
    "${extra[@]}" "${ZC_EXTRA[@]}"
  # at once: as soon as Python has imported zeroconf and starts probing
  [[ ${4:-} == at-once ]] && { until_in "$D/peer.log" ' register ' 8; return 0; }
  until_in "$D/peer.log" ' registered ' 8
}
zeroconf_ip() { if [[ $FAM == 4 ]]; then echo --ip 10.53.0.1; else echo --ip6 fd53::1; fi; }   # its interface
# shellcheck disable=SC2046
zeroconf_browse() { timeout $(($1 + 4)) ip netns exec "${P}1" python3 -u "$PEERS_SCRIPTS/zeroconf_peer.py" browse $(zeroconf_ip) --seconds "$1" >"$D/peer-browse.log" 2>&1; }
zeroconf_saw() {   # ADDR is an ERE (one address or alternatives); the list holds only such addresses
  local n; n=$(printf '%s' "$1" | sed 's/[].[*^$()+?{|\\]/\\&/g')
  grep -Eq "resolved $n\\._http\\._tcp\\.local\\. $2\\.local\\. $4 \\[('($3)'(, )?)+\\] \\{b'${5%%=*}': b'${5#*=}'\\}" "$D/peer-browse.log"
}
zeroconf_removed() { grep -Fq " remove $1._http._tcp.local." "$D/peer-browse.log"; }
zeroconf_renamed() { grep -Eq " registered " "$D/peer.log" && ! grep -Fq " registered $1._http" "$D/peer.log"; }

# ---------------------------------------------------------------- micropython-mdns 1.8 (unix port)
micropython_publish() {   # the library's instance name is its host name: NAME is the host label
  PEER_HOST=$1
  peer_micropython_start "${P}1" 10.53.0.1 "$1" "$D/peer.log" 40
  until_in "$D/peer.log" '^advertising' 8 && sleep 0.5
}
micropython_browse() {
  timeout $(($1 + 4)) ip netns exec "${P}1" env "MICROPYPATH=$PEERS_SCRIPTS:$PEERS_CACHE/micropython_mdns-1.8.0:.frozen" \
    micropython "$PEERS_SCRIPTS/mp_browser.py" 10.53.0.1 "$1" >"$D/peer-browse.log" 2>&1
}
micropython_saw() {
  grep -Fq "name=$1._http._tcp.local priority=0 weight=0 target=$2.local port=$4 ips={'${3//\\/}'}" "$D/peer-browse.log"
}

# ---------------------------------------------------------------- systemd-resolved (unpacked from Debian)
resolved_publish() {
  PEER_HOST=rs-h1
  peer_resolved_start "${P}1" veth1 rs-h1 "$D/resolved" "$1" _http._tcp "$2" "$3"
  ln -sf resolved/resolved.log "$D/peer.log"
  [[ ${4:-} == at-once ]] && return 0
  # it logs each probe it sends; three probes then the announcement
  until_in "$D/resolved/resolved.log" 'Sending.*announc|announcement|successfully' 8 || sleep 2
}
resolved_up() { [[ -n ${PEER_PID:-} ]] || { resolved_publish "rs-web" 8081 path=/rs; }; }
resolved_lookup() {
  resolved_up
  local t=A; [[ $FAM == 6 ]] && t=AAAA
  timeout 8 ip netns exec "${P}1" dig +tries=1 +time=5 -p 53 @127.0.0.53 "$1.local" "$t" >"$D/peer-lookup.log" 2>&1
}
resolved_found() { grep -Eq "^[^;].*IN[[:space:]]+A{1,4}[[:space:]]+($1)\$" "$D/peer-lookup.log"; }
resolved_renamed() { grep -Eq "Detected conflict on $(escaped "$1")\\._http" "$D/resolved/resolved.log"; }

# ---------------------------------------------------------------- mdnsd 0.12 (troglobit, Debian)
mdnsd_publish() {
  PEER_HOST=mdnsd-h1
  mkdir -p "$D/mdnsd.d"
  # mdnsd takes its host name from a "name" line too: leave it out, so both are the system's
  printf 'type _http._tcp\nport %s\ntxt %s\n' "$2" "$3" >"$D/mdnsd.d/peer.service"
  # its host name is the system's: a private UTS namespace; a private /run for its pid file
  PEERS_DIR=$D _peer_spawn "${P}1" "$D/peer.log" unshare -m -u sh -c \
    'hostname mdnsd-h1 && mount -t tmpfs tmpfs /run && exec mdnsd -n -i veth1 -l debug "$1"' sh "$D/mdnsd.d"
  [[ ${4:-} == at-once ]] && return 0
  # after its three probes it announces twice, two seconds apart; start from the steady state,
  # so that whether its second announcement meets our probing is no matter of chance
  local i
  for ((i = 0; i < 160; i++)); do (( $(grep -c 'Send Publish SRV' "$D/peer.log") >= 2 )) && return 0; sleep 0.05; done
  return 1
}
mdnsd_browse() {
  timeout $(($1 + 3)) ip netns exec "${P}1" mquery -i veth1 -w "$1" -t 12 _http._tcp.local >"$D/peer-browse.log" 2>&1
  return 0
}
mdnsd_saw() { grep -Fq "$1._http._tcp.local" "$D/peer-browse.log" && grep -Eq "$2\.local.*$4|$4.*$2\.local" "$D/peer-browse.log"; }
mdnsd_lookup() { timeout 8 ip netns exec "${P}1" mquery -i veth1 -w 3 -t 1 "$1.local" >"$D/peer-lookup.log" 2>&1; return 0; }
mdnsd_found() { grep -Fq "$1" "$D/peer-lookup.log"; }
mdnsd_renamed() { grep -Eq "conflicting name detected $1\\._http" "$D/peer.log"; }

# ---------------------------------------------------------------- JmDNS 3.5 (our Java driver)
jmdns_java() { echo java "-Djava.net.preferIPv4Stack=$([[ $FAM == 4 ]] && echo true || echo false)" -cp "$JMDNS_CP:$INTEROP_JAVA" JmdnsPeer; }
jmdns_publish() {
  PEER_HOST=jm-h1
  # shellcheck disable=SC2046
  netns_spawn "${P}1" "$D/peer.log" $(jmdns_java) publish "$(peer_ip 1)" jm-h1 "$1" _http._tcp "$2" "$3" 40
  PEER_PID=${NETNS_PIDS[-1]}
  # at once: as soon as the JVM is up and JmDNS starts probing the service
  [[ ${4:-} == at-once ]] && { until_in "$D/peer.log" ' probing ' 10; return 0; }
  until_in "$D/peer.log" ' announced ' 15
}
# shellcheck disable=SC2046
jmdns_browse() { timeout $(($1 + 6)) ip netns exec "${P}1" $(jmdns_java) browse "$(peer_ip 1)" _http._tcp "$1" >"$D/peer-browse.log" 2>&1; return 0; }
# JmDNS 3.5 leaves the server name empty in the resolved ServiceInfo here: it is optional
# (and prints IPv6 addresses in full, [fd53:0:0:0:0:0:0:2])
jmdns_saw() {
  local a=$3; [[ $FAM == 6 ]] && a='\[fd53:0:0:0:0:0:0:2\].*'
  grep -Eq "resolved $1 ($2\\.local\\.)? \\[($a)\\] $4 \\|$5\$" "$D/peer-browse.log"
}
jmdns_removed() { grep -Fq " removed $1" "$D/peer-browse.log"; }
jmdns_renamed() { grep -Eq " announced " "$D/peer.log" && ! grep -Eq " announced $1\$" "$D/peer.log"; }

# ---------------------------------------------------------------- hashicorp/mdns 1.0.3 (our Go driver)
hashicorp_publish() {
  PEER_HOST=hc-h1
  netns_spawn "${P}1" "$D/peer.log" "$INTEROP_GO" publish "$(peer_ip 1)" hc-h1 "$1" _http._tcp "$2" "$3" 40
  PEER_PID=${NETNS_PIDS[-1]}
  # it never probes nor announces: once its sockets are open it answers
  until_in "$D/peer.log" ' published ' 8
}
hashicorp_browse() { timeout $(($1 + 3)) ip netns exec "${P}1" "$INTEROP_GO" browse "$(peer_ip 1)" _http._tcp "$1" >"$D/peer-browse.log" 2>&1; return 0; }
hashicorp_saw() {   # NAME as miekg/dns presents it (a space is "\ ")
  local n; n=$(printf '%s' "$1" | sed 's/ /\\\\ /g')
  grep -Eq "resolved $n\\._http\\._tcp\\.local\\. $2\\.local\\. ($3) $4 $5\$" "$D/peer-browse.log"
}
