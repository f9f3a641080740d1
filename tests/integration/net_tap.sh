#!/usr/bin/env bash
# Integration: examples/net-tap.dts, one NIC shared by policy at the intent
# level (`sdvf,net`: drr weights, a token bucket on one client both ways),
# on a TAP wire against a real Linux stack in a private network namespace.
# Its three raw_responder clients are copy/copy (.2), remap/remap (.3) and
# remap RX with copy TX (.4): the last two share the RX DMA region
# read-only.
#
# Runs a copy of the example (unique tap and subnet) with `sdvf run`,
# moves the tap into a namespace of its own, then:
#   - ping -c 5 each responder: 0% loss, and the namespace learnt each
#     one's own MAC (ARP answered through the muxes);
#   - a UDP datagram to port 1235 of each comes back byte-identical;
# then SIGINTs the system: it exits 0, and no PD died or restarted.
# Needs root.  Everything it makes is named after this shell's pid and
# removed on exit; traffic stays inside the namespace.
set -euo pipefail
cd "$(dirname "$0")/../.."

sdvf=${BUILD:-build}/sdvf
me=net_tap
# shellcheck source=tests/integration/lib_net.sh
. tests/integration/lib_net.sh
net_require

n=$(($$ % 250 + 1))
net=10.214.$n
tap=sdvn$$
ns=sdvf-net-$$
work=$(mktemp -d /tmp/sdvf-net-tap.XXXXXX)
log=$work/run.log
dts=$work/net-tap-$$.dts
sdvf_pid=
pds="net_nic net_driver net_rx_mux net_tx_mux responder responder_remap responder_mixed"
macs="02:00:00:00:e8:02 02:00:00:00:e8:03 02:00:00:00:e8:04"

trap net_cleanup EXIT

# The example with our tap and our subnet (each client's `ip`).
sed -e "s/tap-name = \"sdvf1\"/tap-name = \"$tap\"/" \
	-e "s/ip = \[0a d5 08 /ip = [0a d6 $(printf %02x "$n") /" \
	examples/net-tap.dts >"$dts"
grep -q "\"$tap\"" "$dts" && [ "$(grep -c "ip = \[0a d6 " "$dts")" = 3 ] ||
	fail "could not make the test copy of examples/net-tap.dts"
"$sdvf" check "$dts" >/dev/null 2>"$work/check.err" ||
	fail "sdvf check: $(cat "$work/check.err")"
[ ! -s "$work/check.err" ] || fail "sdvf check warned: $(cat "$work/check.err")"

net_start "$dts" 60 "$net.1"

i=0
for host in 2 3 4; do
	i=$((i + 1))
	ip=$net.$host
	out=$(ip netns exec "$ns" timeout 20 ping -c 5 -i 0.2 -W 2 "$ip") ||
		fail "ping $ip: $out"
	echo "$out" | grep -q " 0% packet loss" || fail "ping $ip lost packets: $out"
	mac=$(cut -d' ' -f$i <<<"$macs")
	ip -n "$ns" neigh show "$ip" dev "$tap" | grep -q "lladdr $mac" ||
		fail "ARP entry of $ip is not $mac"
	echo "net_tap: $ip ($mac): 5 pings answered"
done

ip netns exec "$ns" timeout 20 python3 - "$net" <<'PY' || fail "UDP echo"
import socket, sys
net = sys.argv[1]
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.settimeout(2)
payload = bytes((i * 7 + 3) & 255 for i in range(1472))
for host in (2, 3, 4):
    ip = "%s.%d" % (net, host)
    udp.sendto(payload, (ip, 1235))
    data, src = udp.recvfrom(4096)
    if data != payload or src != (ip, 1235):
        sys.exit("udp %s: %d bytes back from %s" % (ip, len(data), src))
    print("net_tap: %s: 1472-byte UDP echo byte-identical" % ip)
PY

net_stop
net_summary_clean "$pds"
echo "net_tap: ok"
