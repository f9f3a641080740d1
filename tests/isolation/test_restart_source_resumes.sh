#!/usr/bin/env bash
# A restartable queue_source SIGKILLed mid-stream, under load, comes back
# and the stream resumes: the sink resets the queue pair before the new
# source starts (peer_restart) and takes its first buffer as sequence 0, so
# it verifies the whole new stream, none bad, on top of what it had verified
# before; the new source gets every buffer back.  The run ends with status 0.
. "$(dirname "$0")/lib.sh"

COUNT=1000000

start_system < <(pingpong_dts source "count = <$COUNT>; batch = <32>;")

wait_counter source sent 200000
victim=$(counter_of source sdvf.pid)
[ -n "$victim" ] && [ "$victim" -gt 0 ] || fail "no pid for the source"
kill -KILL "$victim"
wait_for "^sdvf: pd 'source' \(pid $victim\) killed by SIGKILL$" 10
wait_for "^sdvf: restarting pd 'source' in [0-9]+ ms \(restart 1 of 5\)$" 10
re="^\[sink\] source restarted after ([0-9]+) good, 0 bad: stream starts again$"
wait_for "$re" 10
good_before=$(grep -E "$re" "$WORK/log" | sed -E "s/$re/\1/")
[ "$(count_lines "$re")" -eq 1 ] || fail "expected one 'source restarted' line"

# The stream resumes: the sink's count keeps growing past what it had.
wait_counter source sdvf.starts 2 10
wait_counter sink buffers_good $((good_before + 1000)) 20

wait_for "^\[source\] sent $COUNT buffers, all returned, 0 bad returns$" 120
total=$((good_before + COUNT))
wait_for "^\[sink\] verified $total good, 0 bad$" 10
[ "$(counter_of sink buffers_good)" = "$total" ] || fail "stats: buffers_good"
[ "$(counter_of sink buffers_bad)" = 0 ] || fail "stats: buffers_bad"
[ "$(counter_of source sent)" = "$COUNT" ] || fail "stats: sent"
[ "$(counter_of source returned)" = "$COUNT" ] || fail "stats: returned"
[ "$(counter_of source held_by_sink)" = 0 ] || fail "stats: held_by_sink"
[ "$(count_lines 'bad buffer')" -eq 0 ] || fail "the sink reported bad buffers"
[ "$(count_lines 'stalled')" -eq 0 ] || fail "a stall was reported"

stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: source killed after the sink verified $good_before; $COUNT more verified after the restart"
