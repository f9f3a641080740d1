#!/usr/bin/env bash
# `make bench-hops`: where a window-1 UDP echo's time goes in the hosted
# runtime, hop by hop, and what the runtime's wake-path options change
# (docs/benchmarks.md, "Round trip, hop by hop").  Needs root.
#
# Starts one copy of examples/bench-echo.dts per configuration, each on its
# own TAP in one private namespace (10.220.N.0/24), all running at once:
#   base     as described: unpinned, no busy-poll (SDVF_POLL_US=0)
#   pollP    SDVF_POLL_US=P for each P in SDVF_BENCH_HOPS_POLL ("20 100")
#   core0    every PD on core 0
#   split    ENET model and driver on core 0, muxes and clients on core 1
#   split_r  the reverse split
#   futex, futex_core0  base and core0 with SDVF_WAKE=futex (the muxes,
#            driver and client sleep in futex_waitv: docs/runtime-hosted.md)
#   before   only if SDVF_BENCH_HOPS_BEFORE names another build's `sdvf`
#            (e.g. of the commit before the wake-path work): the base
#            configuration run by it, side by side (it may lack the rt.*
#            counters: its columns then read 0)
# Then, SDVF_BENCH_HOPS_RUNS times (5), for each configuration in turn:
# SDVF_BENCH_HOPS_RTTS (2000) round trips one at a time of 64-byte
# datagrams to its raw `bench` client (echo_peer load, window 1), with
# `sdvf stats --format=kv` before and after.  Last, each system idle for
# 5 s: the CPU time its PD processes took (/proc/PID/stat), which shows
# that a spinning PD still sleeps when there is nothing to do.
# tests/bench/bench_hops_report.py prints, per configuration: round trip
# median and p99 (median of the runs), and per PD (the hop into it): wake
# latency median and p99 (rt.wake_ns.* histogram: notification sent to
# the receiver's activation), activations, eventfd writes,
# epoll_wait calls, sleeps, signals seen by a spinning peer without an
# eventfd, spins that hit and missed, each per echo.  Load average beside.
# SDVF_BENCH_HOPS_SMOKE=1: one run, 50 round trips, fails unless every
# configuration answered and the counters moved.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${1:-build}
sdvf=$(realpath "$build/sdvf")
peer=$(realpath "$build/tests/bench/echo_peer")
me=bench_hops
smoke=${SDVF_BENCH_HOPS_SMOKE:-0}
runs=${SDVF_BENCH_HOPS_RUNS:-5}
rtts=${SDVF_BENCH_HOPS_RTTS:-2000}
polls=${SDVF_BENCH_HOPS_POLL:-20 100}
if [ "$smoke" = 1 ]; then
	runs=1 rtts=50 polls=50
fi
tap_prefix=tbh
. tests/bench/lib_bench_configs.sh

configs="base"
for p in $polls; do configs="$configs poll$p"; done
configs="$configs core0 split split_r futex futex_core0"
before=${SDVF_BENCH_HOPS_BEFORE:-}
[ -n "$before" ] && configs="before $configs"
[ "$smoke" = 1 ] && configs="base poll50"

i=0
for c in $configs; do
	i=$((i + 1))
	where=none poll=0 wake=eventfd run_sdvf=$sdvf
	case $c in core0 | futex_core0) where=core0 ;; split | split_r) where=$c ;; esac
	case $c in poll*) poll=${c#poll} ;; esac
	case $c in futex*) wake=futex ;; esac
	[ "$c" = before ] && run_sdvf=$before
	bench_start "$c" "$i" "$where" 220 "$wake" "$poll" "$run_sdvf"
done
bench_ping_all

results=$work/results
: >"$results"
for run in $(seq "$runs"); do
	while read -r c ip; do
		kv=$work/kv.$run.$c
		"$sdvf" stats --format=kv "$c" >"$kv.before"
		load=$(cut -d' ' -f1 /proc/loadavg)
		out=$(ip netns exec "$ns" timeout 300 "$peer" load "$ip" 1235 \
			64 1 "$rtts") || fail "load $c: $out"
		"$sdvf" stats --format=kv "$c" >"$kv.after"
		echo "$run $c load $load $out" >>"$results"
	done <"$work/targets"
	[ "$smoke" = 1 ] || echo "$me: run $run of $runs done" >&2
done

# Idle: the CPU time of each system's PDs.
# shellcheck disable=SC2086 # one word a configuration
bench_idle $configs

if [ "$smoke" = 1 ]; then
	awk '$8 == 0 { print "FAILED: " $2 " did not answer"; bad = 1 }
		END { exit bad }' "$results" >&2 || fail "a configuration did not answer"
	python3 tests/bench/bench_hops_report.py --check "$results" "$work" ||
		fail "counters"
	echo "$me: every configuration answered ($configs)"
	exit 0
fi
python3 tests/bench/bench_hops_report.py "$results" "$work"
