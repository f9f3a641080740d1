#!/usr/bin/env bash
# `make bench-wake` (tests/bench/bench_wake.sh) once with tiny counts, in
# eventfd mode, in futex mode with the adaptive busy-poll, with the driver
# and muxes co-located, with the ENET model in that group too, and the
# two-process TAP reflector (tapsplit), so that
# the benchmark cannot rot: every configuration answered at both sizes and
# windows, a group's driver and TX mux (and model) signalled in-process,
# and in futex mode the muxes, driver and client made no epoll_wait.
# Needs root (namespaces and taps).
set -eu
cd "$(dirname "$0")/../.."
SDVF_BENCH_WAKE_SMOKE=1 exec tests/bench/bench_wake.sh "${BUILD:-build}"
