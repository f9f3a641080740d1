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

# stream_ticker_dts [sink]: the stop tests' system: a queue_source streaming
# forever to a queue_sink, and a ticker; with "sink" the sink is
# restartable.  (Filled in here, so checked at run time by start_system /
# start_file, not by least_privilege.sh.)
stream_ticker_dts() {
	local restartable=
	[ "${1:-}" = sink ] && restartable="restartable;"
	cat <<TEMPLATE_DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		source {
			component = "queue_source";
			maps { data = "d", "rw"; active = "a", "rw"; free = "f", "rw"; };
			channels { peer = "p"; };
			config { buffers = <64>; capacity = <64>; count = <0>; };
		};
		sink {
			component = "queue_sink";
			$restartable
			maps { data = "d", "r"; active = "a", "rw"; free = "f", "rw"; };
			channels { peer = "p"; };
			config { buffers = <64>; capacity = <64>; };
		};
		ticker { component = "ticker"; };
	};
	regions {
		d { size = <0x20000>; };
		a { size = <0x2000>; };
		f { size = <0x2000>; };
	};
	channels { p { ends = "source", "sink"; }; };
};
TEMPLATE_DTS
}

# record_pds PD...: once the sink has run, set `recorded` to every process
# below the launcher, and check each PD that `sdvf stats` names is one of
# them.
record_pds() {
	local pd pid
	wait_counter sink sdvf.activations 1 10
	recorded=$(descendants "$RUN_PID")
	for pd in "$@"; do
		pid=$(stat_of "$pd" PID)
		grep -q "^$pid:" <<<"$recorded" ||
			fail "PD $pd (pid '$pid') is not a running process below the launcher"
	done
}
