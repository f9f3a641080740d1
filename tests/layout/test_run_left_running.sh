#!/usr/bin/env bash
# tests/run.sh names and kills what a test leaves running: a test that
# starts `sleep` in the background and exits 0 must pass, with an
# "=== left running by" line naming the sleep, and no such sleep may be
# left once run.sh has returned; a test that leaves nothing gets no line.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
tag="sdvf-left-running-$$"
trap 'pkill -f "$tag" 2>/dev/null || true; rm -rf "$work"' EXIT
fail() {
	echo "test_run_left_running: FAIL: $*"
	sed 's/^/  run.sh: /' "$work/out"
	exit 1
}

# The leaker: a sleep named by $tag (its argv), detached from the pipe.
cat >"$work/leaks.sh" <<LEAK
#!/bin/bash
(exec -a "$tag" sleep 300 </dev/null >/dev/null 2>&1 &)
echo "started"
LEAK
tests/run.sh --only "$work/leaks.sh" >"$work/out" 2>&1 || fail "run.sh exit $?"
grep -q "^=== left running by $work/leaks.sh: .*$tag" "$work/out" ||
	fail "no 'left running' line naming the sleep"
sleep 0.5 # the kill is sent; the process goes
if pgrep -f "$tag" >/dev/null; then
	fail "the sleep was left running"
fi

# A clean test: no such line.
printf '#!/bin/bash\necho clean\n' >"$work/clean.sh"
tests/run.sh --only "$work/clean.sh" >"$work/out" 2>&1 || fail "run.sh exit $?"
! grep -q '^=== left running' "$work/out" ||
	fail "a 'left running' line for a test that left nothing"
echo "test_run_left_running: ok"
