#!/usr/bin/env bash
# The runtime rate-limits each PD's log: a burst of 20 lines, then 10 per
# second; the next line that gets out says how many were suppressed.
. "$(dirname "$0")/lib.sh"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds { flood { component = "log_flood"; }; };
};
DTS
wait_for "^\[flood\] after the flood$"
[ "$(count_lines '^\[flood\] flood line')" -eq 20 ] ||
	fail "expected exactly 20 flood lines out"
grep -q "^\[flood\] flood line 20$" "$WORK/log" || fail "line 20 missing"
grep -B1 "^\[flood\] after the flood$" "$WORK/log" |
	grep -q "^\[flood\] (80 log lines suppressed)$" ||
	fail "no suppressed count before the next line"
[ "$(stat_of flood LOG-DROP)" = 80 ] || fail "stats: LOG-DROP"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: 20 lines, 80 suppressed"
