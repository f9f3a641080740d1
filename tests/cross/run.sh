#!/usr/bin/env bash
# The cross checks of `make test` (docs/cross.md):
#  1. the freestanding rule refuses a libc header and the undefined-symbol
#     check refuses a call to malloc (so their "ok" below means something),
#     and the helper scripts reject bad arguments;
#  2. `make cross`: freestanding components for aarch64 and x86_64, hosted
#     binaries for aarch64;
#  3. every cross-built unit test under qemu-aarch64-static (binfmt_misc is
#     not assumed: qemu is invoked explicitly);
#  4. the aarch64 `sdvf check` on every example, and `sdvf dump` compared
#     with the native build when there is one.
# SDVF_STRESS_SECONDS (default 3 here) bounds the stress tests;
# SDVF_CROSS_TEST_TIMEOUT (default 300 s) bounds each program.
set -u
cd "$(dirname "$0")/../.."
# Called from `make test`: do not inherit its variables (SAN=1, BUILD=...)
# into the cross build, which chooses its own.
native_build=${BUILD:-build}
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD

export SDVF_STRESS_SECONDS=${SDVF_STRESS_SECONDS:-3}
limit=${SDVF_CROSS_TEST_TIMEOUT:-300}
hosted=build-cross/aarch64-linux-gnu
qemu=(qemu-aarch64-static -L /usr/aarch64-linux-gnu)
# A test may skip what qemu-user cannot do (e.g. SO_RXQ_OVFL) only here.
export SDVF_UNDER_QEMU_USER=1
# Tests built with ASan (the fuzz replays) run under qemu-user, but its
# LeakSanitizer cannot (it stops threads through ptrace-like calls qemu-user
# lacks): keep ASan and UBSan, drop leak checking, for the aarch64 runs only.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
failures=0

fail() {
	echo "cross: FAIL: $*"
	failures=$((failures + 1))
}

# The freestanding rule itself (tests/cross/cross.mk) must refuse the two
# ways a component can lean on an OS: including a libc header, and calling a
# function nobody in the image defines.  Fixtures go through the same rule
# as the components, so these checks fail if the rule loses its teeth.
check_freestanding_rule_rejects_os_use() {
	local free=build-cross/free-aarch64/tests/cross/fixtures tmp
	tmp=$(mktemp -d /tmp/sdvf-cross.XXXXXX)
	if make --no-print-directory -f tests/cross/cross.mk \
		"$free/includes_stdio.o" >"$tmp/out" 2>&1; then
		fail "freestanding rule compiled a file that includes <stdio.h>"
	elif ! grep -q 'stdio.h: No such file' "$tmp/out"; then
		fail "freestanding rule failed on <stdio.h> for another reason:" \
			"$(cat "$tmp/out")"
	else
		echo "cross: ok: freestanding rule refuses <stdio.h>"
	fi
	if ! make --no-print-directory -f tests/cross/cross.mk \
		"$free/needs_malloc.o" >"$tmp/out" 2>&1; then
		fail "freestanding rule could not build needs_malloc.c:" \
			"$(cat "$tmp/out")"
	elif tests/cross/check-undefined.sh aarch64-linux-gnu-nm \
		"$free/needs_malloc.o" >"$tmp/out" 2>&1; then
		fail "check-undefined.sh accepted an object calling malloc"
	elif ! grep -qx '  malloc' "$tmp/out"; then
		fail "check-undefined.sh did not name malloc:" "$(cat "$tmp/out")"
	else
		echo "cross: ok: undefined-symbol check rejects and names malloc"
	fi
	rm -rf "$tmp"
}

# Bad arguments to the helper scripts: usage error (2), nothing touched.
check_script_usage() {
	local rc before=$failures
	tests/cross/check-undefined.sh aarch64-linux-gnu-nm >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "check-undefined.sh with one argument: exit $rc, want 2"
	tests/cross/make-sysroot.sh /nonexistent/sdvf-sysroot sparc64 libfdt1 \
		>/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "make-sysroot.sh with unknown arch: exit $rc, want 2"
	[ ! -e /nonexistent/sdvf-sysroot ] ||
		fail "make-sysroot.sh created a sysroot for an unknown arch"
	tests/cross/make-sysroot.sh build-cross/unused arm64 >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "make-sysroot.sh with no package: exit $rc, want 2"
	[ $failures -ne $before ] ||
		echo "cross: ok: helper scripts reject bad arguments"
}

run_unit_tests() {
	local t rc n=0
	while read -r t; do
		[ -n "$t" ] || continue
		n=$((n + 1))
		echo "--- aarch64: $t"
		timeout --kill-after=5 "$limit" "${qemu[@]}" "$t" 2>&1
		rc=$?
		[ $rc -eq 0 ] || fail "$t (exit $rc under qemu-aarch64)"
	done <"$hosted/unit-tests.list"
	echo "cross: ran $n aarch64 unit test programs"
}

# Both dumps must succeed, say something, and agree byte for byte.
compare_dumps() {
	local sdvf=$1 native=$2 ex=$3 tmp rc_cross rc_native
	tmp=$(mktemp -d /tmp/sdvf-cross.XXXXXX)
	timeout "$limit" "${qemu[@]}" "$sdvf" dump "$ex" >"$tmp/cross" 2>&1
	rc_cross=$?
	"$native" dump "$ex" >"$tmp/native" 2>&1
	rc_native=$?
	if [ $rc_cross -ne 0 ] || [ $rc_native -ne 0 ]; then
		fail "sdvf dump $ex: exit $rc_cross on aarch64, $rc_native native"
	elif [ ! -s "$tmp/native" ]; then
		fail "sdvf dump $ex printed nothing"
	elif ! diff -u "$tmp/native" "$tmp/cross"; then
		fail "aarch64 and native sdvf dump $ex differ"
	else
		echo "cross: ok: aarch64 sdvf dump $ex matches native" \
			"($(wc -l <"$tmp/native") lines)"
	fi
	rm -rf "$tmp"
}

# `sdvf` runs dtc with exec; under qemu-user that exec starts the host's
# (x86_64) dtc natively, so no aarch64 dtc is needed.
check_examples() {
	local sdvf=$hosted/sdvf native=$native_build/sdvf ex rc
	[ -x "$sdvf" ] || fail "no aarch64 sdvf at $sdvf after make cross"
	[ -x "$native" ] || fail "no native $native: run 'make all' first"
	for ex in examples/*.dts; do
		[ -e "$ex" ] || continue
		timeout "$limit" "${qemu[@]}" "$sdvf" check "$ex"
		rc=$?
		[ $rc -eq 0 ] || fail "aarch64 sdvf check $ex (exit $rc)"
		compare_dumps "$sdvf" "$native" "$ex"
	done
}

check_freestanding_rule_rejects_os_use
check_script_usage
if ! make --no-print-directory -j"$(nproc)" cross; then
	fail "make cross"
else
	run_unit_tests
	check_examples
fi
if [ $failures -ne 0 ]; then
	echo "cross: $failures check(s) failed"
	exit 1
fi
echo "cross: all checks passed"
