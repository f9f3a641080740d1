/*
 * The ENET model's line rate (driver/enet/model/enet_model_line.c) in the
 * sim, the real driver driving the real model on wire `mem`, the ENET
 * fixture (tests/unit/enet_fixture.h) where the muxes stand.  Virtual time
 * only moves when the test advances it, so wire times are exact: at
 * 672,000 bit/s a 60-byte frame (672 bits with FCS, preamble and gap)
 * holds the line for exactly 1 ms.  Every test ends with the fixture's
 * buffer conservation check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_driver.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"
#include "tests/unit/enet_fixture.h"

#define RUN_STEPS 1000000u
#define MS 1000000ull
#define RATE_1MS_PER_60B "672000" /* bit/s: a 60-byte frame in 1 ms */

static const struct sdvf_component *const table[] = {
	&enet_model_component, &enet_driver_component, &enet_fixture_component,
	NULL};

/* The system, with `%s` the model's line_rate. */
static const char dts_template[] =
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"
	"nic { component = \"enet_model\";\n"
	"  maps { enet_regs = \"regs\", \"rw\"; enet_mmio = \"posted\", "
	"\"rw\"; enet_rings = \"rings\", \"rw\"; dma0 = \"rx_dma\", \"rw\";\n"
	"    dma1 = \"tx_dma\", \"r\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; };\n"
	"  config { wire = \"mem\"; line_rate = <%s>; }; };\n"
	"drv { component = \"enet_driver\";\n"
	"  maps { enet_regs = \"regs\", \"r\"; enet_mmio = \"posted\", "
	"\"rw\";\n"
	"    enet_rings = \"rings\", \"rw\"; rx_free = \"rx_free\", \"rw\";\n"
	"    rx_active = \"rx_active\", \"rw\"; tx_free = \"tx_free\", "
	"\"rw\";\n"
	"    tx_active = \"tx_active\", \"rw\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; rx = \"rx\"; tx = "
	"\"tx\"; };\n"
	"  config { mac = [02 00 00 00 e7 01]; rx_ring = <16>; tx_ring = "
	"<16>;\n"
	"    rx_capacity = <32>; tx_capacity = <32>;\n"
	"    dma0_io = <0x10000000>; dma0_size = <0x10000>; dma0_rights = "
	"\"rw\";\n"
	"    dma1_io = <0x10100000>; dma1_size = <0x10000>; dma1_rights = "
	"\"r\";\n"
	"    }; };\n"
	"mux { component = \"enet_fixture\";\n"
	"  maps { rx_dma = \"rx_dma\", \"rw\"; tx_dma = \"tx_dma\", \"rw\";\n"
	"    rx_free = \"rx_free\", \"rw\"; rx_active = \"rx_active\", "
	"\"rw\";\n"
	"    tx_free = \"tx_free\", \"rw\"; tx_active = \"tx_active\", "
	"\"rw\"; };\n"
	"  channels { rx = \"rx\"; tx = \"tx\"; };\n"
	"  config { capacity = <32>; buffers = <32>; }; };\n"
	"};\nregions {\n"
	"regs { size = <0x1000>; }; posted { size = <0x1000>; };\n"
	"rings { size = <0x1000>; io-address = <0x40000000>; };\n"
	"rx_dma { size = <0x10000>; io-address = <0x10000000>; };\n"
	"tx_dma { size = <0x10000>; io-address = <0x10100000>; };\n"
	"rx_free { size = <0x1000>; }; rx_active { size = <0x1000>; };\n"
	"tx_free { size = <0x1000>; }; tx_active { size = <0x1000>; };\n"
	"};\nchannels {\n"
	"irq { ends = \"nic\", \"drv\"; }; mmio { ends = \"drv\", \"nic\"; };\n"
	"rx { ends = \"drv\", \"mux\"; }; tx { ends = \"drv\", \"mux\"; };\n"
	"};\n};\n";

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static struct enet_fixture *fx;
static struct enet_driver *drv;
static struct wire *wire;

static uint64_t on_the_wire(void)
{
	bool found = false;
	uint64_t value = sdvf_sim_counter(sim, "nic", "tx_frames", &found);
	assert_true(found);
	return value;
}

static void load(const char *rate)
{
	static char dts[sizeof(dts_template) + 32];
	snprintf(dts, sizeof(dts), dts_template, rate);
	memset(&sys, 0, sizeof(sys));
	assert_int_equal(sdvf_system_load_dts(&sys, "test_enet_line", dts,
					      table, stderr),
			 0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	fx = sdvf_sim_state(sim, "mux");
	drv = sdvf_sim_state(sim, "drv");
	wire = enet_model_wire(sdvf_sim_state(sim, "nic"));
	sdvf_sim_run(sim, RUN_STEPS);
	sdvf_sim_advance(sim, 500 * MS); /* first PHY poll: link up */
	sdvf_sim_run(sim, RUN_STEPS);
}

static int paced(void **unused)
{
	(void)unused;
	load(RATE_1MS_PER_60B);
	return 0;
}

static int unpaced(void **unused)
{
	(void)unused;
	load("0");
	return 0;
}

static int shutdown(void **unused)
{
	(void)unused;
	sdvf_sim_advance(sim, 1000 * MS);
	sdvf_sim_inject(sim, "mux", "tx");
	sdvf_sim_inject(sim, "mux", "rx");
	sdvf_sim_run(sim, RUN_STEPS);
	assert_int_equal(enet_fixture_conservation_errors(fx, drv), 0);
	wire_close(wire);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

/* n frames of len bytes on tx_active at once, run to idle. */
static void queue_frames(uint32_t n, uint16_t len)
{
	for (uint32_t b = 0; b < n; b++) {
		uint8_t *f = enet_fixture_tx_frame(fx, b);
		memset(f, 0, len);
		memset(f, 0xff, 6);
		f[14] = (uint8_t)b;
	}
	assert_int_equal(enet_fixture_queue_tx(fx, 0, n, len), n);
	sdvf_sim_run(sim, RUN_STEPS);
}

static void frames_leave_one_wire_time_apart(void **unused)
{
	(void)unused;
	queue_frames(5, 60);
	assert_int_equal(on_the_wire(), 1); /* the line is busy for 1 ms */
	sdvf_sim_advance(sim, MS - 1);
	assert_int_equal(on_the_wire(), 1);
	sdvf_sim_advance(sim, 1);
	assert_int_equal(on_the_wire(), 2);
	for (uint64_t i = 3; i <= 5; i++) {
		sdvf_sim_advance(sim, MS);
		assert_int_equal(on_the_wire(), i);
	}
	sdvf_sim_advance(sim, 10 * MS);
	assert_int_equal(on_the_wire(), 5);
	/* in ring order, nothing lost, every buffer back to the fixture */
	uint8_t got[WIRE_MAX_FRAME];
	for (uint32_t b = 0; b < 5; b++) {
		assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 60);
		assert_int_equal(got[14], b);
	}
	assert_int_equal(fx->tx.returned, 5);
}

static void a_long_frame_holds_the_line_for_its_bytes(void **unused)
{
	(void)unused;
	/* 1514 bytes + 24 of overhead = 12304 bits: 18.31 ms at this rate
	 * (rounded up to the next ns). */
	const uint64_t wire_ns = (12304ull * 1000000000ull + 671999) / 672000;
	queue_frames(2, 1514);
	assert_int_equal(on_the_wire(), 1);
	sdvf_sim_advance(sim, wire_ns - 1);
	assert_int_equal(on_the_wire(), 1);
	sdvf_sim_advance(sim, 1);
	assert_int_equal(on_the_wire(), 2);
}

/* A host's timer fires late: what the line would have sent in the last
 * 50 ms goes at once (the rate holds on average); after a longer idle
 * the line starts afresh. */
static void a_late_line_makes_up_for_at_most_50_ms(void **unused)
{
	(void)unused;
	queue_frames(1, 60);
	sdvf_sim_advance(sim, 10 * MS); /* as if woken 9 ms late */
	assert_int_equal(enet_fixture_queue_tx(fx, 1, 3, 60), 3);
	sdvf_sim_run(sim, RUN_STEPS);
	assert_int_equal(on_the_wire(), 4); /* 3 ms of line time owed */
	sdvf_sim_advance(sim, 60 * MS);
	assert_int_equal(enet_fixture_queue_tx(fx, 4, 2, 60), 2);
	sdvf_sim_run(sim, RUN_STEPS);
	assert_int_equal(on_the_wire(), 5);
	sdvf_sim_advance(sim, MS);
	assert_int_equal(on_the_wire(), 6);
	assert_int_equal(fx->tx.returned, 6);
}

static void a_model_without_a_line_rate_sends_at_once(void **unused)
{
	(void)unused;
	queue_frames(5, 60);
	assert_int_equal(on_the_wire(), 5);
	assert_int_equal(fx->tx.returned, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			frames_leave_one_wire_time_apart, paced, shutdown),
		cmocka_unit_test_setup_teardown(
			a_long_frame_holds_the_line_for_its_bytes, paced,
			shutdown),
		cmocka_unit_test_setup_teardown(
			a_late_line_makes_up_for_at_most_50_ms, paced,
			shutdown),
		cmocka_unit_test_setup_teardown(
			a_model_without_a_line_rate_sends_at_once, unpaced,
			shutdown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
