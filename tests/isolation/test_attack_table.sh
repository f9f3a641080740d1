#!/usr/bin/env bash
# Hostile net clients beside honest ones on the hosted runtime (issue 12,
# "Hostile clients"), and the table of docs/isolation.md.
#
# One sdvf,net system per attack, on a loopback wire, policy drr:
#   a_src -> a_sink  bench source and sink, copy both ways
#   b_src -> b_sink  bench source (TX remap) and sink (RX remap)
#   evil             hostile_net (tests/isolation/hostile_net.c), attack=X
# Each source sends RATE frames a second (paced, so the offered load is
# the same in every phase), COUNT in all, each with a be64 sequence and a
# checksum the sink checks.  Same run, two windows of WINDOW seconds: a
# baseline before evil starts (it is quiet for delay_ms), and one while it
# attacks.  Per attack:
#   - honest loss: every frame each source sent reached its sink (rx_frames
#     = COUNT), no sequence gap, no bad checksum, nothing refused or dropped
#     for an honest client by either mux;
#   - honest throughput: per flow, the share of what its source sent in a
#     window that its sink received in it, attack window within 10% of the
#     baseline window (the load is paced, so this asks whether the system
#     kept up with it, not how fast it can go); and the frames a second
#     each sink received, attack window within 10% of the baseline's (they
#     follow the source's pacing, which a loaded machine moves: outside,
#     the row runs once more; twice, it fails);
#   - every trusted PD (net_nic, net_driver, net_rx_mux, net_tx_mux) running
#     with no restart, and stopped cleanly at the end;
#   - the counter that stopped the attack moved (ATTACK_CHECKS below);
#   - buffers conserved at rest: no honest client holds a buffer at either
#     mux, the RX DMA buffers are the driver's but what evil hoards (remap),
#     the TX pool is whole.
# A restartable evil (touch, crash) must die by its signal, be reported and
# restarted, and its new instance must receive again.
#
#   tests/isolation/test_attack_table.sh [ATTACK...]
#   ISOLATION_DOC=docs/isolation.md tests/isolation/test_attack_table.sh
# The second form (make isolation) also writes the table between the
# markers of that file.  ATTACK names a row: bad_desc bad_return bad_index
# hoard_copy hoard_remap tx_flood tx_flood_unshaped spoof rewrite touch crash
# notify_storm wire_flood wire_flood_ext.  The whole run has a hard limit
# (ATTACK_TABLE_LIMIT seconds).
#
# wire_flood_ext is attack 12 from outside: the wire is a tap in a network
# namespace of this script's (made before the system starts, so the
# launcher runs in it and attaches to the tap), whose kernel sends back
# every frame the NIC sends (tc mirred: the honest flows' loop); evil only
# receives (attack wire_target), and while it "attacks" a generator in the
# namespace (tests/isolation/wire_blast) writes 1514-byte frames to evil's
# MAC into the tap, EXT_PPS a second, bounded in count and time.  Besides
# the rows' checks: the bytes the RX mux gave evil in the attack window are
# at most its token bucket's (rate x window + burst), and every flood frame
# that reached the RX mux was delivered or dropped for the rate limit
# (counted).  Needs root.
#
# tx_flood_unshaped runs on such a tap too, whose kernel sends back every
# frame but those to the flood's destination (tc u32 on the destination
# MAC, ahead of the mirror): the flood leaves and is dropped in the
# namespace, as a frame to a MAC nobody has on a real wire, while the
# honest flows still loop.  (On the loopback wire the flood came back and
# overflowed the NIC's RX FIFO: a gap of the test wire, not of sdvf.)
# Besides the rows' checks: nothing came back to the RX mux for an
# unknown MAC, the NIC put at least evil's frames on the tap, and in the
# attack window evil sent more frames than both honest sinks received
# (drr gives it the wire they leave).  Needs root.
#
# ATTACK_ROWS_EXTRA: files of rows made elsewhere (tests/vm/
# vm_attack_guest.sh's hostile guest, attack 11), each a table row and a
# note line: with ISOLATION_DOC, added to the table and its notes.
if [ -z "${ATTACK_TABLE_TIMED:-}" ]; then
	export ATTACK_TABLE_TIMED=1
	exec timeout -k 5 "${ATTACK_TABLE_LIMIT:-600}" "$0" "$@"
fi
# shellcheck source=tests/isolation/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/isolation/lib_attack.sh
. "$(dirname "$0")/lib_attack.sh"
trap 'ext_wire_down; cleanup' EXIT

# lib.sh's fail, with the counters of the last snapshot that say where
# frames went (drops, overflows, refusals).
lib_fail() {
	local last='' name
	for name in end att1 att0 base1 base0; do
		[ -f "$WORK/$name.kv" ] && last=$WORK/$name.kv && break
	done
	if [ -n "$last" ]; then
		echo "--- non-zero drop and error counters in $(basename "$last")"
		awk '$4 != 0 && $3 ~ /drop|overflow|err|rej_|viol|bad|gap|full|lost|rx_frames$|tx_frames$/' "$last"
	fi
}
eval "$(declare -f fail | sed '1s/fail/lib_fail_tail/')"
fail() {
	lib_fail
	lib_fail_tail "$@"
}

RATE=${ATTACK_RATE:-250}
WINDOW=${ATTACK_WINDOW:-1.5}
DELAY_MS=4500
ATTACK_MS=4000
COUNT=$((RATE * 9))
ROWS=${*:-bad_desc bad_return bad_index hoard_copy hoard_remap tx_flood tx_flood_unshaped spoof rewrite touch crash notify_storm wire_flood wire_flood_ext}
# evil's client index at the muxes (its place in the clients node).
EVIL=4
TRUSTED="net_nic net_driver net_rx_mux net_tx_mux"

# wire_flood_ext: the generator's rate (frames a second, 1514 bytes each)
# and evil's RX token bucket (bit/s, bytes); its namespace and tap.
EXT_PPS=${ATTACK_EXT_PPS:-1500}
EXT_RX_RATE=4000000
EXT_RX_BURST=65536
EXT_NS=sdvf-vi12-$$
EXT_TAP=sdvx$$
# tx_flood_unshaped: hostile_net's tx_flood destination (a MAC nobody has),
# as tc u32 keys on the Ethernet header (offsets from the network header).
FLOOD_MAC_KEYS="match u16 0x02de 0xffff at -14 match u32 0xad000001 0xffffffff at -12"
WIRE_BLAST=$BUILD/tests/isolation/wire_blast

# What evil is in each row: "attack|evil's client properties|restartable|
# properties of the net node" (the tap rows' wire is set in run_row).  The
# floods on the loopback wire run with a TX shaper (evil 10 Mbit/s): there
# whatever evil sends comes back as RX; tx_flood_unshaped has no shaper and
# runs on a tap that does not return the flood.
SHAPED='shaper = "token_bucket";'
EVIL_RATE='rate = <10000000>; burst = <16384>;'
row_setup() {
	case $1 in
	bad_desc | bad_index | spoof | rewrite | notify_storm)
		echo "$1|||" ;;
	bad_return) echo "bad_return|rx-mode = \"remap\"; tx-mode = \"remap\"; rx-cap = <64>;||" ;;
	hoard_copy) echo "hoard|rx-cap = <32>;||" ;;
	hoard_remap) echo "hoard|rx-mode = \"remap\"; rx-cap = <64>;||" ;;
	tx_flood) echo "tx_flood|$EVIL_RATE||$SHAPED" ;;
	tx_flood_unshaped) echo "tx_flood|||" ;;
	wire_flood) echo "wire_flood|$EVIL_RATE rx-rate = <4000000>; rx-burst = <8192>;||$SHAPED" ;;
	wire_flood_ext) echo "wire_target|rx-rate = <$EXT_RX_RATE>; rx-burst = <$EXT_RX_BURST>;||" ;;
	touch | crash) echo "$1||restartable;|" ;;
	*) echo "unknown" ;;
	esac
}

# The counters that must have moved: "PD COUNTER..." (mux counters of evil
# are cN.<name> with N = EVIL); and what the table says stopped it.
row_checks() {
	local rx=net_rx_mux tx=net_tx_mux e=c$EVIL
	case $1 in
	bad_desc) echo "$tx $e.rej_misaligned $tx $e.rej_out_of_range $tx $e.rej_too_short $tx $e.rej_too_long $rx $e.viol.misaligned $rx $e.viol.out_of_range $rx $e.viol.not_owner" ;;
	bad_return) echo "$rx $e.viol.not_owner $tx $e.rej_not_owner" ;;
	bad_index) echo "$tx ${e}_tx_active.bad_index $rx ${e}_rx_free.bad_index" ;;
	hoard_copy | hoard_remap) echo "$rx $e.drop.cap" ;;
	tx_flood) echo "$tx $e.tx_frames $rx drop.unknown_unicast" ;;
	tx_flood_unshaped) echo "$tx $e.tx_frames" ;;
	spoof) echo "$tx $e.rej_src_mac $tx $e.rej_too_short $tx $e.rej_too_long" ;;
	rewrite) echo "$tx $e.rej_src_mac evil hostile.self_rx" ;;
	touch) echo "evil sdvf.starts evil hostile.self_rx" ;;
	crash) echo "evil sdvf.starts $rx $e.reclaimed evil hostile.self_rx" ;;
	notify_storm) echo "evil hostile.actions $rx activations $tx activations" ;;
	wire_flood) echo "$rx $e.drop.rate_limit" ;;
	wire_flood_ext) echo "$rx $e.drop.rate_limit $rx $e.rx_frames" ;;
	esac
}

row_mechanism() {
	case $1 in
	bad_desc) echo "ownership map and length check: refused, counted, buffer back REJECTED" ;;
	bad_return) echo "ownership map: a buffer evil does not hold is refused" ;;
	bad_index) echo "queue index check (tail - head > capacity refused; private shadow index)" ;;
	hoard_copy) echo "rx-cap: past 32 held, only evil's frames are dropped" ;;
	hoard_remap) echo "rx-cap: past 64 lent, only evil's frames are dropped; the driver keeps the rest" ;;
	tx_flood) echo "drr policy, budget and evil's TX token bucket (10 Mbit/s)" ;;
	tx_flood_unshaped) echo "drr policy and budget, no shaper: evil gets the wire the honest flows leave, they keep theirs (tap wire: the flood leaves, the rest loops)" ;;
	spoof) echo "TX checks on the mux's copy: source MAC, 14..1518 bytes" ;;
	rewrite) echo "copy mode: the mux checks and sends its own copy" ;;
	touch) echo "mappings: SIGSEGV, reported, restarted" ;;
	crash) echo "monitor restart; muxes reclaim its buffers (peer_restart)" ;;
	notify_storm) echo "eventfds coalesce signals; an empty drain costs little" ;;
	wire_flood) echo "evil's RX token bucket (rx-rate 4 Mbit/s)" ;;
	wire_flood_ext) echo "evil's RX token bucket (rx-rate 4 Mbit/s) against a generator outside the NIC ($EXT_PPS frames/s of 1514 bytes into a tap)" ;;
	esac
}

# snapshot NAME: the stats (kv) into $WORK/NAME.kv and the time into
# $WORK/NAME.t (ns, the middle of the read; NAME.t0, NAME.t1: its start
# and end).
snapshot() {
	local t0 t1
	t0=$(date +%s%N)
	"$HOSTILE" stats --format=kv "$SYSTEM" >"$WORK/$1.kv" 2>/dev/null
	t1=$(date +%s%N)
	echo $(((t0 + t1) / 2)) >"$WORK/$1.t"
	echo "$t0" >"$WORK/$1.t0"
	echo "$t1" >"$WORK/$1.t1"
	echo $(((t1 - t0) / 1000000)) >"$WORK/$1.d"
}

# ---- wire_flood_ext: the namespace, its tap, the generator ----------------

# on_tap ROW: the rows whose wire is the tap of ext_wire_up.
on_tap() {
	case $1 in wire_flood_ext | tx_flood_unshaped) return 0 ;; esac
	return 1
}

# ext_wire_up [KEYS]: the namespace and the tap the launcher will attach
# to, with the kernel's side of the tap sending back every frame the NIC
# sends (ingress redirected to its own egress: the honest flows' loop) but
# those KEYS (tc u32 matches) select: a filter ahead of the mirror, with no
# action, ends their classification and the namespace's stack drops them
# (not its MAC).  IPv6 off first, so the namespace sends nothing of its
# own into the NIC.
ext_wire_up() {
	[ "$(id -u)" = 0 ] || fail "$row: needs root (a network namespace, a tap, tc)"
	[ -x "$WIRE_BLAST" ] || [ "$row" != wire_flood_ext ] ||
		fail "missing $WIRE_BLAST: run 'make BUILD=$BUILD $WIRE_BLAST'"
	ext_wire_down
	ip netns add "$EXT_NS"
	ip -n "$EXT_NS" link set lo up
	ip -n "$EXT_NS" tuntap add dev "$EXT_TAP" mode tap
	ip netns exec "$EXT_NS" sh -c "echo 1 >/proc/sys/net/ipv6/conf/$EXT_TAP/disable_ipv6"
	ip -n "$EXT_NS" link set "$EXT_TAP" up
	ip netns exec "$EXT_NS" tc qdisc add dev "$EXT_TAP" ingress
	if [ -n "${1:-}" ]; then
		# shellcheck disable=SC2086 # KEYS are words of tc
		ip netns exec "$EXT_NS" tc filter add dev "$EXT_TAP" parent ffff: \
			prio 1 protocol all u32 $1 flowid ffff:1 ||
			fail "$row: tc cannot single out the flood's frames"
	fi
	ip netns exec "$EXT_NS" tc filter add dev "$EXT_TAP" parent ffff: \
		prio 2 protocol all u32 match u32 0 0 \
		action mirred egress redirect dev "$EXT_TAP" ||
		fail "$row: tc cannot reflect the tap"
}

ext_wire_down() {
	if [ -n "${BLAST_PID:-}" ]; then
		kill "$BLAST_PID" 2>/dev/null || true
		wait "$BLAST_PID" 2>/dev/null || true
		BLAST_PID=
	fi
	[ -z "${EXT_NS:-}" ] || ip netns del "$EXT_NS" 2>/dev/null || true
}

# ext_checks: after the run, the flood's accounting and evil's delivered
# bytes against its token bucket; appends to vals (the counters column).
ext_checks() {
	local sent tap_drops nic_drops rx drops bytes t0 t1 bound share
	sent=$(sed -n 's/^wire_blast: sent \([0-9]*\) .*/\1/p' "$WORK/blast.out")
	[ -n "$sent" ] || fail "$row: the generator said: $(cat "$WORK/blast.out")"
	tap_drops=$(ip netns exec "$EXT_NS" cat "/sys/class/net/$EXT_TAP/statistics/tx_dropped")
	nic_drops=$(kv end net_nic rx_fifo_overflow)
	rx=$(kv end net_rx_mux "c$EVIL.rx_frames")
	drops=$(awk -v e="c$EVIL.drop." '$2 == "net_rx_mux" && index($3, e) == 1 { n += $4 } END { print n + 0 }' "$WORK/end.kv")
	# Every flood frame the NIC took reached evil or was dropped for it,
	# counted; what the tap's queue or the NIC's FIFO dropped never did.
	if [ $((tap_drops + nic_drops)) -eq 0 ]; then
		[ $((rx + drops)) -eq "$sent" ] ||
			fail "$row: $sent flood frames sent, $rx delivered to evil + $drops dropped for it"
	else
		if [ $((rx + drops)) -gt "$sent" ] || [ $((sent - rx - drops)) -gt $((tap_drops + nic_drops)) ]; then
			fail "$row: $sent flood frames sent, $rx delivered + $drops dropped, $tap_drops lost at the tap, $nic_drops at the NIC"
		fi
	fi
	# The token bucket: in the attack window, at most rate x window (from
	# the start of the first read to the end of the last) + burst bytes.
	bytes=$(($(kv att1 net_rx_mux "c$EVIL.rx_bytes") - $(kv att0 net_rx_mux "c$EVIL.rx_bytes")))
	t0=$(cat "$WORK/att0.t0") t1=$(cat "$WORK/att1.t1")
	bound=$(((t1 - t0) * (EXT_RX_RATE / 8) / 1000000000 + EXT_RX_BURST))
	[ "$bytes" -le "$bound" ] ||
		fail "$row: evil was given $bytes bytes in the attack window, its token bucket allows $bound"
	share=$(awk -v b="$bytes" -v t0="$(cat "$WORK/att0.t")" -v t1="$(cat "$WORK/att1.t")" -v r="$EXT_RX_RATE" \
		'BEGIN { printf "%.2f", b * 8 / ((t1 - t0) / 1e9) / r }')
	vals="$vals, flood sent $sent (lost before the NIC: tap $tap_drops, RX FIFO $nic_drops), evil given $share x its rx-rate in the attack window ($bytes of at most $bound bytes)"
}

# unshaped_checks: after tx_flood_unshaped, that the flood left and did
# not come back, and that evil had the wire the honest flows left in the
# attack window; appends to vals.
unshaped_checks() {
	local back tap_rx sent ev honest
	back=$(kv end net_rx_mux drop.unknown_unicast)
	[ "$back" = 0 ] ||
		fail "$row: $back frames to an unknown MAC came back to the RX mux (the tap's tc rule did not hold)"
	# The tap's rx is what the NIC wrote into it (the namespace's view).
	tap_rx=$(ip netns exec "$EXT_NS" cat "/sys/class/net/$EXT_TAP/statistics/rx_packets")
	sent=$(kv end net_tx_mux "c$EVIL.tx_frames")
	[ "$tap_rx" -ge "$sent" ] ||
		fail "$row: evil sent $sent frames, the NIC put $tap_rx on the tap"
	ev=$(($(kv att1 net_tx_mux "c$EVIL.tx_frames") - $(kv att0 net_tx_mux "c$EVIL.tx_frames")))
	honest=$(($(kv att1 a_sink bench.rx_frames) - $(kv att0 a_sink bench.rx_frames) +
		$(kv att1 b_sink bench.rx_frames) - $(kv att0 b_sink bench.rx_frames)))
	[ "$ev" -gt "$honest" ] ||
		fail "$row: in the attack window evil sent $ev frames, the honest sinks received $honest: drr did not give it the wire they left"
	vals="$vals, attack window: evil sent $ev, honest sinks received $honest; on the tap $tap_rx frames from the NIC, rx_mux:drop.unknown_unicast $back"
}

system_dts() {
	local attack=$1 evil_props=$2 restartable=$3 net_props=$4
	local nic_wire=${5:-wire = \"loopback\";}
	cat <<TEMPLATE_DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		a_src { component = "bench"; config { bench_mode = "source";
			src_dst_mac = [02 00 00 00 ec 03]; src_len = <200>;
			src_pps = <$RATE>; src_burst = <8>; src_count = <$COUNT>; }; };
		a_sink { component = "bench"; config { bench_mode = "sink"; }; };
		b_src { component = "bench"; config { bench_mode = "source";
			src_dst_mac = [02 00 00 00 ec 05]; src_len = <1000>;
			src_pps = <$RATE>; src_burst = <8>; src_count = <$COUNT>; }; };
		b_sink { component = "bench"; config { bench_mode = "sink"; }; };
		evil { component = "hostile_net"; $restartable
			config { attack = "$attack"; victim_mac = [02 00 00 00 ec 02];
				delay_ms = <$DELAY_MS>; attack_ms = <$ATTACK_MS>; }; };
	};
	subsystems {
		net {
			compatible = "sdvf,net";
			policy = "drr"; $net_props
			nic { $nic_wire mem-depth = <1024>; rx-ring = <512>;
			      mac = [02 00 00 00 ec 01]; };
			clients {
				a_src { mac = [02 00 00 00 ec 02]; };
				a_sink { mac = [02 00 00 00 ec 03]; };
				b_src { mac = [02 00 00 00 ec 04]; tx-mode = "remap";
					trusted-source-mac; };
				b_sink { mac = [02 00 00 00 ec 05]; rx-mode = "remap"; };
				evil { mac = [02 00 00 00 ec 06]; $evil_props };
			};
		};
	};
};
TEMPLATE_DTS
}

# again WHY: a row whose windows the machine's load pushed out of place
# runs once more (false: stop this run); the second time, fail.
again() {
	[ -z "$RETRIED" ] || fail "$row: $1, twice"
	RETRIED="1st run: $1, load $(cut -d' ' -f1 /proc/loadavg)"
	echo "$row: $RETRIED; running it again"
	stop_system KILL
	ext_wire_down
	return 1
}

# run_row ROW: one system, two windows, the checks; appends the table row.
run_row() {
	local row=$1 setup attack props restartable net_props
	setup=$(row_setup "$row")
	[ "$setup" != unknown ] || fail "unknown attack '$row'"
	IFS='|' read -r attack props restartable net_props <<<"$setup"
	SYSTEM=sys
	local nic_wire=
	if on_tap "$row"; then
		if [ "$row" = tx_flood_unshaped ]; then
			ext_wire_up "$FLOOD_MAC_KEYS"
		else
			ext_wire_up
		fi
		nic_wire="wire = \"tap\"; tap-name = \"$EXT_TAP\";"
		RUN_IN=(ip netns exec "$EXT_NS")
	fi
	system_dts "$attack" "$props" "$restartable" "$net_props" "$nic_wire" >"$WORK/$row.dts"
	start_system --duration 30 <"$WORK/$row.dts"
	RUN_IN=()
	wait_counter a_sink bench.rx_frames $((RATE / 2))
	wait_counter b_sink bench.rx_frames $((RATE / 2))
	snapshot base0
	sleep "$WINDOW"
	snapshot base1
	[ "$(kv base1 evil hostile.actions)" = 0 ] ||
		again "the attack began inside the baseline window (slow start)" ||
		return 1
	wait_for "\[evil\] attack $attack: start" 15
	if [ "$row" = wire_flood_ext ]; then
		ip netns exec "$EXT_NS" "$WIRE_BLAST" "$EXT_TAP" 02:00:00:00:ec:06 1514 \
			"$EXT_PPS" $((EXT_PPS * ATTACK_MS / 1000)) $((ATTACK_MS / 1000)) \
			>"$WORK/blast.out" 2>&1 &
		BLAST_PID=$!
	fi
	sleep 0.2
	snapshot att0
	sleep "$WINDOW"
	snapshot att1
	case $row in
	touch | crash | hoard_*) ;; # a hoard stays held after the attack
	*) [ "$(kv att1 evil hostile.attack_done)" = 0 ] ||
		again "the attack ended inside its window (snapshots took $(cat "$WORK"/*.d | tr '\n' ' ')ms)" ||
		return 1 ;;
	esac
	case $row in
	touch) wait_for "^sdvf: pd 'evil' \(pid [0-9]+\) killed by SIGSEGV$" 10 ;;
	crash) wait_for "^sdvf: pd 'evil' \(pid [0-9]+\) killed by SIGILL" 10 ;;
	esac
	case $row in
	touch | crash)
		wait_for "^sdvf: restarting pd 'evil'" 10
		wait_for "\[evil\] restarted: sending to itself" 10
		local rx_before
		rx_before=$(counter_of evil hostile.self_rx)
		wait_counter evil hostile.self_rx $((rx_before + 10)) 10
		;;
	esac
	# The end: every honest frame sent, the attack over.
	wait_counter a_src bench.tx_done "$COUNT" 30
	wait_counter b_src bench.tx_done "$COUNT" 30
	case $row in
	touch | crash) ;;
	*) wait_counter evil hostile.attack_done 1 10 ;;
	esac
	if [ -n "${BLAST_PID:-}" ]; then
		wait "$BLAST_PID" || fail "$row: the generator failed: $(cat "$WORK/blast.out")"
		BLAST_PID=
	fi
	local deadline=$((SECONDS + 10))
	until [ "$(counter_of a_sink bench.rx_frames)" -ge "$COUNT" ] &&
		[ "$(counter_of b_sink bench.rx_frames)" -ge "$COUNT" ]; do
		[ $SECONDS -lt $deadline ] || break
		sleep 0.1
	done
	sleep 0.3 # completions signalled at rest (tx_mux's sweep)
	snapshot end
	local pd state starts
	for pd in $TRUSTED; do
		state=$(kv end "$pd" sdvf.state) starts=$(kv end "$pd" sdvf.starts)
		if [ "$state" != running ] || [ "$starts" != 1 ]; then
			fail "$row: trusted PD $pd is '$state' after $starts starts"
		fi
	done
	stop_system INT
	for pd in $TRUSTED; do
		summary_of "$pd" | grep -Eq ' 0  stopped$' ||
			fail "$row: summary of $pd: $(summary_of "$pd")"
	done
	[ "$RUN_STATUS" -eq 0 ] || fail "$row: exit status $RUN_STATUS"

	# Honest loss and corruption.
	local a_rx b_rx bad moved why vals="" pdc ctr v i
	a_rx=$(kv end a_sink bench.rx_frames) b_rx=$(kv end b_sink bench.rx_frames)
	bad=$(honest_clean end)
	local lost=$((2 * COUNT - a_rx - b_rx))
	if { [ "$a_rx" != "$COUNT" ] || [ "$b_rx" != "$COUNT" ] || [ -n "$bad" ]; }; then
		# Frames the NIC dropped before any classification, all of
		# them: the RX path was not scheduled for longer than its
		# buffers last.  A row may run once more for that, once.
		# (wire_flood_ext: or at the tap's queue, in the kernel, before
		# the NIC.)
		local nic_drops where="the NIC RX FIFO"
		nic_drops=$(kv end net_nic rx_fifo_overflow)
		if on_tap "$row"; then
			nic_drops=$((nic_drops + $(ip netns exec "$EXT_NS" cat "/sys/class/net/$EXT_TAP/statistics/tx_dropped")))
			where="the tap's queue or the NIC RX FIFO"
		fi
		bad=$(grep -v 'bench.sink.seq_gaps' <<<"$bad")
		if [ -z "$RETRIED" ] && [ -z "$bad" ] && [ "$lost" -le "$nic_drops" ]; then
			RETRIED="1st run: $lost honest frames lost at $where ($nic_drops dropped there), load $(cut -d' ' -f1 /proc/loadavg)"
			echo "$row: $RETRIED; running it again"
			return 1
		fi
		fail "$row: honest clients lost or saw bad frames: a $a_rx b $b_rx of $COUNT; $bad"
	fi
	why=$(conserved end)
	[ -z "$why" ] || fail "$row: buffers: $why"
	# The counters that stopped it.
	local checks
	read -ra checks <<<"$(row_checks "$row")"
	for ((i = 0; i + 1 < ${#checks[@]}; i += 2)); do
		pdc=${checks[i]} ctr=${checks[i + 1]}
		v=$(kv end "$pdc" "$ctr")
		if [ -z "$v" ] || [ "$v" -le 0 ]; then
			fail "$row: $pdc $ctr did not move ('$v')"
		fi
		vals="$vals${vals:+, }${pdc#net_}:$ctr $v"
	done
	[ "$row" != wire_flood_ext ] || ext_checks
	[ "$row" != tx_flood_unshaped ] || unshaped_checks
	! on_tap "$row" || ext_wire_down
	# hoard: evil holds exactly its cap, and nothing more was taken.
	case $row in
	hoard_copy | hoard_remap)
		local cap=32
		[ "$row" = hoard_copy ] || cap=64
		v=$(kv end net_rx_mux "c$EVIL.in_flight")
		[ "$v" = "$cap" ] || fail "$row: evil holds $v RX buffers, its cap is $cap"
		vals="$vals, rx_mux:c$EVIL.in_flight $v"
		;;
	esac
	# rewrite: no frame left with another client's source MAC (but the
	# generator's flood, from outside, has a source of its own).
	moved=$(kv end evil hostile.rx_foreign_src)
	[ "$moved" = 0 ] || [ "$row" = wire_flood_ext ] ||
		fail "$row: evil received $moved frames with a forged source"
	# Throughput, attack window against baseline, per honest flow: the
	# share of what its source offered in a window that its sink received
	# in it (kept), and the sink's frames a second (below).
	local ka kb a0 a1 b0 b1 ratio_a ratio_b
	ka=$(shares a) kb=$(shares b)
	ratio_a=$(ratio_of "$ka") ratio_b=$(ratio_of "$kb")
	a0=$(rate a_sink base0 base1) a1=$(rate a_sink att0 att1)
	b0=$(rate b_sink base0 base1) b1=$(rate b_sink att0 att1)
	# ... and no source was held back for TX buffers by the attack.
	local f w0 w1
	for f in a b; do
		w0=$(($(kv base1 "${f}_src" bench.source.waits) - $(kv base0 "${f}_src" bench.source.waits)))
		w1=$(($(kv att1 "${f}_src" bench.source.waits) - $(kv att0 "${f}_src" bench.source.waits)))
		[ "$w1" -le "$w0" ] ||
			fail "$row: ${f}_src waited for TX buffers $w1 times in the attack window, $w0 in the baseline"
	done
	echo "$row: kept a $ka ($ratio_a), b $kb ($ratio_b); sinks a $a0 -> $a1 f/s, b $b0 -> $b1 f/s; $vals; load $(cut -d' ' -f1-3 /proc/loadavg)"
	within_10pct "$ratio_a" "$ratio_b" ||
		fail "$row: honest throughput outside 10% of the baseline: a $ratio_a, b $ratio_b"
	# The sinks' frames a second, attack window within 10% of the
	# baseline's.  They follow the sources' pacing, which a late timer on
	# a loaded machine moves with nothing attacking: outside, the row runs
	# once more (as for a window the load moved); twice, it fails.
	local rate_a rate_b
	rate_a=$(ratio_of "$a0/$a1") rate_b=$(ratio_of "$b0/$b1")
	if ! within_10pct "$rate_a" "$rate_b"; then
		local why="sinks' frames/s outside 10% of the baseline: a $a0 -> $a1, b $b0 -> $b1"
		[ -z "$RETRIED" ] || fail "$row: $why, twice"
		RETRIED="1st run: $why, load $(cut -d' ' -f1 /proc/loadavg)"
		echo "$row: $RETRIED; running it again"
		return 1
	fi
	local pct_a pct_b
	pct_a=$(pct "$ratio_a") pct_b=$(pct "$ratio_b")
	echo "| $row | $(row_mechanism "$row") | $vals | $lost of $((2 * COUNT)) | a $pct_a%, b $pct_b% | a $a0 -> $a1, b $b0 -> $b1 | ${RETRIED:-} |" >>"$WORK/table"
}

: >"$WORK/table"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for row in $ROWS; do
	RETRIED=
	run_row "$row" || run_row "$row"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Rows made elsewhere: each file a row (the first line) and its note.
extra_notes=
for f in ${ATTACK_ROWS_EXTRA:-}; do
	grep -q '^| [a-z_0-9]* | ' "$f" || fail "$f: no table row"
	head -n 1 "$f" >>"$WORK/table"
	extra_notes="$extra_notes$(sed -n 2p "$f")
"
done
{
	echo "Produced by \`tests/isolation/test_attack_table.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $load_before at the start and $load_after at the end; $RATE frames/s per honest source, windows of $WINDOW s."
	if [ -n "$extra_notes" ]; then
		echo
		printf '%s' "$extra_notes" | sed 's/^/Row /'
	fi
	echo
	echo "$TABLE_HEAD"
	cat "$WORK/table"
} >"$WORK/table.md"
cat "$WORK/table.md"
if [ -n "${ISOLATION_DOC:-}" ]; then
	python3 - "$ISOLATION_DOC" "$WORK/table.md" <<'PY' || fail "cannot write the table into $ISOLATION_DOC"
import sys
doc, table = sys.argv[1], open(sys.argv[2]).read()
text = open(doc).read()
begin, end = "<!-- isolation:table:begin -->", "<!-- isolation:table:end -->"
if text.count(begin) != 1 or text.count(end) != 1:
    sys.exit(f"{doc}: needs one {begin} and one {end}")
head, rest = text.split(begin)
_, tail = rest.split(end)
open(doc, "w").write(head + begin + "\n" + table + end + tail)
PY
	echo "wrote the table into $ISOLATION_DOC"
fi
echo "ok: $(echo "$ROWS" | wc -w) attacks; honest clients lost nothing and kept their throughput"
