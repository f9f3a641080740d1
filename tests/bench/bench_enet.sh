#!/usr/bin/env bash
# The ENET path: instructions per frame (callgrind, sim) and hosted
# throughput (sdvf run, generator wire), for one or more driver variants
# side by side.
#   usage: bench_enet.sh NAME:IR_BIN:SDVF_BIN [NAME:IR_BIN:SDVF_BIN ...]
# Each variant is a bench_enet_ir binary and an sdvf binary built with one
# version of the driver (tests/bench/module.mk builds "now" and "base").
#
# Environment (defaults in brackets):
#   SDVF_BENCH_ENET_IR_FRAMES  frames per callgrind measurement [3200]
#   SDVF_BENCH_ENET_RATES      offered rates, pps [10000 50000 200000]
#   SDVF_BENCH_ENET_SIZES      frame sizes without FCS [60 1514]
#   SDVF_BENCH_ENET_RUNS       hosted runs per variant and setting [3]
#   SDVF_BENCH_ENET_SECONDS    measured window per hosted run [2]
#   SDVF_BENCH_ENET_WARMUP     seconds before the window opens [1]
#   SDVF_BENCH_ENET_SKIP       "ir" or "hosted" to leave that part out
set -eu
[ $# -ge 1 ] || {
	echo "usage: bench_enet.sh NAME:IR_BIN:SDVF_BIN ..." >&2
	exit 2
}
ir_frames=${SDVF_BENCH_ENET_IR_FRAMES:-3200}
rates=${SDVF_BENCH_ENET_RATES:-10000 50000 200000}
sizes=${SDVF_BENCH_ENET_SIZES:-60 1514}
runs=${SDVF_BENCH_ENET_RUNS:-3}
seconds=${SDVF_BENCH_ENET_SECONDS:-2}
warmup=${SDVF_BENCH_ENET_WARMUP:-1}
skip=${SDVF_BENCH_ENET_SKIP:-}
out=$(mktemp -d /tmp/sdvf-bench-enet.XXXXXX)
sdvf_pid=
cleanup() {
	[ -n "$sdvf_pid" ] && kill -INT "$sdvf_pid" 2>/dev/null && wait "$sdvf_pid" 2>/dev/null
	rm -rf "$out"
}
trap cleanup EXIT

names=() ir_bins=() sdvf_bins=()
for v in "$@"; do
	IFS=: read -r n i s <<<"$v"
	names+=("$n") ir_bins+=("$i") sdvf_bins+=("$s")
done

# ---- part 1: instructions per frame ----------------------------------------

# Self cost of every function, grouped by who runs it on real hardware.
# Code inlined from a header (core/queue.h, enet_mmio.h) is charged by
# callgrind_annotate to "header:enclosing_function"; the enclosing
# function's own file decides its group.  The harness (the ENET fixture,
# tests/unit/enet_fixture.c, and the bench's own code) is the "client",
# and so is the buffer ownership map it keeps (core/ownership.c: on real
# hardware, code of the muxes and clients; the driver does not use it).
ir_groups() {
	callgrind_annotate --threshold=100 "$1" 2>/dev/null | awk '
	function group(file,  g) {
		g = "libc"
		if (index(file, "enet_driver")) g = "driver"
		else if (index(file, "enet_model")) g = "model"
		else if (index(file, "driver/enet/wire")) g = "wire"
		else if (file ~ /(^|\/)tests\// || index(file, "core/ownership.c")) g = "client"
		else if (file ~ /(^|\/)core\//) g = "runtime"
		return g
	}
	/^ *[0-9,]+ \( *[0-9.]+%\) / {
		cost = $1; gsub(",", "", cost)
		line = $0; sub(/^ *[0-9,]+ \( *[0-9.]+%\) +/, "", line)
		split(line, w, " "); if (w[1] !~ /:/) next
		split(w[1], a, ":"); file = a[1]; fn = a[2]
		n++; costs[n] = cost; files[n] = file; fns[n] = fn
		if (file !~ /\.h$/) home[fn] = group(file)
	}
	END {
		for (i = 1; i <= n; i++) {
			g = group(files[i])
			if (files[i] ~ /\.h$/ && fns[i] in home) g = home[fns[i]]
			sum[g] += costs[i]
		}
		printf "%d %d %d %d %d %d\n", sum["driver"], sum["model"],
			sum["wire"], sum["client"], sum["runtime"], sum["libc"]
	}'
}

ir_part() {
	if ! command -v valgrind >/dev/null; then
		echo "bench_enet: valgrind not installed; skipping part 1" >&2
		return
	fi
	printf '\ncallgrind, sim runtime, wire mem, 60-byte frames: instructions per frame\n'
	printf '(driver / model / wire / client+harness / sim runtime / libc), and per frame:\n'
	printf 'driver activations, doorbells, IRQs\n'
	printf '%-5s %-3s %5s %8s %8s %6s %6s %7s %8s %6s %6s %5s %5s\n' \
		variant dir batch total driver model wire client runtime libc \
		act bell irq
	for dir in rx tx; do
		for batch in 1 32; do
			for k in "${!names[@]}"; do
				ir_one "$k" "$dir" "$batch"
			done
		done
	done
}

ir_one() {
	local k=$1 dir=$2 batch=$3
	local f=$out/cg.${names[$k]}.$dir.$batch
	local rounds=$((ir_frames / batch))
	valgrind --tool=callgrind --toggle-collect=ir_loop \
		--callgrind-out-file="$f" "${ir_bins[$k]}" "$dir" "$batch" \
		"$rounds" >"$f.log" 2>&1 || {
		echo "bench_enet: ${names[$k]} $dir batch $batch failed:" >&2
		cat "$f.log" >&2
		exit 1
	}
	local n act bell irq
	n=$(awk '/^frames / { print $2 }' "$f.log")
	act=$(awk '/^counter drv.activations / { print $3 }' "$f.log")
	bell=$(awk '/^counter drv.doorbells / { print $3 }' "$f.log")
	irq=$(awk '/^counter drv.irq_activations / { print $3 }' "$f.log")
	read -r d m w c r l <<<"$(ir_groups "$f")"
	awk -v v="${names[$k]}" -v dir="$dir" -v b="$batch" -v n="$n" \
		-v d="$d" -v m="$m" -v w="$w" -v c="$c" -v r="$r" -v l="$l" \
		-v act="$act" -v bell="$bell" -v irq="$irq" 'BEGIN {
		t = d + m + w + c + r + l
		printf "%-5s %-3s %5d %8.0f %8.0f %6.0f %6.0f %7.0f %8.0f %6.0f %6.2f %5.2f %5.2f\n",
			v, dir, b, t / n, d / n, m / n, w / n, c / n, r / n, l / n,
			act / n, bell / n, irq / n }'
}

# ---- part 2: hosted throughput ------------------------------------------------

# The example system with the generator as the wire; frames go to a MAC
# no client has, which RCR.PROM passes and the RX mux takes (rx_frames),
# drops (drop.unknown_unicast) and gives back to the driver at once: a
# sink.  (A client's MAC cannot be the generator's: the loader keeps one
# station per MAC.)  The path measured is model -> driver -> RX mux; the
# muxes' own costs are `make bench-mux`'s.
make_dts() {
	local rate=$1 size=$2 dts=$3
	sed -e "s/wire = \"tap\";/wire = \"generator\"; gen-rate-pps = <0 $rate>; gen-sizes = \"$size\"; gen-dst-mac = [02 00 00 00 e7 09];/" \
		-e '/tap-name = /d' -e 's/log_period_ms = <5000>;/log_period_ms = <3600000>;/g' \
		examples/enet-tap.dts >"$dts"
	grep -q 'wire = "generator"' "$dts"
}

# kv snapshot: "pd.counter value" lines.
snapshot() {
	"$1" stats --format=kv "$2" | awk '{ print $2 "." $3, $4 }'
}

# One run: prints "delivered_pps loss_pct notif_per_frame bell_per_frame
# irq_per_frame"; the window opens after the warm-up.
hosted_one() {
	local sdvf=$1 rate=$2 size=$3 sys=benet$$r$rate
	local dts=$out/$sys.dts
	make_dts "$rate" "$size" "$dts"
	"$sdvf" run "$dts" --quiet >"$out/$sys.log" 2>&1 &

	sdvf_pid=$!
	sleep "$warmup"
	snapshot "$sdvf" "$sys" >"$out/a" || {
		cat "$out/$sys.log" >&2
		exit 1
	}
	local t0 t1
	t0=$(date +%s.%N)
	sleep "$seconds"
	snapshot "$sdvf" "$sys" >"$out/b"
	t1=$(date +%s.%N)
	kill -INT "$sdvf_pid"
	wait "$sdvf_pid" || true
	sdvf_pid=
	awk -v t0="$t0" -v t1="$t1" -v rate="$rate" '
	FNR == NR { a[$1] = $2; next }
	{ d[$1] = $2 - a[$1] }
	END {
		dt = t1 - t0; got = d["net_rx_mux.rx_frames"]
		lost = d["net_nic.rx_fifo_overflow"] + d["net_nic.rx_disabled"]
		# Doorbell wake-ups of the model: its activations that were
		# neither the wire timer nor an IRQ ack (eventfd reads coalesce
		# doorbells that arrive before the model wakes).
		bell = d["net_nic.sdvf.activations"] - d["net_nic.sdvf.timer_fires"] - d["net_nic.irq_acks"]
		if (got == 0) got = 1e-9
		printf "%.0f %.2f %.2f %.2f %.2f %.1f\n", got / dt,
			100 * lost / (got + lost), d["net_driver.sdvf.notifications"] / got,
			bell / got, d["net_driver.irq_activations"] / got,
			100 * got / (rate * dt)
	}' "$out/a" "$out/b"
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

hosted_part() {
	printf '\nhosted: sdvf run, generator wire -> model -> driver -> rx_mux (sink)\n'
	printf 'medians of %s runs of %s s after %s s warm-up; per delivered frame: driver\n' \
		"$runs" "$seconds" "$warmup"
	printf 'notifications, model doorbell wake-ups, driver IRQ activations\n'
	printf '%-5s %5s %7s %10s %6s %6s %6s %6s %6s\n' variant size offered \
		delivered deliv% drop% notif bell irq
	for size in $sizes; do
		for rate in $rates; do
			for k in "${!names[@]}"; do
				: >"$out/runs.$k"
			done
			# Interleaved, so load from elsewhere falls on every variant.
			for _ in $(seq "$runs"); do
				for k in "${!names[@]}"; do
					hosted_one "${sdvf_bins[$k]}" "$rate" "$size" >>"$out/runs.$k"
				done
			done
			for k in "${!names[@]}"; do
				local f=$out/runs.$k
				printf '%-5s %5s %7s %10s %6s %6s %6s %6s %6s\n' \
					"${names[$k]}" "$size" "$rate" \
					"$(cut -d' ' -f1 "$f" | median)" \
					"$(cut -d' ' -f6 "$f" | median)" \
					"$(cut -d' ' -f2 "$f" | median)" \
					"$(cut -d' ' -f3 "$f" | median)" \
					"$(cut -d' ' -f4 "$f" | median)" \
					"$(cut -d' ' -f5 "$f" | median)"
			done
		done
	done
}

[ "$skip" = ir ] || ir_part
[ "$skip" = hosted ] || hosted_part
