# shellcheck shell=bash
# shellcheck disable=SC2154 # me, sdvf, peer, tap_prefix: the caller's
# Shared by bench_hops.sh and bench_wake.sh: copies of examples/bench-echo.dts
# (bench_describe, lib_bench_describe.sh),
# one per configuration, each on its own TAP in one private namespace, all
# running at once, and their idle CPU.  Source it after setting `me`,
# `sdvf`, `peer` and `tap_prefix` (a few letters: TAP names are
# PREFIX<pid><N>); it checks root and the binaries, makes $ns and $work
# (SDVF_STATS_DIR), and defines fail and a cleanup on EXIT.
if [ "$(id -u)" -ne 0 ]; then
	echo "$me: needs root (network namespaces and taps)" >&2
	exit 1
fi
for f in "$sdvf" "$peer"; do
	[ -x "$f" ] || { echo "$me: $f not built" >&2; exit 1; }
done

ns=sdvf-t-$me-$$
work=$(mktemp -d "/tmp/sdvf-$me.XXXXXX")
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
ip netns add "$ns"
ip -n "$ns" link set lo up

. tests/bench/lib_bench_describe.sh

# bench_start C N PLACE NET WAKE POLL SDVF: configuration C, the Nth, run
# by SDVF with SDVF_WAKE=WAKE and SDVF_POLL_US=POLL, its TAP moved into $ns
# at 10.NET.N.1; appends "C 10.NET.N.3" (its client) to $work/targets.
bench_start() {
	local c=$1 i=$2 tap=$tap_prefix$$$2
	bench_describe "$3" "$tap" "$4" "$i" >"$work/$c.dts"
	"$sdvf" check "$work/$c.dts" >/dev/null 2>"$work/check.err" ||
		fail "sdvf check $c: $(cat "$work/check.err")"
	SDVF_WAKE=$5 SDVF_POLL_US=$6 "$7" run "$work/$c.dts" --duration 3600 \
		>"$work/$c.log" 2>&1 &
	pid_of[$c]=$!
	for _ in $(seq 100); do
		ip link show "$tap" >/dev/null 2>&1 && break
		sleep 0.1
	done
	ip link set "$tap" netns "$ns" || fail "$c: tap $tap never appeared"
	ip -n "$ns" addr add "10.$4.$i.1/24" dev "$tap"
	ip -n "$ns" link set "$tap" up
	echo "$c 10.$4.$i.3" >>"$work/targets"
}

# bench_ping_all: every configuration's client answers a ping.
bench_ping_all() {
	local c ip
	while read -r c ip; do
		ip netns exec "$ns" ping -c 1 -W 5 "$ip" >/dev/null ||
			fail "$c: $ip does not answer ping"
	done <"$work/targets"
}

# bench_idle CONFIGS...: each system idle for 5 s; "idle C MS" lines, the
# CPU time (utime + stime) its PDs took, into $work/idle.
bench_idle() {
	local tick c after
	local -A cpu_before
	sleep 1
	tick=$(getconf CLK_TCK)
	for c in "$@"; do cpu_before[$c]=$(bench_cpu_of "${pid_of[$c]}"); done
	sleep 5
	for c in "$@"; do
		after=$(bench_cpu_of "${pid_of[$c]}")
		echo "idle $c $(((after - ${cpu_before[$c]}) * 1000 / tick))" \
			>>"$work/idle"
	done
}
bench_cpu_of() {
	local sum=0 p
	for p in $(pgrep -P "$1"); do
		sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
	done
	echo "$sum"
}
