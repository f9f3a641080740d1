#!/bin/sh
# bench-vm's system side in L1 (SDVF_BENCH_VM_SDVF=system, the default
# SDVF_BENCH_VM_SYSTEM): `sdvf run` of bench_vm_system.dtb (the ENET model
# on tap sdvfbv0, driver, muxes, the guest under the VMM PD vm0) with the
# guest's console at $1, until vm0 ends (the guest powers off on the
# bench's `quit`); then SIGTERM to the system, and the exit status is vm0's.
# Its log (with the VMM PD's counters) goes to stdout.
con=$1
here=$(dirname "$0")
mkdir -p /tmp/stats
export SDVF_STATS_DIR=/tmp/stats
rm -f /tmp/bench-vm0.console
: >"$con"
ln -s "$con" /tmp/bench-vm0.console
sdvf run "$here/bench_vm_system.dtb" >/tmp/bench-sys.log 2>&1 &
run=$!
st=
while [ -z "$st" ] && kill -0 $run 2>/dev/null; do
	st=$(sed -n "s/.*pd 'vm0' (pid [0-9]*) exited with status \([0-9]*\)$/\1/p" \
		/tmp/bench-sys.log)
	[ -n "$st" ] || st=$(grep -q "pd 'vm0'.*killed" /tmp/bench-sys.log && echo 137)
	sleep 0.2
done
kill -TERM $run 2>/dev/null
wait $run
cat /tmp/bench-sys.log
exit "${st:-1}"
