#!/usr/bin/env bash
# A stream that cannot resume is reported, not called a success.  The sink
# (stale_sink) is a queue_sink until it is SIGKILLed; restarted, it takes
# no part in the restart protocol and comes back attached at a wrong index.
# The source resets the pair for it (peer_restart) as it should, but
# nothing moves any more: the source rejects every index the sink
# publishes (active.bad_index, free.bad_index), reports the stall within
# stall_ms, the monitor says the run will fail, and `sdvf run` exits 1.
. "$(dirname "$0")/lib.sh"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		source {
			component = "queue_source";
			maps {
				data = "pipe_data", "rw";
				active = "pipe_active", "rw";
				free = "pipe_free", "rw";
			};
			channels { peer = "pipe"; };
			config {
				buffers = <256>;
				capacity = <128>;
				count = <0>;
				stall_ms = <1000>;
			};
		};
		sink {
			component = "stale_sink";
			restartable;
			maps {
				data = "pipe_data", "r";
				active = "pipe_active", "rw";
				free = "pipe_free", "rw";
			};
			channels { peer = "pipe"; };
			config { buffers = <256>; capacity = <128>; };
		};
	};
	regions {
		pipe_data { size = <0x80000>; };
		pipe_active { size = <0x2000>; };
		pipe_free { size = <0x2000>; };
	};
	channels { pipe { ends = "source", "sink"; }; };
};
DTS

deadline=$((SECONDS + 30))
until [ "$(counter_of sink buffers_good)" -ge 100000 ] 2>/dev/null; do
	[ $SECONDS -lt $deadline ] || fail "the stream did not start"
	sleep 0.02
done
victim=$(counter_of sink sdvf.pid)
kill -KILL "$victim"
wait_for "^\[sink\] restarted: attached at index 0x40000000$" 10
wait_for "^\[source\] sink restarted after [0-9]+ buffers sent: [0-9]+ reclaimed, stream starts again$" 10
wait_for "^\[source\] error: stream stalled: nothing sent or returned for 1000 ms, [0-9]+ buffers held by the sink, [0-9]+ sent$" 10
wait_for "^sdvf: pd 'source' reports it can no longer make progress \(its log says why\); the run will end with status 1$" 5
[ "$(counter_of source stalls)" = 1 ] || fail "stats: stalls '$(counter_of source stalls)'"
[ "$(counter_of source active.bad_index)" -gt 0 ] || fail "stats: active.bad_index"
[ "$(counter_of source free.bad_index)" -gt 0 ] || fail "stats: free.bad_index"
# Reported once per stall, not once per tick.
sleep 2.5
[ "$(count_lines 'stream stalled')" -eq 1 ] || fail "the stall was reported more than once"

stop_system
[ "$RUN_STATUS" -eq 1 ] || fail "exit status $RUN_STATUS, expected 1"
echo "ok: the stream could not resume: stall reported once, sdvf run exited 1"
