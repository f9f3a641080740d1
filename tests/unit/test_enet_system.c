/*
 * The whole ENET data path in the sim runtime: the real `enet_driver`
 * drives the real `enet_model`, whose wire is `mem` (the test injects
 * received frames and takes transmitted ones), and the real RX and TX muxes
 * share it among three clients of tests/fixtures/enet-mux-mem.dts:
 *   a  copy RX, copy TX     a test client on clients/net_client
 *   b  remap RX, remap TX   the same test client
 *   r  copy RX, remap TX    raw_responder (10.0.0.12)
 * The test clients (tests/unit/net_test_client.h) log every frame they
 * receive (bytes copied out), give each back at once, and send what the
 * test asks.
 *
 * Every test checks buffer conservation at the end (the teardown makes
 * sure): each RX DMA buffer is held by exactly one party (the driver, one
 * of its queues, or a remap client), each TX pool buffer by the TX mux or
 * the driver side, each client's buffers where the muxes' counters say.
 * Checks of the driver's own queues (buffers outside its windows, in a
 * window of the wrong direction) are tests/unit/test_enet_driver_rx.c's
 * and _tx.c's.  The last test only loads the enet systems this repository
 * ships and compares the driver's DMA windows with the model's maps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "driver/enet/enet_regs.h"
#include "tests/unit/enet_mux_fixture.h"

#define RINGS_IO 0x40000000u
#define RX_SLOTS 8u
#define TX_SLOTS 8u
#define POLL_NS 500000000ull
#define OUTSIDE_IO 0x30000000u	   /* in no DMA window */
#define ECR_FIXED_BITS 0x70000000u /* ECR bits 30:28 read as one */

static const uint8_t r_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0c};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* A driver counter, as `sdvf stats` shows it; a name the driver does not
 * publish fails the test. */
static uint64_t drv_counter(const char *name)
{
	return pd_counter("drv", name);
}

/* A model counter, as `sdvf stats` shows it. */
static uint64_t nic_counter(const char *name)
{
	return pd_counter("nic", name);
}

static uint32_t reg(uint32_t off)
{
	return page[off / 4];
}

/* ---- frames ----------------------------------------------------------- */

static void inject(size_t len, uint8_t seed)
{
	inject_to(a_mac, len, seed);
}

/* Client c sends n frames of `len` bytes, seeds first.. */
static void queue_tx(const char *pd, struct net_test_client *c, uint32_t first,
		     uint32_t n, uint16_t len)
{
	for (uint32_t i = 0; i < n; i++) {
		c->send_len[c->nsend] = len;
		c->send_seed[c->nsend++] = (uint8_t)(first + i);
	}
	sdvf_sim_inject(sim, pd, "tx");
}

static void send_tx(uint32_t first, uint32_t n, uint16_t len)
{
	queue_tx("a", ca, first, n, len);
	run();
}

/* Take the next frame off the wire and check it is `src`'s frame `seed`. */
static void expect_on_wire_from(const uint8_t *src, uint8_t seed, uint16_t len)
{
	uint8_t got[WIRE_MAX_FRAME], want[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), len);
	net_test_frame(want, len, seed, net_test_peer_mac, src);
	assert_memory_equal(got, want, len);
}

static void expect_on_wire(uint32_t seed, uint16_t len)
{
	expect_on_wire_from(a_mac, (uint8_t)seed, len);
}

static void expect_wire_empty(void)
{
	uint8_t got[WIRE_MAX_FRAME];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 0);
}

static void expect_rx(uint32_t i, size_t len, uint8_t seed)
{
	expect_rx_at(ca, i, a_mac, len, seed);
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
	assert_int_equal(drv_counter("link_up"), 1);
	assert_int_equal(drv_counter("phy_absent"), 0);
	if (enet_test_qemu()) {
		/* QEMU's PHY is 10/100: the driver's first guess, 100 full
		 * duplex, stands; ECR reads back as written; RCR keeps only
		 * MAX_FL and its low six bits (no RGMII_EN; no CRCFWD, so the
		 * driver takes the FCS off itself). */
		assert_int_equal(drv_counter("speed_mbps"), 100);
		assert_int_equal(drv_counter("link_restarts"), 0);
		assert_int_equal(reg(ENET_ECR),
				 ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
		assert_int_equal(reg(ENET_RCR), 1522u << 16 |
							ENET_RCR_MII_MODE |
							ENET_RCR_PROM);
	} else {
		/* The model's PHY is gigabit: the first poll restarted at
		 * 1000. */
		assert_int_equal(drv_counter("speed_mbps"), 1000);
		assert_int_equal(drv_counter("link_restarts"), 1);
		assert_int_equal(reg(ENET_ECR),
				 ECR_FIXED_BITS | ENET_ECR_ETHEREN |
					 ENET_ECR_DBSWP | ENET_ECR_SPEED);
		/* CRCFWD set: the MAC strips the FCS (rx_fcs 0). */
		assert_int_equal(reg(ENET_RCR),
				 1522u << 16 | ENET_RCR_MII_MODE |
					 ENET_RCR_PROM | ENET_RCR_CRCFWD |
					 ENET_RCR_RGMII_EN);
	}
	assert_int_equal(reg(ENET_TCR), ENET_TCR_FDEN);
	assert_int_equal(reg(ENET_MRBR), 1536);
	assert_int_equal(reg(ENET_RDSR), RINGS_IO);
	assert_int_equal(reg(ENET_TDSR), RINGS_IO + RX_SLOTS * 8u);
	assert_int_equal(reg(ENET_PALR), 0x02000000u);
	assert_int_equal(reg(ENET_PAUR), 0x00018808u);
	assert_int_equal(reg(ENET_EIMR), ENET_INT_TXF | ENET_INT_RXF |
						 ENET_INT_EBERR | ENET_INT_MII);
	assert_int_equal(reg(ENET_MSCR), 13u << 1);
	/* init and the 1000 restart stop the MAC with ECR = 0 (reset_mode
	 * ecr-zero): the restart has DMA in flight, which ECR.RESET would
	 * turn into a bus hang on the silicon model */
	assert_int_equal(nic_counter("resets"), 0);
	assert_int_equal(nic_counter("bus_hangs"), 0);
	assert_int_equal(nic_counter("eberr"), 0);
	assert_int_equal(nic_counter("mmio_unknown"), 0);
	assert_int_equal(nic_counter("mmio_bad_index"), 0);
	assert_int_equal(enet_driver_view(drv).mmio_timeouts, 0);
	/* The RX mux gave the driver every DMA buffer: 8 in BDs. */
	assert_int_equal(enet_driver_view(drv).rx_posted, RX_SLOTS);
	assert_buffers_conserved();
}

/* ---- receive --------------------------------------------------------- */

static void rx_frames_arrive_byte_exact_in_order_across_ring_wrap(void **unused)
{
	(void)unused;
	/* 12 to the copy client, 12 to the remap one: three ring laps. */
	for (uint32_t i = 0; i < 12; i++)
		inject(60 + i * 100, (uint8_t)i);
	for (uint32_t i = 0; i < 12; i++)
		inject_to(b_mac, 60 + i * 100, (uint8_t)(100 + i));
	assert_int_equal(ca->nrx, 12);
	assert_int_equal(cb->nrx, 12);
	for (uint32_t i = 0; i < 12; i++) {
		expect_rx(i, 60 + i * 100, (uint8_t)i);
		assert_true(ca->rx[i].offset < CLIENT_BUFS * BUF_BYTES);
		expect_rx_at(cb, i, b_mac, 60 + i * 100, (uint8_t)(100 + i));
		/* remap: the DMA buffer itself, by its offset in rx_dma */
		assert_true(cb->rx[i].offset < RX_DMA_BUFS * BUF_BYTES);
	}
	assert_int_equal(drv_counter("rx_frames"), 24);
	assert_int_equal(nic_counter("rx_frames"), 24);
	assert_int_equal(pd_counter("rxm", "c0.rx_frames"), 12);
	assert_int_equal(pd_counter("rxm", "c1.rx_frames"), 12);
	assert_int_equal(pd_counter("r", "rx_frames"), 0);
	assert_buffers_conserved();
}

static void broadcast_reaches_every_client_byte_exact(void **unused)
{
	(void)unused;
	inject_to(bcast, 300, 7);
	assert_int_equal(ca->nrx, 1);
	assert_int_equal(cb->nrx, 1);
	expect_rx_at(ca, 0, bcast, 300, 7);
	expect_rx_at(cb, 0, bcast, 300, 7);
	/* The responder takes only ARP from a broadcast. */
	assert_int_equal(pd_counter("r", "rx_frames"), 1);
	assert_int_equal(pd_counter("r", "drop.ethertype"), 1);
	expect_wire_empty();
	assert_buffers_conserved();
}

static void
rx_burst_larger_than_ring_arrives_whole_as_buffers_return(void **unused)
{
	(void)unused;
	/* 12 at once: 8 fill the ring, the rest wait in the model's FIFO
	 * until buffers come back through the muxes. */
	for (uint32_t i = 0; i < 12; i++) {
		uint8_t f[WIRE_MAX_FRAME];
		size_t n = net_test_frame(f, 64, (uint8_t)i, a_mac,
					  net_test_peer_mac);
		assert_int_equal(wire_mem_inject(wire, f, n), 0);
	}
	run();
	assert_int_equal(ca->nrx, 12);
	for (uint32_t i = 0; i < 12; i++)
		expect_rx(i, 64, (uint8_t)i);
	assert_int_equal(nic_counter("rx_fifo_overflow"), 0);
	assert_buffers_conserved();
}

static void rx_giant_is_counted_as_long_and_its_buffers_recycled(void **unused)
{
	(void)unused;
	inject(1530, 1); /* 1534 with FCS > MAX_FL 1522; fits one buffer */
	inject(1600, 2); /* spans two buffers: 1536 + 64 */
	assert_int_equal(ca->nrx, 0);
	assert_int_equal(nic_counter("rx_long"), 2);
	assert_int_equal(drv_counter("rx_err_lg"), 2);
	assert_int_equal(drv_counter("rx_err_not_last"), 1);
	assert_int_equal(drv_counter("rx_frames"), 0);
	assert_int_equal(pd_counter("rxm", "rx_frames"), 0);
	/* All three buffers went back to the MAC: the ring is full again. */
	assert_int_equal(enet_driver_view(drv).rx_posted, RX_SLOTS);
	inject(100, 3);
	assert_int_equal(ca->nrx, 1);
	expect_rx(0, 100, 3);
	assert_buffers_conserved();
}

/* Silicon strips the FCS (the driver sets RCR.CRCFWD); QEMU cannot, so the
 * MAC writes it into the buffer and counts it in the BD length, and the
 * driver takes it off: either way the client gets the frame as it was on
 * the wire. */
static void rx_fcs_is_stripped_by_the_mac_or_by_the_driver(void **unused)
{
	(void)unused;
	inject(100, 1);
	assert_int_equal(ca->nrx, 1);
	expect_rx(0, 100, 1);
	assert_int_equal(drv_counter("rx_bytes"), 100);
	assert_int_equal(nic_counter("rx_bytes"), enet_test_qemu() ? 104 : 100);
	assert_buffers_conserved();
}

/* Silicon drops a runt itself and pads a short frame to 60; QEMU passes
 * on any length unpadded, so the driver must refuse what cannot hold an
 * Ethernet header and its FCS. */
static void rx_runt_is_counted_and_never_delivered(void **unused)
{
	(void)unused;
	inject(13, 1);
	inject(1, 2);
	if (enet_test_qemu()) {
		assert_int_equal(nic_counter("rx_runts"), 0);
		assert_int_equal(nic_counter("rx_frames"), 2);
		assert_int_equal(drv_counter("rx_err_short"), 2);
	} else {
		assert_int_equal(nic_counter("rx_runts"), 2);
		assert_int_equal(nic_counter("rx_frames"), 0);
		assert_int_equal(drv_counter("rx_err_short"), 0);
	}
	assert_int_equal(ca->nrx, 0);
	assert_int_equal(drv_counter("rx_frames"), 0);
	assert_int_equal(drv_counter("rx_err_len"), 0);
	/* The two buffers went back to the MAC: the ring is full again. */
	assert_int_equal(enet_driver_view(drv).rx_posted, RX_SLOTS);
	inject(14, 3); /* the shortest header: padded to 60 by silicon */
	assert_int_equal(ca->nrx, 1);
	assert_int_equal(ca->rx[0].len, enet_test_qemu() ? 14 : 60);
	assert_int_equal(nic_counter("rx_padded"), enet_test_qemu() ? 0 : 1);
	assert_buffers_conserved();
}

/* The wire's own counts are published beside the model's, so `sdvf stats`
 * shows what crossed the cable, including what the wire itself refused. */
static void wire_counters_show_what_crossed_the_cable(void **unused)
{
	(void)unused;
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
	/* QEMU writes the runt to a BD too; the driver refuses it. */
	assert_int_equal(nic_counter("rx_frames"), enet_test_qemu() ? 2 : 1);
	assert_int_equal(nic_counter("rx_runts"), enet_test_qemu() ? 0 : 1);
	assert_int_equal(drv_counter("rx_frames"), 1);
	assert_buffers_conserved();
}

/* ---- transmit -------------------------------------------------------- */

static void tx_frames_leave_byte_exact_in_order_across_ring_wrap(void **unused)
{
	(void)unused;
	for (uint32_t round = 0; round < 3; round++) {
		uint16_t len = (uint16_t)(60 + round * 500);
		send_tx(round * 5, 5, len);
		for (uint32_t i = 0; i < 5; i++)
			expect_on_wire(round * 5 + i, len);
		queue_tx("b", cb, 50 + round * 5, 5, len);
		run();
		for (uint32_t i = 0; i < 5; i++)
			expect_on_wire_from(b_mac,
					    (uint8_t)(50 + round * 5 + i), len);
	}
	expect_wire_empty();
	/* 30 frames through an 8-BD ring: every buffer back, unflagged. */
	assert_int_equal(ca->ndone, 15);
	assert_int_equal(cb->ndone, 15);
	for (uint32_t i = 0; i < 15; i++) {
		assert_int_equal(ca->done[i].flags, 0);
		assert_int_equal(cb->done[i].flags, 0);
		/* remap: completions in the order sent */
		assert_int_equal(cb->done[i].offset, cb->sent[i]);
	}
	assert_int_equal(drv_counter("tx_frames"), 30);
	assert_int_equal(nic_counter("tx_frames"), 30);
	assert_int_equal(pd_counter("txm", "c0.tx_frames"), 15);
	assert_int_equal(pd_counter("txm", "c1.tx_frames"), 15);
	assert_buffers_conserved();
}

static void tx_burst_beyond_ring_waits_in_queue_and_all_leave(void **unused)
{
	(void)unused;
	send_tx(0, 12, 200);
	for (uint32_t i = 0; i < 12; i++)
		expect_on_wire(i, 200);
	expect_wire_empty();
	assert_int_equal(ca->ndone, 12);
	assert_buffers_conserved();
}

static void tx_batch_is_one_tdar_write(void **unused)
{
	(void)unused;
	uint64_t tdar = nic_counter("tdar_writes");
	send_tx(0, 5, 100);
	/* The client's five went to the mux, the mux's five to the driver,
	 * the driver's five into BDs, each in one batch: one kick. */
	assert_int_equal(nic_counter("tdar_writes") - tdar, 1);
	assert_int_equal(pd_counter("txm", "batch_max"), 5);
	for (uint32_t i = 0; i < 5; i++)
		expect_on_wire(i, 100);
	assert_int_equal(ca->ndone, 5);
	assert_buffers_conserved();
}

/* ---- bad addresses ----------------------------------------------------- */

/* A client's descriptor naming no buffer of its own never reaches the
 * driver: the TX mux sends it back REJECTED, and net_client, which never
 * sent that offset, counts it instead of trusting it. */
static void
client_offset_outside_its_buffers_never_reaches_the_wire(void **unused)
{
	(void)unused;
	ca->raw[ca->nraw++] = (struct sdvf_desc){
		.io_or_offset = CLIENT_BUFS * BUF_BYTES, .len = 100};
	ca->raw[ca->nraw++] =
		(struct sdvf_desc){.io_or_offset = 100, .len = 100};
	cb->raw[cb->nraw++] = (struct sdvf_desc){
		.io_or_offset = (uint64_t)OUTSIDE_IO, .len = 100};
	sdvf_sim_inject(sim, "a", "tx");
	sdvf_sim_inject(sim, "b", "tx");
	run();
	expect_wire_empty();
	assert_int_equal(pd_counter("txm", "c0.rej_out_of_range"), 1);
	assert_int_equal(pd_counter("txm", "c0.rej_misaligned"), 1);
	assert_int_equal(pd_counter("txm", "c1.rej_out_of_range"), 1);
	assert_int_equal(pd_counter("a", "net.tx_bad"), 2);
	assert_int_equal(pd_counter("b", "net.tx_bad"), 1);
	assert_int_equal(drv_counter("tx_bad_buffer"), 0);
	assert_int_equal(nic_counter("eberr"), 0);
	/* Both clients still send. */
	send_tx(0, 1, 100);
	expect_on_wire(0, 100);
	assert_buffers_conserved();
}

static void
corrupt_rx_bd_raises_eberr_and_driver_resets_keeping_buffers(void **unused)
{
	(void)unused;
	inject(100, 0);
	assert_int_equal(ca->nrx, 1);
	/* Something scribbles on the next BD the MAC owns. */
	rx_bd(1)->addr = OUTSIDE_IO;
	inject(100, 1);
	assert_int_equal(nic_counter("eberr"), 1);
	assert_int_equal(drv_counter("eberr_resets"), 1);
	assert_int_equal(ca->nrx, 1); /* the frame was lost */
	/* The driver re-posted its own copies of the addresses. */
	assert_int_equal(enet_driver_view(drv).rx_posted, RX_SLOTS);
	for (uint32_t i = 0; i < RX_SLOTS; i++) {
		uint64_t addr = rx_bd(i)->addr;
		assert_true(addr >= RX_DMA_IO &&
			    addr < RX_DMA_IO + RX_DMA_BUFS * BUF_BYTES);
	}
	assert_buffers_conserved();
	inject(100, 2);
	assert_int_equal(ca->nrx, 2);
	expect_rx(1, 100, 2);
	assert_int_equal(reg(ENET_ECR) & ENET_ECR_ETHEREN, ENET_ECR_ETHEREN);
	assert_buffers_conserved();
}

/* Through the remap client, whose own buffer is at the device: the
 * completion reaches it flagged TX_ERROR. */
static void
corrupt_tx_bd_raises_eberr_and_frame_returns_as_tx_error(void **unused)
{
	(void)unused;
	queue_tx("b", cb, 0, 1, 100);
	/* Step until the driver has posted the BD, before the model reads
	 * it on the doorbell. */
	for (int i = 0; i < 100 && enet_driver_view(drv).tx_posted == 0; i++)
		assert_true(sdvf_sim_step(sim));
	assert_int_equal(enet_driver_view(drv).tx_posted, 1);
	assert_int_equal(tx_bd(0)->addr, B_TXD_IO + cb->sent[0]);
	tx_bd(0)->addr = OUTSIDE_IO;
	run();
	assert_int_equal(nic_counter("eberr"), 1);
	assert_int_equal(drv_counter("eberr_resets"), 1);
	assert_int_equal(drv_counter("tx_reset_errors"), 1);
	expect_wire_empty();
	assert_int_equal(cb->ndone, 1);
	assert_int_equal(cb->done[0].offset, cb->sent[0]);
	assert_int_equal(cb->done[0].flags, SDVF_NET_TX_ERROR);
	assert_int_equal(pd_counter("b", "net.tx_error"), 1);
	assert_int_equal(pd_counter("txm", "c1.tx_errors"), 1);
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
	assert_int_equal(ca->ndone, 3); /* copy: back once copied */
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
	assert_int_equal(pd_counter("txm", "c0.tx_frames"), 3);
	assert_int_equal(drv_counter("link_changes"), 3); /* up, down, up */
	assert_int_equal(nic_counter("tx_link_down"), 0);
	assert_buffers_conserved();
}

/* The model's PHY answers at MDIO address 1 and the driver looks at 0,
 * where nobody drives the bus: every read is all ones (on silicon and on
 * QEMU).  That is no PHY and no link, not a 1000 Mb/s full-duplex link. */
static int boot_phy_elsewhere(void **state)
{
	nic_extra = "phy_addr = <1>;";
	boot_expects_link = 0;
	int err = boot(state);
	nic_extra = "";
	boot_expects_link = 1;
	return err;
}

static void phy_reading_all_ones_is_no_phy_and_link_down(void **unused)
{
	(void)unused;
	assert_int_equal(drv_counter("link_up"), 0);
	assert_int_equal(drv_counter("speed_mbps"), 0);
	assert_int_equal(drv_counter("link_restarts"), 0);
	assert_int_equal(drv_counter("phy_absent"), 1);
	assert_true(nic_counter("mdio_absent_phy") >= 2); /* PHYSID1/2 */
	/* TX is held, not sent into a link that is not there. */
	send_tx(0, 2, 100);
	expect_wire_empty();
	assert_int_equal(enet_driver_view(drv).tx_posted, 0);
	assert_true(drv_counter("tx_held_link_down") >= 1);
	/* Every poll looks again, and counts again. */
	sdvf_sim_advance(sim, POLL_NS);
	assert_int_equal(drv_counter("phy_absent"), 2);
	assert_int_equal(drv_counter("link_up"), 0);
	assert_int_equal(drv_counter("link_changes"), 0);
	assert_buffers_conserved();
}

/* ---- the responder, a mixed client ------------------------------------- */

/* An ARP request for 10.0.0.12 reaches the responder through the RX mux
 * (copy) and its reply leaves from its own buffer (remap). */
static void responder_behind_the_muxes_answers_arp(void **unused)
{
	(void)unused;
	static const uint8_t peer_ip[4] = {10, 0, 0, 1},
			     r_ip[4] = {10, 0, 0, 12};
	uint8_t req[60] = {0}, got[WIRE_MAX_FRAME];
	memcpy(req, bcast, 6);
	memcpy(req + 6, net_test_peer_mac, 6);
	req[12] = 0x08, req[13] = 0x06;
	uint8_t *a = req + 14;
	a[1] = 1, a[2] = 0x08, a[4] = 6, a[5] = 4, a[7] = 1;
	memcpy(a + 8, net_test_peer_mac, 6);
	memcpy(a + 14, peer_ip, 4);
	memcpy(a + 24, r_ip, 4);
	assert_int_equal(wire_mem_inject(wire, req, sizeof(req)), 0);
	run();
	/* 42 bytes: silicon pads them to 60, QEMU sends them as they are. */
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)),
			 enet_test_qemu() ? 42 : 60);
	assert_memory_equal(got, net_test_peer_mac, 6);
	assert_memory_equal(got + 6, r_mac, 6);
	assert_int_equal(got[12] << 8 | got[13], 0x0806);
	assert_int_equal(got[14 + 7], 2); /* a reply */
	assert_memory_equal(got + 14 + 8, r_mac, 6);
	assert_memory_equal(got + 14 + 14, r_ip, 4);
	assert_memory_equal(got + 14 + 18, net_test_peer_mac, 6);
	assert_memory_equal(got + 14 + 24, peer_ip, 4);
	expect_wire_empty();
	assert_int_equal(pd_counter("r", "arp_replies"), 1);
	assert_int_equal(pd_counter("r", "tx_done"), 1);
	assert_int_equal(pd_counter("txm", "c2.tx_frames"), 1);
	/* The test clients saw the broadcast too. */
	assert_int_equal(ca->nrx, 1);
	assert_int_equal(cb->nrx, 1);
	assert_buffers_conserved();
}

/* ---- a client restarts ------------------------------------------------ */

/* The remap client dies with frames of its own at the driver: the muxes
 * take back what it held, its frames still leave, and it comes back with
 * every buffer; the copy client loses nothing meanwhile. */
static void remap_client_restart_costs_the_others_nothing(void **unused)
{
	(void)unused;
	queue_tx("b", cb, 0, 3, 100);
	for (int i = 0; i < 100 && enet_driver_view(drv).tx_posted < 3; i++)
		assert_true(sdvf_sim_step(sim));
	assert_int_equal(enet_driver_view(drv).tx_posted, 3);
	assert_int_equal(sdvf_sim_restart(sim, "b"), 0);
	assert_int_equal(sdvf_sim_peer_restarts(sim, "rxm"), 1);
	assert_int_equal(sdvf_sim_peer_restarts(sim, "txm"), 1);
	run();
	/* Its three frames were already the device's: they leave. */
	for (uint32_t i = 0; i < 3; i++)
		expect_on_wire_from(b_mac, (uint8_t)i, 100);
	expect_wire_empty();
	/* The new instance owns every TX buffer and none comes back to it. */
	assert_int_equal(net_client_tx_idle(&cb->nc), CLIENT_BUFS);
	assert_int_equal(cb->ndone, 0);
	assert_int_equal(pd_counter("b", "net.tx_bad"), 0);
	assert_int_equal(pd_counter("txm", "c1.in_flight"), 0);
	/* Both clients work as before. */
	inject_to(b_mac, 200, 9);
	expect_rx_at(cb, 0, b_mac, 200, 9);
	inject(100, 1);
	expect_rx(0, 100, 1);
	queue_tx("b", cb, 10, 1, 80);
	run();
	expect_on_wire_from(b_mac, 10, 80);
	send_tx(20, 1, 80);
	expect_on_wire(20, 80);
	assert_buffers_conserved();
}

/* The responder restarts: the RX and TX muxes reset its queues and it
 * answers again at once. */
static void responder_restart_answers_again(void **unused)
{
	(void)unused;
	assert_int_equal(sdvf_sim_restart(sim, "r"), 0);
	run();
	responder_behind_the_muxes_answers_arp(unused);
	assert_int_equal(pd_counter("r", "net.rx_bad"), 0);
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
	static const char *const systems[] = {"examples/enet-tap.dts",
					      "examples/enet-udp.dts", SYSTEM,
					      "tests/fixtures/enet-bench.dts"};
	const struct sdvf_component *const *all = table;
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
		T(broadcast_reaches_every_client_byte_exact),
		T(rx_burst_larger_than_ring_arrives_whole_as_buffers_return),
		T(rx_giant_is_counted_as_long_and_its_buffers_recycled),
		T(rx_fcs_is_stripped_by_the_mac_or_by_the_driver),
		T(rx_runt_is_counted_and_never_delivered),
		T(wire_counters_show_what_crossed_the_cable),
		T(tx_frames_leave_byte_exact_in_order_across_ring_wrap),
		T(tx_burst_beyond_ring_waits_in_queue_and_all_leave),
		T(tx_batch_is_one_tdar_write),
		T(client_offset_outside_its_buffers_never_reaches_the_wire),
		T(corrupt_rx_bd_raises_eberr_and_driver_resets_keeping_buffers),
		T(corrupt_tx_bd_raises_eberr_and_frame_returns_as_tx_error),
		T(link_down_holds_tx_and_link_up_releases_in_order),
		cmocka_unit_test_setup_teardown(
			phy_reading_all_ones_is_no_phy_and_link_down,
			boot_phy_elsewhere, shutdown),
		T(responder_behind_the_muxes_answers_arp),
		T(remap_client_restart_costs_the_others_nothing),
		T(responder_restart_answers_again),
#undef T
		cmocka_unit_test(
			driver_windows_match_model_maps_in_shipped_systems),
	};
	return ENET_RUN_BOTH_PERSONALITIES(tests);
}
