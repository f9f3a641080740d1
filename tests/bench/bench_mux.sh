#!/usr/bin/env bash
# The muxes: instructions per frame of the RX mux and the TX mux (callgrind,
# sim runtime), beside the driver's, with each mux's payload copy apart;
# then hosted throughput of the mux pipeline beside the driver-only one.
#   usage: bench_mux.sh BENCH_MUX_IR SDVF [BASE_TREE]
# BASE_TREE: a source tree from before raw_responder moved behind the muxes,
# built (BASE_TREE/build/sdvf): its examples/enet-tap.dts is the driver-only
# pipeline (tests/bench/module.mk makes one from commit BENCH_MUX_BASE).
# Without it the hosted part is skipped.
#
# Environment (defaults in brackets):
#   SDVF_BENCH_MUX_IR_FRAMES  frames per callgrind measurement [3200]
#   SDVF_BENCH_MUX_SIZES      frame sizes without FCS, callgrind [60 1514]
#   SDVF_BENCH_MUX_RATES      offered rates, pps, hosted [10000 50000 200000]
#   SDVF_BENCH_MUX_RUNS       hosted runs per pipeline and rate [3]
#   SDVF_BENCH_MUX_SECONDS    measured window per hosted run [2]
#   SDVF_BENCH_MUX_WARMUP     seconds before the window opens [1]
#   SDVF_BENCH_MUX_SKIP       "ir" or "hosted" to leave that part out
set -eu -o pipefail
[ $# -eq 2 ] || [ $# -eq 3 ] || {
	echo "usage: bench_mux.sh BENCH_MUX_IR SDVF [BASE_TREE]" >&2
	exit 2
}
ir_bin=$1
sdvf_bin=$2
base_tree=${3:-}
ir_frames=${SDVF_BENCH_MUX_IR_FRAMES:-3200}
sizes=${SDVF_BENCH_MUX_SIZES:-60 1514}
rates=${SDVF_BENCH_MUX_RATES:-10000 50000 200000}
runs=${SDVF_BENCH_MUX_RUNS:-3}
seconds=${SDVF_BENCH_MUX_SECONDS:-2}
warmup=${SDVF_BENCH_MUX_WARMUP:-1}
skip=${SDVF_BENCH_MUX_SKIP:-}
out=$(mktemp -d /tmp/sdvf-bench-mux.XXXXXX)
sdvf_pid=
cleanup() {
	[ -n "$sdvf_pid" ] && kill -INT "$sdvf_pid" 2>/dev/null && wait "$sdvf_pid" 2>/dev/null
	rm -rf "$out"
}
trap cleanup EXIT

# ---- part 1: instructions per frame ----------------------------------------

# Who executed each instruction, from the raw callgrind file (strings and
# positions uncompressed).  A function belongs to the source file it is
# defined in: its `fl=`, or, where callgrind names a header there because
# header code was inlined first, the first .c file among its `fi=`/`fe=`
# lines; header code inlined into it (core/queue.h, ...) is its own.
# Groups: rx_mux (mux/rx_mux.c), tx_mux (mux/tx_mux*.c), driver, model,
# wire, client (tests/: the bench client and harness), runtime (core/*.c:
# the sim), refl (clients/: the reflector and net_client, pipe only).
# Code shared by several callers (core/ownership.c, policies/, libc,
# out-of-line header functions) is charged to the group of its
# caller, inclusively, through the call's cost.  A mux's copy is reported
# apart: its calls to memcpy, and sdvf_copy (core/bytes.h) inlined into it
# (gcc inlines a copy of bounded length as `rep movsq`, which callgrind
# counts once per 8 bytes); that includes rx_mux's private 6-byte copy of
# the destination MAC, a few instructions in either mode.  Prints: total
# rx_mux rx_copy tx_mux tx_copy driver model wire client runtime rest refl
# (rest: what the rules left unattributed; 0 when every call was seen).
ir_groups() {
	local copy_line
	copy_line=$(grep -n __builtin_memcpy core/bytes.h | cut -d: -f1)
	awk -v copy_line="$copy_line" '
	function group(file) {
		if (index(file, "mux/rx_mux.c")) return "rxmux"
		if (index(file, "mux/tx_mux")) return "txmux"
		if (index(file, "enet_driver")) return "driver"
		if (index(file, "enet_model")) return "model"
		if (index(file, "driver/enet/wire/")) return "wire"
		if (file ~ /(^|\/)tests\//) return "client"
		if (file ~ /(^|\/)clients\//) return "refl"
		if (index(file, "core/ownership.c") || file ~ /(^|\/)policies\//)
			return "shared"
		if (file ~ /(^|\/)core\/.*\.c$/) return "runtime"
		return "shared"
	}
	function keygroup(k) { return (k in home) ? group(home[k]) : "shared" }
	function calleegroup(name, file,   ks, i, m) {
		if ((file "|" name) in home) return keygroup(file "|" name)
		m = split(names[name], ks, " ")
		for (i = 1; i <= m; i++)
			if (keygroup(ks[i]) != "shared") return keygroup(ks[i])
		return "shared"
	}
	/^fl=/ { fl = substr($0, 4); file = fl; next }
	/^fn=/ {
		fn = substr($0, 4); key = fl "|" fn; file = fl
		if (!((" " key " ") in seen)) { names[fn] = names[fn] " " key; seen[" " key " "] = 1 }
		if (fl ~ /\.c$/ && !(key in home)) home[key] = fl
		next
	}
	/^f[ie]=/ {
		file = substr($0, 4)
		if (file ~ /\.c$/ && !(key in home)) home[key] = file
		next
	}
	/^cf[il]=/ { cfile = substr($0, 5); next }
	/^cfn=/ { cname = substr($0, 5); next }
	/^calls=/ { incall = 1; next }
	/^summary:/ { total = $2; next }
	/^[0-9]+ [0-9]+$/ {
		if (incall) {
			n++; caller[n] = key; callee[n] = cname; cfl[n] = cfile
			cost[n] = $2; incall = 0; cfile = ""
		} else if ($1 == copy_line && file ~ /core\/bytes\.h$/) {
			inlined_copy[key] += $2
		} else {
			self[key] += $2
		}
		next
	}
	END {
		for (k in self)
			if (keygroup(k) != "shared") sum[keygroup(k)] += self[k]
		for (k in inlined_copy) {
			g = keygroup(k)
			if (g == "rxmux" || g == "txmux") copy[g] += inlined_copy[k]
			else if (g != "shared") sum[g] += inlined_copy[k]
		}
		for (i = 1; i <= n; i++) {
			g = keygroup(caller[i])
			if (g == "shared" || calleegroup(callee[i], cfl[i]) != "shared")
				continue
			if ((g == "rxmux" || g == "txmux") && callee[i] ~ /mem(cpy|move)/)
				copy[g] += cost[i]
			else
				sum[g] += cost[i]
		}
		s = 0
		for (g in sum) s += sum[g]
		for (g in copy) s += copy[g]
		printf "%d %d %d %d %d %d %d %d %d %d %d %d\n", total,
			sum["rxmux"], copy["rxmux"], sum["txmux"], copy["txmux"],
			sum["driver"], sum["model"], sum["wire"], sum["client"],
			sum["runtime"], total - s, sum["refl"]
	}' "$1"
}

ir_one() {
	local dir=$1 mode=$2 batch=$3 size=$4
	local f=$out/cg.$dir.$mode.$batch.$size
	local rounds=$((ir_frames / batch))
	SDVF_BENCH_MUX_LEN=$size valgrind --tool=callgrind \
		--toggle-collect=ir_loop --compress-strings=no \
		--compress-pos=no --callgrind-out-file="$f" \
		"$ir_bin" "$dir" "$mode" "$batch" "$rounds" >"$f.log" 2>&1 || {
		echo "bench_mux: $dir $mode batch $batch size $size failed:" >&2
		cat "$f.log" >&2
		exit 1
	}
	local n act
	n=$(awk '/^frames / { print $2 }' "$f.log")
	act=$(awk -v pd="$([ "$dir" = rx ] && echo rxm || echo txm)" \
		'$1 == "activations" && $2 == pd { print $3 }' "$f.log")
	read -r t rm rc tm tc d m w c r rest refl <<<"$(ir_groups "$f")"
	awk -v dir="$dir" -v mode="$mode" -v b="$batch" -v size="$size" \
		-v n="$n" -v act="$act" -v t="$t" -v rm="$rm" -v rc="$rc" \
		-v tm="$tm" -v tc="$tc" -v d="$d" -v m="$m" -v w="$w" -v c="$c" \
		-v r="$r" -v rest="$rest" -v refl="$refl" 'BEGIN {
		mux = dir == "rx" ? rm : tm; cp = dir == "rx" ? rc : tc
		other = (dir == "rx" ? tm + tc : rm + rc) + refl
		printf "%-3s %-5s %5d %5d %7.0f %6.0f %5.0f %7.0f %6.0f %6.0f %6.0f %7.0f %5.0f %5.2f %5.2f\n",
			dir, mode, b, size, t / n, mux / n, cp / n, d / n, m / n,
			w / n, c / n, r / n, (other + rest) / n,
			(mux + cp) / (d > 0 ? d : 1), act / n }'
}

# One round trip through a reflector: both muxes, the reflector with
# net_client (refl), the harness (client: frames in, replies checked).
pipe_one() {
	local mode=$1 batch=$2 size=$3
	local f=$out/cg.pipe.$mode.$batch.$size
	local rounds=$((ir_frames / batch))
	SDVF_BENCH_MUX_LEN=$size valgrind --tool=callgrind \
		--toggle-collect=ir_loop --compress-strings=no \
		--compress-pos=no --callgrind-out-file="$f" \
		"$ir_bin" pipe "$mode" "$batch" "$rounds" >"$f.log" 2>&1 || {
		echo "bench_mux: pipe $mode batch $batch size $size failed:" >&2
		cat "$f.log" >&2
		exit 1
	}
	local n
	n=$(awk '/^frames / { print $2 }' "$f.log")
	read -r t rm rc tm tc d m w c r rest refl <<<"$(ir_groups "$f")"
	awk -v mode="$mode" -v b="$batch" -v size="$size" -v n="$n" \
		-v t="$t" -v rm="$rm" -v rc="$rc" -v tm="$tm" -v tc="$tc" \
		-v d="$d" -v m="$m" -v w="$w" -v c="$c" -v r="$r" \
		-v rest="$rest" -v refl="$refl" 'BEGIN {
		printf "%-5s %5d %5d %7.0f %6.0f %5.0f %6.0f %5.0f %7.0f %6.0f %5.0f %6.0f %6.0f %7.0f %5.0f\n",
			mode, b, size, t / n, rm / n, rc / n, tm / n, tc / n,
			d / n, m / n, w / n, refl / n, c / n, r / n, rest / n }'
}

ir_part() {
	if ! command -v valgrind >/dev/null; then
		echo "bench_mux: valgrind not installed; skipping part 1" >&2
		return
	fi
	printf '\ncallgrind, sim runtime, wire mem, %s frames each: instructions per frame\n' "$ir_frames"
	printf '(mux: the mux of that direction without its copy; copy: its memcpy of the\n'
	printf 'payload; other: the other mux and anything unattributed), mux+copy over\n'
	printf 'driver, and that mux'"'"'s activations per frame\n'
	printf '%-3s %-5s %5s %5s %7s %6s %5s %7s %6s %6s %6s %7s %5s %5s %5s\n' \
		dir mode batch size total mux copy driver model wire client \
		runtime other ratio act
	for dir in rx tx; do
		for mode in copy remap; do
			for batch in 1 32; do
				for size in $sizes; do
					ir_one "$dir" "$mode" "$batch" "$size"
				done
			done
		done
	done
	printf '\nround trips through a reflector (tests/fixtures/reflector-mux.dts), per\n'
	printf 'frame: both muxes and their copies, driver (RX and TX), model, wire, the\n'
	printf 'reflector with net_client, the harness (frames in, replies checked),\n'
	printf 'runtime, rest (unattributed)\n'
	printf '%-5s %5s %5s %7s %6s %5s %6s %5s %7s %6s %5s %6s %6s %7s %5s\n' \
		mode batch size total rx_mux rxcp tx_mux txcp driver model \
		wire refl harn runtime rest
	for mode in copy remap; do
		for batch in 1 32; do
			for size in $sizes; do
				pipe_one "$mode" "$batch" "$size"
			done
		done
	done
}

# ---- part 2: hosted throughput ----------------------------------------------

# Two pipelines, each fed 60-byte frames by the generator wire:
#   driver  BASE_TREE's examples/enet-tap.dts, run by BASE_TREE's sdvf:
#           generator -> model -> driver -> raw_responder on the driver's
#           queues, which takes each frame (to 02:00:00:00:e7:03, nobody's:
#           RCR.PROM passes it) and returns its buffer at once, as
#           bench_enet.sh measured it then; delivered: responder rx_frames.
#   mux     tests/fixtures/reflector-mux.dts: generator -> model -> driver ->
#           rx_mux -> reflector r0 (copy) -> tx_mux -> driver -> model ->
#           wire; delivered: frames the model put back on the wire
#           (nic wire.tx_frames), i.e. through both muxes.
# The mux pipeline does more (every frame also goes out); same rings, driver
# queues and RX DMA buffers in both.
make_dts() {
	local pipe=$1 rate=$2 dts=$3
	if [ "$pipe" = driver ]; then
		sed -e "s/wire = \"tap\";/wire = \"generator\"; gen_rate_pps = <0 $rate>; gen_sizes = \"60\"; gen_dst_mac = [02 00 00 00 e7 03];/" \
			-e '/tap_name = /d' -e 's/log_period_ms = <5000>;/log_period_ms = <3600000>;/' \
			"$base_tree/examples/enet-tap.dts" >"$dts"
	else
		sed -e "s/config { wire = \"mem\"; mem_depth = <128>; };/config { wire = \"generator\"; gen_rate_pps = <0 $rate>; gen_sizes = \"60\"; gen_dst_mac = [02 00 00 00 e7 10]; };/" \
			tests/fixtures/reflector-mux.dts >"$dts"
	fi
	grep -q 'wire = "generator"' "$dts"
}

pipe_sdvf() {
	if [ "$1" = driver ]; then echo "$base_tree/build/sdvf"; else echo "$sdvf_bin"; fi
}

# kv snapshot of system $2 run by pipeline $1's sdvf: "pd.counter value".
snapshot() {
	"$(pipe_sdvf "$1")" stats --format=kv "$2" 2>>"$out/stats.err" |
		awk '{ print $2 "." $3, $4 }'
}

# One run: prints "delivered_pps deliv% drop% client_rx_pps".
hosted_one() {
	local pipe=$1 rate=$2 sys=bmux$$$pipe$rate
	local dts=$out/$sys.dts
	make_dts "$pipe" "$rate" "$dts"
	"$(pipe_sdvf "$pipe")" run "$dts" --quiet >"$out/$sys.log" 2>&1 &
	sdvf_pid=$!
	sleep "$warmup"
	kill -0 "$sdvf_pid" 2>/dev/null && snapshot "$pipe" "$sys" >"$out/a" || {
		sdvf_pid=
		echo "bench_mux: the $pipe pipeline did not start:" >&2
		cat "$out/$sys.log" "$out/stats.err" >&2 2>/dev/null
		exit 1
	}
	local t0 t1
	t0=$(date +%s.%N)
	sleep "$seconds"
	snapshot "$pipe" "$sys" >"$out/b"
	t1=$(date +%s.%N)
	kill -INT "$sdvf_pid"
	wait "$sdvf_pid" || true
	sdvf_pid=
	awk -v t0="$t0" -v t1="$t1" -v rate="$rate" -v pipe="$pipe" '
	FNR == NR { a[$1] = $2; next }
	{ d[$1] = $2 - a[$1] }
	END {
		dt = t1 - t0
		rx = pipe == "driver" ? d["responder.rx_frames"] : d["rxm.c0.rx_frames"]
		got = pipe == "driver" ? rx : d["nic.wire.tx_frames"]
		lost = d["nic.rx_fifo_overflow"] + d["nic.rx_disabled"]
		printf "%.0f %.1f %.2f %.0f\n", got / dt, 100 * got / (rate * dt),
			100 * lost / (d["nic.rx_frames"] + lost + 1e-9), rx / dt
	}' "$out/a" "$out/b"
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

hosted_part() {
	printf '\nhosted: sdvf run, generator wire, 60-byte frames, medians of %s runs of %s s\n' \
		"$runs" "$seconds"
	printf 'after %s s warm-up, the two pipelines interleaved; delivered: frames/s through\n' "$warmup"
	printf 'the whole pipeline; client rx: frames/s reaching the responder / reflector;\n'
	printf 'drop%%: frames the model dropped at RX (FIFO overflow, RX disabled)\n'
	printf '%-6s %7s %10s %6s %6s %10s %6s\n' pipe offered delivered deliv% drop% \
		"client rx" ratio
	for rate in $rates; do
		: >"$out/runs.driver"
		: >"$out/runs.mux"
		for _ in $(seq "$runs"); do
			for pipe in driver mux; do
				hosted_one "$pipe" "$rate" >>"$out/runs.$pipe"
			done
		done
		local base
		base=$(cut -d' ' -f1 "$out/runs.driver" | median)
		for pipe in driver mux; do
			local f=$out/runs.$pipe med
			med=$(cut -d' ' -f1 "$f" | median)
			printf '%-6s %7s %10s %6s %6s %10s %6.2f\n' "$pipe" "$rate" \
				"$med" "$(cut -d' ' -f2 "$f" | median)" \
				"$(cut -d' ' -f3 "$f" | median)" \
				"$(cut -d' ' -f4 "$f" | median)" \
				"$(awk -v m="$med" -v b="$base" 'BEGIN { printf "%f", (b > 0 ? m / b : 0) }')"
		done
	done
}

[ "$skip" = ir ] || ir_part
if [ "$skip" != hosted ]; then
	if [ -x "$base_tree/build/sdvf" ]; then
		hosted_part
	else
		echo "bench_mux: no BASE_TREE with build/sdvf: hosted part skipped" >&2
	fi
fi
