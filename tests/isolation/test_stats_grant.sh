#!/usr/bin/env bash
# The read-only grant of the stats file (region "sdvf.stats"): the PD that
# maps it reads a valid file (header checked, /stats.json rendered); a PD
# that writes into it dies with SIGSEGV; its whole-file mapping is
# read-only and shared; a PD without the grant maps no more of the file
# than its own slot (one 4-page mapping).  `sdvf dump` shows the grant.
. "$(dirname "$0")/lib.sh"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		reader {
			component = "stats_reader";
			maps { stats = "sdvf.stats", "r"; };
		};
		writer {
			component = "ro_writer";
			maps { victim = "sdvf.stats", "r"; };
			config { delay_ms = <300>; };
		};
		ticker { component = "ticker"; config { period_ms = <10>; }; };
	};
};
DTS
"$HOSTILE" dump "$WORK/sys.dts" >"$WORK/dump" || fail "dump refused"
grep -q '^region sdvf.stats size=0x11000 io=none stats=yes$' "$WORK/dump" ||
	fail "dump: no stats region of 5 + 3 x 4 pages: $(grep '^region' "$WORK/dump")"
grep -q '^pd-map reader stats region=sdvf.stats rights=r$' "$WORK/dump" ||
	fail "dump: no read-only grant to reader"
[ "$(grep -c 'region=sdvf.stats\|^region-map sdvf.stats' "$WORK/dump")" -eq 4 ] ||
	fail "dump: the stats region is mapped by other PDs than reader and writer"

wait_for "^\[reader\] stats: "
grep -q "^\[reader\] stats: ok, 3 PDs, json [0-9]+ bytes, complete$" -E "$WORK/log" ||
	fail "the reader did not read a valid stats file"
reader=$(pid_of reader)
ticker=$(pid_of ticker)
file=$(ls "$WORK"/sdvf-sys.*.stats) || fail "no stats file"
inode=$(stat -c %i "$file")
# maps_of PID: "SIZE PERMS" of each mapping of the stats file.
maps_of() {
	local range perms offset dev ino rest
	while read -r range perms offset dev ino rest; do
		[ "$ino" = "$inode" ] || continue
		echo "$((0x${range#*-} - 0x${range%-*})) $perms"
	done <"/proc/$1/maps"
}
[ "$(maps_of "$ticker")" = "16384 rw-s" ] ||
	fail "ticker maps more of the stats file than its slot: $(maps_of "$ticker")"
maps_of "$reader" | grep -qx "69632 r--s" ||
	fail "reader's grant is not the whole file read-only: $(maps_of "$reader")"
[ "$(maps_of "$reader" | wc -l)" -eq 2 ] ||
	fail "reader maps the stats file other than slot + grant: $(maps_of "$reader")"

wait_for "^\[writer\] writing into read-only region 'victim'"
wait_for "^sdvf: pd 'writer' \(pid [0-9]+\) killed by SIGSEGV$" 10
[ "$(count_lines 'the write into .* succeeded')" -eq 0 ] ||
	fail "the write into the stats file succeeded"
[ "$(stat_of reader STATE)" = running ] || fail "reader not running"
stop_system
[ "$RUN_STATUS" -eq 1 ] || fail "exit status $RUN_STATUS, expected 1"
echo "ok: stats file granted read-only: read and rendered, a write killed by SIGSEGV, no grant no mapping"
