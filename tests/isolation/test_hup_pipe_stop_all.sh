#!/usr/bin/env bash
# SIGHUP (the terminal went away) and SIGPIPE (the reader of its output
# went away) stop `sdvf run` as SIGINT does: every PD stopped, the summary
# printed, the stats file removed, no process left behind.  Both used to
# kill the launcher outright and leave the stats file.  A hangup reaches
# the whole foreground process group (GROUP-HUP below: the system runs in
# its own session, as under a terminal), and the PDs leave stopping to the
# launcher.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/procs.sh"
recorded=
trap 'kill_ids $recorded; cleanup' EXIT

stream_ticker_dts >"$WORK/sys.dts"

for how in HUP PIPE GROUP-HUP; do
	sig=${how#GROUP-}
	if [ "$how" = GROUP-HUP ]; then
		setsid "$HOSTILE" run "$WORK/sys.dts" >"$WORK/log" 2>&1 &
		RUN_PID=$!
	else
		start_file "$WORK/sys.dts"
	fi
	wait_for "^sdvf: running 'sys': 3 PDs"
	record_pds source sink ticker
	[ -n "$(ls "$WORK"/*.stats 2>/dev/null)" ] || fail "no stats file"

	if [ "$how" = GROUP-HUP ]; then
		kill -HUP -- "-$RUN_PID" # setsid made it the group leader
		stop_system 0            # only wait for it
	else
		stop_system "$sig"
	fi
	[ "$RUN_STATUS" -eq 0 ] ||
		fail "SIG$sig: exit status $RUN_STATUS, expected 0"
	grep -q "^sdvf: SIG$sig received, stopping$" "$WORK/log" ||
		fail "SIG$sig: no stop line"
	for pd in source sink ticker; do
		summary_of $pd | grep -q 'stopped$' ||
			fail "SIG$sig: summary: $pd not stopped"
	done
	left=$(still_running $recorded)
	[ -z "$left" ] ||
		fail "SIG$sig: still running after the launcher returned: $(echo $left)"
	[ -z "$(ls "$WORK"/*.stats 2>/dev/null)" ] ||
		fail "SIG$sig: stats file left behind"
	echo "ok: $how stopped all $(echo $recorded | wc -w) processes and removed the stats file"
done
