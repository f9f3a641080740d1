# shellcheck shell=bash
# shellcheck disable=SC2154 # me, sdvf, log, work, tap, kv: the caller's
# Helpers for the hosted network tests (sourced, not run; from the repo's
# top directory).  Each caller names itself (me), the launcher (sdvf), its
# run log (log) and scratch directory (work), and keeps the running
# launcher's pid in sdvf_pid; net_cleanup also reads ns, and fail reads
# stats_system (optional: the system whose counters a failure prints) and
# fail_context (optional: what the test was doing, e.g. "victim rmap").
# Namespaces, taps and subnets stay the caller's own (named after its pid).

# net_subnet A.B: a /24 of the caller's own, A.B.N with N from its pid
# (1..250): sets net (A.B.N) and hex (its three bytes in hex, as a
# description's `ip = [$hex 02]` wants them).
net_subnet() {
	net=$1.$(($$ % 250 + 1))
	hex=$(net_hex "$net")
}

# net_hex A.B.C: the three numbers in hex ("0a d7 05").
net_hex() {
	# shellcheck disable=SC2046,SC2183 # split the dotted prefix into 3 numbers
	printf '%02x %02x %02x' $(tr . ' ' <<<"$1")
}

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

# net_cleanup: the EXIT trap: kill the caller's background loads ($loads,
# a list of pids, if set), net_cleanup_more (if the caller defines it),
# then stop the system (SIGINT, then SIGKILL), delete $ns and $work.
net_cleanup() {
	local p
	for p in ${loads:-}; do kill "$p" 2>/dev/null || true; done
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

# ---- a system under load: killed, restarted or soaked ------------------
# For the tests that run one system under load and read its counters
# (driver_restart.sh, soak.sh, lib_client_restart.sh); they also name the
# system (sys).

# net_load_setup: after tap, ns, work and sys: the description's path
# (dts), the run log, the stats directory, ASan leaving SIGSEGV to the
# monitor (a test may kill a PD), no launcher and no loads yet, and the
# EXIT trap (net_cleanup).
net_load_setup() {
	dts=$work/$sys.dts
	log=$work/log
	export SDVF_STATS_DIR=$work/stats
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
	sdvf_pid=
	loads=
	trap net_cleanup EXIT
}

kv=
# snap: $kv = the counters of $sys now (empty if they cannot be read).
snap() {
	kv=$("$sdvf" stats --format=kv "$sys" 2>/dev/null) || kv=
}
# wait_until SECONDS WHAT CMD...: until CMD succeeds (after a fresh snap);
# fails on timeout or if the launcher ends first.
wait_until() {
	local deadline=$((SECONDS + $1)) what=$2
	shift 2
	while :; do
		snap
		"$@" && return 0
		[ $SECONDS -lt $deadline ] || fail "timed out waiting for $what"
		kill -0 "$sdvf_pid" 2>/dev/null || fail "sdvf ended early"
		sleep 0.05
	done
}
# kv_ge PD COUNTER VALUE / kv_eq PD COUNTER VALUE: (last snap) the counter
# is at least / exactly VALUE.
kv_ge() {
	local v
	v=$(kv_of "$1" "$2")
	[ -n "$v" ] && [ "$v" -ge "$3" ]
}
kv_eq() { [ "$(kv_of "$1" "$2")" = "$3" ]; }

# net_answers IP SECONDS: one ping from $ns answered within SECONDS.
net_answers() {
	local deadline=$((SECONDS + $2))
	until ip netns exec "$ns" ping -c 1 -W 1 "$1" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || fail "$1 never answered a ping"
	done
}

# net_all_back "RX CLIENTS" "TX CLIENTS": (last snap) every buffer where it
# rests: every RX DMA buffer at the driver, the TX pool idle, nothing in
# flight for each client index listed (at the RX mux / the TX mux).
net_all_back() {
	local c
	kv_eq net_rx_mux dma_lent 0 && kv_eq net_rx_mux dma_mux 0 &&
		kv_eq net_rx_mux dma_driver "$(kv_of net_rx_mux dma_bufs)" &&
		kv_eq net_tx_mux pool_driver 0 &&
		kv_eq net_tx_mux pool_idle "$(kv_of net_tx_mux pool_bufs)" || return 1
	for c in $1; do kv_eq net_rx_mux "c$c.in_flight" 0 || return 1; done
	for c in $2; do kv_eq net_tx_mux "c$c.in_flight" 0 || return 1; done
}

# net_conserved "RX CLIENTS" "TX CLIENTS": buffer conservation at rest (the
# load over, so the gauges settle within a bounded wait): net_all_back,
# then 512 RX DMA buffers and 256 TX pool buffers in all.
net_conserved() {
	wait_until 20 "every buffer back" net_all_back "$1" "$2"
	kv_expect net_rx_mux dma_bufs 512
	kv_expect net_tx_mux pool_bufs 256
	echo "$me: conserved: 512 RX DMA buffers at the driver," \
		"256 TX pool buffers idle, nothing in flight"
}

# net_three_clients NET MAC: the `clients` entries of the three-client
# systems (driver_restart.sh, lib_client_restart.sh), for a heredoc: copy
# (RX and TX copy, NET.2), rmap (RX and TX remap, trusted source MAC,
# NET.3), mixed (RX remap, TX copy, NET.4); NET a dotted /24 prefix
# (a.b.c), MAC the fifth byte (hex) of each client's MAC 02:00:00:00:MAC:0n.
net_three_clients() {
	local hex
	hex=$(net_hex "$1")
	cat <<CLIENTS
				copy {
					mac = [02 00 00 00 $2 02];
					ip = [$hex 02];
				};
				rmap {
					mac = [02 00 00 00 $2 03];
					ip = [$hex 03];
					rx-mode = "remap";
					tx-mode = "remap";
					trusted-source-mac;
				};
				mixed {
					mac = [02 00 00 00 $2 04];
					ip = [$hex 04];
					rx-mode = "remap";
				};
CLIENTS
}
