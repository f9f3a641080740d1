#!/usr/bin/env bash
# Run every test program and script given as arguments, each with a time
# limit, and close with the plain summary line "N passed, N failed".
# A cmocka program counts once; its own PASSED/FAILED lines (on stderr) are
# shown as they come.
set -u
passed=0
failed=0
failures=()
limit=${SDVF_TEST_TIMEOUT:-900}
for t in "$@"; do
	echo "=== $t"
	start=$(date +%s)
	# Sanitizer builds run the stress test for a shorter time: it checks the
	# same protocol, ASan only looks for memory errors on the way.
	stress_seconds=${SDVF_STRESS_SECONDS:-}
	[[ $t == build-san/* ]] && stress_seconds=${SDVF_STRESS_SECONDS:-5}
	if [[ $t == *.sh ]]; then
		timeout --kill-after=10 "$limit" bash "$t" 2>&1
	else
		SDVF_STRESS_SECONDS=$stress_seconds \
			timeout --kill-after=10 "$limit" "$t" 2>&1
	fi
	rc=$?
	end=$(date +%s)
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		echo "=== ok   $t ($((end - start)) s)"
	else
		failed=$((failed + 1))
		failures+=("$t")
		echo "=== FAIL $t (exit $rc, $((end - start)) s)"
	fi
done
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
