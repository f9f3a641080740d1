#!/usr/bin/env bash
# Payload isolation between clients of the muxes, on the hosted runtime
# against a real Linux stack (a TAP in a private network namespace).
# Three raw_responders: A (copy), B (copy) and R (RX remap, TX copy).  A
# unique marker is sent only to A (UDP echo, port 1235), 20 times:
#   - A answered all 20; the RX mux's cN.rx_frames and the responder's own
#     rx_frames of B and of R did not move;
#   - A's sdvf mappings (its regions, the memfds listed in /proc/PID/maps,
#     read as root through /proc/PID/mem) hold the marker: the search can
#     find it;
#   - B's do not, nor does any other readable memory of B: a copy-mode
#     client never holds another client's payload;
#   - R's mapping of rx_dma does (docs/modes.md: a remap RX client maps all
#     of rx_dma read-only and can read every frame from the wire), and R's
#     other mappings do not.
# Needs root.  Everything it makes is named after this shell's pid and
# removed on exit; traffic stays inside the namespace.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "test_net_payload_isolation: needs root (namespace, tap, /proc/PID/mem)"
	exit 1
fi
net=10.216.$(($$ % 250 + 1))
hex=$(printf '0a d8 %02x' "$(($$ % 250 + 1))")
tap=sdvi$$
ns=sdvf-t-payload-$$
marker=sdvf-marker-$$-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
trap 'ip netns del "$ns" 2>/dev/null; cleanup' EXIT

start_system --duration 120 <<TEMPLATE_DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		a { component = "raw_responder"; config { prefix_len = <24>; }; };
		b { component = "raw_responder"; config { prefix_len = <24>; }; };
		r { component = "raw_responder"; config { prefix_len = <24>; }; };
	};
	subsystems {
		net {
			compatible = "sdvf,net";
			nic { wire = "tap"; tap-name = "$tap";
			      mac = [02 00 00 00 eb 01]; };
			clients {
				a { mac = [02 00 00 00 eb 02]; ip = [$hex 02]; };
				b { mac = [02 00 00 00 eb 03]; ip = [$hex 03]; };
				r { mac = [02 00 00 00 eb 04]; ip = [$hex 04];
				    rx-mode = "remap"; };
			};
		};
	};
};
TEMPLATE_DTS
for _ in $(seq 100); do
	ip link show "$tap" >/dev/null 2>&1 && break
	kill -0 "$RUN_PID" 2>/dev/null || fail "sdvf exited before the tap appeared"
	sleep 0.1
done
ip link show "$tap" >/dev/null 2>&1 || fail "tap $tap never appeared"
ip netns add "$ns"
ip link set "$tap" netns "$ns"
# No IPv6 and fixed neighbours: the namespace sends only what we send.
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1 "net.ipv6.conf.$tap.disable_ipv6=1"
ip -n "$ns" link set lo up
ip -n "$ns" addr add "$net.1/24" dev "$tap"
ip -n "$ns" link set "$tap" up
for host in 2 3 4; do
	ip -n "$ns" neigh replace "$net.$host" lladdr "02:00:00:00:eb:0$host" \
		dev "$tap" nud permanent
done

# rx_of PD N: "mux own" frame counts of client N (the RX mux's cN).
rx_of() { echo "$(counter_of net_rx_mux "c$2.rx_frames") $(counter_of "$1" rx_frames)"; }
wait_counter a rx_frames 0
wait_counter net_rx_mux c2.rx_frames 0
b_before=$(rx_of b 1)
r_before=$(rx_of r 2)

ip netns exec "$ns" timeout 30 python3 - "$net.2" "$marker" <<'PY' ||
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
payload = sys.argv[2].encode() * 8
for _ in range(20):
    s.sendto(payload, (sys.argv[1], 1235))
    if s.recvfrom(4096)[0] != payload:
        sys.exit("the echo differs")
PY
	fail "A did not echo the marker"
wait_counter a udp_replies 20
sleep 0.5
[ "$(rx_of b 1)" = "$b_before" ] || fail "B's rx counters moved: $b_before -> $(rx_of b 1)"
[ "$(rx_of r 2)" = "$r_before" ] || fail "R's rx counters moved: $r_before -> $(rx_of r 2)"

# regions_with PID: "REGION HITS" per sdvf mapping (memfd) of PID.
regions_with() {
	python3 - "$1" "$marker" <<'PY'
import collections, sys
pid, needle = sys.argv[1], sys.argv[2].encode()
hits = collections.Counter()
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
    for line in maps:
        f = line.split(maxsplit=5)
        if len(f) < 6 or not f[5].startswith("/memfd:") or f[1][0] != "r":
            continue
        name = f[5].strip()[len("/memfd:"):].replace(" (deleted)", "")
        start, end = (int(x, 16) for x in f[0].split("-"))
        mem.seek(start)
        hits[name] += mem.read(end - start).count(needle)
for name in sorted(hits):
    print(name, hits[name])
PY
}
a_hits=$(regions_with "$(pid_of a)") || fail "reading A's memory"
b_hits=$(regions_with "$(pid_of b)") || fail "reading B's memory"
r_hits=$(regions_with "$(pid_of r)") || fail "reading R's memory"
echo "A: $(tr '\n' ' ' <<<"$a_hits")"
echo "B: $(tr '\n' ' ' <<<"$b_hits")"
echo "R: $(tr '\n' ' ' <<<"$r_hits")"
[ "$(awk '{ s += $2 } END { print s + 0 }' <<<"$a_hits")" -gt 0 ] ||
	fail "the marker is not in A's regions: the search cannot find it"
[ "$(wc -l <<<"$b_hits")" -ge 4 ] || fail "B maps fewer regions than its four queues"
[ "$(awk '{ s += $2 } END { print s + 0 }' <<<"$b_hits")" -eq 0 ] ||
	fail "a copy-mode client's regions hold another client's payload: $b_hits"
[ "$(scan_memory "$(pid_of b)" "$marker")" -eq 0 ] ||
	fail "a copy-mode client's memory holds another client's payload"
[ "$(awk '$1 ~ /rx_dma$/ { s += $2 } END { print s + 0 }' <<<"$r_hits")" -gt 0 ] ||
	fail "the remap RX client cannot see A's frame in rx_dma (docs/modes.md says it can): $r_hits"
[ "$(awk '$1 !~ /rx_dma$/ { s += $2 } END { print s + 0 }' <<<"$r_hits")" -eq 0 ] ||
	fail "the marker is in the remap client's own regions: $r_hits"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS"
echo "ok: a marker sent to A is in A's regions, not in copy-mode B, and readable by remap-RX R in rx_dma (as documented)"
