/*
 * The ENET driver and the ENET model together, in the sim runtime: the real
 * `enet_driver` drives the real `enet_model`, whose wire is `mem` (the test
 * injects received frames and takes transmitted ones).  The ENET fixture
 * (enet_fixture.h) plays both muxes on the driver's four queues: it owns
 * 32 RX and 32 TX buffers in two DMA regions, copies every received frame
 * out, and logs completions.  The system is
 * tests/fixtures/enet-model-mem.dts.
 *
 * Every test checks buffer conservation at the end (the teardown makes
 * sure): each buffer is held by exactly one party (the fixture, a queue, a
 * BD ring or a driver FIFO).  The last test only loads the enet systems
 * this repository ships and compares the driver's DMA windows with the
 * model's maps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "clients/raw_responder.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_driver.h"
#include "driver/enet/enet_regs.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"
#include "tests/unit/enet_fixture.h"

#define RINGS_IO 0x40000000u
#define RX_DMA_IO 0x10000000u
#define TX_DMA_IO 0x10100000u
#define BUF_BYTES 2048u
#define RX_SLOTS 8u
#define TX_SLOTS 8u
#define POLL_NS 500000000ull
#define OUTSIDE_IO 0x30000000u	   /* in no DMA window */
#define ECR_FIXED_BITS 0x70000000u /* ECR bits 30:28 read as one */

static const uint8_t drv_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};

/* ---- the system ------------------------------------------------------ */

static const struct sdvf_component *const table[] = {
	&enet_model_component, &enet_driver_component, &enet_fixture_component,
	NULL};

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static void *nic;
static struct enet_driver *drv;
static struct enet_fixture *mux;

/* A driver counter, as `sdvf stats` shows it; a name the driver does not
 * publish fails the test. */
static uint64_t drv_counter(const char *name)
{
	bool found = false;
	uint64_t value = sdvf_sim_counter(sim, "drv", name, &found);
	assert_true(found);
	return value;
}
static struct wire *wire;
static volatile uint32_t *page; /* the model's register page */

static void run(void)
{
	sdvf_sim_run(sim, 100000);
}

static int boot(void **unused)
{
	(void)unused;
	memset(&sys, 0, sizeof(sys));
	assert_int_equal(sdvf_system_load(&sys,
					  "tests/fixtures/enet-model-mem.dts",
					  table, stderr),
			 0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	nic = sdvf_sim_state(sim, "nic");
	drv = sdvf_sim_state(sim, "drv");
	mux = sdvf_sim_state(sim, "mux");
	wire = enet_model_wire(nic);
	assert_non_null(wire);
	page = sdvf_sim_region(sim, "enet_regs", NULL);
	run(); /* the first PHY poll: link up */
	return 0;
}

/* Every buffer is held by exactly one party, and nothing came back that
 * was not out (enet_fixture_conservation_errors names each fault). */
static void assert_buffers_conserved(void)
{
	assert_int_equal(enet_fixture_conservation_errors(mux, drv), 0);
}

/* Whatever a test checked, it ends with buffer conservation. */
static int shutdown(void **unused)
{
	(void)unused;
	assert_buffers_conserved();
	wire_close(wire);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

static uint32_t reg(uint32_t off)
{
	return page[off / 4];
}

/* A model counter, as `sdvf stats` shows it. */
static uint64_t nic_counter(const char *name)
{
	bool found = false;
	uint64_t value = sdvf_sim_counter(sim, "nic", name, &found);
	assert_true(found);
	return value;
}

/* ---- frames ----------------------------------------------------------- */

static size_t make_frame(uint8_t *f, size_t len, uint8_t seed)
{
	memcpy(f, drv_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(seed * 7u + i);
	return len;
}

static void inject(size_t len, uint8_t seed)
{
	uint8_t f[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_inject(wire, f, make_frame(f, len, seed)), 0);
	run();
}

static void provide_rx(uint32_t first, uint32_t n)
{
	assert_int_equal(enet_fixture_provide_rx(mux, first, n), n);
	run();
}

/* Queue n frames of `len` bytes from TX buffers first.. (seed = index). */
static void queue_tx(uint32_t first, uint32_t n, uint16_t len)
{
	for (uint32_t b = first; b < first + n; b++)
		make_frame(enet_fixture_tx_frame(mux, b), len, (uint8_t)b);
	assert_int_equal(enet_fixture_queue_tx(mux, first, n, len), n);
}

static void send_tx(uint32_t first, uint32_t n, uint16_t len)
{
	queue_tx(first, n, len);
	run();
}

/* Take the next frame off the wire and check it is TX buffer b's. */
static void expect_on_wire(uint32_t b, uint16_t len)
{
	uint8_t got[WIRE_MAX_FRAME], want[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), len);
	make_frame(want, len, (uint8_t)b);
	assert_memory_equal(got, want, len);
}

static void expect_wire_empty(void)
{
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
}

static void expect_rx(uint32_t i, size_t len, uint8_t seed)
{
	uint8_t want[WIRE_MAX_FRAME];
	make_frame(want, len, seed);
	assert_int_equal(mux->rx.got[i].len, len);
	assert_int_equal(mux->rx.got[i].flags, 0);
	assert_memory_equal(mux->rx_bytes[i], want, len);
}

/* The MAC's next RX BD, as the test sees the ring. */
static volatile struct enet_bd *rx_bd(uint32_t slot)
{
	uint8_t *rings = sdvf_sim_region(sim, "enet_rings", NULL);
	return (volatile struct enet_bd *)(rings + slot * 8u);
}

static volatile struct enet_bd *tx_bd(uint32_t slot)
{
	uint8_t *rings = sdvf_sim_region(sim, "enet_rings", NULL);
	return (volatile struct enet_bd *)(rings + RX_SLOTS * 8u + slot * 8u);
}

/* ---- init ------------------------------------------------------------ */

static void init_leaves_model_registers_as_driver_programmed(void **unused)
{
	(void)unused;
	/* The model's PHY is gigabit: the first poll restarted at 1000. */
	assert_int_equal(drv_counter("link_up"), 1);
	assert_int_equal(drv_counter("speed_mbps"), 1000);
	assert_int_equal(drv_counter("link_restarts"), 1);
	assert_int_equal(reg(ENET_ECR), ECR_FIXED_BITS | ENET_ECR_ETHEREN |
						ENET_ECR_DBSWP |
						ENET_ECR_SPEED);
	assert_int_equal(reg(ENET_RCR),
			 1522u << 16 | ENET_RCR_MII_MODE | ENET_RCR_PROM |
				 ENET_RCR_CRCFWD | ENET_RCR_RGMII_EN);
	assert_int_equal(reg(ENET_TCR), ENET_TCR_FDEN);
	assert_int_equal(reg(ENET_MRBR), 1536);
	assert_int_equal(reg(ENET_RDSR), RINGS_IO);
	assert_int_equal(reg(ENET_TDSR), RINGS_IO + RX_SLOTS * 8u);
	assert_int_equal(reg(ENET_PALR), 0x02000000u);
	assert_int_equal(reg(ENET_PAUR), 0x00018808u);
	assert_int_equal(reg(ENET_EIMR), ENET_INT_TXF | ENET_INT_RXF |
						 ENET_INT_EBERR | ENET_INT_MII);
	assert_int_equal(reg(ENET_MSCR), 13u << 1);
	assert_int_equal(nic_counter("resets"),
			 2); /* init, then the 1000 restart */
	assert_int_equal(nic_counter("eberr"), 0);
	assert_int_equal(nic_counter("mmio_unknown"), 0);
	assert_int_equal(nic_counter("mmio_bad_index"), 0);
	assert_int_equal(enet_driver_view(drv).mmio_timeouts, 0);
	assert_buffers_conserved();
}

/* ---- receive --------------------------------------------------------- */

static void rx_frames_arrive_byte_exact_in_order_across_ring_wrap(void **unused)
{
	(void)unused;
	provide_rx(0, 16); /* 8 in BDs, 8 waiting in rx_free */
	for (uint32_t i = 0; i < 12; i++)
		inject(60 + i * 100, (uint8_t)i);
	assert_int_equal(mux->rx.ngot, 12);
	for (uint32_t i = 0; i < 12; i++) {
		expect_rx(i, 60 + i * 100, (uint8_t)i);
		assert_int_equal(mux->rx.got[i].io_or_offset,
				 RX_DMA_IO + i * BUF_BYTES);
	}
	assert_int_equal(drv_counter("rx_frames"), 12);
	assert_int_equal(nic_counter("rx_frames"), 12);
	assert_buffers_conserved();
}

static void
rx_burst_larger_than_ring_arrives_whole_as_buffers_return(void **unused)
{
	(void)unused;
	provide_rx(0, 8);
	/* 8 fill the ring, the 9th waits in the model's FIFO. */
	for (uint32_t i = 0; i < 9; i++)
		assert_int_equal(wire_mem_inject(wire, (uint8_t[64]){0}, 64),
				 0);
	run();
	assert_int_equal(mux->rx.ngot, 8);
	provide_rx(8, 1);
	assert_int_equal(mux->rx.ngot, 9);
	assert_int_equal(mux->rx.got[8].io_or_offset,
			 RX_DMA_IO + 8 * BUF_BYTES);
	assert_int_equal(nic_counter("rx_fifo_overflow"), 0);
	assert_buffers_conserved();
}

static void rx_giant_is_counted_as_long_and_its_buffers_recycled(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	inject(1530, 1); /* 1534 with FCS > MAX_FL 1522; fits one buffer */
	inject(1600, 2); /* spans two buffers: 1536 + 64 */
	assert_int_equal(mux->rx.ngot, 0);
	assert_int_equal(nic_counter("rx_long"), 2);
	assert_int_equal(drv_counter("rx_err_lg"), 2);
	assert_int_equal(drv_counter("rx_err_not_last"), 1);
	assert_int_equal(drv_counter("rx_frames"), 0);
	/* All three buffers went back to the MAC: the ring is full again. */
	assert_int_equal(enet_driver_view(drv).rx_posted, RX_SLOTS);
	inject(100, 3);
	assert_int_equal(mux->rx.ngot, 1);
	expect_rx(0, 100, 3);
	assert_int_equal(mux->rx.got[0].io_or_offset,
			 RX_DMA_IO + 3 * BUF_BYTES);
	assert_buffers_conserved();
}

static void rx_runt_is_counted_and_dropped_by_the_model(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	inject(13, 1);
	inject(1, 2);
	assert_int_equal(nic_counter("rx_runts"), 2);
	assert_int_equal(nic_counter("rx_frames"), 0);
	assert_int_equal(mux->rx.ngot, 0);
	assert_int_equal(drv_counter("rx_err_len"), 0);
	inject(14, 3); /* the shortest header: padded to 60 by the model */
	assert_int_equal(mux->rx.ngot, 1);
	assert_int_equal(mux->rx.got[0].len, 60);
	assert_int_equal(nic_counter("rx_padded"), 1);
	assert_buffers_conserved();
}

/* The wire's own counts are published beside the model's, so `sdvf stats`
 * shows what crossed the cable, including what the wire itself refused. */
static void wire_counters_show_what_crossed_the_cable(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	inject(100, 1);
	inject(13, 2); /* a runt: the wire passes it on, the model drops it */
	send_tx(0, 2, 200);
	assert_int_equal(nic_counter("wire.rx_frames"), 2);
	assert_int_equal(nic_counter("wire.rx_bytes"), 113);
	assert_int_equal(nic_counter("wire.rx_runts"), 1);
	assert_int_equal(nic_counter("wire.tx_frames"), 2);
	assert_int_equal(nic_counter("wire.tx_bytes"), 400);
	assert_int_equal(nic_counter("wire.rx_errors"), 0);
	assert_int_equal(nic_counter("wire.tx_errors"), 0);
	assert_int_equal(nic_counter("rx_frames"), 1);
	assert_int_equal(nic_counter("rx_runts"), 1);
	assert_buffers_conserved();
}

/* ---- transmit -------------------------------------------------------- */

static void tx_frames_leave_byte_exact_in_order_across_ring_wrap(void **unused)
{
	(void)unused;
	for (uint32_t round = 0; round < 3; round++) {
		send_tx(round * 5, 5, (uint16_t)(60 + round * 500));
		for (uint32_t i = 0; i < 5; i++)
			expect_on_wire(round * 5 + i,
				       (uint16_t)(60 + round * 500));
	}
	expect_wire_empty();
	/* 15 frames through an 8-BD ring: completions in the same order. */
	assert_int_equal(mux->tx.ngot, 15);
	for (uint32_t i = 0; i < 15; i++) {
		assert_int_equal(mux->tx.got[i].io_or_offset,
				 TX_DMA_IO + i * BUF_BYTES);
		assert_int_equal(mux->tx.got[i].flags, 0);
	}
	assert_int_equal(drv_counter("tx_frames"), 15);
	assert_int_equal(nic_counter("tx_frames"), 15);
	assert_buffers_conserved();
}

static void tx_burst_beyond_ring_waits_in_queue_and_all_leave(void **unused)
{
	(void)unused;
	send_tx(0, 12, 200);
	for (uint32_t i = 0; i < 12; i++)
		expect_on_wire(i, 200);
	expect_wire_empty();
	assert_int_equal(mux->tx.ngot, 12);
	assert_buffers_conserved();
}

static void tx_batch_is_one_tdar_write_and_one_doorbell(void **unused)
{
	(void)unused;
	uint64_t tdar = nic_counter("tdar_writes");
	uint64_t bells = sdvf_sim_notifications(sim, "drv", "mmio");
	queue_tx(0, 5, 100);
	/* One step: the driver's `tx` activation posts all five. */
	assert_true(sdvf_sim_step(sim));
	assert_int_equal(enet_driver_view(drv).tx_posted, 5);
	assert_int_equal(sdvf_sim_notifications(sim, "drv", "mmio") - bells, 1);
	run();
	assert_int_equal(nic_counter("tdar_writes") - tdar, 1);
	for (uint32_t i = 0; i < 5; i++)
		expect_on_wire(i, 100);
	assert_int_equal(mux->tx.ngot, 5);
	assert_buffers_conserved();
}

/* ---- bad DMA addresses ----------------------------------------------- */

static void rx_buffer_outside_windows_is_rejected_by_the_driver(void **unused)
{
	(void)unused;
	struct sdvf_desc d = {.io_or_offset = OUTSIDE_IO};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, &d, 1), 1);
	run();
	assert_int_equal(drv_counter("rx_bad_buffer"), 1);
	assert_int_equal(mux->rx.ngot, 1);
	assert_int_equal(mux->rx.got[0].io_or_offset, OUTSIDE_IO);
	assert_int_equal(mux->rx.got[0].len, 0);
	assert_int_equal(mux->rx.got[0].flags, SDVF_NET_REJECTED);
	/* That one was not a buffer of ours: foreign, and expected. */
	assert_int_equal(enet_fixture_foreign(&mux->rx), 1);
	assert_int_equal(nic_counter("eberr"), 0);
	assert_buffers_conserved();
}

static void tx_buffer_outside_windows_is_rejected_by_the_driver(void **unused)
{
	(void)unused;
	struct sdvf_desc d = {.io_or_offset = OUTSIDE_IO, .len = 100};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->tx, &d, 1), 1);
	run();
	assert_int_equal(drv_counter("tx_bad_buffer"), 1);
	assert_int_equal(mux->tx.ngot, 1);
	assert_int_equal(mux->tx.got[0].flags, SDVF_NET_REJECTED);
	assert_int_equal(enet_fixture_foreign(&mux->tx), 1);
	expect_wire_empty();
	assert_int_equal(nic_counter("eberr"), 0);
	assert_buffers_conserved();
}

/* The hardening issue's case: one RX buffer in the TX window, which the
 * model maps read-only, made every refill a bus error (24 resets, then a
 * halted MAC).  The driver knows the window's rights (dma1_rights "r"):
 * the buffer comes back rejected, never reaches a BD, and traffic flows
 * through the good buffers. */
static void
rx_buffer_in_read_only_tx_window_is_rejected_not_posted(void **unused)
{
	(void)unused;
	const uint64_t in_tx_window = TX_DMA_IO + 4 * BUF_BYTES;
	uint8_t *tx4 = enet_fixture_tx_frame(mux, 4);
	memset(tx4, 0x5a, BUF_BYTES);
	mux->opt.rx_recycle = true;
	struct sdvf_desc d = {.io_or_offset = in_tx_window};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, &d, 1), 1);
	provide_rx(0, RX_SLOTS - 1);
	for (uint32_t i = 0; i < 20; i++)
		inject(100 + i, (uint8_t)i);
	assert_int_equal(nic_counter("eberr"), 0);
	assert_int_equal(drv_counter("eberr_resets"), 0);
	assert_int_equal(drv_counter("eberr_halts"), 0);
	assert_int_equal(drv_counter("halted"), 0);
	assert_int_equal(drv_counter("rx_bad_window"), 1);
	assert_int_equal(drv_counter("rx_bad_buffer"), 0);
	/* First back: the rejected buffer, as it came (foreign to the RX
	 * pool, so expected); then every frame, in order. */
	assert_int_equal(mux->rx.ngot, 1 + 20);
	assert_int_equal(mux->rx.got[0].io_or_offset, in_tx_window);
	assert_int_equal(mux->rx.got[0].len, 0);
	assert_int_equal(mux->rx.got[0].flags, SDVF_NET_REJECTED);
	assert_int_equal(enet_fixture_foreign(&mux->rx), 1);
	for (uint32_t i = 0; i < 20; i++) {
		expect_rx(1 + i, 100 + i, (uint8_t)i);
		assert_int_equal(mux->rx.got[1 + i].io_or_offset,
				 RX_DMA_IO + (i % (RX_SLOTS - 1)) * BUF_BYTES);
	}
	assert_int_equal(drv_counter("rx_frames"), 20);
	for (uint32_t i = 0; i < BUF_BYTES; i++)
		assert_int_equal(tx4[i], 0x5a);
	assert_buffers_conserved();
}

static void
corrupt_rx_bd_raises_eberr_and_driver_resets_keeping_buffers(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	inject(100, 0);
	assert_int_equal(mux->rx.ngot, 1);
	/* Something scribbles on the next BD the MAC owns. */
	rx_bd(1)->addr = OUTSIDE_IO;
	inject(100, 1);
	assert_int_equal(nic_counter("eberr"), 1);
	assert_int_equal(drv_counter("eberr_resets"), 1);
	assert_int_equal(mux->rx.ngot, 1); /* the frame was lost */
	/* The driver re-posted its own copies of the addresses. */
	assert_int_equal(enet_driver_view(drv).rx_posted, RX_SLOTS - 1);
	assert_int_equal(rx_bd(0)->addr, RX_DMA_IO + 1 * BUF_BYTES);
	assert_buffers_conserved();
	inject(100, 2);
	assert_int_equal(mux->rx.ngot, 2);
	expect_rx(1, 100, 2);
	assert_int_equal(mux->rx.got[1].io_or_offset,
			 RX_DMA_IO + 1 * BUF_BYTES);
	assert_int_equal(reg(ENET_ECR) & ENET_ECR_ETHEREN, ENET_ECR_ETHEREN);
	assert_buffers_conserved();
}

static void
corrupt_tx_bd_raises_eberr_and_frame_returns_as_tx_error(void **unused)
{
	(void)unused;
	queue_tx(0, 1, 100);
	assert_true(sdvf_sim_step(sim)); /* the driver posts the BD */
	assert_int_equal(tx_bd(0)->addr, TX_DMA_IO);
	tx_bd(0)->addr = OUTSIDE_IO; /* before the model reads it */
	run();
	assert_int_equal(nic_counter("eberr"), 1);
	assert_int_equal(drv_counter("eberr_resets"), 1);
	assert_int_equal(drv_counter("tx_reset_errors"), 1);
	expect_wire_empty();
	assert_int_equal(mux->tx.ngot, 1);
	assert_int_equal(mux->tx.got[0].io_or_offset, TX_DMA_IO);
	assert_int_equal(mux->tx.got[0].flags, SDVF_NET_TX_ERROR);
	assert_buffers_conserved();
	send_tx(1, 1, 100); /* the MAC works again */
	expect_on_wire(1, 100);
	assert_buffers_conserved();
}

/* ---- link ------------------------------------------------------------ */

static void link_down_holds_tx_and_link_up_releases_in_order(void **unused)
{
	(void)unused;
	enet_model_set_link(nic, false);
	sdvf_sim_advance(sim, POLL_NS);
	assert_int_equal(drv_counter("link_up"), 0);
	send_tx(0, 3, 80);
	expect_wire_empty();
	assert_int_equal(mux->tx.ngot, 0);
	assert_int_equal(nic_counter("tx_link_down"), 0);
	assert_int_equal(enet_driver_view(drv).tx_posted, 0);
	assert_true(drv_counter("tx_held_link_down") >= 1);
	assert_buffers_conserved();
	enet_model_set_link(nic, true);
	sdvf_sim_advance(sim, POLL_NS);
	assert_int_equal(drv_counter("link_up"), 1);
	for (uint32_t i = 0; i < 3; i++)
		expect_on_wire(i, 80);
	expect_wire_empty();
	assert_int_equal(mux->tx.ngot, 3);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(mux->tx.got[i].io_or_offset,
				 TX_DMA_IO + i * BUF_BYTES);
	assert_int_equal(drv_counter("link_changes"), 3); /* up, down, up */
	assert_int_equal(nic_counter("tx_link_down"), 0);
	assert_buffers_conserved();
}

/* ---- the descriptions this repository ships ---------------------------- */

static int pd_of(const struct sdvf_system *s, const char *component)
{
	for (int i = 0; i < s->npds; i++)
		if (strcmp(s->pds[i].component->name, component) == 0)
			return i;
	fail_msg("no %s PD", component);
	return -1;
}

static const struct sdvf_sys_map *map_of(const struct sdvf_sys_pd *pd,
					 const char *local)
{
	for (int i = 0; i < pd->nmaps; i++)
		if (strcmp(pd->maps[i].local, local) == 0)
			return &pd->maps[i];
	return NULL;
}

/* The driver cannot see the device's mappings, so its window n must be
 * the region the model maps as dmaN, with the same rights: otherwise the
 * driver posts RX buffers the model may not write (the bus-error storm of
 * the hardening issue), or refuses good ones. */
static void driver_windows_match_model_maps_in_shipped_systems(void **unused)
{
	(void)unused;
	static const char *const systems[] = {
		"examples/enet-tap.dts", "examples/enet-udp.dts",
		"tests/fixtures/enet-model-mem.dts",
		"tests/fixtures/enet-bench.dts"};
	static const struct sdvf_component *const all[] = {
		&enet_model_component, &enet_driver_component,
		&enet_fixture_component, &raw_responder_component, NULL};
	for (size_t f = 0; f < sizeof(systems) / sizeof(systems[0]); f++) {
		struct sdvf_system s;
		assert_int_equal(sdvf_system_load(&s, systems[f], all, stderr),
				 0);
		int drv_pd = pd_of(&s, "enet_driver");
		const struct sdvf_sys_pd *nic_pd =
			&s.pds[pd_of(&s, "enet_model")];
		for (unsigned n = 0; n < ENET_DRV_DMA_WINDOWS; n++) {
			char map[8], io[16], size[16], rights[16];
			snprintf(map, sizeof(map), "dma%u", n);
			snprintf(io, sizeof(io), "dma%u_io", n);
			snprintf(size, sizeof(size), "dma%u_size", n);
			snprintf(rights, sizeof(rights), "dma%u_rights", n);
			const struct sdvf_sys_map *m = map_of(nic_pd, map);
			uint64_t w_io = sdvf_system_config_u64(&s, drv_pd, io);
			uint64_t w_size =
				sdvf_system_config_u64(&s, drv_pd, size);
			if (!m) {
				assert_int_equal(w_size, 0);
				continue;
			}
			const struct sdvf_sys_region *r = &s.regions[m->region];
			assert_true(r->has_io);
			assert_int_equal(w_io, r->io_addr);
			assert_true(w_size > 0 && w_size <= r->size);
			assert_string_equal(
				sdvf_system_config_str(&s, drv_pd, rights),
				m->rights == SDVF_RW ? "rw" : "r");
		}
		sdvf_system_free(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, boot, shutdown)
		T(init_leaves_model_registers_as_driver_programmed),
		T(rx_frames_arrive_byte_exact_in_order_across_ring_wrap),
		T(rx_burst_larger_than_ring_arrives_whole_as_buffers_return),
		T(rx_giant_is_counted_as_long_and_its_buffers_recycled),
		T(rx_runt_is_counted_and_dropped_by_the_model),
		T(wire_counters_show_what_crossed_the_cable),
		T(tx_frames_leave_byte_exact_in_order_across_ring_wrap),
		T(tx_burst_beyond_ring_waits_in_queue_and_all_leave),
		T(tx_batch_is_one_tdar_write_and_one_doorbell),
		T(rx_buffer_outside_windows_is_rejected_by_the_driver),
		T(tx_buffer_outside_windows_is_rejected_by_the_driver),
		T(rx_buffer_in_read_only_tx_window_is_rejected_not_posted),
		T(corrupt_rx_bd_raises_eberr_and_driver_resets_keeping_buffers),
		T(corrupt_tx_bd_raises_eberr_and_frame_returns_as_tx_error),
		T(link_down_holds_tx_and_link_up_releases_in_order),
#undef T
		cmocka_unit_test(
			driver_windows_match_model_maps_in_shipped_systems),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
