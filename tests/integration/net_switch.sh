#!/usr/bin/env bash
# Integration: local switching (docs/design.md, "Local switching") on the
# hosted runtime, against a TAP in a private network namespace.
#
# The system (written below per case): an sdvf,net subsystem on a tap with
# two clients, a reflector R (clients/reflector.c: every frame back to its
# sender, from R's MAC) as client 0 and a raw_responder S
# (clients/raw_responder.c: answers ICMP echo requests to its IP, drops
# echo replies) as client 1.  From the namespace a packet socket sends N
# forged frames to R's MAC whose Ethernet source is S's MAC, each an ICMP
# echo request from the namespace's address to S's.  R reflects each to
# S's MAC; what happens next is the allow-list's (`switch-to`) to decide:
#   both   R names S and S names R: the reflected request reaches S
#          locally, S's echo reply goes to R's MAC locally, R reflects it
#          to S locally, and S drops it (drop.not_for_us: the reply is
#          to the namespace's IP, which R does not change).  Nothing but
#          the N frames sent crosses the wire: the capture sees nothing
#          come in, the driver sends nothing; tx_mux c0.sw_out 2N,
#          c1.sw_out N; rx_mux c0.sw_in N, c1.sw_in 2N; S icmp_replies N,
#          drop.not_for_us N.  Run with both clients in copy mode, in
#          remap mode both ways (rx_dma lent read-only, tx_data a DMA
#          window), and mixed (R copy, S remap: copy sender to remap
#          receiver and back).
#   none   no switch-to: the reflected requests go to the wire (the capture
#          sees N frames from R's MAC to S's, echo requests); S receives
#          nothing; the system has no sw_pool, its switching counters 0.
#   one    R names S, S names nobody: the reflected request reaches S
#          locally, S's reply to R goes to the wire (the capture sees N
#          echo replies from S's MAC to R's, none from R).
#   tight  both ways, remap, the default switch-reserve (4; "both" in remap
#          gives it 3N): a burst to S may find the reserve empty; every
#          switched frame is then delivered or counted (sw_drop.reserve),
#          each client answered what it got, and still nothing reaches
#          the wire.
# After each case: every client buffer is back with its owner (the muxes'
# cN.in_flight 0, each client's sent buffers all completed); with
# switching, after a ping to S has woken the TX mux (it takes sw_pool
# buffers back only when it runs), the switching pool is whole (tx_mux
# sw_pool_idle = switch-buffers; rx_mux sw_reserve its reserve) and
# nothing was dropped for want of one (but in tight); SIGINT stops every
# PD, none restarted.  SDVF_NET_SWITCH_CASE=NAME runs one case.
# Needs root.  Everything it makes is named after this shell's pid and
# removed on exit; traffic stays inside the namespace (10.218.N.0/24).
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${BUILD:-build}
sdvf=$(realpath "$build/sdvf")
limit=${SDVF_NET_SWITCH_TIMEOUT:-60}

me=net_switch
# shellcheck source=tests/integration/lib_net.sh
. tests/integration/lib_net.sh
net_require

n=16           # forged frames per case
sw_buffers=64  # the expander's default switch-buffers
# In remap mode a switched frame reaches its destination in an RX DMA
# buffer of the RX mux's reserve, one per frame until the client returns
# it: this switch-reserve holds a whole exchange, so none is dropped.
sw_reserve=$((3 * n))
net=10.218.$(($$ % 250 + 1))
# shellcheck disable=SC2046,SC2183 # split the dotted prefix into 3 numbers
net_hex="$(printf '%02x %02x %02x' $(tr . ' ' <<<"$net"))"
peer_ip=$net.1
resp_ip=$net.3
refl_mac=02:00:00:00:e8:02
resp_mac=02:00:00:00:e8:03
pds="net_nic net_driver net_rx_mux net_tx_mux refl resp"
work=$(mktemp -d /tmp/sdvf-net-switch.XXXXXX)
export SDVF_STATS_DIR=$work
ns=
tap=
log=
system=
sdvf_pid=
cap_pid=

net_cleanup_more() {
	[ -z "$cap_pid" ] || kill "$cap_pid" 2>/dev/null || true
}
trap net_cleanup EXIT

mac_bytes() { tr : ' ' <<<"$1"; }

# write_dts FILE MODE R_SWITCH S_SWITCH [RESERVE]: the system, both
# clients in MODE (copy or remap, both directions; mixed: R copy, S
# remap); *_SWITCH is a switch-to line or empty; RESERVE the
# switch-reserve (default: the RX mux's, 4).
write_dts() {
	local r_mode=$2 s_mode=$2 r_trust='' s_trust='' reserve=''
	if [ "$2" = mixed ]; then
		r_mode=copy
		s_mode=remap
	fi
	[ "$r_mode" = copy ] || r_trust="trusted-source-mac;"
	[ "$s_mode" = copy ] || s_trust="trusted-source-mac;"
	[ -z "${5:-}" ] || reserve="switch-reserve = <$5>;"
	cat >"$1" <<TEMPLATE
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		refl { component = "reflector"; };
		resp {
			component = "raw_responder";
			config { prefix_len = <24>; log_period_ms = <5000>; };
		};
	};
	subsystems {
		net {
			compatible = "sdvf,net";
			policy = "rr";
			rx-capacity = <64>;
			tx-capacity = <64>;
			$reserve
			nic {
				wire = "tap";
				tap-name = "$tap";
				mac = [02 00 00 00 e8 01];
				rx-buffers = <256>;
				tx-buffers = <64>;
			};
			clients {
				refl {
					mac = [$(mac_bytes $refl_mac)];
					rx-mode = "$r_mode";
					tx-mode = "$r_mode";
					$r_trust
					$3
				};
				resp {
					mac = [$(mac_bytes $resp_mac)];
					ip = [$net_hex 03];
					rx-mode = "$s_mode";
					tx-mode = "$s_mode";
					$s_trust
					$4
				};
			};
		};
	};
};
TEMPLATE
}

# start_system: run $dts, then move its tap into namespace $ns, quiet (no
# IPv6: the namespace sends nothing of its own), addressed $peer_ip.
start_system() {
	"$sdvf" check "$dts" >"$log" 2>&1 || fail "sdvf check refused the system"
	# least privilege of what the expander made, with this case's values
	# (least_privilege.sh skips the TEMPLATE above)
	net_least_privilege "$dts"
	net_start "$dts" "$limit" "$peer_ip" noipv6
}

# start_capture: in the namespace, send the N forged frames and count what
# the system puts on the wire until $work/stop appears (at most 30 s);
# the counts go to $work/capture as "name value" lines.
start_capture() {
	rm -f "$work/stop" "$work/capture" "$work/capture.ready"
	ip netns exec "$ns" timeout 40 python3 - "$tap" "$n" "$refl_mac" \
		"$resp_mac" "$peer_ip" "$resp_ip" "$work" <<'PY' &
import os, socket, struct, sys, time

tap, n, work = sys.argv[1], int(sys.argv[2]), sys.argv[7]
refl, resp = (bytes(int(b, 16) for b in m.split(":")) for m in sys.argv[3:5])
src_ip, dst_ip = socket.inet_aton(sys.argv[5]), socket.inet_aton(sys.argv[6])

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def echo_request(seq):
    data = b"sdvf-net-switch-" + bytes(range(16))
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x5357, seq) + data
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), seq, 0, 64,
                     1, 0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    # To R, from S: R's reflection goes to S.
    return refl + resp + b"\x08\x00" + ip + icmp

sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
sock.bind((tap, 0))
sock.settimeout(0.1)
open(os.path.join(work, "capture.ready"), "w").close()
for seq in range(1, n + 1):
    sock.send(echo_request(seq))

count = {"in_frames": 0, "refl_to_resp_request": 0, "resp_to_refl_reply": 0,
         "from_refl": 0, "from_resp": 0, "to_refl": 0, "to_resp": 0,
         "other": 0}
def icmp_type(f):
    if f[12:14] == b"\x08\x00" and f[23] == 1 and len(f) > 34:
        return f[14 + (f[14] & 15) * 4]
    return None
stop = os.path.join(work, "stop")
deadline = time.time() + 30
stopping = False
while time.time() < deadline:
    # Once asked to stop, take what the socket still holds (what the tap
    # got before the counters said "done"), until it stays empty.
    if not stopping and os.path.exists(stop):
        stopping = True
        sock.settimeout(0.3)
    try:
        f, addr = sock.recvfrom(65535)
    except socket.timeout:
        if stopping:
            break
        continue
    if addr[2] == socket.PACKET_OUTGOING:
        continue
    count["in_frames"] += 1
    dst, src = f[0:6], f[6:12]
    if src == refl and dst == resp and icmp_type(f) == 8:
        count["refl_to_resp_request"] += 1
    if src == resp and dst == refl and icmp_type(f) == 0:
        count["resp_to_refl_reply"] += 1
    count["from_refl"] += src == refl
    count["from_resp"] += src == resp
    count["to_refl"] += dst == refl
    count["to_resp"] += dst == resp
    if refl not in (src, dst) and resp not in (src, dst):
        count["other"] += 1
with open(os.path.join(work, "capture.tmp"), "w") as out:
    for k, v in count.items():
        out.write("%s %d\n" % (k, v))
os.rename(os.path.join(work, "capture.tmp"), os.path.join(work, "capture"))
PY
	cap_pid=$!
	for _ in $(seq 100); do
		[ -e "$work/capture.ready" ] && return 0
		kill -0 "$cap_pid" 2>/dev/null || fail "the capture exited early"
		sleep 0.1
	done
	fail "the capture never started"
}

# stop_capture: end the capture; its counts in $capture.
capture=
stop_capture() {
	touch "$work/stop"
	wait "$cap_pid" || fail "the capture failed"
	cap_pid=
	capture=$(cat "$work/capture")
	while read -r line; do echo "  capture: $line"; done <<<"$capture"
}

kv=
read_stats() {
	kv=$("$sdvf" stats --format=kv "$system") || fail "sdvf stats failed"
}
captured() {
	awk -v k="$1" '$1 == k { print $2 }' <<<"$capture"
}
expect_captured() {
	[ "$(captured "$1")" = "$2" ] ||
		fail "the capture saw $1 $(captured "$1"), expected $2"
}

# settle PD COUNTER VALUE...: poll the stats (at most 10 s) until every
# named counter has its value, then once more so that late frames would
# show; the caller asserts on $kv.
settle() {
	local args=("$@") i ok
	for _ in $(seq 100); do
		read_stats
		ok=1
		for ((i = 0; i < ${#args[@]}; i += 3)); do
			[ "$(kv_of "${args[i]}" "${args[i + 1]}")" = "${args[i + 2]}" ] ||
				ok=
		done
		[ -n "$ok" ] && break
		sleep 0.1
	done
	sleep 0.3
	read_stats
}

# Both clients' buffers home, in either mode; and the wire's share.
expect_conserved() {
	kv_expect net_rx_mux c0.in_flight 0
	kv_expect net_rx_mux c1.in_flight 0
	kv_expect net_tx_mux c0.in_flight 0
	kv_expect net_tx_mux c1.in_flight 0
	kv_expect refl tx_done "$(kv_of refl reflected)"
	kv_expect resp tx_done "$(kv_of resp icmp_replies)"
	kv_expect resp tx_errors 0
	kv_expect refl net.rx_bad 0
	kv_expect refl net.tx_bad 0
	kv_expect resp net.rx_bad 0
	kv_expect resp net.tx_bad 0
	# From the wire, R got the N frames sent and S nothing (the namespace
	# may send a multicast of its own, which no client takes).
	expect_wire_rx c0 "$n"
	expect_wire_rx c1 0
}

# expect_wire_rx cN FRAMES: the RX mux gave client N that many frames
# from the driver (all it gave, less the switched ones).
expect_wire_rx() {
	local all sw
	all=$(kv_of net_rx_mux "$1.rx_frames")
	sw=$(kv_of net_rx_mux "$1.sw_in")
	if [ -z "$all" ] || [ $((all - ${sw:-0})) != "$2" ]; then
		fail "net_rx_mux $1: rx_frames '$all', sw_in '$sw': expected $2 from the wire"
	fi
}

# The switching pool whole.  rx_mux gives sw_pool buffers back on sw_free
# without waking tx_mux (it drains sw_free on its next activation, never
# waits for it), so the last ones sit there until the TX mux runs again:
# a ping to S from the namespace (ARP and echo over the wire) wakes it.
expect_switch_pool_whole() {
	local out
	out=$(ip netns exec "$ns" timeout 10 ping -c 1 -W 2 "$resp_ip") ||
		fail "ping S after the exchange: $out"
	settle net_tx_mux sw_pool_idle "$sw_buffers" net_rx_mux sw_reserve "$1"
	kv_expect net_tx_mux sw_pool_idle "$sw_buffers"
	kv_expect net_tx_mux sw_bad_return 0
	kv_expect net_rx_mux sw_bad_desc 0
	kv_expect net_rx_mux sw_bad_sender 0
	kv_expect net_rx_mux sw_reserve "$1"
	kv_expect net_tx_mux c0.sw_drop_full 0
	kv_expect net_tx_mux c1.sw_drop_full 0
	if [ -z "${2:-}" ]; then
		kv_expect net_rx_mux c0.sw_drop.reserve 0
		kv_expect net_rx_mux c1.sw_drop.reserve 0
	fi
}

# SIGINT the system: it exits 0 and every PD stopped, none restarted.
stop_system() {
	net_stop
	net_summary_clean "$pds"
	ip netns del "$ns"
	ns=
}

# Allowed both ways: the whole exchange stays inside the system.
check_both() {
	settle resp drop.not_for_us "$n" refl reflected $((2 * n))
	stop_capture
	expect_captured in_frames 0
	kv_expect refl rx_frames $((2 * n))
	kv_expect refl reflected $((2 * n))
	kv_expect resp icmp_replies "$n"
	kv_expect resp drop.not_for_us "$n"
	kv_expect resp rx_frames $((2 * n))
	kv_expect net_tx_mux c0.sw_out $((2 * n))
	kv_expect net_tx_mux c1.sw_out "$n"
	kv_expect net_tx_mux c0.tx_frames 0
	kv_expect net_tx_mux c1.tx_frames 0
	kv_expect net_rx_mux c0.sw_in "$n"
	kv_expect net_rx_mux c1.sw_in $((2 * n))
	kv_expect net_rx_mux sw_frames $((3 * n))
	kv_expect net_driver tx_frames 0
	expect_conserved
	expect_switch_pool_whole "$1"
}

# No allow-list: the reflections leave on the wire, S hears nothing.
check_none() {
	settle refl reflected "$n" net_driver tx_frames "$n"
	stop_capture
	expect_captured refl_to_resp_request "$n"
	expect_captured from_refl "$n"
	expect_captured from_resp 0
	expect_captured to_refl 0
	kv_expect refl rx_frames "$n"
	kv_expect refl reflected "$n"
	kv_expect resp rx_frames 0
	kv_expect resp icmp_replies 0
	kv_expect net_tx_mux c0.tx_frames "$n"
	kv_expect net_tx_mux c1.tx_frames 0
	kv_expect net_driver tx_frames "$n"
	kv_expect net_tx_mux c0.sw_out 0
	kv_expect net_tx_mux c1.sw_out 0
	kv_expect net_rx_mux c0.sw_in 0
	kv_expect net_rx_mux c1.sw_in 0
	kv_expect net_rx_mux sw_frames 0
	local dump
	dump=$("$sdvf" dump "$dts") || fail "sdvf dump failed"
	if grep -Eq "^region net_sw_pool |^pd-map net_.x_mux sw_pool " <<<"$dump"; then
		fail "a system without switch-to has a sw_pool"
	fi
	expect_conserved
}

# R may reach S, S may not reach R: S's replies leave on the wire.
check_one() {
	settle resp icmp_replies "$n" net_driver tx_frames "$n"
	stop_capture
	expect_captured resp_to_refl_reply "$n"
	expect_captured from_resp "$n"
	expect_captured from_refl 0
	expect_captured to_resp 0
	kv_expect refl rx_frames "$n"
	kv_expect refl reflected "$n"
	kv_expect resp rx_frames "$n"
	kv_expect resp icmp_replies "$n"
	kv_expect resp drop.not_for_us 0
	kv_expect net_tx_mux c0.sw_out "$n"
	kv_expect net_tx_mux c1.sw_out 0
	kv_expect net_tx_mux c0.tx_frames 0
	kv_expect net_tx_mux c1.tx_frames "$n"
	kv_expect net_rx_mux c0.sw_in 0
	kv_expect net_rx_mux c1.sw_in "$n"
	kv_expect net_driver tx_frames "$n"
	expect_conserved
	expect_switch_pool_whole 0
}

# Both ways, remap, the default reserve (4): a burst of switched frames
# to a remap client may find it empty.  Whatever the timing, every
# switched frame is delivered or counted (sw_in + sw_drop.reserve, per
# destination, add up to what tx_mux switched), each client answered what
# it got, nothing reached the wire, and the reserve and pool are whole
# afterwards.
check_tight() {
	local prev='' now out0 out1 in0 in1 drop0 drop1
	for _ in $(seq 50); do
		read_stats
		now=$(grep -E " net_.x_mux (c[01]\.)?sw_" <<<"$kv")
		[ "$now" = "$prev" ] && [ "$(kv_of refl reflected)" -ge "$n" ] &&
			break
		prev=$now
		sleep 0.2
	done
	stop_capture
	expect_captured in_frames 0
	out0=$(kv_of net_tx_mux c0.sw_out)
	out1=$(kv_of net_tx_mux c1.sw_out)
	in0=$(kv_of net_rx_mux c0.sw_in)
	in1=$(kv_of net_rx_mux c1.sw_in)
	drop0=$(kv_of net_rx_mux c0.sw_drop.reserve)
	drop1=$(kv_of net_rx_mux c1.sw_drop.reserve)
	echo "  switched: R $out0 (to S: $in1 in, $drop1 dropped)," \
		"S $out1 (to R: $in0 in, $drop0 dropped)"
	kv_expect net_tx_mux c0.sw_out $((n + in0))
	kv_expect net_rx_mux c1.sw_in $((out0 - drop1))
	kv_expect net_rx_mux c0.sw_in $((out1 - drop0))
	kv_expect net_rx_mux sw_frames $((out0 + out1))
	kv_expect net_rx_mux sw_no_listener 0
	kv_expect refl rx_frames $((n + in0))
	kv_expect refl reflected $((n + in0))
	kv_expect resp rx_frames "$in1"
	kv_expect resp icmp_replies "$out1"
	kv_expect net_driver tx_frames 0
	expect_conserved
	expect_switch_pool_whole 4 drops-allowed
}

to_resp='switch-to = "resp";'
to_refl='switch-to = "refl";'
# name|mode|R's switch-to|S's switch-to|switch-reserve|check
cases=(
	"both-copy|copy|$to_resp|$to_refl||check_both 0"
	"none-copy|copy||||check_none"
	"one-copy|copy|$to_resp|||check_one"
	"both-remap|remap|$to_resp|$to_refl|$sw_reserve|check_both $sw_reserve"
	"both-mixed|mixed|$to_resp|$to_refl|$sw_reserve|check_both $sw_reserve"
	"tight-remap|remap|$to_resp|$to_refl||check_tight"
)
only=${SDVF_NET_SWITCH_CASE:-}
i=0
for c in "${cases[@]}"; do
	i=$((i + 1))
	IFS='|' read -r case_name mode r_sw s_sw reserve check <<<"$c"
	[ -z "$only" ] || [ "$only" = "$case_name" ] || continue
	echo "net_switch: $case_name: $n echo requests to R from S's MAC"
	ns=sdvf-nsw-$$-$case_name
	tap=sdvw$$-$i
	system=net-switch-$$-$case_name
	fail_context=$case_name
	stats_system=$system
	dts=$work/$system.dts
	log=$work/$system.log
	write_dts "$dts" "$mode" "$r_sw" "$s_sw" "$reserve"
	start_system
	start_capture
	$check
	stop_system
	echo "net_switch: $case_name: ok"
done
echo "net_switch: ok"
