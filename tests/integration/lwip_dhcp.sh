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
if [ "$(id -u)" -ne 0 ]; then
	echo "lwip_dhcp: needs root (network namespace and tap)" >&2
	exit 1
fi
[ -x "$sdvf" ] || { echo "lwip_dhcp: $sdvf not built" >&2; exit 1; }
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

cleanup() {
	if [ -n "$sdvf_pid" ] && kill -0 "$sdvf_pid" 2>/dev/null; then
		kill -INT "$sdvf_pid" 2>/dev/null || true
		sleep 1
		kill -KILL "$sdvf_pid" 2>/dev/null || true
	fi
	[ -z "$dnsmasq_pid" ] || kill "$dnsmasq_pid" 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "lwip_dhcp: FAILED: $*" >&2
	echo "--- sdvf log" >&2
	cat "$log" >&2 || true
	echo "--- dnsmasq log" >&2
	cat "$work/dnsmasq.log" >&2 || true
	exit 1
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

"$sdvf" run "$dts" --duration 240 >"$log" 2>&1 &
sdvf_pid=$!
for _ in $(seq 100); do
	ip link show "$tap" >/dev/null 2>&1 && break
	kill -0 "$sdvf_pid" 2>/dev/null || fail "sdvf exited before the tap appeared"
	sleep 0.1
done
ip link show "$tap" >/dev/null 2>&1 || fail "tap $tap never appeared"
ip netns add "$ns"
ip link set "$tap" netns "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" addr add "$net.1/24" dev "$tap"
ip -n "$ns" link set "$tap" up

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
get() { awk -v pd="$1" -v c="$2" '$2 == pd && $3 == c { print $4 }' <<<"$kv"; }
# wait_acks PD N SECONDS: until PD counts N DHCP ACKs.
wait_acks() {
	local deadline=$((SECONDS + $3)) v
	while :; do
		kv=$("$sdvf" stats --format=kv "$name" 2>/dev/null) || kv=
		v=$(get "$1" dhcp.acks)
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
	ip netns exec "$ns" timeout 60 python3 - "$ip" <<'PY' || fail "echo at $1"
import socket, sys
ip = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for n in (1, 17, 512, 1000, 1472):
    p = bytes((n + i * 7) & 255 for i in range(n))
    s.sendto(p, (ip, 1235))
    data, src = s.recvfrom(4096)
    if data != p or src != (ip, 1235):
        sys.exit("udp %s: %d bytes sent, %d back from %s" % (ip, n, len(data), src))
t = socket.create_connection((ip, 1236), timeout=10)
p = bytes((i * 13 + (i >> 9)) & 255 for i in range(65536))
t.sendall(p)
back = bytearray()
while len(back) < len(p):
    chunk = t.recv(65536)
    if not chunk:
        break
    back += chunk
t.close()
if bytes(back) != p:
    sys.exit("tcp %s: %d of %d bytes back" % (ip, len(back), len(p)))
PY
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
		[ "$(get "$pd" "$c")" = 0 ] || fail "$pd $c is '$(get "$pd" "$c")', want 0"
	done
	echo "lwip_dhcp: $pd: renewed (acks $(get "$pd" dhcp.acks), requests" \
		"$(get "$pd" dhcp.requests)) and still answers"
done

kill -INT "$sdvf_pid"
rc=0
wait "$sdvf_pid" || rc=$?
sdvf_pid=
[ "$rc" -eq 0 ] || fail "sdvf exited with $rc"
for pd in dyn dyn_remap; do
	line=$(grep -E "^  $pd +[0-9]+ " "$log") || fail "no summary line for $pd"
	read -r _ _ _ _ restarts end <<<"$line"
	[ "$restarts" = 0 ] && [ "$end" = stopped ] ||
		fail "$pd: restarts $restarts, end '$end'"
done
echo "lwip_dhcp: ok"
