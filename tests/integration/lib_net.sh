# shellcheck shell=bash
# shellcheck disable=SC2154 # me, sdvf, log, work, tap, kv: the caller's
# Helpers for the hosted network tests (sourced, not run; from the repo's
# top directory).  Each caller names itself (me), the launcher (sdvf), its
# run log (log) and scratch directory (work), and keeps the running
# launcher's pid in sdvf_pid; net_cleanup also reads ns, and fail reads
# stats_system (optional: the system whose counters a failure prints) and
# fail_context (optional: what the test was doing, e.g. "victim rmap").
# Namespaces, taps and subnets stay the caller's own (named after its pid).

# net_require: exit 1 unless run as root with $sdvf built.
net_require() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "$me: needs root (network namespace and tap)" >&2
		exit 1
	fi
	if [ ! -x "$sdvf" ]; then
		echo "$me: $sdvf not built (make BUILD=${BUILD:-build} $sdvf)" >&2
		exit 1
	fi
}

# net_cleanup: the EXIT trap: net_cleanup_more (if the caller defines it),
# then stop the system (SIGINT, then SIGKILL), delete $ns and $work.
net_cleanup() {
	if declare -F net_cleanup_more >/dev/null; then net_cleanup_more; fi
	if [ -n "${sdvf_pid:-}" ] && kill -0 "$sdvf_pid" 2>/dev/null; then
		kill -INT "$sdvf_pid" 2>/dev/null || true
		sleep 1
		kill -KILL "$sdvf_pid" 2>/dev/null || true
	fi
	[ -z "${ns:-}" ] || ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}

# fail MESSAGE: say what failed, print the counters, the run log and
# net_fail_more (if the caller defines it); exit 1.
fail() {
	echo "$me: FAILED${fail_context:+ ($fail_context)}: $*" >&2
	if [ -n "${stats_system:-}" ]; then
		echo "--- sdvf stats" >&2
		"$sdvf" stats --format=kv "$stats_system" >&2 || true
	fi
	echo "--- sdvf log" >&2
	cat "$log" >&2 || true
	if declare -F net_fail_more >/dev/null; then net_fail_more >&2; fi
	exit 1
}

# net_least_privilege DTS: least_privilege.awk over `sdvf dump DTS` (the
# real values of a description a script fills in, which least_privilege.sh
# skips).
net_least_privilege() {
	local lp
	lp=$("$sdvf" dump "$1" |
		awk -f tests/integration/least_privilege.awk -v src="$1") ||
		fail "least privilege: $lp"
}

# net_run DTS SECONDS: `sdvf run DTS` in the background into $log.
net_run() {
	"$sdvf" run "$1" --duration "$2" >"$log" 2>&1 &
	sdvf_pid=$!
}

# net_wait_tap PID TAP [TRIES]: until TAP exists (TRIES x 0.1 s, default
# 100), failing if process PID (the launcher) ends first.
net_wait_tap() {
	for _ in $(seq "${3:-100}"); do
		ip link show "$2" >/dev/null 2>&1 && return 0
		kill -0 "$1" 2>/dev/null || fail "sdvf exited before the tap appeared"
		sleep 0.1
	done
	ip link show "$2" >/dev/null 2>&1 || fail "tap $2 never appeared"
}

# net_move_tap NS TAP ADDRESS [noipv6]: TAP into a new namespace NS, with
# lo up and ADDRESS/24 on TAP; noipv6: IPv6 off there first (then the
# namespace sends nothing of its own to move the counters).
net_move_tap() {
	ip netns add "$1"
	ip link set "$2" netns "$1"
	if [ "${4:-}" = noipv6 ]; then
		ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 \
			"net.ipv6.conf.$2.disable_ipv6=1"
	fi
	ip -n "$1" link set lo up
	ip -n "$1" addr add "$3/24" dev "$2"
	ip -n "$1" link set "$2" up
}

# net_start DTS SECONDS ADDRESS [noipv6]: net_run, net_wait_tap and
# net_move_tap for the caller's $tap and $ns.
net_start() {
	net_run "$1" "$2"
	net_wait_tap "$sdvf_pid" "$tap"
	net_move_tap "$ns" "$tap" "$3" "${4:-}"
}

# net_echo_udp_tcp IP: from $ns, UDP echo of 5 sizes (1..1472) on IP port
# 1235 and 64 KiB of TCP echo on a new connection to port 1236, each
# byte-identical; else says why and returns non-zero.
net_echo_udp_tcp() {
	ip netns exec "$ns" timeout 60 python3 - "$1" <<'PY'
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

# kv_of PD COUNTER: the value in $kv (the lines of `sdvf stats --format=kv
# SYSTEM`, one system's; empty if absent).
kv_of() {
	awk -v pd="$1" -v c="$2" '$2 == pd && $3 == c { print $4 }' <<<"$kv"
}

# kv_expect PD COUNTER VALUE: fail unless $kv has exactly VALUE.
kv_expect() {
	[ "$(kv_of "$1" "$2")" = "$3" ] ||
		fail "$1 $2 is '$(kv_of "$1" "$2")', expected $3"
}

# net_stop: SIGINT the launcher and wait for it; fails unless it exits 0.
net_stop() {
	local rc=0
	kill -INT "$sdvf_pid"
	wait "$sdvf_pid" || rc=$?
	sdvf_pid=
	[ "$rc" -eq 0 ] || fail "sdvf exited with $rc"
}

# net_summary_clean "PD...": each PD (a list) has a row in the final summary, with 0
# restarts and ending stopped.
net_summary_clean() {
	local pd line restarts end
	for pd in $1; do
		line=$(grep -E "^  $pd +[0-9]+ " "$log") ||
			fail "no summary line for $pd"
		read -r _ _ _ _ restarts end <<<"$line"
		if [ "$restarts" != 0 ] || [ "$end" != stopped ]; then
			fail "$pd: restarts $restarts, end '$end'"
		fi
	done
}
