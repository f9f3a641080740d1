#!/usr/bin/env bash
# examples/pingpong.dts end to end: the sink verifies exactly the 100000
# buffers the source sends, 0 bad, every buffer comes back, clean exit.
. "$(dirname "$0")/lib.sh"
example=$(dirname "$0")/../../examples/${PINGPONG_EXAMPLE:-pingpong.dts}
SYSTEM=$(basename "$example" .dts)

start_file "$example"
wait_for "^\[sink\] verified [0-9]+ good, [0-9]+ bad$" 60
grep -q "^\[sink\] verified 100000 good, 0 bad$" "$WORK/log" ||
	fail "the sink did not verify exactly 100000 good, 0 bad"
wait_for "^\[source\] sent [0-9]+ buffers" 10
grep -q "^\[source\] sent 100000 buffers, all returned, 0 bad returns$" \
	"$WORK/log" || fail "the source did not get every buffer back"
[ "$(count_lines 'bad buffer')" -eq 0 ] || fail "the sink reported bad buffers"
[ "$(stat_of sink ACTIVATIONS)" -gt 0 ] || fail "no sink activations in stats"
stop_system
[ "$RUN_STATUS" -eq 0 ] || fail "exit status $RUN_STATUS, expected 0"
summary_of source | grep -q 'stopped$' || fail "summary: source"
summary_of sink | grep -q 'stopped$' || fail "summary: sink"
echo "ok: $(grep '^\[sink\] verified' "$WORK/log")"
