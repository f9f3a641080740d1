#!/usr/bin/env bash
# The include rules of the tree (docs/design.md, "the tree"), checked on
# every C file:
#   1. Portable code (core/*.[ch] and every PORTABLE_SRCS file with the
#      headers it reaches in its own folder) includes only freestanding C
#      headers, the portable core headers, and headers of its own folder
#      (mux/ may also include policies/policy.h: the muxes run policies;
#      vmm/ may include clients/net_client.h and virt/'s headers: the VMM's
#      component is a net client serving a virtio-net device).
#   2. Nothing under core/ includes a leaf folder (driver/, mux/, policies/,
#      clients/, virt/, vmm/, tests/, examples/).
#   3. clients/, mux/, policies/ and virt/ never include a driver header:
#      core/net.h is their contract with the NIC.
# Usage: include_rules.sh [ROOT]   (default: the repository).  With
# --self-test, plants one violation of each rule in a copy of the tree and
# fails unless each is caught.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)

freestanding='stdint.h stdbool.h stddef.h stdatomic.h stdarg.h stdalign.h stdnoreturn.h limits.h float.h iso646.h'
portable_core='core/pd.h core/queue.h core/pd_queue.h core/ownership.h core/net.h core/bytes.h core/stats_file.h core/stats_clients.h'
leaves='driver mux policies clients virt vmm tests examples'

# includes FILE: one "KIND NAME" line per #include ("sys" for <>, "own" for "").
includes() {
	sed -n -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<([^>]+)>.*/sys \1/p;
		s/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/own \1/p' "$1"
}

in_list() { # in_list WORD LIST...
	local w=$1
	shift
	for x in $*; do [ "$x" = "$w" ] && return 0; done
	return 1
}

check_tree() { # check_tree ROOT PORTABLE_SRCS... ; prints violations
	local root=$1
	shift
	local portable=("$@") f kind name dir
	cd "$root" || return 1
	# Rule 1: the portable files and the own-folder headers they include.
	local todo=(core/*.c core/*.h "${portable[@]}") seen=" "
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		[[ $seen == *" $f "* ]] && continue
		seen+="$f "
		[ -f "$f" ] || continue
		dir=$(dirname "$f")
		while read -r kind name; do
			if [ "$kind" = sys ]; then
				in_list "$name" $freestanding ||
					echo "$f: portable code includes <$name> (only freestanding C headers)"
			elif in_list "$name" $portable_core; then
				:
			elif [ "$(dirname "$name")" = "$dir" ] && [ "$dir" != core ]; then
				todo+=("$name")
			elif [ "$dir" = mux ] && [ "$name" = policies/policy.h ]; then
				# the muxes run policies (docs/design.md, the tree)
				todo+=("$name")
			elif [ "$dir" = vmm ] && { [ "$name" = clients/net_client.h ] ||
				[[ $name == virt/*.h ]]; }; then
				# the VMM PD: a net client serving virtio-net
				todo+=("$name")
			else
				echo "$f: portable code includes \"$name\" (only $portable_core and its own folder)"
			fi
		done < <(includes "$f")
	done
	# Rule 2: core/ never includes a leaf folder.
	while IFS= read -r f; do
		while read -r kind name; do
			[ "$kind" = own ] || continue
			in_list "${name%%/*}" $leaves &&
				echo "$f: core includes leaf \"$name\""
		done < <(includes "$f")
	done < <(find core -name '*.[ch]' | sort)
	# Rule 3: the NIC's users include no driver header.
	while IFS= read -r f; do
		while read -r kind name; do
			[ "$kind" = own ] && [[ $name == driver/* ]] &&
				echo "$f: includes driver header \"$name\" (use core/net.h)"
		done < <(includes "$f")
	done < <(find clients mux policies virt -name '*.[ch]' 2>/dev/null | sort)
	return 0
}

portable_srcs() { make -s -C "$here" --no-print-directory print-PORTABLE_SRCS; }

if [ "${1:-}" = --self-test ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	srcs=$(portable_srcs)
	fails=0
	plant() { # plant NAME FILE LINE: copy the tree, add LINE to FILE, expect a violation naming FILE
		local t="$tmp/$1"
		mkdir -p "$t"
		(cd "$here" && git ls-files -z '*.c' '*.h' | xargs -0 cp --parents -t "$t")
		printf '%s\n' "$3" >>"$t/$2"
		if check_tree "$t" $srcs | grep -q "^$2: "; then
			echo "self-test: caught $1"
		else
			echo "self-test: MISSED $1"
			fails=$((fails + 1))
		fi
	}
	plant libc-in-component clients/queue_sink.c '#include <stdio.h>'
	plant driver-in-core-header core/pd_queue.h '#include "driver/enet/enet_regs.h"'
	plant host-in-portable-core core/ownership.c '#include "core/sim/sim.h"'
	plant leaf-in-runtime core/sim/sim.c '#include "clients/raw_responder.h"'
	plant driver-in-client clients/raw_responder.h '#include "driver/enet/enet_driver.h"'
	[ -z "$(check_tree "$here" $srcs)" ] || {
		echo "self-test: the tree itself has violations"
		fails=$((fails + 1))
	}
	[ $fails -eq 0 ]
	exit
fi

root=${1:-$here}
out=$(check_tree "$root" $(portable_srcs))
if [ -n "$out" ]; then
	echo "$out"
	echo "include rules: $(echo "$out" | wc -l) violation(s)"
	exit 1
fi
echo "include rules: ok"
