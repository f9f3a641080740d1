#!/usr/bin/env bash
# SDVF_WAKE=futex (core/hosted/hosted_wake.h, futex mode): the pingpong's
# PDs sleep in futex_waitv, never in epoll (rt.epoll_waits 0), signal each
# other without an eventfd write (rt.futex_wakes > 0 in a stream without
# the spin; rt.eventfd_writes at most one per end, at start-up)
# and verify every buffer under the seccomp filter.  With SDVF_POLL_US the
# adaptive spin finds work while the stream runs (rt.poll_hits > 0) and
# stops once it is idle: over 3 idle s the PDs miss at most 5 spins (the
# budget halving to 0) and sleep at most 5 times more (a last stall-timer
# tick), and take little CPU time (a behaviour bound, not a speed goal).  A futex-sleeping PD
# watches no control socket: when its idle peer is killed, the launcher's
# control ring still has it run peer_restart in time, and the run ends with
# status 0.  A ticker's timer is the deadline of its futex wait.  A bad
# SDVF_WAKE is refused before any PD starts.
. "$(dirname "$0")/lib.sh"

SDVF_WAKE=epoll "$HOSTILE" run "$(dirname "$0")/../../examples/pingpong.dts" \
	>"$WORK/log" 2>&1 && fail "SDVF_WAKE=epoll accepted"
grep -q "^sdvf: SDVF_WAKE 'epoll': expected 'futex' or 'eventfd'" \
	"$WORK/log" || fail "no message for SDVF_WAKE=epoll"

sum() {
	local a b
	a=$(counter_of source "$1") b=$(counter_of sink "$1")
	[ -n "$a" ] && [ -n "$b" ] || fail "no counter $1"
	echo $((a + b))
}
COUNT=100000
# Without the adaptive spin every wait is a sleep, so the stream's waits
# (the source's for returned buffers, the sink's for new ones) are futex
# sleeps a signal must wake.  (With the spin on, two PDs on two idle CPUs
# may catch every signal spinning: no wake is then owed, so the wakes are
# asserted here, not below.)
export SDVF_WAKE=futex
start_system < <(pingpong_dts sink "count = <$COUNT>; batch = <32>;")
wait_for "^\[sink\] verified $COUNT good, 0 bad$" 60
wait_for "^\[source\] sent $COUNT buffers" 10
[ "$(sum rt.epoll_waits)" -eq 0 ] || fail "a futex-mode PD used epoll_wait"
[ "$(sum rt.futex_waits)" -gt 0 ] || fail "no PD slept in futex_waitv"
wakes=$(sum rt.futex_wakes)
[ "$wakes" -gt 0 ] || fail "no signal woke a sleeper"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"

export SDVF_POLL_US=2000
start_system < <(pingpong_dts sink "count = <$COUNT>; batch = <32>;")
wait_for "^\[sink\] verified $COUNT good, 0 bad$" 60
wait_for "^\[source\] sent $COUNT buffers" 10
[ "$(sum rt.epoll_waits)" -eq 0 ] || fail "a futex-mode PD used epoll_wait"
# A signal before the peer's runtime is up (its init's) may still find
# polling 0 and write the eventfd: at most one per end.
[ "$(sum rt.eventfd_writes)" -le 2 ] || fail "signals wrote eventfds"
[ "$(sum rt.futex_waits)" -gt 0 ] || fail "no PD slept in futex_waitv"
[ "$(sum rt.poll_hits)" -gt 0 ] || fail "the adaptive spin never hit"

tick=$(getconf CLK_TCK)
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$(pid_of source)/stat" \
		"/proc/$(pid_of sink)/stat" | awk '{ s += $1 } END { print s }'
}
sleep 0.5
before=$(cpu_ticks) missed=$(sum rt.poll_misses) slept=$(sum rt.futex_waits)
sleep 3
idle_ms=$((($(cpu_ticks) - before) * 1000 / tick))
# The source's stall timer may fire once more after the stream (a wake-up,
# then a spin before it sleeps); each spin that misses halves the budget,
# 2000 us down to 0 in 5: a PD that kept spinning would miss at every
# wake-up, and one that kept waking would sleep again and again.
[ $(($(sum rt.poll_misses) - missed)) -le 5 ] || fail "an idle PD still spins"
[ $(($(sum rt.futex_waits) - slept)) -le 5 ] || fail "an idle PD still wakes"
[ "$idle_ms" -lt 300 ] || fail "idle PDs took $idle_ms ms of CPU in 3 s"

# The source sleeps in futex_waitv; only the control ring wakes it.
victim=$(counter_of sink sdvf.pid)
kill -KILL "$victim"
wait_for "^sdvf: pd 'sink' \(pid $victim\) killed by SIGKILL$" 10
wait_for "^\[source\] sink restarted after $COUNT buffers sent" 10
wait_counter sink sdvf.starts 2 10
[ "$(count_lines 'did not reset')" -eq 0 ] || fail "peer_restart unanswered"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"

start_system <<'DTS'
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
		slow {
			component = "slow_survivor";
			channels { peer = "c"; };
			config { delay_ms = <0>; };
		};
		tick {
			component = "ticker";
			channels { peer = "c"; };
		};
	};
	channels { c { ends = "slow", "tick"; }; };
};
DTS
wait_for "^sdvf: running 'sys'"
wait_counter tick sdvf.timer_fires 5 10
[ "$(counter_of tick rt.epoll_waits)" -eq 0 ] || fail "the ticker used epoll"
stop_system
echo "ok: futex mode: $wakes futex wakes, idle ${idle_ms} ms" \
	"in 3 s, peer_restart by control ring, timer as deadline"
