#!/usr/bin/env bash
# Integration: the main job, scripts/demo.sh (`make demo`), under names of
# its own (DEMO_NS sdvf-t-demo-PID, DEMO_TAP sdvtdPID).  Three times:
#   1. a run SIGKILLed once its system is up, which leaves the system, the
#      namespace and the tap behind (as a killed `make demo` would);
#   2. a full run, which must remove what run 1 left, then pass: exit 0,
#      "all N checks passed", no FAIL line, the launcher's lines for the
#      three clients (sdvf run: name, component, MAC, IPv4, modes, as
#      examples/demo.dts says) and a summary row for each client;
#   3. a run whose curl always fails: exit 1, the curl checks FAIL, the
#      others still run, and the summary takes its counters from sdvf stats;
# and after run 3 nothing is left: no namespace, no tap, no /run/NS, no
# system of any run.
# Needs root.  Traffic stays inside the namespace.
set -euo pipefail
cd "$(dirname "$0")/../.."

sdvf=${BUILD:-build}/sdvf
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (network namespace and tap)" >&2
	exit 1
fi
[ -x "$sdvf" ] || { echo "demo: $sdvf not built" >&2; exit 1; }

export DEMO_NS=sdvf-t-demo-$$ DEMO_TAP=sdvtd$$ SDVF=$sdvf
out=$(mktemp /tmp/sdvf-t-demo.XXXXXX)
killed=$(mktemp /tmp/sdvf-t-demo.XXXXXX)
fakebin=$out.bin
first=

cleanup() {
	[ -n "$first" ] && kill -KILL "$first" 2>/dev/null
	# run 2 removes what run 1 left; this is for a failure before it
	local pid
	pid=$(cat "/run/$DEMO_NS/sdvf.pid" 2>/dev/null || true)
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	ip netns del "$DEMO_NS" 2>/dev/null || true
	ip link del "$DEMO_TAP" 2>/dev/null || true
	rm -rf "/run/$DEMO_NS" "$out" "$killed" "$fakebin"
}
trap cleanup EXIT

fail() {
	echo "demo: FAILED: $*" >&2
	echo "--- scripts/demo.sh output" >&2
	cat "$out" >&2 || true
	exit 1
}

# ---- run 1, killed once the system is up ----------------------------------
scripts/demo.sh >"$killed" 2>&1 &
first=$!
for _ in $(seq 300); do
	grep -q "^== the system is up" "$killed" && break
	kill -0 "$first" 2>/dev/null || { cat "$killed" >&2; fail "run 1 ended early"; }
	sleep 0.1
done
grep -q "^== the system is up" "$killed" || { cat "$killed" >&2; fail "run 1 never came up"; }
kill -KILL "$first"
wait "$first" 2>/dev/null || true
first=
ip netns list | cut -d" " -f1 | grep -qxF "$DEMO_NS" || fail "run 1 left no namespace to clean"
stale=$(cat "/run/$DEMO_NS/sdvf.pid")
kill -0 "$stale" || fail "run 1 left no system to stop"

# ---- run 2, in full ---------------------------------------------------------
rc=0
timeout 120 scripts/demo.sh >"$out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "scripts/demo.sh exited with $rc"
grep -q "^demo: stopping the system of an earlier run (pid $stale)" "$out" ||
	fail "run 2 did not stop the system run 1 left"
grep -q "^demo: deleting namespace $DEMO_NS left by an earlier run" "$out" ||
	fail "run 2 did not delete the namespace run 1 left"
! kill -0 "$stale" 2>/dev/null || fail "the system of run 1 is still up"
grep -Eq "^demo: all [0-9]+ checks passed$" "$out" || fail "no 'all checks passed'"
! grep -q "^  FAIL " "$out" || fail "a check failed"

# The launcher's lines (sdvf run), as scripts/demo.sh shows them.
for want in \
	"echo: component=echo mac=02:00:00:00:d0:02 ip=10.214.0.2 rx=copy tx=copy" \
	"web: component=http_stats mac=02:00:00:00:d0:03 ip=10.214.0.3 rx=remap tx=copy" \
	"bench: component=[a-z_]+ mac=02:00:00:00:d0:04 ip=10.214.0.4 rx=remap tx=remap"; do
	grep -Eq "^  net client $want$" "$out" || fail "no launcher line '$want'"
done

# The summary: a row per client with numbers in every counter column.
table=$(sed -n '/^== summary/,/^$/p' "$out")
grep -q "^  CLIENT .*DROPS .*PING ms med/p99 .*UDP ms med/p99" <<<"$table" ||
	fail "summary header missing"
for c in echo web bench; do
	grep -Eq "^  $c +[a-z_]+ +10\.214\.0\.[0-9] +[a-z]+/[a-z]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+/[0-9.]+ " <<<"$table" ||
		fail "no summary row for $c (frames, bytes, drops, ping RTT)"
done

passed=$(grep -E '^demo: all' "$out")

# ---- run 3, with a curl that always fails ----------------------------------
# Every check still runs; the curl ones fail, so the demo exits 1, and still
# leaves nothing behind.
mkdir "$fakebin"
printf '#!/bin/sh\nexit 7\n' >"$fakebin/curl"
chmod 755 "$fakebin/curl"
rc=0
PATH=$fakebin:$PATH timeout 120 scripts/demo.sh >"$out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "with curl failing, scripts/demo.sh exited $rc, want 1"
grep -q "^  FAIL  curl /stats.json: valid JSON" "$out" || fail "no FAIL line for curl"
grep -q "^  PASS  UDP echo " "$out" || fail "the checks after a failed one did not run"
grep -Eq "^demo: [0-9]+ of [0-9]+ checks FAILED" "$out" || fail "no count of failed checks"
grep -Eq "^  bench +bench +10\.214\.0\.4 .* [0-9]+ +[0-9]+ " "$out" ||
	fail "no counters in the summary without /stats.json"

# Nothing left behind.
! ip netns list | cut -d" " -f1 | grep -qxF "$DEMO_NS" || fail "namespace $DEMO_NS left"
! ip link show "$DEMO_TAP" >/dev/null 2>&1 || fail "tap $DEMO_TAP left"
[ ! -e "/run/$DEMO_NS" ] || fail "/run/$DEMO_NS left"
echo "demo: ok (run 2: $passed; run 3 failed as it should)"
