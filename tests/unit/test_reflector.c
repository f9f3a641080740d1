/*
 * reflector (clients/reflector.c) behind the real RX and TX muxes, ENET
 * driver and model (wire "mem"), in the sim: tests/fixtures/
 * reflector-mux.dts, r0 copy and r1 remap.  Frames are put on the wire for
 * a reflector and taken off it again.  After every test the buffers are
 * counted: every RX buffer back with the mux, every TX buffer idle with the
 * reflector, the TX pool whole, nothing in flight at either mux.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "clients/net_client.h"
#include "core/net.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_driver.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"

extern const struct sdvf_component rx_mux_component;
extern const struct sdvf_component tx_mux_component;
extern const struct sdvf_component reflector_component;

#define SYSTEM "tests/fixtures/reflector-mux.dts"
#define RUN_STEPS 1000000u
#define TX_POOL_BUFS 512u

static const struct sdvf_component *const table[] = {
	&enet_model_component, &enet_driver_component, &rx_mux_component,
	&tx_mux_component,     &reflector_component,   NULL};

/* The addresses of r0 and r1, a multicast group r0 takes, and the far
 * end's address. */
static const uint8_t refl_mac[2][6] = {{0x02, 0, 0, 0, 0xe7, 0x10},
				       {0x02, 0, 0, 0, 0xe7, 0x11}};
static const uint8_t r0_group[6] = {0x03, 0, 0, 0, 0xe7, 0x10};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0xe7, 0x99};
static const uint8_t group_mac[6] = {0x03, 0, 0, 0, 0xe7, 0x99};
/* TX buffers of r0 and r1 (r0_tx_data, r1_tx_data) */
static const uint32_t tx_bufs[2] = {256, 64};

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static struct wire *wire;

static int setup(void **unused)
{
	(void)unused;
	memset(&sys, 0, sizeof(sys));
	if (sdvf_system_load(&sys, SYSTEM, table, stderr) != 0)
		return -1;
	sim = sdvf_sim_create(&sys);
	if (!sim || sdvf_sim_init(sim) != 0)
		return -1;
	wire = enet_model_wire(sdvf_sim_state(sim, "nic"));
	sdvf_sim_run(sim, RUN_STEPS); /* link up */
	return wire ? 0 : -1;
}

static uint64_t counter(const char *pd, const char *name)
{
	bool found = false;
	uint64_t v = sdvf_sim_counter(sim, pd, name, &found);
	assert_true(found);
	return v;
}

static const char *refl_name(int r)
{
	return r ? "r1" : "r0";
}

/* Run until idle, then wake the TX mux and each reflector once and run
 * again: with buffers to spare neither is woken for completions
 * (clients/net_client.h tx_reap, mux/tx_mux.c want_completions), so
 * they take them back at their next activation. */
static void run_and_wake(void)
{
	sdvf_sim_run(sim, RUN_STEPS);
	sdvf_sim_inject(sim, "txm", "drv");
	sdvf_sim_run(sim, RUN_STEPS);
	for (int r = 0; r < 2; r++)
		sdvf_sim_inject(sim, refl_name(r), "tx");
	sdvf_sim_run(sim, RUN_STEPS);
}

static void conservation(void)
{
	/* Rest: the driver's TX completion timer (TXIC, 1 ms) returns what
	 * it has not reaped yet. */
	sdvf_sim_advance(sim, 2000000);
	run_and_wake();
	for (int r = 0; r < 2; r++) {
		const struct net_client *nc =
			sdvf_sim_state(sim, refl_name(r)); /* first member */
		assert_int_equal(net_client_rx_held(nc), 0);
		assert_int_equal(net_client_tx_idle(nc), tx_bufs[r]);
		assert_int_equal(net_client_tx_at_mux(nc), 0);
		char name[16];
		snprintf(name, sizeof(name), "c%d.in_flight", r);
		assert_int_equal(counter("rxm", name), 0);
		assert_int_equal(counter("txm", name), 0);
	}
	assert_int_equal(counter("txm", "pool_idle"), TX_POOL_BUFS);
	assert_int_equal(counter("rxm", "bad_desc"), 0);
	assert_int_equal(counter("txm", "bad_completion"), 0);
}

static int teardown(void **unused)
{
	(void)unused;
	run_and_wake();
	uint8_t f[WIRE_MAX_FRAME];
	while (wire_mem_take(wire, f, sizeof(f)) > 0)
		;
	conservation();
	wire_close(wire);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

static void frame_fill(uint8_t *f, size_t len, const uint8_t *dst,
		       const uint8_t *src, uint8_t seq)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(seq + i);
}

static void inject(const uint8_t *dst, const uint8_t *src, uint32_t n,
		   size_t len)
{
	uint8_t f[WIRE_MAX_FRAME];
	for (uint32_t i = 0; i < n; i++) {
		frame_fill(f, len, dst, src, (uint8_t)i);
		assert_int_equal(wire_mem_inject(wire, f, len), 0);
	}
	run_and_wake();
}

/* Each frame to `dst` comes back once, in order, from the reflector's own
 * address to the sender's, every other byte as it was sent. */
static void sends_each_frame_back(int r, const uint8_t *dst, size_t len)
{
	uint64_t reflected = counter(refl_name(r), "reflected");
	uint64_t done = counter(refl_name(r), "tx_done");
	inject(dst, peer_mac, 8, len);
	uint8_t want[WIRE_MAX_FRAME], got[WIRE_MAX_FRAME];
	for (uint32_t i = 0; i < 8; i++) {
		long n = wire_mem_take(wire, got, sizeof(got));
		assert_int_equal(n, (long)len);
		frame_fill(want, len, peer_mac, refl_mac[r], (uint8_t)i);
		assert_memory_equal(got, want, len);
	}
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
	assert_int_equal(counter(refl_name(r), "reflected"), reflected + 8);
	assert_int_equal(counter(refl_name(r), "tx_done"), done + 8);
	assert_int_equal(counter(refl_name(r), "net.tx_rejected"), 0);
}

static void copy_reflector_sends_each_frame_back(void **unused)
{
	(void)unused;
	sends_each_frame_back(0, refl_mac[0], 60);
	sends_each_frame_back(0, refl_mac[0], 1514);
}

static void remap_reflector_sends_each_frame_back(void **unused)
{
	(void)unused;
	sends_each_frame_back(1, refl_mac[1], 60);
	sends_each_frame_back(1, refl_mac[1], 1514);
}

/* A group destination the RX mux delivered is answered to the sender. */
static void reflector_answers_multicast_to_its_sender(void **unused)
{
	(void)unused;
	sends_each_frame_back(0, r0_group, 60);
	assert_int_equal(counter("r1", "rx_frames"), 0);
}

/* A group source is no station: no reply, no buffer kept. */
static void reflector_drops_frame_from_group_source(void **unused)
{
	(void)unused;
	inject(refl_mac[0], group_mac, 1, 60);
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
	assert_int_equal(counter("r0", "rx_frames"), 1);
	assert_int_equal(counter("r0", "drop.group_source"), 1);
	assert_int_equal(counter("r0", "reflected"), 0);
}

/* More frames in one activation than r1 has TX buffers: the rest wait in
 * its RX queue for the buffers to come back, and every frame is answered,
 * in order; none is dropped. */
static void reflector_waits_for_a_tx_buffer_instead_of_dropping(void **unused)
{
	(void)unused;
	inject(refl_mac[1], peer_mac, 80, 60);
	assert_int_equal(counter("r1", "rx_frames"), 80);
	assert_int_equal(counter("r1", "reflected"), 80);
	assert_int_equal(counter("r1", "drop.no_tx_buf"), 0);
	assert_true(counter("r1", "rx_waits") >= 1);
	uint8_t got[WIRE_MAX_FRAME];
	uint64_t out = 0;
	while (wire_mem_take(wire, got, sizeof(got)) > 0)
		out++;
	assert_int_equal(out, 80);
	/* and the next frame finds its buffer at once */
	inject(refl_mac[1], peer_mac, 1, 60);
	assert_int_equal(counter("r1", "reflected"), 81);
}

/* The TX mux restarts while frames wait for TX buffers: the restart gives
 * every buffer back, and the waiting frames are answered then, not at the
 * next frame that happens to arrive. */
static void
reflector_answers_waiting_frames_when_the_tx_mux_restarts(void **unused)
{
	(void)unused;
	sdvf_sim_hold(sim, "txm", true);
	inject(refl_mac[1], peer_mac, 80, 60);
	assert_int_equal(counter("r1", "rx_frames"), tx_bufs[1]);
	assert_int_equal(counter("r1", "reflected"), tx_bufs[1]);
	assert_true(counter("r1", "rx_waits") >= 1);
	sdvf_sim_hold(sim, "txm", false);
	assert_int_equal(sdvf_sim_restart(sim, "txm"), 0);
	sdvf_sim_run(sim, RUN_STEPS);
	assert_int_equal(counter("r1", "rx_frames"), 80);
	assert_int_equal(counter("r1", "reflected"), 80);
	assert_int_equal(counter("r1", "drop.no_tx_buf"), 0);
	/* what the old TX mux held never left; the rest did, in order */
	uint8_t want[WIRE_MAX_FRAME], got[WIRE_MAX_FRAME];
	for (uint32_t i = tx_bufs[1]; i < 80; i++) {
		assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 60);
		frame_fill(want, 60, peer_mac, refl_mac[1], (uint8_t)i);
		assert_memory_equal(got, want, 60);
	}
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			copy_reflector_sends_each_frame_back, setup, teardown),
		cmocka_unit_test_setup_teardown(
			remap_reflector_sends_each_frame_back, setup, teardown),
		cmocka_unit_test_setup_teardown(
			reflector_answers_multicast_to_its_sender, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			reflector_drops_frame_from_group_source, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			reflector_waits_for_a_tx_buffer_instead_of_dropping,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			reflector_answers_waiting_frames_when_the_tx_mux_restarts,
			setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
