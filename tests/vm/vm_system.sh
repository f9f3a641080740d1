#!/usr/bin/env bash
# A Linux guest under the VMM PD and a native lwIP echo client sharing the
# ENET model's NIC under DRR (examples/vm-echo.dts), in one L1 boot
# (docs/vmm.md, "The VMM as a PD"):
#   - L1's payload runs the whole system in a network namespace of its own
#     (busybox unshare -n): `sdvf run` starts the ENET model on a tap wire,
#     the driver, the muxes, the echo client (10.215.0.2) and the VMM PD
#     vm0; the namespace is the peer: the tap gets 10.215.0.1/24 and a UDP
#     echo server (tests/vm/udp_echo) on port 7777;
#   - the guest (this test's /init, appended to guest.cpio; its address is
#     static, 10.215.0.3/24, set by that /init) boots to userspace and
#     exchanges 1,000 pings and 1,000 UDP echo round trips with the native
#     client (local switching, switch-to) and 1,000 of each with the peer
#     namespace, zero loss each, then powers off: the VMM PD exits 0;
#   - `sdvf stats` shows vm0 as a client of the muxes with its frames and
#     the VM's own counters (vm.*), no violation;
#   - printed: the guest's boot time and the round-trip medians.
# Hard timeout for the L1 boot: SDVF_VM_BOOT_TIMEOUT (default 600 s; the
# guest's run must end 60 s before it, and fails earlier if its vCPUs use
# no CPU for 60 s: until_guest, docs/vmm.md "Tests");
# SDVF_VM_ROUNDS (default 1000) sets the round trips of each kind.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/vm/lib_vm.sh
. tests/vm/lib_vm.sh
me=vm_system
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD
limit=${SDVF_VM_BOOT_TIMEOUT:-600}
rounds=${SDVF_VM_ROUNDS:-1000}

make -s image-aarch64 >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/add/payload" "$work/guest/bin"
# The system: the example, with this test's guest initramfs and bootargs.
sed -e 's|initrd = "/images/guest.cpio";|initrd = "/tmp/vs-guest.cpio";|' \
	-e 's|bootargs = ".*";|bootargs = "console=ttyAMA0 rdinit=/init quiet";|' \
	examples/vm-echo.dts >"$work/add/payload/vm-system.dts"
grep -q vs-guest "$work/add/payload/vm-system.dts"
vm_dtb "$work/add/payload/vm-system.dts" "$work/add/payload/vm-system.dtb"

# The guest's /init (replaces guest.cpio's: a later archive wins).
vm_guest_init "$work/guest/init" 10.215.0.3/24
cat >>"$work/guest/init" <<GUEST
# One ping each first, not counted: both neighbours resolved (ARP) before
# the streams start.
ping -c 1 -W 10 10.215.0.2 >/dev/null 2>&1 || echo "SDVF-GUEST: no native"
ping -c 1 -W 10 10.215.0.1 >/dev/null 2>&1 || echo "SDVF-GUEST: no peer"
# $rounds pings and $rounds UDP echo round trips with each of the native
# client and the peer (one waits for each reply before the next; under TCG
# a round trip costs milliseconds).  The two UDP streams and the pings run
# at once, the pings one target after the other: every raw ICMP socket in
# the guest gets every echo reply, so two pings at once double what each
# must buffer while TCG stalls the guest.
( ping -c $rounds -i 0.01 -W 10 10.215.0.2 >/tmp/ping.native 2>&1
  echo "native: ping exit=\$?"
  ping -c $rounds -i 0.01 -W 10 10.215.0.1 >/tmp/ping.peer 2>&1
  echo "peer: ping exit=\$?" ) &
pp=\$!
udp_echo ping 10.215.0.2 1235 $rounds >/tmp/udp.native 2>&1 &
un=\$!
udp_echo ping 10.215.0.1 7777 $rounds >/tmp/udp.peer 2>&1 &
up=\$!
wait \$pp
wait \$un
echo "native: udp_echo exit=\$?"
wait \$up
echo "peer: udp_echo exit=\$?"
for who in native peer; do
	grep transmitted /tmp/ping.\$who | sed "s/^/\$who: ping: /"
	med=\$(sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' /tmp/ping.\$who |
		sort -n | sed -n "\$(($rounds / 2))p")
	echo "\$who: ping: rtt median \$med ms"
	sed "s/^/\$who: /" /tmp/udp.\$who
done
# Echo replies the guest's kernel took in (both pings' and the two
# resolving ones): a ping short of replies with this count whole lost
# them inside the guest, past sdvf.
awk '/^Icmp:/ { if (!h) { for (i = 1; i <= NF; i++) c[\$i] = i; h = 1 }
	else print "icmp: InEchoReps " \$c["InEchoReps"] }' /proc/net/snmp
echo "SDVF-GUEST-DONE"
sleep 10 # while L1 reads sdvf stats
poweroff -f
GUEST
vm_payload_files

cat >"$work/add/payload/run.sh" <<'PAYLOAD'
#!/bin/sh
. /payload/lib.sh
guest_initrd /tmp/vs-guest.cpio
exec unshare -n /payload/inner.sh
PAYLOAD
cat >"$work/add/payload/inner.sh" <<PAYLOAD
#!/bin/sh
deadline=$((limit - 60)) # of L1's uptime: a stall is reported in time
PAYLOAD
cat >>"$work/add/payload/inner.sh" <<'PAYLOAD'
# In L1's new network namespace: the system, its tap, the peer.  (L1's
# sysfs shows the first namespace's interfaces: the ENET model warns that
# it cannot count the tap's kernel drops.)
. /payload/lib.sh
me=peer
ip link set lo up
mkdir -p /tmp/stats
export SDVF_STATS_DIR=/tmp/stats
# Both logs go to L1's console as they grow: a hard timeout keeps them.
: >/tmp/sdvf.log
: >/tmp/vm0.console
tail -f /tmp/sdvf.log | sed 's/^/sdvf: /' &
tail -f /tmp/vm0.console | sed 's/^/guest: /' &
finish() { # both logs whole once more (the tails may lag), then the status
	sleep 1
	sed 's/^/sdvf: /' /tmp/sdvf.log
	sed 's/^/guest: /' /tmp/vm0.console
	exit $1
}
sdvf check /payload/vm-system.dtb || exit 1
sdvf run /payload/vm-system.dtb >/tmp/sdvf.log 2>&1 &
run=$!
if ! until_up $(($(uptime_s) + 60)) ip link show sdvfvm0; then
	echo "peer: no tap sdvfvm0"
	kill -TERM $run 2>/dev/null
	finish 1
fi
echo 1 >/proc/sys/net/ipv6/conf/sdvfvm0/disable_ipv6
ip addr add 10.215.0.1/24 dev sdvfvm0
ip link set sdvfvm0 up
udp_echo serve 7777 >/tmp/peer-echo.log 2>&1 &
echo "peer: ready"
# L1's clock: the guest has until $deadline s of L1's uptime, so a stall
# is reported (with vm0's counters) inside the hard timeout.
done_or_ended() { seen SDVF-GUEST-DONE /tmp/vm0.console || ended vm0; }
until_guest $((deadline - $(uptime_s))) vm0 done_or_ended
if ! seen SDVF-GUEST-DONE /tmp/vm0.console; then
	echo "peer: the guest did not finish (L1 uptime $(now))"
	diag /tmp/vm0.console
	sdvf stats --format=kv --pd vm0 2>&1 | grep -v ' rt\.wake_ns' |
		sed 's/^/kv: /'
	kill -TERM $run 2>/dev/null
	finish 1
fi
sdvf stats --client vm0 2>&1 | sed 's/^/stats: /'
# Where a frame could be lost on the way, for the record: every non-zero
# drop, miss or error counter of the NIC, the driver and the muxes.
sdvf stats --format=kv 2>&1 | grep -E ' net_(nic|driver|rx_mux|tx_mux) ' |
	grep -iE 'drop|miss|err|full|lost|overrun|reject' | grep -v ' 0$' |
	sed 's/^/kv: /'
sdvf stats --format=kv --pd vm0 2>&1 | sed 's/^/kv: /'
until_up $(($(uptime_s) + 30)) ended vm0
kill -TERM $run
wait $run
echo "sdvf exit=$?"
finish 0
PAYLOAD
chmod 755 "$work/add/payload/inner.sh"
vm_boot_payload
expect "^sdvf: \[vm0\] sdvf-vmm: virtio-net at 0xa000000 SPI 16 on the muxes \(net_client\): notify by ioeventfd, interrupt by irqfd \(edge\)" \
	"the VMM PD's device is on the muxes"
expect '^guest: SDVF-GUEST-UP uptime=' "the guest reached userspace"
expect '^guest: SDVF-GUEST-NET-UP' "the guest brought eth0 up"
for who in native peer; do
	expect "^guest: $who: ping exit=0\$" "$who: ping exit 0"
	expect "^guest: $who: ping: $rounds packets transmitted, $rounds packets received, 0% packet loss" \
		"$who: $rounds pings, zero loss"
	expect "^guest: $who: udp_echo: $rounds/$rounds replies, lost 0, rtt median" \
		"$who: $rounds UDP echo round trips, zero loss"
done
expect '^guest: SDVF-GUEST-DONE' "the guest finished its round trips"
expect "^sdvf: \[vm0\] guest powered off after" "the guest powered off"
expect "^sdvf: sdvf: pd 'vm0' \(pid [0-9]+\) exited with status 0\$" \
	"the VMM PD exited 0"
expect "^sdvf: \[vm0\] sdvf-vmm: virtio: .* violations=0\$" \
	"no protocol violation"
# Each round trip is a frame each way: at least 4 x rounds.
for k in rx_frames tx_frames; do
	n=$(sed -n "s/^kv: vm-echo vm0 vm.$k \([0-9]*\)$/\1/p" "$work/cases.log")
	if [ -z "$n" ] || [ "$n" -lt $((4 * rounds)) ]; then
		echo "$me: FAIL: sdvf stats: vm.$k '$n', want >= $((4 * rounds))"
		failures=$((failures + 1))
	fi
done
expect '^kv: vm-echo vm0 vm.violations 0$' "sdvf stats: no violation"
expect '^kv: vm-echo vm0 net.rx_bad 0$' "sdvf stats: net_client refused nothing"
expect '^stats: .*vm0' "sdvf stats: vm0 is a client of the muxes"
if [ $failures -ne 0 ]; then
	grep -E '^(sdvf|guest|peer): ' "$work/cases.log" | tail -n 60 ||
		tail -n 60 "$work/cases.log"
	grep -E '^(stats: |kv: vm-echo net_)' "$work/cases.log"
	grep -E "^diag: " "$work/cases.log" || true
	exit 1
fi
grep -E '^(stats|guest: (native|peer|icmp)): ' "$work/cases.log" | sort -u
boot=$(sed -n 's/^guest: SDVF-GUEST-UP uptime=\([0-9.]*\).*/\1/p' \
	"$work/cases.log" | head -n 1)
echo "vm_system: guest at userspace after ${boot} s of its uptime (TCG, nested)"
for who in native peer; do
	p=$(sed -n "s/^guest: $who: ping: rtt median \([0-9.]*\) ms/\1/p" \
		"$work/cases.log" | head -n 1)
	u=$(sed -n "s/^guest: $who: udp_echo: .*rtt median \([0-9]*\) us.*/\1/p" \
		"$work/cases.log" | head -n 1)
	echo "vm_system: guest <-> $who: ping median ${p} ms, UDP echo median ${u} us"
done
echo "vm_system: ok"
