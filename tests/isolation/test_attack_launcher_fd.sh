#!/usr/bin/env bash
# Attack (b) of the hardening issue, from a PD of every role: map every
# region memfd the launcher holds through /proc/LAUNCHER/fd/N read-write and
# overwrite it, `victim` included, a region granted to the guard alone.
# Every role's seccomp filter kills the attacker (SIGSYS) when it reaches
# for the launcher's fd table, and the guard finds its region unchanged.
. "$(dirname "$0")/lib.sh"

for role in $ROLES; do
	start_system_pid <<TEMPLATE_DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		guard { component = "guard"; maps { victim = "victim", "rw"; }; };
		attacker {
			component = "attacker_$role";
			config {
				attack = "launcher_fd";
				launcher_pid = <@LAUNCHER_PID@>;
			};
		};
	};
	regions { victim { size = <0x2000>; }; };
};
TEMPLATE_DTS
	wait_for "^\[attacker\] attack launcher_fd: /proc/$RUN_PID/fd$"
	expect_sigsys attacker
	[ "$(count_lines 'attack launcher_fd: (overwrote|[0-9]+ regions)')" -eq 0 ] ||
		fail "$role: the attack ran to the end"
	guard_unchanged
	stop_system
	[ "$RUN_STATUS" -eq 1 ] || fail "$role: exit status $RUN_STATUS, expected 1"
	echo "ok: $role: launcher fd table out of reach (SIGSYS), victim unchanged"
done
