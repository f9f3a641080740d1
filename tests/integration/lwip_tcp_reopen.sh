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

port=$((40000 + $$ % 20000))
out=$(gets "$port" 4) || fail "GET from one port:"$'\n'"$out"
echo "$out"
snap
kv_expect web lwip.tcp_reopened 3
kv_expect web http.ok 4
kv_expect web http.timeouts 0
kv_expect web http.errors 0
out=$(gets 0 4) || fail "GET from fresh ports:"$'\n'"$out"
echo "$out"
snap
kv_expect web lwip.tcp_reopened 3
kv_expect web http.ok 8
echo "$me: 4 GETs from port $port, 3 reopening a TIME-WAIT connection, then 4 from fresh ports: all 200"

net_stop
grep -q "killed\|exited with" "$log" && fail "a PD died: $(grep 'killed\|exited with' "$log")"
echo "$me: PASS"
