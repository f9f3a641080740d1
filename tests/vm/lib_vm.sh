# shellcheck shell=bash
# shellcheck disable=SC2154 # me, limit, work: the caller's
# Sourced by the tests that boot the L1 image and read back what its
# payload printed (vmm_boot.sh, vmm_net.sh).  The caller has set `me` (its
# name), `limit` (the L1 boot's hard timeout) and `work` (a private
# directory), and written its payload to $work/add/payload/run.sh.

# vm_boot_payload: boot L1 with $work/add under $limit seconds, running
# /payload/run.sh; its console, CRs removed, goes to $work/cases.log,
# run-aarch64.sh's status to l1_rc, and a payload that did not exit 0
# counts as the first failure.
vm_boot_payload() {
	chmod 755 "$work/add/payload/run.sh"
	set +e
	scripts/run-aarch64.sh -t "$limit" -a "$work/add" \
		-l "$work/console.log" /payload/run.sh 2>"$work/run.err"
	l1_rc=$?
	set -e
	cat "$work/run.err"
	tr -d '\r' <"$work/console.log" >"$work/cases.log"
	failures=0
	[ $l1_rc -eq 0 ] || {
		echo "$me: FAIL: L1 payload exit $l1_rc"
		failures=1
	}
}

# expect PATTERN WHY: a failure, named by WHY, unless a line of
# $work/cases.log matches the extended regular expression PATTERN.
expect() {
	if ! grep -qE "$1" "$work/cases.log"; then
		echo "$me: FAIL: $2 (no line matching '$1')"
		failures=$((failures + 1))
	fi
}
