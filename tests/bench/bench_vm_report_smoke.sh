#!/usr/bin/env bash
# bench-vm's arithmetic without a VM (make bench-vm boots L1 for minutes;
# this checks in a second what it prints from what the payload reported):
# a console log of two boots under each VMM, as tests/bench/bench_vm.sh's
# payload prints it, through tests/bench/bench_vm_report.py:
#   medians with min and max, the ratio > 1 when sdvf is better (a rate:
#   sdvf/qemu; an RTT or an exit count: qemu/sdvf), KVM exits per echo
#   from the counters around each w1 run, lost datagrams summed;
#   then tests/bench/bench_summary.py reads that table into the row "VM
#   echo vs QEMU vhost-net (goal >= 1.0x)" with the worst of the four
#   echo ratios;
#   a boot whose VMM did not exit 0, or a run with no reply: exit 1, named.
set -euo pipefail
cd "$(dirname "$0")/../.."
me=bench_vm_report_smoke
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
	echo "$me: FAIL: $1"
	failures=$((failures + 1))
}
# load VMM RUN W SIZE PPS RTT P99 [KVM...]: one echo_peer line
load() {
	echo "R $1 $2 $3 $4 sent 100 received 100 lost 0 bad 0 seconds 1.0" \
		"pps $5 rtt_median_us $6 rtt_p99_us $7${8:+ kvm $8}"
}
# 1000 exits in 100 echoes: 500 MMIO to user space, 100 in the kernel,
# 200 WFI, 10 WFE, 0 HVC, 40 signals: 150 left for irq_other.
kvm="exits=7:1007 mmio_exit_user=0:500 mmio_exit_kernel=50:150 wfi_exit_stat=0:200"
kvm="$kvm wfe_exit_stat=0:10 hvc_exit_stat=3:3 signal_exits=0:40"
boot() { # VMM RUN BOOT_S RTT64 RATE64 RTT1472 RATE1472
	echo "R $1 $2 boot $3 guest_uptime 4.00"
	load "$1" "$2" w1 64 10 "$4" $(($4 * 2)) "$kvm"
	load "$1" "$2" w32 64 "$5" 9000 9999
	load "$1" "$2" w1 1472 10 "$6" $(($6 * 2)) "$kvm"
	load "$1" "$2" w32 1472 "$7" 9000 9999
	echo "R $1 $2 exit 0"
}
{
	echo "R vm QEMU emulator version 7.2.0"
	boot sdvf 1 10.00 2000 400 3000 300
	boot qemu 1 20.00 1000 500 1000 600
	boot qemu 2 30.00 3000 700 2000 600
	boot sdvf 2 12.00 4000 600 5000 300
} >"$work/ok.log"
python3 tests/bench/bench_vm_report.py "$work/ok.log" "a header" \
	>"$work/ok.txt" || fail "a clean log: exit $?"
row() { # METRIC BYTES EXPECTED-REST: the table's line, columns squeezed
	got=$(awk -v m="$1" -v b="$2" '$1 == m && $2 == b' "$work/ok.txt" |
		tr -s ' ')
	[ "$got" = "$1 $2 $3" ] || fail "$1 $2: '$got', want '$1 $2 $3'"
}
row boot_to_init_s - "11.00 [10.00..12.00] 25.00 [20.00..30.00] 2.27x"
row w1_rtt_median_us 64 "3000 [2000..4000] 2000 [1000..3000] 0.67x"
row w1_rtt_p99_us 64 "6000 [4000..8000] 4000 [2000..6000] 0.67x"
row w32_rate_pps 64 "500 [400..600] 600 [500..700] 0.83x"
row w1_rtt_median_us 1472 "4000 [3000..5000] 1500 [1000..2000] 0.38x"
row w32_rate_pps 1472 "300 [300..300] 600 [600..600] 0.50x"
row exits/echo 64 "10.00 [10.00..10.00] 10.00 [10.00..10.00] 1.00x"
row mmio_exit_user/echo 64 "5.00 [5.00..5.00] 5.00 [5.00..5.00] 1.00x"
row mmio_exit_kernel/echo 1472 "1.00 [1.00..1.00] 1.00 [1.00..1.00] 1.00x"
row wfi_exit_stat/echo 64 "2.00 [2.00..2.00] 2.00 [2.00..2.00] 1.00x"
row irq_other/echo 1472 "1.50 [1.50..1.50] 1.50 [1.50..1.50] 1.00x"
grep -q '^lost datagrams, all runs: sdvf 0, qemu 0$' "$work/ok.txt" ||
	fail "lost datagrams line"
grep -q '2 + 2 guest boots' "$work/ok.txt" || fail "boots counted"
grep -q '^  QEMU emulator version 7.2.0$' "$work/ok.txt" ||
	fail "QEMU's version shown"

# The summary row: the worst of w1 RTT and w32 rate at both sizes.
mkdir -p "$work/suite"
cp "$work/ok.txt" "$work/suite/bench-vm.txt"
echo "bench-vm 0 100" >"$work/suite/suite.txt"
python3 tests/bench/bench_summary.py --out "$work/suite" >"$work/sum.txt"
grep -qE '^VM echo vs QEMU vhost-net \(goal >= 1.0x\) +>= 1.00x +worst: w1 1472 B 4000 vs 1500 +0.38  NOT met$' \
	"$work/sum.txt" || fail "summary row: $(grep 'VM echo' "$work/sum.txt")"
grep -qE '^VM guest boot to userspace vs QEMU +beside +11.0 vs 25.0 s +2.27  info$' \
	"$work/sum.txt" || fail "boot row: $(grep 'VM guest' "$work/sum.txt")"

# A suite without bench-vm (make bench without BENCH_VM=1): both rows
# "skipped", the output an earlier run left unread, and how to run it said.
echo "bench-queue 0 10" >"$work/suite/suite.txt"
python3 tests/bench/bench_summary.py --out "$work/suite" >"$work/skip.txt"
grep -qE '^VM echo vs QEMU vhost-net \(goal >= 1.0x\) +>= 1.00x +skipped: BENCH_VM=1 +-  skipped$' \
	"$work/skip.txt" || fail "skipped row: $(grep 'VM echo' "$work/skip.txt")"
grep -qE '^VM guest boot to userspace vs QEMU +beside +skipped: BENCH_VM=1 +-  skipped$' \
	"$work/skip.txt" || fail "skipped boot row: $(grep 'VM guest' "$work/skip.txt")"
grep -qx 'bench-vm skipped (an L1 boot, 10-25 min): make bench BENCH_VM=1, or make bench-vm alone' \
	"$work/skip.txt" || fail "no line saying how to run bench-vm"

# Failures are named: a VMM exit 1, a run with no reply.
sed 's/^R qemu 2 exit 0$/R qemu 2 exit 1/' "$work/ok.log" >"$work/exit.log"
if python3 tests/bench/bench_vm_report.py "$work/exit.log" >"$work/exit.txt"; then
	fail "a VMM exit 1 passed"
fi
grep -q '^bench-vm: FAILED: R qemu 2 exit 1$' "$work/exit.txt" ||
	fail "the VMM's exit named"
sed 's/^\(R sdvf 2 w32 64 sent 100\) received 100/\1 received 0/' \
	"$work/ok.log" >"$work/none.log"
if python3 tests/bench/bench_vm_report.py "$work/none.log" >"$work/none.txt"; then
	fail "a run with no reply passed"
fi
grep -q '^bench-vm: FAILED: R sdvf 2 w32 64 sent 100 received 0' \
	"$work/none.txt" || fail "the silent run named"
grep -q '^lost datagrams, all runs: sdvf 100, qemu 0$' "$work/none.txt" ||
	fail "its losses counted"

if [ $failures -ne 0 ]; then
	cat "$work/ok.txt"
	exit 1
fi
echo "$me: ok"
