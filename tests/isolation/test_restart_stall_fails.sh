#!/usr/bin/env bash
# A stream that cannot resume is reported, not called a success.  The sink
# (stale_sink) is a queue_sink until it is SIGKILLed; restarted, it takes
# no part in the restart protocol and comes back attached at a wrong index.
# The source resets the pair for it (peer_restart) as it should, but
# nothing moves any more: the source rejects every index the sink
# publishes (active.bad_index, free.bad_index), reports the stall within
# stall_ms, the monitor says the run will fail, and `sdvf run` exits 1.
. "$(dirname "$0")/lib.sh"

start_system < <(pingpong_dts sink "count = <0>; stall_ms = <1000>;" stale_sink)

wait_counter sink buffers_good 100000 30
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
