#!/usr/bin/env bash
# A hostile guest attacks its virtio-net device while an honest guest beside
# it carries traffic (docs/vmm.md, "Hostile guests"; issue 12, attack 11).
# In one L1 boot, two sdvf-vmm, each over its own tap:
#   honest   a guest with sdvf.net on tap1 (10.0.4.2); L1 (10.0.4.1) pings
#            it and UDP-echoes through it in batches of 10 from before the
#            attack starts until after it ends: no UDP echo lost, nothing
#            dropped, no violation, no buffer leaked;
#   hostile  a guest with sdvf.attack on tap0 (10.0.3.2; L1 10.0.3.1 with
#            a UDP echo server on 7777 and a static neighbour entry) runs
#            tests/vm/guest_hostile: no virtio driver, its own rings via
#            /dev/mem, one attack after another, each followed by a reset
#            and a well-formed ARP exchange that must succeed; its VMM
#            survives (exit 0 at the guest's power-off) with each violation
#            counted exactly (below; the three notifications of queues 0
#            and 1 go through ioeventfd and are counted when the VMM's main
#            thread reads them: two may merge, one may find the device live
#            by then, so bad_notify is 2..5) and no buffer leaked.
# No reply is late enough to count as lost before 10 s (the host may be
# loaded: 100-380 s per L1 boot measured here, host load 12-25).
# Hard timeout for the L1 boot: SDVF_VM_BOOT_TIMEOUT (default 600 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/vm/lib_vm.sh
. tests/vm/lib_vm.sh
me=vmm_hostile
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD
limit=${SDVF_VM_BOOT_TIMEOUT:-600}

make -s image-aarch64 >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/add/payload"
cat >"$work/add/payload/run.sh" <<'PAYLOAD'
#!/bin/sh
# vmm NAME TAP MAC BOOTARGS: start a guest, configure L1's side of its tap.
vmm() {
	sdvf-vmm --kernel /images/Image --initrd /images/guest.cpio \
		--net tap:$2 --mac $3 \
		--append "console=ttyAMA0 rdinit=/init $4" \
		--console /tmp/$1.console --timeout 500 2>/tmp/$1.err &
	eval "${1}_pid=$!"
	while ! ip link show $2 >/dev/null 2>&1; do sleep 0.1; done
	echo 1 >/proc/sys/net/ipv6/conf/$2/disable_ipv6
}
vmm honest tap1 02:53:44:56:00:01 "sdvf.net sdvf.ip=10.0.4.2/24"
ip addr add 10.0.4.1/24 dev tap1
ip link set tap1 up
while ! grep -q SDVF-GUEST-NET-UP /tmp/honest.console 2>/dev/null; do
	kill -0 $honest_pid 2>/dev/null || break
	sleep 0.2
done
# Its round trips alone first, for comparison (not a pass condition).
udp_echo ping 10.0.4.2 7777 50 10 | sed 's/^/honest: before: /'
# The honest load: batches until the attack is over, each one complete.
(
	while [ ! -f /tmp/stop ]; do
		ping -c 10 -i 0.1 -W 10 10.0.4.2 2>&1 | grep transmitted
		udp_echo ping 10.0.4.2 7777 10 10 | grep replies
	done
) >/tmp/load.out 2>&1 &
load=$!
sleep 2
udp_echo serve 7777 >/tmp/l1echo.out 2>&1 &
vmm hostile tap0 02:53:44:56:00:09 "iomem=relaxed sdvf.attack"
ip addr add 10.0.3.1/24 dev tap0
ip link set tap0 up
ip neigh replace 10.0.3.2 lladdr 02:53:44:56:00:09 dev tap0 nud permanent
wait $hostile_pid
echo "hostile: vmm exit=$?"
touch /tmp/stop
wait $load
udp_echo quit 127.0.0.1 7777 >/dev/null
udp_echo quit 10.0.4.2 7777 >/dev/null
wait $honest_pid
echo "honest: vmm exit=$?"
sed 's/^/honest: load: /' /tmp/load.out
awk '/packets transmitted/ { b++; s += $1; r += $4 }
	/replies/ { split($2, a, "/"); us += a[2]; ur += a[1] }
	END { printf "honest: total: batches=%d ping %d/%d udp %d/%d\n",
		b, r, s, ur, us }' /tmp/load.out
sed -n 's/.*rtt median \([0-9]*\) us.*/\1/p' /tmp/load.out | sort -n |
	awk '{ m[NR] = $1 } END { printf "honest: during: UDP rtt median " \
		"of the batch medians %d us (%d batches)\n",
		m[int((NR + 1) / 2)], NR }'
echo "honest: L1 load: $(cat /proc/loadavg)"
sed 's/^/hostile: /' /tmp/hostile.err
grep -E 'HOSTILE|SDVF-GUEST' /tmp/hostile.console | sed 's/^/hostile: guest: /'
sed 's/^/honest: /' /tmp/honest.err
exit 0
PAYLOAD
vm_boot_payload
# The hostile guest: every attack reported, every transfer after it good.
expect '^hostile: guest: HOSTILE-DONE attacks=28 transfers=30 ' \
	"the hostile guest ran its attacks"
expect '^hostile: guest: SDVF-GUEST-ATTACK-EXIT=0$' \
	"a well-formed transfer worked after every attack"
if grep -q '^hostile: guest: HOSTILE .*FAILED' "$work/cases.log"; then
	echo "$me: FAIL: a transfer after an attack failed"
	failures=$((failures + 1))
fi
for a in loop long_chain bad_next bad_head below_ram past_ram \
	straddle_ram_end wrapping_addr huge_len avail_jump indirect_refused \
	indirect_nested indirect_next indirect_huge indirect_loop \
	rx_bad_order rx_straddle_ram_end; do
	expect "^hostile: guest: HOSTILE $a: needs_reset status=0x4f$" \
		"$a: the device asks for a reset"
done
for a in tx_bad_lengths tx_write_flag rx_readable rx_zero_len; do
	expect "^hostile: guest: HOSTILE $a: served status=0xf$" \
		"$a: bounced or dropped, the device stays live"
done
expect '^hostile: guest: HOSTILE renegotiate: transfer_ok_without_reset' \
	"renegotiation after DRIVER_OK refused, the device keeps working"
expect '^hostile: guest: HOSTILE merge_overflow: tx_used=1 rx_used=0 ' \
	"a merged frame takes at most num chains (test_virtio_hostile)"
# Its VMM: alive, each violation counted exactly, nothing leaked.
expect '^hostile: vmm exit=0$' "hostile: the VMM survived, exit 0"
expect '^hostile: sdvf-vmm: counters: .*bad_mmio=1 ' \
	"hostile: MMIO where no device is counted"
expect '^hostile: sdvf-vmm: virtio-mmio: bad_width=3 bad_offset=3 bad_config=2 bad_status=3 features_refused=3 late_features=2 bad_queue_write=6 bad_notify=[2-5] needs_reset=17 ' \
	"hostile: register and status violations counted exactly"
expect '^hostile: sdvf-vmm: virtq: avail_jump=1 bad_head=2 bad_addr=6 chain_too_long=3 bad_order=1 indirect=4 bad_setup=3$' \
	"hostile: descriptor violations counted exactly"
expect '^hostile: sdvf-vmm: virtio-net: .* rx_too_small=[1-9][0-9]* .* tx_bad_chain=1 tx_bad_len=3 tx_send_failed=0 ' \
	"hostile: bad chains bounced, frames for useless RX chains dropped"
expect '^hostile: sdvf-vmm: virtio: queue_violations=20 .* violations=4[5-8]$' \
	"hostile: 48 violations in all (45 if ioeventfd merged notifications)"
expect '^hostile: sdvf-vmm: buffers: .* tx_busy=0 leaked=0$' \
	"hostile: no buffer leaked"
# The honest guest: nothing lost, nothing refused, nothing leaked.
# UDP echo is the loss measure: each reply waited for up to 10 s and
# checked.  ICMP is load only: busybox ping counts a reply later than twice
# the largest RTT so far as lost (seen here under host load 12: 527/530
# while the guest's VMM had answered all 530).
expect '^honest: total: batches=([2-9]|[1-9][0-9]+) ping [0-9]+/[0-9]+ udp ([0-9]+)/\2$' \
	"honest: every UDP echo answered throughout"
if grep -qE '^honest: load: udp_echo: .*lost [1-9]' "$work/cases.log"; then
	echo "$me: FAIL: the honest guest lost a packet"
	failures=$((failures + 1))
fi
expect '^honest: vmm exit=0$' "honest: clean power-off"
# rx_dropped is not asserted: one run (host load 16) showed 9 frames
# dropped (tap_rx - rx_frames) while every measured round trip came back.
expect '^honest: sdvf-vmm: virtio-net: .* rx_too_small=0 rx_bad_len=0 .* tx_bad_chain=0 tx_bad_len=0 tx_send_failed=0 ' \
	"honest: nothing refused"
expect '^honest: sdvf-vmm: virtio: .* violations=0$' "honest: no violation"
expect '^honest: sdvf-vmm: buffers: .* leaked=0$' "honest: no buffer leaked"
if [ $failures -ne 0 ]; then
	grep -E '^(honest|hostile): ' "$work/cases.log" || tail -n 80 "$work/cases.log"
	exit 1
fi
grep -E '^hostile: guest: HOSTILE [a-z_]+: ' "$work/cases.log" |
	grep -v ': transfer ok$' || true
grep -E '^(hostile: guest: HOSTILE-DONE|honest: (total|before|during|L1 load|sdvf-vmm: virtio-net:)|hostile: sdvf-vmm: (virtio|virtq|buffers))' \
	"$work/cases.log"
echo "vmm_hostile: host load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "vmm_hostile: ok"
