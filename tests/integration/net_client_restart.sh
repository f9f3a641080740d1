#!/usr/bin/env bash
# Integration: a restartable net client killed under load on the hosted
# runtime.  A `sdvf,net` system (the ENET model on a TAP moved into a
# private network namespace, the driver, both muxes) with three
# raw_responder clients:
#   copy   c0  RX copy,  TX copy    .2  restartable (second victim)
#   rmap   c1  RX remap, TX remap   .3  restartable (first victim)
#   mixed  c2  RX remap, TX copy    .4
# For each victim (rmap, then copy): ping every client from the namespace
# (ping -i 0.004 -c 2500, 250 frames/s each; 500/s each lost nothing in
# five runs on a loaded 2-vCPU machine) and UDP-echo the two others
# (2000 datagrams each, every reply checked byte for byte); once the
# victim has taken 500 frames of this load, kill its PD process (SIGSTOP,
# then SIGKILL) and wait for the monitor to restart it.  Then:
#   - the other two lost nothing: every ping answered, every datagram back
#     byte-identical, no drop or violation counted for them by either mux;
#   - the RX mux reclaimed what the dead victim held: it is SIGSTOPped
#     first until at least 8 frames wait for it in its rx_active (lent to
#     it: cN.in_flight), then SIGKILLed, and cN.reclaimed grows by at
#     least what it held then (more: the load goes on while it is dead, at
#     least the monitor's 100 ms restart backoff, and those frames queue
#     too until the mux takes them back in peer_restart);
#   - the new instance starts on fresh queues: it answers 20 pings, each
#     exactly once (icmp_replies grows by 20), and no queue index, return
#     or completion was refused on either side (bad_index, viol, rej_*,
#     net.rx_bad, net.tx_bad all 0);
#   - after the load, buffers are conserved: every cN.in_flight at both
#     muxes is 0, every RX DMA buffer is at the driver (dma_driver =
#     dma_bufs, none lent, none in the mux) and the TX pool is whole
#     (pool_idle = pool_bufs, none at the driver).
# Finally the run stops with status 0 (both deaths were of restartable PDs
# that came back).  Waits are bounded; nothing is timed.  Needs root.
# The body is tests/integration/lib_client_restart.sh (kind=raw).
set -euo pipefail
cd "$(dirname "$0")/../.."

# shellcheck disable=SC1091 source=tests/integration/lib_client_restart.sh
. tests/integration/lib_client_restart.sh net_client_restart raw
