#!/usr/bin/env bash
# The VM stage of `make demo` (scripts/demo-vm.sh), as a user runs it:
#   1. DEMO_VM=0: it says it skipped and exits 0, booting nothing;
#   2. in full (one L1 boot): exit 0, "all N checks passed", no FAIL line,
#      a PASS line for each of the peer's pings and UDP echoes with the
#      guest and the native clients and for the guest's pings through
#      local switching, and a summary that shows vm0 as a client of the
#      muxes with its counters and its boot time.
# The stage's own hard timeout: DEMO_VM_TIMEOUT (300 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
me=demo_vm
out=$(mktemp /tmp/sdvf-t-demo-vm.XXXXXX)
trap 'rm -f "$out"' EXIT
fail() {
	echo "$me: FAIL: $*" >&2
	sed 's/^/  | /' "$out" >&2
	exit 1
}

rc=0
DEMO_VM=0 scripts/demo-vm.sh >"$out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "DEMO_VM=0: exit $rc, want 0"
[ "$(cat "$out")" = "== VM stage: skipped (DEMO_VM=0)" ] ||
	fail "DEMO_VM=0: not the one line saying it skipped"

rc=0
scripts/demo-vm.sh >"$out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "exit $rc, want 0"
grep -Eq '^demo-vm: all [0-9]+ checks passed$' "$out" || fail "no 'all checks passed'"
! grep -q '^  FAIL ' "$out" || fail "a check failed"
for want in \
	"guest vm0 booted and brought eth0 up: at [0-9.]+ s of its uptime" \
	"ping echo \(10\.218\.0\.2\): 20 packets received of 20" \
	"ping web \(10\.218\.0\.3\): 20 packets received of 20" \
	"ping vm0 \(10\.218\.0\.4\): 20 packets received of 20" \
	"UDP echo with echo \(10\.218\.0\.2:1235\): 50/50 replies, lost 0" \
	"UDP echo with vm0 \(10\.218\.0\.4:7777\): 50/50 replies, lost 0" \
	"web's /stats.json lists the guest" \
	"the guest pings echo \(local switching\): 10 packets transmitted, 10 packets received" \
	"the guest pings web \(local switching\): 10 packets transmitted, 10 packets received" \
	"the guest's frames to the native clients never left the NIC" \
	"the guest powers off on quit: pd 'vm0' .*exited with status 0" \
	"SIGTERM stops the system cleanly: exit 0"; do
	grep -Eq "^  PASS  $want" "$out" || fail "no PASS line '$want'"
done
grep -Eq '^  vm0 +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +0 ' "$out" ||
	fail "no summary row for vm0 (frames, bytes, no drop)"
grep -Eq '^  vm0 \(the guest\): at userspace after [0-9.]+ s of its uptime, its first console byte [0-9]+ ms' "$out" ||
	fail "no boot time for the guest in the summary"
grep -E '^(  vm0|== VM stage: [0-9])' "$out"
echo "$me: ok"
