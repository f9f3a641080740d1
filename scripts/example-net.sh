#!/bin/bash
# The shared NIC alone (`make example`; the main job is `make demo`): run
# examples/enet-tap.dts (the ENET model on a TAP, the driver, both muxes and
# four raw_responder clients in copy, remap and mixed modes), move its TAP
# into a private network namespace, ping and UDP-echo every client from
# there, show the per-client table of `sdvf stats`, and stop.  Needs root
# (a TAP and a namespace); it creates and deletes its own, named
# sdvf-example-<pid>, and sends traffic only inside that namespace.
#
#   scripts/example-net.sh [SECONDS]     (default 20: the system's limit)
set -euo pipefail
cd "$(dirname "$0")/.."

sdvf=${SDVF:-build/sdvf}
limit=${1:-20}
[ "$(id -u)" = 0 ] || {
	echo "example-net: needs root (a TAP interface and a network namespace)" >&2
	exit 1
}
[ -x "$sdvf" ] || {
	echo "example-net: $sdvf not built (run make)" >&2
	exit 1
}
fail() {
	echo "example-net: $*" >&2
	[ -f "${log:-}" ] && sed 's/^/  | /' "$log" >&2
	exit 1
}

work=$(mktemp -d /tmp/sdvf-example.XXXXXX)
chmod 755 "$work" # the confined PDs read the description's copy
ns=sdvf-example-$$
tap=sdvfx$$
net=10.213.9
dts=$work/net-example.dts
log=$work/run.log
export SDVF_STATS_DIR=$work/stats
mkdir -m 700 "$SDVF_STATS_DIR"
# shellcheck source=../tests/integration/enet_tap_lib.sh
. tests/integration/enet_tap_lib.sh
trap enet_tap_cleanup EXIT

echo "== starting examples/enet-tap.dts on TAP $tap, moved into namespace $ns"
enet_tap_start

echo "== from the namespace ($peer_ip): 3 pings and one UDP echo to each client"
for ip in $resp_ips; do
	ip netns exec "$ns" ping -c 3 -i 0.2 -W 2 "$ip" | tail -2 | head -1 |
		sed "s/^/  $ip ping: /"
	got=$(ip netns exec "$ns" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b"hello sdvf", (sys.argv[1], 1235))
print(s.recvfrom(2048)[0].decode())' "$ip" 2>/dev/null || echo "(no answer)")
	echo "  $ip UDP echo on 1235: $got"
done

echo "== sdvf stats: a row per client of the muxes, a line per mux, a row per PD"
echo "   (every counter: sdvf stats $(basename "$dts" .dts); one client's: --client NAME)"
"$sdvf" stats "$(basename "$dts" .dts)" | sed '/^  counters of /,$d'
"$sdvf" stats --client responder_remap "$(basename "$dts" .dts)" | sed 1d

echo "== stopping the system (its summary follows)"
kill -INT "$sdvf_pid"
wait "$sdvf_pid" || true
sdvf_pid=
tail -n 20 "$log"
