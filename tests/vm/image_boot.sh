#!/usr/bin/env bash
# The aarch64 system image boots (docs/vmm.md): under qemu-system-aarch64
# with virtualisation on, L1 reaches its /init, the network modules load,
# /dev/kvm exists and our aarch64 kvm_probe gets API version 12 with irqfd,
# ioeventfd and PSCI 0.2; the dynamically linked sdvf runs (its loader and
# shared libraries are in the image); a file the test adds reaches L1 and the payload's
# exit status comes back (a payload that exits 3 makes run-aarch64.sh exit
# 3).  Prints the boot time.  Builds the image first (`make image-aarch64`:
# cached, no network after the first run).  Hard timeout per boot:
# SDVF_VM_BOOT_TIMEOUT (default 60 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD
limit=${SDVF_VM_BOOT_TIMEOUT:-60}

make -s image-aarch64 >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/add/payload"
cat >"$work/add/payload/run.sh" <<'PAYLOAD'
#!/bin/sh
for m in virtio_mmio failover net_failover virtio_net tun; do
	grep -q "^$m " /proc/modules || { echo "image_boot: $m not loaded"; exit 1; }
done
[ -c /dev/kvm ] || { echo "image_boot: no /dev/kvm"; exit 1; }
kvm_probe || exit 1
# sdvf is dynamic (Debian's arm64 liblwip is a shared object only): the
# image carries its loader and libraries
sdvf --help >/dev/null || { echo "image_boot: sdvf does not run"; exit 1; }
echo "image_boot: sdvf runs"
echo "image_boot: marker $(cat /payload/marker)"
exit 3
PAYLOAD
chmod 755 "$work/add/payload/run.sh"
echo "sdvf-$$" >"$work/add/payload/marker"

set +e
scripts/run-aarch64.sh -t "$limit" -a "$work/add" -l "$work/console.log" \
	/payload/run.sh 2>"$work/run.err"
rc=$?
cat "$work/run.err"
set -e
fail() {
	echo "image_boot: FAIL: $*"
	tail -n 30 "$work/console.log"
	exit 1
}
[ $rc -eq 3 ] || fail "payload exit status $rc, want 3 (its own exit)"
grep -q "kvm_probe: ok api=12" "$work/console.log" || fail "kvm_probe not ok"
grep -q "image_boot: sdvf runs" "$work/console.log" ||
	fail "the dynamic aarch64 sdvf did not run in L1"
grep -q "image_boot: marker sdvf-$$" "$work/console.log" ||
	fail "the added file did not reach L1"
grep -q "SDVF-L1: insmod" "$work/console.log" && fail "a module failed to load"
grep "kvm_probe:" "$work/console.log" | tr -d '\r'
echo "image_boot: ok"
