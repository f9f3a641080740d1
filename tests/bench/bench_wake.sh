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
# muxes and client on core 1), unpinned without; P: SDVF_POLL_US.
# SDVF_BENCH_WAKE_CONFIGS overrides the list below.
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
eventfd_split futex_split eventfd_poll50 futex_poll50}
if [ "$smoke" = 1 ]; then
	runs=1 rtts=50 count=500 configs="eventfd futex_poll50"
fi
tap_prefix=tbw
. tests/bench/lib_bench_configs.sh

i=0
for c in $configs; do
	i=$((i + 1))
	where=none poll=0
	case $c in *_core0*) where="core0" ;; *_split*) where="split" ;; esac
	case $c in *_poll*) poll=${c##*_poll} ;; esac
	bench_start "$c" "$i" "$where" 221 "${c%%_*}" "$poll" "$sdvf"
done
bench_ping_all

# Context switches (voluntary + involuntary) of all the PDs of system $1.
ctxsw_of() {
	local sum=0 p
	for p in $(pgrep -P "${pid_of[$1]}"); do
		sum=$((sum + $(awk '/ctxt_switches/ { s += $2 } END { print s }' \
			"/proc/$p/status")))
	done
	echo "$sum"
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
				"$sdvf" stats --format=kv "$c" >"$kv.before"
				cs=$(ctxsw_of "$c")
				load=$(cut -d' ' -f1 /proc/loadavg)
				out=$(ip netns exec "$ns" timeout 300 "$peer" load \
					"$ip" 1235 "$size" "$w" "$n") ||
					fail "load $c $size $w: $out"
				cs=$(($(ctxsw_of "$c") - cs))
				"$sdvf" stats --format=kv "$c" >"$kv.after"
				echo "$run $c $size $w load $load ctxsw $cs $out" \
					>>"$results"
			done
		done <"$work/targets"
	done
	[ "$smoke" = 1 ] || echo "$me: run $run of $runs done" >&2
done

# shellcheck disable=SC2086 # one word a configuration
bench_idle $configs

check=
[ "$smoke" = 1 ] && check=--check
python3 tests/bench/bench_wake_report.py $check "$results" "$work" ||
	fail "report"
[ "$smoke" = 1 ] && echo "$me: every configuration answered ($configs)"
exit 0
