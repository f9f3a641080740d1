#!/usr/bin/env bash
# A PD holds exactly its granted fds: stderr, its epoll fd, its timerfd and
# one pair of eventfds per channel of its own.  No stdin/stdout, no region
# memfds, no other PD's eventfds, no stats file.  And it maps exactly its
# granted regions and its own stats slot: nothing shared is inherited from
# the launcher across fork.
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
wait_for "^\[probe\] fds: "
line=$(grep "^\[probe\] fds: " "$WORK/log")
kinds=$(echo "${line#*fds: }" | tr ' ' '\n' | sed 's/^[0-9]*=//' | sort | tr '\n' ' ')
expected="eventfd eventfd eventfd eventfd eventpoll stderr timerfd "
[ "$kinds" = "$expected" ] || fail "fd kinds '$kinds', expected '$expected'"
echo "$line" | grep -q " 2=stderr" || fail "stderr is not fd 2"

# Shared memory: exactly its granted region and its own 16 KiB stats slot,
# nothing inherited from the launcher (such as the whole stats file).
wait_for "^\[probe\] shared: "
shared=$(grep "^\[probe\] shared: " "$WORK/log")
echo "$shared"
names=$(echo "${shared#*shared: }" | tr ' ' '\n' | sed -E 's/^(sdvf-.*\.stats|#[0-9]+):/stats:/' | sort | tr '\n' ' ')
expected_shared="memfd:probe_mem:rw:4096 stats:rw:16384 "
[ "$names" = "$expected_shared" ] ||
	fail "shared mappings '$names', expected '$expected_shared'"

stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: $line"
