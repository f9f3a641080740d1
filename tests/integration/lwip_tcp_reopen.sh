#!/usr/bin/env bash
# Integration: a TCP client may reconnect to an lwIP server from the port
# of a connection the server still holds in TIME-WAIT (clients/
# lwip_netif.c, rx_tcp_reopen).  The HTTP server (`web` in examples/
# demo.dts) closes first, so it, not the peer, keeps each connection in
# TIME-WAIT for 2 MSL (120 s); Linux may pick the same source port for a
# later connection to it (it holds no TIME-WAIT of its own for it).  Left
# to lwIP such a SYN gets an ACK of the old connection, the peer's RST is
# ignored (RFC 1337), and the connect stalls until TIME-WAIT ends: the
# soak's `curl -m 5 /stats.json` that timed out.  Checked, from the peer
# namespace:
#   - GET /stats.json four times from one fixed source port, each a new
#     connection after the last was closed: every one answered 200 within
#     the client's 5 s (before the fix the second one timed out);
#   - web counted exactly three reopened TIME-WAIT connections
#     (lwip.tcp_reopened) and no HTTP error or timeout;
#   - one more GET from that port (the fourth reopening), then its SYN
#     sent again (raw, on the tap) as an old duplicate would arrive:
#     web answers with an ACK of the closed connection and reopens
#     nothing; a real new connection from the port still succeeds;
#   - four more GETs from fresh ports reopen nothing.
# Needs root and python3.  Nothing is timed but the client's 5 s bound.
set -euo pipefail
cd "$(dirname "$0")/../.."

me=lwip_tcp_reopen
# shellcheck source=tests/integration/lib_net.sh
. tests/integration/lib_net.sh

build=${BUILD:-build}
sdvf=$build/sdvf
net_require

tap=sdvreo$$
ns=sdvf-t-reopen-$$
work=$(mktemp -d /tmp/sdvf-reopen.XXXXXX)
sys=demo
stats_system=$sys
net_load_setup

sed -e "s/tap-name = \"sdvfdemo0\";/tap-name = \"$tap\";/" \
	examples/demo.dts >"$dts"
grep -q "\"$tap\"" "$dts" || fail "could not write $dts"
net_start "$dts" 120 10.214.0.1 noipv6
net_answers 10.214.0.3 30

# gets PORT N: N GETs of /stats.json, one connection each, from source
# port PORT (0: a fresh port each); prints one line per GET.
gets() {
	ip netns exec "$ns" timeout 60 python3 - "$1" "$2" <<'PY'
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
bad = 0
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.214.0.1", port))
    s.settimeout(5)
    start = time.monotonic()
    try:
        s.connect(("10.214.0.3", 80))
        s.sendall(b"GET /stats.json HTTP/1.1\r\nHost: web\r\n\r\n")
        reply = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
        status = reply.split(b"\r\n", 1)[0].decode(errors="replace")
    except OSError as e:
        status = "failed: %s" % e
    took = time.monotonic() - start
    print("get %d from port %d: %s (%.3f s)" % (i, s.getsockname()[1], status, took))
    if status != "HTTP/1.1 200 OK":
        bad += 1
    s.close()
    time.sleep(0.2)  # our FIN acknowledged: the port is free on our side
sys.exit(1 if bad else 0)
PY
}

# old_syn PORT: one GET from PORT (its SYN's sequence number read off the
# tap), then that SYN again, as an old duplicate would come: web must
# answer with an ACK of the closed connection (its TIME-WAIT kept, RFC 1122
# 4.2.2.13), not a SYN-ACK.
old_syn() {
	ip netns exec "$ns" timeout 60 python3 - "$1" "$tap" <<'PY'
import socket, struct, sys, time
port, tap = int(sys.argv[1]), sys.argv[2]
web_ip = socket.inet_aton("10.214.0.3")
us_ip = socket.inet_aton("10.214.0.1")
# ETH_P_ALL: a socket bound to one protocol misses our own frames
sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
sniff.bind((tap, 0))
sniff.settimeout(0.2)

def segments(deadline):
    """(src port, dst port, seq, ack, flags) of each TCP segment on the tap."""
    while time.monotonic() < deadline:
        try:
            f = sniff.recv(2048)
        except socket.timeout:
            continue
        ip = f[14:]
        if f[12:14] != b"\x08\x00" or len(ip) < 40 or ip[9] != 6:
            continue
        tcp = ip[(ip[0] & 15) * 4:]
        yield struct.unpack("!HHII", tcp[:12]) + (tcp[13],)

def csum(b):
    b += b"\0" * (len(b) & 1)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    return ~((s & 0xffff) + (s >> 16)) & 0xffff

c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
c.bind(("10.214.0.1", port))
c.settimeout(5)
c.connect(("10.214.0.3", 80))
get = b"GET /stats.json HTTP/1.1\r\nHost: web\r\n\r\n"
c.sendall(get)
while c.recv(65536):
    pass
c.close()
isn = None
for sp, dp, seq, ack, fl in segments(time.monotonic() + 2):
    if sp == port and dp == 80 and fl & 0x12 == 0x02:
        isn = seq
        break
if isn is None:
    sys.exit("no SYN from port %d seen on %s" % (port, tap))
time.sleep(0.2)  # the connection closed on both sides
sniff.setblocking(False)
try:
    while sniff.recv(2048):  # the rest of that connection: seen
        pass
except BlockingIOError:
    pass
sniff.settimeout(0.2)

tcp = struct.pack("!HHIIBBHHH", port, 80, isn, 0, 5 << 4, 0x02, 64240, 0, 0)
pseudo = us_ip + web_ip + struct.pack("!BBH", 0, 6, len(tcp))
tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
raw.sendto(tcp, ("10.214.0.3", 0))  # the kernel adds the IP header
for sp, dp, seq, ack, fl in segments(time.monotonic() + 3):
    if sp == 80 and dp == port:
        want = "ACK %d" % ((isn + 1 + len(get) + 1) & 0xffffffff)
        got = "%s %d" % ("SYN-ACK" if fl & 0x02 else "ACK" if fl & 0x10 else "flags %#x" % fl, ack)
        print("old SYN from port %d (seq %d): web answered %s, expected %s" % (port, isn, got, want))
        sys.exit(0 if got == want else 1)
sys.exit("old SYN from port %d: no answer from web" % port)
PY
}

port=$((40000 + $$ % 20000))
out=$(gets "$port" 4) || fail "GET from one port:"$'\n'"$out"
echo "$out"
snap
kv_expect web lwip.tcp_reopened 3
kv_expect web http.ok 4
kv_expect web http.timeouts 0
kv_expect web http.errors 0
out=$(old_syn "$port" 2>&1) || fail "$out"
echo "$out"
snap
kv_expect web lwip.tcp_reopened 4
kv_expect web http.ok 5
out=$(gets "$port" 1) || fail "GET after the old SYN:"$'\n'"$out"
echo "$out"
snap
kv_expect web lwip.tcp_reopened 5
out=$(gets 0 4) || fail "GET from fresh ports:"$'\n'"$out"
echo "$out"
snap
kv_expect web lwip.tcp_reopened 5
kv_expect web http.ok 10
echo "$me: 6 GETs from port $port, 5 reopening a TIME-WAIT connection, an old SYN refused, 4 GETs from fresh ports: all 200"

net_stop
grep -q "killed\|exited with" "$log" && fail "a PD died: $(grep 'killed\|exited with' "$log")"
echo "$me: PASS"
