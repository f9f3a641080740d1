#!/usr/bin/env bash
# `sdvf stats` says clearly when no system is running, and exits 1.
. "$(dirname "$0")/lib.sh"

"$HOSTILE" stats >"$WORK/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "exit status $rc, expected 1"
grep -qx "sdvf stats: no running system" "$WORK/out" || fail "$(cat "$WORK/out")"
"$HOSTILE" stats pingpong >"$WORK/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "exit status $rc for a named system, expected 1"
grep -qx "sdvf stats: no running system named 'pingpong'" "$WORK/out" ||
	fail "$(cat "$WORK/out")"
echo "ok: no running system reported"
