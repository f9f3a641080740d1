#!/usr/bin/env bash
# A PD that writes into a region it maps read-only dies with SIGSEGV, the
# monitor names it, and another PD keeps running after the death.
. "$(dirname "$0")/lib.sh"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		writer {
			component = "ro_writer";
			maps { victim = "victim", "r"; };
			config { delay_ms = <300>; };
		};
		ticker { component = "ticker"; config { period_ms = <10>; }; };
	};
	regions { victim { size = <0x1000>; }; };
};
DTS
wait_for "\[writer\] writing into read-only region 'victim'"
wait_for "^sdvf: pd 'writer' \(pid [0-9]+\) killed by SIGSEGV$" 10
[ "$(count_lines 'the write into .* succeeded')" -eq 0 ] ||
	fail "the write into a read-only region succeeded"

before=$(stat_of ticker ACTIVATIONS)
sleep 0.5
after=$(stat_of ticker ACTIVATIONS)
[ "$after" -gt "$before" ] ||
	fail "ticker stopped after the death: $before -> $after activations"
[ "$(stat_of writer STATE)" = down ] || fail "writer not shown as down"

stop_system
[ "$RUN_STATUS" -eq 1 ] || fail "exit status $RUN_STATUS, expected 1"
summary_of writer | grep -q 'killed by SIGSEGV$' || fail "summary: writer"
summary_of ticker | grep -q 'stopped$' || fail "summary: ticker"
echo "ok: ro write killed by SIGSEGV; ticker $before -> $after activations"
