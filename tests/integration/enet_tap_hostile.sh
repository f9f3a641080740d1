#!/usr/bin/env bash
# Integration: the ENET system on a TAP, tried from a hostile peer.
#
# Runs a copy of examples/enet-tap.dts (unique tap, namespace and stats
# directory, as tests/integration/enet_tap.sh does), pings the responder
# once, then:
#   1. stalls the model (SIGSTOP) and floods the tap with 2000 frames from
#      the namespace, so the kernel drops what the tap's queue cannot hold;
#      once the model runs again its wire.rx_kernel_drops must equal the
#      tap's tx_dropped as the kernel counts it (and be > 0);
#   2. deletes the tap from the namespace while the system runs: the
#      model's CPU time (utime + stime in /proc/PID/stat) grows by fewer
#      than $max_ticks clock ticks over the next 2 s (a model that kept
#      polling the dead fd burns ~2 s, i.e. ~200 ticks); the driver sees
#      link down (link_up 0 through `sdvf stats --format=kv`); the model
#      counts it once (wire.failures 1) and logs it once;
# and nothing died or restarted, and SIGINT still stops every PD.
# Needs root.  Everything it makes is named after this shell's pid and
# removed on exit; traffic stays inside the namespace (10.215.N.0/24).
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${BUILD:-build}
sdvf=$(realpath "$build/sdvf")
limit=${SDVF_ENET_TAP_TIMEOUT:-60}
max_ticks=${SDVF_UNPLUG_MAX_TICKS:-20}

me=enet_tap_hostile

ns=sdvf-hostile-$$
tap=sdvh$$
net=10.215.$(($$ % 250 + 1))
work=$(mktemp -d /tmp/sdvf-enet-hostile.XXXXXX)
system=enet-hostile-$$
dts=$work/$system.dts
log=$work/run.log
sdvf_pid=
export SDVF_STATS_DIR=$work
# shellcheck source=tests/integration/enet_tap_lib.sh
. tests/integration/enet_tap_lib.sh
net_require
trap net_cleanup EXIT
stats_system=$system

kv=

# utime + stime of a process, in clock ticks (fields 14 and 15; the
# command name in field 2 may hold spaces, so count after its ')').
cpu_ticks() {
	local stat
	stat=$(cat "/proc/$1/stat") || fail "process $1 is gone"
	stat=${stat##*) }
	# shellcheck disable=SC2086 # split the fields
	set -- $stat
	echo $((${12} + ${13}))
}

enet_tap_start

ping_out=$(ip netns exec "$ns" timeout 20 ping -c 1 -W 2 "$resp_ip") ||
	fail "ping: $ping_out"
kv=$("$sdvf" stats --format=kv "$system") || fail "sdvf stats failed"
kv_expect net_driver link_up 1
nic_pid=$(kv_of net_nic sdvf.pid)
[ -n "$nic_pid" ] && [ "$nic_pid" -gt 0 ] || fail "no pid for the model"

# 1. Kernel drops: 2000 frames (to a MAC no client of the muxes has: the
# RX mux drops them, drop.unknown_unicast) while the model does not read.
ip -n "$ns" neigh replace "$net.9" lladdr 02:00:00:00:e7:09 dev "$tap" \
	nud permanent
kill -STOP "$nic_pid"
ip netns exec "$ns" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(2000):
    s.sendto(b'x' * 64, ('$net.9', 9))" || { kill -CONT "$nic_pid"; fail "flood"; }
kill -CONT "$nic_pid"
# The model reads the kernel's count when it finds the tap's queue empty.
for _ in $(seq 50); do
	kernel_drops=$(ip netns exec "$ns" cat "/sys/class/net/$tap/statistics/tx_dropped")
	kv=$("$sdvf" stats --format=kv "$system") || fail "sdvf stats failed"
	[ "$(kv_of net_nic wire.rx_kernel_drops)" = "$kernel_drops" ] && break
	sleep 0.1
done
[ "$kernel_drops" -gt 0 ] || fail "the kernel dropped nothing at the tap"
kv_expect net_nic wire.rx_kernel_drops "$kernel_drops"
grep -q "kernel drops not counted" "$log" && fail "the model cannot count kernel drops"
echo "enet_tap_hostile: the kernel dropped $kernel_drops frames at the tap; the model counted $kernel_drops"

# 2. Unplug: the peer deletes the tap.
echo "enet_tap_hostile: deleting $tap from $ns (model pid $nic_pid)"
ip -n "$ns" link del "$tap"
before=$(cpu_ticks "$nic_pid")
sleep 2
after=$(cpu_ticks "$nic_pid")
used=$((after - before))
echo "enet_tap_hostile: the model used $used ticks in the 2 s after"
[ "$used" -lt "$max_ticks" ] ||
	fail "the model used $used clock ticks of CPU in 2 s (limit $max_ticks)"

# The driver polls the PHY every 500 ms: link down shows within one poll.
for _ in $(seq 30); do
	kv=$("$sdvf" stats --format=kv "$system") || fail "sdvf stats failed"
	[ "$(kv_of net_driver link_up)" = 0 ] && break
	sleep 0.1
done
kv_expect net_driver link_up 0
kv_expect net_nic wire.failures 1
kv_expect net_nic sdvf.restarts 0
kv_expect net_nic sdvf.state running
lines=$(grep -c "wire failed" "$log" || true)
[ "$lines" = 1 ] || fail "the failure was logged $lines times, expected once"
grep "wire failed" "$log"

net_stop
net_summary_clean "net_nic net_driver net_rx_mux net_tx_mux responder responder_remap responder_tx_remap responder_rx_remap"
echo "enet_tap_hostile: ok"
