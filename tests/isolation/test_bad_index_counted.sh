#!/usr/bin/env bash
# A peer that writes impossible indices is counted where a user sees it:
# tail_liar stores 391 impossible tails into queue q, one per round, and
# queue_reader, which attached q by name, reads each exactly once.  `sdvf
# stats --format=kv` shows q.bad_index 391 for the reader, and the reader
# never took one of them.
. "$(dirname "$0")/lib.sh"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		liar {
			component = "tail_liar";
			maps { q = "q", "rw"; };
			channels { reader = "c"; };
			config { capacity = <64>; rounds = <391>; };
		};
		reader {
			component = "queue_reader";
			maps { q = "q", "rw"; };
			channels { writer = "c"; };
			config { capacity = <64>; rounds = <391>; };
		};
	};
	regions { q { size = <0x1000>; }; };
	channels { c { ends = "liar", "reader"; }; };
};
DTS

wait_for "^\[liar\] wrote 391 impossible tails$" 20
[ "$(counter_of reader q.bad_index)" = 391 ] ||
	fail "reader q.bad_index '$(counter_of reader q.bad_index)', expected 391"
[ "$(counter_of reader sdvf.counters_refused)" = 0 ] || fail "a counter was refused"
[ "$(count_lines 'took an impossible tail')" -eq 0 ] ||
	fail "the reader took an impossible tail"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: 391 impossible tails, q.bad_index 391 in sdvf stats"
