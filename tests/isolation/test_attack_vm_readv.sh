#!/usr/bin/env bash
# Attack (c) of the hardening issue, from a PD of every role: read its
# siblings' memory with process_vm_readv (every pid just above the
# launcher's).  Every role's seccomp filter kills the attacker (SIGSYS) at
# the first call; nothing was read.
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
				attack = "vm_readv";
				launcher_pid = <@LAUNCHER_PID@>;
			};
		};
	};
	regions { victim { size = <0x2000>; }; };
};
TEMPLATE_DTS
	wait_for "^\[attacker\] attack vm_readv: pids $((RUN_PID + 1))\.\.$((RUN_PID + 64))$"
	expect_sigsys attacker
	[ "$(count_lines 'attack vm_readv: (read|first error)')" -eq 0 ] ||
		fail "$role: process_vm_readv returned"
	stop_system
	[ "$RUN_STATUS" -eq 1 ] || fail "$role: exit status $RUN_STATUS, expected 1"
	echo "ok: $role: process_vm_readv killed by SIGSYS"
done
