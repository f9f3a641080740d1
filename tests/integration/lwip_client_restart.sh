#!/usr/bin/env bash
# Integration: a restartable lwIP client killed under load on the hosted
# runtime, modelled on net_client_restart.sh (which does this for
# raw_responder).  A `sdvf,net` system (the ENET model on a TAP moved into
# a private network namespace, the driver, both muxes) with three lwIP
# echo clients (clients/echo_client.c over clients/lwip_netif.c):
#   copy   c0  RX copy,  TX copy    .2  restartable (second victim)
#   rmap   c1  RX remap, TX remap   .3  restartable (first victim)
#   mixed  c2  RX remap, TX copy    .4
# For each victim (rmap, then copy): ping every client from the namespace
# (ping -i 0.004 -c 2500) and UDP-echo the two others (2000 datagrams
# each, every reply checked byte for byte); once the victim has taken 500
# frames of this load, SIGSTOP it until at least 8 frames wait for it in
# its rx_active, SIGKILL it and wait for the monitor to restart it.  Then:
#   - the other two lost nothing: every ping answered, every datagram back
#     byte-identical, no drop or violation counted for them by either mux;
#   - the RX mux reclaimed at least what the dead victim held;
#   - the new instance (new process, fresh lwIP, fresh queues) answers 20
#     pings, each once, UDP echo of 1..1472 bytes (udp.packets grows by
#     exactly the datagrams sent) and a 64 KiB TCP echo on a new
#     connection; no queue index, return or completion was refused on
#     either side;
#   - after the load, buffers are conserved: every cN.in_flight at both
#     muxes is 0, every RX DMA buffer is at the driver and the TX pool is
#     whole (lwIP holds no RX buffer once idle: zero-copy pbufs are freed
#     when their datagram or segment is consumed).
# Finally the run stops with status 0.  Waits are bounded; nothing is
# timed.  Needs root.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${BUILD:-build}
sdvf=$build/sdvf
if [ "$(id -u)" -ne 0 ]; then
	echo "lwip_client_restart: needs root (network namespace and tap)" >&2
	exit 1
fi
if [ ! -x "$sdvf" ]; then
	echo "lwip_client_restart: $sdvf not built (make BUILD=$build $sdvf)" >&2
	exit 1
fi

net=10.217.$(($$ % 250 + 1))
tap=sdvlrst$$
ns=sdvf-t-lwrst-$$
work=$(mktemp -d /tmp/sdvf-lwip-restart.XXXXXX)
sys=lwip_restart
dts=$work/$sys.dts
log=$work/log
export SDVF_STATS_DIR=$work/stats
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
sdvf_pid=
loads=

cleanup() {
	for p in $loads; do kill "$p" 2>/dev/null || true; done
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
	echo "lwip_client_restart: FAILED${victim:+ (victim $victim)}: $*" >&2
	echo "--- sdvf log" >&2
	cat "$log" >&2 || true
	exit 1
}

# ---- the system ---------------------------------------------------------

# shellcheck disable=SC2046,SC2183 # split the dotted prefix into 3 numbers
net_hex=$(printf '%02x %02x %02x' $(tr . ' ' <<<"$net"))
cat >"$dts" <<TEMPLATE
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		copy {
			component = "echo";
			restartable;
			config { prefix_len = <24>; };
		};
		rmap {
			component = "echo";
			restartable;
			config { prefix_len = <24>; };
		};
		mixed {
			component = "echo";
			config { prefix_len = <24>; };
		};
	};
	subsystems {
		net {
			compatible = "sdvf,net";
			rx-capacity = <128>;
			tx-capacity = <128>;
			nic {
				wire = "tap";
				tap-name = "$tap";
				mac = [02 00 00 00 eb 01];
			};
			clients {
				copy {
					mac = [02 00 00 00 eb 02];
					ip = [$net_hex 02];
				};
				rmap {
					mac = [02 00 00 00 eb 03];
					ip = [$net_hex 03];
					rx-mode = "remap";
					tx-mode = "remap";
					trusted-source-mac;
				};
				mixed {
					mac = [02 00 00 00 eb 04];
					ip = [$net_hex 04];
					rx-mode = "remap";
				};
			};
		};
	};
};
TEMPLATE

# Least privilege of what the expander made, with the real values (the
# TEMPLATE above is skipped by least_privilege.sh), as it checks
# the examples.
lp=$("$sdvf" dump "$dts" | awk -f tests/integration/least_privilege.awk \
	-v src="$dts") || fail "least privilege: $lp"

# Client PD -> its index at both muxes, and its address.
declare -A idx=([copy]=0 [rmap]=1 [mixed]=2)
declare -A addr=([copy]=$net.2 [rmap]=$net.3 [mixed]=$net.4)

"$sdvf" run "$dts" --duration 300 >"$log" 2>&1 &
sdvf_pid=$!
for _ in $(seq 200); do
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

# ---- reading the counters ----------------------------------------------

kv=
snap() {
	kv=$("$sdvf" stats --format=kv "$sys" 2>/dev/null) || kv=
}
# val PD COUNTER: from the last snap (empty if absent).
val() {
	awk -v pd="$1" -v c="$2" '$2 == pd && $3 == c { print $4 }' <<<"$kv"
}
# wait_until SECONDS WHAT CMD...: until CMD succeeds (after a fresh snap).
wait_until() {
	local deadline=$((SECONDS + $1)) what=$2
	shift 2
	while :; do
		snap
		"$@" && return 0
		[ $SECONDS -lt $deadline ] || fail "timed out waiting for $what"
		kill -0 "$sdvf_pid" 2>/dev/null || fail "sdvf ended early"
		sleep 0.05
	done
}
ge() { local v; v=$(val "$1" "$2"); [ -n "$v" ] && [ "$v" -ge "$3" ]; }
eq() { local v; v=$(val "$1" "$2"); [ "$v" = "$3" ]; }
# must PD COUNTER VALUE: the last snap has exactly that.
must() {
	eq "$1" "$2" "$3" || fail "$1 $2 is '$(val "$1" "$2")', want $3"
}

# answers IP SECONDS: one ping answered within SECONDS.
answers() {
	local deadline=$((SECONDS + $2))
	until ip netns exec "$ns" ping -c 1 -W 1 "$1" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || fail "$1 never answered a ping"
	done
}

for pd in copy rmap mixed; do answers "${addr[$pd]}" 30; done
echo "lwip_client_restart: every client answers"

# ---- the load -----------------------------------------------------------

# udp_echo OUT IP...: 2000 datagrams to each IP's port 1235 in turn, sizes
# 18..1472, each reply checked byte for byte; exits 1 at the first loss.
udp_echo() {
	local out=$1
	shift
	ip netns exec "$ns" timeout 120 python3 - "$@" >"$out" 2>&1 <<'PY'
import socket, sys, time
ips = sys.argv[1:]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
n = 2000
for i in range(n):
    for ip in ips:
        size = 18 + (i * 37) % 1455
        p = (b"%08d-%s-" % (i, ip.encode())) * (size // 8 + 1)
        p = p[:size]
        s.sendto(p, (ip, 1235))
        try:
            data, src = s.recvfrom(4096)
        except socket.timeout:
            sys.exit("udp %s: datagram %d (%d bytes) never came back" % (ip, i, size))
        if data != p or src != (ip, 1235):
            sys.exit("udp %s: datagram %d: %d bytes back from %s, equal=%s"
                     % (ip, i, len(data), src, data == p))
    time.sleep(0.002)
print("udp: %d datagrams to each of %s echoed byte-identical" % (n, " ".join(ips)))
PY
}

# ping_ok OUT: every ping answered once, nothing else.
ping_ok() {
	grep -q ' 0% packet loss' "$1" && ! grep -Eq 'duplicates|errors' "$1"
}

# mux_clean IDX: neither mux counted a drop, violation, refused index or
# TX error for client IDX.
mux_clean() {
	local c=c$1 n
	n=$(awk -v c="$c" '($2 == "net_rx_mux" || $2 == "net_tx_mux") &&
		(index($3, c ".drop.") == 1 || index($3, c ".viol.") == 1 ||
		 index($3, c ".rej_") == 1 || index($3, c ".sw_drop") == 1 ||
		 (index($3, c "_") == 1 && $3 ~ /bad_index$/) ||
		 $3 == c ".tx_errors" || $3 == c ".drv_rejected") {
			seen++
			if ($4 != 0) bad = bad $2 " " $3 "=" $4 "; "
		}
		END { print (seen < 15 ? "only " seen " counters found" : bad) }' \
		<<<"$kv")
	[ -z "$n" ] || fail "client $c lost or was refused something: $n"
}

# A client's own queue and ownership counters (net_client): nothing refused.
client_clean() {
	local n
	for n in rx_active.bad_index rx_free.bad_index tx_active.bad_index \
		tx_free.bad_index net.rx_bad net.tx_bad net.queue_full; do
		must "$1" "$n" 0
	done
}

# echo_again IP: UDP echo of 5 sizes (1..1472) and a 64 KiB TCP echo on a
# new connection, each byte-identical.
echo_again() {
	ip netns exec "$ns" timeout 60 python3 - "$1" >"$work/again" 2>&1 <<'PY' ||
import socket, sys
ip = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for n in (1, 17, 512, 1000, 1472):
    p = bytes((n + i * 7) & 255 for i in range(n))
    s.sendto(p, (ip, 1235))
    data, src = s.recvfrom(4096)
    if data != p or src != (ip, 1235):
        sys.exit("udp %s: %d bytes sent, %d back from %s" % (ip, n, len(data), src))
t = socket.create_connection((ip, 1236), timeout=10)
p = bytes((i * 13 + (i >> 9)) & 255 for i in range(65536))
t.sendall(p)
back = bytearray()
while len(back) < len(p):
    chunk = t.recv(65536)
    if not chunk:
        break
    back += chunk
t.close()
if bytes(back) != p:
    sys.exit("tcp %s: %d of %d bytes back" % (ip, len(back), len(p)))
PY
		fail "echo at $1 after the restart: $(cat "$work/again")"
}

# ---- one victim ---------------------------------------------------------

# restarted PD N: (last snap) PD runs again after its Nth restart.
restarted() { ge "$1" sdvf.restarts "$2" && eq "$1" sdvf.state running; }

kill_under_load() {
	victim=$1
	local others=() o p v n pid restarts reclaimed held
	for o in copy rmap mixed; do [ "$o" = "$victim" ] || others+=("$o"); done
	v=c${idx[$victim]}
	snap
	local base_rx reclaimed0
	base_rx=$(val net_rx_mux "$v.rx_frames")
	reclaimed0=$(val net_rx_mux "$v.reclaimed")
	restarts=$(val "$victim" sdvf.restarts)
	pid=$(val "$victim" sdvf.pid)
	if [ -z "$pid" ] || [ "$pid" -le 0 ]; then fail "no pid for $victim"; fi

	echo "lwip_client_restart: load on every client, then SIGKILL $victim (pid $pid)"
	loads=
	for o in copy rmap mixed; do
		ip netns exec "$ns" timeout 120 ping -q -i 0.004 -c 2500 -W 2 \
			"${addr[$o]}" >"$work/ping.$o" 2>&1 &
		loads="$loads $!"
		eval "ping_pid_$o=$!"
	done
	udp_echo "$work/udp" "${addr[${others[0]}]}" "${addr[${others[1]}]}" &
	local udp_pid=$!
	loads="$loads $udp_pid"

	wait_until 60 "$victim to take 500 frames of the load" \
		ge net_rx_mux "$v.rx_frames" $((base_rx + 500))
	# Stopped first, so that it surely dies holding frames: the mux keeps
	# lending to its rx_active, which nobody drains.
	kill -STOP "$pid"
	wait_until 30 "frames queued for the stopped $victim" \
		ge net_rx_mux "$v.in_flight" 8
	held=$(val net_rx_mux "$v.in_flight")
	kill -KILL "$pid"
	wait_until 30 "the restart of $victim" restarted "$victim" $((restarts + 1))
	grep -q "pd '$victim' (pid $pid) killed by SIGKILL" "$log" ||
		fail "the monitor did not report the death of $victim"
	echo "lwip_client_restart: $victim restarted (pid $(val "$victim" sdvf.pid))"

	for o in "${others[@]}"; do
		p=ping_pid_$o
		wait "${!p}" || true
		ping_ok "$work/ping.$o" ||
			fail "ping ${addr[$o]} ($o) under load: $(tail -2 "$work/ping.$o")"
		echo "lwip_client_restart: $o: $(grep 'packet loss' "$work/ping.$o")"
	done
	wait "$udp_pid" || fail "UDP echo: $(cat "$work/udp")"
	cat "$work/udp"
	p=ping_pid_$victim
	wait "${!p}" || true
	echo "lwip_client_restart: $victim (killed): $(grep 'packet loss' "$work/ping.$victim")"
	loads=

	# What the dead instance held came back to the RX mux.
	snap
	reclaimed=$(val net_rx_mux "$v.reclaimed")
	[ "$reclaimed" -ge $((reclaimed0 + held)) ] ||
		fail "net_rx_mux $v.reclaimed $reclaimed0 -> $reclaimed: it held $held at its death"
	echo "lwip_client_restart: it held $held RX buffers at its death;" \
		"net_rx_mux $v.reclaimed $reclaimed0 -> $reclaimed"

	# The new instance answers, each ping once, UDP and TCP echo, on
	# fresh queues.
	answers "${addr[$victim]}" 20
	ip netns exec "$ns" timeout 30 ping -q -c 20 -i 0.01 -W 2 \
		"${addr[$victim]}" >"$work/ping.after" 2>&1 || true
	ping_ok "$work/ping.after" ||
		fail "$victim after its restart: $(tail -2 "$work/ping.after")"
	snap
	local udp0
	udp0=$(val "$victim" udp.packets)
	echo_again "${addr[$victim]}"
	wait_until 10 "$victim to count 5 more UDP echoes" \
		ge "$victim" udp.packets $((udp0 + 5))
	must "$victim" udp.packets $((udp0 + 5))
	must "$victim" tcp.connections 1
	must "$victim" sdvf.starts $((restarts + 2))
	echo "lwip_client_restart: $victim answers 20 pings, UDP and TCP echo again"
	client_clean "$victim"
	for o in "${others[@]}"; do mux_clean "${idx[$o]}"; done
	# The victim's violations: none either (its new instance is honest).
	for n in "$v.viol.not_owner" "$v.viol.misaligned" "$v.viol.out_of_range"; do
		must net_rx_mux "$n" 0
	done
	for n in rej_not_owner rej_misaligned rej_out_of_range; do
		must net_tx_mux "$v.$n" 0
	done
	for n in "${v}_rx_free.bad_index" "${v}_rx_active.bad_index"; do
		must net_rx_mux "$n" 0
	done
	for n in "${v}_tx_active.bad_index" "${v}_tx_free.bad_index"; do
		must net_tx_mux "$n" 0
	done
	for o in "${others[@]}"; do client_clean "$o"; done

	conserved
}

# all_back: (last snap) every buffer is where it rests.
all_back() {
	local c
	eq net_rx_mux dma_lent 0 && eq net_rx_mux dma_mux 0 &&
		eq net_rx_mux dma_driver "$(val net_rx_mux dma_bufs)" &&
		eq net_tx_mux pool_driver 0 &&
		eq net_tx_mux pool_idle "$(val net_tx_mux pool_bufs)" || return 1
	for c in 0 1 2; do
		eq net_rx_mux "c$c.in_flight" 0 && eq net_tx_mux "c$c.in_flight" 0 ||
			return 1
	done
}

# Buffer conservation at rest: the load is over and the responders give
# every buffer back, so the gauges settle (bounded wait), then must add up.
conserved() {
	wait_until 20 "every buffer back" all_back
	must net_rx_mux dma_bufs 512
	must net_tx_mux pool_bufs 256
	must net_rx_mux bad_desc 0
	must net_tx_mux bad_completion 0
	echo "lwip_client_restart: conserved: 512 RX DMA buffers at the driver," \
		"256 TX pool buffers idle, nothing in flight"
}

conserved
kill_under_load rmap
kill_under_load copy
victim=

kill -INT "$sdvf_pid"
status=0
wait "$sdvf_pid" || status=$?
sdvf_pid=
[ "$status" = 0 ] || fail "sdvf run exited with status $status"
for row in "rmap 1" "copy 1" "mixed 0"; do
	grep -Eq "^  ${row% *} +[0-9]+ +[0-9]+ +[0-9]+ +${row#* } " "$log" ||
		fail "the summary does not show ${row#* } restarts of ${row% *}"
done
echo "lwip_client_restart: PASS"
