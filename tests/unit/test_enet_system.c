/*
 * The ENET driver and the ENET model together, in the sim runtime: the real
 * `enet_driver` drives the real `enet_model`, whose wire is `mem` (the test
 * injects received frames and takes transmitted ones).  test_mux plays both
 * muxes on the driver's four queues: it owns NBUF RX and NBUF TX buffers in
 * two DMA regions, copies every received frame out, and logs completions.
 *
 * Every test checks buffer conservation at the end: each buffer is held by
 * exactly one party (the mux, a queue, a BD ring or a driver FIFO).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/pd_queue.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_driver.h"
#include "driver/enet/enet_regs.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"

#define RINGS_IO 0x40000000u
#define RX_DMA_IO 0x10000000u
#define TX_DMA_IO 0x10100000u
#define BUF_BYTES 2048u
#define NBUF 32u /* per direction; the regions hold 64 */
#define RX_SLOTS 8u
#define TX_SLOTS 8u
#define CAPACITY 16u
#define POLL_NS 500000000ull
#define LOG_MAX 64u
#define OUTSIDE_IO 0x30000000u	   /* in no DMA window */
#define ECR_FIXED_BITS 0x70000000u /* ECR bits 30:28 read as one */

static const uint8_t drv_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};

/* ---- test mux: both muxes on the driver's queues --------------------- */

struct test_mux {
	struct sdvf_pd *pd;
	struct sdvf_queue rx_free, rx_active, tx_active, tx_free;
	sdvf_channel_t ch_rx, ch_tx;
	uint8_t *rx_dma, *tx_dma;
	bool rx_held[NBUF], tx_held[NBUF]; /* buffers the mux holds */
	struct sdvf_desc rx_got[LOG_MAX], tx_got[LOG_MAX];
	uint8_t rx_bytes[LOG_MAX][ENET_DRV_RX_BUF_BYTES];
	uint32_t nrx_got, ntx_got;
	uint32_t foreign_returns; /* io of no buffer of ours: must stay 0 */
};

static const struct sdvf_need test_mux_needs[] = {
	{"rx_dma", SDVF_NEED_REGION, SDVF_RW, false},
	{"tx_dma", SDVF_NEED_REGION, SDVF_RW, false},
	{"rx_free", SDVF_NEED_REGION, SDVF_RW, false},
	{"rx_active", SDVF_NEED_REGION, SDVF_RW, false},
	{"tx_free", SDVF_NEED_REGION, SDVF_RW, false},
	{"tx_active", SDVF_NEED_REGION, SDVF_RW, false},
	{"rx", SDVF_NEED_CHANNEL, 0, false},
	{"tx", SDVF_NEED_CHANNEL, 0, false},
	{0},
};
static const struct sdvf_param no_params[] = {{0}};

static int mux_init(void *state, struct sdvf_pd *pd)
{
	struct test_mux *m = state;
	m->pd = pd;
	assert_true(
		sdvf_queue_attach_region(pd, &m->rx_free, "rx_free", CAPACITY));
	assert_true(sdvf_queue_attach_region(pd, &m->rx_active, "rx_active",
					     CAPACITY));
	assert_true(sdvf_queue_attach_region(pd, &m->tx_active, "tx_active",
					     CAPACITY));
	assert_true(
		sdvf_queue_attach_region(pd, &m->tx_free, "tx_free", CAPACITY));
	m->ch_rx = sdvf_channel(pd, "rx");
	m->ch_tx = sdvf_channel(pd, "tx");
	m->rx_dma = sdvf_region(pd, "rx_dma")->base;
	m->tx_dma = sdvf_region(pd, "tx_dma")->base;
	for (uint32_t i = 0; i < NBUF; i++)
		m->rx_held[i] = m->tx_held[i] = true;
	return 0;
}

static void mux_produce(struct test_mux *m, struct sdvf_queue *q,
			sdvf_channel_t ch, const struct sdvf_desc *d,
			uint32_t n)
{
	assert_int_equal(sdvf_queue_push_burst(q, d, n), n);
	if (sdvf_queue_producer_should_signal(q))
		sdvf_notify(m->pd, ch);
}

/* Back in the mux's hands: mark the buffer held (once). */
static void mux_take_back(struct test_mux *m, bool *held, uint64_t base,
			  uint64_t io)
{
	uint64_t idx = (io - base) / BUF_BYTES;
	if (io < base || (io - base) % BUF_BYTES != 0 || idx >= NBUF ||
	    held[idx]) {
		m->foreign_returns++;
		return;
	}
	held[idx] = true;
}

static void mux_log(struct test_mux *m, const struct sdvf_desc *d, bool rx)
{
	if (rx) {
		mux_take_back(m, m->rx_held, RX_DMA_IO, d->io_or_offset);
		if (m->nrx_got == LOG_MAX)
			return;
		uint64_t off = d->io_or_offset - RX_DMA_IO;
		if (d->len <= ENET_DRV_RX_BUF_BYTES && off < 64 * BUF_BYTES)
			memcpy(m->rx_bytes[m->nrx_got], m->rx_dma + off,
			       d->len);
		m->rx_got[m->nrx_got++] = *d;
	} else {
		mux_take_back(m, m->tx_held, TX_DMA_IO, d->io_or_offset);
		if (m->ntx_got < LOG_MAX)
			m->tx_got[m->ntx_got++] = *d;
	}
}

static void mux_drain(struct test_mux *m, struct sdvf_queue *q, bool rx)
{
	struct sdvf_desc d;
	do {
		while (sdvf_queue_pop(q, &d))
			mux_log(m, &d, rx);
		sdvf_queue_release(q);
	} while (sdvf_queue_consumer_request_signal(q));
	if (sdvf_queue_consumer_should_signal(q))
		sdvf_notify(m->pd, rx ? m->ch_rx : m->ch_tx);
}

static void mux_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct test_mux *m = state;
	(void)pd;
	if (ch == m->ch_rx)
		mux_drain(m, &m->rx_active, true);
	else
		mux_drain(m, &m->tx_free, false);
}

static const struct sdvf_component test_mux_component = {
	.name = "test_mux",
	.role = SDVF_ROLE_MUX,
	.state_size = sizeof(struct test_mux),
	.needs = test_mux_needs,
	.params = no_params,
	.init = mux_init,
	.notified = mux_notified,
};

/* ---- the system ------------------------------------------------------ */

static const struct sdvf_component *const table[] = {&enet_model_component,
						     &enet_driver_component,
						     &test_mux_component, NULL};

/* The model maps the TX buffers read-only: it only ever reads them. */
static const char dts[] =
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"
	"nic { component = \"enet_model\";\n"
	"  maps { enet_regs = \"enet_regs\", \"rw\"; enet_mmio = "
	"\"enet_mmio\", \"rw\"; enet_rings = \"enet_rings\", \"rw\";\n"
	"    dma0 = \"rx_dma\", \"rw\"; dma1 = \"tx_dma\", \"r\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; };\n"
	"  config { wire = \"mem\"; }; };\n"
	"drv { component = \"enet_driver\";\n"
	"  maps { enet_regs = \"enet_regs\", \"r\"; enet_mmio = "
	"\"enet_mmio\", \"rw\"; enet_rings = \"enet_rings\", \"rw\";\n"
	"    rx_free = \"rx_free\", \"rw\"; rx_active = \"rx_active\", "
	"\"rw\"; tx_free = \"tx_free\", \"rw\"; tx_active = \"tx_active\", "
	"\"rw\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; rx = \"rx\"; tx = "
	"\"tx\"; };\n"
	"  config { mac = [02 00 00 00 00 01]; rx_ring = <8>; tx_ring = <8>; "
	"rx_capacity = <16>; tx_capacity = <16>;\n"
	"    dma0_io = <0x10000000>; dma0_size = <0x20000>;\n"
	"    dma1_io = <0x10100000>; dma1_size = <0x20000>; }; };\n"
	"mux { component = \"test_mux\";\n"
	"  maps { rx_dma = \"rx_dma\", \"rw\"; tx_dma = \"tx_dma\", \"rw\";\n"
	"    rx_free = \"rx_free\", \"rw\"; rx_active = \"rx_active\", "
	"\"rw\"; tx_free = \"tx_free\", \"rw\"; tx_active = \"tx_active\", "
	"\"rw\"; };\n"
	"  channels { rx = \"rx\"; tx = \"tx\"; }; };\n"
	"};\nregions {\n"
	"enet_regs { size = <0x1000>; }; enet_mmio { size = <0x1000>; };\n"
	"enet_rings { size = <0x1000>; io-address = <0x40000000>; };\n"
	"rx_dma { size = <0x20000>; io-address = <0x10000000>; };\n"
	"tx_dma { size = <0x20000>; io-address = <0x10100000>; };\n"
	"rx_free { size = <0x1000>; }; rx_active { size = <0x1000>; };\n"
	"tx_free { size = <0x1000>; }; tx_active { size = <0x1000>; };\n"

	"};\nchannels {\n"
	"irq { ends = \"nic\", \"drv\"; }; mmio { ends = \"drv\", \"nic\"; "
	"};\n"
	"rx { ends = \"drv\", \"mux\"; }; tx { ends = \"drv\", \"mux\"; };\n"
	"};\n};\n";

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static void *nic;
static struct enet_driver *drv;

/* A driver counter, as `sdvf stats` shows it; a name the driver does not
 * publish fails the test. */
static uint64_t drv_counter(const char *name)
{
	bool found = false;
	uint64_t value = sdvf_sim_counter(sim, "drv", name, &found);
	assert_true(found);
	return value;
}
static struct test_mux *mux;
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
	assert_int_equal(sdvf_system_load_dts(&sys, "test_enet_system", dts,
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

static int shutdown(void **unused)
{
	(void)unused;
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
	struct sdvf_desc d[CAPACITY] = {0};
	for (uint32_t i = 0; i < n; i++) {
		d[i].io_or_offset = RX_DMA_IO + (first + i) * BUF_BYTES;
		mux->rx_held[first + i] = false;
	}
	mux_produce(mux, &mux->rx_free, mux->ch_rx, d, n);
	run();
}

/* Queue n frames of `len` bytes from TX buffers first.. (seed = index). */
static void queue_tx(uint32_t first, uint32_t n, uint16_t len)
{
	struct sdvf_desc d[CAPACITY] = {0};
	for (uint32_t i = 0; i < n; i++) {
		uint32_t b = first + i;
		make_frame(mux->tx_dma + b * BUF_BYTES, len, (uint8_t)b);
		d[i].io_or_offset = TX_DMA_IO + b * BUF_BYTES;
		d[i].len = len;
		mux->tx_held[b] = false;
	}
	mux_produce(mux, &mux->tx_active, mux->ch_tx, d, n);
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
	assert_int_equal(mux->rx_got[i].len, len);
	assert_int_equal(mux->rx_got[i].flags, 0);
	assert_memory_equal(mux->rx_bytes[i], want, len);
}

/* ---- buffer conservation --------------------------------------------- */

static uint32_t in_queue(const char *region, uint64_t io)
{
	const struct sdvf_queue_shared *q = sdvf_sim_region(sim, region, NULL);
	uint32_t n = 0;
	for (uint32_t i = q->head; i != q->tail; i++)
		n += q->ring[i & (CAPACITY - 1)].io_or_offset == io;
	return n;
}

static uint32_t in_pending(const struct enet_pending *p, uint64_t io)
{
	uint32_t n = 0;
	for (uint32_t i = p->head; i != p->tail; i++)
		n += p->desc[i % ENET_DRV_PENDING].io_or_offset == io;
	return n;
}

static uint32_t in_ring(const uint32_t *ios, uint32_t head, uint32_t tail,
			uint32_t slots, uint64_t io)
{
	uint32_t n = 0;
	for (uint32_t i = head; i != tail; i++)
		n += ios[i & (slots - 1)] == io;
	return n;
}

/* Every buffer is held by exactly one party. */
static void assert_buffers_conserved(void)
{
	for (uint32_t b = 0; b < NBUF; b++) {
		uint64_t io = RX_DMA_IO + b * BUF_BYTES;
		uint32_t n = mux->rx_held[b] + in_queue("rx_free", io) +
			     in_queue("rx_active", io) +
			     in_pending(&drv->rx_to_mux, io) +
			     in_ring(drv->rx_io, drv->rx_head, drv->rx_tail,
				     drv->rx_slots, io);
		assert_int_equal(n, 1);
		io = TX_DMA_IO + b * BUF_BYTES;
		n = mux->tx_held[b] + in_queue("tx_active", io) +
		    in_queue("tx_free", io) +
		    in_pending(&drv->tx_done_to_mux, io) +
		    in_ring(drv->tx_io, drv->tx_head, drv->tx_tail,
			    drv->tx_slots, io);
		assert_int_equal(n, 1);
	}
	assert_int_equal(mux->foreign_returns, 0);
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
	assert_int_equal(drv->mmio.timeouts, 0);
	assert_buffers_conserved();
}

/* ---- receive --------------------------------------------------------- */

static void rx_frames_arrive_byte_exact_in_order_across_ring_wrap(void **unused)
{
	(void)unused;
	provide_rx(0, 16); /* 8 in BDs, 8 waiting in rx_free */
	for (uint32_t i = 0; i < 12; i++)
		inject(60 + i * 100, (uint8_t)i);
	assert_int_equal(mux->nrx_got, 12);
	for (uint32_t i = 0; i < 12; i++) {
		expect_rx(i, 60 + i * 100, (uint8_t)i);
		assert_int_equal(mux->rx_got[i].io_or_offset,
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
	assert_int_equal(mux->nrx_got, 8);
	provide_rx(8, 1);
	assert_int_equal(mux->nrx_got, 9);
	assert_int_equal(mux->rx_got[8].io_or_offset,
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
	assert_int_equal(mux->nrx_got, 0);
	assert_int_equal(nic_counter("rx_long"), 2);
	assert_int_equal(drv_counter("rx_err_lg"), 2);
	assert_int_equal(drv_counter("rx_err_not_last"), 1);
	assert_int_equal(drv_counter("rx_frames"), 0);
	/* All three buffers went back to the MAC: the ring is full again. */
	assert_int_equal(drv->rx_tail - drv->rx_head, RX_SLOTS);
	inject(100, 3);
	assert_int_equal(mux->nrx_got, 1);
	expect_rx(0, 100, 3);
	assert_int_equal(mux->rx_got[0].io_or_offset,
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
	assert_int_equal(mux->nrx_got, 0);
	assert_int_equal(drv_counter("rx_err_len"), 0);
	inject(14, 3); /* the shortest header: padded to 60 by the model */
	assert_int_equal(mux->nrx_got, 1);
	assert_int_equal(mux->rx_got[0].len, 60);
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
	assert_int_equal(mux->ntx_got, 15);
	for (uint32_t i = 0; i < 15; i++) {
		assert_int_equal(mux->tx_got[i].io_or_offset,
				 TX_DMA_IO + i * BUF_BYTES);
		assert_int_equal(mux->tx_got[i].flags, 0);
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
	assert_int_equal(mux->ntx_got, 12);
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
	assert_int_equal(drv->tx_tail - drv->tx_head, 5);
	assert_int_equal(sdvf_sim_notifications(sim, "drv", "mmio") - bells, 1);
	run();
	assert_int_equal(nic_counter("tdar_writes") - tdar, 1);
	for (uint32_t i = 0; i < 5; i++)
		expect_on_wire(i, 100);
	assert_int_equal(mux->ntx_got, 5);
	assert_buffers_conserved();
}

/* ---- bad DMA addresses ----------------------------------------------- */

static void rx_buffer_outside_windows_is_rejected_by_the_driver(void **unused)
{
	(void)unused;
	struct sdvf_desc d = {.io_or_offset = OUTSIDE_IO};
	mux_produce(mux, &mux->rx_free, mux->ch_rx, &d, 1);
	run();
	assert_int_equal(drv_counter("rx_bad_buffer"), 1);
	assert_int_equal(mux->nrx_got, 1);
	assert_int_equal(mux->rx_got[0].io_or_offset, OUTSIDE_IO);
	assert_int_equal(mux->rx_got[0].len, 0);
	assert_int_equal(mux->rx_got[0].flags, SDVF_NET_REJECTED);
	mux->foreign_returns = 0; /* that one was not a buffer of ours */
	assert_int_equal(nic_counter("eberr"), 0);
	assert_buffers_conserved();
}

static void tx_buffer_outside_windows_is_rejected_by_the_driver(void **unused)
{
	(void)unused;
	struct sdvf_desc d = {.io_or_offset = OUTSIDE_IO, .len = 100};
	mux_produce(mux, &mux->tx_active, mux->ch_tx, &d, 1);
	run();
	assert_int_equal(drv_counter("tx_bad_buffer"), 1);
	assert_int_equal(mux->ntx_got, 1);
	assert_int_equal(mux->tx_got[0].flags, SDVF_NET_REJECTED);
	mux->foreign_returns = 0;
	expect_wire_empty();
	assert_int_equal(nic_counter("eberr"), 0);
	assert_buffers_conserved();
}

static void
corrupt_rx_bd_raises_eberr_and_driver_resets_keeping_buffers(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	inject(100, 0);
	assert_int_equal(mux->nrx_got, 1);
	/* Something scribbles on the next BD the MAC owns. */
	rx_bd(1)->addr = OUTSIDE_IO;
	inject(100, 1);
	assert_int_equal(nic_counter("eberr"), 1);
	assert_int_equal(drv_counter("eberr_resets"), 1);
	assert_int_equal(mux->nrx_got, 1); /* the frame was lost */
	/* The driver re-posted its own copies of the addresses. */
	assert_int_equal(drv->rx_tail - drv->rx_head, RX_SLOTS - 1);
	assert_int_equal(rx_bd(0)->addr, RX_DMA_IO + 1 * BUF_BYTES);
	assert_buffers_conserved();
	inject(100, 2);
	assert_int_equal(mux->nrx_got, 2);
	expect_rx(1, 100, 2);
	assert_int_equal(mux->rx_got[1].io_or_offset,
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
	assert_int_equal(mux->ntx_got, 1);
	assert_int_equal(mux->tx_got[0].io_or_offset, TX_DMA_IO);
	assert_int_equal(mux->tx_got[0].flags, SDVF_NET_TX_ERROR);
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
	assert_int_equal(mux->ntx_got, 0);
	assert_int_equal(nic_counter("tx_link_down"), 0);
	assert_int_equal(drv->tx_tail - drv->tx_head, 0);
	assert_true(drv_counter("tx_held_link_down") >= 1);
	assert_buffers_conserved();
	enet_model_set_link(nic, true);
	sdvf_sim_advance(sim, POLL_NS);
	assert_int_equal(drv_counter("link_up"), 1);
	for (uint32_t i = 0; i < 3; i++)
		expect_on_wire(i, 80);
	expect_wire_empty();
	assert_int_equal(mux->ntx_got, 3);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(mux->tx_got[i].io_or_offset,
				 TX_DMA_IO + i * BUF_BYTES);
	assert_int_equal(drv_counter("link_changes"), 3); /* up, down, up */
	assert_int_equal(nic_counter("tx_link_down"), 0);
	assert_buffers_conserved();
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
		T(corrupt_rx_bd_raises_eberr_and_driver_resets_keeping_buffers),
		T(corrupt_tx_bd_raises_eberr_and_frame_returns_as_tx_error),
		T(link_down_holds_tx_and_link_up_releases_in_order),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
