#!/bin/bash
# The VM stage of `make demo`: a Linux guest sharing the NIC with native
# clients.  x86's /dev/kvm cannot boot Linux here, so the stage runs inside
# the aarch64 image under QEMU (docs/vmm.md), in one L1 boot:
# examples/demo-vm.dts (the ENET model on a tap, the driver, the muxes
# under weighted DRR, the lwIP clients `echo` and `web`, and guest vm0
# under the VMM PD), the tap in a network namespace of L1's as the peer,
# which then
#   - pings each of the three clients (20 pings, none lost);
#   - UDP-echoes 50 round trips with `echo` (port 1235) and with the guest
#     (port 7777), none lost (each reply waited for up to 10 s: TCG);
#   - fetches web's /stats.json (busybox wget), which lists vm0;
# while the guest pings `echo` and `web` (10 each, none lost) through the
# muxes' local switching (the TX mux's switched-frame count shows it);
# then the guest powers off on a "quit" datagram (its VMM PD exits 0, no
# guest protocol violation) and SIGTERM stops the system (no PD
# restarted).  Then the client table of `sdvf stats` with the guest as a
# client, the guest's own counters and its boot time, and PASS/FAIL per
# check.  Exit 0 only if every check passed.
#
#   DEMO_VM=0      skip the stage (says so; exit 0)
#   DEMO_VM_TIMEOUT  the L1 boot's hard timeout (default 300 s)
# Builds the image first (make image-aarch64: qemu-system-arm and the
# arm64 packages, fetched by name once and cached; root for apt-get the
# first time).  Everything it runs stays inside L1.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD
# shellcheck source=tests/vm/lib_vm.sh
. tests/vm/lib_vm.sh

say() { printf '%s\n' "$*"; }
if [ "${DEMO_VM:-1}" = 0 ]; then
	say "== VM stage: skipped (DEMO_VM=0)"
	exit 0
fi
limit=${DEMO_VM_TIMEOUT:-300}
[[ $limit =~ ^[1-9][0-9]*$ ]] || {
	say "demo-vm: DEMO_VM_TIMEOUT '$limit': want whole seconds" >&2
	exit 2
}
say "== VM stage: a Linux guest beside two native clients, inside the aarch64 image (QEMU, TCG; DEMO_VM=0 skips it)"
for tool in dtc python3; do
	command -v "$tool" >/dev/null || {
		say "  FAIL  the VM stage: $tool not installed (run make deps)"
		exit 1
	}
done
work=$(mktemp -d /tmp/sdvf-demo-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
say "== building the aarch64 image (make image-aarch64; the first run downloads the arm64 packages)"
if ! make -s image-aarch64 >"$work/image.log" 2>&1; then
	sed 's/^/  | /' "$work/image.log" | tail -n 20
	say "  FAIL  the aarch64 image (make image-aarch64); DEMO_VM=0 skips the VM stage"
	say "demo-vm: 1 of 1 checks FAILED"
	exit 1
fi

mkdir -p "$work/add/payload" "$work/guest"
# The example, with the guest initramfs that holds this stage's /init.
sed 's|initrd = "/images/guest.cpio";|initrd = "/tmp/dv-guest.cpio";|' \
	examples/demo-vm.dts >"$work/demo-vm.dts"
vm_dtb "$work/demo-vm.dts" "$work/add/payload/demo-vm.dtb"
# The guest's /init (after guest.cpio's, so it wins): eth0 up, 10 pings to
# each native client (local switching), then UDP echo on 7777 until quit.
vm_guest_init "$work/guest/init" 10.218.0.4/24
cat >>"$work/guest/init" <<'GUEST'
for who in echo:10.218.0.2 web:10.218.0.3; do
	ping -c 10 -i 0.2 -W 5 ${who#*:} >/tmp/ping 2>&1
	echo "guest-ping ${who%%:*}: $(grep transmitted /tmp/ping)"
done
udp_echo serve 7777 >/dev/null
poweroff -f
GUEST
vm_payload_files

cat >"$work/add/payload/run.sh" <<'PAYLOAD'
#!/bin/sh
. /payload/lib.sh
guest_initrd /tmp/dv-guest.cpio
exec unshare -n /payload/inner.sh
PAYLOAD
cat >"$work/add/payload/inner.sh" <<PAYLOAD
#!/bin/sh
deadline=$((limit - 40)) # of L1's uptime: a stall is reported in time
PAYLOAD
cat >>"$work/add/payload/inner.sh" <<'PAYLOAD'
. /payload/lib.sh
# Every line for the host starts with "DEMO| ".
me="DEMO| demo-vm"
say() { echo "DEMO| $*"; }
failed=0
n=0
check() { # STATUS NAME [DETAIL]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		say "  PASS  $2${3:+: $3}"
	else
		say "  FAIL  $2${3:+: $3}"
		failed=$((failed + 1))
	fi
}
# wait_for COMMAND...: until it succeeds (0), or the deadline or the
# system's end (1).
wait_for() { until_up $deadline "$@"; }
ip link set lo up
mkdir -p /tmp/stats
export SDVF_STATS_DIR=/tmp/stats
sdvf run /payload/demo-vm.dtb >/tmp/sdvf.log 2>&1 &
run=$!
wait_for ip link show sdvfdvm0
check $? "sdvf run examples/demo-vm.dts in L1 (tap sdvfdvm0 up)"
echo 1 >/proc/sys/net/ipv6/conf/sdvfdvm0/disable_ipv6
ip addr add 10.218.0.1/24 dev sdvfdvm0
ip link set sdvfdvm0 up
grep '^sdvf: net client ' /tmp/sdvf.log | sed 's/^sdvf: /  /' |
	while read -r l; do say "$l"; done
wait_for grep -q SDVF-GUEST-NET-UP /tmp/vm0.console
check $? "guest vm0 booted and brought eth0 up" \
	"at $(sed -n 's/^SDVF-GUEST-UP uptime=//p' /tmp/vm0.console) s of its uptime"

say "== from the namespace (10.218.0.1):"
for who in echo:10.218.0.2 web:10.218.0.3 vm0:10.218.0.4; do
	ping -c 20 -i 0.1 -W 5 ${who#*:} >/tmp/ping.${who%%:*} 2>&1 &&
		grep -q ' 0% packet loss' /tmp/ping.${who%%:*}
	check $? "ping ${who%%:*} (${who#*:})" \
		"$(grep -o '[0-9]* packets received' /tmp/ping.${who%%:*}) of 20, $(sed -n 's/.*= [0-9.]*\/\([0-9.]*\)\/.*/avg \1 ms/p' /tmp/ping.${who%%:*})"
done
for who in echo:10.218.0.2:1235 vm0:10.218.0.4:7777; do
	ip=${who#*:}
	udp_echo ping ${ip%:*} ${ip#*:} 50 10 >/tmp/udp 2>&1
	check $? "UDP echo with ${who%%:*} (${ip})" "$(sed 's/^udp_echo: //' /tmp/udp)"
done
wget -q -O /tmp/stats.json http://10.218.0.3/stats.json &&
	grep -q '"vm0"' /tmp/stats.json
check $? "web's /stats.json lists the guest" "$(wc -c </tmp/stats.json) bytes"
wait_for grep -q '^guest-ping web:' /tmp/vm0.console
for who in echo web; do
	grep -q "^guest-ping $who: 10 packets transmitted, 10 packets received" \
		/tmp/vm0.console
	check $? "the guest pings $who (local switching)" \
		"$(sed -n "s/^guest-ping $who: //p" /tmp/vm0.console)"
done
snap switched
sw=$(kv switched net_tx_mux c2.sw_out)
[ "${sw:-0}" -ge 20 ]
check $? "the guest's frames to the native clients never left the NIC" "TX mux c2.sw_out=${sw:-?}"

udp_echo quit 10.218.0.4 7777 >/dev/null 2>&1
wait_for grep -qE "pd 'vm0'.*(exited|killed)" /tmp/sdvf.log
grep -q "pd 'vm0' (pid [0-9]*) exited with status 0" /tmp/sdvf.log &&
	grep -q 'sdvf-vmm: virtio: .* violations=0' /tmp/sdvf.log
check $? "the guest powers off on quit" "$(grep -o "pd 'vm0'.*exited with status [0-9]*" /tmp/sdvf.log)"

say ""
say "== summary: the clients as sdvf stats shows them (vm0 is the guest)"
sdvf stats demo-vm >/tmp/table 2>&1
sed -n '/^  CLIENT /,/^  MUX /p' /tmp/table | grep -v '^  MUX ' |
	while read -r l; do say "  $l"; done
snap summary
say "  vm0 (the guest): at userspace after $(sed -n 's/^SDVF-GUEST-UP uptime=//p' /tmp/vm0.console) s of its uptime, its first console byte $(kv summary vm0 vm.boot_ms) ms after its VMM started; vm.rx_frames $(kv summary vm0 vm.rx_frames), vm.tx_frames $(kv summary vm0 vm.tx_frames), vm.irqs $(kv summary vm0 vm.irqs), vm.violations $(kv summary vm0 vm.violations)"
kill -TERM $run
wait $run
rc=$?
restarted=$(awk '/^  PD +PID/ { t = 1; next } t && NF >= 6 && $5 != 0 { print $1 }' /tmp/sdvf.log)
[ $rc -eq 0 ] && [ -z "$restarted" ]
check $? "SIGTERM stops the system cleanly" "exit $rc${restarted:+, restarted: $restarted}"
if [ $failed -ne 0 ]; then
	sed 's/^/DEMO| sdvf: /' /tmp/sdvf.log | tail -n 30
	sed 's/^/DEMO| guest: /' /tmp/vm0.console | tail -n 20
	say "demo-vm: $failed of $n checks FAILED"
	exit 1
fi
say "demo-vm: all $n checks passed"
PAYLOAD
chmod 755 "$work/add/payload/inner.sh" "$work/add/payload/run.sh"

say "== booting L1 (hard timeout ${limit} s); the stage's lines follow when it ends"
start=$(date +%s)
scripts/run-aarch64.sh -t "$limit" -a "$work/add" -l "$work/console.log" \
	/payload/run.sh 2>"$work/run.err"
rc=$?
tr -d '\r' <"$work/console.log" | sed -n 's/^DEMO| //p'
say "== VM stage: $(($(date +%s) - start)) s (L1 boot, guest boot and checks, under TCG)"
case $rc in
0) ;;
124) say "  FAIL  the VM stage did not finish inside ${limit} s (DEMO_VM_TIMEOUT)" ;;
*) grep -q '^demo-vm: ' <(tr -d '\r' <"$work/console.log") ||
	say "  FAIL  the VM stage: L1 payload exit $rc ($(tail -n 1 "$work/run.err"))" ;;
esac
exit $((rc != 0))
