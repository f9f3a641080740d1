#!/usr/bin/env bash
# `make bench-hops` (tests/bench/bench_hops.sh) once with tiny counts, with
# and without busy-poll, so that the benchmark cannot rot: every
# configuration answered, every activated PD has wake-latency samples and
# epoll waits were counted.  Needs root (namespaces and taps).
set -eu
cd "$(dirname "$0")/../.."
SDVF_BENCH_HOPS_SMOKE=1 exec tests/bench/bench_hops.sh "${BUILD:-build}"
