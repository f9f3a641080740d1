#!/usr/bin/env bash
# Run the libFuzzer build of each fuzz harness for a bounded time.
#
#   tests/fuzz/libfuzzer.sh [HARNESS...]   (default: every harness)
#
# SDVF_FUZZ_SECONDS: seconds per harness (default 35 here, as in `make
# test`: six harnesses, 3.5 minutes; `make fuzz` sets 600).  Builds
# build-fuzz/ first (`make fuzz-bins`: clang, libFuzzer, ASan + UBSan).
# Each run starts from the committed corpus tests/fuzz/corpus/HARNESS/
# (read only), with tests/fuzz/dict/HARNESS.dict as its dictionary if there
# is one, and writes what it finds to a temporary directory.  A crash,
# a leak, a sanitizer report, an input slower than 10 s or a broken
# invariant fails the run; the input that did it is kept in
# $SDVF_FUZZ_ARTIFACTS (default /tmp/sdvf-fuzz-artifacts) and named, to be
# copied into the corpus as a regression input once fixed.
set -u
cd "$(dirname "$0")/../.."
seconds=${SDVF_FUZZ_SECONDS:-35}
case $seconds in
'' | *[!0-9]*) echo "libfuzzer.sh: SDVF_FUZZ_SECONDS='$seconds':" \
	"want whole seconds" >&2 && exit 2 ;;
esac
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(fuzz_enet_model fuzz_virtio
	fuzz_queue fuzz_sysdesc fuzz_tx_mux fuzz_rx_mux)
artifacts=${SDVF_FUZZ_ARTIFACTS:-/tmp/sdvf-fuzz-artifacts}
mkdir -p "$artifacts"

if ! command -v clang >/dev/null; then
	echo "libfuzzer.sh: clang not installed (make deps)" >&2
	exit 1
fi
${MAKE:-make} -j2 -s fuzz-bins FUZZ_HARNESSES="${harnesses[*]}" >/tmp/sdvf-fuzz-build.$$ 2>&1 || {
	cat /tmp/sdvf-fuzz-build.$$ >&2
	rm -f /tmp/sdvf-fuzz-build.$$
	echo "libfuzzer.sh: make fuzz-bins failed" >&2
	exit 1
}
rm -f /tmp/sdvf-fuzz-build.$$

# -max_len per harness: what its input format reads at most.
max_len() {
	case $1 in
	fuzz_sysdesc) echo 16384 ;;
	fuzz_tx_mux | fuzz_rx_mux) echo 1024 ;; # a sim per input: short ones
	*) echo 4096 ;;
	esac
}

work=$(mktemp -d /tmp/sdvf-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=0
echo "libfuzzer.sh: ${#harnesses[@]} harnesses, ${seconds} s each;" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
for h in "${harnesses[@]}"; do
	bin=build-fuzz/tests/fuzz/${h}_libfuzzer
	[ -x "$bin" ] || {
		echo "libfuzzer.sh: no $bin (an unknown harness?)" >&2
		failed=1
		continue
	}
	seeds=tests/fuzz/corpus/$h
	mkdir -p "$work/$h"
	args=(-max_total_time="$seconds" -max_len="$(max_len "$h")"
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1
		-artifact_prefix="$artifacts/$h-" "$work/$h")
	[ -d "$seeds" ] && args+=("$seeds")
	# A dictionary of the words the harness's input format uses, if any.
	dict=tests/fuzz/dict/$h.dict
	[ -f "$dict" ] && args=(-dict="$dict" "${args[@]}")
	SDVF_SIM_QUIET=1 "$bin" "${args[@]}" >"$work/$h.log" 2>&1
	rc=$?
	stats=$(awk '/^stat::number_of_executed_units/ { runs = $2 }
		/^stat::new_units_added/ { new = $2 }
		END { printf "%s inputs run, %s new in the corpus", runs, new }' \
		"$work/$h.log")
	if [ $rc -ne 0 ]; then
		tail -n 60 "$work/$h.log"
		echo "libfuzzer.sh: $h FAILED (exit $rc); input(s):"
		ls -1 "$artifacts/$h-"* 2>/dev/null
		echo "  replay: build-san/tests/fuzz/$h FILE; keep it as" \
			"tests/fuzz/corpus/$h/regress-WHAT once fixed"
		failed=1
	else
		echo "libfuzzer.sh: $h ok after ${seconds} s: $stats"
	fi
done
exit $failed
