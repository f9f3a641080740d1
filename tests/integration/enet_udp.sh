#!/usr/bin/env bash
# Integration: the real ENET driver and the ENET model on the `udp` wire,
# with pcap_record, against a scripted host (tests/integration/udp_peer.py).
#
# Checks examples/enet-udp.dts records no capture, then runs a copy of it
# with two free loopback ports and a capture asked for explicitly, in a
# private temp directory, limited to one byte short of the 18 frames the
# exchange makes; waits for the driver's link,
# then lets udp_peer.py play the host on the wire: no socket can bind the
# model's port beside it; ARP; datagrams from another port, from another
# address (127.0.0.2) and an empty one (dropped by the wire: no reply); 5
# ICMP echoes and UDP echoes of 1, 512 and 1472 bytes, every reply checked
# byte for byte.  Then:
#   - `sdvf stats --format=kv`: responder arp 1, icmp 5, udp 3 replies and
#     no drops, nothing refused by its net_client; the RX mux delivered it
#     9 frames and the TX mux sent 9 of its; nic and driver exactly 9
#     frames each way (the dropped
#     datagrams never reached the model: wire.rx_foreign_port,
#     rx_foreign_addr and rx_empty 1 each); the model padded the 2 short
#     frames each way;
#   - SIGINT: every PD stopped, none restarted;
#   - the capture stopped at its limit: wire.record_dropped 1, the file
#     holds all but the last frame and is no larger than the limit;
#   - `tcpdump -r` of the capture: timestamps within the run's wall-clock
#     seconds, and exactly the first 17 of the 18 frames exchanged, in
#     order (ARP request and reply, 5 echo requests and replies, 3 UDP
#     datagrams and the first 2 echoes), from and to the right MACs and
#     addresses.
# SDVF_ENET_PERSONALITY=qemu-imx7 (tests/integration/enet_udp_qemu.sh)
# runs the same with the model playing QEMU's i.MX7 ENET (docs/enet.md,
# "Personalities"): the link comes up at 100 Mb/s, nothing is padded either
# way (42-byte ARP and 43-byte UDP replies), and the driver still hands
# every frame over byte-exact without the FCS QEMU always writes.
# Needs no root.  Loopback only; every file is under one temp dir, removed
# on exit with the system.  BUILD selects the sdvf binary (build/sdvf).
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${BUILD:-build}
sdvf=$(realpath -m "$build/sdvf")
limit=${SDVF_ENET_UDP_TIMEOUT:-30}
personality=${SDVF_ENET_PERSONALITY:-silicon}
case $personality in
silicon) min_frame=60 speed=1000 padded=2 ;;
qemu-imx7) min_frame=0 speed=100 padded=0 ;;
*) echo "enet_udp: SDVF_ENET_PERSONALITY=$personality: silicon or qemu-imx7" >&2
	exit 1 ;;
esac

for tool in python3 tcpdump; do
	command -v "$tool" >/dev/null ||
		{ echo "enet_udp: $tool is missing (a test dependency)" >&2; exit 1; }
done
if [ ! -x "$sdvf" ]; then
	echo "enet_udp: $sdvf not built (make BUILD=$build $build/sdvf)" >&2
	exit 1
fi

work=$(mktemp -d /tmp/sdvf-enet-udp.XXXXXX)
system=enet-udp-$$
dts=$work/$system.dts
log=$work/run.log
pcap=$work/capture.pcap
sdvf_pid=
export SDVF_STATS_DIR=$work

me=enet_udp
stats_system=$system
# shellcheck source=tests/integration/lib_net.sh
. tests/integration/lib_net.sh
trap net_cleanup EXIT

# Two distinct free loopback UDP ports: the model's and the peer's.  Held
# together while chosen so they differ; a race with another process taking
# one before sdvf binds it shows as a failed start, not a silent pass.
read -r model_port peer_port < <(python3 -c '
import socket
s = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
for x in s:
    x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')

# The example records nothing unless asked; the copy asks, with a limit one
# byte short of the 18 frames the exchange makes (24-byte header, 16 bytes
# per record and 5321 bytes of frames, 35 fewer unpadded): the last echo
# must not be recorded.
grep -Eq '^[[:space:]]*pcap-record' examples/enet-udp.dts &&
	fail "examples/enet-udp.dts records a capture without being asked"
frame_bytes=$((min_frame ? 5321 : 5321 - 18 - 17))
pcap_max=$((24 + 18 * 16 + frame_bytes - 1))
sed -e "s|udp-local = \"127.0.0.1:47001\"|udp-local = \"127.0.0.1:$model_port\"|" \
	-e "s|udp-remote = \"127.0.0.1:47002\";|udp-remote = \"127.0.0.1:$peer_port\";\n\t\t\t\tpcap-record = \"$pcap\";\n\t\t\t\tpcap-record-max = <$pcap_max>;\n\t\t\t\tpersonality = \"$personality\";|" \
	examples/enet-udp.dts >"$dts"
grep -q "\"127.0.0.1:$model_port\"" "$dts" &&
	grep -q "\"127.0.0.1:$peer_port\"" "$dts" && grep -q "\"$pcap\"" "$dts" &&
	grep -q "personality = \"$personality\"" "$dts" ||
	fail "could not make the test copy of examples/enet-udp.dts"

t_start=$(date +%s)
"$sdvf" run "$dts" --duration "$limit" >"$log" 2>&1 &
sdvf_pid=$!

kv=

# Frames are only received once the driver has brought the MAC up at the
# PHY's final speed (it restarts the MAC at 1000 Mb/s after the first poll;
# QEMU's PHY is 10/100, the driver's first guess).
for _ in $(seq 100); do
	kill -0 "$sdvf_pid" 2>/dev/null || fail "sdvf exited during start-up"
	kv=$("$sdvf" stats --format=kv "$system" 2>/dev/null) || kv=
	[ "$(kv_of net_driver link_up)" = 1 ] &&
		[ "$(kv_of net_driver speed_mbps)" = "$speed" ] && break
	sleep 0.1
done
[ "$(kv_of net_driver link_up)" = 1 ] || fail "the driver's link never came up"

echo "enet_udp: $sdvf ($personality); model 127.0.0.1:$model_port, peer 127.0.0.1:$peer_port"
timeout 20 python3 tests/integration/udp_peer.py --min-frame "$min_frame" \
	--model-port "$model_port" --peer-port "$peer_port" ||
	fail "udp_peer.py"

# TX completions are counted when the driver reaps them, a moment after
# the reply left: poll briefly for the final picture.
for _ in $(seq 50); do
	kv=$("$sdvf" stats --format=kv "$system") || fail "sdvf stats failed"
	[ "$(kv_of net_driver tx_frames)" = 9 ] && [ "$(kv_of responder tx_done)" = 9 ] &&
		break
	sleep 0.1
done


# 9 frames each way: 1 ARP + 5 ICMP + 3 UDP.  The datagrams from another
# port and from another address, and the empty one, are dropped inside the
# wire, each counted by its reason, so exactly 9 reach the model; the ARP request (42 bytes) and the 1-byte
# UDP datagram (43) are padded to 60 on receive, their replies on send.
kv_expect responder arp_replies 1
kv_expect responder icmp_replies 5
kv_expect responder udp_replies 3
kv_expect responder rx_frames 9
kv_expect responder tx_done 9
kv_expect responder tx_errors 0
for reason in not_for_us ethertype bad_arp bad_ip ip_csum \
	fragment protocol bad_icmp bad_udp udp_port no_tx_buf; do
	kv_expect responder "drop.$reason" 0
done
kv_expect responder net.rx_bad 0
kv_expect responder net.tx_bad 0
kv_expect net_rx_mux c0.rx_frames 9
kv_expect net_rx_mux c0.in_flight 0
kv_expect net_tx_mux c0.tx_frames 9
kv_expect net_nic wire.rx_foreign_port 1
kv_expect net_nic wire.rx_foreign_addr 1
kv_expect net_nic wire.rx_empty 1
kv_expect net_nic wire.rx_errors 3
kv_expect net_nic wire.rx_kernel_drops 0
kv_expect net_nic wire.rx_frames 9
kv_expect net_nic wire.tx_frames 9
kv_expect net_nic wire.tx_errors 0
kv_expect net_nic wire.record_errors 0
kv_expect net_nic wire.record_dropped 1
kv_expect net_nic rx_frames 9
kv_expect net_nic tx_frames 9
kv_expect net_nic rx_padded "$padded"
kv_expect net_nic tx_padded "$padded"
kv_expect net_nic rx_wire_errors 0
kv_expect net_nic tx_wire_errors 0
kv_expect net_nic rx_disabled 0
kv_expect net_nic rx_filtered 0
kv_expect net_nic eberr 0
kv_expect net_driver link_up 1
kv_expect net_driver rx_frames 9
kv_expect net_driver tx_frames 9
# The frames as sent (padded to 60 on silicon's side of the wire): silicon
# strips the FCS (RCR.CRCFWD); QEMU's ENET keeps it in its BDs, counted by
# the model, and the driver takes it off each.
rx_bytes=$((min_frame ? 60 + 5 * 98 + 60 + 554 + 1514 : 42 + 5 * 98 + 43 + 554 + 1514))
kv_expect net_driver rx_bytes "$rx_bytes"
kv_expect net_nic rx_bytes $((rx_bytes + (min_frame ? 0 : 9 * 4)))
kv_expect net_driver rx_err_short 0
kv_expect net_driver phy_absent 0
for pd in net_nic net_driver net_rx_mux net_tx_mux responder; do
	kv_expect "$pd" sdvf.counters_refused 0
	kv_expect "$pd" sdvf.counters_unreadable 0
done
echo "enet_udp: counters as expected (9 frames each way, 1/5/3 replies)"

pid_stopped=$sdvf_pid
net_stop
net_summary_clean "net_nic net_driver net_rx_mux net_tx_mux responder"
echo "enet_udp: sdvf $pid_stopped stopped, no PD died or restarted"

# The capture stopped where the next frame would have passed its limit.
size=$(stat -c %s "$pcap")
[ "$size" -le "$pcap_max" ] && [ "$size" -eq $((pcap_max + 1 - 16 - 1514)) ] ||
	fail "capture is $size bytes, limit $pcap_max: expected all but the last frame"

# Each frame is stamped with the date, within the run.
t_end=$(date +%s)
stamps=$(tcpdump -r "$pcap" -n -tt 2>"$work/tcpdump.err" | cut -d' ' -f1) ||
	fail "tcpdump -r: $(cat "$work/tcpdump.err")"
while read -r stamp; do
	sec=${stamp%%.*}
	[ "$sec" -ge $((t_start - 2)) ] && [ "$sec" -le $((t_end + 2)) ] ||
		fail "capture timestamp $stamp is not within the run ($t_start..$t_end)"
done <<<"$stamps"
echo "enet_udp: capture of $size bytes (limit $pcap_max), stamped $(head -1 <<<"$stamps")..$(tail -1 <<<"$stamps")"

# The capture, one line per frame: link-level header, no timestamps, no
# name lookups.
dump=$(tcpdump -r "$pcap" -n -t -e 2>"$work/tcpdump.err") ||
	fail "tcpdump -r: $(cat "$work/tcpdump.err")"
peer=02:00:00:00:e7:fe
resp=02:00:00:00:e7:02
expected=(
	"^$peer > ff:ff:ff:ff:ff:ff, ethertype ARP \(0x0806\), length 42: Request who-has 10\.213\.7\.2 tell 10\.213\.7\.1, length 28$"
	"^$resp > $peer, ethertype ARP \(0x0806\), length $((min_frame ? 60 : 42)): Reply 10\.213\.7\.2 is-at $resp, length $((min_frame ? 46 : 28))$"
)
for seq in 1 2 3 4 5; do
	expected+=(
		"^$peer > $resp, ethertype IPv4 \(0x0800\), length 98: 10\.213\.7\.1 > 10\.213\.7\.2: ICMP echo request, id 23823, seq $seq, length 64$"
		"^$resp > $peer, ethertype IPv4 \(0x0800\), length 98: 10\.213\.7\.2 > 10\.213\.7\.1: ICMP echo reply, id 23823, seq $seq, length 64$"
	)
done
for size in 1 512 1472; do
	# Sent as is (43 bytes for 1 byte of data); the reply is padded to 60.
	sent=$((size + 42))
	reply=$((sent < min_frame ? min_frame : sent))
	expected+=(
		"^$peer > $resp, ethertype IPv4 \(0x0800\), length $sent: 10\.213\.7\.1\.40000 > 10\.213\.7\.2\.1235: UDP, length $size$"
		"^$resp > $peer, ethertype IPv4 \(0x0800\), length $reply: 10\.213\.7\.2\.1235 > 10\.213\.7\.1\.40000: UDP, length $size$"
	)
done
# The last echo reply did not fit: the capture is the first 17 frames.
unset 'expected[-1]'
mapfile -t lines <<<"$dump"
[ "${#lines[@]}" -eq "${#expected[@]}" ] ||
	fail "capture has ${#lines[@]} frames, expected ${#expected[@]}:
$dump"
for i in "${!expected[@]}"; do
	[[ ${lines[i]} =~ ${expected[i]} ]] ||
		fail "capture frame $((i + 1)) is '${lines[i]}', expected /${expected[i]}/"
done
echo "enet_udp: capture holds the first ${#lines[@]} frames exchanged, in order"
echo "enet_udp: ok"
