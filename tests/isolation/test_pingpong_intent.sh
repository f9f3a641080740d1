#!/usr/bin/env bash
# examples/pingpong-intent.dts (the sdvf,queue-pair subsystem) runs exactly
# like the explicit examples/pingpong.dts.
PINGPONG_EXAMPLE=pingpong-intent.dts exec bash "$(dirname "$0")/test_pingpong.sh"
