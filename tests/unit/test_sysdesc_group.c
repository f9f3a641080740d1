/*
 * Specification of co-location groups in system descriptions
 * (core/sysdesc/sysdesc_group.c, docs/system-description.md "Groups"):
 * `colocate;` on an sdvf,net node puts its driver and both muxes in one
 * group named after the node (`colocate-nic;` the NIC's PD too), which
 * `sdvf dump` and `sdvf check` list; a group takes only trusted PDs
 * (driver, mux, device), none restartable, all on
 * one core, two or more of them; each refusal is one line naming the PD
 * node and the property.  How a group runs is the hosted runtime's
 * (tests/integration/lwip_net_colocate.sh).
 */
#include "tests/unit/cli_fixture.h"
#include "tests/unit/net_fixture.h"

#define COLOCATE "compatible = \"sdvf,net\";\n    colocate;"
#define NET "compatible = \"sdvf,net\";"

static char *colocated(const char *dts)
{
	return edit(dts, NET, COLOCATE);
}

static void group_colocate_puts_driver_and_muxes_in_one_group(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *text = colocated(one);
	expect_ok(&sys, text);
	int members[SDVF_MAX_GROUP];
	int drv = pd_index(&sys, "net_driver");
	assert_int_equal(sdvf_system_group(&sys, drv, members), 3);
	assert_int_equal(members[0], drv);
	assert_int_equal(members[1], pd_index(&sys, "net_rx_mux"));
	assert_int_equal(members[2], pd_index(&sys, "net_tx_mux"));
	assert_string_equal(sys.pds[drv].group, "net");
	assert_string_equal(sys.pds[pd_index(&sys, "net_nic")].group, "");
	assert_string_equal(sys.pds[pd_index(&sys, "app")].group, "");
	int app = pd_index(&sys, "app");
	assert_int_equal(sdvf_system_group(&sys, app, members), 1);
	assert_int_equal(members[0], app);
	char *dump = dump_text(&sys);
	assert_non_null(strstr(dump, "\ngroup net pds=net_driver,net_rx_mux,"
				     "net_tx_mux\n"));
	assert_non_null(strstr(dump, "\npd net_rx_mux component=rx_mux "
				     "role=mux core=none restartable=no "
				     "group=net\n"));
	assert_non_null(strstr(dump, "\npd app component=net_stub role=client "
				     "core=none restartable=no\n"));
	free(dump);
	free(text);
	sdvf_system_free(&sys);
}

static void group_colocate_nic_puts_the_model_in_the_group(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *text = edit(one, NET, COLOCATE "\n    colocate-nic;");
	expect_ok(&sys, text);
	int members[SDVF_MAX_GROUP];
	int nic = pd_index(&sys, "net_nic");
	assert_int_equal(sdvf_system_group(&sys, nic, members), 4);
	assert_int_equal(members[0], nic);
	assert_int_equal(members[1], pd_index(&sys, "net_driver"));
	assert_int_equal(members[2], pd_index(&sys, "net_rx_mux"));
	assert_int_equal(members[3], pd_index(&sys, "net_tx_mux"));
	assert_string_equal(sys.pds[pd_index(&sys, "app")].group, "");
	char *dump = dump_text(&sys);
	assert_non_null(strstr(dump, "\ngroup net pds=net_nic,net_driver,"
				     "net_rx_mux,net_tx_mux\n"));
	assert_non_null(strstr(dump, "\npd net_nic component=enet_model "
				     "role=device core=none restartable=no "
				     "group=net\n"));
	free(dump);
	free(text);
	sdvf_system_free(&sys);
}

static void group_colocate_nic_needs_colocate(void **state)
{
	(void)state;
	expect_edit_errors(one, NET, NET "\n    colocate-nic;",
			   "t.dts: /subsystems/net: property 'colocate-nic': "
			   "the NIC joins the group of 'colocate;', which is "
			   "not set\n");
	expect_edit_errors(one, NET, COLOCATE "\n    colocate-nic = <1>;",
			   "t.dts: /subsystems/net: property 'colocate-nic': "
			   "takes no value (write 'colocate-nic;')\n");
}

static void group_none_by_default(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys, one);
	for (int i = 0; i < sys.npds; i++)
		assert_string_equal(sys.pds[i].group, "");
	char *dump = dump_text(&sys);
	assert_null(strstr(dump, "group"));
	free(dump);
	sdvf_system_free(&sys);
}

static void group_refuses_a_client_pd(void **state)
{
	(void)state;
	char *text = colocated(one);
	expect_edit_errors(
		text, "component = \"net_stub\";",
		"component = \"net_stub\"; group = \"net\";",
		"t.dts: /pds/app: property 'group': component 'net_stub' is "
		"not "
		"trusted (role client): only driver, mux and device PDs may "
		"share a "
		"process\n");
	free(text);
}

static void group_refuses_restartable_and_lone_pds(void **state)
{
	(void)state;
	expect_edit_errors(
		one, "component = \"net_stub\";",
		"component = \"net_stub\"; group = \"solo\"; restartable;",
		"t.dts: /pds/app: property 'group': component 'net_stub' is "
		"not "
		"trusted (role client): only driver, mux and device PDs may "
		"share a "
		"process\n"
		"t.dts: /pds/app: property 'group': a group runs and dies as "
		"one process; a restartable PD cannot be in one\n"
		"t.dts: /pds/app: property 'group': group 'solo' has one PD; a "
		"group joins two or more\n");
	expect_edit_errors(one, NET, COLOCATE "\n    driver-restartable;",
			   "t.dts: /subsystems/net: property 'colocate': the "
			   "driver shares a process with the muxes, which do "
			   "not restart; drop 'driver-restartable;' or "
			   "'colocate;'\n");
}

static void group_refuses_members_on_different_cores(void **state)
{
	(void)state;
	expect_edit_errors(
		one, NET, COLOCATE "\n    driver-core = <0>;",
		"t.dts: /pds/net_rx_mux: property 'group': every PD of group "
		"'net' must have the same core as 'net_driver' (one thread)\n"
		"t.dts: /pds/net_tx_mux: property 'group': every PD of group "
		"'net' must have the same core as 'net_driver' (one thread)\n");
}

static void group_refuses_bad_values(void **state)
{
	(void)state;
	expect_edit_errors(one, "component = \"net_stub\";",
			   "component = \"net_stub\"; group = <1>;",
			   "t.dts: /pds/app: property 'group': must be one "
			   "string (e.g. \"trusted\")\n");
	expect_edit_errors(one, NET, NET "\n    colocate = <1>;",
			   "t.dts: /subsystems/net: property 'colocate': "
			   "takes no value (write 'colocate;')\n");
}

static void group_check_lists_groups_and_refuses_a_client(void **state)
{
	(void)state;
	char path[] = "/tmp/sdvf-group-XXXXXX";
	char want[1024];
	struct cli_result r;
	char *text = colocated(one);
	cli_check_text(&r, text, path, net_table());
	assert_int_equal(r.rc, 0);
	snprintf(want, sizeof(want),
		 "%s: ok (5 PDs, 15 regions, 6 channels)\n"
		 "%s: group net pds=net_driver,net_rx_mux,net_tx_mux\n",
		 path, path);
	assert_string_equal(r.out, want);
	assert_string_equal(r.err, "");
	char *bad = edit(text, "component = \"net_stub\";",
			 "component = \"net_stub\"; group = \"net\";");
	strcpy(path, "/tmp/sdvf-group-XXXXXX");
	cli_check_text(&r, bad, path, net_table());
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "");
	snprintf(want, sizeof(want),
		 "%s: /pds/app: property 'group': component 'net_stub' is not "
		 "trusted (role client): only driver, mux and device PDs may "
		 "share a "
		 "process\n",
		 path);
	assert_string_equal(r.err, want);
	free(bad);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			group_colocate_puts_driver_and_muxes_in_one_group),
		cmocka_unit_test(
			group_colocate_nic_puts_the_model_in_the_group),
		cmocka_unit_test(group_colocate_nic_needs_colocate),
		cmocka_unit_test(group_none_by_default),
		cmocka_unit_test(group_refuses_a_client_pd),
		cmocka_unit_test(group_refuses_restartable_and_lone_pds),
		cmocka_unit_test(group_refuses_members_on_different_cores),
		cmocka_unit_test(group_refuses_bad_values),
		cmocka_unit_test(group_check_lists_groups_and_refuses_a_client),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
