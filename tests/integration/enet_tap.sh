#!/usr/bin/env bash
# Integration: the real ENET driver and the ENET model on a TAP wire,
# against a real Linux stack in a private network namespace.
#
# Runs a copy of examples/enet-tap.dts (unique tap name and subnet) with
# `sdvf run`, waits for the tap, moves it into a namespace of its own and
# gives it an address there, then proves frames cross both ways through
# model, driver and raw_responder:
#   - ping -c 5 the responder: 0% loss (ARP answered by the responder);
#   - UDP datagrams to port 1235 come back byte-identical;
#   - a packet socket on the namespace side sees the replies (ARP and UDP)
#     come from the responder's MAC and IP;
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

if [ "$(id -u)" -ne 0 ]; then
	echo "enet_tap: needs root (network namespace and tap)" >&2
	exit 1
fi
if [ ! -x "$sdvf" ]; then
	echo "enet_tap: $sdvf not built (make BUILD=$build $sdvf)" >&2
	exit 1
fi

ns=sdvf-enet-$$
tap=sdve$$
net=10.213.$(($$ % 250 + 1))
resp_mac=02:00:00:00:e7:02
work=$(mktemp -d /tmp/sdvf-enet-tap.XXXXXX)
dts=$work/enet-tap-$$.dts
log=$work/run.log
sdvf_pid=
. tests/integration/enet_tap_lib.sh
trap enet_tap_cleanup EXIT

fail() {
	echo "enet_tap: FAILED: $*" >&2
	echo "--- sdvf log" >&2
	cat "$log" >&2 || true
	exit 1
}

enet_tap_start

echo "enet_tap: ping $resp_ip from $ns"
ping_out=$(ip netns exec "$ns" timeout 20 ping -c 5 -i 0.2 -W 2 "$resp_ip") ||
	fail "ping: $ping_out"
echo "$ping_out" | tail -2
echo "$ping_out" | grep -q " 0% packet loss" || fail "ping lost packets"
neigh=$(ip -n "$ns" neigh show "$resp_ip" dev "$tap")
echo "$neigh" | grep -q "lladdr $resp_mac" || fail "ARP entry is '$neigh'"

# Forget the responder's MAC so the UDP exchange starts with a fresh ARP,
# which the capture then sees too.
ip -n "$ns" neigh flush dev "$tap"

echo "enet_tap: UDP echo and capture"
ip netns exec "$ns" timeout 20 python3 - "$tap" "$resp_ip" "$resp_mac" <<'EOF' ||
import socket, struct, sys, time

tap, resp_ip, resp_mac = sys.argv[1], sys.argv[2], sys.argv[3]
mac = bytes(int(b, 16) for b in resp_mac.split(":"))
ip = socket.inet_aton(resp_ip)

cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
cap.bind((tap, 0))
cap.settimeout(0.2)

udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.settimeout(2)
payloads = [b"sdvf-enet-tap", bytes(range(256)) * 4,
            bytes((i * 7 + 3) & 255 for i in range(1472))]
for p in payloads:
    udp.sendto(p, (resp_ip, 1235))
    data, src = udp.recvfrom(4096)
    if data != p or src != (resp_ip, 1235):
        sys.exit("udp: %d bytes sent, %d back from %s, equal=%s"
                 % (len(p), len(data), src, data == p))
print("udp: %d datagrams echoed byte-identical" % len(payloads))

arp_replies = udp_replies = 0
deadline = time.time() + 2
while time.time() < deadline:
    try:
        frame, addr = cap.recvfrom(65535)
    except socket.timeout:
        break
    if addr[2] == socket.PACKET_OUTGOING:
        continue
    etype = struct.unpack("!H", frame[12:14])[0]
    if etype == 0x0806 and frame[20:22] == b"\x00\x02":
        if frame[6:12] != mac or frame[22:28] != mac or frame[28:32] != ip:
            sys.exit("arp reply not from the responder: %s" % frame[:42].hex())
        arp_replies += 1
    elif etype == 0x0800 and frame[23] == 17 and frame[26:30] == ip:
        if frame[6:12] != mac:
            sys.exit("udp reply from MAC %s" % frame[6:12].hex(":"))
        udp_replies += 1
print("capture: %d ARP and %d UDP replies from %s / %s"
      % (arp_replies, udp_replies, resp_mac, resp_ip))
if arp_replies < 1 or udp_replies != len(payloads):
    sys.exit("capture: expected >= 1 ARP and %d UDP replies" % len(payloads))
EOF
	fail "UDP echo or capture"

# Soak (`make soak`; off in `make test`): flood pings for SDVF_SOAK_SECONDS,
# half with minimum-size frames, half with full-size ones.  Only echoes
# still in flight at each phase's deadline may be missing.
if [ "$soak" -gt 0 ]; then
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
	"$sdvf" stats --format=kv | grep -E " (drop\.|rx_err_|rx_fifo_overflow|tx_errors)" |
		awk '$4 != 0' | sed 's/^/  nonzero: /'
fi

echo "enet_tap: stopping the system"
kill -INT "$sdvf_pid"
rc=0
wait "$sdvf_pid" || rc=$?
sdvf_pid=
cat "$log"
[ "$rc" -eq 0 ] || fail "sdvf exited with $rc"
for pd in nic driver responder; do
	line=$(grep -E "^  $pd +[0-9]+ " "$log") || fail "no summary line for $pd"
	read -r _ _ _ _ restarts end <<<"$line"
	[ "$restarts" = 0 ] && [ "$end" = stopped ] ||
		fail "$pd: restarts $restarts, end '$end'"
done
echo "enet_tap: ok"
