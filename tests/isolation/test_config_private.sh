#!/usr/bin/env bash
# A PD holds its own configuration and no other PD's.  `keeper` has a
# secret in its config; `scanner` (a device PD, so its init runs before
# its seccomp filter and may read /proc/self/maps) scans all its memory for
# it and for a marker of its own config; from outside, every PD's memory is
# scanned through /proc/PID/mem.  The secret is only in the keeper (which
# shows the outside scan works), the marker is found by the scanner (which
# shows its scan works).
. "$(dirname "$0")/lib.sh"

secret="secret-$RANDOM$RANDOM-$$-of-the-keeper"
marker="marker-$RANDOM$RANDOM-$$-of-the-scanner"
start_system <<TEMPLATE_DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		keeper { component = "keeper"; config { secret = "$secret"; }; };
		scanner {
			component = "scanner";
			config {
				needle_reversed = "$(rev <<<"$secret")";
				marker = "$marker";
				marker_reversed = "$(rev <<<"$marker")";
			};
		};
		idle { component = "ticker"; };
		mux { component = "guard"; maps { victim = "victim", "rw"; }; };
	};
	regions { victim { size = <0x1000>; }; };
};
TEMPLATE_DTS
wait_for "^\[keeper\] keeping a secret of ${#secret} bytes$"
wait_for "^\[scanner\] secret: found [0-9]+ times in [0-9]+ bytes$"
grep -Eq "^\[scanner\] own marker: found [1-9][0-9]* times$" "$WORK/log" ||
	fail "the scanner did not find its own marker"
grep -Eq "^\[scanner\] secret: found 0 times in [0-9]+ bytes$" "$WORK/log" ||
	fail "the scanner found the keeper's secret in its own memory"

for pd in scanner idle mux; do
	hits=$(scan_memory "$(pid_of $pd)" "$secret")
	[ "$hits" = 0 ] || fail "the secret is $hits times in $pd's memory"
done
hits=$(scan_memory "$(pid_of keeper)" "$secret")
[ "$hits" -gt 0 ] || fail "the outside scan does not find the keeper's own secret"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: the secret is only in its keeper ($hits times), not in scanner, idle, mux"
