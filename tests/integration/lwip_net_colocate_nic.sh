#!/usr/bin/env bash
# Integration: tests/integration/lwip_net.sh with the ENET model, the
# driver and both muxes co-located (`colocate; colocate-nic;` on the
# sdvf,net node: one process, one thread, docs/system-description.md
# "Groups"; the model's init() opens the TAP before the group confines
# itself): the same pings, ARP, broadcast, unknown unicast, UDP and TCP
# echoes byte for byte, counters and every buffer home as without the
# group; the four share one pid, every client keeps its own, each made
# in-process marks, and the group's process runs without root, without
# capabilities, with no_new_privs and a seccomp filter.  Needs root and
# python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
LWIP_NET_COLOCATE=nic exec bash tests/integration/lwip_net.sh
