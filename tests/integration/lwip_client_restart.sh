#!/usr/bin/env bash
# Integration: a restartable lwIP client killed under load on the hosted
# runtime, modelled on net_client_restart.sh (which does this for
# raw_responder).  A `sdvf,net` system (the ENET model on a TAP moved into
# a private network namespace, the driver, both muxes) with three lwIP
# echo clients (clients/echo_client.c over clients/lwip_netif.c):
#   copy   c0  RX copy,  TX copy    .2  restartable (second victim)
#   rmap   c1  RX remap, TX remap   .3  restartable (first victim)
#   mixed  c2  RX remap, TX copy    .4
# For each victim (rmap, then copy): ping every client from the namespace
# (ping -i 0.004 -c 2500) and UDP-echo the two others (2000 datagrams
# each, every reply checked byte for byte); once the victim has taken 500
# frames of this load, SIGSTOP it until at least 8 frames wait for it in
# its rx_active, SIGKILL it and wait for the monitor to restart it.  Then:
#   - the other two lost nothing: every ping answered, every datagram back
#     byte-identical, no drop or violation counted for them by either mux;
#   - the RX mux reclaimed at least what the dead victim held;
#   - the new instance (new process, fresh lwIP, fresh queues) answers 20
#     pings, each once, UDP echo of 1..1472 bytes (udp.packets grows by
#     exactly the datagrams sent) and a 64 KiB TCP echo on a new
#     connection; no queue index, return or completion was refused on
#     either side;
#   - after the load, buffers are conserved: every cN.in_flight at both
#     muxes is 0, every RX DMA buffer is at the driver and the TX pool is
#     whole (lwIP holds no RX buffer once idle: zero-copy pbufs are freed
#     when their datagram or segment is consumed).
# Finally the run stops with status 0.  Waits are bounded; nothing is
# timed.  Needs root.  The body is tests/integration/lib_client_restart.sh
# (kind=lwip), shared with net_client_restart.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

# shellcheck disable=SC1091 source=tests/integration/lib_client_restart.sh
. tests/integration/lib_client_restart.sh lwip_client_restart lwip
