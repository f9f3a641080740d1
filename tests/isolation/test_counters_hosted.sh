#!/usr/bin/env bash
# Component counters in the hosted runtime: a restartable client that
# registers "inits" and crashes on its first start gets the same counter
# back after the restart (inits 2, from its stats slot); its duplicate and
# invalid registrations land in scratch, are counted (2 per start), logged
# once per start, and never show in `sdvf stats`.  `sdvf stats --explain`
# prints the meaning the component documents beside "inits", and only
# there; kv takes no --explain.
. "$(dirname "$0")/lib.sh"
PROBE=$BUILD/tests/isolation/sdvf-counter-probe
[ -x "$PROBE" ] || { echo "missing $PROBE: run 'make BUILD=$BUILD $PROBE'"; exit 1; }

cat >"$WORK/sys.dts" <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		probe {
			component = "counter_probe";
			restartable;
			config { crash_times = <1>; };
		};
	};
};
DTS
"$PROBE" run "$WORK/sys.dts" >"$WORK/log" 2>&1 &
RUN_PID=$!
wait_for "^\[probe\] inits 2$" 20

kv=$("$PROBE" stats --format=kv sys) || fail "sdvf stats failed"
value() { awk -v c="$1" '$1 == "sys" && $2 == "probe" && $3 == c { print $4 }' <<<"$kv"; }
[ "$(value inits)" = 2 ] || fail "inits is '$(value inits)', expected 2"
[ "$(value sdvf.starts)" = 2 ] || fail "starts is '$(value sdvf.starts)'"
[ "$(value sdvf.counters_refused)" = 4 ] ||
	fail "counters_refused is '$(value sdvf.counters_refused)', expected 4"
[ "$(value sdvf.counters_unreadable)" = 0 ] || fail "unreadable entries"
# The hosted runtime's own wake counters (rt.*, core/hosted/hosted_wake.h)
# share the table; the component registered one.
[ "$(grep ' probe ' <<<"$kv" | grep -vc ' probe rt\.')" -eq 15 ] ||
	fail "expected 14 runtime lines and 1 counter: $kv"
[ "$(count_lines "^\[probe\] warning: counter 'inits' refused \(already registered\); later refusals are only counted$")" -eq 2 ] ||
	fail "expected the first refusal logged once per start"
[ "$(count_lines "bad name")" -eq 0 ] || fail "the second refusal was logged"

text=$("$PROBE" stats sys) || fail "sdvf stats failed"
explained=$("$PROBE" stats --explain sys) || fail "sdvf stats --explain failed"
meaning="init() calls in this PD's slot, restarts included"
grep -qxF "$(printf '    %-31s = %s' inits 2)" <<<"$text" ||
	fail "no bare inits line: $text"
grep -qxF "$(printf '    %-31s = %-12s %s' inits 2 "$meaning")" <<<"$explained" ||
	fail "no explained inits line: $explained"
[ "$(grep -cF "$meaning" <<<"$explained")" -eq 1 ] || fail "meaning printed more than once"
"$PROBE" stats --explain --format=kv sys >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] || fail "--explain --format=kv exit status $rc, expected 2"

stop_system
echo "ok: counter kept across a restart, refusals counted and logged once, explained"
