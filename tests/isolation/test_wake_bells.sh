#!/usr/bin/env bash
# The hosted wake path without busy-poll (core/hosted/hosted_wake.h): every
# notification writes the peer's eventfd (rt.eventfd_writes equals
# sdvf.notifications, no signal elided, no spin), and the receiver puts
# the time from notification to activation into its rt.wake_ns.* histogram.
# The eventfds are edge-triggered and never read: the counts the sink's two
# eventfds hold add up to every eventfd write of both PDs.
. "$(dirname "$0")/lib.sh"
unset SDVF_POLL_US SDVF_WAKE
example=$(dirname "$0")/../../examples/pingpong.dts
SYSTEM=pingpong

start_file "$example"
wait_for "^\[source\] sent [0-9]+ buffers" 60
for pd in source sink; do
	writes=$(counter_of "$pd" rt.eventfd_writes)
	notes=$(counter_of "$pd" sdvf.notifications)
	[ -n "$writes" ] && [ "$writes" -gt 0 ] ||
		fail "$pd: rt.eventfd_writes is '$writes'"
	[ "$writes" -eq "$notes" ] ||
		fail "$pd: $writes eventfd writes for $notes notifications"
	[ "$(counter_of "$pd" rt.signals_elided)" -eq 0 ] ||
		fail "$pd: a signal was elided with nobody polling"
	[ "$(counter_of "$pd" rt.poll_ns)" -eq 0 ] || fail "$pd: it spun"
	[ "$(counter_of "$pd" rt.wake_bad)" -eq 0 ] || fail "$pd: bad stamps"
	samples=$("$HOSTILE" stats --format=kv "$SYSTEM" |
		awk -v pd="$pd" '$2 == pd && $3 ~ /^rt\.wake_ns\./ { s += $4 }
			END { print s + 0 }')
	[ "$samples" -gt 0 ] || fail "$pd: no wake latency sample"
	activations=$(counter_of "$pd" sdvf.activations)
	[ "$samples" -le "$activations" ] ||
		fail "$pd: $samples latency samples, $activations activations"
done
writes=$(($(counter_of source rt.eventfd_writes) +
	$(counter_of sink rt.eventfd_writes)))
held=0
for info in /proc/"$(pid_of sink)"/fdinfo/*; do
	count=$(awk '$1 == "eventfd-count:" { print $2 }' "$info")
	[ -n "$count" ] && held=$((held + 0x$count))
done
[ "$held" -eq "$writes" ] ||
	fail "the sink's eventfds hold $held, expected $writes (never read)"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
echo "ok: eventfd per notification ($writes, never read), wake latency sampled"
