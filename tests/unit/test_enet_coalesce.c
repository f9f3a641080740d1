/*
 * Interrupt coalescing, ENET model and driver together in the sim
 * (driver/enet/model/enet_model_irq.c, driver/enet/enet_driver_coalesce.c):
 * the real driver drives the real model on wire `mem`, and the ENET
 * fixture (tests/unit/enet_fixture.h) stands where the muxes stand.
 *
 * Coalescing is set in the driver's description keys: 4 frames or 100 us
 * in each direction ("on"), or every key 0 ("off").  The fixture always
 * asks for its signals; a TX mux that does not wait for completions is
 * played by withdrawing the tx_free request (mux_stops_waiting).  Counts
 * are the model's `irq_raised` (interrupts) and what reached the fixture.
 * Every test ends with the fixture's buffer conservation check.
 *
 * Every test runs on both model personalities (enet_personality.h).  QEMU's
 * ENET has no TXIC/RXIC (imx_enet_write ignores them): there the same keys
 * cost nothing and every frame is its own interrupt, which each test
 * asserts in place of the threshold or timer it asserts on silicon.
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
#include "tests/unit/enet_personality.h"

#define RUN_STEPS 1000000u
#define TIMER_US 100u
#define FRAMES 4u
#define WARMUP 1u /* TX frames load() sends */

static const char keys_on[] =
	"rx_coalesce_frames = <4>; rx_coalesce_us = <100>;\n"
	"    tx_coalesce_frames = <4>; tx_coalesce_us = <100>;";
static const char keys_off[] =
	"rx_coalesce_frames = <0>; rx_coalesce_us = <0>;\n"
	"    tx_coalesce_frames = <0>; tx_coalesce_us = <0>;";

static uint32_t next_tx, next_rx;

static uint64_t irqs(void)
{
	return counter("nic", "irq_raised");
}

static void send_one(void);

/* Load the system with these driver keys; 0 if it started.  One frame
 * goes out first: a zeroed tx_active starts with the fixture asking for a
 * room signal, and the activation that answers it would also renew its
 * tx_free request behind the test's back. */
static int load(const char *keys)
{
	char *text = enet_test_dts(enet_system_dts("", "0x10000000", keys), "");
	assert_non_null(text);
	int err = enet_system_load("test_enet_coalesce", text);
	free(text);
	if (err != 0)
		return -1;
	next_tx = next_rx = 0;
	sdvf_sim_advance(sim, 500000000ull); /* first PHY poll: link up */
	enet_fixture_provide_rx(fx, 0, 16);
	sdvf_sim_run(sim, RUN_STEPS);
	send_one();
	return 0;
}

static int boot_on(void **unused)
{
	(void)unused;
	assert_int_equal(load(keys_on), 0);
	return 0;
}

static int boot_off(void **unused)
{
	(void)unused;
	assert_int_equal(load(keys_off), 0);
	return 0;
}

/* The TX mux's part: it no longer waits for TX completions (as the TX
 * mux does while it has buffers to spare). */
static void mux_stops_waiting(void)
{
	sdvf_queue_consumer_cancel_signal(&fx->tx.back);
}

/* One TX frame, run to idle; the wire takes it. */
static void send_one(void)
{
	uint8_t *f = enet_fixture_tx_frame(fx, next_tx);
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	assert_int_equal(enet_fixture_queue_tx(fx, next_tx++, 1, 60), 1);
	sdvf_sim_run(sim, RUN_STEPS);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 60);
}

/* One RX frame from the wire, run to idle. */
static void receive_one(void)
{
	uint8_t f[60] = {0};
	memset(f, 0xff, 6);
	f[12] = 0x08;
	f[14] = (uint8_t)next_rx++;
	assert_int_equal(wire_mem_inject(wire, f, sizeof(f)), 0);
	sdvf_sim_run(sim, RUN_STEPS);
}

/* ---- TX --------------------------------------------------------------- */

static void tx_completions_interrupt_once_per_threshold(void **unused)
{
	(void)unused;
	mux_stops_waiting();
	uint64_t before = irqs();
	for (uint32_t i = 0; i < FRAMES - 1; i++) {
		send_one();
		/* 1 us: the TX DMA's late TDAR clear (ERR006358) lands, as it
		 * does before a real next frame (test_enet_hazards: lost) */
		sdvf_sim_advance(sim, 1000);
	}
	if (enet_test_qemu()) {
		assert_int_equal(irqs(), before + FRAMES - 1);
		assert_int_equal(counter("nic", "irq_coalesced"), 0);
		assert_int_equal(fx->tx.returned, WARMUP + FRAMES - 1);
		return;
	}
	assert_int_equal(irqs(), before); /* held: 3 of 4 */
	assert_int_equal(counter("nic", "irq_coalesced"), FRAMES - 1);
	send_one();
	assert_int_equal(irqs(), before + 1);
	assert_int_equal(counter("nic", "irq_coalesce_timer"), 0);
}

static void tx_completion_interrupts_when_the_timer_expires(void **unused)
{
	(void)unused;
	mux_stops_waiting();
	uint64_t before = irqs();
	send_one();
	sdvf_sim_advance(sim, TIMER_US * 1000ull - 1000);
	assert_int_equal(irqs(), before + enet_test_qemu());
	sdvf_sim_advance(sim, 1000);
	assert_int_equal(irqs(), before + 1);
	assert_int_equal(counter("nic", "irq_coalesce_timer"),
			 !enet_test_qemu());
	/* the driver reaped it and, the event being a coalesced one, told
	 * the mux although it did not ask (its rest sweep may be over) */
	assert_int_equal(counter("drv", "tx_frames"), WARMUP + 1);
	assert_int_equal(fx->tx.returned, WARMUP + 1);
}

static void tx_completion_comes_with_the_next_rx_interrupt(void **unused)
{
	(void)unused;
	mux_stops_waiting();
	uint64_t before = irqs(),
		 activations = counter("drv", "irq_activations");
	send_one();
	if (enet_test_qemu()) { /* its own interrupt, reaped at once */
		assert_int_equal(irqs(), before + 1);
		assert_int_equal(counter("drv", "tx_frames"), WARMUP + 1);
		return;
	}
	assert_int_equal(counter("drv", "tx_frames"), WARMUP);
	for (uint32_t i = 0; i < FRAMES; i++)
		receive_one(); /* RX threshold: one interrupt */
	assert_int_equal(irqs(), before + 1);
	assert_int_equal(counter("drv", "irq_activations"), activations + 1);
	/* that one activation took both */
	assert_int_equal(counter("drv", "tx_frames"), WARMUP + 1);
	assert_int_equal(counter("drv", "rx_frames"), FRAMES);
}

static void tx_interrupts_per_frame_while_the_mux_waits(void **unused)
{
	(void)unused;
	/* The fixture asks for tx_free signals, as a TX mux short of
	 * buffers or with a remap client's frames in flight does. */
	uint64_t before = irqs();
	send_one();
	assert_int_equal(irqs(), before + 1);
	assert_int_equal(fx->tx.returned, WARMUP + 1);
	send_one();
	assert_int_equal(irqs(), before + 2);
	assert_int_equal(fx->tx.returned, WARMUP + 2);
}

static void
a_held_completion_is_reported_when_the_mux_starts_waiting(void **unused)
{
	(void)unused;
	mux_stops_waiting();
	uint64_t before = irqs();
	send_one();
	assert_int_equal(irqs(), before + enet_test_qemu());
	uint64_t switches = drv->txic_writes;
	/* The mux asks (request, then pokes the driver with a frame): the
	 * driver turns TXIC off and the held event comes at once. */
	assert_false(sdvf_queue_consumer_request_signal(&fx->tx.back));
	send_one();
	assert_int_equal(drv->txic_writes, switches + 1);
	assert_int_equal(fx->tx.returned, WARMUP + 2);
}

/* ---- RX --------------------------------------------------------------- */

static void rx_frames_interrupt_once_per_threshold(void **unused)
{
	(void)unused;
	uint64_t before = irqs();
	for (uint32_t i = 0; i < FRAMES - 1; i++)
		receive_one();
	if (enet_test_qemu()) {
		assert_int_equal(irqs(), before + FRAMES - 1);
		assert_int_equal(fx->rx.returned, FRAMES - 1);
		return;
	}
	assert_int_equal(irqs(), before);
	assert_int_equal(fx->rx.returned, 0); /* in BDs, not yet reported */
	receive_one();
	assert_int_equal(irqs(), before + 1);
	assert_int_equal(fx->rx.returned, FRAMES);
}

static void rx_frame_interrupts_when_the_timer_expires(void **unused)
{
	(void)unused;
	uint64_t before = irqs();
	receive_one();
	sdvf_sim_advance(sim, TIMER_US * 1000ull - 1000);
	assert_int_equal(fx->rx.returned, enet_test_qemu());
	sdvf_sim_advance(sim, 1000);
	assert_int_equal(irqs(), before + 1);
	assert_int_equal(fx->rx.returned, 1);
}

/* ---- off -------------------------------------------------------------- */

static void coalescing_off_interrupts_per_frame(void **unused)
{
	(void)unused;
	mux_stops_waiting();
	uint64_t before = irqs();
	send_one();
	assert_int_equal(irqs(), before + 1);
	receive_one();
	assert_int_equal(irqs(), before + 2);
	assert_int_equal(fx->rx.returned, 1);
	assert_int_equal(counter("nic", "irq_coalesced"), 0);
	assert_int_equal(drv->txic_writes, 0);
}

/* ---- keys ------------------------------------------------------------- */

static void a_timer_past_ictt_is_refused_at_init(void **unused)
{
	(void)unused;
	/* 65535 x 64 clocks at 1 GHz is 4194 us. */
	assert_int_not_equal(load("ref_clk_hz = <1000000000>; tx_coalesce_us "
				  "= <5000>;"),
			     0);
	enet_system_unload(); /* the model started before the driver refused */
}

int main(void)
{
#define ON(name)                                                               \
	cmocka_unit_test_setup_teardown(name, boot_on, enet_system_shutdown)
#define OFF(name)                                                              \
	cmocka_unit_test_setup_teardown(name, boot_off, enet_system_shutdown)
	const struct CMUnitTest tests[] = {
		ON(tx_completions_interrupt_once_per_threshold),
		ON(tx_completion_interrupts_when_the_timer_expires),
		ON(tx_completion_comes_with_the_next_rx_interrupt),
		ON(tx_interrupts_per_frame_while_the_mux_waits),
		ON(a_held_completion_is_reported_when_the_mux_starts_waiting),
		ON(rx_frames_interrupt_once_per_threshold),
		ON(rx_frame_interrupts_when_the_timer_expires),
		OFF(coalescing_off_interrupts_per_frame),
		cmocka_unit_test(a_timer_past_ictt_is_refused_at_init),
	};
#undef ON
#undef OFF
	return ENET_RUN_BOTH_PERSONALITIES(tests);
}
