# Sourced by enet_tap.sh and enet_stats.sh: run a copy of
# examples/enet-tap.dts on a tap and subnet of the caller's own, then move
# the tap into a network namespace of its own and address it there.
#
# The caller sets sdvf, limit, ns, tap, net (the /24 prefix, e.g.
# 10.213.7), dts (the copy's path: its stem names the system), log, work,
# optionally policy (the TX mux's scheduler, default rr), and defines
# fail().  enet_tap_start sets resp_ip (the copy/copy responder's
# address), resp_ips (all four responders', in the example's order), peer_ip
# and sdvf_pid; enet_tap_cleanup (the caller's EXIT trap) stops the system
# and removes the namespace and $work.

enet_tap_cleanup() {
	if [ -n "${sdvf_pid:-}" ] && kill -0 "$sdvf_pid" 2>/dev/null; then
		kill -INT "$sdvf_pid" 2>/dev/null || true
		sleep 1
		kill -KILL "$sdvf_pid" 2>/dev/null || true
	fi
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}

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

	"$sdvf" run "$dts" --duration "$limit" >"$log" 2>&1 &
	sdvf_pid=$!

	for _ in $(seq 100); do
		ip link show "$tap" >/dev/null 2>&1 && break
		kill -0 "$sdvf_pid" 2>/dev/null ||
			fail "sdvf exited before the tap appeared"
		sleep 0.1
	done
	ip link show "$tap" >/dev/null 2>&1 || fail "tap $tap never appeared"

	ip netns add "$ns"
	ip link set "$tap" netns "$ns"
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "$peer_ip/24" dev "$tap"
	ip -n "$ns" link set "$tap" up
}
