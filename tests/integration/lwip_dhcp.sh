#!/usr/bin/env bash
# Integration: lwIP clients that take their address from a DHCP server
# (clients/lwip_dhcp.c through clients/lwip_netif.c), against dnsmasq in a
# private network namespace on the TAP wire.  Two echo clients with
# `ip = "dhcp"` (the sdvf,net expander gives them config ip_mode "dhcp"),
# one copy mode, one remap both ways; dnsmasq hands each a fixed address
# by MAC (.52, .53), a router (.1), a 120 s lease with T1 4 s and T2 7 s.
#   - each client binds: dhcp.acks >= 1 and the log names its lease;
#   - at its leased address each answers 5 pings (0% loss; the namespace
#     learnt the client's MAC) and UDP echo of 1..1472 bytes,
#     byte-identical, and a 64 KiB TCP echo;
#   - each renews at T1 (unicast REQUEST, ACK): dhcp.acks >= 2 and the
#     address still answers;
#   - no reply was dropped (dhcp.drop.*, dhcp.bad_option 0; dnsmasq is
#     honest) and SIGINT stops the system: exit 0, no PD died.
# Needs root and dnsmasq (package dnsmasq-base, `make deps`).  Everything
# it makes is named after this shell's pid and removed on exit; traffic
# stays inside the namespace.
set -euo pipefail
cd "$(dirname "$0")/../.."

sdvf=${BUILD:-build}/sdvf
me=lwip_dhcp
# shellcheck source=tests/integration/lib_net.sh
. tests/integration/lib_net.sh
net_require
command -v dnsmasq >/dev/null ||
	{ echo "lwip_dhcp: dnsmasq missing (make deps: dnsmasq-base)" >&2; exit 1; }

n=$(($$ % 250 + 1))
net=10.216.$n
net_hex=$(printf '0a d8 %02x' "$n")
tap=sdvd$$
ns=sdvf-t-dhcp-$$
work=$(mktemp -d /tmp/sdvf-lwip-dhcp.XXXXXX)
log=$work/run.log
name=lwip-dhcp-$$
dts=$work/$name.dts
export SDVF_STATS_DIR=$work/stats
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
sdvf_pid=
dnsmasq_pid=

net_cleanup_more() {
	[ -z "$dnsmasq_pid" ] || kill "$dnsmasq_pid" 2>/dev/null || true
}
trap net_cleanup EXIT

net_fail_more() {
	echo "--- dnsmasq log"
	cat "$work/dnsmasq.log" || true
}

cat >"$dts" <<DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		dyn { component = "echo"; config { prefix_len = <24>; }; };
		dyn_remap { component = "echo"; config { prefix_len = <24>; }; };
	};
	subsystems {
		net {
			compatible = "sdvf,net";
			rx-capacity = <128>;
			tx-capacity = <128>;
			nic {
				wire = "tap";
				tap-name = "$tap";
				mac = [02 00 00 00 ea 01];
			};
			clients {
				dyn {
					mac = [02 00 00 00 ea 02];
					ip = "dhcp";
				};
				dyn_remap {
					mac = [02 00 00 00 ea 03];
					ip = "dhcp";
					rx-mode = "remap";
					tx-mode = "remap";
					trusted-source-mac;
				};
			};
		};
	};
};
DTS
# The PD config the expander wrote: ip_mode "dhcp" and no ip.
dump=$("$sdvf" dump "$dts") || fail "sdvf dump: $dump"
grep -q '^pd-config dyn ip_mode="dhcp"$' <<<"$dump" || fail "no ip_mode for dyn"
! grep -q '^pd-config dyn ip=' <<<"$dump" || fail "dyn got a static ip"
lp=$(awk -f tests/integration/least_privilege.awk -v src="$dts" <<<"$dump") ||
	fail "least privilege: $lp"

net_start "$dts" 240 "$net.1"

ip netns exec "$ns" dnsmasq --keep-in-foreground --conf-file=/dev/null \
	--port=0 --interface="$tap" --bind-interfaces --user=root \
	--dhcp-range="$net.50,$net.60,255.255.255.0,120s" \
	--dhcp-host="02:00:00:00:ea:02,$net.52" \
	--dhcp-host="02:00:00:00:ea:03,$net.53" \
	--dhcp-option=option:router,"$net.1" \
	--dhcp-option=option:T1,4s --dhcp-option=option:T2,7s \
	--dhcp-leasefile="$work/leases" --pid-file="$work/dnsmasq.pid" \
	--log-dhcp --log-facility="$work/dnsmasq.log" &
dnsmasq_pid=$!

kv=
# wait_acks PD N SECONDS: until PD counts N DHCP ACKs.
wait_acks() {
	local deadline=$((SECONDS + $3)) v
	while :; do
		kv=$("$sdvf" stats --format=kv "$name" 2>/dev/null) || kv=
		v=$(kv_of "$1" dhcp.acks)
		[ -n "$v" ] && [ "$v" -ge "$2" ] && return 0
		[ $SECONDS -lt $deadline ] || fail "$1: $2 DHCP ACKs not seen in $3 s (acks '$v')"
		kill -0 "$sdvf_pid" 2>/dev/null || fail "sdvf ended early"
		sleep 0.2
	done
}

# echo_at IP: ping, ARP, UDP of 1..1472 bytes and 64 KiB of TCP.
echo_at() {
	local ip=$1 mac=$2 out
	out=$(ip netns exec "$ns" timeout 20 ping -c 5 -i 0.2 -W 2 "$ip") ||
		fail "ping $ip: $out"
	grep -q " 0% packet loss" <<<"$out" || fail "ping $ip lost packets: $out"
	ip -n "$ns" neigh show "$ip" dev "$tap" | grep -q "lladdr $mac" ||
		fail "ARP entry of $ip is not $mac"
	net_echo_udp_tcp "$ip" || fail "echo at $1"
}

declare -A want=([dyn]=$net.52 [dyn_remap]=$net.53)
declare -A mac=([dyn]=02:00:00:00:ea:02 [dyn_remap]=02:00:00:00:ea:03)
for pd in dyn dyn_remap; do
	wait_acks "$pd" 1 60
	grep -q "\[$pd\] lwip: dhcp: ${want[$pd]} mask 255.255.255.0 router $net.1 from $net.1 for 120 s" "$log" ||
		fail "$pd: no log line of its lease ${want[$pd]}"
	echo_at "${want[$pd]}" "${mac[$pd]}"
	echo "lwip_dhcp: $pd: leased ${want[$pd]}: ping, UDP and TCP echo answered"
done

# Renewal at T1 (4 s): a second ACK, and the address still answers.
for pd in dyn dyn_remap; do
	wait_acks "$pd" 2 30
	echo_at "${want[$pd]}" "${mac[$pd]}"
	for c in dhcp.drop.malformed dhcp.drop.foreign dhcp.drop.unexpected \
		dhcp.bad_option dhcp.naks dhcp.expired; do
		[ "$(kv_of "$pd" "$c")" = 0 ] || fail "$pd $c is '$(kv_of "$pd" "$c")', want 0"
	done
	echo "lwip_dhcp: $pd: renewed (acks $(kv_of "$pd" dhcp.acks), requests" \
		"$(kv_of "$pd" dhcp.requests)) and still answers"
done

net_stop
net_summary_clean "dyn dyn_remap"
echo "lwip_dhcp: ok"
