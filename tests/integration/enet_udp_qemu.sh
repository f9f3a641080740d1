#!/usr/bin/env bash
# Integration: tests/integration/enet_udp.sh with the ENET model playing
# QEMU's i.MX7 ENET (personality qemu-imx7, docs/enet.md "Personalities"):
# the same driver, muxes and responder on the udp wire, every reply checked
# byte for byte, nothing padded, the link at 100 Mb/s.  No root.
exec env SDVF_ENET_PERSONALITY=qemu-imx7 bash "$(dirname "$0")/enet_udp.sh"
