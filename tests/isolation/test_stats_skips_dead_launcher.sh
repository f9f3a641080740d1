#!/usr/bin/env bash
# `sdvf stats` shows only systems whose launcher is alive.  A launcher killed
# with SIGKILL cannot unlink its stats file; that file is then not shown,
# alone or beside a live system.
. "$(dirname "$0")/lib.sh"

dts=$(
	cat <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds { ticker { component = "ticker"; }; };
};
DTS
)
start_system <<<"$dts"
wait_for "^sdvf: running 'sys': 1 PDs"
"$HOSTILE" stats sys | grep -q "^system 'sys' (launcher pid $RUN_PID," ||
	fail "the live system is not shown"

{ kill -KILL "$RUN_PID" && wait "$RUN_PID"; } 2>/dev/null # no "Killed" note
RUN_PID=
# The test needs the stale file: without it, it would prove nothing.
ls "$WORK"/sdvf-sys.*.stats >/dev/null 2>&1 ||
	fail "no stats file left by the killed launcher"

"$HOSTILE" stats >"$WORK/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "exit status $rc with only a dead launcher's file: $(cat "$WORK/out")"
[ "$(cat "$WORK/out")" = "sdvf stats: no running system" ] || fail "$(cat "$WORK/out")"
"$HOSTILE" stats sys >"$WORK/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "exit status $rc for 'sys': $(cat "$WORK/out")"
[ "$(cat "$WORK/out")" = "sdvf stats: no running system named 'sys'" ] ||
	fail "$(cat "$WORK/out")"

# Beside a live system, only that one is shown.
printf '%s\n' "$dts" >"$WORK/live.dts"
start_file "$WORK/live.dts"
wait_for "^sdvf: running 'live': 1 PDs"
"$HOSTILE" stats >"$WORK/out" 2>&1 || fail "stats failed: $(cat "$WORK/out")"
[ "$(grep -c "^system " "$WORK/out")" -eq 1 ] &&
	grep -q "^system 'live' (launcher pid $RUN_PID," "$WORK/out" ||
	fail "expected only 'live': $(cat "$WORK/out")"
stop_system
echo "ok: the dead launcher's file is not shown"
