#!/usr/bin/env bash
# A PD with `core = <N>` may run only on CPU N: its affinity mask, read from
# /proc/PID/status while it runs, is exactly N, and so is what it reports
# itself (sched_getaffinity).  An unpinned PD beside it keeps the launcher's
# wider mask: that is what makes the check able to fail, even on one online
# CPU (the mask in /proc lists every CPU allowed, online or not).  The
# launcher first gets every possible CPU; where no wider mask exists (one
# possible CPU) the test fails rather than pass without proof.
. "$(dirname "$0")/lib.sh"
possible=$(cat /sys/devices/system/cpu/possible)
online=$(cat /sys/devices/system/cpu/online)
last=${online##*[-,]}
# Ours (and so the launcher's) may have been narrowed by the caller.
taskset -pc "$possible" $$ >/dev/null 2>&1
wide=$(awk '$1 == "Cpus_allowed_list:" { print $2 }' /proc/$$/status)
[ "$wide" != 0 ] ||
	fail "cannot test pinning here: every process may run on CPU 0 only (possible CPUs: $possible)"

# On one online CPU, `last` is CPU 0 too.
start_system <<DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		first { component = "affinity_probe"; core = <0>; };
		last { component = "affinity_probe"; core = <$last>; };
		free { component = "affinity_probe"; };
	};
};
DTS
for pd in first last free; do wait_for "^\[$pd\] cpus:"; done
allowed() { awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$(stat_of "$1" PID)/status"; }
[ "$(allowed free)" = "$wide" ] ||
	fail "the unpinned PD's mask is '$(allowed free)', not the launcher's '$wide'"
[ "$(allowed first)" = 0 ] || fail "first may run on CPUs '$(allowed first)', not 0 only"
grep -q "^\[first\] cpus: 0$" "$WORK/log" || fail "first reports other CPUs than 0"
[ "$(allowed last)" = "$last" ] ||
	fail "last may run on CPUs '$(allowed last)', not $last only"
grep -q "^\[last\] cpus: $last$" "$WORK/log" || fail "last reports other CPUs than $last"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: pinned to 0 and $last; unpinned on $wide"
