# shellcheck shell=bash
# Shared by bench_echo.sh and lib_bench_configs.sh (bench_hops.sh,
# bench_wake.sh): a copy of examples/bench-echo.dts placed on the cores.
# Source it from the repository's root; it only defines bench_describe.

# bench_describe PLACE TAP NET N: the description on TAP, subnet
# 10.NET.N.0/24; PLACE: none (unpinned), core0 (every PD on core 0), split
# (ENET model and driver on core 0, muxes and client on core 1) or split_r
# (the reverse); PLACE group or group_core0: the same with the driver and
# both muxes in one process (`colocate;`, docs/system-description.md);
# nicgroup, nicgroup_core0: the ENET model in that process too
# (`colocate-nic;`).
bench_describe() {
	local place=() dev mux
	case $1 in
	group*) place=(-e "s/policy = \"rr\";/& colocate;/") ;;
	nicgroup*) place=(-e "s/policy = \"rr\";/& colocate; colocate-nic;/") ;;
	esac
	case ${1#*group_} in
	core0) dev=0 mux=0 ;;
	split) dev=0 mux=1 ;;
	split_r) dev=1 mux=0 ;;
	esac
	[ -n "${dev:-}" ] && place+=(
		-e "s/policy = \"rr\";/& nic-core = <$dev>; driver-core = <$dev>; rx-mux-core = <$mux>; tx-mux-core = <$mux>;/"
		-e "s/component = \"[a-z_]*\";/& core = <$mux>;/")
	sed -e "s/tap-name = \"sdvf3\"/tap-name = \"$2\"/" \
		-e "s/ip = \[0a d8 00 /ip = [0a $(printf %02x "$3") $(printf %02x "$4") /" \
		"${place[@]}" examples/bench-echo.dts
}
