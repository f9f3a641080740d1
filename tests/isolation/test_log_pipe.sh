#!/usr/bin/env bash
# A PD's fd 2 is a pipe to the launcher, which prefixes every line with the
# PD's name itself, replaces control characters and bytes >= 0x7f, cuts long
# lines and rate-limits each PD.  log_liar writes straight to fd 2, past the
# runtime's own limiter: a forged monitor line and a forged line of another
# PD, terminal escapes with CR and BEL, an 8-bit CSI, a 3000-byte line, 200
# lines at once, and finally half a line before it crashes.
. "$(dirname "$0")/lib.sh"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		liar { component = "log_liar"; };
		keeper { component = "keeper"; config { secret = "s"; }; };
	};
};
DTS
wait_for "^sdvf: pd 'liar' \(pid [0-9]+\) killed by SIGSEGV$" 10

# Only printable ASCII reaches the terminal.
bad=$(LC_ALL=C grep -cP '[^\x20-\x7e]' "$WORK/log")
[ "$bad" -eq 0 ] || fail "$bad lines with control or non-ASCII bytes"
# Forgeries stay attributed to the liar.
grep -qx "\[liar\] sdvf: pd 'keeper' (pid 1) killed by SIGSEGV" "$WORK/log" ||
	fail "the forged monitor line is not prefixed with [liar]"
grep -qx "\[liar\] \[keeper\] forged line" "$WORK/log" ||
	fail "the forged PD line is not prefixed with [liar]"
[ "$(count_lines "^sdvf: pd 'keeper'")" -eq 0 ] || fail "a forged monitor line got out"
[ "$(count_lines '^\[keeper\] forged')" -eq 0 ] || fail "a forged PD line got out"
grep -qx '\[liar\] ?\[2J?\]0;owned??ESC-CR-BEL' "$WORK/log" ||
	fail "escapes were not replaced"
grep -qx '\[liar\] ??31mC1' "$WORK/log" || fail "the 8-bit CSI was not replaced"
# A long line is cut at 512 bytes and marked.
[ "$(count_lines '^\[liar\] L{512} \[cut\]$')" -eq 1 ] || fail "long line not cut at 512"
[ "$(count_lines 'L{513}')" -eq 0 ] || fail "more than 512 bytes of a line got out"
# The flood past the runtime's limiter is limited by the launcher.
out=$(count_lines '^\[liar\] raw line [0-9]+$')
dropped=$(sed -En 's/^\[liar\] \(([0-9]+) log lines dropped by the launcher\)$/\1/p' "$WORK/log")
[ -n "$dropped" ] || fail "no count of the lines the launcher dropped"
[ $((out + dropped)) -eq 200 ] || fail "$out out + $dropped dropped is not 200"
[ "$out" -le 45 ] || fail "$out raw lines got out, expected a burst of at most 40 lines"
grep -A1 "^\[liar\] ($dropped log lines dropped by the launcher)$" "$WORK/log" |
	grep -qx '\[liar\] after the raw flood' || fail "the count is not before the next line"
# Half a line written before a crash is not lost, and comes before the death.
grep -B1 "^sdvf: pd 'liar' (pid [0-9]*) killed by SIGSEGV$" "$WORK/log" |
	grep -qx '\[liar\] last words without a newline' || fail "the last half line is missing"
stop_system
echo "ok: forgeries prefixed, escapes replaced, long line cut, $out out and $dropped dropped"
