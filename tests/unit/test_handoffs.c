/*
 * Hand-offs per echo, as behaviour (tests/unit/handoff_fixture.h: the
 * bench-echo system in the sim, model on wire "mem", the bench reflector
 * in copy and remap mode).  The sim is deterministic, so activations and
 * signals per PD are exact: each test says which wake-ups one echo needs
 * and that no other happens.  These are not speed thresholds: a count
 * that rises means a PD is woken for nothing, one that falls below what
 * the data path needs would be a lost wake-up, and the echo itself (every
 * reply back, byte-checked by the fixture) would fail first.  After every
 * test the buffers are counted (every RX buffer back with the RX mux,
 * every TX buffer idle with its client, the TX pool whole).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clients/net_client.h"
#include "tests/unit/handoff_fixture.h"

#define ECHOES 20u

static struct hoff h;
static uint32_t tx_idle_at_start[2];
static uint64_t pool_at_start;
static const char *const clients[2] = {"refl", "refl_remap"};

static uint64_t counter(const char *pd, const char *name)
{
	bool found = false;
	uint64_t v = sdvf_sim_counter(h.sim, pd, name, &found);
	assert_true(found);
	return v;
}

static const struct net_client *nc_of(int c)
{
	return sdvf_sim_state(h.sim, clients[c]); /* first member */
}

static int setup(void **unused)
{
	(void)unused;
	if (!hoff_open(&h))
		return -1;
	for (int c = 0; c < 2; c++)
		tx_idle_at_start[c] = net_client_tx_idle(nc_of(c));
	pool_at_start = counter("net_tx_mux", "pool_idle");
	/* One echo each first: a zeroed queue starts asking for a signal,
	 * so the first completion wakes a client once. */
	struct hoff_row r;
	for (int c = 0; c < 2; c++)
		if (!hoff_echo(&h, clients[c], 1, 1, 64, &r))
			return -1;
	return 0;
}

static int teardown(void **unused)
{
	(void)unused;
	hoff_settle(&h);
	for (int c = 0; c < 2; c++) {
		const struct net_client *nc = nc_of(c);
		assert_int_equal(net_client_rx_held(nc), 0);
		assert_int_equal(net_client_tx_idle(nc), tx_idle_at_start[c]);
		assert_int_equal(net_client_tx_at_mux(nc), 0);
		char name[16];
		snprintf(name, sizeof(name), "c%d.in_flight", c);
		assert_int_equal(counter("net_rx_mux", name), 0);
		assert_int_equal(counter("net_tx_mux", name), 0);
	}
	assert_int_equal(counter("net_tx_mux", "pool_idle"), pool_at_start);
	hoff_close(&h);
	return 0;
}

static void echo(int c, uint32_t window, struct hoff_row *r)
{
	assert_true(hoff_echo(&h, clients[c], ECHOES, window, 64, r));
	assert_int_equal(r->echoes, ECHOES);
}

/* Window 1: the client is woken once per echo, by the frame; its TX
 * buffer coming back (copy: at once from the TX mux; remap: after the
 * wire) does not wake it while it has idle buffers. */
static void client_with_idle_tx_buffers_is_woken_once_per_echo(void **unused)
{
	(void)unused;
	for (int c = 0; c < 2; c++) {
		struct hoff_row r;
		echo(c, 1, &r);
		assert_int_equal(r.act[HOFF_CLIENT], ECHOES);
		/* the frame to the TX mux, the RX buffer to the RX mux */
		assert_int_equal(r.sig[HOFF_CLIENT], 2 * ECHOES);
		/* the TX mux signals the driver only: never the client */
		assert_int_equal(r.sig[HOFF_TX_MUX], ECHOES);
	}
}

/* Window 1: the driver wakes the TX mux for a completion only when the
 * buffer is a remap client's; a copy-mode pool buffer waits for the mux's
 * next activation while the pool has buffers to spare. */
static void tx_mux_is_woken_for_completions_only_when_needed(void **unused)
{
	(void)unused;
	struct hoff_row r;
	echo(0, 1, &r);
	assert_int_equal(r.act[HOFF_TX_MUX], ECHOES);
	echo(1, 1, &r);
	assert_int_equal(r.act[HOFF_TX_MUX], 2 * ECHOES);
}

/* Window 1: the driver runs twice per copy echo (the frame's interrupt,
 * the TX mux's frame): the TX-done interrupt is held by TXIC and the
 * completion reaped in the next activation.  A remap echo keeps its
 * TX-done interrupt (the TX mux waits for the client's buffer, so the
 * driver turns TXIC off): three. */
static void tx_done_interrupt_is_held_unless_the_tx_mux_waits(void **unused)
{
	(void)unused;
	struct hoff_row r;
	echo(0, 1, &r);
	assert_int_equal(r.act[HOFF_DRIVER], 2 * ECHOES);
	echo(1, 1, &r);
	assert_int_equal(r.act[HOFF_DRIVER], 3 * ECHOES);
}

/* Window 32: one client activation takes the whole window. */
static void client_takes_a_window_in_one_activation(void **unused)
{
	(void)unused;
	struct hoff_row r;
	assert_true(hoff_echo(&h, clients[0], 64, 32, 64, &r));
	assert_int_equal(r.echoes, 64);
	assert_int_equal(r.act[HOFF_CLIENT], 2);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(client_with_idle_tx_buffers_is_woken_once_per_echo),
		T(tx_mux_is_woken_for_completions_only_when_needed),
		T(tx_done_interrupt_is_held_unless_the_tx_mux_waits),
		T(client_takes_a_window_in_one_activation),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
