#!/usr/bin/env bash
# SIGINT to `sdvf run` stops every PD, prints the summary, removes the stats
# file and leaves no process behind: every process below the launcher while
# it ran (each PD `sdvf stats` names among them) is gone once it returns.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/procs.sh"
recorded=
trap 'kill_ids $recorded; cleanup' EXIT

start_system <<'DTS'
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
wait_for "^sdvf: running 'sys': 3 PDs"
deadline=$((SECONDS + 10))
until [ "$(stat_of sink ACTIVATIONS 2>/dev/null)" -gt 0 ] 2>/dev/null; do
	[ $SECONDS -lt $deadline ] || fail "the sink never ran"
	sleep 0.05
done
recorded=$(descendants "$RUN_PID")
for pd in source sink ticker; do
	pid=$(stat_of $pd PID)
	grep -q "^$pid:" <<<"$recorded" ||
		fail "PD $pd (pid '$pid') is not a running process below the launcher"
done

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
