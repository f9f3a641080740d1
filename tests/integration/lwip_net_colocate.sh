#!/usr/bin/env bash
# Integration: tests/integration/lwip_net.sh with the driver and both muxes
# co-located (`colocate;` on the sdvf,net node: one process, one thread,
# docs/system-description.md "Groups"): the same pings, ARP, broadcast,
# unknown unicast, UDP and TCP echoes byte for byte, counters and every
# buffer home as without the group, and the three share one pid while
# every client keeps its own.  Needs root and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
LWIP_NET_COLOCATE=1 exec bash tests/integration/lwip_net.sh
