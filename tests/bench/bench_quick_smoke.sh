#!/usr/bin/env bash
# `make bench-quick` in `make test`: every benchmark of the suite
# (BENCHES_QUICK in tests/bench/module.mk) once with tiny counts, then
# tests/bench/bench_summary.py --check: every summary row present with a
# number (every ratio computed), every capacity pipeline delivered, every
# echo path (kernel, TAP reflector, lwIP, bench copy, remap, pinned, grouped)
# answered at 64 and 1472 bytes, window 1 and 32 (what bench_echo_smoke.sh
# asserted before).  No speed threshold.  Needs root (the echo
# benchmark's namespaces and taps); outputs in $BUILD/bench-quick/.
set -eu
cd "$(dirname "$0")/../.."
exec make -s --no-print-directory BUILD="${BUILD:-build}" bench-quick
