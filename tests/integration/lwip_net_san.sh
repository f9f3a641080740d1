#!/usr/bin/env bash
# Integration: tests/integration/lwip_net.sh on the sanitizer build
# (build-san/sdvf): the lwIP echo clients run confined under ASan and UBSan,
# whose allocator maps memory after confinement (the ASan build's client
# filter allows private, non-executable anonymous mmap and munmap:
# core/hosted/hosted_seccomp.c).  Before that allowance both clients died
# by SIGSYS at their first large allocation (the TCP transfer).  Needs
# root and build-san (make SAN=1).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x build-san/sdvf ]; then
	echo "lwip_net_san: build-san/sdvf not built (make SAN=1)" >&2
	exit 1
fi
BUILD=build-san exec bash tests/integration/lwip_net.sh
