#!/usr/bin/env bash
# A client PD calling socket() is killed by the seccomp filter (SIGSYS) and
# the monitor names it; the other PDs keep running.
. "$(dirname "$0")/lib.sh"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		sock { component = "socket_caller"; };
		ticker { component = "ticker"; };
	};
};
DTS
wait_for "\[sock\] calling socket\(\)"
wait_for "^sdvf: pd 'sock' \(pid [0-9]+\) killed by SIGSYS \(forbidden system call\)$" 10
[ "$(count_lines 'socket\(\) returned')" -eq 0 ] || fail "socket() returned"
before=$(stat_of ticker ACTIVATIONS)
sleep 0.3
after=$(stat_of ticker ACTIVATIONS)
[ "$after" -gt "$before" ] || fail "ticker stopped: $before -> $after"

stop_system
[ "$RUN_STATUS" -eq 1 ] || fail "exit status $RUN_STATUS, expected 1"
summary_of sock | grep -q 'killed by SIGSYS$' || fail "summary: sock"
echo "ok: socket() killed by SIGSYS"
