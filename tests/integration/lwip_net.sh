#!/usr/bin/env bash
# Integration: lwIP clients (clients/echo_client.c over clients/
# lwip_netif.c, under the client seccomp filter) and a raw net client
# sharing the NIC on a TAP wire, against a real Linux stack in a private
# network namespace.  The system (written below, policy drr):
#   echo         10.215.N.2  RX copy,  TX copy   (lwIP, weight 2)
#   echo_remap   10.215.N.3  RX remap, TX remap  (lwIP, trusted source MAC)
#   echo_mixed   10.215.N.4  RX remap, TX copy   (lwIP)
#   responder    10.215.N.5  RX copy,  TX copy   (raw_responder: ARP, ICMP,
#                                                 UDP echo 1235; no lwIP)
# Checked, in this order:
#   - ping -c 5 each: 0% loss, and the namespace learnt each client's MAC;
#   - a frame to an unknown unicast MAC reaches nobody: the RX mux counts
#     exactly one drop.unknown_unicast and no client's rx counter moves
#     (the mux's cN.rx_frames, the client's own);
#   - an ARP request (broadcast) for each client's address is answered
#     once, by that client's MAC; those 4 requests and one broadcast UDP
#     datagram reach every client: each cN.rx_frames grows by exactly 5,
#     and so does each client's own count of frames received;
#   - UDP echo on 1235 of every payload size 1..1472, byte for byte, from
#     every client; a 1 MiB TCP echo on 1236 and 10,000 UDP echoes at a
#     moderate rate (window 8, zero loss), byte for byte, from each lwIP
#     client;
# then the clients' counters (sdvf stats --format=kv) match what was sent,
# every buffer is home (both muxes' cN.in_flight 0, the RX DMA buffers all
# at the driver), and SIGINT stops the system: exit 0, no PD died or
# restarted.  Needs root and python3.  Everything it makes is named after
# this shell's pid and removed on exit; traffic stays inside the namespace.
# LWIP_NET_COLOCATE=1 (tests/integration/lwip_net_colocate.sh): the same
# with `colocate;` (driver and both muxes in one process), which also
# checks that they share one pid, that every client has its own, and that
# their signals to each other were in-process marks (rt.local_marks).
# LWIP_NET_COLOCATE=nic (tests/integration/lwip_net_colocate_nic.sh): the
# same with `colocate; colocate-nic;` (the ENET model in that process too,
# its TAP opened by its init() before the group confines itself), which
# also checks that the group's process ends confined: not root, no
# capabilities, no_new_privs, a seccomp filter.
set -euo pipefail
cd "$(dirname "$0")/../.."

sdvf=${BUILD:-build}/sdvf
me=lwip_net
# shellcheck source=tests/integration/lib_net.sh
. tests/integration/lib_net.sh
net_require

net_subnet 10.215
tap=sdvn$$
ns=sdvf-t-lwipnet-$$
work=$(mktemp -d /tmp/sdvf-lwip-net.XXXXXX)
export SDVF_STATS_DIR=$work
log=$work/run.log
name=lwip-net-$$
dts=$work/$name.dts
peer=tests/integration/lwip_net_peer.py
sdvf_pid=
colocate=
grouped="net_driver net_rx_mux net_tx_mux"
case ${LWIP_NET_COLOCATE:-0} in
1) colocate="colocate;" ;;
nic) colocate="colocate; colocate-nic;" grouped="net_nic $grouped" ;;
esac
lwip_clients="echo echo_remap echo_mixed"
clients="$lwip_clients responder"
pds="net_nic net_driver net_rx_mux net_tx_mux $clients"

trap net_cleanup EXIT

stats_system=$name

# Client i (0..3, the order of `clients` below, which is the muxes' cN):
# host address .(i+2), MAC 02:00:00:00:ea:0(i+2).
ip_of() { echo "$net.$(($1 + 2))"; }
mac_of() { echo "02:00:00:00:ea:0$(($1 + 2))"; }

cat >"$dts" <<TEMPLATE_DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	name = "$name";
	pds {
		echo { component = "echo"; config { prefix_len = <24>; }; };
		echo_remap { component = "echo"; config { prefix_len = <24>; }; };
		echo_mixed { component = "echo"; config { prefix_len = <24>; }; };
		responder {
			component = "raw_responder";
			config { prefix_len = <24>; };
		};
	};
	subsystems {
		net {
			compatible = "sdvf,net";
			policy = "drr";
			$colocate
			rx-capacity = <256>;
			tx-capacity = <256>;
			nic {
				wire = "tap";
				tap-name = "$tap";
				mac = [02 00 00 00 ea 01];
				rx-buffers = <512>;
				tx-buffers = <256>;
			};
			clients {
				echo {
					mac = [02 00 00 00 ea 02];
					ip = [$hex 02];
					weight = <2>;
				};
				echo_remap {
					mac = [02 00 00 00 ea 03];
					ip = [$hex 03];
					rx-mode = "remap";
					tx-mode = "remap";
					trusted-source-mac;
				};
				echo_mixed {
					mac = [02 00 00 00 ea 04];
					ip = [$hex 04];
					rx-mode = "remap";
				};
				responder {
					mac = [02 00 00 00 ea 05];
					ip = [$hex 05];
				};
			};
		};
	};
};
TEMPLATE_DTS
"$sdvf" check "$dts" >/dev/null 2>"$work/check.err" ||
	fail "sdvf check: $(cat "$work/check.err")"
net_least_privilege "$dts"

# No IPv6: the namespace sends nothing of its own to move the counters.
net_start "$dts" 400 "$net.1" noipv6
in_ns() { ip netns exec "$ns" timeout "$@"; }

for i in 0 1 2 3; do
	ip=$(ip_of $i)
	out=$(in_ns 20 ping -c 5 -i 0.2 -W 2 "$ip") || fail "ping $ip: $out"
	grep -q " 0% packet loss" <<<"$out" || fail "ping $ip lost packets: $out"
	ip -n "$ns" neigh show "$ip" dev "$tap" | grep -q "lladdr $(mac_of $i)" ||
		fail "ARP entry of $ip is not $(mac_of $i)"
	# From now on the namespace never asks again (no ARP of its own
	# while the counters below are compared).
	ip -n "$ns" neigh replace "$ip" lladdr "$(mac_of $i)" dev "$tap" nud permanent
	echo "lwip_net: $ip ($(mac_of $i)): 5 pings answered"
done

kv=
read_stats() {
	kv=$("$sdvf" stats --format=kv "$name" 2>&1) || fail "sdvf stats: $kv"
}
# rx_counts: per client "mux-count own-count" (the RX mux's cN.rx_frames;
# lwip.rx_frames of an lwIP client, rx_frames of the responder).
rx_counts() {
	local i=0 pd own
	for pd in $clients; do
		own=lwip.rx_frames
		[ "$pd" != responder ] || own=rx_frames
		echo "$pd $(kv_of net_rx_mux "c$i.rx_frames") $(kv_of "$pd" "$own")"
		i=$((i + 1))
	done
}
# settle PD COUNTER VALUE: poll (at most 10 s) until it has the value, then
# once more after a pause, so that late frames would show.
settle() {
	for _ in $(seq 100); do
		read_stats
		[ "$(kv_of "$1" "$2")" = "$3" ] && break
		sleep 0.1
	done
	sleep 0.5
	read_stats
	[ "$(kv_of "$1" "$2")" = "$3" ] || fail "$1 $2 is '$(kv_of "$1" "$2")', want $3"
}

# An unknown unicast MAC: nobody's.
read_stats
before=$(rx_counts)
unknown=$(kv_of net_rx_mux drop.unknown_unicast)
in_ns 10 python3 "$peer" frame "$tap" 02:00:00:00:ea:99 88b5 || fail "send frame"
settle net_rx_mux drop.unknown_unicast $((unknown + 1))
[ "$(rx_counts)" = "$before" ] ||
	fail "a frame to an unknown MAC moved rx counters: $before -> $(rx_counts)"
echo "lwip_net: a frame to an unknown unicast MAC dropped by the RX mux, no client saw it"

# Broadcast: an ARP request for each client, and a UDP datagram to the
# subnet's broadcast address, each seen by every client.
pairs=
for i in 0 1 2 3; do pairs="$pairs $(ip_of $i)=$(mac_of $i)"; done
# shellcheck disable=SC2086 # one argument per pair
in_ns 30 python3 "$peer" arp "$tap" "$net.1" $pairs || fail "ARP requests"
in_ns 10 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.sendto(b"sdvf-lwip-net broadcast", (sys.argv[1], 9))' "$net.255" ||
	fail "broadcast datagram"
want=$(awk '{ print $1, $2 + 5, $3 + 5 }' <<<"$before")
settle net_rx_mux c3.rx_frames "$(awk '$1 == "responder" { print $2 }' <<<"$want")"
[ "$(rx_counts)" = "$want" ] ||
	fail "after 4 ARP requests and a broadcast, rx counters $(rx_counts), want $want"
echo "lwip_net: 4 ARP requests and a broadcast datagram reached all 4 clients"

# Echoes: every size from every client, then TCP and many from lwIP ones.
echo_ips="$(ip_of 0) $(ip_of 1) $(ip_of 2)"
# shellcheck disable=SC2086 # one argument per address
for step in "sizes $echo_ips $(ip_of 3)" "tcp $echo_ips" "many $echo_ips"; do
	in_ns 300 python3 "$peer" $step >"$work/peer.out" 2>&1 ||
		{ cat "$work/peer.out" >&2; fail "peer: ${step%% *}"; }
	cat "$work/peer.out"
done

# The counters of each client match what the peer sent it.
read -r count sizes <<<"$(python3 "$peer" count)"
read_stats
for pd in $lwip_clients; do
	[ "$(kv_of "$pd" udp.packets)" = $((sizes + count)) ] ||
		fail "$pd udp.packets $(kv_of "$pd" udp.packets), want $((sizes + count))"
	[ "$(kv_of "$pd" tcp.connections)" = 1 ] ||
		fail "$pd tcp.connections $(kv_of "$pd" tcp.connections), want 1"
	[ "$(kv_of "$pd" tcp.bytes)" = 1048576 ] ||
		fail "$pd tcp.bytes $(kv_of "$pd" tcp.bytes), want 1048576"
	[ "$(kv_of "$pd" lwip.drop.tx_hold_full)" = 0 ] ||
		fail "$pd dropped TX frames: $(kv_of "$pd" lwip.drop.tx_hold_full)"
	echo "lwip_net: $pd: counters match (udp $(kv_of "$pd" udp.packets)," \
		"tcp $(kv_of "$pd" tcp.bytes) bytes, rx zero-copy" \
		"$(kv_of "$pd" lwip.rx_zero_copy), copied $(kv_of "$pd" lwip.rx_copied)," \
		"tx held $(kv_of "$pd" lwip.tx_held))"
done
[ "$(kv_of responder udp_replies)" = "$sizes" ] ||
	fail "responder udp_replies $(kv_of responder udp_replies), want $sizes"
for pd in $clients; do
	for c in net.rx_bad net.tx_bad net.tx_rejected net.tx_error; do
		[ "$(kv_of "$pd" "$c")" = 0 ] || fail "$pd $c is $(kv_of "$pd" "$c")"
	done
done

# Every buffer home: nothing held by a client or at the driver for one,
# every RX DMA buffer back at the driver.
for i in 0 1 2 3; do
	settle net_rx_mux "c$i.in_flight" 0
	settle net_tx_mux "c$i.in_flight" 0
done
[ "$(kv_of net_rx_mux dma_driver)" = "$(kv_of net_rx_mux dma_bufs)" ] ||
	fail "RX DMA buffers: $(kv_of net_rx_mux dma_driver) of $(kv_of net_rx_mux dma_bufs) at the driver"
[ "$(kv_of net_rx_mux dma_lent)" = 0 ] || fail "rx_mux dma_lent $(kv_of net_rx_mux dma_lent)"
echo "lwip_net: every buffer home"

if [ -n "$colocate" ]; then
	# One process for the trusted PDs, one of its own for each client.
	pids=$(for pd in $pds; do echo "$(kv_of "$pd" sdvf.pid)"; done)
	group=$(kv_of net_driver sdvf.pid)
	for pd in $grouped; do
		[ "$(kv_of "$pd" sdvf.pid)" = "$group" ] ||
			fail "$pd runs in pid $(kv_of "$pd" sdvf.pid), not the group's $group"
	done
	others=$(($(wc -w <<<"$pds") - $(wc -w <<<"$grouped")))
	[ "$(sort -u <<<"$pids" | wc -l)" = $((1 + others)) ] ||
		fail "not one process per PD outside the group and one for the group: $(echo $pids)"
	for pd in $grouped; do
		[ "$(kv_of "$pd" rt.local_marks)" -gt 0 ] ||
			fail "$pd made no in-process mark: $(kv_of "$pd" rt.local_marks)"
	done
	st=/proc/$group/status
	[ "$(awk '$1 == "Uid:" { print $2 }' "$st")" != 0 ] ||
		fail "the group's process runs as root"
	[ "$(awk '$1 == "CapEff:" || $1 == "CapPrm:" { print $2 }' "$st" | sort -u)" = 0000000000000000 ] ||
		fail "the group's process holds capabilities: $(grep ^Cap "$st")"
	[ "$(awk '$1 == "NoNewPrivs:" { print $2 }' "$st")" = 1 ] ||
		fail "the group's process lacks no_new_privs"
	[ "$(awk '$1 == "Seccomp:" { print $2 }' "$st")" = 2 ] ||
		fail "the group's process has no seccomp filter"
	marks=$(for pd in $grouped; do printf '%s/' "$(kv_of "$pd" rt.local_marks)"; done)
	echo "lwip_net: $grouped in one process ($group, confined)," \
		"marks ${marks%/}"
fi

net_stop
net_summary_clean "$pds"
echo "lwip_net: ok"
