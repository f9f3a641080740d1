#!/usr/bin/env bash
# A restartable queue_sink SIGKILLed mid-stream, under load, comes back and
# the stream resumes: the source resets the queue pair and reclaims every
# buffer the dead sink held before the new sink starts (peer_restart), the
# new sink verifies exactly the buffers sent after that, none bad, and every
# buffer the source ever sent is accounted for (returned or reclaimed).  The
# run ends with status 0.
. "$(dirname "$0")/lib.sh"

COUNT=3000000

start_system < <(pingpong_dts sink "count = <$COUNT>; batch = <32>;")

wait_counter sink buffers_good 200000
victim=$(counter_of sink sdvf.pid)
[ -n "$victim" ] && [ "$victim" -gt 0 ] || fail "no pid for the sink"
kill -KILL "$victim"
wait_for "^sdvf: pd 'sink' \(pid $victim\) killed by SIGKILL$" 10
wait_for "^sdvf: restarting pd 'sink' in [0-9]+ ms \(restart 1 of 5\)$" 10

# The stream resumes: the new sink's count (from 0) keeps growing.
wait_counter sink sdvf.starts 2 10
wait_counter sink buffers_good 1000 20
first=$(counter_of sink buffers_good)
wait_counter sink buffers_good $((first + 1000)) 20

wait_for "^\[source\] sent $COUNT buffers" 120
wait_for "^\[sink\] verified [0-9]+ good, [0-9]+ bad$" 10
re="^\[source\] sink restarted after ([0-9]+) buffers sent: ([0-9]+) reclaimed, stream starts again$"
line=$(grep -E "$re" "$WORK/log")
[ "$(printf '%s\n' "$line" | grep -c .)" -eq 1 ] ||
	fail "expected one 'sink restarted' line from the source"
sent_before=$(printf '%s\n' "$line" | sed -E "s/$re/\1/")
re_done="^\[source\] sent $COUNT buffers: ([0-9]+) returned, ([0-9]+) reclaimed after a sink restart, 0 bad returns$"
done_line=$(grep -E "$re_done" "$WORK/log") ||
	fail "no accounting line from the source"
returned=$(printf '%s\n' "$done_line" | sed -E "s/$re_done/\1/")
reclaimed=$(printf '%s\n' "$done_line" | sed -E "s/$re_done/\2/")
[ $((returned + reclaimed)) -eq $COUNT ] ||
	fail "returned $returned + reclaimed $reclaimed != sent $COUNT"
[ "$(counter_of source reclaimed)" = "$reclaimed" ] || fail "stats: reclaimed"
[ "$(counter_of source returned)" = "$returned" ] || fail "stats: returned"
[ "$(counter_of source held_by_sink)" = 0 ] || fail "stats: held_by_sink"
# Exactly the buffers sent after the reset reach the new sink, in order.
after=$((COUNT - sent_before))
wait_for "^\[sink\] verified $after good, 0 bad$" 10
[ "$(counter_of sink buffers_good)" = "$after" ] || fail "stats: buffers_good"
[ "$(counter_of sink buffers_bad)" = 0 ] || fail "stats: buffers_bad"
[ "$(count_lines 'bad buffer')" -eq 0 ] || fail "the sink reported bad buffers"
[ "$(count_lines 'stalled')" -eq 0 ] || fail "a stall was reported"

stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: sink killed after $sent_before sent, $reclaimed reclaimed; $after verified after the restart"
