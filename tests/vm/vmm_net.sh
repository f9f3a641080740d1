#!/usr/bin/env bash
# The guest's virtio-net device in sdvf-vmm, over a tap in L1
# (docs/vmm.md): in one L1 boot, `sdvf-vmm --net tap:tap0` boots the nested
# guest with a virtio-mmio node in its DTB; the guest (sdvf.net: insmod
# virtio_mmio, failover, net_failover, virtio_net) brings eth0 up as
# 10.0.2.2/24 and serves UDP echo; L1 gives tap0 10.0.2.1/24, then
#   ping     100 ICMP echo round trips, zero loss;
#   udp      100 UDP echo round trips (tests/vm/udp_echo), zero loss, RTT
#            median printed;
#   big      10 pings of full-size frames (1514 bytes), zero loss;
#   quit     a "quit" datagram ends the guest's server: it powers off, the
#            VMM exits 0 and prints its virtio counters: frames both ways,
#            no protocol violation, nothing dropped;
#   poke     a second guest (sdvf.netpoke) writes garbage to the
#            virtio-mmio registers (read-only MagicValue, a byte-wide
#            Status, Status clearing bits, config space, QueueNum while
#            ready, a notification for queue 7): each counted exactly once
#            (violations=6), and 20 pings and UDP echoes still work;
#   fallback --no-eventfds: notifications by MMIO exit and the interrupt by
#            KVM_IRQ_LINE; 20 pings and UDP echoes, zero loss.
# Hard timeout for the L1 boot: SDVF_VM_BOOT_TIMEOUT (default 300 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/vm/lib_vm.sh
. tests/vm/lib_vm.sh
me=vmm_net
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD
limit=${SDVF_VM_BOOT_TIMEOUT:-300}

make -s image-aarch64 >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/add/payload"
cat >"$work/add/payload/run.sh" <<'PAYLOAD'
#!/bin/sh
boot() { # CASE COUNT EXTRA-BOOTARGS [VMM-OPTION]: one guest, COUNT round
	c=$1 # trips of each
	sdvf-vmm --kernel /images/Image --initrd /images/guest.cpio \
		--net tap:tap0 $4 \
		--append "console=ttyAMA0 rdinit=/init sdvf.net $3" \
		--console /tmp/$c.console --timeout 200 2>/tmp/$c.err &
	vmm=$!
	while ! ip link show tap0 >/dev/null 2>&1; do
		kill -0 $vmm 2>/dev/null || break
		sleep 0.1
	done
	# No IPv6 chatter from L1: a frame sent before the guest's driver is
	# up would be held, then dropped by the driver's reset (rx_dropped).
	echo 1 >/proc/sys/net/ipv6/conf/tap0/disable_ipv6
	ip addr add 10.0.2.1/24 dev tap0
	ip link set tap0 up
	while ! grep -q SDVF-GUEST-NET-UP /tmp/$c.console 2>/dev/null; do
		kill -0 $vmm 2>/dev/null || break
		sleep 0.2
	done
	ping -c $2 -i 0.05 -W 2 10.0.2.2 >/tmp/ping.out 2>&1
	echo "$c: ping exit=$?"
	sed "s/^/$c: ping: /" /tmp/ping.out | tail -n 3
	udp_echo ping 10.0.2.2 7777 $2 | sed "s/^/$c: /"
	# Full-size frames (1514 bytes: ICMP 1472 + 28 + 14) both ways.
	ping -c 10 -i 0.05 -s 1472 -W 2 10.0.2.2 >/tmp/big.out 2>&1
	sed "s/^/$c: big: /" /tmp/big.out | grep transmitted
	udp_echo quit 10.0.2.2 7777
	wait $vmm
	echo "$c: vmm exit=$?"
	sed "s/^/$c: /" /tmp/$c.err
	grep -E 'SDVF-GUEST|virtio|eth0' /tmp/$c.console | sed "s/^/$c: guest: /"
}
boot net 100 ""
boot poke 20 "iomem=relaxed sdvf.netpoke"
boot fallback 20 "" --no-eventfds
exit 0
PAYLOAD
vm_boot_payload
expect '^net: sdvf-vmm: virtio-net at 0xa000000 SPI 16 on tap tap0' \
	"the device is attached"
expect '^net: guest: SDVF-GUEST-NET-UP' "the guest brought eth0 up"
expect '^net: ping exit=0$' "ping: exit 0"
expect '^net: ping: 100 packets transmitted, 100 packets received, 0% packet loss' \
	"ping: 100 round trips, zero loss"
expect '^net: udp_echo: 100/100 replies, lost 0, rtt median' \
	"UDP echo: 100 round trips, zero loss"
expect '^net: big: 10 packets transmitted, 10 packets received, 0% packet loss' \
	"full-size frames (1514 bytes) both ways"
expect '^net: guest: SDVF-GUEST-ECHO-EXIT=0$' "the guest's server quit"
expect '^net: vmm exit=0$' "the guest powered off: VMM exit 0"
expect '^net: sdvf-vmm: virtio-net: rx_frames=[1-9][0-9][0-9]+ .* rx_dropped=0 rx_too_small=0 rx_bad_len=0 tx_frames=[1-9][0-9][0-9]+ .* tx_bad_chain=0 tx_bad_len=0 tx_send_failed=0 ' \
	"frames counted both ways, none dropped or refused"
expect '^net: sdvf-vmm: virtio: .* violations=0$' "no protocol violation"
expect '^net: sdvf-vmm: virtio-mmio: .*needs_reset=0 ' "no NEEDS_RESET"
# The hostile guest: six kinds of register garbage, each counted once, and
# the device still carries its traffic.
expect '^poke: guest: SDVF-GUEST-NETPOKE-DONE' "the guest poked the registers"
expect '^poke: sdvf-vmm: virtio-mmio: bad_width=1 bad_offset=1 bad_config=1 bad_status=1 features_refused=0 late_features=0 bad_queue_write=1 bad_notify=1 needs_reset=0 ' \
	"each bad register access counted once"
expect '^poke: sdvf-vmm: virtio: .* violations=6$' "six violations in all"
expect '^poke: ping: 20 packets transmitted, 20 packets received, 0% packet loss' \
	"hostile guest: ping still works"
expect '^poke: udp_echo: 20/20 replies, lost 0' "hostile guest: UDP echo works"
expect '^poke: vmm exit=0$' "hostile guest: VMM alive, clean power-off"
# Without ioeventfd and irqfd: notifications exit, KVM_IRQ_LINE follows
# InterruptStatus (a line left high would storm, one left low would lose).
expect '^fallback: sdvf-vmm: virtio-net at 0xa000000 SPI 16 on tap tap0: notify by MMIO exit, interrupt by KVM_IRQ_LINE' \
	"fallback: both fallbacks in use"
expect '^fallback: ping: 20 packets transmitted, 20 packets received, 0% packet loss' \
	"fallback: ping works"
expect '^fallback: udp_echo: 20/20 replies, lost 0' "fallback: UDP echo works"
expect '^fallback: sdvf-vmm: virtio: .* notify_ioeventfd=0 .* violations=0$' \
	"fallback: no ioeventfd used, no violation"
expect '^fallback: vmm exit=0$' "fallback: clean power-off"
if [ $failures -ne 0 ]; then
	grep -E '^(net|poke|fallback): ' "$work/cases.log" || tail -n 60 "$work/cases.log"
	exit 1
fi
grep -E '^net: (ping: round-trip|sdvf-vmm: virtio|udp_echo:)' "$work/cases.log"
median=$(sed -n 's/^net: udp_echo: .*rtt median \([0-9]*\) us.*/\1/p' \
	"$work/cases.log")
echo "vmm_net: UDP echo RTT median ${median} us (L1 <-> nested guest, TCG)"
echo "vmm_net: ok"
