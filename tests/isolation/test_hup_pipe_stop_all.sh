#!/usr/bin/env bash
# SIGHUP (the terminal went away) and SIGPIPE (the reader of its output
# went away) stop `sdvf run` as SIGINT does: every PD stopped, the summary
# printed, the stats file removed, no process left behind.  Both used to
# kill the launcher outright and leave the stats file.  A hangup reaches
# the whole foreground process group (GROUP-HUP below: the system runs in
# its own session, as under a terminal), and the PDs leave stopping to the
# launcher.
. "$(dirname "$0")/lib.sh"

cat >"$WORK/sys.dts" <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		source {
			component = "queue_source";
			maps {
				data = "d", "rw";
				active = "a", "rw";
				free = "f", "rw";
			};
			channels { peer = "p"; };
			config { buffers = <64>; capacity = <64>; count = <0>; };
		};
		sink {
			component = "queue_sink";
			maps { data = "d", "r"; active = "a", "rw"; free = "f", "rw"; };
			channels { peer = "p"; };
			config { buffers = <64>; capacity = <64>; };
		};
		ticker { component = "ticker"; };
	};
	regions {
		d { size = <0x20000>; };
		a { size = <0x2000>; };
		f { size = <0x2000>; };
	};
	channels { p { ends = "source", "sink"; }; };
};
DTS

for how in HUP PIPE GROUP-HUP; do
	sig=${how#GROUP-}
	if [ "$how" = GROUP-HUP ]; then
		setsid "$HOSTILE" run "$WORK/sys.dts" >"$WORK/log" 2>&1 &
		RUN_PID=$!
	else
		start_file "$WORK/sys.dts"
	fi
	wait_for "^sdvf: running 'sys': 3 PDs"
	deadline=$((SECONDS + 10))
	until [ "$(stat_of sink ACTIVATIONS 2>/dev/null)" -gt 0 ] 2>/dev/null; do
		[ $SECONDS -lt $deadline ] || fail "the sink never ran"
		sleep 0.05
	done
	pids="$(stat_of source PID) $(stat_of sink PID) $(stat_of ticker PID)"
	[ -n "$(ls "$WORK"/*.stats 2>/dev/null)" ] || fail "no stats file"
	launcher=$RUN_PID

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
	for pid in $pids; do
		! kill -0 "$pid" 2>/dev/null ||
			fail "SIG$sig: PD process $pid is still alive"
	done
	[ -z "$(pgrep -P "$launcher")" ] || fail "SIG$sig: launcher children remain"
	[ -z "$(ls "$WORK"/*.stats 2>/dev/null)" ] ||
		fail "SIG$sig: stats file left behind"
	echo "ok: $how stopped PDs $pids and removed the stats file"
done
