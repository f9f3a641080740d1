#!/usr/bin/env bash
# Run by root, every PD, whatever its role, ends its setup as uid = gid =
# SDVF_UID_BASE + its index, with no groups, no capabilities, no_new_privs,
# a seccomp filter and not dumpable (its /proc entries belong to root); a
# restarted device PD too.  And those credentials alone, without the
# filter, cannot repeat the hardening issue's attacks: (a) reopen one of
# its own mappings read-write through /proc/PID/map_files, (b) open a
# region fd the launcher still holds through /proc/LAUNCHER/fd/N, (c)
# process_vm_readv a sibling.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "FAIL: needs root (run as root)"; exit 1; }
export SDVF_UID_BASE=3100000000

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		c {
			component = "prober_client";
			restartable;
			maps { victim = "shared", "r"; };
			config { call = "none"; };
		};
		m { component = "prober_mux"; config { call = "none"; }; };
		d { component = "prober_driver"; config { call = "none"; }; };
		v { component = "prober_device"; config { call = "none"; }; };
		k { component = "prober_vmm"; config { call = "none"; }; };
		guard { component = "guard"; maps { victim = "shared", "rw"; }; };
		dc {
			component = "device_crasher";
			restartable;
			maps { scratch = "scratch", "rw"; };
			config { crash_times = <1>; };
		};
	};
	regions { shared { size = <0x1000>; }; scratch { size = <0x1000>; }; };
};
DTS
for pd in c m d v k; do
	wait_for "^\[$pd\] control: calling nothing$"
done
wait_for "^\[dc\] start 2: staying up$" 10
[ "$(count_lines 'not running as root')" -eq 0 ] || fail "the root launcher says it is not root"

launcher_memfds=$(for fd in /proc/"$RUN_PID"/fd/*; do
	[[ $(readlink "$fd") == /memfd:* ]] && echo "$fd"
done)
[ -n "$launcher_memfds" ] || fail "the launcher holds no region fd to attack"
pds="c m d v k guard dc"
index=0
for pd in $pds; do
	pid=$(pid_of $pd)
	uid=$((SDVF_UID_BASE + index))
	index=$((index + 1))
	[ "$(status_of "$pid" Uid)" = "$uid $uid $uid $uid" ] ||
		fail "$pd: Uid '$(status_of "$pid" Uid)', expected $uid"
	[ "$(status_of "$pid" Gid)" = "$uid $uid $uid $uid" ] ||
		fail "$pd: Gid '$(status_of "$pid" Gid)', expected $uid"
	[ -z "$(status_of "$pid" Groups)" ] || fail "$pd: groups '$(status_of "$pid" Groups)'"
	for cap in CapInh CapPrm CapEff CapAmb; do
		[ "$(status_of "$pid" $cap)" = 0000000000000000 ] ||
			fail "$pd: $cap $(status_of "$pid" $cap)"
	done
	[ "$(status_of "$pid" NoNewPrivs)" = 1 ] || fail "$pd: no no_new_privs"
	[ "$(status_of "$pid" Seccomp)" = 2 ] || fail "$pd: no seccomp filter"
	[ "$(stat -c %u /proc/"$pid"/fd)" = 0 ] || fail "$pd: dumpable (/proc/$pid/fd not root's)"

	# (a) one of its own mappings, read-write
	range=$(awk 'NR == 1 { print $1 }' /proc/"$pid"/maps)
	got=$(try_as $uid $uid open_rw /proc/"$pid"/map_files/"$range")
	[[ $got == EACCES || $got == EPERM ]] || fail "$pd: map_files open gave $got"
	# (b) every region fd the launcher still holds
	for fd in $launcher_memfds; do
		got=$(try_as $uid $uid open_rw "$fd")
		[ "$got" = EACCES ] || fail "$pd: open $fd gave $got"
	done
	# (c) every sibling's memory
	for other in $pds; do
		[ $other = $pd ] && continue
		got=$(try_as $uid $uid vm_readv "$(pid_of $other)")
		[ "$got" = EPERM ] || fail "$pd: process_vm_readv of $other gave $got"
	done
	echo "ok: $pd: uid $uid, no capabilities, filtered, not dumpable, (a) (b) (c) refused"
done
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
