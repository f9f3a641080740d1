/*
 * Specification of what the `sdvf,net` subsystem (mux/net_expand*.c)
 * expands to: PDs, regions, maps with their rights, channels, config, io
 * addresses, and that the result initialises under the sim runtime.  What
 * it refuses, and its warning, are in test_sysdesc_net_refusals.c; the
 * loader rule it relies on (device memory every client maps read-only may
 * be shared) in test_sysdesc_refusals.c.  The clients are the test
 * component net_stub (tests/unit/net_fixture.h).
 */
#include "core/queue.h"
#include "core/sim/sim.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"
#include "tests/unit/net_fixture.h"

static uint64_t sim_counter(struct sdvf_sim *sim, const char *pd,
			    const char *name)
{
	bool found = false;
	uint64_t v = sdvf_sim_counter(sim, pd, name, &found);
	assert_true(found);
	return v;
}

/* PD `pd` maps `local` = region `region` with `rights`. */
static void assert_map(const struct sdvf_system *sys, const char *pd,
		       const char *local, const char *region, unsigned rights)
{
	const struct sdvf_sys_pd *p = &sys->pds[pd_index(sys, pd)];
	for (int m = 0; m < p->nmaps; m++) {
		if (strcmp(p->maps[m].local, local) != 0)
			continue;
		assert_string_equal(sys->regions[p->maps[m].region].name,
				    region);
		assert_int_equal(p->maps[m].rights, rights);
		return;
	}
	fail_msg("%s maps no %s", pd, local);
}

static bool maps_region(const struct sdvf_system *sys, const char *pd,
			const char *region)
{
	const struct sdvf_sys_pd *p = &sys->pds[pd_index(sys, pd)];
	for (int m = 0; m < p->nmaps; m++)
		if (strcmp(sys->regions[p->maps[m].region].name, region) == 0)
			return true;
	return false;
}

/* PD `pd` binds `local` to a channel named `channel`, whose other end is
 * `peer`. */
static void assert_end(const struct sdvf_system *sys, const char *pd,
		       const char *local, const char *channel, const char *peer)
{
	int me = pd_index(sys, pd);
	const struct sdvf_sys_pd *p = &sys->pds[me];
	for (int i = 0; i < p->nchans; i++) {
		if (strcmp(p->chans[i].local, local) != 0)
			continue;
		const struct sdvf_sys_channel *ch =
			&sys->channels[p->chans[i].channel];
		assert_string_equal(ch->name, channel);
		int other = ch->pd[0] == me ? ch->pd[1] : ch->pd[0];
		assert_string_equal(sys->pds[other].name, peer);
		return;
	}
	fail_msg("%s binds no %s", pd, local);
}

static const char *cfg_str(const struct sdvf_system *sys, const char *pd,
			   const char *key)
{
	const char *s = sdvf_system_config_str(sys, pd_index(sys, pd), key);
	return s ? s : "(none)";
}

static uint64_t page(uint64_t bytes)
{
	return (bytes + 4095) / 4096 * 4096;
}

/* ---- what it expands to ---------------------------------------------- */

static void
net_one_copy_client_expands_to_nic_driver_muxes_and_client(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys, one);
	assert_int_equal(sys.npds, 5);
	assert_string_equal(sys.pds[0].name, "net_nic");
	assert_string_equal(sys.pds[0].component->name, "enet_model");
	assert_string_equal(sys.pds[1].name, "net_driver");
	assert_string_equal(sys.pds[1].component->name, "enet_driver");
	assert_string_equal(sys.pds[2].name, "net_rx_mux");
	assert_string_equal(sys.pds[3].name, "net_tx_mux");
	assert_string_equal(sys.pds[4].name, "app");
	/* the client contract */
	assert_map(&sys, "app", "rx_active", "net_app_rx_active", SDVF_RW);
	assert_map(&sys, "app", "rx_free", "net_app_rx_free", SDVF_RW);
	assert_map(&sys, "app", "rx_data", "net_app_rx_data", SDVF_R);
	assert_map(&sys, "app", "tx_active", "net_app_tx_active", SDVF_RW);
	assert_map(&sys, "app", "tx_free", "net_app_tx_free", SDVF_RW);
	assert_map(&sys, "app", "tx_data", "net_app_tx_data", SDVF_RW);
	assert_end(&sys, "app", "rx", "net_app_rx", "net_rx_mux");
	assert_end(&sys, "app", "tx", "net_app_tx", "net_tx_mux");
	assert_int_equal(cfg(&sys, "app", "rx_capacity"), 256);
	assert_int_equal(cfg(&sys, "app", "tx_capacity"), 256);
	/* a copy client maps no DMA region */
	for (int m = 0; m < sys.pds[4].nmaps; m++)
		assert_false(sys.regions[sys.pds[4].maps[m].region].has_io);
	/* the muxes' side */
	assert_map(&sys, "net_rx_mux", "c0_rx_data", "net_app_rx_data",
		   SDVF_RW);
	assert_map(&sys, "net_tx_mux", "c0_tx_data", "net_app_tx_data", SDVF_R);
	assert_map(&sys, "net_tx_mux", "tx_pool", "net_tx_pool", SDVF_RW);
	assert_string_equal(cfg_str(&sys, "net_rx_mux", "c0_mode"), "copy");
	assert_string_equal(cfg_str(&sys, "net_tx_mux", "policy"), "rr");
	/* defaults: 512 RX DMA buffers, a 256-buffer TX pool */
	int rx_dma = region_index(&sys, "net_rx_dma");
	assert_int_equal(sys.regions[rx_dma].size, 512 * 2048);
	assert_true(sys.regions[rx_dma].has_io);
	assert_int_equal(cfg(&sys, "net_driver", "rx_capacity"), 512);
	assert_int_equal(cfg(&sys, "net_driver", "tx_capacity"), 256);
	assert_int_equal(cfg(&sys, "net_driver", "dma0_io"),
			 sys.regions[rx_dma].io_addr);
	assert_string_equal(cfg_str(&sys, "net_driver", "dma0_rights"), "rw");
	assert_string_equal(cfg_str(&sys, "net_driver", "dma1_rights"), "r");
	assert_int_equal(cfg(&sys, "net_driver", "dma2_size"), 0);
	assert_map(&sys, "net_nic", "dma0", "net_rx_dma", SDVF_RW);
	assert_map(&sys, "net_nic", "dma1", "net_tx_pool", SDVF_R);
	assert_string_equal(cfg_str(&sys, "net_nic", "wire"), "loopback");
	sdvf_system_free(&sys);
}

static void
net_three_clients_in_mixed_modes_get_their_maps_and_config(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys, three);
	assert_int_equal(sys.npds, 7);
	/* web: copy/copy */
	assert_map(&sys, "web", "rx_data", "net_web_rx_data", SDVF_R);
	assert_map(&sys, "web", "tx_data", "net_web_tx_data", SDVF_RW);
	assert_false(sys.regions[region_index(&sys, "net_web_tx_data")].has_io);
	assert_int_equal(
		sys.regions[region_index(&sys, "net_web_rx_data")].size,
		32 * 2048);
	assert_int_equal(sys.pds[pd_index(&sys, "web")].core, 1);
	assert_int_equal(cfg(&sys, "net_tx_mux", "c0_weight"), 4);
	assert_int_equal(cfg(&sys, "net_tx_mux", "c0_rate"), 1000000);
	size_t len;
	const uint8_t *ip = sdvf_system_config_bytes(
		&sys, pd_index(&sys, "web"), "ip", &len);
	assert_int_equal(len, 4);
	assert_memory_equal(ip, "\x0a\x00\x00\x0a", 4);
	/* db: remap/remap: lent rx_dma read-only, its tx_data a DMA window */
	assert_map(&sys, "db", "rx_data", "net_rx_dma", SDVF_R);
	assert_int_equal(region_index(&sys, "net_db_rx_data"), -1);
	assert_false(maps_region(&sys, "net_rx_mux", "net_db_rx_data"));
	int db_tx = region_index(&sys, "net_db_tx_data");
	assert_true(sys.regions[db_tx].has_io);
	assert_int_equal(sys.regions[db_tx].size, 16 * 2048);
	assert_map(&sys, "net_nic", "dma2", "net_db_tx_data", SDVF_R);
	assert_int_equal(cfg(&sys, "net_driver", "dma2_io"),
			 sys.regions[db_tx].io_addr);
	assert_int_equal(cfg(&sys, "net_driver", "dma2_size"), 16 * 2048);
	assert_string_equal(cfg_str(&sys, "net_driver", "dma2_rights"), "r");
	assert_string_equal(cfg_str(&sys, "net_rx_mux", "c1_mode"), "remap");
	assert_string_equal(cfg_str(&sys, "net_tx_mux", "c1_mode"), "remap");
	assert_int_equal(cfg(&sys, "net_rx_mux", "c1_rx_cap"), 64);
	assert_int_equal(cfg(&sys, "net_rx_mux", "c1_multicast"), 1);
	assert_int_equal(cfg(&sys, "net_tx_mux", "c1_spoof_ok"), 0);
	/* vm: remap RX, copy TX, any source MAC, no broadcast */
	assert_map(&sys, "vm", "rx_data", "net_rx_dma", SDVF_R);
	assert_false(sys.regions[region_index(&sys, "net_vm_tx_data")].has_io);
	assert_int_equal(cfg(&sys, "net_tx_mux", "c2_spoof_ok"), 1);
	assert_int_equal(cfg(&sys, "net_rx_mux", "c2_broadcast"), 0);
	assert_int_equal(cfg(&sys, "net_driver", "dma3_size"), 0);
	/* no client maps another client's region */
	assert_false(maps_region(&sys, "web", "net_db_tx_data"));
	assert_false(maps_region(&sys, "vm", "net_web_rx_data"));
	/* subsystem-wide values */
	assert_string_equal(cfg_str(&sys, "net_tx_mux", "policy"), "drr");
	assert_string_equal(cfg_str(&sys, "net_tx_mux", "shaper"),
			    "token_bucket");
	assert_int_equal(cfg(&sys, "net_tx_mux", "budget"), 32);
	assert_int_equal(sys.pds[pd_index(&sys, "net_rx_mux")].core, 0);
	assert_int_equal(sys.pds[pd_index(&sys, "net_tx_mux")].core, 0);
	assert_int_equal(sys.pds[pd_index(&sys, "net_nic")].core, -1);
	assert_int_equal(sys.pds[pd_index(&sys, "net_driver")].core, -1);
	assert_int_equal(cfg(&sys, "net_tx_mux", "client_capacity"), 64);
	assert_int_equal(cfg(&sys, "net_rx_mux", "client_capacity"), 128);
	assert_int_equal(cfg(&sys, "vm", "rx_capacity"), 128);
	assert_int_equal(cfg(&sys, "vm", "tx_capacity"), 64);
	assert_int_equal(cfg(&sys, "net_nic", "mem_depth"), 16);
	assert_int_equal(cfg(&sys, "net_driver", "rx_ring"), 64);
	assert_int_equal(cfg(&sys, "net_driver", "tx_ring"), 32);
	/* driver queues: every RX buffer; pool + db's TX buffers */
	assert_int_equal(cfg(&sys, "net_driver", "rx_capacity"), 256);
	assert_int_equal(cfg(&sys, "net_driver", "tx_capacity"), 256);
	assert_int_equal(cfg(&sys, "net_tx_mux", "drv_capacity"), 256);
	assert_int_equal(sys.regions[region_index(&sys, "net_rx_free")].size,
			 page(SDVF_QUEUE_BYTES(256)));
	assert_int_equal(
		sys.regions[region_index(&sys, "net_vm_tx_active")].size,
		page(SDVF_QUEUE_BYTES(64)));
	sdvf_system_free(&sys);
}

/* Two NICs: the second expansion places its io ranges above the first's,
 * so no two device-visible ranges overlap, and all are below 4 GiB. */
static void net_io_addresses_of_two_nics_do_not_overlap(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys,
		  "/dts-v1/;\n"
		  "/ { compatible = \"sdvf,system\";\n"
		  "  pds { a { component = \"net_stub\"; };\n"
		  "        b { component = \"net_stub\"; }; };\n"
		  "  subsystems {\n"
		  "    wan { compatible = \"sdvf,net\";\n"
		  "      nic { wire = \"mem\"; mac = [02 00 00 00 00 01]; };\n"
		  "      clients { a { mac = [02 00 00 00 00 0a];\n"
		  "        tx-mode = \"remap\"; trusted-source-mac; }; }; };\n"
		  "    lan { compatible = \"sdvf,net\";\n"
		  "      nic { wire = \"mem\"; mac = [02 00 00 00 00 02]; };\n"
		  "      clients { b { mac = [02 00 00 00 00 0b];\n"
		  "        tx-mode = \"remap\"; trusted-source-mac; }; }; };\n"
		  "  }; };\n");
	int n = 0;
	for (int i = 0; i < sys.nregions; i++) {
		const struct sdvf_sys_region *r = &sys.regions[i];
		if (!r->has_io)
			continue;
		n++;
		assert_true(r->io_addr + r->size <= 0x100000000ull);
		assert_true(r->io_addr % 0x100000 == 0);
		for (int j = 0; j < i; j++) {
			const struct sdvf_sys_region *o = &sys.regions[j];
			if (o->has_io)
				assert_false(r->io_addr <
						     o->io_addr + o->size &&
					     o->io_addr < r->io_addr + r->size);
		}
	}
	assert_int_equal(n,
			 6); /* per NIC: rings, rx_dma, the client's tx_data */
	assert_string_equal(sys.pds[0].name, "wan_nic");
	assert_string_equal(sys.pds[4].name, "lan_nic");
	sdvf_system_free(&sys);
}

/* A generator wire aimed at a client: gen-dst-mac names that client (a
 * peer, not a second station), so the one-station-per-MAC rule lets it. */
static void net_generator_may_aim_at_a_client(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys,
		  "/dts-v1/;\n"
		  "/ { compatible = \"sdvf,system\";\n"
		  "  pds { a { component = \"net_stub\"; }; };\n"
		  "  subsystems {\n"
		  "    net { compatible = \"sdvf,net\";\n"
		  "      nic { wire = \"generator\"; gen-count = <10>;\n"
		  "        gen-dst-mac = [02 00 00 00 00 0a];\n"
		  "        mac = [02 00 00 00 00 01]; };\n"
		  "      clients { a { mac = [02 00 00 00 00 0a]; }; }; };\n"
		  "  }; };\n");
	sdvf_system_free(&sys);
}

/* driver-restartable makes the generated driver PD, and nothing else,
 * restartable; the model's wire-fault keys pass through the nic node
 * with '-' for '_'; a value on driver-restartable is refused. */
static void net_driver_restartable_and_wire_faults(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *text = edit(one, "nic { wire = \"loopback\";",
			  "driver-restartable; nic { wire = \"loopback\"; "
			  "fault-loss-ppm = <100>; fault-corrupt-ppm = <200>; "
			  "fault-flap-ms = <5000>; fault-seed = <7>;");
	expect_ok(&sys, text);
	free(text);
	for (int i = 0; i < sys.npds; i++)
		assert_int_equal(sys.pds[i].restartable,
				 strcmp(sys.pds[i].name, "net_driver") == 0);
	assert_int_equal(cfg(&sys, "net_nic", "fault_loss_ppm"), 100);
	assert_int_equal(cfg(&sys, "net_nic", "fault_corrupt_ppm"), 200);
	assert_int_equal(cfg(&sys, "net_nic", "fault_flap_ms"), 5000);
	assert_int_equal(cfg(&sys, "net_nic", "fault_seed"), 7);
	sdvf_system_free(&sys);
	expect_ok(&sys, one);
	for (int i = 0; i < sys.npds; i++)
		assert_false(sys.pds[i].restartable);
	sdvf_system_free(&sys);
	expect_edit_errors(one, "nic { wire",
			   "driver-restartable = <1>; nic { wire",
			   "t.dts: /subsystems/net: property "
			   "'driver-restartable': takes no value (write "
			   "'driver-restartable;')\n");
}

/* The nic's personality goes to the model as written; left out, the
 * model's default (silicon) holds. */
static void net_nic_personality_reaches_the_model(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *text = edit(one, "nic { wire = \"loopback\";",
			  "nic { wire = \"loopback\"; personality = "
			  "\"qemu-imx7\";");
	expect_ok(&sys, text);
	free(text);
	assert_string_equal(cfg_str(&sys, "net_nic", "personality"),
			    "qemu-imx7");
	sdvf_system_free(&sys);
	expect_ok(&sys, one);
	assert_string_equal(cfg_str(&sys, "net_nic", "personality"), "(none)");
	sdvf_system_free(&sys);
}

/* The nic's coalescing keys go to the driver as written; ref-clk-hz to
 * the driver and the model both (the timers' clock must agree); a key
 * left out is left to the driver's default. */
static void
net_nic_passes_coalescing_and_clock_to_driver_and_model(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *text = edit(three, "tx-buffers = <128>; };",
			  "tx-buffers = <128>; ref-clk-hz = <100000000>;\n"
			  "tx-coalesce-frames = <0>; rx-coalesce-frames = "
			  "<8>; rx-coalesce-us = <50>; };");
	expect_ok(&sys, text);
	free(text);
	assert_int_equal(cfg(&sys, "net_driver", "ref_clk_hz"), 100000000);
	assert_int_equal(cfg(&sys, "net_nic", "ref_clk_hz"), 100000000);
	assert_int_equal(cfg(&sys, "net_driver", "tx_coalesce_frames"), 0);
	assert_int_equal(cfg(&sys, "net_driver", "rx_coalesce_frames"), 8);
	assert_int_equal(cfg(&sys, "net_driver", "rx_coalesce_us"), 50);
	assert_int_equal(cfg(&sys, "net_driver", "tx_coalesce_us"), 1000);
	sdvf_system_free(&sys);
	expect_edit_errors(three, "tx-buffers = <128>; };",
			   "tx-buffers = <128>; tx-coalesce-frames = <256>; };",
			   "t.dts: /subsystems/net/nic: property "
			   "'tx-coalesce-frames': 256 is out of range "
			   "(0..255)\n");
}

/* reset-mode goes to the driver as written (absent: the driver's default,
 * ecr-zero); anything else is refused at the nic node. */
static void net_nic_passes_reset_mode_to_the_driver(void **state)
{
	(void)state;
	struct sdvf_system sys;
	char *text = edit(three, "tx-buffers = <128>; };",
			  "tx-buffers = <128>; reset-mode = \"ecr-reset\"; };");
	expect_ok(&sys, text);
	free(text);
	assert_string_equal(cfg_str(&sys, "net_driver", "reset_mode"),
			    "ecr-reset");
	sdvf_system_free(&sys);
	expect_ok(&sys, three);
	assert_string_equal(cfg_str(&sys, "net_driver", "reset_mode"),
			    "(none)");
	sdvf_system_free(&sys);
	expect_edit_errors(three, "tx-buffers = <128>; };",
			   "tx-buffers = <128>; reset-mode = \"reset\"; };",
			   "t.dts: /subsystems/net/nic: property 'reset-mode': "
			   "\"reset\" is not one of ecr-zero (default: "
			   "i.MX6SX/7D/8M), ecr-reset\n");
}

/* The generated config is what the model, the driver and both muxes
 * accept: every PD's init succeeds under the sim runtime, the RX mux's
 * buffers all lie in a DMA window the device may write, and the TX pool
 * is whole. */
static void net_expanded_system_initialises_under_sim(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys, three);
	struct sdvf_sim *sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	sdvf_sim_run(sim, 10000);
	static const char *const pds[] = {
		"net_nic", "net_driver", "net_rx_mux", "net_tx_mux",
		"web",	   "db",	 "vm"};
	for (size_t i = 0; i < sizeof(pds) / sizeof(pds[0]); i++)
		assert_int_equal(sdvf_sim_failures(sim, pds[i]), 0);
	assert_int_equal(sim_counter(sim, "net_driver", "rx_bad_buffer"), 0);
	assert_int_equal(sim_counter(sim, "net_driver", "rx_bad_window"), 0);
	assert_int_equal(sim_counter(sim, "net_driver", "eberr_resets"), 0);
	assert_int_equal(sim_counter(sim, "net_driver", "link_up"), 1);
	assert_int_equal(sim_counter(sim, "net_tx_mux", "pool_idle"), 128);
	wire_close(enet_model_wire(sdvf_sim_state(sim, "net_nic")));
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
}

/* ---- frames through the expanded system ----------------------------- */

/* A queue of the running system, attached from outside (the test plays
 * the client side). */

static size_t make_frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6],
			 uint8_t fill)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;
	f[13] = 0xb5; /* local experimental ethertype */
	memset(f + 14, fill, 86);
	return 100;
}

static const uint8_t web_mac[6] = {2, 0, 0, 0, 0, 0x0a};
static const uint8_t db_mac[6] = {2, 0, 0, 0, 0, 0x0b};
static const uint8_t vm_mac[6] = {2, 0, 0, 0, 0, 0x0c};
static const uint8_t peer_mac[6] = {2, 0, 0, 0, 0, 0x99};

/* A frame from the wire to `pd`: it arrives on its rx_active, in its
 * rx_data (copy: its own region; remap: the RX DMA region), and goes back
 * through rx_free. */
static void receive(struct sdvf_sim *sim, struct wire *wire, const char *pd,
		    const uint8_t mac[6], const char *data_region,
		    const char *mux_channel)
{
	char active[64], free_q[64], in_flight[32];
	uint8_t f[128];
	size_t n = make_frame(f, mac, peer_mac, mac[5]);
	snprintf(active, sizeof(active), "net_%s_rx_active", pd);
	snprintf(free_q, sizeof(free_q), "net_%s_rx_free", pd);
	snprintf(in_flight, sizeof(in_flight), "%s.in_flight", mux_channel);
	struct sdvf_queue rx_active = attach(sim, active, 128);
	struct sdvf_queue rx_free = attach(sim, free_q, 128);
	assert_int_equal(wire_mem_inject(wire, f, n), 0);
	sdvf_sim_run(sim, 100000);
	struct sdvf_desc d = {0};
	assert_true(sdvf_queue_pop(&rx_active, &d));
	sdvf_queue_release(&rx_active);
	assert_int_equal(d.len, n);
	uint64_t size;
	const uint8_t *data = sdvf_sim_region(sim, data_region, &size);
	assert_true(d.io_or_offset + n <= size);
	assert_memory_equal(data + d.io_or_offset, f, n);
	assert_int_equal(sim_counter(sim, "net_rx_mux", in_flight), 1);
	assert_true(sdvf_queue_push(&rx_free, &d));
	sdvf_queue_publish(&rx_free);
	sdvf_sim_inject(sim, "net_rx_mux", mux_channel);
	sdvf_sim_run(sim, 100000);
	assert_int_equal(sim_counter(sim, "net_rx_mux", in_flight), 0);
}

/* A frame `pd` sends from buffer 1 of its tx_data leaves on the wire, and
 * the buffer comes back on its tx_free. */
static void send(struct sdvf_sim *sim, struct wire *wire, const char *pd,
		 const uint8_t mac[6], const char *mux_channel)
{
	char name[64];
	uint8_t f[128], got[2048];
	size_t n = make_frame(f, peer_mac, mac, mac[5] ^ 0xff);
	snprintf(name, sizeof(name), "net_%s_tx_data", pd);
	uint8_t *data = sdvf_sim_region(sim, name, NULL);
	memcpy(data + 2048, f, n);
	snprintf(name, sizeof(name), "net_%s_tx_active", pd);
	struct sdvf_queue tx_active = attach(sim, name, 64);
	snprintf(name, sizeof(name), "net_%s_tx_free", pd);
	struct sdvf_queue tx_free = attach(sim, name, 64);
	struct sdvf_desc d = {.io_or_offset = 2048, .len = (uint16_t)n};
	assert_true(sdvf_queue_push(&tx_active, &d));
	sdvf_queue_publish(&tx_active);
	sdvf_sim_inject(sim, "net_tx_mux", mux_channel);
	sdvf_sim_run(sim, 100000);
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), (long)n);
	assert_memory_equal(got, f, n);
	assert_true(sdvf_queue_pop(&tx_free, &d));
	sdvf_queue_release(&tx_free);
	assert_int_equal(d.io_or_offset, 2048);
	assert_int_equal(d.flags, 0);
}

/* The expansion wires the data path right: each client of `three`
 * receives a frame to its MAC in its own rx_data (copy) or the RX DMA
 * region (remap) and gives the buffer back; db (remap TX: its tx_data a
 * DMA window) and vm (copy TX: through the pool) each send one that
 * leaves on the wire and get the buffer back. */
static void net_frames_pass_between_the_wire_and_every_client(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys, three);
	struct sdvf_sim *sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	sdvf_sim_run(sim, 100000);
	struct wire *wire = enet_model_wire(sdvf_sim_state(sim, "net_nic"));
	receive(sim, wire, "web", web_mac, "net_web_rx_data", "c0");
	receive(sim, wire, "db", db_mac, "net_rx_dma", "c1");
	receive(sim, wire, "vm", vm_mac, "net_rx_dma", "c2");
	send(sim, wire, "db", db_mac, "c1");
	send(sim, wire, "vm", vm_mac, "c2");
	/* With its pool full the TX mux asks for no completion signal
	 * (mux/tx_mux.c want_completions), so the driver reaps vm's frame at
	 * rest, when its TX coalescing timer (1 ms) fires, and the mux takes
	 * the copy back when next woken. */
	sdvf_sim_advance(sim, 2000000);
	sdvf_sim_inject(sim, "net_tx_mux", "drv");
	sdvf_sim_run(sim, 100000);
	assert_int_equal(sim_counter(sim, "net_tx_mux", "pool_idle"), 128);
	wire_close(wire);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
}

static void net_dump_shows_the_generated_system(void **state)
{
	(void)state;
	struct sdvf_system sys;
	expect_ok(&sys, one);
	char *d = dump_text(&sys);
	assert_non_null(strstr(d, "system t pds=5 regions=15 channels=6\n"));
	assert_non_null(strstr(
		d, "region-map net_rx_dma pd=net_nic local=dma0 rights=rw\n"
		   "region-map net_rx_dma pd=net_rx_mux local=rx_dma "
		   "rights=rw\n"));
	assert_non_null(strstr(
		d, "pd-map app rx_data region=net_app_rx_data rights=r\n"));
	assert_non_null(strstr(d, "channel net_app_tx ends=net_tx_mux,app\n"));
	free(d);
	sdvf_system_free(&sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			net_one_copy_client_expands_to_nic_driver_muxes_and_client),
		cmocka_unit_test(
			net_three_clients_in_mixed_modes_get_their_maps_and_config),
		cmocka_unit_test(net_io_addresses_of_two_nics_do_not_overlap),
		cmocka_unit_test(
			net_nic_passes_coalescing_and_clock_to_driver_and_model),
		cmocka_unit_test(net_generator_may_aim_at_a_client),
		cmocka_unit_test(net_driver_restartable_and_wire_faults),
		cmocka_unit_test(net_nic_personality_reaches_the_model),
		cmocka_unit_test(net_nic_passes_reset_mode_to_the_driver),
		cmocka_unit_test(net_expanded_system_initialises_under_sim),
		cmocka_unit_test(
			net_frames_pass_between_the_wire_and_every_client),
		cmocka_unit_test(net_dump_shows_the_generated_system),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
