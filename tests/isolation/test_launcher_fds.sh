#!/usr/bin/env bash
# Region fds: once every PD has started, the launcher holds only the fds a
# restartable PD will need again (the read-only fd of `shared` for ro_user,
# the read-write fd of `dev_scratch` for the device), none of the others
# (`shared` rw, `private`), and no PD holds any region fd.  It closes them
# before any component code runs: `census`, a device PD listing them from
# its init (before its confinement, as root), sees no more than that.  A
# restartable device PD that crashes comes back through the same path.
. "$(dirname "$0")/lib.sh"

start_system_pid <<'TEMPLATE_DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		census { /* first: started first, so it would race the close */
			component = "census";
			config { launcher_pid = <@LAUNCHER_PID@>; };
		};
		ro_user {
			component = "prober_client";
			restartable;
			maps { victim = "shared", "r"; };
			config { call = "none"; };
		};
		guard { component = "guard"; maps { victim = "shared", "rw"; }; };
		other { component = "guard"; maps { victim = "private", "rw"; }; };
		dev {
			component = "device_crasher";
			restartable;
			maps { scratch = "dev_scratch", "rw"; };
			config { crash_times = <1>; };
		};
	};
	regions {
		shared { size = <0x1000>; };
		private { size = <0x1000>; };
		dev_scratch { size = <0x1000>; };
	};
};
TEMPLATE_DTS
wait_for "^\[ro_user\] control: calling nothing$"
wait_for "^\[census\] launcher memfds:"
census=$(sed -n 's/^\[census\] launcher memfds: //p' "$WORK/log" | tr ' ' '\n' | sort | tr '\n' ' ')
expected="dev_scratch:rw shared:r "
[ "$census" = "$expected" ] || fail "a device init saw the launcher's '$census'"
held=$(memfds_of "$RUN_PID")
[ "$held" = "$expected" ] || fail "the launcher holds '$held', expected '$expected'"
for pd in ro_user guard other; do
	held=$(memfds_of "$(pid_of $pd)")
	[ -z "$held" ] || fail "$pd holds region fds: $held"
done

wait_for "^\[dev\] start 2: staying up$" 10
[ "$(count_lines "^sdvf: pd 'dev' \(pid [0-9]+\) killed by SIGSEGV$")" -eq 1 ] ||
	fail "expected the device to crash once"
held=$(memfds_of "$(pid_of dev)")
[ -z "$held" ] || fail "the restarted device holds region fds: $held"
held=$(memfds_of "$RUN_PID")
[ "$held" = "$expected" ] || fail "after the restart the launcher holds '$held'"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: the launcher keeps only '$expected'; PDs keep none; the device restarted"
