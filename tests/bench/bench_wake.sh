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
if [ "$(id -u)" -ne 0 ]; then
	echo "$me: needs root (network namespaces and taps)" >&2
	exit 1
fi
for f in "$sdvf" "$peer"; do
	[ -x "$f" ] || { echo "$me: $f not built" >&2; exit 1; }
done

ns=sdvf-t-bwake-$$
work=$(mktemp -d /tmp/sdvf-bench-wake.XXXXXX)
export SDVF_STATS_DIR=$work
declare -A pid_of
cleanup() {
	for p in "${pid_of[@]}"; do
		kill -INT "$p" 2>/dev/null || true
	done
	sleep 1
	for p in "${pid_of[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "$me: FAILED: $*" >&2
	tail -20 "$work"/*.log >&2 || true
	exit 1
}

# The description of configuration $1, on TAP $2, subnet 10.221.$3.0/24.
describe() {
	local place=()
	case $1 in
	*_core0*) place=(-e 's/policy = "rr";/& nic-core = <0>; driver-core = <0>; rx-mux-core = <0>; tx-mux-core = <0>;/'
		-e 's/component = "[a-z_]*";/& core = <0>;/') ;;
	*_split*) place=(-e 's/policy = "rr";/& nic-core = <0>; driver-core = <0>; rx-mux-core = <1>; tx-mux-core = <1>;/'
		-e 's/component = "[a-z_]*";/& core = <1>;/') ;;
	esac
	sed -e "s/tap-name = \"sdvf3\"/tap-name = \"$2\"/" \
		-e "s/ip = \[0a d8 00 /ip = [0a dd $(printf %02x "$3") /" \
		"${place[@]}" examples/bench-echo.dts
}

ip netns add "$ns"
ip -n "$ns" link set lo up
i=0
for c in $configs; do
	i=$((i + 1))
	tap=tbw$$$i
	describe "$c" "$tap" "$i" >"$work/$c.dts"
	"$sdvf" check "$work/$c.dts" >/dev/null 2>"$work/check.err" ||
		fail "sdvf check $c: $(cat "$work/check.err")"
	poll=0
	case $c in *_poll*) poll=${c##*_poll} ;; esac
	SDVF_WAKE=${c%%_*} SDVF_POLL_US=$poll "$sdvf" run "$work/$c.dts" \
		--duration 3600 >"$work/$c.log" 2>&1 &
	pid_of[$c]=$!
	for _ in $(seq 100); do
		ip link show "$tap" >/dev/null 2>&1 && break
		sleep 0.1
	done
	ip link set "$tap" netns "$ns" || fail "$c: tap $tap never appeared"
	ip -n "$ns" addr add "10.221.$i.1/24" dev "$tap"
	ip -n "$ns" link set "$tap" up
	echo "$c 10.221.$i.3" >>"$work/targets"
done
while read -r c ip; do
	ip netns exec "$ns" ping -c 1 -W 5 "$ip" >/dev/null ||
		fail "$c: $ip does not answer ping"
done <"$work/targets"

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

sleep 1
tick=$(getconf CLK_TCK)
cpu_of() {
	local sum=0 p
	for p in $(pgrep -P "$1"); do
		sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
	done
	echo "$sum"
}
declare -A cpu_before
for c in $configs; do cpu_before[$c]=$(cpu_of "${pid_of[$c]}"); done
sleep 5
for c in $configs; do
	after=$(cpu_of "${pid_of[$c]}")
	echo "idle $c $(((after - ${cpu_before[$c]}) * 1000 / tick))" >>"$work/idle"
done

check=
[ "$smoke" = 1 ] && check=--check
python3 tests/bench/bench_wake_report.py $check "$results" "$work" ||
	fail "report"
[ "$smoke" = 1 ] && echo "$me: every configuration answered ($configs)"
exit 0
