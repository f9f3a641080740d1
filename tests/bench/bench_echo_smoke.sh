#!/usr/bin/env bash
# `make bench-echo` (tests/bench/bench_echo.sh) once with tiny counts: the
# kernel over a veth pair, the TAP reflector, sdvf with the lwIP echo
# client, and sdvf with the bench reflector (copy, remap, and copy with
# every PD on core 0) each answer UDP echo at window 1 and 32, 64- and
# 1472-byte payloads, so that the benchmark cannot rot.  Asserts only
# that every path answered.  Needs root (namespaces and taps).
set -eu
cd "$(dirname "$0")/../.."
SDVF_BENCH_ECHO_SMOKE=1 exec tests/bench/bench_echo.sh "${BUILD:-build}"
