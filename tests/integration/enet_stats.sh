#!/usr/bin/env bash
# Integration: component counters of a running system, read with
# `sdvf stats --format=kv`.
#
# Runs a copy of examples/enet-tap.dts (unique tap, namespace and stats
# directory, as tests/integration/enet_tap.sh does), pings the copy/copy
# responder (client 0 of the muxes) 5 times from the namespace, then
# checks what the PDs published:
#   - driver: link_up 1, speed_mbps 1000, rx_frames and tx_frames >= 5;
#   - rx_mux: client 0 got >= 6 frames (an ARP request and 5 pings) and
#     holds none now; no frame dropped for it;
#   - tx_mux: client 0 sent >= 6 frames (an ARP reply and 5 echo
#     replies), none rejected;
#   - responder: icmp_replies exactly 5 (only the pings are ICMP echo
#     requests to its address), arp_replies >= 1, nothing refused by its
#     net_client (net.rx_bad, net.tx_bad 0);
#   - the other three responders answered nothing (the ARP request reached
#     them as a broadcast: not for them);
#   - nic (the model): tx_frames >= 5;
#   - no PD's counters refused or unreadable;
#   - the client table (plain `sdvf stats`) has a row per responder, the
#     pinged one's RX and TX frames those of the muxes' client 0;
#   - `--pd responder` prints only the responder's lines.
# Needs root.  Everything it makes is named after this shell's pid and
# removed on exit; traffic stays inside the namespace (10.214.N.0/24).
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${BUILD:-build}
sdvf=$(realpath "$build/sdvf")
limit=${SDVF_ENET_TAP_TIMEOUT:-60}

me=enet_stats

ns=sdvf-estat-$$
tap=sdvs$$
net=10.214.$(($$ % 250 + 1))
work=$(mktemp -d /tmp/sdvf-enet-stats.XXXXXX)
system=enet-stats-$$
dts=$work/$system.dts
log=$work/run.log
sdvf_pid=
export SDVF_STATS_DIR=$work
# shellcheck source=tests/integration/enet_tap_lib.sh
. tests/integration/enet_tap_lib.sh
net_require
trap net_cleanup EXIT
stats_system=$system

enet_tap_start

ping_out=$(ip netns exec "$ns" timeout 20 ping -c 5 -i 0.2 -W 2 "$resp_ip") ||
	fail "ping: $ping_out"
echo "$ping_out" | grep -q "5 received" || fail "ping: $ping_out"

kv=

# TX completions are counted when the driver reaps them, a moment after
# the reply left: poll briefly for the final picture.
for _ in $(seq 50); do
	kv=$("$sdvf" stats --format=kv "$system") || fail "sdvf stats failed"
	[ "$(kv_of net_driver tx_frames)" -ge 5 ] 2>/dev/null &&
		[ "$(kv_of net_nic tx_frames)" -ge 5 ] 2>/dev/null &&
		[ "$(kv_of responder tx_done)" -ge 6 ] 2>/dev/null && break
	sleep 0.1
done
echo "enet_stats: $(wc -l <<<"$kv") kv lines"

expect_ge() {
	local v
	v=$(kv_of "$1" "$2")
	[ -n "$v" ] && [ "$v" -ge "$3" ] || fail "$1 $2 is '$v', expected >= $3"
}

kv_expect net_driver link_up 1
kv_expect net_driver speed_mbps 1000
expect_ge net_driver rx_frames 5
expect_ge net_driver tx_frames 5
kv_expect net_driver rx_err_cr 0
expect_ge net_rx_mux c0.rx_frames 6
kv_expect net_rx_mux c0.in_flight 0
kv_expect net_rx_mux c0.drop.cap 0
kv_expect net_rx_mux c0.drop.queue_full 0
kv_expect net_rx_mux bad_desc 0
expect_ge net_tx_mux c0.tx_frames 6
kv_expect net_tx_mux c0.rej_src_mac 0
kv_expect net_tx_mux c0.rej_not_owner 0
kv_expect net_tx_mux bad_completion 0
kv_expect responder icmp_replies 5
expect_ge responder arp_replies 1
expect_ge responder tx_done 6
kv_expect responder tx_errors 0
kv_expect responder net.rx_bad 0
kv_expect responder net.tx_bad 0
kv_expect responder sdvf.state running
for pd in responder_remap responder_tx_remap responder_rx_remap; do
	kv_expect "$pd" icmp_replies 0
	kv_expect "$pd" arp_replies 0
done
expect_ge net_nic tx_frames 5
for pd in net_nic net_driver net_rx_mux net_tx_mux responder responder_remap \
	responder_tx_remap responder_rx_remap; do
	kv_expect "$pd" sdvf.counters_refused 0
	kv_expect "$pd" sdvf.counters_unreadable 0
done

# The client table: a row per client of the muxes, named after its PD;
# the pinged responder's counts are the muxes' c0 counters (read a moment
# after the kv lines above: never fewer).
table=$("$sdvf" stats "$system") || fail "sdvf stats failed"
for pd in responder responder_remap responder_tx_remap responder_rx_remap; do
	grep -Eq "^  $pd +[0-9]+ " <<<"$table" || fail "no client row for $pd"
done
read -r rx_row tx_row < <(awk '$1 == "responder" { print $2, $4; exit }' <<<"$table")
[ "$rx_row" -ge "$(kv_of net_rx_mux c0.rx_frames)" ] 2>/dev/null &&
	[ "$tx_row" -ge "$(kv_of net_tx_mux c0.tx_frames)" ] 2>/dev/null ||
	fail "client row of responder: rx $rx_row tx $tx_row"

only=$("$sdvf" stats --format=kv --pd responder "$system") ||
	fail "sdvf stats --pd responder failed"
[ -z "$(awk '$2 != "responder"' <<<"$only")" ] ||
	fail "--pd responder printed other PDs"
grep -q "^$system responder icmp_replies 5$" <<<"$only" ||
	fail "--pd responder lacks icmp_replies 5"

net_stop
echo "enet_stats: ok"
