#!/usr/bin/env bash
# Integration: the HTTP stats client (clients/http_stats.c) on a TAP wire in
# a private network namespace, beside a raw_responder, both clients of the
# muxes (`sdvf,net`); http_stats holds the read-only grant of the stats
# file.  From the namespace, with curl and Python sockets:
#   - GET / is the HTML page (its script fetches /stats.json);
#   - GET /stats.json is valid JSON naming the system and both clients;
#   - 20 pings to the responder show in its row of the next /stats.json:
#     rx_frames and tx_frames each grew by 20 to 24 (the pings, and the
#     ARP frames a ping may cause), rx_bytes by at least 20 x 98;
#   - 404 for another path, 405 for POST, 400 for a malformed request line,
#     431 for a head longer than 2 KiB; 4 connections at once each get 200;
#   - the page in headless Chromium (run in the namespace): after its
#     script has run, the DOM's table has a row per client whose rx and
#     tx frame and byte counters are all non-zero;
# then SIGINTs the system: it exits 0 and no PD restarted.
# Needs root, curl and chromium (make deps).  Everything it makes is named after this shell's pid and
# removed on exit; traffic stays inside the namespace.
set -euo pipefail
cd "$(dirname "$0")/../.."

sdvf=${BUILD:-build}/sdvf
me=http_stats
# shellcheck source=tests/integration/lib_net.sh
. tests/integration/lib_net.sh
net_require

net_subnet 10.215
tap=sdvh$$
ns=sdvf-http-$$
work=$(mktemp -d /tmp/sdvf-http-stats.XXXXXX)
log=$work/run.log
dts=$work/http-$$.dts
sdvf_pid=

trap net_cleanup EXIT

cat >"$dts" <<TEMPLATE_DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	name = "http-$$";
	pds {
		web {
			component = "http_stats";
			maps { stats = "sdvf.stats", "r"; };
			config { prefix_len = <24>; };
		};
		responder {
			component = "raw_responder";
			config { prefix_len = <24>; };
		};
	};
	subsystems {
		net {
			compatible = "sdvf,net";
			nic { wire = "tap"; tap-name = "$tap";
			      mac = [02 00 00 00 e9 01]; };
			clients {
				web { mac = [02 00 00 00 e9 02]; ip = [$hex 02]; };
				responder { mac = [02 00 00 00 e9 03];
					    ip = [$hex 03]; rx-mode = "remap"; };
			};
		};
	};
};
TEMPLATE_DTS
"$sdvf" check "$dts" >/dev/null 2>"$work/check.err" ||
	fail "sdvf check: $(cat "$work/check.err")"
net_least_privilege "$dts"

net_start "$dts" 90 "$net.1"

in_ns() { ip netns exec "$ns" timeout 20 "$@"; }
web=http://$net.2

page=$(in_ns curl -sS -D "$work/page.head" "$web/") || fail "GET /: $page"
grep -q "^HTTP/1.1 200 OK" "$work/page.head" || fail "GET /: $(head -1 "$work/page.head")"
grep -qi "^Content-Type: text/html" "$work/page.head" || fail "GET /: not text/html"
grep -q "fetch('/stats.json'" <<<"$page" || fail "GET /: the page does not fetch /stats.json"
! grep -Eq "(src|href)=\"?https?:" <<<"$page" || fail "GET /: the page names external assets"

# stats FILE: /stats.json into FILE; its type must be application/json.
stats() {
	in_ns curl -sS -D "$work/json.head" -o "$1" "$web/stats.json" ||
		fail "GET /stats.json"
	grep -qi "^Content-Type: application/json" "$work/json.head" ||
		fail "/stats.json: $(cat "$work/json.head")"
}
stats "$work/before.json"
in_ns ping -c 20 -i 0.1 -W 2 "$net.3" >"$work/ping" || fail "ping: $(cat "$work/ping")"
grep -q " 0% packet loss" "$work/ping" || fail "ping lost packets: $(cat "$work/ping")"
stats "$work/after.json"

python3 - "$work/before.json" "$work/after.json" "http-$$" <<'PY' || fail "/stats.json counters"
import json, sys
before, after = (json.load(open(f)) for f in sys.argv[1:3])
for s in (before, after):
    assert s["system"] == sys.argv[3], s["system"]
    assert s["truncated"] is False
    assert {p["name"] for p in s["pds"]} >= {"web", "responder", "net_rx_mux", "net_tx_mux"}
    assert {c["name"] for c in s["clients"]} == {"web", "responder"}, s["clients"]
row = lambda s, n: next(c for c in s["clients"] if c["name"] == n)
b, a = row(before, "responder"), row(after, "responder")
d = {k: a[k] - b[k] for k in ("rx_frames", "tx_frames", "rx_bytes", "tx_bytes")}
assert 20 <= d["rx_frames"] <= 24, d
assert 20 <= d["tx_frames"] <= 24, d
assert d["rx_bytes"] >= 20 * 98 and d["tx_bytes"] >= 20 * 98, d
web = next(p for p in after["pds"] if p["name"] == "web")
assert web["component"] == "http_stats" and web["state"] == "running", web
assert web["counters"]["http.ok"] >= 2, web["counters"]
print("http_stats: /stats.json valid; responder rx/tx frames +%d/+%d after 20 pings"
      % (d["rx_frames"], d["tx_frames"]))
PY

# The page in a real browser: headless Chromium in the namespace loads /,
# runs its script (which fetches /stats.json) and dumps the DOM: the title
# names the system, the status line says it updated, and each client's
# row shows rx and tx frames and bytes, all non-zero (the responder has
# had 20 pings; web has served this page and /stats.json).
command -v chromium >/dev/null || fail "chromium not installed (make deps)"
ip netns exec "$ns" timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
	--user-data-dir="$work/chromium" --virtual-time-budget=3000 \
	--dump-dom "$web/" >"$work/dom.html" 2>"$work/chromium.err" ||
	fail "chromium: $(tail -5 "$work/chromium.err")"
python3 - "$work/dom.html" "http-$$" <<'PY' || fail "the page's DOM in Chromium"
import html.parser, sys
class Rows(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.rows, self.cell, self.where = {}, [], None, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and a.get("class") == "client":
            self.rows.append([])
        elif tag == "td" and self.rows:
            self.cell = ""
        if "id" in a:
            self.where = a["id"]
            self.ids[self.where] = ""
    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None
        if tag in ("h1", "p"):
            self.where = None
    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        elif self.where in ("system", "status"):
            self.ids[self.where] += data
p = Rows()
p.feed(open(sys.argv[1]).read())
assert p.ids.get("system") == "sdvf: " + sys.argv[2], p.ids
assert p.ids.get("status", "").startswith("updated "), p.ids
rows = {r[0]: r for r in p.rows}
assert set(rows) == {"web", "responder"}, p.rows
for name, r in rows.items():
    # client, rx frames, rx bytes, tx frames, tx bytes, drops, ...
    assert all(int(v) > 0 for v in r[1:5]), r
print("http_stats: Chromium ran the page's script: %s" %
      ", ".join("%s rx %s tx %s frames" % (n, r[1], r[3])
                for n, r in sorted(rows.items())))
PY

code() { in_ns curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code "$web/nope")" = 404 ] || fail "GET /nope: not 404"
[ "$(code -X POST "$web/stats.json")" = 405 ] || fail "POST: not 405"

in_ns python3 - "$net.2" <<'PY' || fail "raw requests"
import socket, sys
host = sys.argv[1]
def ask(data):
    s = socket.create_connection((host, 80), timeout=5)
    s.sendall(data)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return out
        out += chunk
status = lambda r: r.split(b"\r\n", 1)[0]
assert status(ask(b"GARBAGE\r\n\r\n")) == b"HTTP/1.1 400 Bad Request"
assert status(ask(b"GET /stats.json HTTP/2.0\r\n\r\n")) == b"HTTP/1.1 400 Bad Request"
r = ask(b"GET / HTTP/1.1\r\nX: " + b"a" * 3000 + b"\r\n\r\n")
assert status(r) == b"HTTP/1.1 431 Request Header Fields Too Large", status(r)
conns = [socket.create_connection((host, 80), timeout=5) for _ in range(4)]
for s in conns:
    s.sendall(b"GET /stats.json HTTP/1.1\r\nHost: x\r\n")
for s in conns:
    s.sendall(b"\r\n")
for s in conns:
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    assert status(out) == b"HTTP/1.1 200 OK", out[:80]
    assert out.rstrip().endswith(b"}"), out[-80:]
print("http_stats: 400, 400, 431 and four concurrent 200s")
PY

net_stop
net_summary_clean "web responder net_rx_mux net_tx_mux"
echo "http_stats: ok"
