#!/usr/bin/env bash
# A co-location group (docs/runtime-hosted.md, "Groups") is one process
# whose members keep their own names: a mux-role and a driver-role PD of
# group `g` run with one pid while a client outside it has its own; each
# member's log lines carry its own name (each has its own log pipe); the
# group's filter is the union of its members' roles' (here the loop's
# list): when one member makes a call neither role may (socket), the whole
# process dies by SIGSYS, the monitor reports each member's death with the
# same pid, and the client outside keeps running.
. "$(dirname "$0")/lib_group.sh"

start_prober_group a prober_mux socket 400
pid_a=$(stat_of a PID)
pid_b=$(stat_of b PID)
pid_c=$(stat_of c PID)
[ -n "$pid_a" ] && [ "$pid_a" = "$pid_b" ] ||
	fail "a and b are not one process: pids '$pid_a' '$pid_b'"
[ "$pid_c" != "$pid_a" ] || fail "c runs in the group's process"
expect_group_killed a "$pid_a" socket
stop_system
[ "$RUN_STATUS" -eq 1 ] || fail "exit status $RUN_STATUS, expected 1"
echo "ok: group g (a, b) one process $pid_a, c its own $pid_c; socket from b killed both by SIGSYS, c running"
