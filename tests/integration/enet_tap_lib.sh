# Sourced by enet_tap.sh, enet_stats.sh, enet_tap_hostile.sh and
# scripts/example-net.sh: run a copy of
# examples/enet-tap.dts on a tap and subnet of the caller's own, then move
# the tap into a network namespace of its own and address it there.
#
# The caller sets sdvf, limit, ns, tap, net (the /24 prefix, e.g.
# 10.213.7), dts (the copy's path: its stem names the system), log, work,
# optionally policy (the TX mux's scheduler, default rr), and either
# defines fail() after sourcing this or uses lib_net.sh's (which this
# sources: set me, and stats_system to print counters).  enet_tap_start sets resp_ip (the copy/copy responder's
# address), resp_ips (all four responders', in the example's order), peer_ip
# and sdvf_pid; net_cleanup (lib_net.sh: the caller's EXIT trap) stops the
# system and removes the namespace and $work.

# shellcheck source=tests/integration/lib_net.sh
. tests/integration/lib_net.sh

enet_tap_start() {
	resp_ip=$net.2
	resp_ips="$net.2 $net.3 $net.4 $net.5"
	peer_ip=$net.1
	local net_hex
	# shellcheck disable=SC2046 # split the dotted prefix into 3 numbers
	net_hex="$(printf '%02x %02x %02x' $(tr . ' ' <<<"$net"))"

	# The example with our tap name, our subnet (each responder's `ip`)
	# and our TX policy.
	sed -e "s/tap-name = \"sdvf0\"/tap-name = \"$tap\"/" \
		-e "s/ip = \[0a d5 07 /ip = [$net_hex /" \
		-e "s/policy = \"rr\"/policy = \"${policy:-rr}\"/" \
		examples/enet-tap.dts >"$dts"
	grep -q "\"$tap\"" "$dts" && grep -q "ip = \[$net_hex 02\]" "$dts" &&
		grep -q "ip = \[$net_hex 05\]" "$dts" &&
		grep -q "policy = \"${policy:-rr}\"" "$dts" ||
		fail "could not make the test copy of examples/enet-tap.dts"

	net_run "$dts" "$limit"
	net_wait_tap "$sdvf_pid" "$tap"
	net_move_tap "$ns" "$tap" "$peer_ip"
}
