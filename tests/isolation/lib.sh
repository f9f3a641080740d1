# Helpers for the isolation tests (sourced, not run).  Each test runs its own
# system through sdvf-hostile, with its own stats directory, bounded in time.
set -u
BUILD=${BUILD:-build}
HOSTILE=$BUILD/tests/isolation/sdvf-hostile
if [ ! -x "$HOSTILE" ]; then
	echo "missing $HOSTILE: run 'make BUILD=$BUILD $HOSTILE'"
	exit 1
fi
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

# start_system [run options...] < description: run it in the background.
start_system() {
	cat >"$WORK/sys.dts"
	"$HOSTILE" run "$WORK/sys.dts" "$@" >"$WORK/log" 2>&1 &
	RUN_PID=$!
}

# start_file FILE [run options...]: run a description file in the background.
start_file() {
	local file=$1
	shift
	"$HOSTILE" run "$file" "$@" >"$WORK/log" 2>&1 &
	RUN_PID=$!
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
# STATE, RESTARTS, ACTIVATIONS, NOTIFIES).  start_system's file is 'sys'.
SYSTEM=sys
stat_of() {
	"$HOSTILE" stats "$SYSTEM" | awk -v pd="$1" -v col="$2" '
		$1 == "PD" { for (i = 1; i <= NF; i++) idx[$i] = i }
		$1 == pd { print $(idx[col]) }'
}

# summary_of PD: the PD's row of the launcher's final summary.
summary_of() {
	awk -v pd="$1" '/^sdvf: summary of/ { s = 1 } s && $1 == pd' "$WORK/log"
}
