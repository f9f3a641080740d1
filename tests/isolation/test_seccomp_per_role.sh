#!/usr/bin/env bash
# Every role's seccomp filter forbids a representative set of calls (each
# prober PD makes one of them after its confinement and must die with
# SIGSYS before the call returns), while a control PD of the same role that
# only logs keeps running.  Among them: the calls whose addition to the
# client allow-list once broke nothing (openat, mmap, execve, ptrace; mmap
# asks for executable memory, mmap_shared for shared memory: no build
# allows either, though the ASan build lets a client map private
# non-executable memory for its allocator), read
# on fd 2 (once the user's terminal), and calls only another role may make
# (epoll_ctl: the device, on its epoll fd only; ioctl: the VMM, KVM only);
# futex is FUTEX_WAIT (only FUTEX_WAKE is allowed, for the wake path), and
# futex_waitv is for PDs in futex mode only (SDVF_WAKE=futex).
. "$(dirname "$0")/lib.sh"

CALLS="openat mmap mmap_shared mprotect execve ptrace socket kill
process_vm_readv ioctl fork futex futex_waitv epoll_ctl prctl setuid read_fd2 write_fd100"

for role in $ROLES; do
	pds=
	for call in $CALLS; do
		pds="$pds p_$call { component = \"prober_$role\"; config { call = \"$call\"; }; };"
	done
	start_system <<TEMPLATE_DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		control { component = "prober_$role"; config { call = "none"; }; };
		$pds
	};
};
TEMPLATE_DTS
	wait_for "^\[control\] control: calling nothing$"
	for call in $CALLS; do
		wait_for "^\[p_$call\] calling $call$"
		expect_sigsys "p_$call"
	done
	[ "$(count_lines ' returned ')" -eq 0 ] ||
		fail "$role: a forbidden call returned: $(grep ' returned ' "$WORK/log")"
	[ "$(stat_of control STATE)" = running ] || fail "$role: control is not running"
	[ "$(count_lines "^sdvf: pd 'control'")" -eq 0 ] || fail "$role: control died"
	stop_system
	[ "$RUN_STATUS" -eq 1 ] || fail "$role: exit status $RUN_STATUS, expected 1"
	echo "ok: $role: $(echo $CALLS | wc -w) forbidden calls killed by SIGSYS, control running"
done
