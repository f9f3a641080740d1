#!/usr/bin/env bash
# Model-check the queue signalling protocol (tests/model/signal.pml) with
# Spin, and prove the check can fail: the real protocol must pass every
# check, and each deliberately broken variant must be rejected for the
# expected reason.  Exhaustive search (no bitstate), bounded depth and
# memory.  pan is built at -O0: the state spaces are small and compiling
# pan.c dominates the run time (about 10 s in all).
set -u
here=$(cd "$(dirname "$0")" && pwd)
model=$here/signal.pml
work=$(mktemp -d "${TMPDIR:-/tmp}/sdvf-model.XXXXXX")
trap 'rm -rf "$work"' EXIT

for tool in spin gcc; do
	if ! command -v $tool >/dev/null; then
		echo "model: $tool not found (make deps installs it)" >&2
		exit 1
	fi
done

passed=0
failed=0

# verify MODE EXPECT DEFINES...
#   MODE    safety (assertions + invalid end states) or liveness (LTL
#           all_consumed, acceptance cycles under weak fairness)
#   EXPECT  pass, or the kind of error Spin must report: assertion,
#           end-state, cycle
verify() {
	local mode=$1 expect=$2
	shift 2
	local dir=$work/run$((passed + failed))
	mkdir -p "$dir"
	local spin_defs=("$@") cc_defs=() pan_flags=(-m200000 -w22)
	if [ "$mode" = liveness ]; then
		spin_defs+=(-DLIVENESS)
		pan_flags+=(-a -f)
	else
		cc_defs+=(-DSAFETY)
	fi
	local out=$dir/pan.out
	(cd "$dir" && spin "${spin_defs[@]}" -a "$model" >spin.out 2>&1 &&
		gcc -O0 -DMEMLIM=512 "${cc_defs[@]}" -o pan pan.c \
			>cc.out 2>&1 &&
		./pan "${pan_flags[@]}" >"$out" 2>&1)
	local rc=$? got
	if [ $rc -ne 0 ] && [ ! -s "$out" ]; then
		got="tool-failure"
		cat "$dir"/*.out >&2
	elif grep -q 'max search depth too small' "$out"; then
		got="incomplete"
	elif grep -q 'errors: 0$' "$out"; then
		got=pass
	elif grep -q 'pan:1: assertion violated' "$out"; then
		got=assertion
	elif grep -q 'pan:1: invalid end state' "$out"; then
		got=end-state
	elif grep -q 'pan:1: acceptance cycle' "$out"; then
		got=cycle
	else
		got="unknown"
	fi
	local states
	states=$(awk '/states, stored/ {print $1; exit}' "$out")
	local what="$mode ${*:-real}"
	if [ "$got" = "$expect" ]; then
		passed=$((passed + 1))
		echo "model: ok   $what: $got as expected (${states:-?} states)"
	else
		failed=$((failed + 1))
		echo "model: FAIL $what: expected $expect, got $got"
		sed -n '1,20p' "$out"
	fi
}

# The real protocol, at several sizes (CAP 1 makes every push a full queue).
verify safety pass -DCAP=1 -DITEMS=3
verify safety pass -DCAP=2 -DITEMS=4
verify safety pass -DCAP=3 -DITEMS=8
verify safety pass -DCAP=2 -DITEMS=6 -DNO_MONITOR
verify liveness pass -DCAP=2 -DITEMS=4
verify liveness pass -DCAP=3 -DITEMS=6

# Broken variants: each must be caught by the lost-wake-up monitor, by the
# end-state check alone, and by the liveness property alone.
for broken in BROKEN_CONSUMER_NO_RECHECK BROKEN_PRODUCER_NO_RECHECK \
	BROKEN_CONSUMER_FLAG_LATE; do
	verify safety assertion -DCAP=2 -DITEMS=4 -D$broken
	verify safety end-state -DCAP=2 -DITEMS=4 -D$broken -DNO_MONITOR
	verify liveness cycle -DCAP=2 -DITEMS=4 -D$broken -DNO_MONITOR
done
# A producer that overruns the consumer trips the in-order ring check.
verify safety assertion -DCAP=2 -DITEMS=4 -DBROKEN_PRODUCER_OVERRUN \
	-DNO_MONITOR

echo "model: $passed passed, $failed failed"
[ $failed -eq 0 ]
