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
wait_for "^\[b\] calling socket$"
expect_sigsys b
expect_sigsys a
grep -q "^sdvf: pd 'a' (pid $pid_a) killed by SIGSYS" "$WORK/log" ||
	fail "a's death not reported with the group's pid $pid_a"
[ "$(count_lines ' returned ')" -eq 0 ] ||
	fail "the forbidden call returned: $(grep ' returned ' "$WORK/log")"
[ "$(stat_of c STATE)" = running ] || fail "c is not running"
[ "$(count_lines "^sdvf: pd 'c'")" -eq 0 ] || fail "c died"
stop_system
[ "$RUN_STATUS" -eq 1 ] || fail "exit status $RUN_STATUS, expected 1"
echo "ok: group g (a, b) one process $pid_a, c its own $pid_c; socket from b killed both by SIGSYS, c running"
