/*
 * enet_mux_fixture.h: the whole ENET data path in the sim runtime, as
 * test_enet_system.c and test_enet_faults.c stand on it: the system of
 * tests/fixtures/enet-mux-mem.dts (the real model on the `mem` wire, the
 * real driver, both muxes, three clients), booted per test and checked for
 * buffer conservation at teardown:
 *   a  copy RX, copy TX     a test client on clients/net_client
 *   b  remap RX, remap TX   the same test client
 *   r  copy RX, remap TX    raw_responder (10.0.0.12)
 *
 * Header-only, included once by each test after cmocka.h: its state is the
 * test file's own statics (sys, sim, nic, drv, ca, cb, wire, page), named
 * as the tests use them; helpers a test may not call are static inline.
 * The addresses below are the description's (tests/fixtures/
 * enet-mux-mem.dts): change them together.
 */
#ifndef SDVF_TESTS_ENET_MUX_FIXTURE_H
#define SDVF_TESTS_ENET_MUX_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/net_client.h"
#include "clients/raw_responder.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_driver.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"
#include "tests/unit/enet_fixture.h"
#include "tests/unit/enet_personality.h"
#include "tests/unit/net_test_client.h"

#define SYSTEM "tests/fixtures/enet-mux-mem.dts"
#define RX_DMA_IO 0x10000000u
#define RX_DMA_BUFS 16u
#define POOL_IO 0x10100000u
#define POOL_BUFS 32u
#define B_TXD_IO 0x10200000u
#define R_TXD_IO 0x10300000u
#define CLIENT_BUFS 16u
#define BUF_BYTES 2048u

static const uint8_t a_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
static const uint8_t b_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};

/* ---- the system ------------------------------------------------------ */

extern const struct sdvf_component rx_mux_component;
extern const struct sdvf_component tx_mux_component;

static const struct sdvf_component *const table[] = {
	&enet_model_component,	    &enet_driver_component,
	&rx_mux_component,	    &tx_mux_component,
	&net_test_client_component, &raw_responder_component,
	&enet_fixture_component,    NULL};

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static void *nic;
static struct enet_driver *drv;
static struct net_test_client *ca, *cb;
static struct wire *wire;
static volatile uint32_t *page; /* the model's register page */

/* A PD's counter, as `sdvf stats` shows it; a name the PD does not
 * publish fails the test. */
static uint64_t pd_counter(const char *pd, const char *name)
{
	bool found = false;
	uint64_t value = sdvf_sim_counter(sim, pd, name, &found);
	if (!found)
		fail_msg("%s publishes no counter %s", pd, name);
	return value;
}

/* Run until idle, then wake each client once and run again: a client
 * with idle TX buffers is not woken for completions (clients/net_client.h
 * tx_reap), so what it got back is reported at its next activation. */
static void run(void)
{
	sdvf_sim_run(sim, 1000000);
	sdvf_sim_inject(sim, "a", "tx");
	sdvf_sim_inject(sim, "b", "tx");
	sdvf_sim_inject(sim, "r", "tx");
	sdvf_sim_run(sim, 1000000);
}

/* More of the model's config for the next boot ("" = none; a test sets
 * it before booting again, e.g. test_enet_system's boot_phy_elsewhere). */
static const char *nic_extra = "";
/* Whether the first PHY poll finds a link (0 where the test hides it). */
static uint64_t boot_expects_link = 1;

static int boot(void **unused)
{
	(void)unused;
	memset(&sys, 0, sizeof(sys));
	char *dts = enet_test_dts_file(SYSTEM, nic_extra);
	assert_non_null(dts);
	assert_int_equal(sdvf_system_load_dts(&sys, SYSTEM, dts, table, stderr),
			 0);
	free(dts);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	nic = sdvf_sim_state(sim, "nic");
	drv = sdvf_sim_state(sim, "drv");
	ca = sdvf_sim_state(sim, "a");
	cb = sdvf_sim_state(sim, "b");
	wire = enet_model_wire(nic);
	assert_non_null(wire);
	page = sdvf_sim_region(sim, "enet_regs", NULL);
	run(); /* the first PHY poll: link up (no PHY there: down) */
	assert_int_equal(pd_counter("drv", "link_up"), boot_expects_link);
	return 0;
}

/* ---- buffer conservation --------------------------------------------- */

/* Times a queue holds a descriptor naming `io`, between head and tail. */
static uint32_t queue_holds(const char *region, uint32_t capacity, uint64_t io)
{
	struct sdvf_queue_shared *q = sdvf_sim_region(sim, region, NULL);
	uint32_t n = 0;
	for (uint32_t i = q->head; i != q->tail; i++)
		n += q->ring[i & (capacity - 1)].io_or_offset == io;
	return n;
}

/* Times the driver side (its queues from the TX mux, FIFOs, BD ring)
 * holds TX buffer `io`. */
static uint32_t drv_tx_holds(uint64_t io)
{
	return enet_driver_holds(drv, false, io) +
	       queue_holds("drv_txa", 32, io) + queue_holds("drv_txf", 32, io);
}

/* Frames of a remap TX client at the driver side, buffer by buffer. */
static uint32_t remap_tx_at_driver(uint64_t io)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < CLIENT_BUFS; i++) {
		uint32_t h = drv_tx_holds(io + i * BUF_BYTES);
		assert_true(h <= 1);
		n += h;
	}
	return n;
}

static void assert_client_tx_whole(const struct net_test_client *c)
{
	assert_int_equal(net_client_tx_idle(&c->nc) +
				 net_client_tx_at_mux(&c->nc),
			 CLIENT_BUFS);
}

/* Every buffer is held by exactly one party once the system is idle. */
static void assert_buffers_conserved(void)
{
	/* RX DMA: the driver, its queues, or lent to the remap client b. */
	for (uint32_t i = 0; i < RX_DMA_BUFS; i++) {
		uint64_t io = RX_DMA_IO + i * BUF_BYTES;
		uint32_t holders = enet_driver_holds(drv, true, io) +
				   queue_holds("rx_free", 16, io) +
				   queue_holds("rx_active", 16, io) +
				   (cb->nc.rx_owner[i] == SDVF_OWNER_SELF);
		if (holders != 1)
			fail_msg("rx_dma buffer %u has %u holders", i, holders);
	}
	/* Client RX buffers: what each holds is what the RX mux lent it. */
	assert_int_equal(pd_counter("rxm", "c0.in_flight"),
			 net_client_rx_held(&ca->nc));
	assert_int_equal(pd_counter("rxm", "c1.in_flight"),
			 net_client_rx_held(&cb->nc));
	assert_int_equal(pd_counter("rxm", "c2.in_flight"), 0);
	/* TX pool: idle in the TX mux or at the driver side, once each. */
	uint32_t at_driver = 0;
	for (uint32_t i = 0; i < POOL_BUFS; i++) {
		uint32_t h = drv_tx_holds(POOL_IO + i * BUF_BYTES);
		assert_true(h <= 1);
		at_driver += h;
	}
	assert_int_equal(pd_counter("txm", "pool_idle") + at_driver, POOL_BUFS);
	/* Client TX buffers: with the client, or at the mux; a remap
	 * client's at the driver are its in_flight. */
	assert_client_tx_whole(ca);
	assert_client_tx_whole(cb);
	assert_int_equal(pd_counter("txm", "c1.in_flight"),
			 remap_tx_at_driver(B_TXD_IO));
	assert_int_equal(pd_counter("txm", "c2.in_flight"),
			 remap_tx_at_driver(R_TXD_IO));
	assert_true(net_client_tx_at_mux(&cb->nc) >=
		    pd_counter("txm", "c1.in_flight"));
}

/* Whatever a test checked, it ends with buffer conservation. */
static int shutdown(void **unused)
{
	(void)unused;
	run();
	assert_buffers_conserved();
	wire_close(wire);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

/* ---- frames ----------------------------------------------------------- */

/* The peer sends its frame `seed` of `len` bytes to `dst`; run. */
static inline void inject_to(const uint8_t *dst, size_t len, uint8_t seed)
{
	uint8_t f[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_inject(wire, f,
					 net_test_frame(f, len, seed, dst,
							net_test_peer_mac)),
			 0);
	run();
}

/* Client c's frame i is the peer's frame `seed` of len bytes to `dst`. */
static inline void expect_rx_at(const struct net_test_client *c, uint32_t i,
				const uint8_t *dst, size_t len, uint8_t seed)
{
	uint8_t want[WIRE_MAX_FRAME];
	net_test_frame(want, len, seed, dst, net_test_peer_mac);
	assert_int_equal(c->rx[i].len, len);
	assert_memory_equal(c->rx_bytes[i], want, len);
}

#endif
