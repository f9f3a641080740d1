#!/usr/bin/env bash
# SIGKILL to the launcher, which can then stop nothing itself, still leaves
# no PD behind: every process it had started is gone within 5 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/procs.sh"
recorded=
trap 'kill_ids $recorded; cleanup' EXIT

start_system < <(stream_ticker_dts sink)
wait_for "^sdvf: running 'sys': 3 PDs"
# Every process below the launcher, while it runs.
record_pds source sink ticker
[ -n "$(still_running $recorded)" ] || fail "no PD process found running"

{ kill -KILL "$RUN_PID" && wait "$RUN_PID"; } 2>/dev/null # no "Killed" note
RUN_PID=
deadline=$((SECONDS + 5))
while left=$(still_running $recorded) && [ -n "$left" ]; do
	[ $SECONDS -lt $deadline ] ||
		fail "still running 5 s after the launcher was killed: $(echo $left)"
	sleep 0.05
done
echo "ok: all $(echo $recorded | wc -w) processes died with the launcher"
