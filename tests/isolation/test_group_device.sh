#!/usr/bin/env bash
# A device PD in a co-location group (docs/runtime-hosted.md, "Groups";
# `colocate-nic;` puts the ENET model there): its init() runs before the
# group confines itself, as a device PD of its own does, and the group
# then ends exactly as confined as any PD: its own uid (not root), no
# capability in any set, no_new_privs, not dumpable, a seccomp filter.
# The device brings its calls into the group's filter only on the fds its
# init() opened: when the driver member opens a file (openat, no role's
# call) or calls epoll_ctl on an fd that is not the group's epoll fd, the
# whole process dies by SIGSYS and both deaths are reported with its pid,
# while a client outside keeps running.
. "$(dirname "$0")/lib_group.sh"

for call in openat epoll_ctl; do
	start_prober_group d prober_device "$call" 600
	pid=$(pid_of d)
	[ "$(pid_of b)" = "$pid" ] || fail "d and b are not one process"
	uid=$(status_of "$pid" Uid)
	[ "${uid%% *}" != 0 ] || fail "the group runs as root: Uid $uid"
	for cap in CapInh CapPrm CapEff CapBnd CapAmb; do
		v=$(status_of "$pid" "$cap")
		[ "$cap" = CapBnd ] && continue # the bounding set only limits
		[ "$v" = 0000000000000000 ] || fail "$cap $v"
	done
	[ "$(status_of "$pid" NoNewPrivs)" = 1 ] || fail "no_new_privs not set"
	[ "$(status_of "$pid" Seccomp)" = 2 ] || fail "no seccomp filter"
	[ "$(stat -c %U "/proc/$pid/mem" 2>/dev/null)" = root ] ||
		fail "dumpable: /proc/$pid/mem is not root's"
	expect_group_killed d "$pid" "$call"
	stop_system
	[ "$RUN_STATUS" -eq 1 ] || fail "exit status $RUN_STATUS, expected 1"
	echo "ok: group g (device d, driver b) pid $pid: uid ${uid%% *}, no capabilities, no_new_privs, seccomp; $call from b killed both by SIGSYS"
done
