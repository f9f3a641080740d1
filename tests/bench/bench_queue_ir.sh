#!/usr/bin/env bash
# Instructions per descriptor for push+pop of the sdvf queue and of DPDK's
# rte_ring, single thread, counted by callgrind over bench_queue's ir_loop
# only (start-up and set-up are not collected).  Callgrind counts are exact
# and repeatable, unlike timings on a shared machine.
#   usage: bench_queue_ir.sh BENCH_QUEUE_BINARY
# SDVF_BENCH_IR_ELEMS (default 1000000) sets descriptors per measurement.
set -eu
bin=${1:?usage: bench_queue_ir.sh BENCH_QUEUE_BINARY}
if ! command -v valgrind >/dev/null; then
	echo "bench_queue_ir: valgrind not installed; skipping" >&2
	exit 0
fi
elems=${SDVF_BENCH_IR_ELEMS:-1000000}
out=$(mktemp -d /tmp/sdvf-bench-ir.XXXXXX)
trap 'rm -rf "$out"' EXIT

# Prints the Ir total of a callgrind output file.
ir_total() {
	awk '/^(totals|summary):/ { print $2; exit }' "$1"
}

printf '\ncallgrind: instructions per descriptor, push+pop on one thread '
printf '(%s descriptors, fill and sum included)\n' "$elems"
printf '%-6s %10s %10s %10s\n' batch sdvf dpdk sdvf/dpdk
for batch in 1 32; do
	declare -A per=()
	for ring in sdvf dpdk; do
		f=$out/$ring.$batch
		SDVF_BENCH_IR_ELEMS=$elems valgrind --tool=callgrind \
			--toggle-collect=ir_loop --callgrind-out-file="$f" \
			"$bin" --ir "$ring" "$batch" >"$f.log" 2>&1 || {
			echo "bench_queue_ir: $ring batch $batch failed:" >&2
			cat "$f.log" >&2
			exit 1
		}
		total=$(ir_total "$f")
		n=$(awk '/^ir / { print $6 }' "$f.log")
		per[$ring]=$(awk -v t="$total" -v n="$n" 'BEGIN { printf "%.2f", t / n }')
	done
	ratio=$(awk -v a="${per[sdvf]}" -v b="${per[dpdk]}" 'BEGIN { printf "%.2f", a / b }')
	printf '%-6s %10s %10s %9sx\n' "$batch" "${per[sdvf]}" "${per[dpdk]}" "$ratio"
done
