#!/usr/bin/env bash
# SIGKILL to the launcher, which can then stop nothing itself, still leaves
# no PD behind: every process it had started is gone within 5 s.
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
			maps { data = "d", "rw"; active = "a", "rw"; free = "f", "rw"; };
			channels { peer = "p"; };
			config { buffers = <64>; capacity = <64>; count = <0>; };
		};
		sink {
			component = "queue_sink";
			restartable;
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

# Every process below the launcher, while it runs; each PD `sdvf stats`
# names must be one of them.
recorded=$(descendants "$RUN_PID")
for pd in source sink ticker; do
	pid=$(stat_of $pd PID)
	grep -q "^$pid:" <<<"$recorded" ||
		fail "PD $pd (pid '$pid') is not a running process below the launcher"
done
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
