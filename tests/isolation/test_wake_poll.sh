#!/usr/bin/env bash
# SDVF_POLL_US (core/hosted/hosted_wake.h): a PD spins on its bells before
# it sleeps, so some notifications reach it without an eventfd write
# (counted in the sender's rt.signals_elided, the receiver's rt.poll_hits),
# the pingpong still verifies every buffer, and once idle the system
# sleeps: its PDs take little CPU time over 3 s (a behaviour bound, not a
# speed goal: a PD that never stopped spinning would take ~3000 ms).  A bad
# value is refused before any PD starts.
. "$(dirname "$0")/lib.sh"
example=$(dirname "$0")/../../examples/pingpong.dts
SYSTEM=pingpong

SDVF_POLL_US=abc "$HOSTILE" run "$example" >"$WORK/log" 2>&1 &&
	fail "SDVF_POLL_US=abc accepted"
grep -q "^sdvf: SDVF_POLL_US 'abc': expected microseconds" "$WORK/log" ||
	fail "no message for SDVF_POLL_US=abc"

export SDVF_POLL_US=2000
start_file "$example"
wait_for "^\[sink\] verified [0-9]+ good, [0-9]+ bad$" 60
grep -q "^\[sink\] verified 100000 good, 0 bad$" "$WORK/log" ||
	fail "the sink did not verify exactly 100000 good, 0 bad"
wait_for "^\[source\] sent 100000 buffers, all returned, 0 bad returns$" 10
elided=$(($(counter_of source rt.signals_elided) +
	$(counter_of sink rt.signals_elided)))
hits=$(($(counter_of source rt.poll_hits) + $(counter_of sink rt.poll_hits)))
[ "$elided" -gt 0 ] || fail "no signal reached a spinning PD by its bell"
[ "$hits" -gt 0 ] || fail "no spin found a bell"

tick=$(getconf CLK_TCK)
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$(pid_of source)/stat" \
		"/proc/$(pid_of sink)/stat" | awk '{ s += $1 } END { print s }'
}
sleep 0.5
before=$(cpu_ticks)
sleep 3
idle_ms=$((($(cpu_ticks) - before) * 1000 / tick))
[ "$idle_ms" -lt 300 ] || fail "idle PDs took $idle_ms ms of CPU in 3 s"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: $elided signals by bell, $hits spin hits, idle ${idle_ms} ms in 3 s"
