#!/usr/bin/env bash
# Usage: check-undefined.sh NM OBJECT
#
# Fail, listing them, if OBJECT (the `ld -r` of every freestanding component)
# leaves any symbol undefined: each one is something the components expect
# an OS or a C library to provide.
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 NM OBJECT" >&2
	exit 2
fi
nm_tool=$1
obj=$2
undefined=$("$nm_tool" -u "$obj")
if [ -n "$undefined" ]; then
	echo "cross: $obj: undefined symbols (components must need no OS):" >&2
	echo "$undefined" | sed 's/^ *U /  /' >&2
	exit 1
fi
echo "cross: $obj: no undefined symbols"
