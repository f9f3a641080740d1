# Helpers for the isolation tests (sourced, not run).  Each test runs its own
# system through sdvf-hostile, with its own stats directory, bounded in time.
set -u
BUILD=${BUILD:-build}
HOSTILE=$BUILD/tests/isolation/sdvf-hostile
LP_AWK=$(dirname "${BASH_SOURCE[0]}")/../integration/least_privilege.awk
if [ ! -x "$HOSTILE" ]; then
	echo "missing $HOSTILE: run 'make BUILD=$BUILD $HOSTILE'"
	exit 1
fi
# In an ASan build a confined PD's crash would end in ASan's SEGV handler,
# which needs system calls no PD filter allows (SIGSYS instead of SIGSEGV):
# let crashes take the default action, as in a plain build.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
WORK=$(mktemp -d /tmp/sdvf-isolation.XXXXXX)
export SDVF_STATS_DIR=$WORK
RUN_PID=
RUN_STATUS=

cleanup() {
	if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then
		kill -KILL "$RUN_PID"
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	echo "--- sdvf output"
	cat "$WORK/log" 2>/dev/null
	exit 1
}

# least_privilege FILE: every system a test runs is checked first from its
# dump, as tests/integration/least_privilege.sh checks the files it finds
# (here with the values a template was filled with).  A description the
# loader refuses is the test's business (it expects the refusal).
least_privilege() {
	local dump out
	dump=$("$HOSTILE" dump "$1" 2>/dev/null) || return 0
	out=$(printf '%s\n' "$dump" |
		awk -f "$LP_AWK" -v src="$1") ||
		fail "least privilege: $out"
}

# start_system [run options...] < description: run it in the background
# (RUN_IN: a command prefix to run the launcher under, e.g. ip netns exec).
RUN_IN=()
start_system() {
	cat >"$WORK/sys.dts"
	least_privilege "$WORK/sys.dts"
	"${RUN_IN[@]}" "$HOSTILE" run "$WORK/sys.dts" "$@" >"$WORK/log" 2>&1 &
	RUN_PID=$!
}

# start_file FILE [run options...]: run a description file in the background.
start_file() {
	local file=$1
	shift
	least_privilege "$file"
	"$HOSTILE" run "$file" "$@" >"$WORK/log" 2>&1 &
	RUN_PID=$!
}

# pingpong_dts RESTARTABLE SOURCE_CONFIG [SINK]: the restart tests' system:
# queue_source streaming to SINK (default queue_sink) over a 256-buffer
# pair; RESTARTABLE ("source" or "sink") is restartable, and SOURCE_CONFIG
# is added to the source's config.  (Filled in here, so checked at run
# time by start_system, not by least_privilege.sh.)
pingpong_dts() {
	local source_restartable= sink_restartable=
	case $1 in
	source) source_restartable="restartable;" ;;
	sink) sink_restartable="restartable;" ;;
	esac
	cat <<TEMPLATE_DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		source {
			component = "queue_source";
			$source_restartable
			maps {
				data = "pipe_data", "rw";
				active = "pipe_active", "rw";
				free = "pipe_free", "rw";
			};
			channels { peer = "pipe"; };
			config { buffers = <256>; capacity = <128>; $2 };
		};
		sink {
			component = "${3:-queue_sink}";
			$sink_restartable
			maps {
				data = "pipe_data", "r";
				active = "pipe_active", "rw";
				free = "pipe_free", "rw";
			};
			channels { peer = "pipe"; };
			config { buffers = <256>; capacity = <128>; };
		};
	};
	regions {
		pipe_data { size = <0x80000>; };
		pipe_active { size = <0x2000>; };
		pipe_free { size = <0x2000>; };
	};
	channels { pipe { ends = "source", "sink"; }; };
};
TEMPLATE_DTS
}

# wait_for REGEX [SECONDS]: until the output has a line matching REGEX.
wait_for() {
	local deadline=$((SECONDS + ${2:-20}))
	until grep -Eq -- "$1" "$WORK/log"; do
		[ $SECONDS -lt $deadline ] || fail "timed out waiting for: $1"
		kill -0 "$RUN_PID" 2>/dev/null ||
			grep -Eq -- "$1" "$WORK/log" ||
			fail "sdvf ended before: $1"
		sleep 0.05
	done
}

# count_lines REGEX: how many output lines match.
count_lines() {
	grep -Ec -- "$1" "$WORK/log"
}

# stop_system [SIGNAL]: signal the launcher (default SIGINT) and wait up to
# 15 s for it; sets RUN_STATUS.
stop_system() {
	kill -"${1:-INT}" "$RUN_PID"
	local deadline=$((SECONDS + 15))
	while kill -0 "$RUN_PID" 2>/dev/null; do
		[ $SECONDS -lt $deadline ] || fail "sdvf did not stop within 15 s"
		sleep 0.05
	done
	wait "$RUN_PID"
	RUN_STATUS=$?
	RUN_PID=
}

# stat_of PD COLUMN: a live counter from `sdvf stats $SYSTEM` (COLUMN: PID,
# STATE, RESTARTS, ACTIVATIONS, NOTIFIES), read from the runtime table only
# (a system with muxes has a client table above it, rows named after PDs).
# start_system's file is 'sys'.
# STATS_AS: a command prefix to read the stats as another user (the stats
# directory must be the reader's own, as the launcher's).
SYSTEM=sys
STATS_AS=()
stat_of() {
	"${STATS_AS[@]}" "$HOSTILE" stats "$SYSTEM" | awk -v pd="$1" -v col="$2" '
		$1 == "PD" { for (i = 1; i <= NF; i++) idx[$i] = i; table = 1 }
		table && $1 == pd { print $(idx[col]) }'
}

# summary_of PD: the PD's row of the launcher's final summary.
summary_of() {
	awk -v pd="$1" '/^sdvf: summary of/ { s = 1 } s && $1 == pd' "$WORK/log"
}

# ---- confinement tests ------------------------------------------------------

# Every PD role (enum sdvf_role); the *_ROLE components of hostile_confine.c.
ROLES="client mux driver device vmm"

# start_system_pid [run options...] < description: like start_system, with
# every @LAUNCHER_PID@ in the description replaced by the launcher's pid
# (the subshell's, which then execs the launcher).
start_system_pid() {
	cat >"$WORK/sys.dts.in"
	sed "s/@LAUNCHER_PID@/1/g" "$WORK/sys.dts.in" >"$WORK/sys.lp.dts"
	least_privilege "$WORK/sys.lp.dts"
	: >"$WORK/log"
	(
		sed "s/@LAUNCHER_PID@/$BASHPID/g" "$WORK/sys.dts.in" >"$WORK/sys.dts"
		exec "$HOSTILE" run "$WORK/sys.dts" "$@" >"$WORK/log" 2>&1
	) &
	RUN_PID=$!
}

# expect_sigsys PD: the monitor reports PD killed by its seccomp filter.
expect_sigsys() {
	wait_for "^sdvf: pd '$1' \(pid [0-9]+\) killed by SIGSYS \(forbidden system call\)$" 10
}

# counter_of PD COUNTER: a component counter from `sdvf stats --format=kv`.
counter_of() {
	"${STATS_AS[@]}" "$HOSTILE" stats --format=kv "$SYSTEM" 2>/dev/null |
		awk -v pd="$1" -v c="$2" '$2 == pd && $3 == c { print $4 }'
}

# wait_counter PD COUNTER MIN [SECONDS]: until the counter is at least MIN.
wait_counter() {
	local deadline=$((SECONDS + ${4:-30})) v
	while :; do
		v=$(counter_of "$1" "$2")
		[ -n "$v" ] && [ "$v" -ge "$3" ] && return 0
		[ $SECONDS -lt $deadline ] ||
			fail "timed out waiting for $1 $2 >= $3 (now '$v')"
		kill -0 "$RUN_PID" 2>/dev/null || fail "sdvf ended early"
		sleep 0.02
	done
}

# guard_unchanged: the guard PD checks its region once more after now and
# finds every byte as it wrote it.
guard_unchanged() {
	local before deadline=$((SECONDS + 10))
	before=$(counter_of guard checks)
	[ -n "$before" ] || fail "no guard counters"
	until [ "$(counter_of guard checks)" -gt "$before" ]; do
		[ $SECONDS -lt $deadline ] || fail "the guard stopped checking"
		sleep 0.02
	done
	local changed
	changed=$(counter_of guard victim_changed)
	[ "$changed" = 0 ] || fail "the guard's region changed: $changed bytes"
}

# pid_of PD: its live process id.
pid_of() {
	local pid
	pid=$(stat_of "$1" PID)
	[ -n "$pid" ] && [ "$pid" -gt 0 ] || fail "no pid for PD $1"
	echo "$pid"
}

# status_of PID FIELD: the value of FIELD in /proc/PID/status (tabs and
# runs of spaces as one space).
status_of() {
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}

# memfds_of PID: "NAME:MODE" per memfd the process holds (MODE r or rw).
memfds_of() {
	local fd target flags mode
	for fd in /proc/"$1"/fd/*; do
		target=$(readlink "$fd") || continue
		case $target in /memfd:*) ;; *) continue ;; esac
		flags=$(awk '$1 == "flags:" { print $2 }' "/proc/$1/fdinfo/${fd##*/}")
		# O_ACCMODE of the octal flags: 0 read-only, 2 read-write.
		if [ $((8#$flags & 3)) -eq 0 ]; then mode=r; else mode=rw; fi
		target=${target#/memfd:}
		echo "${target% (deleted)}:$mode"
	done | sort | tr '\n' ' '
}

# as_uid UID GID CMD...: run CMD with exactly that uid and gid, no groups
# and no capabilities (what a PD with those credentials could do without
# its seccomp filter).
as_uid() {
	setpriv --reuid="$1" --regid="$2" --clear-groups --inh-caps=-all "${@:3}"
}

PY=/usr/bin/python3
# try_as UID GID open_rw PATH | vm_readv PID: the errno name the attempt
# failed with, or "opened" / "read" if it worked.
try_as() {
	as_uid "$1" "$2" "$PY" - "${@:3}" <<'PY'
import ctypes, errno, os, sys
what, arg = sys.argv[1], sys.argv[2]
if what == "open_rw":
    try:
        os.close(os.open(arg, os.O_RDWR))
        print("opened")
    except OSError as e:
        print(errno.errorcode[e.errno])
else:
    class iovec(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(8)
    local = iovec(ctypes.cast(buf, ctypes.c_void_p), 8)
    # Any address: the permission check comes before the address is used,
    # so EFAULT would mean access was granted.
    remote = iovec(0x10000, 8)
    n = libc.process_vm_readv(int(arg), ctypes.byref(local), 1,
                              ctypes.byref(remote), 1, 0)
    print("read" if n >= 0 else errno.errorcode[ctypes.get_errno()])
PY
}

# scan_memory PID NEEDLE: how many times NEEDLE occurs in the readable
# memory of PID (read as root through /proc/PID/mem), the kernel's pages and
# a sanitizer build's huge shadow reservations (over 64 MiB) aside.
scan_memory() {
	"$PY" - "$1" "$2" <<'PY'
import sys
pid, needle, hits = sys.argv[1], sys.argv[2].encode(), 0
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
    for line in maps:
        f = line.split()
        start, end = (int(x, 16) for x in f[0].split("-"))
        if (f[1][0] != "r" or (len(f) > 5 and f[5].startswith("[v"))
                or end - start > 64 << 20):
            continue
        try:
            mem.seek(start)
            hits += mem.read(end - start).count(needle)
        except OSError:
            pass
print(hits)
PY
}
