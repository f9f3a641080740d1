#!/usr/bin/env bash
# Integration: the tap wire against a real Linux stack.
#
# Creates a network namespace of its own, runs wire_probe inside it (which
# opens a tap through wire_open), gives the namespace side of the tap an
# address, and lets the probe prove frames cross both ways: ARP and ICMP
# echo answered by the namespace's stack, and a UDP datagram sent from the
# namespace received intact, and frames the kernel drops at the tap while
# the probe does not read are counted exactly as the kernel counts them.
# Then a second probe opens another tap, the
# script deletes it from under the open wire, and the probe checks the wire
# fails once and for good (an unplugged cable, not a CPU-burning error
# loop), and a third, where /sys shows another namespace with an interface
# of the same name, must not count that interface's drops.  Needs root
# (netns, tap).  Everything it makes
# is named after this shell's pid and deleted on exit; traffic stays inside
# the namespace (10.254.x.0/24 exists nowhere else).
set -euo pipefail

build=${BUILD:-build}
probe=$build/tests/integration/wire_probe
limit=${SDVF_WIRE_TAP_TIMEOUT:-30}

if [ "$(id -u)" -ne 0 ]; then
	echo "wire_tap: needs root (network namespace and tap)" >&2
	exit 1
fi
if [ ! -x "$probe" ]; then
	echo "wire_tap: $probe not built (make BUILD=$build $probe)" >&2
	exit 1
fi

ns=sdvf-wire-$$
tap=sdvw$$
net=10.254.$(($$ % 250 + 1))
own_ip=$net.2
peer_ip=$net.1
port=$((20000 + $$ % 10000))
payload="sdvf-wire-probe-$$"
probe_pid=

cleanup() {
	if [ -n "$probe_pid" ] && kill -0 "$probe_pid" 2>/dev/null; then
		kill "$probe_pid" 2>/dev/null || true
	fi
	ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$ns"
ip -n "$ns" link set lo up

coproc PROBE {
	timeout "$limit" ip netns exec "$ns" "$probe" "$tap" "$own_ip" \
		"$peer_ip" "$port" "$payload" 2>&1
}
probe_pid=$PROBE_PID
probe_out=${PROBE[0]}
probe_in=${PROBE[1]}

expect() {
	local line
	if ! read -r -t 10 line <&"$probe_out"; then
		echo "wire_tap: probe said nothing (expected '$1')" >&2
		exit 1
	fi
	echo "probe: $line"
	if [ "$line" != "$1" ]; then
		echo "wire_tap: expected '$1'" >&2
		exit 1
	fi
}

expect ready
ip -n "$ns" addr add "$peer_ip/24" dev "$tap"
echo go >&"$probe_in"
expect udp-wait
ip netns exec "$ns" bash -c "printf '%s' '$payload' > /dev/udp/$own_ip/$port"
expect stall
# 2000 frames at a tap nobody reads: its queue (txqueuelen) holds 1000, the
# kernel drops the rest and counts them in the tap's tx_dropped.
ip -n "$ns" neigh replace "$own_ip" lladdr 02:5d:76:66:00:01 dev "$tap" \
	nud permanent
ip netns exec "$ns" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(2000):
    s.sendto(b'x' * 64, ('$own_ip', 9))"
kernel_drops=$(ip netns exec "$ns" cat "/sys/class/net/$tap/statistics/tx_dropped")
echo go >&"$probe_in"
read -r -t 10 drops <&"$probe_out" || drops="(no result)"
echo "probe: $drops (kernel: tx_dropped $kernel_drops)"
if [ "$kernel_drops" -eq 0 ] || [ "$drops" != "drops $kernel_drops" ]; then
	echo "wire_tap: the wire counted '$drops', the kernel $kernel_drops" >&2
	exit 1
fi
read -r -t 10 result <&"$probe_out" || result="(no result)"
echo "probe: $result"
wait "$probe_pid" && rc=0 || rc=$?
probe_pid=
if [ "$rc" -ne 0 ] || [[ $result != "ok arp icmp udp"* ]]; then
	echo "wire_tap: FAILED (probe exit $rc)" >&2
	exit 1
fi
# The tap belonged to the probe: it must be gone with it.
if ip -n "$ns" link show "$tap" >/dev/null 2>&1; then
	echo "wire_tap: $tap outlived its wire" >&2
	exit 1
fi

# Unplug: the peer deletes the tap while the wire has it open.
coproc PROBE {
	timeout "$limit" ip netns exec "$ns" "$probe" unplug "$tap" 2>&1
}
probe_pid=$PROBE_PID
probe_out=${PROBE[0]}
probe_in=${PROBE[1]}
expect unplug-wait
ip -n "$ns" link del "$tap"
echo go >&"$probe_in"
read -r -t 10 result <&"$probe_out" || result="(no result)"
echo "probe: $result"
wait "$probe_pid" && rc=0 || rc=$?
probe_pid=
if [ "$rc" -ne 0 ] || [[ $result != "ok unplug: "* ]]; then
	echo "wire_tap: unplug FAILED (probe exit $rc)" >&2
	exit 1
fi
# Where /sys shows another namespace, that namespace's interface of the
# same name is not the tap: the wire must not count its drops.
ip -n "$ns" tuntap add "$tap" mode tap
result=$(timeout "$limit" ip netns exec "$ns" unshare -n "$probe" \
	other-sysfs "$tap" 2>&1) && rc=0 || rc=$?
echo "probe: $result"
ip -n "$ns" link del "$tap"
if [ "$rc" -ne 0 ] || [[ $result != "ok other-sysfs: "* ]]; then
	echo "wire_tap: other-sysfs FAILED (probe exit $rc)" >&2
	exit 1
fi
echo "wire_tap: ok"
