#!/usr/bin/env bash
# `make bench-echo`: UDP echo over a TAP, side by side in one run (docs/
# benchmarks.md, "Echo over a TAP").  A load generator (tests/bench/
# echo_peer.c `load`, C: a python one would measure python) in a private
# namespace sends UDP datagrams to these answering paths:
#   kernel  the Linux stack over a veth pair into a second namespace, a
#           UDP echo server there (echo_peer serve);
#   tap     one user-level process reflecting frames straight off a TAP
#           (echo_peer tap-reflect: read, swap addresses, write);
#   tapsplit  that reflector split in two processes, a ring each way
#           between them (echo_peer tap-reflect-split), placed as the
#           reflector: the floor of any design whose client is a process
#           of its own, in the same placements as the reference;
#   lwip    sdvf (examples/bench-echo.dts): tap wire, ENET model, driver,
#           RX and TX muxes, the lwIP `echo` client (copy both ways);
#   bench   the same with the raw `bench` client in reflect mode (copy);
#   bench_remap  the same, `bench_remap` (remap both ways);
#   pinned  a second copy of the system with every PD on core 0 (same-core
#           hand-offs), its `bench` client (copy);
#   lwip_nicgroup  a third copy placed as docs/benchmarks.md recommends for
#           speed: the ENET model, driver and both muxes in one process
#           (`colocate; colocate-nic;`), its lwIP `echo` client a process
#           of its own as always;
#   lwip_nicgroup_core0  a fourth copy, the same group and client with
#           both processes on core 0 (same-core hand-offs).
# The load generator stands for the peer host.  Where it runs decides the
# reference: on this 2-vCPU KVM guest a wake-up across vCPUs costs tens of
# microseconds, one on the same vCPU a few, so an unpinned TAP reflector is
# bimodal (3 or ~50 us at window 1, by where the scheduler put it).  So the
# TAP reflectors and the kernel's server are pinned to core 0 and every run
# measures each path twice: peer *apart* (the generator on core 1: every
# design pays the wake-ups a remote peer's frames cost) and peer
# *together* (the generator on core 0 too: the reference's fastest case).
# sdvf paths keep their own placement either way.
# Each run measures every path in turn, for 64- and 1472-byte payloads:
# window 1 (SDVF_BENCH_ECHO_RTTS round trips one at a time: median and p99
# round-trip time) and window 32 (SDVF_BENCH_ECHO_COUNT datagrams, at most
# 32 outstanding: datagrams answered a second).  After SDVF_BENCH_ECHO_RUNS
# runs (5) it prints, per path, size and measure, the median of the runs
# with min and max, and the ratio of the median to the TAP reflector's;
# then, from the sdvf counters around each sdvf measurement (sdvf stats
# --format=kv before and after), what each echoed datagram cost per PD:
# activations (notified() calls) and notifications sent (eventfd writes)
# (tests/bench/bench_echo_report.py).
# SDVF_BENCH_ECHO_SMOKE=1: one run, tiny counts, no table; fails unless
# every path answered (make bench-quick instead runs the full report with
# tiny counts, SDVF_BENCH_ECHO_RUNS/_RTTS/_COUNT, and checks every row).
# Needs root.  Everything it makes is named after this shell's pid and
# removed on exit; traffic stays inside the namespaces (10.219.x.0/24).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/bench/lib_bench_describe.sh

build=${1:-build}
sdvf=$(realpath "$build/sdvf")
peer=$(realpath "$build/tests/bench/echo_peer")
smoke=${SDVF_BENCH_ECHO_SMOKE:-0}
if [ "$smoke" = 1 ]; then
	runs=1 rtts=20 count=200
else
	runs=${SDVF_BENCH_ECHO_RUNS:-5}
	rtts=${SDVF_BENCH_ECHO_RTTS:-2000}
	count=${SDVF_BENCH_ECHO_COUNT:-20000}
fi
me=bench_echo
[ "$smoke" = 1 ] && me=bench_echo_smoke
if [ "$(id -u)" -ne 0 ]; then
	echo "$me: needs root (network namespaces and taps)" >&2
	exit 1
fi
for f in "$sdvf" "$peer"; do
	[ -x "$f" ] || { echo "$me: $f not built" >&2; exit 1; }
done

ns=sdvf-t-becho-$$
ns_srv=sdvf-t-becho-srv-$$
veth=vbe$$
tap_refl=tbr$$
tap_split=tbt$$
tap_sdvf=tbs$$
tap_pin=tbp$$
tap_grp=tbg$$
tap_gc0=tbc$$
work=$(mktemp -d /tmp/sdvf-bench-echo.XXXXXX)
export SDVF_STATS_DIR=$work
name=bench-echo-$$
dts=$work/$name.dts
log=$work/run.log
dts_pin=$work/$name-pinned.dts
log_pin=$work/run-pinned.log
dts_grp=$work/$name-grouped.dts
log_grp=$work/run-grouped.log
dts_gc0=$work/$name-grouped-core0.dts
log_gc0=$work/run-grouped-core0.log
pin_pid=
grp_pid=
gc0_pid=
pids=()
sdvf_pid=

cleanup() {
	for p in $sdvf_pid $pin_pid $grp_pid $gc0_pid; do
		kill -0 "$p" 2>/dev/null || continue
		kill -INT "$p" 2>/dev/null || true
		sleep 1
		kill -KILL "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	ip netns del "$ns" 2>/dev/null || true
	ip netns del "$ns_srv" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "$me: FAILED: $*" >&2
	echo "--- sdvf logs" >&2
	tail -30 "$log" "$log_pin" "$log_grp" "$log_gc0" >&2 || true
	exit 1
}

wait_link() {
	for _ in $(seq 100); do
		ip link show "$1" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "interface $1 never appeared"
}

# start_system DTS LOG TAP N PIDVAR: check and run a copy of the system
# (its pid in PIDVAR at once, for cleanup), then move its TAP into the
# namespace as 10.219.N.1.
start_system() {
	local dts=$1 log=$2 tap=$3 n=$4
	local -n pid_var=$5
	"$sdvf" check "$dts" >/dev/null 2>"$work/check.err" ||
		fail "sdvf check ($(basename "$dts")): $(cat "$work/check.err")"
	"$sdvf" run "$dts" --duration 3600 >"$log" 2>&1 &
	# shellcheck disable=SC2034 # a nameref: the caller's variable
	pid_var=$!
	wait_link "$tap"
	ip link set "$tap" netns "$ns"
	ip -n "$ns" addr add "10.219.$n.1/24" dev "$tap"
	ip -n "$ns" link set "$tap" up
}

ip netns add "$ns"
ip netns add "$ns_srv"
ip -n "$ns" link set lo up
ip -n "$ns_srv" link set lo up

# (a) kernel: veth into the server namespace, a UDP echo server there.
ip link add "${veth}p" type veth peer name "${veth}s"
ip link set "${veth}p" netns "$ns"
ip link set "${veth}s" netns "$ns_srv"
ip -n "$ns" addr add 10.219.1.1/24 dev "${veth}p"
ip -n "$ns_srv" addr add 10.219.1.2/24 dev "${veth}s"
ip -n "$ns" link set "${veth}p" up
ip -n "$ns_srv" link set "${veth}s" up
ip netns exec "$ns_srv" taskset -c 0 "$peer" serve 1235 &
pids+=($!)

# start_reflector MODE TAP N: echo_peer MODE owns TAP, on core 0, moved
# into the namespace as 10.219.N.1; a static neighbour 10.219.N.2 stands
# for ARP.
start_reflector() {
	taskset -c 0 "$peer" "$1" "$2" &
	pids+=($!)
	wait_link "$2"
	ip link set "$2" netns "$ns"
	ip -n "$ns" addr add "10.219.$3.1/24" dev "$2"
	ip -n "$ns" link set "$2" up
	ip -n "$ns" neigh replace "10.219.$3.2" lladdr 02:00:00:00:eb:02 \
		dev "$2" nud permanent
}
# (b) tap: one process reflecting off its TAP; (b') tapsplit: the same
# in two processes.
start_reflector tap-reflect "$tap_refl" 2
start_reflector tap-reflect-split "$tap_split" 7

# (c), (d): sdvf on its own TAP, 10.219.3.2 (lwIP), .3 (bench), .4 (remap).
bench_describe none "$tap_sdvf" 219 3 >"$dts"
[ "$(grep -c "ip = \[0a db 03 " "$dts")" = 3 ] ||
	fail "could not make the copy of examples/bench-echo.dts"
start_system "$dts" "$log" "$tap_sdvf" 3 sdvf_pid
# (e) pinned: a second copy with every PD on core 0 (same-core hand-offs),
# its own TAP, 10.219.4.3 its bench client.
bench_describe core0 "$tap_pin" 219 4 >"$dts_pin"
[ "$(grep -c "core = <0>" "$dts_pin")" = 4 ] ||
	fail "could not make the pinned copy of examples/bench-echo.dts"
start_system "$dts_pin" "$log_pin" "$tap_pin" 4 pin_pid
# (f) lwip_nicgroup: a third copy, model, driver and muxes in one process,
# its own TAP, 10.219.5.2 its lwIP client.
bench_describe nicgroup "$tap_grp" 219 5 >"$dts_grp"
[ "$(grep -c "colocate-nic;" "$dts_grp")" = 1 ] ||
	fail "could not make the grouped copy of examples/bench-echo.dts"
start_system "$dts_grp" "$log_grp" "$tap_grp" 5 grp_pid
# (g) lwip_nicgroup_core0: a fourth copy, the group and its lwIP client
# both on core 0, its own TAP, 10.219.6.2 its lwIP client.
bench_describe nicgroup_core0 "$tap_gc0" 219 6 >"$dts_gc0"
[ "$(grep -c "colocate-nic;" "$dts_gc0")" = 1 ] &&
	[ "$(grep -c "nic-core = <0>" "$dts_gc0")" = 1 ] &&
	[ "$(grep -c " core = <0>" "$dts_gc0")" = 3 ] ||
	fail "could not make the grouped core-0 copy of examples/bench-echo.dts"
start_system "$dts_gc0" "$log_gc0" "$tap_gc0" 6 gc0_pid
for ip in 10.219.3.2 10.219.3.3 10.219.3.4 10.219.4.3 10.219.5.2 \
	10.219.6.2; do
	ip netns exec "$ns" ping -c 1 -W 5 "$ip" >/dev/null ||
		fail "$ip does not answer ping"
done

# The paths, in the report's order (its PATHS, which the summary reads too).
paths=$(python3 tests/bench/bench_echo_report.py --paths)
target() {
	case $1 in
	kernel) echo "10.219.1.2 1235" ;;
	tap) echo "10.219.2.2 7777" ;;
	tapsplit) echo "10.219.7.2 7777" ;;
	lwip) echo "10.219.3.2 1235" ;;
	bench) echo "10.219.3.3 1235" ;;
	bench_remap) echo "10.219.3.4 1235" ;;
	pinned) echo "10.219.4.3 1235" ;;
	lwip_nicgroup) echo "10.219.5.2 1235" ;;
	lwip_nicgroup_core0) echo "10.219.6.2 1235" ;;
	*) fail "no target for echo path $1" ;;
	esac
}
# Every path has a target (here, not inside a $(...) where fail would
# only leave the subshell).
for path in $paths; do target "$path" >/dev/null; done

results=$work/results
: >"$results"
# measure RUN PEER_AT PATH SIZE W: one load with the generator apart or
# together, its sdvf counters around it.
measure() {
	local run=$1 peer_at=$2 path=$3 size=$4 w=$5 n=$rtts gen=1 sys=$name
	[ "$w" = 1 ] || n=$count
	[ "$peer_at" = together ] && gen=0
	local out kv=$work/kv.$run.$peer_at.$path.$size.$w
	case $path in
	pinned) sys=$name-pinned ;;
	lwip_nicgroup) sys=$name-grouped ;;
	lwip_nicgroup_core0) sys=$name-grouped-core0 ;;
	kernel | tap*) sys= ;; # no sdvf, no counters
	esac
	[ -z "$sys" ] || "$sdvf" stats --format=kv "$sys" >"$kv.before"
	# shellcheck disable=SC2046 # ip and port
	out=$(ip netns exec "$ns" taskset -c "$gen" timeout 300 "$peer" load \
		$(target "$path") "$size" "$w" "$n") ||
		fail "load $peer_at $path $size $w: $out"
	[ -z "$sys" ] || "$sdvf" stats --format=kv "$sys" >"$kv.after"
	echo "$run $peer_at $path $size $w $out" >>"$results"
}

for run in $(seq "$runs"); do
	for peer_at in apart together; do
		for size in 64 1472; do
			for path in $paths; do
				for w in 1 32; do
					measure "$run" "$peer_at" "$path" "$size" "$w"
				done
			done
		done
	done
	[ "$smoke" = 1 ] || echo "$me: run $run of $runs done" >&2
done

if [ "$smoke" = 1 ]; then
	# Every path answered: each load got datagrams back.
	awk '$9 == 0 { print "FAILED: " $2 " " $3 " size " $4 " window " $5 ": " $0
		bad = 1 } END { exit bad }' "$results" >&2 ||
		fail "a path did not answer"
	echo "$me: every path answered ($paths)"
	exit 0
fi

python3 tests/bench/bench_echo_report.py "$results" "$work"
