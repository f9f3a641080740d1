#!/usr/bin/env bash
# A co-location group's loop (core/hosted/hosted_group.c) serves its
# members' in-process marks in rounds and must look at its fds (timers,
# the device's TAP, signals from outside, the monitor) between them even
# when the marks never run dry: two members that signal each other in
# every activation keep it busy for ever, and it still calls epoll_wait
# at least once every GROUP_ROUNDS_MAX (4) rounds of marks, i.e. once
# per 4 activations of each (the wait counters are the first member's).
# With 64 rounds a saturated group served its TX mux's budget timer once
# per ~3.5 ms (docs/benchmarks.md, "Capacity with a group").
. "$(dirname "$0")/lib_group.sh"

start_group '	channels { ab { ends = "a", "b"; }; };' <<TEMPLATE_PDS
		a { component = "ponger"; group = "g"; channels { peer = "ab"; }; };
		b { component = "ponger"; group = "g"; channels { peer = "ab"; }; };
TEMPLATE_PDS
sleep 1
kv=$("$HOSTILE" stats --format=kv)
value() { awk -v pd="$1" -v c="$2" '$2 == pd && $3 == c { print $4 }' <<<"$kv"; }
activ=$(value a sdvf.activations)
waits=$(value a rt.epoll_waits)
[ -n "$activ" ] && [ "$activ" -gt 1000 ] || fail "a barely ran: activations '$activ'"
[ -n "$waits" ] && [ "$waits" -gt 0 ] || fail "no epoll_wait counted: '$waits'"
[ "$activ" -le $((4 * waits + 4)) ] ||
	fail "$activ activations of a for $waits looks at the fds (more than 4 rounds between looks)"
stop_system
echo "ok: two pongers busy: $activ activations of a, $waits epoll_waits ($((activ / waits)) rounds per look)"
