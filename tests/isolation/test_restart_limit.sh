#!/usr/bin/env bash
# A restartable PD that crashes on every start is restarted exactly 5 times
# (the default limit, "restart N of 5"), then stays down for good: 6 deaths,
# `sdvf stats` shows it down after 5 restarts, the other PD keeps running,
# and the run ends with status 1.
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
			config { crash_times = <100>; };
		};
		ticker { component = "ticker"; };
	};
	regions { scratch { size = <0x1000>; }; };
};
DTS
# Back-offs of 100..500 ms: the limit is reached after about 2 s.  A sixth
# restart, if the limit fails, comes at about the same time.
wait_for "^sdvf: pd 'crash' stays down|\(restart 6 of 5\)$" 30
[ "$(count_lines "\(restart 6 of 5\)$")" -eq 0 ] ||
	fail "restarted beyond the limit of 5"
[ "$(count_lines "^sdvf: pd 'crash' stays down: already restarted 5 times$")" -eq 1 ] ||
	fail "expected one 'stays down' line after 5 restarts"
for n in 1 2 3 4 5; do
	[ "$(count_lines "^sdvf: restarting pd 'crash' in [0-9]+ ms \(restart $n of 5\)$")" -eq 1 ] ||
		fail "expected exactly one 'restart $n of 5'"
done
[ "$(count_lines "^sdvf: restarting pd 'crash'")" -eq 5 ] ||
	fail "expected exactly 5 restarts"
[ "$(count_lines "^sdvf: pd 'crash' \(pid [0-9]+\) killed by SIGSEGV$")" -eq 6 ] ||
	fail "expected exactly 6 deaths"

# Down for good: past the longest back-off (1 s) nothing starts again.
sleep 1.5
[ "$(count_lines "^\[crash\] start [0-9]+:")" -eq 6 ] ||
	fail "the crasher started again after the limit"
[ "$(stat_of crash STATE)" = down ] || fail "stats: state '$(stat_of crash STATE)'"
[ "$(stat_of crash RESTARTS)" = 5 ] || fail "stats: restarts '$(stat_of crash RESTARTS)'"
before=$(stat_of ticker ACTIVATIONS)
sleep 0.5
[ "$(stat_of ticker ACTIVATIONS)" -gt "$before" ] || fail "ticker stopped"

stop_system
[ "$RUN_STATUS" -eq 1 ] || fail "exit status $RUN_STATUS, expected 1 (a PD stayed down)"
summary_of crash | grep -Eq ' 5  killed by SIGSEGV$' || fail "summary: crash"
summary_of ticker | grep -q 'stopped$' || fail "summary: ticker"
echo "ok: crasher restarted 5 times of 5, then stayed down; ticker unaffected"
