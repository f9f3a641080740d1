#!/usr/bin/env bash
# The benchmark suite: `make bench` and `make bench-quick`.
#   usage: bench_suite.sh [--quick] BUILD TARGET...
# Runs each make TARGET (BENCHES or BENCHES_QUICK of tests/bench/module.mk:
# the one list a new benchmark joins) in turn, its standard output into
# OUT/TARGET.txt (and the terminal), its standard error into OUT/TARGET.err,
# its wall time and exit status into OUT/suite.txt; then
# tests/bench/bench_summary.py reads them, prints the summary table (goal,
# measured median, ratio, met or not) and draws the plots.
#   full:    OUT = BUILD/bench; the summary regenerates docs/benchmarks.md
#            (between its `<!-- bench:NAME:begin/end -->` markers) and
#            docs/bench/*.png.  A failing benchmark is reported and the
#            others still run; the suite fails at the end.
#   --quick: OUT = BUILD/bench-quick; every benchmark with tiny counts
#            (below); the docs are left alone, plots go to OUT; fails on
#            the first failing benchmark and unless the summary passes its
#            sanity checks (bench_summary.py --check: every row present,
#            every pipeline delivered, every ratio computed).  No speed
#            threshold anywhere.
# MAKE: the make to call (the Makefile passes its own).
set -eu -o pipefail
cd "$(dirname "$0")/../.."
quick=0
if [ "${1:-}" = --quick ]; then
	quick=1
	shift
fi
[ $# -ge 2 ] || {
	echo "usage: bench_suite.sh [--quick] BUILD TARGET..." >&2
	exit 2
}
build=$1
shift
make_cmd=${MAKE:-make}
out=$build/bench
[ "$quick" = 1 ] && out=$build/bench-quick
mkdir -p "$out"
# Where a benchmark writes files besides its output (bench-policy's series).
export SDVF_BENCH_OUT=$out
: >"$out/suite.txt"

if [ "$quick" = 1 ]; then
	# Tiny counts for every benchmark (each script documents its knobs).
	export SDVF_BENCH_ELEMS=200000 SDVF_BENCH_RUNS=1 SDVF_BENCH_IR_ELEMS=20000
	export SDVF_BENCH_ENET_IR_FRAMES=320 SDVF_BENCH_ENET_SIZES=60 \
		SDVF_BENCH_ENET_SKIP=hosted
	export SDVF_BENCH_MUX_IR_FRAMES=320 SDVF_BENCH_MUX_SIZES=60
	export SDVF_BENCH_ECHO_RUNS=1 SDVF_BENCH_ECHO_RTTS=20 \
		SDVF_BENCH_ECHO_COUNT=200
	export SDVF_BENCH_CAP_RATES="100000 1500000" SDVF_BENCH_CAP_RUNS=1 \
		SDVF_BENCH_CAP_SECONDS=1 SDVF_BENCH_CAP_WARMUP=1
	export SDVF_BENCH_POLICY_PHASE_MS=50 SDVF_BENCH_MACHINE_CALLS=2000
else
	# Within 20 minutes on 2 shared vCPUs: the queue comparison on 5 M
	# descriptors a run (not 20 M; its ratios hold from 5 M), unless set.
	export SDVF_BENCH_ELEMS=${SDVF_BENCH_ELEMS:-5000000}
fi

failed=
start_all=$(date +%s)
for t in "$@"; do
	echo "== bench suite: $t ==" >&2
	t0=$(date +%s)
	rc=0
	"$make_cmd" -s --no-print-directory BUILD="$build" "$t" \
		2>"$out/$t.err" | tee "$out/$t.txt" || rc=$?
	t1=$(date +%s)
	echo "$t $rc $((t1 - t0))" >>"$out/suite.txt"
	if [ "$rc" != 0 ]; then
		echo "bench suite: $t failed (exit $rc); its stderr:" >&2
		tail -n 20 "$out/$t.err" >&2
		[ "$quick" = 1 ] && exit 1
		failed="$failed $t"
	fi
done
echo "total - $(($(date +%s) - start_all))" >>"$out/suite.txt"

args=(--out "$out")
if [ "$quick" = 1 ]; then
	args+=(--check --plots "$out")
else
	args+=(--docs docs/benchmarks.md --plots docs/bench)
fi
python3 tests/bench/bench_summary.py "${args[@]}"
if [ -n "$failed" ]; then
	echo "bench suite: failed:$failed" >&2
	exit 1
fi
