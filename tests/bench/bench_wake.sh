#!/usr/bin/env bash
# `make bench-wake`: the hosted wake path, eventfd + epoll against futex
# (SDVF_WAKE), with and without the adaptive busy-poll (SDVF_POLL_US), on
# each placement, side by side in one run (docs/benchmarks.md, "Wake path:
# futex vs eventfd, adaptive poll").  Needs root.
#
# Starts one copy of examples/bench-echo.dts per configuration, each on its
# own TAP in one private namespace (10.221.N.0/24), all running at once.
# A configuration is WAKE[_PLACE][_pollP]: WAKE eventfd or futex; PLACE
# core0 (every PD on core 0) or split (ENET model and driver on core 0,
# muxes and client on core 1), unpinned without, or group / group_core0
# (driver and both muxes co-located in one process, `colocate;`:
# docs/benchmarks.md "Co-location"), nicgroup / nicgroup_core0 (the ENET
# model in that process too, `colocate-nic;`); P: SDVF_POLL_US.  The configuration
# `tap` is no sdvf at all: one process reflecting frames straight off its
# TAP (echo_peer tap-reflect), the limit a user-level design on a TAP wire
# is measured against; `tapsplit` is that reflector split in two processes
# (echo_peer tap-reflect-split: one on the TAP, one reflecting, a shared
# ring each way), the floor of any design whose client is a process of its
# own.  SDVF_BENCH_WAKE_CONFIGS overrides the list below;
# a configuration before_C is C run by the sdvf binary
# SDVF_BENCH_WAKE_BEFORE (an older build), side by side with C.
# Then, SDVF_BENCH_WAKE_RUNS times (5), for each size (64, 1472), each
# configuration in turn and window 1 (SDVF_BENCH_WAKE_RTTS round trips,
# 2000) and window 32 (SDVF_BENCH_WAKE_COUNT datagrams, 20000), UDP echo
# to its raw `bench` client (echo_peer load), with `sdvf stats
# --format=kv` and every PD's context switches (/proc/PID/status) before
# and after, and the load average.  Last, each system idle for 5 s: its
# PDs' CPU time.  tests/bench/bench_wake_report.py prints the table.
# SDVF_BENCH_WAKE_SMOKE=1: one run, tiny counts, two configurations; fails
# unless every configuration answered and futex mode used no epoll.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${1:-build}
sdvf=$(realpath "$build/sdvf")
peer=$(realpath "$build/tests/bench/echo_peer")
me=bench_wake
smoke=${SDVF_BENCH_WAKE_SMOKE:-0}
runs=${SDVF_BENCH_WAKE_RUNS:-5}
rtts=${SDVF_BENCH_WAKE_RTTS:-2000}
count=${SDVF_BENCH_WAKE_COUNT:-20000}
configs=${SDVF_BENCH_WAKE_CONFIGS:-eventfd futex eventfd_core0 futex_core0 \
eventfd_split futex_split eventfd_poll50 futex_poll50 eventfd_group \
eventfd_group_core0 eventfd_nicgroup tapsplit tap}
if [ "$smoke" = 1 ]; then
	runs=1 rtts=50 count=500
	configs="eventfd futex_poll50 eventfd_group eventfd_nicgroup tapsplit"
fi
tap_prefix=tbw
. tests/bench/lib_bench_configs.sh

# tap_start C N MODE: a TAP reflector (echo_peer MODE) as configuration C,
# the Nth: its TAP in $ns at 10.221.N.1, a static neighbour 10.221.N.3
# standing for ARP.
tap_start() {
	local c=$1 tap=$tap_prefix$$$2
	"$peer" "$3" "$tap" >"$work/$c.log" 2>&1 &
	pid_of[$c]=$!
	for _ in $(seq 100); do
		ip link show "$tap" >/dev/null 2>&1 && break
		sleep 0.1
	done
	ip link set "$tap" netns "$ns" || fail "tap: $tap never appeared"
	ip -n "$ns" addr add "10.221.$2.1/24" dev "$tap"
	ip -n "$ns" link set "$tap" up
	ip -n "$ns" neigh replace "10.221.$2.3" lladdr 02:00:00:00:eb:02 \
		dev "$tap" nud permanent
	# not pinged (it reflects an echo request as a request): joins the
	# targets after bench_ping_all
	echo "$c 10.221.$2.3" >>"$work/targets.tap"
}

i=0
for c in $configs; do
	i=$((i + 1))
	where=none poll=0 bin=$sdvf
	case $c in before_*) bin=${SDVF_BENCH_WAKE_BEFORE:?before_ needs SDVF_BENCH_WAKE_BEFORE} ;; esac
	case $c in
	*_nicgroup_core0*) where="nicgroup_core0" ;;
	*_nicgroup*) where="nicgroup" ;;
	*_group_core0*) where="group_core0" ;;
	*_group*) where="group" ;;
	*_core0*) where="core0" ;;
	*_split*) where="split" ;;
	esac
	case $c in *_poll*) poll=${c##*_poll} ;; esac
	case $c in
	tap) tap_start "$c" "$i" tap-reflect && continue ;;
	tapsplit) tap_start "$c" "$i" tap-reflect-split && continue ;;
	esac
	wake=${c#before_}
	bench_start "$c" "$i" "$where" 221 "${wake%%_*}" "$poll" "$bin"
done
bench_ping_all
[ -e "$work/targets.tap" ] && cat "$work/targets.tap" >>"$work/targets"

# Context switches (voluntary + involuntary) of all the PDs of system $1
# (of the reflector's processes for `tap` and `tapsplit`).
ctxsw_of() {
	local sum=0 p procs
	procs=$(pgrep -P "${pid_of[$1]}" || true)
	case $1 in tap*) procs="${pid_of[$1]} $procs" ;; esac
	for p in $procs; do
		sum=$((sum + $(awk '/ctxt_switches/ { s += $2 } END { print s }' \
			"/proc/$p/status")))
	done
	echo "$sum"
}

# The counters of system $1 (none for the TAP reflector).
stats() {
	case $1 in tap*) ;; *) "$sdvf" stats --format=kv "$1" ;; esac
}

results=$work/results
: >"$results"
for run in $(seq "$runs"); do
	for size in 64 1472; do
		while read -r c ip; do
			for w in 1 32; do
				n=$rtts
				[ "$w" = 1 ] || n=$count
				kv=$work/kv.$run.$c.$size.$w
				stats "$c" >"$kv.before"
				cs=$(ctxsw_of "$c")
				load=$(cut -d' ' -f1 /proc/loadavg)
				out=$(ip netns exec "$ns" timeout 300 "$peer" load \
					"$ip" 1235 "$size" "$w" "$n") ||
					fail "load $c $size $w: $out"
				cs=$(($(ctxsw_of "$c") - cs))
				stats "$c" >"$kv.after"
				echo "$run $c $size $w load $load ctxsw $cs $out" \
					>>"$results"
			done
		done <"$work/targets"
	done
	[ "$smoke" = 1 ] || echo "$me: run $run of $runs done" >&2
done

# shellcheck disable=SC2086 # one word a configuration
bench_idle $(printf '%s\n' $configs | grep -v '^tap')

check=
[ "$smoke" = 1 ] && check=--check
python3 tests/bench/bench_wake_report.py $check "$results" "$work" ||
	fail "report"
[ "$smoke" = 1 ] && echo "$me: every configuration answered ($configs)"
exit 0
