# shellcheck shell=bash
# The body of net_client_restart.sh (kind=raw: raw_responder clients) and
# lwip_client_restart.sh (kind=lwip: lwIP echo clients over
# clients/lwip_netif.c): a restartable client killed under load, as their
# headers say.  Sourced from the repo's top directory as
# `. tests/integration/lib_client_restart.sh ME KIND` (ME names the test in
# its messages); only the components, the names, the subnet and what the
# new instance kv_expect answer differ.
# Waits are bounded; nothing is timed.

me=$1
kind=$2
# shellcheck source=tests/integration/lib_net.sh
. tests/integration/lib_net.sh

build=${BUILD:-build}
sdvf=$build/sdvf
net_require

case $kind in
raw)
	net=10.214.$(($$ % 250 + 1))
	tap=sdvfrst$$
	ns=sdvf-rst-$$
	work=$(mktemp -d /tmp/sdvf-net-restart.XXXXXX)
	sys=net_restart
	component=raw_responder
	config="prefix_len = <24>; log_period_ms = <600000>;"
	mac=e9
	;;
lwip)
	net=10.217.$(($$ % 250 + 1))
	tap=sdvlrst$$
	ns=sdvf-t-lwrst-$$
	work=$(mktemp -d /tmp/sdvf-lwip-restart.XXXXXX)
	sys=lwip_restart
	component="echo"
	config="prefix_len = <24>;"
	mac=eb
	;;
*)
	echo "lib_client_restart.sh: kind is raw or lwip, not '$kind'" >&2
	exit 1
	;;
esac
net_load_setup

# ---- the system ---------------------------------------------------------

cat >"$dts" <<TEMPLATE
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		copy {
			component = "$component";
			restartable;
			config { $config };
		};
		rmap {
			component = "$component";
			restartable;
			config { $config };
		};
		mixed {
			component = "$component";
			config { $config };
		};
	};
	subsystems {
		net {
			compatible = "sdvf,net";
			rx-capacity = <128>;
			tx-capacity = <128>;
			nic {
				wire = "tap";
				tap-name = "$tap";
				mac = [02 00 00 00 $mac 01];
			};
			clients {
$(net_three_clients "$net" $mac)
			};
		};
	};
};
TEMPLATE

# Least privilege of what the expander made, with the real values (the
# TEMPLATE above is skipped by least_privilege.sh), as it checks the
# examples.
net_least_privilege "$dts"

# Client PD -> its index at both muxes, and its address.
declare -A idx=([copy]=0 [rmap]=1 [mixed]=2)
declare -A addr=([copy]=$net.2 [rmap]=$net.3 [mixed]=$net.4)

net_run "$dts" 300
net_wait_tap "$sdvf_pid" "$tap" 200
net_move_tap "$ns" "$tap" "$net.1"

for pd in copy rmap mixed; do net_answers "${addr[$pd]}" 30; done
echo "$me: every client answers"

# ---- the load -----------------------------------------------------------

# udp_echo OUT IP...: 2000 datagrams to each IP's port 1235 in turn, sizes
# 18..1472, each reply checked byte for byte; exits 1 at the first loss.
udp_echo() {
	local out=$1
	shift
	ip netns exec "$ns" timeout 120 python3 - "$@" >"$out" 2>&1 <<'PY'
import socket, sys, time
ips = sys.argv[1:]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
n = 2000
for i in range(n):
    for ip in ips:
        size = 18 + (i * 37) % 1455
        p = (b"%08d-%s-" % (i, ip.encode())) * (size // 8 + 1)
        p = p[:size]
        s.sendto(p, (ip, 1235))
        try:
            data, src = s.recvfrom(4096)
        except socket.timeout:
            sys.exit("udp %s: datagram %d (%d bytes) never came back" % (ip, i, size))
        if data != p or src != (ip, 1235):
            sys.exit("udp %s: datagram %d: %d bytes back from %s, equal=%s"
                     % (ip, i, len(data), src, data == p))
    time.sleep(0.002)
print("udp: %d datagrams to each of %s echoed byte-identical" % (n, " ".join(ips)))
PY
}

# ping_ok OUT: every ping answered once, nothing else.
ping_ok() {
	grep -q ' 0% packet loss' "$1" && ! grep -Eq 'duplicates|errors' "$1"
}

# mux_clean IDX: neither mux counted a drop, violation, refused index or
# TX error for client IDX.
mux_clean() {
	local c=c$1 n
	n=$(awk -v c="$c" '($2 == "net_rx_mux" || $2 == "net_tx_mux") &&
		(index($3, c ".drop.") == 1 || index($3, c ".viol.") == 1 ||
		 index($3, c ".rej_") == 1 || index($3, c ".sw_drop") == 1 ||
		 (index($3, c "_") == 1 && $3 ~ /bad_index$/) ||
		 $3 == c ".tx_errors" || $3 == c ".drv_rejected") {
			seen++
			if ($4 != 0) bad = bad $2 " " $3 "=" $4 "; "
		}
		END { print (seen < 15 ? "only " seen " counters found" : bad) }' \
		<<<"$kv")
	[ -z "$n" ] || fail "client $c lost or was refused something: $n"
}

# A client's own queue and ownership counters (net_client): nothing refused.
client_clean() {
	local n
	for n in rx_active.bad_index rx_free.bad_index tx_active.bad_index \
		tx_free.bad_index net.rx_bad net.tx_bad net.queue_full; do
		kv_expect "$1" "$n" 0
	done
}

# echo_again IP: net_echo_udp_tcp (lib_net.sh) to IP, or fail.
echo_again() {
	net_echo_udp_tcp "$1" >"$work/again" 2>&1 ||
		fail "echo at $1 after the restart: $(cat "$work/again")"
}

# answers_again PD RESTARTS (raw): 20 pings, each answered once and counted
# once (icmp_replies grows by exactly 20), and PD started RESTARTS + 2 times.
# (lwip): 20 pings each answered once, UDP echo of 5 sizes (udp.packets
# grows by exactly 5) and TCP echo on one new connection.
answers_again() {
	local icmp udp0
	if [ "$kind" = raw ]; then
		snap
		icmp=$(kv_of "$1" icmp_replies)
	fi
	ip netns exec "$ns" timeout 30 ping -q -c 20 -i 0.01 -W 2 \
		"${addr[$1]}" >"$work/ping.after" 2>&1 || true
	ping_ok "$work/ping.after" ||
		fail "$1 after its restart: $(tail -2 "$work/ping.after")"
	if [ "$kind" = raw ]; then
		wait_until 10 "$1 to count 20 more echo replies" \
			kv_ge "$1" icmp_replies $((icmp + 20))
		kv_expect "$1" icmp_replies $((icmp + 20))
		kv_expect "$1" sdvf.starts $(($2 + 2))
		return
	fi
	snap
	udp0=$(kv_of "$1" udp.packets)
	echo_again "${addr[$1]}"
	wait_until 10 "$1 to count 5 more UDP echoes" \
		kv_ge "$1" udp.packets $((udp0 + 5))
	kv_expect "$1" udp.packets $((udp0 + 5))
	kv_expect "$1" tcp.connections 1
	kv_expect "$1" sdvf.starts $(($2 + 2))
	echo "$me: $1 answers 20 pings, UDP and TCP echo again"
}

# ---- one victim ---------------------------------------------------------

# restarted PD N: (last snap) PD runs again after its Nth restart.
restarted() { kv_ge "$1" sdvf.restarts "$2" && kv_eq "$1" sdvf.state running; }

kill_under_load() {
	victim=$1
	fail_context="victim $victim"
	local others=() o p v n pid restarts reclaimed held
	for o in copy rmap mixed; do [ "$o" = "$victim" ] || others+=("$o"); done
	v=c${idx[$victim]}
	snap
	local base_rx reclaimed0
	base_rx=$(kv_of net_rx_mux "$v.rx_frames")
	reclaimed0=$(kv_of net_rx_mux "$v.reclaimed")
	restarts=$(kv_of "$victim" sdvf.restarts)
	pid=$(kv_of "$victim" sdvf.pid)
	if [ -z "$pid" ] || [ "$pid" -le 0 ]; then fail "no pid for $victim"; fi

	echo "$me: load on every client, then SIGKILL $victim (pid $pid)"
	loads=
	for o in copy rmap mixed; do
		ip netns exec "$ns" timeout 120 ping -q -i 0.004 -c 2500 -W 2 \
			"${addr[$o]}" >"$work/ping.$o" 2>&1 &
		loads="$loads $!"
		eval "ping_pid_$o=$!"
	done
	udp_echo "$work/udp" "${addr[${others[0]}]}" "${addr[${others[1]}]}" &
	local udp_pid=$!
	loads="$loads $udp_pid"

	wait_until 60 "$victim to take 500 frames of the load" \
		kv_ge net_rx_mux "$v.rx_frames" $((base_rx + 500))
	# Stopped first, so that it surely dies holding frames: the mux keeps
	# lending to its rx_active, which nobody drains.
	kill -STOP "$pid"
	wait_until 30 "frames queued for the stopped $victim" \
		kv_ge net_rx_mux "$v.in_flight" 8
	held=$(kv_of net_rx_mux "$v.in_flight")
	kill -KILL "$pid"
	wait_until 30 "the restart of $victim" restarted "$victim" $((restarts + 1))
	grep -q "pd '$victim' (pid $pid) killed by SIGKILL" "$log" ||
		fail "the monitor did not report the death of $victim"
	echo "$me: $victim restarted (pid $(kv_of "$victim" sdvf.pid))"

	for o in "${others[@]}"; do
		p=ping_pid_$o
		wait "${!p}" || true
		ping_ok "$work/ping.$o" ||
			fail "ping ${addr[$o]} ($o) under load: $(tail -2 "$work/ping.$o")"
		echo "$me: $o: $(grep 'packet loss' "$work/ping.$o")"
	done
	wait "$udp_pid" || fail "UDP echo: $(cat "$work/udp")"
	cat "$work/udp"
	p=ping_pid_$victim
	wait "${!p}" || true
	echo "$me: $victim (killed): $(grep 'packet loss' "$work/ping.$victim")"
	loads=

	# What the dead instance held came back to the RX mux.
	snap
	reclaimed=$(kv_of net_rx_mux "$v.reclaimed")
	[ "$reclaimed" -ge $((reclaimed0 + held)) ] ||
		fail "net_rx_mux $v.reclaimed $reclaimed0 -> $reclaimed: it held $held at its death"
	echo "$me: it held $held RX buffers at its death;" \
		"net_rx_mux $v.reclaimed $reclaimed0 -> $reclaimed"

	# The new instance answers, each ping once (raw) or each ping once, UDP
	# and TCP echo (lwip), on fresh queues.
	net_answers "${addr[$victim]}" 20
	answers_again "$victim" "$restarts"
	client_clean "$victim"
	for o in "${others[@]}"; do mux_clean "${idx[$o]}"; done
	# The victim's violations: none either (its new instance is honest).
	for n in "$v.viol.not_owner" "$v.viol.misaligned" "$v.viol.out_of_range"; do
		kv_expect net_rx_mux "$n" 0
	done
	for n in rej_not_owner rej_misaligned rej_out_of_range; do
		kv_expect net_tx_mux "$v.$n" 0
	done
	for n in "${v}_rx_free.bad_index" "${v}_rx_active.bad_index"; do
		kv_expect net_rx_mux "$n" 0
	done
	for n in "${v}_tx_active.bad_index" "${v}_tx_free.bad_index"; do
		kv_expect net_tx_mux "$n" 0
	done
	for o in "${others[@]}"; do client_clean "$o"; done

	conserved
}

# Buffer conservation at rest (the responders give every buffer back once
# the load is over), and no bad descriptor or completion at either mux.
conserved() {
	net_conserved "0 1 2" "0 1 2"
	kv_expect net_rx_mux bad_desc 0
	kv_expect net_tx_mux bad_completion 0
}

conserved
kill_under_load rmap
kill_under_load copy
victim=
unset fail_context

net_stop
for row in "rmap 1" "copy 1" "mixed 0"; do
	grep -Eq "^  ${row% *} +[0-9]+ +[0-9]+ +[0-9]+ +${row#* } " "$log" ||
		fail "the summary does not show ${row#* } restarts of ${row% *}"
done
echo "$me: PASS"
