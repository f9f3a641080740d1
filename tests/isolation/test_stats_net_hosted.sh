#!/usr/bin/env bash
# `sdvf stats` on a live hosted system with an rx_mux and a tx_mux: the
# launcher records the channel ends, so each mux client's row is named after
# the PD behind the mux's channel cN, with the counters the muxes publish.
# The wire is the model's loopback: queue_source (tx_mux client c0, allowed
# any source MAC) sends pattern frames, whose first byte (the sequence
# number) makes every odd one multicast, so they come back through the
# rx_mux to queue_sink (client c0, accepting multicast), as far as the
# loopback wire keeps them.  Also: --client
# lists the muxes' counters for one client, --interval off a terminal prints
# timestamped blocks, and kv has no table in it.
. "$(dirname "$0")/lib.sh"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		nic {
			component = "enet_model";
			maps {
				enet_regs = "enet_regs", "rw";
				enet_mmio = "enet_mmio", "rw";
				enet_rings = "enet_rings", "rw";
				dma0 = "rx_dma", "rw";
				dma1 = "tx_pool", "r";
			};
			channels { irq = "irq"; mmio = "mmio"; };
			config { wire = "loopback"; };
		};
		drv {
			component = "enet_driver";
			maps {
				enet_regs = "enet_regs", "r";
				enet_mmio = "enet_mmio", "rw";
				enet_rings = "enet_rings", "rw";
				rx_free = "rx_free", "rw";
				rx_active = "rx_active", "rw";
				tx_free = "drv_txf", "rw";
				tx_active = "drv_txa", "rw";
			};
			channels { irq = "irq"; mmio = "mmio"; rx = "rx"; tx = "drv"; };
			config {
				mac = [02 00 00 00 7a 10];
				rx_ring = <8>; tx_ring = <8>;
				rx_capacity = <16>; tx_capacity = <16>;
				dma0_io = <0x10000000>; dma0_size = <0x8000>; dma0_rights = "rw";
				dma1_io = <0x20000000>; dma1_size = <0x10000>; dma1_rights = "r";
			};
		};
		rxm {
			component = "rx_mux";
			maps {
				rx_dma = "rx_dma", "rw";
				rx_free = "rx_free", "rw";
				rx_active = "rx_active", "rw";
				c0_rx_active = "sink_rxa", "rw";
				c0_rx_free = "sink_rxf", "rw";
				c0_rx_data = "sink_rxd", "rw";
			};
			channels { rx = "rx"; c0 = "to_sink"; };
			config {
				rx_capacity = <16>; client_capacity = <16>;
				c0_mac = [02 00 00 00 7a 00]; c0_multicast = <1>;
			};
		};
		txm {
			component = "tx_mux";
			maps {
				drv_tx_active = "drv_txa", "rw";
				drv_tx_free = "drv_txf", "rw";
				tx_pool = "tx_pool", "rw";
				c0_tx_active = "source_txa", "rw";
				c0_tx_free = "source_txf", "rw";
				c0_tx_data = "source_txd", "r";
			};
			channels { drv = "drv"; c0 = "to_source"; };
			config {
				drv_capacity = <16>; client_capacity = <16>;
				c0_mac = [02 00 00 00 7a 01]; c0_spoof_ok = <1>;
			};
		};
		sink {
			component = "queue_sink";
			maps { active = "sink_rxa", "rw"; free = "sink_rxf", "rw"; data = "sink_rxd", "r"; };
			channels { peer = "to_sink"; };
			config { capacity = <16>; buffers = <16>; };
		};
		source {
			component = "queue_source";
			maps { active = "source_txa", "rw"; free = "source_txf", "rw"; data = "source_txd", "rw"; };
			channels { peer = "to_source"; };
			config { capacity = <16>; buffers = <16>; batch = <8>; len = <100>; count = <400>; stall_ms = <0>; };
		};
	};
	regions {
		enet_regs { size = <0x1000>; };
		enet_mmio { size = <0x1000>; };
		enet_rings { size = <0x1000>; io-address = <0x40000000>; };
		rx_dma { size = <0x8000>; io-address = <0x10000000>; };
		tx_pool { size = <0x10000>; io-address = <0x20000000>; };
		rx_free { size = <0x1000>; };
		rx_active { size = <0x1000>; };
		drv_txa { size = <0x1000>; };
		drv_txf { size = <0x1000>; };
		sink_rxa { size = <0x1000>; };
		sink_rxf { size = <0x1000>; };
		sink_rxd { size = <0x8000>; };
		source_txa { size = <0x1000>; };
		source_txf { size = <0x1000>; };
		source_txd { size = <0x8000>; };
	};
	channels {
		irq { ends = "nic", "drv"; };
		mmio { ends = "drv", "nic"; };
		rx { ends = "drv", "rxm"; };
		drv { ends = "txm", "drv"; };
		to_sink { ends = "rxm", "sink"; };
		to_source { ends = "txm", "source"; };
	};
};
DTS
wait_for "^sdvf: running 'sys'"
wait_for "^\[source\] sent 400 buffers, all returned"
wait_counter rxm c0.rx_frames 1

# row CLIENT: the client table's row of that PD (or MUX), fields split
row() {
	"$HOSTILE" stats sys | awk -v who="$1" '
		$1 == "CLIENT" || $1 == "MUX" { table = 1 }
		$1 == "PD" { table = 0 }
		table && $1 == who'
}
src=$(row source)
sink=$(row sink)
read -r _ rxf rxb txf txb drops top viol rxh txh <<<"$src"
[ "$rxf $rxb $txf $txb $drops $top $viol $rxh" = "- - 400 40000 0 - 0 -" ] ||
	fail "source row: '$src'"
[ "$txh" = 0 ] || fail "source TX-HELD: '$src'"
read -r _ rxf rxb txf txb drops top viol rxh txh <<<"$sink"
# Odd sequence numbers are multicast destinations; the loopback wire may
# drop some of them when the model has no RX buffer, so only their size is
# known: 100 bytes each.
[ "$rxf" -ge 1 ] && [ "$rxb" = $((rxf * 100)) ] || fail "sink row: '$sink'"
[ "$txf $txb $viol $txh" = "- - 0 -" ] || fail "sink row: '$sink'"
[ -n "$(row rxm)" ] && [ -n "$(row txm)" ] || fail "no mux lines"
read -r _ act notifies frames mean max <<<"$(row txm)"
[ "$frames" = 400 ] || fail "txm FRAMES: '$(row txm)'"
# rx_mux counts its batches too: BATCH-MAX is a number, at least 1.
read -r _ act notifies frames mean max <<<"$(row rxm)"
[[ "$max" =~ ^[0-9]+$ ]] && [ "$max" -ge 1 ] && [ "$mean" != - ] &&
	[ "$frames" -ge "$rxf" ] || fail "rxm line: '$(row rxm)'"

client=$("$HOSTILE" stats --client source sys) || fail "stats --client"
grep -q "^  counters of 'txm' for its client c0:$" <<<"$client" ||
	fail "--client source: no txm block"
grep -Eq '^    c0.rej_src_mac +\= 0 +source MAC' <<<"$client" ||
	fail "--client source: no c0.rej_src_mac"
[ "$(grep -c 'counters of' <<<"$client")" = 1 ] ||
	fail "--client source: a block of another mux"

blocks=$("$HOSTILE" stats --interval 0.05 --count 3 sys | cat)
[ "$(grep -Ec '^--- [0-9-]{10} [0-9:]{8} UTC ---$' <<<"$blocks")" = 3 ] ||
	fail "--interval: not 3 timestamped blocks"
[ "$(grep -c '^  CLIENT ' <<<"$blocks")" = 3 ] || fail "--interval: tables"

kv=$("$HOSTILE" stats --format=kv sys)
[ -z "$(awk 'NF != 4' <<<"$kv")" ] || fail "kv: a line without 4 fields"
grep -q "^sys txm c0.tx_frames 400$" <<<"$kv" || fail "kv: txm c0.tx_frames"

stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: rows named source and sink from the muxes' channels, 400 sent, $rxf back"
