#!/usr/bin/env bash
# imx7_enet: the unchanged ENET driver on QEMU's emulated i.MX7 ENET
# (qemu-system-arm -M mcimx7d-sabre), not on our model: docs/enet.md,
# "Hardware validation: QEMU i.MX7".
#
# Boots the armhf image (make image-imx7: Debian's armmp kernel, ENET1
# handed to uio_pdrv_genirq) with ENET1 on a -netdev dgram backend to a
# host UDP port, runs tests/vm/imx7_enet.dts in the guest (enet_uio, the
# driver, the muxes, two raw_responder clients; registers and DMA window
# through UIO), and from the host (tests/vm/imx7_peer.c) checks ARP to both
# clients and $SDVF_IMX7_ECHOES (1000) UDP echoes, each answer the exact
# frame expected.  Then, from the guest's counters: the driver received
# exactly the frames and bytes the host sent (the FCS QEMU appends is not
# counted), sent exactly what the host received, took interrupts through
# UIO (the kernel's count, enet_uio's and the driver's activations), saw
# no bus error (EBERR), and every buffer is home at rest.  Hard timeout
# SDVF_IMX7_TIMEOUT (150 s) on the boot; the image is cached in build-imx7;
# SDVF_IMX7_LOG=FILE keeps the guest's console.
set -euo pipefail
cd "$(dirname "$0")/../.."
me=imx7_enet
unset MAKEFLAGS MFLAGS MAKELEVEL
build=${BUILD:-build}
limit=${SDVF_IMX7_TIMEOUT:-150}
echoes=${SDVF_IMX7_ECHOES:-1000}
image=build-imx7
peer=$build/tests/vm/imx7_peer

make -s -j2 image-imx7 >/dev/null
make -s -j2 "BUILD=$build" "$peer" >/dev/null

work=$(mktemp -d /tmp/sdvf-imx7.XXXXXX)
qemu_pid=
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() {
	echo "$me: FAIL: $*"
	failures=$((failures + 1))
}

read -r host_port qemu_port < <(python3 -c '
import socket
s = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
for x in s:
    x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')

mkdir -p "$work/add/payload"
dtc -q -I dts -O dtb -o "$work/add/payload/imx7_enet.dtb" tests/vm/imx7_enet.dts
cat >"$work/add/payload/run.sh" <<PAYLOAD
#!/bin/sh
# In the guest: run the system until both clients answered $echoes UDP
# echoes (or 100 s), print its counters as SDVF-KV lines, stop it.
export SDVF_STATS_DIR=/tmp
sdvf run /payload/imx7_enet.dtb --duration 600 >/tmp/run.log 2>&1 &
pid=\$!
i=0
while [ \$i -lt 200 ] && kill -0 \$pid 2>/dev/null; do
	sdvf stats --format=kv imx7_enet >/tmp/kv 2>/dev/null
	n=\$(awk '\$2 ~ /^resp_[ab]\$/ && \$3 == "udp_replies" { s += \$4 } END { print s + 0 }' /tmp/kv)
	[ "\$n" -ge $echoes ] && break
	sleep 0.5
	i=\$((i + 1))
done
sleep 1
sdvf stats --format=kv imx7_enet | sed 's/^/SDVF-KV /'
grep -i 'ethernet\|uio' /proc/interrupts | sed 's/^/SDVF-IRQ /'
kill -INT \$pid
wait \$pid
echo "SDVF-RUN-EXIT=\$?"
sed 's/^/SDVF-RUNLOG /' /tmp/run.log
dmesg | grep -i 'audit\|seccomp\|alignment\|unhandled' | tail -n 5 | sed 's/^/SDVF-DMESG /'
PAYLOAD
chmod 755 "$work/add/payload/run.sh"
python3 scripts/mkcpio.py "$work/add" "$work/add.cpio"
cat "$image/imx7.cpio" "$work/add.cpio" >"$work/initrd.cpio"

start=$(date +%s.%N)
timeout -k 5 "$limit" qemu-system-arm -M mcimx7d-sabre -m 512M \
	-nographic -no-reboot -monitor none -serial stdio \
	-kernel "$image/zImage" -dtb "$image/imx7d-sdb-uio.dtb" \
	-initrd "$work/initrd.cpio" \
	-append "console=ttymxc0 loglevel=4 rdinit=/init fw_devlink=permissive sdvf.run=/payload/run.sh" \
	-netdev "dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=$qemu_port,remote.type=inet,remote.host=127.0.0.1,remote.port=$host_port" \
	-net nic,netdev=n0 </dev/null >"$work/console.raw" 2>&1 &
qemu_pid=$!
set +e
timeout -k 5 "$limit" "$peer" "$host_port" "$qemu_port" "$echoes" \
	10.215.7.2:02:00:00:00:17:02 10.215.7.3:02:00:00:00:17:03 \
	>"$work/peer.log" 2>&1
peer_rc=$?
wait "$qemu_pid"
qemu_rc=$?
set -e
qemu_pid=
end=$(date +%s.%N)
tr -d '\r' <"$work/console.raw" >"$work/console.log"
# SDVF_IMX7_LOG=FILE keeps the guest's console.
[ -z "${SDVF_IMX7_LOG:-}" ] || cp "$work/console.log" "$SDVF_IMX7_LOG"
cat "$work/peer.log"
up=$(sed -n 's/.*SDVF-IMX7-UP uptime=\([0-9.]*\).*/\1/p' "$work/console.log")
echo "$me: boot + run + poweroff $(awk -v a="$start" -v b="$end" \
	'BEGIN { printf "%.1f", b - a }') s, userspace at ${up:-?} s (kernel" \
	"uptime), load $(cut -d' ' -f1-3 /proc/loadavg)"
[ $qemu_rc -eq 0 ] || fail "qemu exit $qemu_rc (124: the ${limit} s timeout)"
[ $peer_rc -eq 0 ] || fail "imx7_peer exit $peer_rc (above)"
grep -q '^SDVF-PAYLOAD-EXIT=0' "$work/console.log" ||
	fail "the guest's payload did not finish"

kv() { # PD COUNTER -> its value in the guest's last stats, or "missing"
	awk -v pd="$1" -v c="$2" '$1 == "SDVF-KV" && $3 == pd && $4 == c \
		{ v = $5 } END { print (v == "" ? "missing" : v) }' \
		"$work/console.log"
}
expect() { # PD COUNTER VALUE
	local v
	v=$(kv "$1" "$2")
	[ "$v" = "$3" ] || fail "$1 $2 = $v, expected $3"
}
positive() { # PD COUNTER
	local v
	v=$(kv "$1" "$2")
	case $v in '' | missing | 0 | *[!0-9]*) fail "$1 $2 = $v, expected > 0" ;; esac
}
peer_value() { # NAME -> NAME=N from imx7_peer's totals
	sed -n "s/.*[ :]$1=\([0-9]*\).*/\1/p" "$work/peer.log" | head -n 1
}
echo_frames=$(peer_value echo_frames)
echo_bytes=$(peer_value echo_bytes)
recv_frames=$(peer_value recv_frames)
recv_bytes=$(peer_value recv_bytes)
rx_frames=$(kv net_driver rx_frames)

# Exact lengths on the way in: QEMU writes the 4-byte FCS into the buffer
# and counts it in the BD's length; the driver must not pass it on.  The
# driver got every echo request (each was answered) and some of the
# 60-byte ARP requests (those sent before it was up were not received).
case $rx_frames$echo_frames in
*[!0-9]* | '') fail "no frame counts (driver rx_frames '$rx_frames', echo_frames '$echo_frames')" ;;
*)
	arp_in=$((rx_frames - echo_frames))
	[ $arp_in -ge 2 ] || fail "driver rx_frames $rx_frames: not every echo and ARP request"
	expect net_driver rx_bytes $((arp_in * 60 + echo_bytes))
	;;
esac
# Exact lengths on the way out: what the driver sent is what the host got.
expect net_driver tx_frames "${recv_frames:-?}"
expect net_driver tx_bytes "${recv_bytes:-?}"
expect net_driver link_up 1
for c in eberr_resets eberr_halts rx_err_lg rx_err_cr rx_err_ov rx_err_len \
	tx_bad_len reset_timeouts mdio_timeouts; do
	expect net_driver "$c" 0
done
# The interrupt path was used: the kernel's count, enet_uio's, the driver's.
positive net_nic interrupts
positive net_nic acks
expect net_nic io_errors 0
positive net_driver irq_activations
irq=$(awk '$1 == "SDVF-IRQ" { print $3 }' "$work/console.log" | head -n 1)
case $irq in '' | 0 | *[!0-9]*) fail "/proc/interrupts: no uio interrupt counted ($irq)" ;; esac
a=$(kv resp_a udp_replies)
b=$(kv resp_b udp_replies)
case $a$b in *[!0-9]*) n="$a + $b" ;; *) n=$((a + b)) ;; esac
[ "$n" = "$echoes" ] || fail "udp replies $n, expected $echoes"
# Every buffer home at rest (the conservation the mux tests check).
for c in 0 1; do
	expect net_rx_mux "c$c.in_flight" 0
done
grep -q '^SDVF-RUN-EXIT=0' "$work/console.log" || fail "sdvf run did not exit 0"
echo "$me: guest: irq_activations=$(kv net_driver irq_activations)" \
	"interrupts=$(kv net_nic interrupts) (kernel $irq)" \
	"rx_frames=$rx_frames rx_bytes=$(kv net_driver rx_bytes)" \
	"echo_bytes=$echo_bytes"

if [ $failures -ne 0 ]; then
	echo "$me: console tail:"
	grep -v '^SDVF-KV' "$work/console.log" | tail -n 40
	echo "$me: $failures failures"
	exit 1
fi
echo "$me: PASS"
