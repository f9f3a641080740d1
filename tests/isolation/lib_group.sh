# shellcheck shell=bash
# What the co-location group tests share (sourced, not run; named lib_* so
# module.mk's test_*.sh wildcard leaves it out): lib.sh's set-up, a system
# whose PDs share group g, started and waited for, and the check that a
# forbidden call killed the whole group.  Each test keeps its own checks.
# The caller sources this file instead of lib.sh and sets nothing (BUILD
# picks the build, as for lib.sh); it gets lib.sh's WORK, RUN_PID, fail,
# stat_of, stop_system and the rest.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# start_group ROOT < PDS: start_system on a description whose pds node
# holds the lines PDS and whose root holds ROOT after it (channels; '' for
# none).
start_group() {
	local pds
	pds=$(cat)
	# shellcheck disable=SC2119 # no run options: start_system takes none here
	start_system <<TEMPLATE_DTS
/dts-v1/;
/ {
	compatible = "sdvf,system";
	pds {
$pds
	};
$1
};
TEMPLATE_DTS
}

# start_prober_group FIRST COMPONENT CALL DELAY_MS: group g of FIRST (a
# COMPONENT prober calling nothing) and driver b (prober_driver, calling
# CALL DELAY_MS after its start), with client c (prober_client, calling
# nothing) outside it; returns once FIRST and c have said they call
# nothing, which is before b's call.
start_prober_group() {
	start_group "" <<TEMPLATE_PDS
		$1 { component = "$2"; group = "g"; config { call = "none"; }; };
		b {
			component = "prober_driver";
			group = "g";
			config { call = "$3"; delay_ms = <$4>; };
		};
		c { component = "prober_client"; config { call = "none"; }; };
TEMPLATE_PDS
	wait_for "^\[$1\] control: calling nothing$"
	wait_for "^\[c\] control: calling nothing$"
}

# expect_group_killed FIRST PID CALL: b's CALL, which no role of the group
# may make, killed the whole group by SIGSYS: b's and FIRST's deaths are
# reported, FIRST's with the group's PID, the call never returned, and
# client c, outside the group, runs on with no death reported.
expect_group_killed() {
	wait_for "^\[b\] calling $3$"
	expect_sigsys b
	expect_sigsys "$1"
	grep -q "^sdvf: pd '$1' (pid $2) killed by SIGSYS" "$WORK/log" ||
		fail "$1's death not reported with the group's pid $2"
	[ "$(count_lines ' returned ')" -eq 0 ] ||
		fail "$3 returned: $(grep ' returned ' "$WORK/log")"
	[ "$(stat_of c STATE)" = running ] || fail "c is not running"
	[ "$(count_lines "^sdvf: pd 'c'")" -eq 0 ] || fail "c died"
}
