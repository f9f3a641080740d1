# Process helpers for the isolation tests that check no PD outlives its
# launcher (sourced after lib.sh, not run).  A process is named by an id
# "PID:STARTTIME" (field 22 of /proc/PID/stat), so a PID the kernel gives a
# new process later is not mistaken for the old one.

# proc_state PID: "STATE STARTTIME" of the process, or fails if it is gone.
proc_state() {
	local stat f
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	# What follows the command name (in parentheses, which it may itself
	# contain): field 3, the state, onwards.
	read -r -a f <<<"${stat##*) }"
	echo "${f[0]} ${f[19]}"
}

# descendants PID: the id of every process below PID.
descendants() {
	local child s
	for child in $(pgrep -P "$1"); do
		s=$(proc_state "$child") && echo "$child:${s#* }"
		descendants "$child"
	done
}

# still_running ID...: the ids whose process still runs (not gone, not a
# zombie, and not a new process under the same PID).
still_running() {
	local id s
	for id in "$@"; do
		s=$(proc_state "${id%%:*}") || continue
		case ${s%% *} in Z | X) continue ;; esac
		[ "${id#*:}" = "${s#* }" ] && echo "$id"
	done
}

# kill_ids ID...: SIGKILL those still running (clean-up after a failure).
kill_ids() {
	local id
	for id in $(still_running "$@"); do
		kill -KILL "${id%%:*}" 2>/dev/null
	done
}
