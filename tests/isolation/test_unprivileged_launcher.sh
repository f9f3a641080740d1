#!/usr/bin/env bash
# A launcher that is not root cannot give PDs uids of their own: it says so
# in one line, and every PD still ends its setup with no capabilities,
# no_new_privs, its seccomp filter and not dumpable, and the launcher is
# not dumpable either.  So a process with the PDs' (shared) uid, even
# without a filter, cannot (a) reopen a PD's mapping through map_files,
# (b) open the launcher's region fds, (c) process_vm_readv a PD; and an
# attacking PD is still killed by its filter.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "FAIL: needs root to switch to nobody"; exit 1; }
user=65534
chmod 755 "$WORK"
# The launcher's stats directory must be its own, and so must the reader's.
mkdir -m 700 "$WORK/stats" && chown $user:$user "$WORK/stats"
export SDVF_STATS_DIR=$WORK/stats
STATS_AS=(setpriv --reuid=$user --regid=$user --clear-groups)

cat >"$WORK/sys.dts.in" <<'TEMPLATE_DTS'
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
		v { component = "prober_device"; config { call = "none"; }; };
		guard { component = "guard"; maps { victim = "shared", "rw"; }; };
		attacker {
			component = "attacker_mux";
			config { attack = "vm_readv"; launcher_pid = <@LAUNCHER_PID@>; };
		};
	};
	regions { shared { size = <0x1000>; }; };
};
TEMPLATE_DTS
sed "s/@LAUNCHER_PID@/1/g" "$WORK/sys.dts.in" >"$WORK/sys.lp.dts"
least_privilege "$WORK/sys.lp.dts"
: >"$WORK/log"
(
	sed "s/@LAUNCHER_PID@/$BASHPID/g" "$WORK/sys.dts.in" >"$WORK/sys.dts"
	exec setpriv --reuid=$user --regid=$user --clear-groups \
		"$HOSTILE" run "$WORK/sys.dts" >"$WORK/log" 2>&1
) &
RUN_PID=$!
for pd in c m v; do
	wait_for "^\[$pd\] control: calling nothing$"
done
expect_sigsys attacker
grep -qx "sdvf: not running as root: every PD keeps uid $user (no uid of its own); no capabilities, no_new_privs, not dumpable and its seccomp filter still apply" "$WORK/log" ||
	fail "no line saying the PDs keep the launcher's uid"
[ "$(stat -c %u /proc/"$RUN_PID"/fd)" = 0 ] || fail "the launcher is dumpable"

launcher_fd=$(for fd in /proc/"$RUN_PID"/fd/*; do
	[[ $(readlink "$fd") == /memfd:* ]] && echo "$fd"
done | head -1)
[ -n "$launcher_fd" ] || fail "the launcher holds no region fd to attack"
for pd in c m v guard; do
	pid=$(pid_of $pd)
	[ "$(status_of "$pid" Uid)" = "$user $user $user $user" ] || fail "$pd: uid"
	[ "$(status_of "$pid" CapEff)" = 0000000000000000 ] || fail "$pd: capabilities"
	[ "$(status_of "$pid" NoNewPrivs)" = 1 ] || fail "$pd: no no_new_privs"
	[ "$(status_of "$pid" Seccomp)" = 2 ] || fail "$pd: no seccomp filter"
	[ "$(stat -c %u /proc/"$pid"/fd)" = 0 ] || fail "$pd: dumpable"
	range=$(awk 'NR == 1 { print $1 }' /proc/"$pid"/maps)
	got=$(try_as $user $user open_rw /proc/"$pid"/map_files/"$range")
	[[ $got == EACCES || $got == EPERM ]] || fail "$pd: (a) map_files gave $got"
	got=$(try_as $user $user vm_readv "$pid")
	[ "$got" = EPERM ] || fail "$pd: (c) process_vm_readv gave $got"
done
got=$(try_as $user $user open_rw "$launcher_fd")
[ "$got" = EACCES ] || fail "(b) open $launcher_fd gave $got"
stop_system
[ "$RUN_STATUS" -eq 1 ] || fail "exit status $RUN_STATUS, expected 1 (the attacker)"
echo "ok: not root: one line said so; PDs filtered, capability-free, not dumpable; (a) (b) (c) refused"
