#!/usr/bin/env bash
# Integration: the raw bench client in reflect mode (clients/
# bench_client.c) on the hosted runtime, against a real Linux stack in a
# private network namespace: examples/bench-echo.dts (its `bench`, RX and
# TX copy, and `bench_remap`, remap both ways) on a TAP.  For each:
#   - ping -c 5: 0% loss, and the namespace learnt the client's MAC (ARP);
#   - a Linux UDP socket sends datagrams of 1..1472 bytes (a sample) to
#     the client's address, port 7777: each comes back byte for byte from
#     (address, 7777) to the socket's own port;
# then the client's counters (sdvf stats --format=kv) show the replies
# (bench.tx_frames = pings + datagrams + ARP replies, nothing dropped for
# want of a TX buffer) and SIGINT stops the system: exit 0, no PD died or
# restarted.  Needs root.  Everything it makes is named after this
# shell's pid and removed on exit; traffic stays inside the namespace
# (10.217.N.0/24).
set -euo pipefail
cd "$(dirname "$0")/../.."

sdvf=$(realpath "${BUILD:-build}/sdvf")
if [ "$(id -u)" -ne 0 ]; then
	echo "bench_reflect: needs root (network namespace and tap)" >&2
	exit 1
fi
[ -x "$sdvf" ] || { echo "bench_reflect: $sdvf not built" >&2; exit 1; }

n=$(($$ % 250 + 1))
net=10.217.$n
tap=sdvb$$
ns=sdvf-t-bench-$$
work=$(mktemp -d /tmp/sdvf-bench-reflect.XXXXXX)
export SDVF_STATS_DIR=$work
log=$work/run.log
name=bench-reflect-$$
dts=$work/$name.dts
sdvf_pid=
pds="net_nic net_driver net_rx_mux net_tx_mux echo bench bench_remap"

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
	echo "bench_reflect: FAILED: $*" >&2
	echo "--- sdvf log" >&2
	cat "$log" >&2 || true
	exit 1
}

# The example with our tap and our subnet.
sed -e "s/tap-name = \"sdvf3\"/tap-name = \"$tap\"/" \
	-e "s/ip = \[0a d8 00 /ip = [0a d9 $(printf %02x "$n") /" \
	examples/bench-echo.dts >"$dts"
grep -q "\"$tap\"" "$dts" && [ "$(grep -c "ip = \[0a d9 " "$dts")" = 3 ] ||
	fail "could not make the test copy of examples/bench-echo.dts"
"$sdvf" check "$dts" >/dev/null 2>"$work/check.err" ||
	fail "sdvf check: $(cat "$work/check.err")"

"$sdvf" run "$dts" --duration 120 >"$log" 2>&1 &
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

# The peer: datagrams of each size to (ip, 7777), each back byte for byte
# from there; prints how many.
peer='
import socket, sys
ip = sys.argv[1]
sizes = (1, 2, 17, 18, 64, 100, 511, 512, 1000, 1400, 1471, 1472)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 0))
s.settimeout(2.0)
for n in sizes:
    payload = bytes((n * 131 + i * 7) & 255 for i in range(n))
    s.sendto(payload, (ip, 7777))
    data, src = s.recvfrom(4096)
    if data != payload or src != (ip, 7777):
        sys.exit("%d bytes sent to %s, %d back from %s" % (n, ip, len(data), src))
print(len(sizes))
'

host=2
for pd in bench bench_remap; do
	host=$((host + 1))
	ip=$net.$host
	mac=$(grep -A1 "^[[:space:]]*$pd {" "$dts" | grep -o 'mac = \[[0-9a-f ]*\]' |
		sed -e 's/mac = \[//' -e 's/\]//' -e 's/ /:/g')
	out=$(ip netns exec "$ns" timeout 20 ping -c 5 -i 0.2 -W 2 "$ip") ||
		fail "ping $ip: $out"
	echo "$out" | grep -q " 0% packet loss" || fail "ping $ip lost packets: $out"
	ip -n "$ns" neigh show "$ip" dev "$tap" | grep -q "lladdr $mac" ||
		fail "ARP entry of $ip is not $mac"
	sent=$(ip netns exec "$ns" timeout 60 python3 -c "$peer" "$ip" 2>&1) ||
		fail "UDP to $ip: $sent"
	echo "bench_reflect: $pd ($ip, $mac): 5 pings, $sent UDP datagrams back byte for byte"
	kv=$("$sdvf" stats --format=kv --pd "$pd" "$name" 2>&1) ||
		fail "sdvf stats: $kv"
	get() { awk -v c="$1" '$3 == c { print $4 }' <<<"$kv"; }
	tx=$(get bench.tx_frames)
	# 5 echo replies, the datagrams, and one or more ARP replies
	[ -n "$tx" ] && [ "$tx" -gt $((5 + sent)) ] ||
		fail "$pd bench.tx_frames '$tx', want more than $((5 + sent))"
	[ "$(get bench.reflect.drop.no_tx_buf)" = 0 ] ||
		fail "$pd dropped for want of TX buffers"
	echo "bench_reflect: $pd: rx $(get bench.rx_frames) tx $tx frames"
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
echo "bench_reflect: ok"
