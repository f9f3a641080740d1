#!/usr/bin/env bash
# `make bench-vm`: sdvf's VMM against Debian's QEMU with vhost-net, the
# same nested guest, in one L1 boot (issue 11 "Numbers", issue 10).
#
# L1 is the image variant with QEMU (`make image-aarch64-qemu`,
# build-aarch64-qemu/).  In it, a Linux bridge br0 (10.0.2.1/24, STP off,
# IPv6 off) and, SDVF_BENCH_VM_RUNS (5) times, interleaved (the order
# swaps every run), one guest boot under each VMM:
#   sdvf  sdvf-vmm --net tap:tap0 (virtio-mmio, ioeventfd + irqfd with
#         resample), tap0 joined to br0;
#   qemu  qemu-system-aarch64 -accel kvm -M virt,gic-version=3 -cpu host
#         with -netdev tap,vhost=on and virtio-net-device (virtio-mmio, as
#         ours), its tap qtap0 joined to br0;
# each: 1 vCPU, 256 MiB, the same Image, guest.cpio and command line
# (sdvf.net: the guest's eth0 is 10.0.2.2/24 with the same MAC under both,
# UDP echo on port 7777).  Per boot:
#   boot   L1's uptime from starting the VMM to SDVF-GUEST-UP on the
#          guest's console (polled every 50 ms), and the guest kernel's own
#          uptime at its /init;
#   w1     echo_peer load, window 1, SDVF_BENCH_VM_RTTS (200) datagrams of
#          64 and of 1472 bytes from L1: RTT median and p99;
#   w32    window 32, SDVF_BENCH_VM_COUNT (2000) datagrams: replies a
#          second;
#   kvm    KVM's exit counters (L1's debugfs, all vCPUs) around each w1
#          run: exits, MMIO exits to user space and handled in the kernel
#          (ioeventfd), WFI exits, per echo.
# Then tests/bench/bench_vm_report.py prints the medians with min/max and
# the ratios (> 1: sdvf better).  No speed threshold: exit 0 when every
# boot answered.
#
# The sdvf side is one function of the payload, `start_sdvf` (below): it
# starts whatever carries the guest and names, in `port`, the L1 interface
# that joins br0.  SDVF_BENCH_VM_SDVF selects it: `tap` (today) or
# `system`, which runs SDVF_BENCH_VM_SYSTEM, a command for L1's sh that
# starts the whole system (muxes, driver, the VMM as a client, the guest
# with its console in the file given as $1) and exits 0 once the guest
# powered off, and joins SDVF_BENCH_VM_PORT (the wire the system's ENET
# sends on) to br0; SDVF_BENCH_VM_ADD=DIR adds DIR's files to L1 (its
# system description, say; run-aarch64.sh -a).  Without
# SDVF_BENCH_VM_SYSTEM, `system` runs tests/bench/bench_vm_system.dts (the
# guest under the VMM PD, the muxes' only client, the ENET model's tap
# sdvfbv0 on br0) through tests/bench/bench_vm_system.sh.
# SDVF_BENCH_VM_BASELINE=PROGRAM puts another sdvf-vmm in QEMU's column
# (PROGRAM with the tap side's arguments, on tap qtap0; add it to L1 with
# SDVF_BENCH_VM_ADD): a before/after of a VMM change in one L1 boot.
# Hard timeout of the L1 boot: SDVF_BENCH_VM_TIMEOUT (1800 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD
runs=${SDVF_BENCH_VM_RUNS:-5}
rtts=${SDVF_BENCH_VM_RTTS:-200}
count=${SDVF_BENCH_VM_COUNT:-2000}
limit=${SDVF_BENCH_VM_TIMEOUT:-1800}
mode=${SDVF_BENCH_VM_SDVF:-tap}
baseline=${SDVF_BENCH_VM_BASELINE:-qemu}
system=${SDVF_BENCH_VM_SYSTEM:-}
sysport=${SDVF_BENCH_VM_PORT:-}
sysadd=${SDVF_BENCH_VM_ADD:-}
case $mode in
tap) ;;
system)
	# Without a system of the caller's: bench_vm_system.dts, the guest
	# under the VMM PD as the muxes' only client (added as /benchsys).
	if [ -z "$system" ]; then
		# shellcheck disable=SC2016 # $1 is the payload's sh -c argument
		system='/benchsys/bench_vm_system.sh "$1"'
		sysport=sdvfbv0
		sysadd=default
	fi
	if [ -z "$sysport" ]; then
		echo "bench_vm: SDVF_BENCH_VM_SYSTEM needs SDVF_BENCH_VM_PORT" >&2
		exit 2
	fi
	;;
*)
	echo "bench_vm: SDVF_BENCH_VM_SDVF=$mode: tap or system" >&2
	exit 2
	;;
esac

make -s image-aarch64-qemu >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/add/payload"
adds=(-a "$work/add")
if [ "$sysadd" = default ]; then
	mkdir -p "$work/add/benchsys"
	cp tests/bench/bench_vm_system.sh "$work/add/benchsys/"
	dtc -q -I dts -O dtb -E no-name_properties \
		-o "$work/add/benchsys/bench_vm_system.dtb" tests/bench/bench_vm_system.dts
elif [ -n "$sysadd" ]; then
	adds+=(-a "$sysadd")
fi
{
	echo "#!/bin/sh"
	echo "runs=$runs rtts=$rtts count=$count mode=$mode"
	printf 'baseline=%q\n' "$baseline"
	printf 'system=%q\nsysport=%q\n' "$system" "$sysport"
	cat <<'PAYLOAD'
append="console=ttyAMA0 rdinit=/init sdvf.net"
mac=02:53:44:56:00:01
mount -t debugfs none /sys/kernel/debug
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
brctl addbr br0
brctl stp br0 off
brctl setfd br0 0
ip addr add 10.0.2.1/24 dev br0
ip link set br0 up
echo "R vm $(qemu-system-aarch64 --version | head -n 1)"

# KVM's exit counters, summed over L1's vCPUs (one VM runs at a time).
kvm_stats="exits mmio_exit_user mmio_exit_kernel wfi_exit_stat wfe_exit_stat hvc_exit_stat signal_exits"
kvm_snap() {
	for s in $kvm_stats; do
		cat /sys/kernel/debug/kvm/$s 2>/dev/null || echo 0
	done | tr '\n' ' '
}
kvm_pairs() { # BEFORE AFTER -> NAME=BEFORE:AFTER...
	echo "$1 $2" | awk -v names="$kvm_stats" '{ n = split(names, k, " ")
		for (i = 1; i <= n; i++) printf "%s=%s:%s ", k[i], $i, $(i + n) }'
}
start_sdvf() { # CONSOLE
	if [ "$mode" = system ]; then
		sh -c "$system" system "$1" >/tmp/vmm.err 2>&1 &
		vm=$!
		port=$sysport
		return
	fi
	sdvf-vmm --kernel /images/Image --initrd /images/guest.cpio \
		--mem 256 --cpus 1 --net tap:tap0 --mac $mac \
		--append "$append" --console $1 --timeout 900 2>/tmp/vmm.err &
	vm=$!
	port=tap0
}
start_qemu() { # CONSOLE
	if [ "$baseline" != qemu ]; then
		$baseline --kernel /images/Image --initrd /images/guest.cpio \
			--mem 256 --cpus 1 --net tap:qtap0 --mac $mac \
			--append "$append" --console $1 --timeout 900 2>/tmp/vmm.err &
		vm=$!
		port=qtap0
		return
	fi
	qemu-system-aarch64 -accel kvm -M virt,gic-version=3 -cpu host \
		-smp 1 -m 256 -nodefaults -no-user-config -display none \
		-monitor none -serial file:$1 -no-reboot \
		-kernel /images/Image -initrd /images/guest.cpio \
		-append "$append" \
		-netdev tap,id=n0,ifname=qtap0,script=no,downscript=no,vhost=on \
		-device virtio-net-device,netdev=n0,mac=$mac 2>/tmp/vmm.err &
	vm=$!
	port=qtap0
}
alive() { kill -0 $vm 2>/dev/null; }
one() { # VMM RUN: one guest boot, its measurements as R lines
	v=$1
	con=/tmp/$v.$2.console
	ip neigh flush dev br0 >/dev/null 2>&1
	read t0 idle </proc/uptime
	start_$v $con
	while ! ip link show $port >/dev/null 2>&1 && alive; do sleep 0.05; done
	brctl addif br0 $port
	ip link set $port up
	while ! grep -q SDVF-GUEST-UP $con 2>/dev/null && alive; do
		sleep 0.05
	done
	read t1 idle </proc/uptime
	while ! grep -q SDVF-GUEST-NET-UP $con 2>/dev/null && alive; do
		sleep 0.1
	done
	up=$(sed -n 's/.*SDVF-GUEST-UP uptime=\([0-9.]*\).*/\1/p' $con)
	echo "R $v $2 boot $(awk -v a=$t0 -v b=$t1 'BEGIN { printf "%.2f", b - a }') guest_uptime ${up:-?}"
	# The server is up once one round trip answers (ARP first).
	n=0
	until udp_echo ping 10.0.2.2 7777 1 >/dev/null; do
		n=$((n + 1))
		[ $n -lt 15 ] && alive || break
	done
	[ "$v" = qemu ] && [ "$2" = 1 ] && [ "$baseline" = qemu ] &&
		echo "R vm vhost threads: $(ps | grep -c '\[vhost-')"
	for size in 64 1472; do
		k0=$(kvm_snap)
		res=$(echo_peer load 10.0.2.2 7777 $size 1 $rtts)
		k1=$(kvm_snap)
		echo "R $v $2 w1 $size $res kvm $(kvm_pairs "$k0" "$k1")"
		res=$(echo_peer load 10.0.2.2 7777 $size 32 $count)
		echo "R $v $2 w32 $size $res"
	done
	udp_echo quit 10.0.2.2 7777 >/dev/null
	wait $vm
	echo "R $v $2 exit $?"
	sed "s/^/R $v $2 log /" /tmp/vmm.err | grep -E 'virtio|irq|boot:|error|rror' | head -n 8
	grep -q SDVF-GUEST-ECHO-EXIT=0 $con || tail -n 20 $con | sed "s/^/R $v $2 console /"
}
r=1
while [ $r -le $runs ]; do
	if [ $((r % 2)) = 1 ]; then
		one sdvf $r
		one qemu $r
	else
		one qemu $r
		one sdvf $r
	fi
	r=$((r + 1))
done
exit 0
PAYLOAD
} >"$work/add/payload/run.sh"
chmod 755 "$work/add/payload/run.sh"

load0=$(cut -d' ' -f1-3 /proc/loadavg)
set +e
scripts/run-aarch64.sh -i build-aarch64-qemu -t "$limit" "${adds[@]}" \
	-l "$work/console.log" /payload/run.sh 2>"$work/run.err"
rc=$?
set -e
load1=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$work/run.err" >&2
tr -d '\r' <"$work/console.log" >"$work/cases.log"
if [ -n "${SDVF_BENCH_OUT:-}" ]; then
	cp "$work/cases.log" "$SDVF_BENCH_OUT/bench-vm.console.log"
fi
if [ $rc -ne 0 ]; then
	echo "bench_vm: L1 payload exit $rc; console tail:" >&2
	tail -n 40 "$work/cases.log" >&2
	exit 1
fi
python3 tests/bench/bench_vm_report.py "$work/cases.log" \
	"host $(nproc) CPUs, L1 under TCG (2 vCPUs, 2 GiB), load average $load0 before, $load1 after; $(head -n 1 "$work/run.err")" \
	"sdvf side: $mode" \
	"$([ "$baseline" = qemu ] || echo "the qemu column: $baseline --net tap:qtap0")"
