#!/bin/bash
# The main job (`make demo`): run examples/demo.dts, the default system (the
# ENET model on TAP sdvfdemo0, its driver, the RX and TX muxes under
# weighted DRR, and three native clients: `echo` (lwIP UDP/TCP echo), `web`
# (lwIP HTTP, /stats.json) and `bench` (a raw reflector)), move the TAP into
# the network namespace sdvf-demo as 10.214.0.1/24, and exercise every
# client from there with real Linux tools:
#   - ping each client (20 pings, none lost; their round trips measured);
#   - UDP echo of 1..1472-byte payloads and TCP echo of 1 B..256 KiB
#     against `echo`, byte for byte, and 200 UDP round trips timed;
#   - curl /stats.json (valid JSON; `echo`'s and `bench`'s frame counts grew
#     by at least what was sent to them) and / (the live page);
#   - a UDP load against `bench` (2 s, 32 datagrams in flight, every reply
#     checked and counted), while `sdvf stats --interval 1` shows the live
#     per-client table, then 200 timed UDP round trips;
#   - SIGINT: the system stops cleanly, no PD died or restarted;
# then a summary table (per client frames, bytes, drops from /stats.json;
# round trips measured from the namespace, median and p99) and PASS/FAIL per
# check.  Exit 0 only if every check passed.
#
# Needs root (a TAP and a namespace).  Everything it makes (the namespace,
# the TAP, the system's processes, /run/NAMESPACE) is removed on exit, on
# Ctrl-C and when a step fails; what a killed run left under the same
# names (its system, by the pid it recorded; its namespace) is removed
# first, and the system stops by itself after $limit s anyway.
#
#   scripts/demo.sh       SDVF=path/to/sdvf (default build/sdvf)
#                         DEMO_NS, DEMO_TAP: other names than sdvf-demo and
#                         sdvfdemo0 (tests/integration/demo.sh), for a copy
#                         of examples/demo.dts with that tap-name
set -uo pipefail
cd "$(dirname "$0")/.."

sdvf=${SDVF:-build/sdvf}
system=demo
ns=${DEMO_NS:-sdvf-demo}
tap=${DEMO_TAP:-sdvfdemo0}
net=10.214.0 # inside the namespace only
bench_port=4000 # bench reflects UDP to any port: not an echo service
peer=tests/integration/lwip_net_peer.py
work=/run/$ns          # this run's files, removed on exit
pidfile=$work/sdvf.pid # the system of a run, while it is up
limit=120              # the system stops by itself after this long
dts=examples/demo.dts
[ "$tap" = sdvfdemo0 ] || dts=$work/demo.dts # a copy with that tap-name

say() { printf '%s\n' "$*"; }
die() {
	say "demo: $*" >&2
	exit 1
}
[ "$(id -u)" = 0 ] || die "needs root (a TAP interface and a network" \
	"namespace): run 'sudo make demo'"
[ -x "$sdvf" ] || die "$sdvf not built (run make)"
[[ "$ns" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,40}$ ]] ||
	die "DEMO_NS '$ns': expected 1..41 of A-Z a-z 0-9 _ . - (not first)"
[[ "$tap" =~ ^[A-Za-z0-9_][A-Za-z0-9_-]{0,14}$ ]] ||
	die "DEMO_TAP '$tap': expected 1..15 of A-Z a-z 0-9 _ -"
for tool in ip ping curl python3; do
	command -v "$tool" >/dev/null || die "$tool not installed (run make deps)"
done

# ---- what a killed run may have left --------------------------------------
# Only the system our own pid file names, and only if it still is one.
if [ -f "$pidfile" ]; then
	old=$(cat "$pidfile")
	if [[ "$old" =~ ^[0-9]+$ ]] &&
		tr '\0' ' ' <"/proc/$old/cmdline" 2>/dev/null |
		grep -q "run $dts "; then
		say "demo: stopping the system of an earlier run (pid $old)"
		kill -INT "$old" 2>/dev/null
		for _ in $(seq 30); do
			kill -0 "$old" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$old" 2>/dev/null
	fi
fi
rm -rf "$work"
if ip netns list | cut -d" " -f1 | grep -qxF "$ns"; then
	say "demo: deleting namespace $ns left by an earlier run"
	ip netns del "$ns"
fi
ip link show "$tap" >/dev/null 2>&1 && ip link del "$tap" 2>/dev/null

# ---- cleanup, on every way out --------------------------------------------
mkdir -m 700 "$work" || die "could not create $work"
log=$work/run.log
if [ "$dts" != examples/demo.dts ]; then
	sed "s/tap-name = \"sdvfdemo0\"/tap-name = \"$tap\"/" \
		examples/demo.dts >"$dts"
	grep -q "\"$tap\"" "$dts" || die "could not write $dts"
fi
export SDVF_STATS_DIR=$work/stats
mkdir -m 700 "$SDVF_STATS_DIR"
sdvf_pid=
load_pid=

cleanup() {
	trap - EXIT INT TERM
	[ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null
	if [ -n "$sdvf_pid" ] && kill -0 "$sdvf_pid" 2>/dev/null; then
		kill -INT "$sdvf_pid" 2>/dev/null
		for _ in $(seq 30); do
			kill -0 "$sdvf_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$sdvf_pid" 2>/dev/null
		wait "$sdvf_pid" 2>/dev/null
	fi
	ip netns del "$ns" 2>/dev/null
	ip link del "$tap" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'say "demo: interrupted, cleaning up" >&2; exit 130' INT TERM

# ---- checks ----------------------------------------------------------------
# check $? NAME [DETAIL]: record PASS/FAIL for that status (given first:
# a command substitution in DETAIL would change $?).
results=()
failed=0
check() {
	local rc=$1 name=$2
	shift 2
	if [ "$rc" -eq 0 ]; then
		results+=("PASS  $name${1:+: $*}")
	else
		results+=("FAIL  $name${1:+: $*}")
		failed=$((failed + 1))
	fi
	say "  ${results[-1]}"
	return "$rc"
}
in_ns() { ip netns exec "$ns" timeout 30 "$@"; }
size_of() { if [ -f "$1" ]; then wc -c <"$1"; else echo 0; fi; }
log_tail() { sed 's/^/  | /' "$log" | tail -n 30 >&2; }

# ---- start ----------------------------------------------------------------
say "== starting $dts; sdvf run says where each client is:"
"$sdvf" run "$dts" --duration "$limit" >"$log" 2>&1 &
sdvf_pid=$!
echo "$sdvf_pid" >"$pidfile"
for _ in $(seq 100); do
	ip link show "$tap" >/dev/null 2>&1 && break
	kill -0 "$sdvf_pid" 2>/dev/null || { log_tail; die "sdvf exited at start"; }
	sleep 0.1
done
ip link show "$tap" >/dev/null 2>&1 || { log_tail; die "TAP $tap never appeared"; }
ip netns add "$ns" &&
	ip link set "$tap" netns "$ns" &&
	ip -n "$ns" link set lo up &&
	ip -n "$ns" addr add "$net.1/24" dev "$tap" &&
	ip -n "$ns" link set "$tap" up || die "could not set up namespace $ns"

# Up: the launcher printed where the clients are, and each answers a ping.
clients=$(sed -n 's/^sdvf: net client \([^:]*\): .*/\1/p' "$log")
ips=$(sed -n 's/^sdvf: net client .* ip=\([^ ]*\) .*/\1/p' "$log")
[ "$(wc -w <<<"$clients")" = 3 ] || { log_tail; die "sdvf run did not list 3 clients"; }
grep '^sdvf: net client ' "$log" | sed 's/^sdvf: /  /'
for ip in $ips; do
	for _ in $(seq 50); do
		in_ns ping -c 1 -W 0.2 "$ip" >/dev/null 2>&1 && break
		sleep 0.1
	done
done
say "== the system is up; from namespace $ns ($net.1):"
ip_of() { sed -n "s/^sdvf: net client $1: .* ip=\\([^ ]*\\) .*/\\1/p" "$log"; }
echo_ip=$(ip_of echo)
web_ip=$(ip_of web)
bench_ip=$(ip_of bench)

# ---- ping each client -------------------------------------------------------
for c in $clients; do
	ip=$(ip_of "$c")
	in_ns ping -c 20 -i 0.05 -W 2 "$ip" >"$work/ping.$c" 2>&1 &&
		grep -q " 0% packet loss" "$work/ping.$c"
	check $? "ping $c ($ip)" "$(grep -o '[0-9]* received' "$work/ping.$c") of 20"
done

# ---- /stats.json before the echo and bench traffic ------------------------
stats_json() {
	in_ns curl -sS -D "$work/$1.head" -o "$work/$1.json" \
		"http://$web_ip/stats.json" &&
		grep -qi '^Content-Type: application/json' "$work/$1.head" &&
		python3 -m json.tool "$work/$1.json" >/dev/null
}
stats_json before
check $? "curl /stats.json: valid JSON" "$(size_of "$work/before.json") bytes"

# ---- echo -------------------------------------------------------------------
sizes=$(python3 "$peer" sample-list | tr '\n' ' ')
in_ns python3 "$peer" sample "$echo_ip" >"$work/udp.out" 2>&1
check $? "UDP echo ($echo_ip:1235), byte for byte" "$(wc -w <<<"$sizes") sizes, 1..1472 bytes"
tcp_sizes="1 1472 65536 262144"
in_ns python3 "$peer" tcp-sizes "$echo_ip" $tcp_sizes >"$work/tcp.out" 2>&1
check $? "TCP echo ($echo_ip:1236), byte for byte" "$tcp_sizes bytes, a connection each"
in_ns python3 "$peer" rtt "$echo_ip" 1235 200 >"$work/rtt.echo" 2>&1
check $? "UDP round trips to echo" "$(awk '/^rtt/ { print $3 - $4 " of " $3 " back" }' "$work/rtt.echo")"

# ---- the page ---------------------------------------------------------------
in_ns curl -sS -D "$work/page.head" -o "$work/page.html" "http://$web_ip/" &&
	grep -q '^HTTP/1.1 200' "$work/page.head" &&
	grep -qi '^Content-Type: text/html' "$work/page.head" &&
	grep -q "/stats.json" "$work/page.html"
check $? "curl / (the live page)" "$(size_of "$work/page.html") bytes of HTML"

# ---- load against bench, with the live view -------------------------------
say "== 2 s of UDP load against bench ($bench_ip:$bench_port, 32 in flight), the live view meanwhile:"
in_ns python3 "$peer" load "$bench_ip" "$bench_port" 2 32 >"$work/load.out" 2>&1 &
load_pid=$!
sleep 0.5
"$sdvf" stats --interval 1 --count 3 "$system" 2>&1 |
	awk '/^--- / { show = 1 } /^$/ { show = 0 } show { print "  " $0; fflush() }'
wait "$load_pid"
load_rc=$?
load_pid=
check $load_rc "UDP load against bench, window 32" "$(awk '/^load/ { print $4 " of " $3 " back, " $5 " altered, " $6 " replies/s" }' "$work/load.out")"
in_ns python3 "$peer" rtt "$bench_ip" "$bench_port" 200 >"$work/rtt.bench" 2>&1
check $? "UDP round trips to bench" "$(awk '/^rtt/ { print $3 - $4 " of " $3 " back" }' "$work/rtt.bench")"

# ---- /stats.json after: the counters saw the traffic ------------------------
stats_json after
check $? "curl /stats.json again: valid JSON"
# At least what the peer sent each: echo, the UDP sizes, 200 round trips
# and the TCP data segments; bench, the replies the peer counted and 200.
load_back=$(awk '/^load/ { print $4 }' "$work/load.out")
python3 - "$work/before.json" "$work/after.json" "$(wc -w <<<"$sizes")" \
	"${load_back:-0}" >"$work/grew.out" 2>&1 <<'PY'
import json, sys
try:
    before, after = (json.load(open(f)) for f in sys.argv[1:3])
except (OSError, ValueError) as e:
    sys.exit("no /stats.json to compare (%s)" % e.__class__.__name__)
udp_sizes, load_back = int(sys.argv[3]), int(sys.argv[4])
row = lambda s, n: next(c for c in s["clients"] if c["name"] == n)
want = {"echo": udp_sizes + 200 + 4, "bench": load_back + 200}
out = []
for name, n in want.items():
    b, a = row(before, name), row(after, name)
    rx, tx = a["rx_frames"] - b["rx_frames"], a["tx_frames"] - b["tx_frames"]
    out.append("%s rx +%d tx +%d (sent >= %d)" % (name, rx, tx, n))
    if rx < n or tx < n:
        sys.exit("; ".join(out))
print("; ".join(out))
PY
check $? "/stats.json counters grew by the traffic sent" "$(tail -n 1 "$work/grew.out")"

# ---- stop ------------------------------------------------------------------
# The client table as sdvf stats has it: the summary's counters if
# /stats.json could not be read.
"$sdvf" stats "$system" >"$work/final.txt" 2>&1
kill -INT "$sdvf_pid"
rc=0
wait "$sdvf_pid" || rc=$?
sdvf_pid=
rm -f "$pidfile"
restarted=$(awk '/^  PD +PID/ { t = 1; next } t && NF >= 6 && ($5 != 0 || $6 != "stopped") { print $1 }' "$log")
[ "$rc" = 0 ] && [ -z "$restarted" ] && grep -q "^sdvf: summary of '$system'" "$log"
check $? "SIGINT stops the system cleanly" "exit $rc${restarted:+, not clean: $restarted}"

# ---- summary ---------------------------------------------------------------
say ""
say "== summary: round trips measured from $ns, counters from $([ -s "$work/after.json" ] && echo /stats.json || echo "sdvf stats")"
python3 - "$work" "$log" <<'PY'
import json, os, re, sys
work, log = sys.argv[1:3]
clients = re.findall(r"^sdvf: net client (\S+): component=(\S+) mac=\S+ "
                     r"ip=(\S+) rx=(\S+) tx=(\S+)$",
                     open(log).read(), re.M)
try:
    rows = {c["name"]: c for c in
            json.load(open(os.path.join(work, "after.json")))["clients"]}
except (OSError, ValueError, KeyError):
    rows = {}  # the client table of sdvf stats, then
    keys = ("rx_frames", "rx_bytes", "tx_frames", "tx_bytes", "drops",
            "top_drop")
    try:
        text = open(os.path.join(work, "final.txt")).read()
        table = text.split("  CLIENT ", 1)[1].split("\n  MUX ", 1)[0]
        for line in table.splitlines()[1:]:
            f = line.split()
            if len(f) >= 7:
                r = dict(zip(keys, [int(x) for x in f[1:6]] + [f[6]]))
                r["top_drop"] = None if f[6] == "-" else f[6]
                rows[f[0]] = r
    except (OSError, IndexError, ValueError):
        pass

def pct(values, p):
    values = sorted(values)
    return values[max(1, -(-len(values) * p // 100)) - 1] if values else None

def ping_rtt(name):
    try:
        text = open(os.path.join(work, "ping." + name)).read()
    except OSError:
        return "-"
    t = [float(x) for x in re.findall(r"time=([0-9.]+) ms", text)]
    return "%.3f/%.3f" % (pct(t, 50), pct(t, 99)) if t else "-"

def udp_rtt(name):
    try:
        f = open(os.path.join(work, "rtt." + name)).read().split()
        return "%s/%s" % (f[4], f[5])
    except (OSError, IndexError):
        return "-"

def num(row, key):
    v = row.get(key)
    return "-" if v is None else str(v)

head = ("CLIENT", "COMPONENT", "IPV4", "MODES", "RX-FRAMES", "TX-FRAMES",
        "RX-BYTES", "TX-BYTES", "DROPS", "PING ms med/p99", "UDP ms med/p99",
        "TOP-DROP")
lines = [head]
for name, comp, ip, rx, tx in clients:
    r = rows.get(name, {})
    lines.append((name, comp, ip, rx + "/" + tx, num(r, "rx_frames"),
                  num(r, "tx_frames"), num(r, "rx_bytes"),
                  num(r, "tx_bytes"), num(r, "drops"), ping_rtt(name),
                  udp_rtt(name), r.get("top_drop") or "-"))
width = [max(len(l[i]) for l in lines) for i in range(len(head))]
for l in lines:
    print("  " + "  ".join(v.ljust(width[i]) if i < 4 or i > 10
                           else v.rjust(width[i])
                           for i, v in enumerate(l)).rstrip())
PY
say ""
for r in "${results[@]}"; do say "  $r"; done
if [ "$failed" -ne 0 ]; then
	say "demo: $failed of ${#results[@]} checks FAILED; the details:"
	for f in "$work"/*.out "$work"/rtt.* ; do
		[ -f "$f" ] && sed "s|^|  $(basename "$f"): |" "$f"
	done
	log_tail
	exit 1
fi
say "demo: all ${#results[@]} checks passed"
