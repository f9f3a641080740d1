# shellcheck shell=bash
# shellcheck disable=SC2154 # WORK, EVIL: the caller's
# The measures of an attack-table row (sourced, not run): what
# tests/isolation/test_attack_table.sh computes for each hosted row and
# tests/vm/vm_attack_guest.sh for the hostile guest's row, from snapshots
# of `sdvf stats --format=kv` kept as $WORK/NAME.kv, with the time of each
# read as $WORK/NAME.t (ns, the middle of the read).  The caller sets WORK,
# EVIL (the attacker's client index at the muxes) and may set NOT_HONEST
# (client indices, as "cN ...", that honest_clean skips besides evil's:
# helpers of the attacker).  The system is an `sdvf,net` subsystem named
# net with honest flows a (a_src -> a_sink) and b (b_src -> b_sink) in the
# bench format.

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

# honest_clean SNAPSHOT: nothing refused, dropped or held for an honest
# client by either mux; sinks saw no bad frame.  Prints what is wrong.
honest_clean() {
	awk -v skip="c$EVIL ${NOT_HONEST:-}" '
		function honest(name, i, n, s) {
			n = split(skip, s, " ")
			for (i = 1; i <= n; i++)
				if (index(name, s[i] ".") == 1 || index(name, s[i] "_") == 1)
					return 0
			return 1
		}
		$2 == "net_rx_mux" && $3 ~ /^c[0-9]+[._]/ && honest($3) &&
		    ($3 ~ /\.drop\.|\.viol\.|bad_index|\.in_flight$|\.reclaimed$/) && $4 != 0 { print $2, $3, $4 }
		$2 == "net_tx_mux" && $3 ~ /^c[0-9]+[._]/ && honest($3) &&
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

# shares FLOW: FLOW's kept share in the baseline window (base0..base1)
# and in the attack window (att0..att1), as "baseline/attack".
shares() {
	echo "$(kept "$1" base0 base1)/$(kept "$1" att0 att1)"
}

# ratio_of SHARES: the attack share over the baseline share (3 decimals).
ratio_of() {
	awk -v k="$1" 'BEGIN { split(k, x, "/"); printf "%.3f", x[1] ? x[2] / x[1] : 0 }'
}

# within_10pct RATIO...: every ratio in 0.9..1.1.
within_10pct() {
	local r
	for r in "$@"; do
		awk -v r="$r" 'BEGIN { exit !(r >= 0.9 && r <= 1.1) }' || return 1
	done
}

# pct RATIO: as a percentage, one decimal.
pct() {
	awk -v r="$1" 'BEGIN { printf "%.1f", r * 100 }'
}

# The table's header (docs/isolation.md); every row has these columns.
# shellcheck disable=SC2034 # the sourcing scripts print it
TABLE_HEAD="| attack | what stopped it | counters (end of run) | honest frames lost | honest throughput, attack / baseline window | sinks, frames/s, baseline -> attack | rerun |
| --- | --- | --- | --- | --- | --- | --- |"
