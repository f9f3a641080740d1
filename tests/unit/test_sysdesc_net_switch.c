/*
 * Local switching in the `sdvf,net` subsystem (mux/net_expand*.c): a
 * client's `switch-to` names the other clients its frames may reach
 * without the wire.  What it expands to (sw_pool and its queues between the
 * muxes, the channel, the muxes' keys), what it refuses, and that a frame
 * from one client reaches another through the expanded system.  The
 * descriptions are net_fixture.h's `three` (web copy/copy, db remap/remap,
 * vm remap RX, copy TX) with switch-to added.
 */
#include "core/queue.h"
#include "core/sim/sim.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"
#include "tests/unit/net_fixture.h"

/* web may reach db; db may reach web and vm; vm nobody. */
#define WEB_TO "web { switch-to = \"db\"; mac"
#define DB_TO "db { switch-to = \"web\", \"vm\"; mac"

static char *switching(void)
{
	char *one_edit = edit(three, "web { mac", WEB_TO);
	char *both = edit(one_edit, "db { mac", DB_TO);
	free(one_edit);
	return both;
}

static unsigned map_rights(const struct sdvf_system *sys, const char *pd,
			   const char *local, const char *region)
{
	const struct sdvf_sys_pd *p = &sys->pds[pd_index(sys, pd)];
	for (int m = 0; m < p->nmaps; m++)
		if (strcmp(p->maps[m].local, local) == 0 &&
		    strcmp(sys->regions[p->maps[m].region].name, region) == 0)
			return p->maps[m].rights;
	fail_msg("%s maps no %s = %s", pd, local, region);
	return 0;
}

/* ---- what it expands to ---------------------------------------------- */

static void net_switch_to_adds_the_pool_queues_and_channel(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *dts = switching();
	expect_ok(&sys, dts);
	free(dts);
	/* 64 buffers by default, queues of as many slots */
	int pool = region_index(&sys, "net_sw_pool");
	assert_true(pool >= 0);
	assert_int_equal(sys.regions[pool].size, 64 * 2048);
	assert_false(sys.regions[pool].has_io);
	assert_true(region_index(&sys, "net_sw_active") >= 0);
	assert_true(region_index(&sys, "net_sw_free") >= 0);
	assert_int_equal(
		map_rights(&sys, "net_tx_mux", "sw_pool", "net_sw_pool"),
		SDVF_RW);
	assert_int_equal(
		map_rights(&sys, "net_rx_mux", "sw_pool", "net_sw_pool"),
		SDVF_R);
	assert_int_equal(
		map_rights(&sys, "net_tx_mux", "sw_active", "net_sw_active"),
		SDVF_RW);
	assert_int_equal(
		map_rights(&sys, "net_rx_mux", "sw_free", "net_sw_free"),
		SDVF_RW);
	/* no client maps any of it */
	for (const char *const *c =
		     (const char *const[]){"web", "db", "vm", NULL};
	     *c; c++) {
		const struct sdvf_sys_pd *p = &sys.pds[pd_index(&sys, *c)];
		for (int m = 0; m < p->nmaps; m++)
			assert_null(strstr(sys.regions[p->maps[m].region].name,
					   "_sw_"));
	}
	/* both muxes: one channel, the same keys */
	const char *mux[2] = {"net_rx_mux", "net_tx_mux"};
	for (int k = 0; k < 2; k++) {
		assert_int_equal(cfg(&sys, mux[k], "sw_capacity"), 64);
		assert_int_equal(cfg(&sys, mux[k], "c0_switch_to"), 1u << 1);
		assert_int_equal(cfg(&sys, mux[k], "c1_switch_to"),
				 1u << 0 | 1u << 2);
		assert_int_equal(cfg(&sys, mux[k], "c2_switch_to"), 0);
	}
	int rxm = pd_index(&sys, "net_rx_mux");
	bool bound = false;
	for (int i = 0; i < sys.pds[rxm].nchans; i++) {
		if (strcmp(sys.pds[rxm].chans[i].local, "sw") != 0)
			continue;
		const struct sdvf_sys_channel *ch =
			&sys.channels[sys.pds[rxm].chans[i].channel];
		assert_string_equal(ch->name, "net_sw");
		int other = ch->pd[0] == rxm ? ch->pd[1] : ch->pd[0];
		assert_string_equal(sys.pds[other].name, "net_tx_mux");
		bound = true;
	}
	assert_true(bound);
	sdvf_system_free(&sys);
}

static void net_without_switch_to_adds_nothing_for_switching(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys, three);
	assert_int_equal(region_index(&sys, "net_sw_pool"), -1);
	assert_int_equal(region_index(&sys, "net_sw_active"), -1);
	for (int i = 0; i < sys.nchannels; i++)
		assert_string_not_equal(sys.channels[i].name, "net_sw");
	sdvf_system_free(&sys);
}

static void net_switch_buffers_and_reserve_reach_the_muxes(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *dts = switching();
	char *sized = edit(dts, "budget = <32>;",
			   "budget = <32>; switch-buffers = <16>; "
			   "switch-reserve = <8>;");
	expect_ok(&sys, sized);
	free(dts);
	free(sized);
	assert_int_equal(sys.regions[region_index(&sys, "net_sw_pool")].size,
			 16 * 2048);
	assert_int_equal(cfg(&sys, "net_tx_mux", "sw_capacity"), 16);
	assert_int_equal(cfg(&sys, "net_rx_mux", "sw_capacity"), 16);
	assert_int_equal(cfg(&sys, "net_rx_mux", "sw_reserve"), 8);
	sdvf_system_free(&sys);
}

/* ---- refusals ---------------------------------------------------------- */

static void net_refuses_switch_to_an_unknown_client(void **state)
{
	(void)state;
	expect_edit_errors(three, "web { mac", "web { switch-to = \"dbb\"; mac",
			   AT "/clients/web: property 'switch-to': no client "
			      "\"dbb\" (name client nodes of this "
			      "subsystem)\n");
}

static void net_refuses_switch_to_itself(void **state)
{
	(void)state;
	expect_edit_errors(three, "web { mac",
			   "web { switch-to = \"db\", \"web\"; mac",
			   AT "/clients/web: property 'switch-to': \"web\" is "
			      "this client (a frame to its own MAC is never "
			      "switched)\n");
}

static void net_refuses_switch_buffers_not_a_power_of_two(void **state)
{
	(void)state;
	char *dts = switching();
	expect_edit_errors(dts, "budget = <32>;",
			   "budget = <32>; switch-buffers = <48>;",
			   AT ": property 'switch-buffers': 48 is not a power "
			      "of two\n");
	free(dts);
}

/* The reserve comes out of the RX DMA buffers the remap clients' caps
 * share: 256 - 200 = 56 left, db's 64 alone passes that. */
static void net_refuses_remap_caps_that_eat_the_switch_reserve(void **state)
{
	(void)state;
	char *dts = switching();
	expect_edit_errors(dts, "budget = <32>;",
			   "budget = <32>; switch-reserve = <200>;",
			   AT "/clients: the rx-cap of the clients with "
			      "rx-mode \"remap\" sum to 82 of the 56 RX DMA "
			      "buffers (nic rx-buffers less switch-reserve): "
			      "keep the sum below, or one hoarding client "
			      "could leave the driver none\n");
	free(dts);
}

/* ---- through the expanded system -------------------------------------- */

/* web (copy TX) sends to db's MAC: it reaches db (remap RX) in the RX DMA
 * region and never the wire; vm, which web may not reach, gets a frame
 * from web through the wire instead. */
static void net_switched_frame_reaches_the_allowed_client_only(void **state)
{
	(void)state;
	static const uint8_t web_mac[6] = {2, 0, 0, 0, 0, 0x0a};
	static const uint8_t db_mac[6] = {2, 0, 0, 0, 0, 0x0b};
	static const uint8_t vm_mac[6] = {2, 0, 0, 0, 0, 0x0c};
	struct sdvf_system sys;
	char *dts = switching();
	expect_ok(&sys, dts);
	free(dts);
	struct sdvf_sim *sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	sdvf_sim_run(sim, 100000);
	struct wire *wire = enet_model_wire(sdvf_sim_state(sim, "net_nic"));
	struct sdvf_queue tx_active = attach(sim, "net_web_tx_active", 64);
	struct sdvf_queue db_rx = attach(sim, "net_db_rx_active", 128);
	struct sdvf_queue vm_rx = attach(sim, "net_vm_rx_active", 128);
	uint8_t *data = sdvf_sim_region(sim, "net_web_tx_data", NULL);
	const uint8_t *dst[2] = {db_mac, vm_mac};
	for (int k = 0; k < 2; k++) {
		uint8_t *f = data + (uint64_t)k * 2048;
		memcpy(f, dst[k], 6);
		memcpy(f + 6, web_mac, 6);
		f[12] = 0x88;
		f[13] = 0xb5;
		memset(f + 14, 0x40 + k, 86);
		struct sdvf_desc d = {.io_or_offset = (uint64_t)k * 2048,
				      .len = 100};
		assert_true(sdvf_queue_push(&tx_active, &d));
	}
	sdvf_queue_publish(&tx_active);
	sdvf_sim_inject(sim, "net_tx_mux", "c0");
	sdvf_sim_run(sim, 100000);
	struct sdvf_desc d = {0};
	assert_true(sdvf_queue_pop(&db_rx, &d));
	assert_int_equal(d.len, 100);
	const uint8_t *rx_dma = sdvf_sim_region(sim, "net_rx_dma", NULL);
	assert_memory_equal(rx_dma + d.io_or_offset, data, 100);
	assert_false(sdvf_queue_pop(&vm_rx, &d));
	uint8_t got[2048];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 100);
	assert_memory_equal(got, data + 2048, 100);
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
	bool found = false;
	assert_int_equal(
		sdvf_sim_counter(sim, "net_tx_mux", "c0.sw_out", &found), 1);
	assert_int_equal(
		sdvf_sim_counter(sim, "net_rx_mux", "c1.sw_in", &found), 1);
	wire_close(wire);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			net_switch_to_adds_the_pool_queues_and_channel),
		cmocka_unit_test(
			net_without_switch_to_adds_nothing_for_switching),
		cmocka_unit_test(
			net_switch_buffers_and_reserve_reach_the_muxes),
		cmocka_unit_test(net_refuses_switch_to_an_unknown_client),
		cmocka_unit_test(net_refuses_switch_to_itself),
		cmocka_unit_test(net_refuses_switch_buffers_not_a_power_of_two),
		cmocka_unit_test(
			net_refuses_remap_caps_that_eat_the_switch_reserve),
		cmocka_unit_test(
			net_switched_frame_reaches_the_allowed_client_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
