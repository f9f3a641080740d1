#!/usr/bin/env bash
# Integration: 60 s of the soak (tests/integration/soak.sh, whose header
# says what it checks): the demo system under load, RSS flat, buffers
# conserved, no error counter moved, no PD died.  `make soak` runs it for
# SOAK_SECONDS (default 600).  Needs root.
set -euo pipefail
cd "$(dirname "$0")/../.."
SOAK_SECONDS=60 SOAK_FAULTS=0 exec bash tests/integration/soak.sh
