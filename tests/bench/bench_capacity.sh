#!/usr/bin/env bash
# Internal capacity (issue 10): 60-byte frames (64 on the wire with the FCS)
# from the generator wire through driver -> RX mux -> reflecting client ->
# TX mux -> driver -> wire, hosted (tests/fixtures/reflector-mux.dts, the
# wire replaced by the generator), at offered rates up to 1.5 Mpps, for the
# copy reflector r0 and the remap reflector r1 side by side (copy vs
# remap, hosted), each run interleaved with the other mode's.
#   usage: bench_capacity.sh SDVF
# Per run, from `sdvf stats` before and after the window: generated (frames
# the generator put on the wire, /s), delivered (frames the model sent back
# out, /s), lost% (1 - delivered / generated), of which at the model's RX
# (FIFO overflow, RX disabled), and CPU: each PD's user + system time from
# /proc over the window; model% is the ENET model's share of the PDs' CPU
# (the model and its generator are one process: on hardware that work is
# free); drop%: of gen, frames dropped for lack of a buffer or FIFO space,
# from the counters (the model's RX FIFO overflow, the RX mux's cap and
# full client queue, the reflector without a TX buffer or with a full TX
# queue), so exact where lost% has the window's edges in it.  Cells are
# medians of the runs; the load average is printed beside them.  "loss
# starts" is the lowest offered rate whose median loss is 0.1% or more,
# "drops start" the lowest with any median drop.
#
# Environment (defaults in brackets):
#   SDVF_BENCH_CAP_RATES    offered rates, pps [100000 200000 400000 700000 1000000 1500000]
#   SDVF_BENCH_CAP_RUNS     runs per mode and rate [5]
#   SDVF_BENCH_CAP_SECONDS  measured window per run [2]
#   SDVF_BENCH_CAP_WARMUP   seconds before the window opens [1]
#   SDVF_BENCH_CAP_MODES    reflectors [copy remap copy_nicgroup]; MODE_group runs the
#                           driver and both muxes in one process (a
#                           co-location group), MODE_nicgroup the ENET
#                           model (and its generator) in it too; in a
#                           group the process's CPU counts once, for its
#                           first member (model% is then the group's share);
#                           floor is no sdvf at all (tests/bench/cap_floor.c:
#                           a paced source and a reflector in two processes, a
#                           256-slot ring each way; model% is the source's share)
#   SDVF_BENCH_CAP_BEFORE   an sdvf binary of another commit: a mode named
#                           before_MODE runs MODE with it, interleaved with
#                           the rest (side by side, one run) [unset]
set -eu -o pipefail
[ $# -eq 1 ] || {
	echo "usage: bench_capacity.sh SDVF" >&2
	exit 2
}
sdvf_bin=$1
before_bin=${SDVF_BENCH_CAP_BEFORE:-}
rates=${SDVF_BENCH_CAP_RATES:-100000 200000 400000 700000 1000000 1500000}
runs=${SDVF_BENCH_CAP_RUNS:-5}
seconds=${SDVF_BENCH_CAP_SECONDS:-2}
warmup=${SDVF_BENCH_CAP_WARMUP:-1}
modes=${SDVF_BENCH_CAP_MODES:-copy remap copy_nicgroup floor}
cap_floor=$(dirname "$sdvf_bin")/tests/bench/cap_floor
out=$(mktemp -d /tmp/sdvf-bench-cap.XXXXXX)
sdvf_pid=
cleanup() {
	[ -n "$sdvf_pid" ] && kill -INT "$sdvf_pid" 2>/dev/null && wait "$sdvf_pid" 2>/dev/null
	rm -rf "$out"
}
trap cleanup EXIT

# r0 (e7:10) reflects with copies, r1 (e7:11) with remap.  The fixture
# gives r1 64 TX buffers (for its tests); here it gets r0's 256 (its
# r1_tx_data region and the device's window on it, dma2, four times the
# size), so that copy and remap are sized alike.
make_dts() {
	local mode=$1 rate=$2 dts=$3 mac=10 group=()
	[ "${mode%%_*}" = remap ] && mac=11
	case $mode in
	*_nicgroup) group=(-e 's/component = "\(enet_model\|enet_driver\|rx_mux\|tx_mux\)";/& group = "net";/') ;;
	*_group) group=(-e 's/component = "\(enet_driver\|rx_mux\|tx_mux\)";/& group = "net";/') ;;
	esac
	sed "${group[@]}" -e "s/config { wire = \"mem\"; mem_depth = <128>; };/config { wire = \"generator\"; gen_rate_pps = <0 $rate>; gen_sizes = \"60\"; gen_dst_mac = [02 00 00 00 e7 $mac]; };/" \
		-e 's/dma2_size = <0x20000>;/dma2_size = <0x80000>;/' \
		-e 's/r1_tx_data { size = <0x20000>;/r1_tx_data { size = <0x80000>;/' \
		tests/fixtures/reflector-mux.dts >"$dts"
	grep -q 'wire = "generator"' "$dts"
	[ "$(grep -c '0x80000' "$dts")" -ge 3 ]
}

# "pd.counter value" lines of system $2 run by sdvf $1, then
# "pd.cpu_ticks N" per PD.
snapshot() {
	"$1" stats --format=kv "$2" 2>>"$out/stats.err" |
		awk '{ print $2 "." $3, $4 }' >"$out/kv"
	cat "$out/kv"
	# a group's members share a pid: its CPU once, for the first
	awk '$1 ~ /\.sdvf\.pid$/ && !seen[$2]++ { sub(/\.sdvf\.pid$/, "", $1); print $1, $2 }' "$out/kv" |
		while read -r pd pid; do
			# utime + stime: fields 14 and 15 after the (comm) field
			local t
			t=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null |
				awk '{ print $12 + $13 }') || t=0
			echo "$pd.cpu_ticks ${t:-0}"
		done
}

# One run: prints "generated delivered lost% rxlost% model% cpu% drop%".
cap_one() {
	local mode=$1 rate=$2 bin=$sdvf_bin
	if [ "$mode" = floor ]; then
		"$cap_floor" "$rate" "$seconds" "$warmup"
		return
	fi
	local sys=bcap$$$mode$rate
	if [ "${mode#before_}" != "$mode" ]; then
		[ -x "$before_bin" ] || {
			echo "bench_capacity: $mode needs SDVF_BENCH_CAP_BEFORE" >&2
			exit 2
		}
		bin=$before_bin mode=${mode#before_}
	fi
	local dts=$out/$sys.dts
	make_dts "$mode" "$rate" "$dts"
	"$bin" run "$dts" --quiet >"$out/$sys.log" 2>&1 &
	sdvf_pid=$!
	sleep "$warmup"
	kill -0 "$sdvf_pid" 2>/dev/null && snapshot "$bin" "$sys" >"$out/a" || {
		sdvf_pid=
		echo "bench_capacity: the $mode system did not start:" >&2
		cat "$out/$sys.log" "$out/stats.err" >&2 2>/dev/null
		exit 1
	}
	local t0 t1
	t0=$(date +%s.%N)
	sleep "$seconds"
	snapshot "$bin" "$sys" >"$out/b"
	t1=$(date +%s.%N)
	kill -INT "$sdvf_pid"
	wait "$sdvf_pid" || true
	sdvf_pid=
	awk -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" '
	FNR == NR { a[$1] = $2; next }
	{ d[$1] = $2 - a[$1] }
	END {
		dt = t1 - t0
		gen = d["nic.wire.rx_frames"]
		got = d["nic.wire.tx_frames"]
		rxlost = d["nic.rx_fifo_overflow"] + d["nic.rx_disabled"]
		cpu = drops = 0
		for (k in d) {
			if (k ~ /\.cpu_ticks$/)
				cpu += d[k]
			if (k == "nic.rx_fifo_overflow" ||
			    k ~ /^rxm\.c[0-9]+\.drop\.(cap|queue_full)$/ ||
			    k ~ /^r[0-9]+\.drop\.(no_tx_buf|tx_queue)$/)
				drops += d[k]
		}
		printf "%.0f %.0f %.3f %.3f %.1f %.1f %.4f\n", gen / dt, got / dt,
			(gen > 0 ? 100 * (1 - got / gen) : 100),
			(gen > 0 ? 100 * rxlost / gen : 0),
			(cpu > 0 ? 100 * d["nic.cpu_ticks"] / cpu : 0),
			100 * cpu / hz / dt, (gen > 0 ? 100 * drops / gen : 0)
	}' "$out/a" "$out/b"
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

read -r load1 _ </proc/loadavg
printf 'internal capacity: hosted, generator wire, 60-byte frames, reflector-mux.dts;\n'
printf 'medians of %s runs of %s s after %s s warm-up, modes interleaved; load average %s\n' \
	"$runs" "$seconds" "$warmup" "$load1"
printf 'gen: frames/s the generator made; delivered: frames/s back on the wire;\n'
printf 'lost%%: 1 - delivered/gen; rx%%: of gen, dropped at the model'"'"'s RX; model%%:\n'
printf 'the ENET model'"'"'s share of the PDs'"'"' CPU; cpu%%: all PDs, of one core;\n'
printf 'drop%%: of gen, dropped for lack of a buffer or FIFO space (counters)\n'
printf '_nicgroup: the model, driver and muxes in one process\n'
printf 'floor: no sdvf, a paced source and a reflector in two processes, a\n'
printf '256-slot ring each way (tests/bench/cap_floor.c; model%%: the source)\n'
printf '%-5s %8s %8s %9s %7s %7s %6s %6s %7s\n' mode offered gen delivered lost% rx% model% cpu% drop%
for rate in $rates; do
	for mode in $modes; do : >"$out/runs.$mode"; done
	for _ in $(seq "$runs"); do
		for mode in $modes; do
			cap_one "$mode" "$rate" >>"$out/runs.$mode"
		done
	done
	for mode in $modes; do
		f=$out/runs.$mode
		printf '%-5s %8s %8s %9s %7s %7s %6s %6s %7s\n' "$mode" "$rate" \
			"$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" \
			"$(cut -d' ' -f3 "$f" | median)" "$(cut -d' ' -f4 "$f" | median)" \
			"$(cut -d' ' -f5 "$f" | median)" "$(cut -d' ' -f6 "$f" | median)" \
			"$(cut -d' ' -f7 "$f" | median)" |
			tee -a "$out/table"
	done
done
for mode in $modes; do
	awk -v m="$mode" '$1 == m && $5 >= 0.1 { print "loss starts (" m "): " $2 " pps offered"; f = 1; exit }
		END { if (!f) print "loss starts (" m "): not within the rates offered" }' "$out/table"
	awk -v m="$mode" '$1 == m && $9 > 0 { print "drops start (" m "): " $2 " pps offered"; f = 1; exit }
		END { if (!f) print "drops start (" m "): not within the rates offered" }' "$out/table"
done
