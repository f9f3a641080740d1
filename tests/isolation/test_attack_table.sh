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
#   - honest throughput: frames a second each sink received in the attack
#     window, within 10% of its baseline window (the load is paced, so this
#     asks whether the system kept up with it, not how fast it can go);
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
# hoard_copy hoard_remap tx_flood spoof rewrite touch crash notify_storm
# wire_flood.  The whole run has a hard limit (ATTACK_TABLE_LIMIT seconds).
if [ -z "${ATTACK_TABLE_TIMED:-}" ]; then
	export ATTACK_TABLE_TIMED=1
	exec timeout -k 5 "${ATTACK_TABLE_LIMIT:-600}" "$0" "$@"
fi
# shellcheck source=tests/isolation/lib.sh
. "$(dirname "$0")/lib.sh"

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
ROWS=${*:-bad_desc bad_return bad_index hoard_copy hoard_remap tx_flood tx_flood_unshaped spoof rewrite touch crash notify_storm wire_flood}
# evil's client index at the muxes (its place in the clients node).
EVIL=4
TRUSTED="net_nic net_driver net_rx_mux net_tx_mux"

# What evil is in each row: "attack|evil's client properties|restartable|
# properties of the net node".  The floods run with a TX shaper (evil
# 10 Mbit/s): on a loop wire whatever evil sends comes back as RX, and an
# unshaped flood outruns the RX path (the *_unshaped row shows it).
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
	tx_flood | tx_flood_unshaped) echo "$tx $e.tx_frames $rx drop.unknown_unicast" ;;
	spoof) echo "$tx $e.rej_src_mac $tx $e.rej_too_short $tx $e.rej_too_long" ;;
	rewrite) echo "$tx $e.rej_src_mac evil hostile.self_rx" ;;
	touch) echo "evil sdvf.starts evil hostile.self_rx" ;;
	crash) echo "evil sdvf.starts $rx $e.reclaimed evil hostile.self_rx" ;;
	notify_storm) echo "evil hostile.actions $rx activations $tx activations" ;;
	wire_flood) echo "$rx $e.drop.rate_limit" ;;
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
	tx_flood_unshaped) echo "nothing: drr gives evil all the wire the others leave; the loop brings it back and the NIC's RX FIFO overflows (a gap, not asserted)" ;;
	spoof) echo "TX checks on the mux's copy: source MAC, 14..1518 bytes" ;;
	rewrite) echo "copy mode: the mux checks and sends its own copy" ;;
	touch) echo "mappings: SIGSEGV, reported, restarted" ;;
	crash) echo "monitor restart; muxes reclaim its buffers (peer_restart)" ;;
	notify_storm) echo "eventfds coalesce signals; an empty drain costs little" ;;
	wire_flood) echo "evil's RX token bucket (rx-rate 4 Mbit/s)" ;;
	esac
}

# snapshot NAME: the stats (kv) into $WORK/NAME.kv and the time into
# $WORK/NAME.t (ns, the middle of the read).
snapshot() {
	local t0 t1
	t0=$(date +%s%N)
	"$HOSTILE" stats --format=kv "$SYSTEM" >"$WORK/$1.kv" 2>/dev/null
	t1=$(date +%s%N)
	echo $(((t0 + t1) / 2)) >"$WORK/$1.t"
	echo $(((t1 - t0) / 1000000)) >"$WORK/$1.d"
}

# kv SNAPSHOT PD COUNTER: a counter of a snapshot (empty if absent).
kv() {
	awk -v pd="$2" -v c="$3" '$2 == pd && $3 == c { print $4 }' "$WORK/$1.kv"
}

# rate SINK FROM TO: frames a second SINK received between two snapshots.
rate() {
	local n0 n1 t0 t1
	n0=$(kv "$2" "$1" bench.rx_frames) n1=$(kv "$3" "$1" bench.rx_frames)
	t0=$(cat "$WORK/$2.t") t1=$(cat "$WORK/$3.t")
	awk -v n="$((n1 - n0))" -v ns="$((t1 - t0))" 'BEGIN { printf "%.1f", n * 1e9 / ns }'
}

# kept FLOW FROM TO: frames FLOW's sink received between two snapshots, as
# a share of those its source sent (3 decimals).
kept() {
	local rx tx
	rx=$(($(kv "$3" "$1_sink" bench.rx_frames) - $(kv "$2" "$1_sink" bench.rx_frames)))
	tx=$(($(kv "$3" "$1_src" bench.tx_frames) - $(kv "$2" "$1_src" bench.tx_frames)))
	awk -v r="$rx" -v t="$tx" 'BEGIN { printf "%.3f", t ? r / t : 0 }'
}

system_dts() {
	local attack=$1 evil_props=$2 restartable=$3 net_props=$4
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
			nic { wire = "loopback"; mem-depth = <1024>; rx-ring = <512>;
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

# honest_clean SNAPSHOT: nothing refused, dropped or held for an honest
# client by either mux; sinks saw no bad frame.  Prints what is wrong.
honest_clean() {
	awk -v evil="c$EVIL" '
		$2 == "net_rx_mux" && $3 ~ /^c[0-9]+[._]/ && index($3, evil) != 1 &&
		    ($3 ~ /\.drop\.|\.viol\.|bad_index|\.in_flight$|\.reclaimed$/) && $4 != 0 { print $2, $3, $4 }
		$2 == "net_tx_mux" && $3 ~ /^c[0-9]+[._]/ && index($3, evil) != 1 &&
		    ($3 ~ /\.rej_|tx_errors|drv_rejected|bad_index|\.in_flight$/) && $4 != 0 { print $2, $3, $4 }
		$2 ~ /^[ab]_(src|sink)$/ &&
		    ($3 ~ /^bench\.sink\.|^net\.(rx_bad|tx_bad|tx_rejected|tx_error|queue_full)$|bad_index$/) && $4 != 0 { print $2, $3, $4 }
	' "$WORK/$1.kv"
}

# conserved SNAPSHOT: the RX DMA buffers are the driver's but what evil
# holds lent, none in the mux; the TX pool is idle or at the driver.
conserved() {
	local f=$1 bufs driver lent mux held idle pool pdrv
	bufs=$(kv "$f" net_rx_mux dma_bufs) driver=$(kv "$f" net_rx_mux dma_driver)
	lent=$(kv "$f" net_rx_mux dma_lent) mux=$(kv "$f" net_rx_mux dma_mux)
	held=$(kv "$f" net_rx_mux "c$EVIL.in_flight")
	idle=$(kv "$f" net_tx_mux pool_idle) pool=$(kv "$f" net_tx_mux pool_bufs)
	pdrv=$(kv "$f" net_tx_mux pool_driver)
	[ "$mux" = 0 ] || echo "RX DMA buffers in the mux at rest: $mux"
	[ $((driver + lent)) -eq "$bufs" ] ||
		echo "RX DMA buffers: $driver at the driver + $lent lent != $bufs"
	[ "$lent" -le "$held" ] || echo "RX DMA buffers lent ($lent) beyond what evil holds ($held)"
	[ $((idle + pdrv)) -eq "$pool" ] ||
		echo "TX pool: $idle idle + $pdrv at the driver != $pool"
}

# again WHY: a row whose windows the machine's load pushed out of place
# runs once more (false: stop this run); the second time, fail.
again() {
	[ -z "$RETRIED" ] || fail "$row: $1, twice"
	RETRIED="1st run: $1, load $(cut -d' ' -f1 /proc/loadavg)"
	echo "$row: $RETRIED; running it again"
	stop_system KILL
	return 1
}

# run_row ROW: one system, two windows, the checks; appends the table row.
run_row() {
	local row=$1 setup attack props restartable net_props
	setup=$(row_setup "$row")
	[ "$setup" != unknown ] || fail "unknown attack '$row'"
	IFS='|' read -r attack props restartable net_props <<<"$setup"
	SYSTEM=sys
	system_dts "$attack" "$props" "$restartable" "$net_props" >"$WORK/$row.dts"
	start_system --duration 30 <"$WORK/$row.dts"
	wait_counter a_sink bench.rx_frames $((RATE / 2))
	wait_counter b_sink bench.rx_frames $((RATE / 2))
	snapshot base0
	sleep "$WINDOW"
	snapshot base1
	[ "$(kv base1 evil hostile.actions)" = 0 ] ||
		again "the attack began inside the baseline window (slow start)" ||
		return 1
	wait_for "\[evil\] attack $attack: start" 15
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
	local gap=false lost=$((2 * COUNT - a_rx - b_rx))
	case $row in *_unshaped) gap=true ;; esac
	if ! $gap && { [ "$a_rx" != "$COUNT" ] || [ "$b_rx" != "$COUNT" ] || [ -n "$bad" ]; }; then
		# Frames the NIC dropped before any classification, all of
		# them: the RX path was not scheduled for longer than its
		# buffers last.  A row may run once more for that, once.
		local nic_drops
		nic_drops=$(kv end net_nic rx_fifo_overflow)
		bad=$(grep -v 'bench.sink.seq_gaps' <<<"$bad")
		if [ -z "$RETRIED" ] && [ -z "$bad" ] && [ "$lost" -le "$nic_drops" ]; then
			RETRIED="1st run: $lost honest frames lost at the NIC RX FIFO ($nic_drops dropped there), load $(cut -d' ' -f1 /proc/loadavg)"
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
	# rewrite: no frame left with another client's source MAC.
	moved=$(kv end evil hostile.rx_foreign_src)
	[ "$moved" = 0 ] || fail "$row: evil received $moved frames with a forged source"
	# Throughput, attack window against baseline, per honest flow: the
	# share of what its source offered in a window that its sink received
	# in it (kept), and the sink's frames a second (shown: they follow the
	# source's pacing, which this machine's load moves by more than 10%).
	local ka kb a0 a1 b0 b1
	ka=$(kept a base0 base1)/$(kept a att0 att1)
	kb=$(kept b base0 base1)/$(kept b att0 att1)
	a0=$(rate a_sink base0 base1) a1=$(rate a_sink att0 att1)
	b0=$(rate b_sink base0 base1) b1=$(rate b_sink att0 att1)
	# ... and no source was held back for TX buffers by the attack.
	local f w0 w1
	for f in a b; do
		w0=$(($(kv base1 "${f}_src" bench.source.waits) - $(kv base0 "${f}_src" bench.source.waits)))
		w1=$(($(kv att1 "${f}_src" bench.source.waits) - $(kv att0 "${f}_src" bench.source.waits)))
		$gap || [ "$w1" -le "$w0" ] ||
			fail "$row: ${f}_src waited for TX buffers $w1 times in the attack window, $w0 in the baseline"
	done
	local ratio_a ratio_b
	ratio_a=$(awk -v k="$ka" 'BEGIN { split(k, x, "/"); printf "%.3f", x[2] / x[1] }')
	ratio_b=$(awk -v k="$kb" 'BEGIN { split(k, x, "/"); printf "%.3f", x[2] / x[1] }')
	echo "$row: kept a $ka ($ratio_a), b $kb ($ratio_b); sinks a $a0 -> $a1 f/s, b $b0 -> $b1 f/s; $vals; load $(cut -d' ' -f1-3 /proc/loadavg)"
	$gap || awk -v r="$ratio_a" -v s="$ratio_b" 'BEGIN { exit !(r >= 0.9 && r <= 1.1 && s >= 0.9 && s <= 1.1) }' ||
		fail "$row: honest throughput outside 10% of the baseline: a $ratio_a, b $ratio_b"
	local pct_a pct_b
	pct_a=$(awk -v r="$ratio_a" 'BEGIN { printf "%.1f", r * 100 }')
	pct_b=$(awk -v r="$ratio_b" 'BEGIN { printf "%.1f", r * 100 }')
	echo "| $row | $(row_mechanism "$row") | $vals | $lost of $((2 * COUNT))$($gap && echo " (gap: NIC rx_fifo_overflow $(kv end net_nic rx_fifo_overflow))") | a $pct_a%, b $pct_b% | a $a0 -> $a1, b $b0 -> $b1 | ${RETRIED:-} |" >>"$WORK/table"
}

: >"$WORK/table"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for row in $ROWS; do
	RETRIED=
	run_row "$row" || run_row "$row"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
	echo "Produced by \`tests/isolation/test_attack_table.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $load_before at the start and $load_after at the end; $RATE frames/s per honest source, windows of $WINDOW s."
	echo
	echo "| attack | what stopped it | counters (end of run) | honest frames lost | honest throughput, attack / baseline window | sinks, frames/s, baseline -> attack | rerun |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
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
