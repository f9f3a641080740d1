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
#include "tests/unit/enet_fixture_system.h"

#define RUN_STEPS 1000000u
#define MS 1000000ull
#define RATE_1MS_PER_60B "672000" /* bit/s: a 60-byte frame in 1 ms */

static uint64_t on_the_wire(void)
{
	return counter("nic", "tx_frames");
}

/* The system with the model's line_rate at `rate` bit/s ("0": none). */
static void load(const char *rate)
{
	char keys[64];
	snprintf(keys, sizeof(keys), "line_rate = <%s>;", rate);
	assert_int_equal(
		enet_system_load("test_enet_line",
				 enet_system_dts(keys, "0x10000000", "")),
		0);
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
			frames_leave_one_wire_time_apart, paced,
			enet_system_shutdown),
		cmocka_unit_test_setup_teardown(
			a_long_frame_holds_the_line_for_its_bytes, paced,
			enet_system_shutdown),
		cmocka_unit_test_setup_teardown(
			a_late_line_makes_up_for_at_most_50_ms, paced,
			enet_system_shutdown),
		cmocka_unit_test_setup_teardown(
			a_model_without_a_line_rate_sends_at_once, unpaced,
			enet_system_shutdown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
