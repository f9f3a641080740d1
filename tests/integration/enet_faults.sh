#!/usr/bin/env bash
# Integration: wire faults on the hosted runtime.  30 s of the soak
# (tests/integration/soak.sh) with the ENET model injecting loss and
# corruption (2000 ppm each, both ways) and a link drop every 10 s (300 ms,
# seed 1): every fault counted by the model (fault_*), every damaged frame
# counted by the driver (rx_err_cr = fault_rx_corrupt) and dropped, every
# link drop seen (link_changes), no reply altered, RSS flat, buffers
# conserved, no other error counter moved, no PD died.  Needs root.
set -euo pipefail
cd "$(dirname "$0")/../.."
SOAK_SECONDS=30 SOAK_FAULTS=1 exec bash tests/integration/soak.sh
