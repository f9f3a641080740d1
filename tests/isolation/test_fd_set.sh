#!/usr/bin/env bash
# A PD holds exactly its granted fds, seen from outside (/proc/PID/fd, as
# root) after its confinement: its log pipe as fd 2 (whose read end only the
# launcher holds), its control socket (unix, seqpacket: the launcher holds
# the other end), its epoll fd, its timerfd and one pair of eventfds per
# channel of its own.  No stdin/stdout, no region memfds, no other PD's
# eventfds, no stats file.  And it maps exactly its granted regions and its
# own stats slot: nothing shared is inherited from the launcher.
. "$(dirname "$0")/lib.sh"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		probe {
			component = "fd_probe";
			maps { mem = "probe_mem", "rw"; };
			channels { a = "ca"; b = "cb"; };
		};
		t1 { component = "ticker"; channels { peer = "ca"; }; };
		t2 { component = "ticker"; channels { peer = "cb"; }; };
		t3 { component = "ticker"; channels { peer = "cx"; }; };
		t4 { component = "ticker"; channels { peer = "cx"; }; };
	};
	regions { probe_mem { size = <0x1000>; }; };
	channels {
		ca { ends = "probe", "t1"; };
		cb { ends = "probe", "t2"; };
		cx { ends = "t3", "t4"; };
	};
};
DTS
wait_for "^sdvf: running 'sys'"
sleep 0.3 # every PD past its setup

# fd_kinds PID: the sorted kinds of its fds (eventfd, eventpoll, timerfd,
# pipe, socket, or the link target).
fd_kinds() {
	for fd in /proc/"$1"/fd/*; do
		readlink "$fd" | sed -E 's/^anon_inode:\[?([a-z]+)\]?$/\1/; s/^(pipe|socket):.*/\1/'
	done | sort | tr '\n' ' '
}

# socket_types PID: the /proc/net/unix type of each socket it holds (0005:
# seqpacket).
socket_types() {
	for fd in /proc/"$1"/fd/*; do
		readlink "$fd" | sed -nE 's/^socket:\[([0-9]+)\]$/\1/p'
	done | while read -r inode; do
		awk -v i="$inode" '$7 == i { print $5 }' /proc/net/unix
	done | tr '\n' ' '
}
launcher_fds=$(ls -l /proc/"$RUN_PID"/fd/ | awk '{ print $NF }')
for pd in probe t1 t2 t3 t4; do
	pid=$(pid_of $pd)
	kinds=$(fd_kinds "$pid")
	case $pd in
	probe) expected="eventfd eventfd eventfd eventfd eventpoll pipe socket timerfd " ;;
	*) expected="eventfd eventfd eventpoll pipe socket timerfd " ;;
	esac
	[ "$kinds" = "$expected" ] || fail "$pd: fd kinds '$kinds', expected '$expected'"
	[ "$(socket_types "$pid")" = "0005 " ] ||
		fail "$pd: socket types '$(socket_types "$pid")', expected one seqpacket"
	log_pipe=$(readlink /proc/"$pid"/fd/2)
	[[ $log_pipe == pipe:* ]] || fail "$pd: fd 2 is '$log_pipe', not its log pipe"
	grep -qxF "$log_pipe" <<<"$launcher_fds" ||
		fail "$pd: the launcher does not hold the other end of $log_pipe"
done

# Shared memory: exactly its granted region, its own 16 KiB stats slot and
# one bell page per channel (core/hosted/hosted_wake.h).
shared=$(while read -r range perms _ _ _ path _; do
	[[ $perms == *s ]] || continue
	name=${path#/memfd:}
	name=${name##*/}
	# The stats file: linked, or still the O_TMPFILE "#N".
	[[ $name == sdvf-*.stats || $name == \#* ]] && name=stats
	[[ $perms == rw* ]] && rights=rw || rights=r
	echo "$name:$rights:$((0x${range#*-} - 0x${range%-*}))"
done </proc/"$(pid_of probe)"/maps | sort | tr '\n' ' ')
expected_shared="probe_mem:rw:4096 sdvf-bells:rw:4096 sdvf-bells:rw:4096 stats:rw:16384 "
[ "$shared" = "$expected_shared" ] ||
	fail "shared mappings '$shared', expected '$expected_shared'"

stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: every PD holds exactly its fds, fd 2 its log pipe; probe maps $shared"
