#!/usr/bin/env bash
# mprotect(PROT_WRITE) on a read-only region fails with EACCES even in a device
# PD's init, which runs before its seccomp filter (as root when the launcher
# is), and the region is unchanged.
. "$(dirname "$0")/lib.sh"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		owner {
			component = "pattern_writer";
			maps { victim = "victim", "rw"; };
			channels { probe = "check"; };
		};
		probe {
			component = "mprotect_probe";
			maps { victim = "victim", "r"; };
			channels { writer = "check"; };
		};
	};
	regions { victim { size = <0x2000>; }; };
	channels { check { ends = "owner", "probe"; }; };
};
DTS
wait_for "^\[probe\] mprotect\(PROT_WRITE\) on 'victim': "
grep -q "^\[probe\] mprotect(PROT_WRITE) on 'victim': EACCES$" "$WORK/log" ||
	fail "mprotect was not refused with EACCES"
wait_for "^\[owner\] victim: [0-9]+ of [0-9]+ bytes changed$"
grep -q "^\[owner\] victim: 0 of 8192 bytes changed$" "$WORK/log" ||
	fail "the region changed"
[ "$(count_lines '^sdvf: pd .* (killed|exited)')" -eq 0 ] || fail "a PD died"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: mprotect refused with EACCES, region unchanged"
