#!/usr/bin/env bash
# The monitor's wait for peer_restart is bounded: a PD whose peer_restart
# does not return within 1000 ms (slow_survivor takes 3000) is named, the
# restarted PD (a ticker) starts anyway after about that second and runs,
# and the run ends with status 1: a survivor that cannot reset is broken.
. "$(dirname "$0")/lib.sh"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		slow {
			component = "slow_survivor";
			channels { peer = "c"; };
			config { delay_ms = <3000>; };
		};
		tick {
			component = "ticker";
			restartable;
			channels { peer = "c"; };
		};
	};
	channels { c { ends = "slow", "tick"; }; };
};
DTS
wait_for "^sdvf: running 'sys'"
sleep 0.3
victim=$(stat_of tick PID)
kill -KILL "$victim"
wait_for "^sdvf: pd 'tick' \(pid $victim\) killed by SIGKILL$" 10
wait_for "^\[slow\] peer_restart\(0\): taking 3000 ms$" 10
wait_for "^sdvf: pd 'slow' did not reset what it shares with 'tick' within 1000 ms; restarting 'tick' anyway$" 10
# Restarted before slow's hook returns: it did not wait the whole 3 s.
[ "$(count_lines "^\[slow\] peer_restart\(0\): done$")" -eq 0 ] ||
	fail "the monitor waited for the whole hook"
deadline=$((SECONDS + 10))
until [ "$(stat_of tick STATE)" = running ] && [ "$(stat_of tick RESTARTS)" = 1 ]; do
	[ $SECONDS -lt $deadline ] || fail "tick did not come back"
	sleep 0.05
done
before=$(stat_of tick ACTIVATIONS)
sleep 0.3
[ "$(stat_of tick ACTIVATIONS)" -gt "$before" ] || fail "restarted tick does not run"
wait_for "^\[slow\] peer_restart\(0\): done$" 10

stop_system
[ "$RUN_STATUS" -eq 1 ] || fail "exit status $RUN_STATUS, expected 1"
echo "ok: peer_restart unanswered in 1000 ms: said, tick restarted anyway, run exit 1"
