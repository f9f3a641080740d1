# shellcheck shell=sh
# shellcheck disable=SC2154 # me, run: the payload's
# The helpers of the VM tests' L1 payloads (busybox sh): sourced there as
# /payload/lib.sh, where vm_payload_files (tests/vm/lib_vm.sh) puts it.
# The payload sets `me` (the prefix of its own lines) and, once it has
# started the system, `run` (the pid of its `sdvf run`).  The system's
# log is /tmp/sdvf.log; SDVF_STATS_DIR is the payload's.

# guest_initrd OUT: the image's guest initramfs followed by the test's own
# files (payload/guest-extra.cpio: a later archive's file wins).
guest_initrd() {
	cat /images/guest.cpio /payload/guest-extra.cpio >"$1"
}

# now: L1's uptime in seconds, with its fraction; uptime_s: whole seconds.
now() { cut -d' ' -f1 /proc/uptime; }
uptime_s() {
	t=$(now)
	echo "${t%.*}"
}

# snap NAME: `sdvf stats --format=kv` into /tmp/NAME.kv (not the rt.*
# timing lines); the L1 uptime before and after the read are appended to
# /tmp/snaps as "snap NAME T0 T1".
snap() {
	t0=$(now)
	sdvf stats --format=kv 2>/dev/null | grep -v ' rt\.' >"/tmp/$1.kv"
	t1=$(now)
	echo "snap $1 $t0 $t1" >>/tmp/snaps
}

# kv SNAP PD COUNTER: a counter of snapshot SNAP (empty if absent).
kv() {
	awk -v pd="$2" -v c="$3" '$2 == pd && $3 == c { print $4 }' "/tmp/$1.kv"
}

# counter PD COUNTER: a counter as it is now.
counter() {
	sdvf stats --format=kv 2>/dev/null | awk -v pd="$1" -v c="$2" \
		'$2 == pd && $3 == c { print $4 }'
}

# seen PATTERN FILE: a line of FILE matches the extended regex PATTERN.
seen() { grep -qE "$1" "$2" 2>/dev/null; }

# ended PD: the system's log says PD exited or was killed.
ended() { seen "pd '$1' .*(exited|killed)" /tmp/sdvf.log; }

# until_up LIMIT CMD...: 0 once CMD succeeds (its output dropped); 1, with
# a line saying so, once L1's uptime passes LIMIT seconds or the system
# has ended first.
until_up() {
	lim=$1
	shift
	until_alive "$lim" "" "$@"
}

# until_for SECS CMD...: until_up with a deadline SECS seconds from now, so
# that a slow L1 (TCG slows with the host's load) moves every later step
# instead of failing it.
until_for() {
	lim=$(($(uptime_s) + $1))
	shift
	until_alive "$lim" "" "$@"
}

# until_guest SECS PD CMD...: until_for SECS CMD, failing early (with a
# line saying so) if the VMM PD's vCPU threads used no CPU for 60 s
# (vm.vcpu_ms): a guest that is slow goes on using it (booting, or idle on
# its timer ticks), one that never started or is stuck outside KVM_RUN
# does not.  (vm.exits would not do: a quiet guest's timer and most of its
# boot never leave the kernel's KVM.)
until_guest() {
	lim=$(($(uptime_s) + $1))
	shift
	until_alive "$lim" "$@"
}

# until_alive LIMIT PD CMD...: the loop of the three above; PD empty: no
# check of a guest's vCPU time.
until_alive() {
	lim=$1
	pd=$2
	shift 2
	last=
	next=$(($(uptime_s) + 60))
	until "$@" >/dev/null 2>&1; do
		t=$(uptime_s)
		if [ "$t" -ge "$lim" ] || ! kill -0 "$run" 2>/dev/null; then
			echo "$me: timed out at L1 uptime $(now): $*"
			return 1
		fi
		if [ -n "$pd" ] && [ "$t" -ge "$next" ]; then
			cpu=$(counter "$pd" vm.vcpu_ms)
			if [ -n "$last" ] && [ "$cpu" = "$last" ]; then
				echo "$me: $pd's vCPUs used no CPU in 60 s" \
					"(vm.vcpu_ms $cpu) at L1 uptime $(now): $*"
				return 1
			fi
			last=$cpu
			next=$((t + 60))
		fi
		sleep 0.2
	done
}

# diag CONSOLE...: what tells a stuck guest from a slow one, for a payload
# about to fail on a timeout, each line "diag: ...": L1's load and busiest
# processes, every VMM PD's vm.* counters (vm.vcpu_ms: its vCPUs ran;
# vm.console_bytes: what its guest wrote), and each CONSOLE's size and
# last lines (kernel messages included, not only the test's).
diag() {
	echo "diag: L1 uptime $(now), load $(cut -d' ' -f1-3 /proc/loadavg)"
	top -b -n 1 2>/dev/null | head -n 16 | sed 's/^/diag: top: /'
	sdvf stats --format=kv 2>/dev/null | grep -E ' (vm\.|sdvf\.pid)' |
		sed 's/^/diag: /'
	for c in "$@"; do
		echo "diag: $c: $(wc -c <"$c" 2>/dev/null || echo '?') bytes, last lines:"
		tail -n 6 "$c" 2>/dev/null | sed "s|^|diag: $c: |"
	done
}
