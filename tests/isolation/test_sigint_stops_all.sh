#!/usr/bin/env bash
# SIGINT to `sdvf run` stops every PD, prints the summary, removes the stats
# file and leaves no process behind: every process below the launcher while
# it ran (each PD `sdvf stats` names among them) is gone once it returns.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/procs.sh"
recorded=
trap 'kill_ids $recorded; cleanup' EXIT

start_system < <(stream_ticker_dts)
wait_for "^sdvf: running 'sys': 3 PDs"
record_pds source sink ticker

stop_system INT
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
grep -q "^sdvf: SIGINT received, stopping$" "$WORK/log" || fail "no stop line"
for pd in source sink ticker; do
	summary_of $pd | grep -q 'stopped$' || fail "summary: $pd not stopped"
done
left=$(still_running $recorded)
[ -z "$left" ] || fail "still running after the launcher returned: $(echo $left)"
[ -z "$(ls "$WORK"/*.stats 2>/dev/null)" ] || fail "stats file left behind"
echo "ok: SIGINT stopped all $(echo $recorded | wc -w) processes"
