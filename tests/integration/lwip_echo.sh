#!/usr/bin/env bash
# Integration: examples/lwip-echo.dts, two lwIP echo clients
# (clients/echo_client.c over clients/lwip_netif.c, under the client
# seccomp filter) sharing the NIC on a TAP wire, one copy mode (.2), one
# remap mode both ways (.3), against a real Linux stack in a private
# network namespace.  For each client:
#   - ping -c 5: 0% loss, and the namespace learnt its own MAC (ARP);
#   - UDP echo on 1235 of payloads of 1..1472 bytes (a sample incl. 1 and
#     1472), each byte-identical from the client's address and port;
#   - a 1 MiB TCP echo transfer on 1236, byte-identical;
#   - 10,000 UDP echoes at a moderate rate (window 8): zero loss, each
#     byte-identical;
# then the clients' counters (sdvf stats --format=kv) match what was sent,
# and SIGINT stops the system: exit 0, no PD died or restarted.
# Needs root.  Everything it makes is named after this shell's pid and
# removed on exit; traffic stays inside the namespace.
set -euo pipefail
cd "$(dirname "$0")/../.."

sdvf=${BUILD:-build}/sdvf
if [ "$(id -u)" -ne 0 ]; then
	echo "lwip_echo: needs root (network namespace and tap)" >&2
	exit 1
fi
[ -x "$sdvf" ] || { echo "lwip_echo: $sdvf not built" >&2; exit 1; }

n=$(($$ % 250 + 1))
net=10.215.$n
tap=sdvl$$
ns=sdvf-lwip-$$
work=$(mktemp -d /tmp/sdvf-lwip-echo.XXXXXX)
log=$work/run.log
name=lwip-echo-$$
dts=$work/$name.dts
sdvf_pid=
pds="net_nic net_driver net_rx_mux net_tx_mux echo echo_remap"
macs="02:00:00:00:e9:02 02:00:00:00:e9:03"

cleanup() {
	if [ -n "$sdvf_pid" ] && kill -0 "$sdvf_pid" 2>/dev/null; then
		kill -INT "$sdvf_pid" 2>/dev/null || true
		sleep 1
		kill -KILL "$sdvf_pid" 2>/dev/null || true
	fi
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "lwip_echo: FAILED: $*" >&2
	echo "--- sdvf log" >&2
	cat "$log" >&2 || true
	exit 1
}

# The example with our tap and our subnet (each client's `ip`).
sed -e "s/tap-name = \"sdvf2\"/tap-name = \"$tap\"/" \
	-e "s/ip = \[0a d5 09 /ip = [0a d7 $(printf %02x "$n") /" \
	examples/lwip-echo.dts >"$dts"
grep -q "\"$tap\"" "$dts" && [ "$(grep -c "ip = \[0a d7 " "$dts")" = 2 ] ||
	fail "could not make the test copy of examples/lwip-echo.dts"
"$sdvf" check "$dts" >/dev/null 2>"$work/check.err" ||
	fail "sdvf check: $(cat "$work/check.err")"

"$sdvf" run "$dts" --duration 240 >"$log" 2>&1 &
sdvf_pid=$!
for _ in $(seq 100); do
	ip link show "$tap" >/dev/null 2>&1 && break
	kill -0 "$sdvf_pid" 2>/dev/null || fail "sdvf exited before the tap appeared"
	sleep 0.1
done
ip link show "$tap" >/dev/null 2>&1 || fail "tap $tap never appeared"
ip netns add "$ns"
ip link set "$tap" netns "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" addr add "$net.1/24" dev "$tap"
ip -n "$ns" link set "$tap" up

i=0
for host in 2 3; do
	i=$((i + 1))
	ip=$net.$host
	out=$(ip netns exec "$ns" timeout 20 ping -c 5 -i 0.2 -W 2 "$ip") ||
		fail "ping $ip: $out"
	echo "$out" | grep -q " 0% packet loss" || fail "ping $ip lost packets: $out"
	mac=$(cut -d' ' -f$i <<<"$macs")
	ip -n "$ns" neigh show "$ip" dev "$tap" | grep -q "lladdr $mac" ||
		fail "ARP entry of $ip is not $mac"
	echo "lwip_echo: $ip ($mac): 5 pings answered"
done

ip netns exec "$ns" timeout 180 python3 tests/integration/lwip_echo_peer.py \
	"$net.2" "$net.3" >"$work/peer.out" 2>&1 ||
	{ cat "$work/peer.out" >&2; fail "echo peer"; }
cat "$work/peer.out"

# The counters of each client match what the peer sent it: per client,
# UDP: the size sample and 10,000 echoes; TCP: one connection, 1 MiB.
sizes=$(grep -c . <<<"$(python3 tests/integration/lwip_echo_peer.py --sizes)")
for pd in echo echo_remap; do
	kv=$("$sdvf" stats --format=kv --pd "$pd" "$name" 2>&1) ||
		fail "sdvf stats: $kv"
	get() { awk -v c="$1" '$3 == c { print $4 }' <<<"$kv"; }
	[ "$(get udp.packets)" = $((sizes + 10000)) ] ||
		fail "$pd udp.packets $(get udp.packets), want $((sizes + 10000))"
	[ "$(get tcp.connections)" = 1 ] ||
		fail "$pd tcp.connections $(get tcp.connections), want 1"
	[ "$(get tcp.bytes)" = 1048576 ] ||
		fail "$pd tcp.bytes $(get tcp.bytes), want 1048576"
	[ "$(get lwip.drop.tx_hold_full)" = 0 ] ||
		fail "$pd dropped TX frames: $(get lwip.drop.tx_hold_full)"
	echo "lwip_echo: $pd: counters match (udp $(get udp.packets)," \
		"tcp $(get tcp.bytes) bytes, rx zero-copy" \
		"$(get lwip.rx_zero_copy), copied $(get lwip.rx_copied)," \
		"tx held $(get lwip.tx_held))"
done

kill -INT "$sdvf_pid"
rc=0
wait "$sdvf_pid" || rc=$?
sdvf_pid=
[ "$rc" -eq 0 ] || fail "sdvf exited with $rc"
for pd in $pds; do
	line=$(grep -E "^  $pd +[0-9]+ " "$log") || fail "no summary line for $pd"
	read -r _ _ _ _ restarts end <<<"$line"
	[ "$restarts" = 0 ] && [ "$end" = stopped ] ||
		fail "$pd: restarts $restarts, end '$end'"
done
echo "lwip_echo: ok"
