#!/usr/bin/env bash
# A restartable client that crashes is restarted (same regions) and runs
# again, while the other PDs keep running; the run still ends with status 0.
. "$(dirname "$0")/lib.sh"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		crash {
			component = "crasher";
			restartable;
			maps { scratch = "scratch", "rw"; };
			config { crash_times = <2>; };
		};
		ticker { component = "ticker"; };
	};
	regions { scratch { size = <0x1000>; }; };
};
DTS
wait_for "^\[crash\] start 3: staying up$" 20
[ "$(count_lines "^sdvf: pd 'crash' \(pid [0-9]+\) killed by SIGSEGV$")" -eq 2 ] ||
	fail "expected exactly 2 crashes"
[ "$(count_lines "^sdvf: restarting pd 'crash' in [0-9]+ ms \(restart [12] of 5\)$")" -eq 2 ] ||
	fail "expected exactly 2 restarts"
before=$(stat_of ticker ACTIVATIONS)
crash_before=$(stat_of crash ACTIVATIONS)
sleep 0.5
[ "$(stat_of ticker ACTIVATIONS)" -gt "$before" ] || fail "ticker stopped"
[ "$(stat_of crash ACTIVATIONS)" -gt "$crash_before" ] ||
	fail "restarted crasher is not running"
[ "$(stat_of crash RESTARTS)" = 2 ] || fail "stats: restarts"
[ "$(stat_of crash STATE)" = running ] || fail "stats: state"
[ "$(count_lines "^sdvf: pd 'ticker'")" -eq 0 ] || fail "ticker died"

stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
summary_of crash | grep -Eq ' 2  stopped$' || fail "summary: crash"
echo "ok: crasher restarted twice and runs; ticker unaffected"
