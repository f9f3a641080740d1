#!/usr/bin/env bash
# Attack (a) of the hardening issue, from a PD of every role: reopen the
# read-only region `victim` read-write through /proc/self/map_files and
# overwrite it.  Every role's seccomp filter kills the attacker (SIGSYS) at
# the open, and the guard that owns the region finds it unchanged.
. "$(dirname "$0")/lib.sh"

for role in $ROLES; do
	start_system <<TEMPLATE_DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		guard { component = "guard"; maps { victim = "victim", "rw"; }; };
		attacker {
			component = "attacker_$role";
			maps { victim = "victim", "r"; };
			config { attack = "map_files"; };
		};
	};
	regions { victim { size = <0x2000>; }; };
};
TEMPLATE_DTS
	wait_for "^\[attacker\] attack map_files: open /proc/self/map_files/[0-9a-f]+-[0-9a-f]+ rw$"
	expect_sigsys attacker
	[ "$(count_lines 'attack map_files: (open:|mmap:|overwrote)')" -eq 0 ] ||
		fail "$role: the open returned"
	guard_unchanged
	stop_system
	[ "$RUN_STATUS" -eq 1 ] || fail "$role: exit status $RUN_STATUS, expected 1"
	echo "ok: $role: map_files reopen killed by SIGSYS, victim unchanged"
done
