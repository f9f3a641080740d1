#!/usr/bin/env bash
# sdvf-vmm boots a nested Linux guest inside the aarch64 L1 image
# (docs/vmm.md). One L1 boot runs four cases:
#   normal   the guest (Debian's arm64 Image + build-aarch64/guest.cpio)
#            reaches its /init, prints SDVF-GUEST-UP, powers off through
#            PSCI SYSTEM_OFF: the VMM exits 0, no bad access counted;
#   hostile  the guest writes and reads MMIO where no device is, writes
#            the PL011's read-only FR and PeriphID0, and runs an ldp there
#            that KVM cannot decode (guest_poke): each is counted
#            (bad_mmio=3, uart_ro_write=2) and logged, the ldp gets an
#            external abort (SIGBUS in the guest), and the guest still runs
#            to its clean power-off;
#   hang     a guest that never powers off is killed by --timeout 5 with a
#            clear message and exit status 124;
#   notimage a file that is not an arm64 Image is refused before any VM
#            exists (exit 1, the reason named);
#   smp      --cpus 2: the guest brings up both vCPUs (PSCI CPU_ON);
#   term     SIGTERM while the guest runs stops the VMM (exit 143, named).
# Prints the guest's boot time (its kernel's uptime at /init, and the
# VMM's wall time to power-off). Hard timeout for the L1 boot:
# SDVF_VM_BOOT_TIMEOUT (default 300 s; the run takes 60-130 s here,
# depending on the load).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/vm/lib_vm.sh
. tests/vm/lib_vm.sh
me=vmm_boot
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD
limit=${SDVF_VM_BOOT_TIMEOUT:-300}

make -s image-aarch64 >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/add/payload"
cat >"$work/add/payload/run.sh" <<'PAYLOAD'
#!/bin/sh
run() { # NAME VMM-ARGS...
	name=$1
	shift
	sdvf-vmm --initrd /images/guest.cpio --console /tmp/$name.console \
		"$@" 2>/tmp/$name.err
	echo "case $name: exit=$?"
	sed "s/^/case $name: /" /tmp/$name.err
	grep -E 'SDVF-GUEST|guest_poke' /tmp/$name.console | sed "s/^/case $name: /"
}
run normal --kernel /images/Image --timeout 60
run hostile --kernel /images/Image --timeout 60 \
	--append "console=ttyAMA0 rdinit=/init iomem=relaxed sdvf.hostile"
run hang --kernel /images/Image --timeout 5 \
	--append "console=ttyAMA0 rdinit=/init sdvf.hang"
run notimage --kernel /images/guest.cpio
run smp --kernel /images/Image --cpus 2 --timeout 60
# SIGTERM while the guest runs: a clean stop, not a kill.
sdvf-vmm --kernel /images/Image --initrd /images/guest.cpio \
	--append "console=ttyAMA0 rdinit=/init sdvf.hang" \
	--console /tmp/term.console --timeout 60 2>/tmp/term.err &
vmm=$!
while ! grep -q SDVF-GUEST-UP /tmp/term.console 2>/dev/null; do
	kill -0 $vmm 2>/dev/null || break
	sleep 0.2
done
kill -TERM $vmm
wait $vmm
echo "case term: exit=$?"
sed "s/^/case term: /" /tmp/term.err
exit 0
PAYLOAD
vm_boot_payload
expect '^case normal: exit=0$' "normal guest: VMM exit 0"
expect '^case normal: SDVF-GUEST-UP' "normal guest reached /init"
expect '^case normal: SDVF-GUEST-CPUS=1$' "one vCPU by default"
expect '^case normal: sdvf-vmm: guest powered off after' \
	"normal guest powered off"
expect '^case normal: sdvf-vmm: boot: vCPUs started at [0-9.]+s, first console byte at [0-9.]+s$' \
	"boot times reported"
expect '^case normal: .*bad_mmio=0 uart_ro_write=0 ' \
	"normal guest: no bad access"
expect '^case hostile: exit=0$' "hostile guest: VMM exit 0"
expect '^case hostile: SDVF-GUEST-HOSTILE-DONE' "hostile guest ran on"
expect '^case hostile: sdvf-vmm: guest MMIO write of 4 bytes at 0xc000000' \
	"stray write logged"
expect '^case hostile: sdvf-vmm: guest UART write of 4 bytes at offset 0x18 refused' \
	"read-only FR write logged"
expect '^case hostile: sdvf-vmm: guest UART write of 4 bytes at offset 0x18 refused' \
	"read-only FR write logged"
expect '^case hostile: sdvf-vmm: guest access at 0xc000000 that KVM cannot decode' \
	"undecodable ldp logged"
expect '^case hostile: SDVF-GUEST-POKE-EXIT=135$' \
	"the ldp got an external abort: SIGBUS in the guest"
expect '^case hostile: .*bad_mmio=3 uart_ro_write=2 ' \
	"hostile guest: 3 stray accesses, 2 read-only writes counted"
expect '^case hostile: sdvf-vmm: guest powered off after' \
	"hostile guest powered off"
expect '^case hang: exit=124$' "hung guest: exit 124"
expect '^case hang: sdvf-vmm: guest did not power off within 5s' \
	"hung guest: clear message"
expect '^case notimage: exit=1$' "not an Image: exit 1"
expect '^case notimage: sdvf-vmm: kernel: no ARM.x64 magic' \
	"not an Image: reason"
expect '^case smp: exit=0$' "two vCPUs: VMM exit 0"
expect '^case smp: SDVF-GUEST-CPUS=2$' "two vCPUs: the guest brought up both"
expect '^case term: exit=143$' "SIGTERM: exit 143"
expect '^case term: sdvf-vmm: stopped by signal 15 ' "SIGTERM: message"
if [ $failures -ne 0 ]; then
	grep '^case ' "$work/cases.log" || tail -n 40 "$work/cases.log"
	exit 1
fi
up=$(sed -n 's/^case normal: SDVF-GUEST-UP uptime=\([0-9.]*\).*/\1/p' \
	"$work/cases.log")
wall=$(sed -n 's/^case normal: sdvf-vmm: guest powered off after \([0-9.]*s\).*/\1/p' \
	"$work/cases.log")
early=$(sed -n 's/^case normal: sdvf-vmm: boot: //p' "$work/cases.log")
echo "vmm_boot: guest kernel reached /init at ${up}s of its uptime;" \
	"VMM start to power-off ${wall}; ${early}"
echo "vmm_boot: ok"
