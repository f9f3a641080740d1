#!/usr/bin/env bash
# Soak (`make soak`, SOAK_SECONDS, default 600; tests/integration/
# soak_smoke.sh runs 60 s of it in `make test`, enet_faults.sh 30 s with
# wire faults): the demo system (examples/demo.dts: the ENET model on a
# TAP, driver, both muxes under drr, `echo` (lwIP), `web` (lwIP HTTP) and
# `bench` (reflector)), its tap moved into a private namespace (IPv6 off:
# the namespace sends nothing of its own), under load for SOAK_SECONDS:
#   - UDP to bench's reflector, 32 datagrams in flight, and to echo's UDP
#     echo, 8 in flight, every reply checked byte for byte (one later
#     than 1 s leaves the window and is counted late; lost only if it
#     never comes back, 5 s after the load at most);
#   - 20 pings a second to each client; /stats.json from web every 2 s.
# Meanwhile every PD's VmRSS (/proc/PID/status) is sampled each second.
# At the end it checks:
#   - no reply altered; none lost (with faults: losses allowed, counted);
#   - RSS flat: for every PD the median of the last quarter is within 5%
#     (and 64 KiB, a page-rounding floor) of the median of the first
#     quarter, warm-up (the first 10%, at least 3 s) excluded;
#   - buffer conservation at rest: every RX DMA buffer at the driver, the
#     TX pool whole, nothing in flight at either mux (the muxes' gauges);
#   - with SOAK_FAULTS, every loss is a fault's: datagrams and pings lost
#     (less those a ping had out at its deadline) at most the frames the
#     model lost, corrupted or dropped on a down link;
#   - no error counter moved during the soak (from when every client
#     answers ping; what starting moved is printed, and fails but for a
#     frame the model could not write while the tap was being moved,
#     net_nic wire.tx_errors) but those the
#     faults inject: with SOAK_FAULTS
#     the driver's rx_err_cr equals the model's fault_rx_corrupt, it saw
#     each injected link drop (link_changes), frames the model lost to a
#     dropped link are allowed, and so are the lwIP clients' TCP and drop
#     counters (a lost segment is retransmitted);
#   - no PD died or restarted; the run stops with status 0.
# SOAK_FAULTS=1 adds to the NIC: fault-loss-ppm 2000, fault-corrupt-ppm
# 2000, fault-flap-ms 10000 (down 300 ms), fault-seed 1.
# Needs root.  Nothing is timed but the soak's own length.
set -euo pipefail
cd "$(dirname "$0")/../.."

me=soak
# shellcheck source=tests/integration/lib_net.sh
. tests/integration/lib_net.sh

build=${BUILD:-build}
sdvf=$build/sdvf
net_require
secs=${SOAK_SECONDS:-600}
faults=${SOAK_FAULTS:-0}
[[ "$secs" =~ ^[0-9]+$ ]] && [ "$secs" -ge 20 ] ||
	{ echo "$me: SOAK_SECONDS '$secs': expected a number >= 20" >&2; exit 1; }

tap=sdvsoak$$
ns=sdvf-t-soak-$$
work=$(mktemp -d /tmp/sdvf-soak.XXXXXX)
sys=demo
stats_system=$sys
net_load_setup

fault_props=
[ "$faults" = 1 ] && fault_props='fault-loss-ppm = <2000>; fault-corrupt-ppm = <2000>; fault-flap-ms = <10000>; fault-flap-down-ms = <300>; fault-seed = <1>;'
sed -e "s/tap-name = \"sdvfdemo0\";/tap-name = \"$tap\"; $fault_props/" \
	examples/demo.dts >"$dts"
grep -q "\"$tap\"" "$dts" || fail "could not write $dts"

net_start "$dts" $((secs + 120)) 10.214.0.1 noipv6
for ip in 10.214.0.2 10.214.0.3 10.214.0.4; do net_answers "$ip" 30; done
# The error counters before the load: what starting did (the tap is moved
# and brought up while the clients start) is printed, the soak's own
# moves are checked (below).
snap
kv_up=$kv
echo "$me: demo system up, $secs s of load (faults: $faults)"

# ---- the load -----------------------------------------------------------

# udp_load OUT IP PORT SECONDS WINDOW: WINDOW datagrams in flight, each
# reply checked; a reply not back within 1 s leaves the window (overdue),
# and is counted late if it comes back (byte for byte) by 5 s after the
# load, lost if not; prints sent, back, late, altered, lost; exits 1 if any
# reply was altered, or (without faults) any was lost.
udp_load() {
	ip netns exec "$ns" timeout $(($4 + 60)) python3 - "${@:2}" "$faults" \
		>"$1" 2>&1 <<'PY'
import select, socket, sys, time
_, ip, port, secs, window, faults = sys.argv
port, secs, window = int(port), float(secs), int(window)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((ip, port))
s.setblocking(False)
body = lambda q: q.to_bytes(4, "big") + bytes((q * 7 + i) & 255 for i in range(20 + q % 1000))
out, overdue, sent, back, late, altered = {}, set(), 0, 0, 0, 0
start = time.monotonic()
while True:
    now = time.monotonic()
    sending = now - start < secs
    if not sending and not out and (not overdue or now - start > secs + 5):
        break
    while sending and len(out) < window:
        s.send(body(sent))
        out[sent] = now
        sent += 1
    select.select([s], [], [], 0.05)
    while True:
        try:
            data = s.recv(4096)
        except BlockingIOError:
            break
        q = int.from_bytes(data[:4], "big")
        if q in out and data == body(q):
            del out[q]
            back += 1
        elif q in overdue and data == body(q):
            overdue.discard(q)
            late += 1
        elif q < sent and data == body(q):
            pass  # a duplicate of a reply already counted
        else:
            altered += 1
    now = time.monotonic()
    for q in [q for q, t in out.items() if now - t > 1.0]:
        del out[q]
        overdue.add(q)
lost = len(overdue)
print("load %s:%d sent %d back %d late %d altered %d lost %d" % (ip, port, sent, back, late, altered, lost))
sys.exit(1 if altered or (lost and faults != "1") else 0)
PY
}

udp_load "$work/load.bench" 10.214.0.4 4000 "$secs" 32 &
loads="$!"
udp_load "$work/load.echo" 10.214.0.2 1235 "$secs" 8 &
loads="$loads $!"
for ip in 10.214.0.2 10.214.0.3 10.214.0.4; do
	ip netns exec "$ns" ping -q -i 0.05 -w "$secs" "$ip" >"$work/ping.$ip" 2>&1 &
	loads="$loads $!"
done

# Every second: each PD's VmRSS (kB), as "T PD KB" lines; /stats.json from
# web every other second.
snap
pds=$(awk '$3 == "sdvf.pid" { print $2 }' <<<"$kv")
[ "$(wc -w <<<"$pds")" = 7 ] || fail "expected 7 PDs, stats list: $pds"
declare -A pid_of
for pd in $pds; do pid_of[$pd]=$(kv_of "$pd" sdvf.pid); done
: >"$work/rss"
start=$SECONDS
while [ $((SECONDS - start)) -lt "$secs" ]; do
	t=$((SECONDS - start))
	for pd in $pds; do
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/${pid_of[$pd]}/status" 2>/dev/null) ||
			fail "PD $pd (pid ${pid_of[$pd]}) is gone"
		[ -n "$rss" ] || fail "PD $pd (pid ${pid_of[$pd]}) is gone"
		echo "$t $pd $rss" >>"$work/rss"
	done
	if [ $((t % 2)) = 0 ]; then
		# on failure: curl's error, its timings and source port
		# (a stall names the port to find in a capture)
		curl_said=$(ip netns exec "$ns" curl -sS -m 5 \
			-o "$work/stats.json" -w \
			'connect %{time_connect} s, first byte %{time_starttransfer} s, from port %{local_port}' \
			http://10.214.0.3/stats.json 2>&1) ||
			echo "$me: curl /stats.json failed at ${t} s: $curl_said" \
				>>"$work/curl"
	fi
	kill -0 "$sdvf_pid" 2>/dev/null || fail "sdvf ended during the soak"
	sleep 1
done
rc=0
for p in $loads; do wait "$p" || rc=1; done
loads=
cat "$work/load.bench" "$work/load.echo"
for ip in 10.214.0.2 10.214.0.3 10.214.0.4; do
	echo "$me: ping $ip: $(grep 'packet loss' "$work/ping.$ip")"
done
[ "$rc" -eq 0 ] || fail "the load saw replies altered or lost"
if [ "$faults" != 1 ] && [ -s "$work/curl" ]; then
	fail "$(cat "$work/curl")"
fi
python3 -m json.tool "$work/stats.json" >/dev/null ||
	fail "the last /stats.json is not valid JSON"

# ---- RSS ------------------------------------------------------------------
rss_report=$(awk -v secs="$secs" '
	function median(list, n,   a, i, j, t) {
		split(list, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return a[int((n + 1) / 2)]
	}
	BEGIN { warm = secs / 10; if (warm < 3) warm = 3 }
	$1 >= warm && $1 < secs / 4 { first[$2] = first[$2] " " $3; nf[$2]++ }
	$1 >= 3 * secs / 4 { last[$2] = last[$2] " " $3; nl[$2]++ }
	END {
		for (pd in first) {
			f = median(first[pd], nf[pd]); l = median(last[pd], nl[pd])
			grow = l - f
			bad = grow > f * 0.05 && grow > 64
			printf "%s %s %d %d %+.1f%%\n", bad ? "GREW" : "flat", pd, f, l,
				100.0 * grow / f
		}
	}' "$work/rss" | sort -k2)
echo "$me: RSS (kB) per PD, median of the first quarter (after warm-up) and of the last:"
sed 's/^/  /' <<<"$rss_report"
# Too few samples in a quarter: say when the sampling loop stalled (a
# starved host), e.g. 16 s between two samples at load average 25.
[ "$(wc -l <<<"$rss_report")" = 7 ] ||
	fail "RSS samples missing: $(awk 'NR == 1 || $1 != last { n++; if ($1 - last > gap) { gap = $1 - last; at = last } last = $1 }
		END { printf "%d samples in %d s, the longest gap %d s after %d s", n, secs, gap, at }' secs="$secs" "$work/rss"): $rss_report"
grep -q '^GREW' <<<"$rss_report" && fail "RSS grew: $(grep '^GREW' <<<"$rss_report")"

# ---- conservation and counters at rest -----------------------------------
net_conserved "0 1 2" "0 1 2"
for pd in $pds; do kv_expect "$pd" sdvf.restarts 0; done

# Error counters: zero, but what the faults inject (and with them, what a
# lost or damaged frame makes a peer count; a flap makes the model drop).
# What a host filters by protocol is no error: a broadcast ARP for one
# client reaches all three (bench counts the others', drop.arp), and a
# group frame no client takes is dropped by the RX mux (no_listener).
allowed='^(net_rx_mux drop\.no_listener|bench bench\.reflect\.drop\.arp)='
if [ "$faults" = 1 ]; then
	kv_expect net_driver rx_err_cr "$(kv_of net_nic fault_rx_corrupt)"
	# up at start, then down and up per flap (the last may be under way)
	flaps=$(kv_of net_nic fault_flaps)
	[ "$flaps" -ge 1 ] && [ "$(kv_of net_driver link_changes)" -ge $((2 * flaps)) ] ||
		fail "$flaps link drops injected, the driver saw $(kv_of net_driver link_changes) link changes"
	allowed="$allowed|^net_nic (fault_|rx_link_down|tx_link_down)|^net_driver rx_err_cr|^(echo|web) (tcp\.|lwip\.drop\.)"
	# Every loss is a fault's: a datagram or ping lost costs at least one
	# frame the model lost, corrupted (the driver drops it on RX, the
	# namespace's checksums on TX) or dropped on a down link.  A ping stops
	# at its deadline: requests still out then are no loss (at most one
	# and one per 50 ms of its slowest reply).
	lost_udp=$(sed -n 's/.* lost \([0-9]*\)$/\1/p' "$work/load.bench" "$work/load.echo" |
		awk '{ n += $1 } END { print n + 0 }')
	lost_ping=0
	for f in "$work"/ping.*; do
		lost_ping=$((lost_ping + $(awk '
			/packets transmitted/ { lost = $1 - $4 }
			/^rtt / { split($4, r, "/"); out = 1 + int(r[3] / 50) }
			END { lost -= out > lost ? lost : out; print lost + 0 }' "$f")))
	done
	lost_frames=0
	for c in fault_rx_lost fault_tx_lost fault_rx_corrupt fault_tx_corrupt rx_link_down tx_link_down; do
		lost_frames=$((lost_frames + $(kv_of net_nic "$c")))
	done
	echo "$me: lost $lost_udp datagrams and $lost_ping pings, the model lost or damaged $lost_frames frames"
	[ $((lost_udp + lost_ping)) -le "$lost_frames" ] ||
		fail "lost $lost_udp datagrams and $lost_ping pings, more than the $lost_frames frames the faults cost"
fi
# moved PD COUNTER=DELTA, from the counters at start (file 1) to now.
errors_moved() {
	awk 'NR == FNR { up[$2 " " $3] = $4; next }
	$3 ~ /(drop|err|bad|rej|viol|timeout|fail|lost|overflow|halt|stall|corrupt)/ &&
	!($2 == "net_driver" && $3 ~ /^mib_/) && $4 != up[$2 " " $3] + 0 {
		print $2 " " $3 "=" $4 - up[$2 " " $3] }' <(echo "$kv_up") - <<<"$kv"
}
at_up=$(awk '$4 != 0 && $3 ~ /(drop|err|bad|rej|viol|timeout|fail|lost|overflow|halt|stall|corrupt)/ &&
	!($2 == "net_driver" && $3 ~ /^mib_/) { print $2 " " $3 "=" $4 }' <<<"$kv_up" |
	grep -Ev "$allowed" || true)
[ -z "$at_up" ] || echo "$me: error counters at start, before the load: $(tr '\n' ' ' <<<"$at_up")"
# Starting may cost the model a write to the tap while the test moves it
# into the namespace (wire.tx_errors); no other error counter may move.
at_up_bad=$(grep -Ev '^net_nic wire\.tx_errors=' <<<"$at_up" || true)
[ -z "$at_up_bad" ] || fail "error counters moved while starting: $(tr '\n' ' ' <<<"$at_up_bad")"
bad=$(errors_moved | grep -Ev "$allowed" || true)
[ -z "$bad" ] || fail "error counters moved during the soak: $(tr '\n' ' ' <<<"$bad")"
if [ "$faults" = 1 ]; then
	echo "$me: injected and survived: $(awk '$2 == "net_nic" && $3 ~ /^fault_/ { printf "%s=%s ", $3, $4 }' <<<"$kv")"
	echo "$me: the driver saw: rx_err_cr=$(kv_of net_driver rx_err_cr) link_changes=$(kv_of net_driver link_changes)"
fi
echo "$me: no error counter moved${fault_props:+ but the injected ones}"

net_stop
grep -q "killed\|exited with" "$log" && fail "a PD died: $(grep 'killed\|exited with' "$log")"
echo "$me: PASS ($secs s, load $(cut -d' ' -f1-3 /proc/loadavg))"
