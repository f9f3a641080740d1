#!/usr/bin/env bash
# Run the tests given as arguments, each with a time limit, and close with
# the plain summary line "N passed, N failed".
#
#   tests/run.sh [--builds "DIR..."] TEST...  every test (as `make test`)
#   tests/run.sh --dry-run [--builds "DIR..."] TEST...  the manifest check only
#   tests/run.sh --only TEST...  a few tests, without the manifest check
#
# A TEST is a program, DIR/tests/... under its build directory DIR, or a
# script, tests/....sh.  A cmocka program counts once; its own PASSED/FAILED
# lines (on stderr) are shown as they come.  A failing test's FAIL lines and
# last lines are shown again before the summary, so that a log read from its
# end (CI's) says why.
#
# What cannot pass:
#   - nothing to run: no TEST at all;
#   - a test whose output says it ran no test (cmocka's "Running 0
#     test(s)"), even if it exits 0;
#   - a set of tests that differs from tests/manifest (unless --only), found
#     before anything runs.  The manifest names every test once: each program
#     must be given under every build directory of --builds (default: those
#     the programs are given under), each script once.  A test missing (a
#     deleted script, a module.mk line dropped) or extra (a new test not yet
#     listed) is named with what to do.  So the expected set is written down
#     in one file that changes only on purpose, not derived from the same
#     module.mk lists and wildcards that could lose a test; adding a test is
#     one line there.
set -u
here=$(dirname "$0")
manifest=$here/manifest
limit=${SDVF_TEST_TIMEOUT:-900}

usage() {
	echo "tests/run.sh: $1 (usage: tests/run.sh [--dry-run|--only]" \
		"[--builds \"DIR...\"] TEST...)" >&2
	exit 2
}

mode=all
builds=
builds_given=false
while [ $# -gt 0 ]; do
	case $1 in
	--only) mode=only ;;
	--dry-run) mode=dry-run ;;
	--builds)
		[ $# -ge 2 ] || usage "--builds needs a list of directories"
		builds=$2
		builds_given=true
		shift
		;;
	--) shift && break ;;
	-*) usage "unknown option '$1'" ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || usage "nothing to run"

# key TEST: "DIR NAME" for a program (NAME = tests/... below DIR), "- NAME"
# for a script.
key() {
	case $1 in
	*.sh) echo "- $1" ;;
	*/tests/*) echo "${1%%/tests/*} tests/${1#*/tests/}" ;;
	*) echo "? $1" ;;
	esac
}

# path DIR NAME: the test as given on the command line.
path() { [ "$1" = - ] && echo "$2" || echo "$1/$2"; }

# manifest_names: the manifest's lines without comments and blank lines.
manifest_names() { grep -v -e '^#' -e '^[[:space:]]*$' "$manifest"; }

# The manifest check: prints one line per problem; fails if there is any.
check_manifest() {
	[ -r "$manifest" ] || {
		echo "tests/run.sh: cannot read $manifest"
		return 1
	}
	local given expected t name dir bad=0
	given=$(for t in "$@"; do key "$t"; done | LC_ALL=C sort)
	$builds_given || builds=$(printf '%s\n' "$given" |
		awk '$1 != "-" && $1 != "?" { print $1 }' | LC_ALL=C sort -u)
	if manifest_names | grep -qv '\.sh$' && [ -z "$builds" ]; then
		echo "tests/run.sh: tests/manifest lists programs, but no build" \
			"directory was given"
		bad=1
	fi
	expected=$(manifest_names | while read -r name; do
		case $name in
		*.sh) echo "- $name" ;;
		*) for dir in $builds; do echo "$dir $name"; done ;;
		esac
	done | LC_ALL=C sort)
	while read -r dir name; do
		[ -n "$name" ] || continue
		echo "tests/run.sh: $(path "$dir" "$name") is in tests/manifest but" \
			"not given (deleted or no longer built? then remove its line)"
		bad=1
	done < <(LC_ALL=C comm -13 <(echo "$given") <(echo "$expected"))
	while read -r dir name; do
		[ -n "$name" ] || continue
		if [ "$dir" = "?" ]; then
			echo "tests/run.sh: $name is neither a program under a build" \
				"directory (DIR/tests/...) nor a script (.sh)"
		elif manifest_names | grep -qx -- "$name"; then
			echo "tests/run.sh: $(path "$dir" "$name") is given twice, or" \
				"under a build directory not in '$builds'"
		else
			echo "tests/run.sh: $(path "$dir" "$name") is not in" \
				"tests/manifest (a new test? add the line '$name')"
		fi
		bad=1
	done < <(LC_ALL=C comm -23 <(echo "$given") <(echo "$expected"))
	return $bad
}

if [ $mode != only ]; then
	if ! check_manifest "$@"; then
		echo "tests/run.sh: the tests given differ from tests/manifest; nothing run"
		exit 1
	fi
	if [ $mode = dry-run ]; then
		echo "tests/run.sh: $# tests given, as tests/manifest lists"
		exit 0
	fi
fi

passed=0
failed=0
failures=()
out=$(mktemp /tmp/sdvf-run.XXXXXX)
why_failed=$(mktemp /tmp/sdvf-why.XXXXXX)
trap 'rm -f "$out" "$why_failed"' EXIT

# left_running ID TEST: the processes still carrying SDVF_TEST_ID=ID in their
# environment once the test has ended (daemons, sdvf launchers, qemu left
# behind), each printed and killed, so that no test runs beside what an
# earlier one left (a PD spinning, an L1 still booting: every later timing
# would be off).  The PDs of a left launcher die with it (PDEATHSIG).
left_running() {
	local pids
	pids=$(grep -lzx "SDVF_TEST_ID=$1" /proc/[0-9]*/environ 2>/dev/null |
		cut -d/ -f3)
	[ -n "$pids" ] || return 0
	for p in $pids; do
		echo "=== left running by $2: $(ps -o pid=,etimes=,args= -p "$p" | cut -c1-160)"
	done
	# shellcheck disable=SC2086 # a list of pids
	kill -KILL $pids 2>/dev/null
}

n=0
for t in "$@"; do
	echo "=== $t"
	start=$(date +%s)
	n=$((n + 1))
	id="$$.$n" # SDVF_TEST_ID in the test's environment only
	# Sanitizer builds run the stress test for a shorter time: it checks the
	# same protocol, ASan only looks for memory errors on the way.
	stress_seconds=${SDVF_STRESS_SECONDS:-}
	[[ $t == build-san/* ]] && stress_seconds=${SDVF_STRESS_SECONDS:-5}
	if [[ $t == *.sh ]]; then
		SDVF_TEST_ID=$id timeout --kill-after=10 "$limit" bash "$t" 2>&1 |
			tee "$out"
	else
		SDVF_TEST_ID=$id SDVF_STRESS_SECONDS=$stress_seconds \
			timeout --kill-after=10 "$limit" "$t" 2>&1 | tee "$out"
	fi
	rc=${PIPESTATUS[0]}
	end=$(date +%s)
	left_running "$id" "$t"
	why="exit $rc"
	[ $rc -eq 124 ] || [ $rc -eq 137 ] && why="no end after $limit s"
	if [ $rc -eq 0 ] && grep -Eq '^\[=+\] Running 0 test\(s\)' "$out"; then
		rc=1
		why="it ran 0 tests"
	fi
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		echo "=== ok   $t ($((end - start)) s)"
	else
		failed=$((failed + 1))
		failures+=("$t")
		echo "=== FAIL $t ($why, $((end - start)) s)"
		# Why, again at the end: a log read from its tail (CI's) shows it.
		{
			echo "--- $t: its FAIL lines, then its last lines"
			grep -E 'FAIL|FAILED|[Ff]ailed|ERROR' "$out" | head -n 8
			tail -n 6 "$out"
		} >>"$why_failed"
	fi
done
cat "$why_failed"
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
