#!/usr/bin/env bash
# bench_mux_ir (tests/bench/bench_mux_ir.c) without callgrind, briefly: in
# every direction (rx, tx, and pipe: through a reflector and back), mode,
# batch and size of `make bench-mux`, the ENET model, the driver and both
# muxes move every frame to its client or onto the wire, in order, and
# every buffer ends where it started (the program's own checks; it exits 1
# otherwise).  So the benchmark cannot rot, and the
# copy and remap paths of both muxes run against the real driver and model.
# Run as built and, when build-san/ has it (`make test` builds both), under
# ASan + UBSan: the one sim program of `make test` outside the unit tests.
set -eu
bin=${BUILD:-build}/tests/bench/bench_mux_ir
[ -x "$bin" ] || {
	echo "bench_mux_smoke: $bin not built" >&2
	exit 1
}
bins=$bin
san=build-san/tests/bench/bench_mux_ir
[ "$bin" != "$san" ] && [ -x "$san" ] && bins="$bin $san"
log=$(mktemp /tmp/bench_mux_smoke.XXXXXX)
trap 'rm -f "$log"' EXIT
fail=0
runs=0

# smoke BIN: every configuration once.
smoke() {
	for dir in rx tx pipe; do
		for mode in copy remap; do
			for batch in 1 32; do
				for size in 60 1514; do
					runs=$((runs + 1))
					if ! SDVF_BENCH_MUX_LEN=$size "$1" "$dir" \
						"$mode" "$batch" 8 >"$log" 2>&1 ||
						! grep -qx "frames $((batch * 8))" "$log"; then
						echo "FAILED: $1 $dir $mode batch $batch" \
							"size $size" >&2
						cat "$log" >&2
						fail=1
					fi
				done
			done
		done
	done
}

for b in $bins; do
	smoke "$b"
done
[ "$fail" = 0 ] && echo "bench_mux_smoke: $runs configurations passed" \
	"($bins)"
exit "$fail"
