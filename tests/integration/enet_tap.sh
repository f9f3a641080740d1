#!/usr/bin/env bash
# Integration: the network subsystem on a TAP wire, against a real Linux
# stack in a private network namespace: the ENET model, the real ENET
# driver, the RX and TX muxes and four raw_responder clients of the muxes
# (examples/enet-tap.dts, an sdvf,net description: copy/copy at .2,
# remap/remap at .3, RX copy with TX remap at .4, RX remap with TX copy at
# .5).
#
# For each of two TX policies (rr, then drr), runs a copy of the example
# (unique tap name and subnet, that policy) with `sdvf run`, waits for the
# tap, moves it into a namespace of its own and gives it an address there,
# then proves frames cross both ways through model, driver, muxes and
# every responder:
#   - ping -c 5 each responder: 0% loss (ARP answered by the responder);
#   - UDP datagrams to port 1235 of each come back byte-identical;
#   - a packet socket on the namespace side sees each responder's replies
#     (ARP and UDP) come from its own MAC and IP;
# then SIGINTs the system and checks its summary: no PD died or restarted.
# Needs root.  Everything it makes is named after this shell's pid and
# removed on exit; traffic stays inside the namespace (10.213.N.0/24).
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${BUILD:-build}
sdvf=$build/sdvf
soak=${SDVF_SOAK_SECONDS:-0}
if ! [[ $soak =~ ^[0-9]+$ ]]; then
	echo "enet_tap: SDVF_SOAK_SECONDS=$soak: want whole seconds" >&2
	exit 2
fi
# The system's own time limit: the checks, plus the soak if there is one.
limit=$((${SDVF_ENET_TAP_TIMEOUT:-60} + soak))

me=enet_tap

net=10.213.$(($$ % 250 + 1))
# The responders' MACs, in the order of resp_ips (enet_tap_lib.sh).
resp_macs="02:00:00:00:e7:02 02:00:00:00:e7:03 02:00:00:00:e7:04 02:00:00:00:e7:05"
pds="net_nic net_driver net_rx_mux net_tx_mux responder responder_remap
	responder_tx_remap responder_rx_remap"
work=$(mktemp -d /tmp/sdvf-enet-tap.XXXXXX)
ns=
log=
sdvf_pid=
# shellcheck source=tests/integration/enet_tap_lib.sh
. tests/integration/enet_tap_lib.sh
net_require
trap net_cleanup EXIT

fail() {
	echo "enet_tap: FAILED${policy:+ (policy $policy)}: $*" >&2
	echo "--- sdvf log" >&2
	cat "$log" >&2 || true
	exit 1
}

# Ping every responder 5 times; each answered every ping, and the
# namespace learnt each one's own MAC.
ping_all() {
	local ip mac neigh ping_out i=0
	for ip in $resp_ips; do
		echo "enet_tap: ping $ip from $ns"
		ping_out=$(ip netns exec "$ns" timeout 20 ping -c 5 -i 0.2 -W 2 "$ip") ||
			fail "ping $ip: $ping_out"
		echo "$ping_out" | tail -2
		echo "$ping_out" | grep -q " 0% packet loss" ||
			fail "ping $ip lost packets"
	done
	for ip in $resp_ips; do
		i=$((i + 1))
		mac=$(cut -d' ' -f$i <<<"$resp_macs")
		neigh=$(ip -n "$ns" neigh show "$ip" dev "$tap")
		echo "$neigh" | grep -q "lladdr $mac" ||
			fail "ARP entry of $ip is '$neigh'"
	done
}

# UDP echo from each responder, byte for byte, and a capture of their
# replies.  The neighbour cache is flushed first so that the exchange
# starts with fresh ARPs, which the capture then sees too.
echo_and_capture() {
	ip -n "$ns" neigh flush dev "$tap"
	echo "enet_tap: UDP echo and capture"
	ip netns exec "$ns" timeout 30 python3 - "$tap" "$resp_ips" "$resp_macs" <<'PY' ||
import socket, struct, sys, time

tap, ips, macs = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
resp = [(socket.inet_aton(ip), bytes(int(b, 16) for b in m.split(":")), ip)
        for ip, m in zip(ips, macs)]

cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
cap.bind((tap, 0))
cap.settimeout(0.2)

udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.settimeout(2)
payloads = [b"sdvf-enet-tap", bytes(range(256)) * 4,
            bytes((i * 7 + 3) & 255 for i in range(1472))]
for _, _, ip in resp:
    for p in payloads:
        udp.sendto(p, (ip, 1235))
        data, src = udp.recvfrom(4096)
        if data != p or src != (ip, 1235):
            sys.exit("udp %s: %d bytes sent, %d back from %s, equal=%s"
                     % (ip, len(p), len(data), src, data == p))
print("udp: %d datagrams to each of %d responders echoed byte-identical"
      % (len(payloads), len(resp)))

arp = {ip: 0 for _, _, ip in resp}
echoes = {ip: 0 for _, _, ip in resp}
deadline = time.time() + 2
while time.time() < deadline:
    try:
        frame, addr = cap.recvfrom(65535)
    except socket.timeout:
        break
    if addr[2] == socket.PACKET_OUTGOING:
        continue
    etype = struct.unpack("!H", frame[12:14])[0]
    for ip4, mac, ip in resp:
        if etype == 0x0806 and frame[20:22] == b"\x00\x02" and frame[28:32] == ip4:
            if frame[6:12] != mac or frame[22:28] != mac:
                sys.exit("arp reply for %s not from its MAC: %s"
                         % (ip, frame[:42].hex()))
            arp[ip] += 1
        elif etype == 0x0800 and frame[23] == 17 and frame[26:30] == ip4:
            if frame[6:12] != mac:
                sys.exit("udp reply from %s: MAC %s"
                         % (ip, frame[6:12].hex(":")))
            echoes[ip] += 1
for _, mac, ip in resp:
    print("capture: %s: %d ARP and %d UDP replies from %s"
          % (ip, arp[ip], echoes[ip], mac.hex(":")))
    if arp[ip] < 1 or echoes[ip] != len(payloads):
        sys.exit("capture: %s: expected >= 1 ARP and %d UDP replies"
                 % (ip, len(payloads)))
PY
		fail "UDP echo or capture"
}

# Soak (`make soak`; off in `make test`): flood pings for SDVF_SOAK_SECONDS,
# half with minimum-size frames, half with full-size ones, to the copy/copy
# responder.  Only echoes still in flight at each phase's deadline may be
# missing.
soak_run() {
	local half size out stats sent recv lost
	half=$(((soak + 1) / 2))
	for size in 56 1472; do
		echo "enet_tap: soak: ping -f -s $size for $half s"
		out=$(ip netns exec "$ns" ping -f -q -s "$size" -w "$half" \
			"$resp_ip" 2>&1)
		stats=$(echo "$out" | grep "packets transmitted") ||
			fail "soak: no ping summary: $out"
		echo "  $stats"
		sent=$(echo "$stats" | sed -E 's/^([0-9]+) packets transmitted.*/\1/')
		recv=$(echo "$stats" | sed -E 's/.* ([0-9]+) received.*/\1/')
		[ "$sent" -gt 0 ] || fail "soak: nothing sent"
		lost=$((sent - recv))
		[ "$lost" -le 2 ] ||
			fail "soak: $lost of $sent echoes lost at $size bytes"
	done
	"$sdvf" stats --format=kv "$(basename "$dts" .dts)" |
		grep -E " (drop\.|rx_err_|rx_fifo_overflow|tx_errors|net\.)" |
		awk '$4 != 0' | sed 's/^/  nonzero: /'
}

# SIGINT the system: it exits 0 and every PD stopped, none restarted.
stop_system() {
	local rc=0 pd line restarts end
	echo "enet_tap: stopping the system"
	kill -INT "$sdvf_pid"
	wait "$sdvf_pid" || rc=$?
	sdvf_pid=
	cat "$log"
	[ "$rc" -eq 0 ] || fail "sdvf exited with $rc"
	net_summary_clean "$pds"
}

for policy in rr drr; do
	ns=sdvf-enet-$$-$policy
	tap=sdve$$$policy
	dts=$work/enet-tap-$$-$policy.dts
	log=$work/run-$policy.log
	echo "enet_tap: TX policy $policy"
	enet_tap_start
	ping_all
	echo_and_capture
	[ "$soak" -eq 0 ] || soak_run
	stop_system
	ip netns del "$ns"
done
echo "enet_tap: ok"
