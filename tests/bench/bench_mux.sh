#!/usr/bin/env bash
# The muxes: instructions per frame of the RX mux and the TX mux (callgrind,
# sim runtime), beside the driver's, with each mux's payload copy apart.
#   usage: bench_mux.sh BENCH_MUX_IR SDVF
#
# Environment (defaults in brackets):
#   SDVF_BENCH_MUX_IR_FRAMES  frames per callgrind measurement [3200]
#   SDVF_BENCH_MUX_SIZES      frame sizes without FCS [60 1514]
#   SDVF_BENCH_MUX_SKIP       "ir" or "hosted" to leave that part out
set -eu
[ $# -eq 2 ] || {
	echo "usage: bench_mux.sh BENCH_MUX_IR SDVF" >&2
	exit 2
}
ir_bin=$1
sdvf_bin=$2
ir_frames=${SDVF_BENCH_MUX_IR_FRAMES:-3200}
sizes=${SDVF_BENCH_MUX_SIZES:-60 1514}
skip=${SDVF_BENCH_MUX_SKIP:-}
out=$(mktemp -d /tmp/sdvf-bench-mux.XXXXXX)
cleanup() {
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
# the sim).  Code shared by several callers (core/ownership.c, policies/,
# libc, out-of-line header functions) is charged to the group of its
# caller, inclusively, through the call's cost.  A mux's copy is reported
# apart: its calls to memcpy, and sdvf_copy (core/bytes.h) inlined into it
# (gcc inlines a copy of bounded length as `rep movsq`, which callgrind
# counts once per 8 bytes); that includes rx_mux's private 6-byte copy of
# the destination MAC, a few instructions in either mode.  Prints: total rx_mux rx_copy
# tx_mux tx_copy driver model wire client runtime rest (rest: what the
# rules left unattributed; 0 when every call was seen).
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
		printf "%d %d %d %d %d %d %d %d %d %d %d\n", total, sum["rxmux"],
			copy["rxmux"], sum["txmux"], copy["txmux"], sum["driver"],
			sum["model"], sum["wire"], sum["client"], sum["runtime"],
			total - s
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
	read -r t rm rc tm tc d m w c r rest <<<"$(ir_groups "$f")"
	awk -v dir="$dir" -v mode="$mode" -v b="$batch" -v size="$size" \
		-v n="$n" -v act="$act" -v t="$t" -v rm="$rm" -v rc="$rc" \
		-v tm="$tm" -v tc="$tc" -v d="$d" -v m="$m" -v w="$w" -v c="$c" \
		-v r="$r" -v rest="$rest" 'BEGIN {
		mux = dir == "rx" ? rm : tm; cp = dir == "rx" ? rc : tc
		other = dir == "rx" ? tm + tc : rm + rc
		printf "%-3s %-5s %5d %5d %7.0f %6.0f %5.0f %7.0f %6.0f %6.0f %6.0f %7.0f %5.0f %5.2f %5.2f\n",
			dir, mode, b, size, t / n, mux / n, cp / n, d / n, m / n,
			w / n, c / n, r / n, (other + rest) / n,
			(mux + cp) / (d > 0 ? d : 1), act / n }'
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
}

[ "$skip" = ir ] || ir_part
