#!/usr/bin/env bash
# A PD with `core = <N>` runs only on CPU N (sched_getaffinity in the PD).
. "$(dirname "$0")/lib.sh"
last=$(($(nproc) - 1))

start_system <<DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		first { component = "affinity_probe"; core = <0>; };
		last { component = "affinity_probe"; core = <$last>; };
	};
};
DTS
wait_for "^\[first\] cpus:"
wait_for "^\[last\] cpus:"
grep -q "^\[first\] cpus: 0$" "$WORK/log" || fail "first is not on CPU 0 only"
grep -q "^\[last\] cpus: $last$" "$WORK/log" ||
	fail "last is not on CPU $last only"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: pinned to 0 and $last"
