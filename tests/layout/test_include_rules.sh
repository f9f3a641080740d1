#!/usr/bin/env bash
# The tree keeps its include rules, and the checker catches each kind of
# violation (planted in a scratch copy).
set -eu
dir=$(dirname "$0")
bash "$dir/include_rules.sh"
bash "$dir/include_rules.sh" --self-test
