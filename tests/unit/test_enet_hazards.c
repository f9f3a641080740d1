/*
 * Silicon hazards of the ENET model and the driver's answers to them
 * (driver/enet/model/enet_model_hazard.c, driver/enet/enet_driver_reset.c;
 * docs/enet.md, "Silicon hazards"): the real driver drives the real model
 * on wire `mem` in the sim, and the ENET fixture (tests/unit/enet_fixture.h)
 * stands where the muxes stand.  Each driver fix has a test here that fails
 * without it; each hazard a test that shows what the model does.  Every
 * test ends with the fixture's buffer conservation check.  The hazards
 * are silicon's; the driver's answers that need no hazard to show run
 * again with the model as QEMU's i.MX7 ENET (group qemu-imx7).
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
#define US 1000ull
#define POLL_NS 500000000ull /* the driver's link_poll_ms */
#define RX_IO 0x10000000u
#define OUTSIDE_IO 0x30000000u
#define WARMUP 1u /* TX frames load() sends */

static uint32_t next_tx;

static void queue_one(void);
static uint32_t wire_frames(void);

/* The model's register page, as the driver reads it: TDAR with the late
 * clear the model published applied (enet_mmio.h), without the wait. */
static uint32_t reg(uint32_t offset)
{
	if (offset == ENET_TDAR)
		return enet_posted_tdar(&drv->mmio);
	return drv->mmio.regs[offset / 4];
}

/* Load the system; 0 if every PD started.  The driver's first PHY read,
 * at init, brings the link up and restarts the MAC at 1000 Mb/s; then 8
 * RX buffers go in (RX DMA active, room left in the ring) and one frame
 * goes out (as in test_enet_coalesce: the fixture's first tx_free
 * request is used up).  TX coalescing is on (4 frames or 100 us). */
static int load_with(const char *model_keys, const char *dma0_io,
		     const char *driver_keys)
{
	char keys[512];
	snprintf(keys, sizeof(keys),
		 "tx_coalesce_frames = <4>; tx_coalesce_us = <100>; %s",
		 driver_keys);
	char *text =
		enet_test_dts(enet_system_dts(model_keys, dma0_io, keys), "");
	assert_non_null(text);
	int err = enet_system_load("test_enet_hazards", text);
	free(text);
	if (err != 0)
		return -1;
	next_tx = 0;
	enet_fixture_provide_rx(fx, 0, 8);
	sdvf_sim_run(sim, RUN_STEPS);
	sdvf_sim_advance(sim, POLL_NS);
	queue_one();
	sdvf_sim_advance(sim, 1 * US);
	(void)wire_frames();
	return 0;
}

static int load(const char *driver_keys)
{
	return load_with("", "0x10000000", driver_keys);
}

static int boot(void **unused)
{
	(void)unused;
	assert_int_equal(load(""), 0);
	return 0;
}

/* A TX mux with buffers to spare: it does not wait for completions, so
 * the driver leaves TXIC on (4 frames or 100 us). */
static void mux_stops_waiting(void)
{
	sdvf_queue_consumer_cancel_signal(&fx->tx.back);
}

/* Queue one 60-byte broadcast frame and run to idle. */
static void queue_one(void)
{
	uint8_t *f = enet_fixture_tx_frame(fx, next_tx);
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	f[14] = (uint8_t)next_tx;
	assert_int_equal(enet_fixture_queue_tx(fx, next_tx++, 1, 60), 1);
	sdvf_sim_run(sim, RUN_STEPS);
}

/* Frames on the wire now (taken off it). */
static uint32_t wire_frames(void)
{
	uint8_t got[WIRE_MAX_FRAME];
	uint32_t n = 0;
	while (wire_mem_take(wire, got, sizeof(got)) > 0)
		n++;
	return n;
}

/* A clause-22 write to the model's PHY (address 0) from the test, through
 * the driver's posted ring, applied at once. */
static void phy_write(uint32_t reg_addr, uint16_t value)
{
	enet_writel(&drv->mmio, ENET_MMFR,
		    ENET_MMFR_ST | ENET_MMFR_OP_WRITE | ENET_MMFR_TA |
			    (reg_addr << ENET_MMFR_RA_SHIFT) | value);
	sdvf_sim_inject(sim, "nic", "mmio");
	sdvf_sim_run(sim, RUN_STEPS);
}

/* A register write from the test (a previous owner of the ENET). */
static void poke(uint32_t offset, uint32_t value)
{
	enet_writel(&drv->mmio, offset, value);
	sdvf_sim_inject(sim, "nic", "mmio");
	sdvf_sim_run(sim, RUN_STEPS);
}

/* ---- ERR006358: a lost TDAR write ---------------------------------- */

/* An i.MX6Q-like part: ERR006358 without ERR007885, and the driver for
 * the older parts (reset_mode ecr-reset: no TDAR read before a write). */
static int boot_older_part(void **unused)
{
	(void)unused;
	assert_int_equal(load_with("hazard_err007885 = <0>;", "0x10000000",
				   "reset_mode = \"ecr-reset\";"),
			 0);
	return 0;
}

static void
a_frame_queued_as_the_tx_dma_goes_idle_leaves_on_the_next_irq(void **unused)
{
	(void)unused;
	mux_stops_waiting();
	queue_one();
	assert_int_equal(wire_frames(), 1);
	/* The DMA went idle after that frame; its late TDAR clear swallows
	 * the kick of a frame queued at once. */
	queue_one();
	assert_int_equal(counter("nic", "tdar_late_kicks"), 1);
	assert_int_equal(wire_frames(), 0);
	assert_int_equal(reg(ENET_TDAR), 0);
	/* The coalesced TX interrupt (100 us) reaps the first; the driver
	 * sees the second still the MAC's with TDAR 0 and kicks again.
	 * Without that it sits until the next frame is queued. */
	sdvf_sim_advance(sim, 200 * US);
	assert_int_equal(counter("drv", "tdar_rekicks"), 1);
	assert_int_equal(wire_frames(), 1);
	sdvf_sim_advance(sim, 200 * US);
	assert_int_equal(counter("drv", "tx_frames"), WARMUP + 2);
	assert_int_equal(fx->tx.returned, WARMUP + 2);
}

static void a_frame_queued_after_the_late_clear_is_sent_at_once(void **unused)
{
	(void)unused;
	mux_stops_waiting();
	queue_one();
	sdvf_sim_advance(sim, 1 * US); /* the late clear lands */
	assert_int_equal(reg(ENET_TDAR), 0);
	queue_one();
	assert_int_equal(wire_frames(), 2);
	assert_int_equal(counter("nic", "tdar_late_kicks"), 0);
	assert_int_equal(counter("drv", "tdar_rekicks"), 0);
}

/* The 1 us needs no timer: the model publishes when TDAR clears, the
 * driver's read applies it, the page keeps TDAR set until the model's next
 * batch lands it (so the model is not woken for it). */
static void the_late_clear_is_read_clear_without_waking_the_model(void **unused)
{
	(void)unused;
	mux_stops_waiting();
	queue_one();
	assert_int_equal(wire_frames(), 1);
	uint64_t activations = sdvf_sim_activations(sim, "nic");
	assert_int_not_equal(reg(ENET_TDAR), 0); /* within the 1 us */
	sdvf_sim_advance(sim, 1 * US);
	assert_int_equal(reg(ENET_TDAR), 0);
	assert_int_not_equal(drv->mmio.regs[ENET_TDAR / 4], 0);
	assert_int_equal(sdvf_sim_activations(sim, "nic"), activations);
	queue_one(); /* its batch lands the clear, then takes the kick */
	assert_int_equal(wire_frames(), 1);
	assert_int_equal(counter("nic", "tdar_late_kicks"), 0);
}

/* ---- ERR007885: a TDAR write as the uDMA clears TDAR ------------------ */

static void a_tdar_write_as_the_tx_dma_clears_tdar_hangs_tx(void **unused)
{
	(void)unused;
	/* the driver for the older parts writes TDAR without reading it */
	assert_int_equal(load("reset_mode = \"ecr-reset\";"), 0);
	mux_stops_waiting();
	queue_one();
	assert_int_equal(wire_frames(), 1);
	queue_one(); /* its kick lands in the late clear */
	assert_int_equal(counter("nic", "tdar_busy_writes"), 1);
	assert_int_equal(counter("nic", "tx_dma_hangs"), 1);
	assert_int_equal(counter("nic", "tx_hung"), 1);
	assert_int_equal(reg(ENET_TDAR), ENET_TDAR_ACTIVE);
	/* TDAR reads set for good: no re-kick, nothing leaves */
	sdvf_sim_advance(sim, 200 * US);
	queue_one();
	sdvf_sim_advance(sim, 200 * US);
	assert_int_equal(wire_frames(), 0);
	assert_int_equal(counter("drv", "tdar_rekicks"), 0);
	assert_int_equal(counter("nic", "tx_dma_hangs"), 1);
	assert_int_equal(enet_fixture_conservation_errors(fx, drv), 0);
	/* only stopping the MAC frees the TX DMA */
	poke(ENET_ECR, 0);
	assert_int_equal(counter("nic", "tx_hung"), 0);
	assert_int_equal(reg(ENET_TDAR), 0);
	enet_system_unload();
}

/* A TX DMA hung by anything (here ERR007885 through the older parts'
 * driver, which writes TDAR without reading it; the reset hazard off so
 * its ECR.RESET is survivable) is freed by the TX watchdog: once the
 * oldest frame has been the MAC's for tx_timeout_ms with the link up, the
 * link timer restarts the controller; the frames in the ring go back with
 * TX_ERROR and the next one leaves. */
static void a_hung_tx_dma_is_restarted_by_the_tx_watchdog(void **unused)
{
	(void)unused;
	assert_int_equal(load_with("hazard_reset_hang = <0>;", "0x10000000",
				   "reset_mode = \"ecr-reset\"; "
				   "tx_timeout_ms = <1000>;"),
			 0);
	mux_stops_waiting();
	queue_one();
	queue_one(); /* its kick lands in the late clear: hung */
	assert_int_equal(counter("nic", "tx_hung"), 1);
	assert_int_equal(wire_frames(), 1);
	/* two link polls: not yet a second since the ring last moved */
	sdvf_sim_advance(sim, 2 * POLL_NS - 1 * US);
	assert_int_equal(counter("drv", "tx_timeouts"), 0);
	assert_int_equal(counter("nic", "tx_hung"), 1);
	/* the third poll, past a second: restarted */
	sdvf_sim_advance(sim, POLL_NS);
	assert_int_equal(counter("drv", "tx_timeouts"), 1);
	assert_int_equal(counter("nic", "tx_hung"), 0);
	assert_int_equal(counter("drv", "tx_reset_errors"), 1);
	assert_int_equal(wire_frames(), 0);
	queue_one();
	sdvf_sim_advance(sim, 200 * US);
	assert_int_equal(wire_frames(), 1);
	assert_int_equal(counter("drv", "tx_timeouts"), 1);
	assert_int_equal(enet_fixture_conservation_errors(fx, drv), 0);
	enet_system_unload();
}

static void the_driver_writes_tdar_only_when_it_reads_clear(void **unused)
{
	(void)unused;
	mux_stops_waiting();
	queue_one();
	assert_int_equal(wire_frames(), 1);
	/* TDAR reads set (the late clear): four reads, no write */
	queue_one();
	assert_int_equal(counter("drv", "tdar_skips"), 1);
	assert_int_equal(counter("nic", "tdar_busy_writes"), 0);
	assert_int_equal(counter("nic", "tx_dma_hangs"), 0);
	assert_int_equal(wire_frames(), 0);
	/* the TX interrupt's reap finds it the MAC's, TDAR now 0: kicked */
	sdvf_sim_advance(sim, 200 * US);
	assert_int_equal(counter("drv", "tdar_rekicks"), 1);
	assert_int_equal(wire_frames(), 1);
	/* and a frame after the clear goes at once */
	queue_one();
	assert_int_equal(wire_frames(), 1);
	sdvf_sim_advance(sim, 200 * US);
	assert_int_equal(counter("drv", "tx_frames"), WARMUP + 3);
	assert_int_equal(counter("nic", "tdar_busy_writes"), 0);
	assert_int_equal(counter("nic", "tx_hung"), 0);
}

/* A model the host does not run (its process starved: seen once in
 * vm_attack_guest.sh at host load 27): the driver's TDAR read waits for its
 * posted writes and gives up, and the page it then reads is stale, TDAR 0
 * from before its own last kick.  A second TDAR write made on that answer
 * reaches the model in the same batch as the first, inside the late clear
 * the first one's frames left: ERR007885, the TX DMA hung for good.  A read
 * the model did not answer is no answer: no write; the queued kick sends
 * every frame. */
static void a_tdar_read_the_model_did_not_answer_writes_no_tdar(void **unused)
{
	(void)unused;
	mux_stops_waiting();
	sdvf_sim_advance(sim, 1 * US); /* load()'s late clear lands */
	sdvf_sim_hold(sim, "nic", true);
	queue_one(); /* TDAR reads 0, fresh: the kick is posted */
	queue_one(); /* the read waits for that kick and gives up */
	assert_int_equal(counter("drv", "tdar_unanswered"), 1);
	assert_int_equal(wire_frames(), 0);
	sdvf_sim_hold(sim, "nic", false);
	sdvf_sim_run(sim, RUN_STEPS);
	assert_int_equal(counter("nic", "tx_dma_hangs"), 0);
	assert_int_equal(counter("nic", "tdar_busy_writes"), 0);
	assert_int_equal(wire_frames(), 2);
	sdvf_sim_advance(sim, 200 * US);
	assert_int_equal(counter("drv", "tx_frames"), WARMUP + 2);
	assert_int_equal(counter("nic", "tx_hung"), 0);
	assert_int_equal(enet_fixture_conservation_errors(fx, drv), 0);
}

/* A 1 Mb/s line: a 60-byte frame holds it 672 us, so a kick right after
 * one finds the TX DMA running (paced, TDAR set), not clearing TDAR. */
#define SLOW_LINE "line_rate = <1000000>;"

static void a_tdar_write_while_the_tx_dma_runs_is_harmless(void **unused)
{
	(void)unused;
	assert_int_equal(load_with(SLOW_LINE, "0x10000000",
				   "reset_mode = \"ecr-reset\";"),
			 0);
	mux_stops_waiting();
	/* load()'s frame holds the line: the DMA waits for it, TDAR set */
	assert_int_equal(reg(ENET_TDAR), ENET_TDAR_ACTIVE);
	queue_one();
	queue_one(); /* both kicks written while TDAR is set */
	assert_int_equal(counter("nic", "tdar_busy_writes"), 2);
	assert_int_equal(counter("nic", "tx_dma_hangs"), 0);
	sdvf_sim_advance(sim, 2000 * US);
	assert_int_equal(wire_frames(), 2);
	assert_int_equal(enet_fixture_conservation_errors(fx, drv), 0);
	enet_system_unload();
}

static void
a_running_tx_dma_takes_the_frame_whose_kick_was_skipped(void **unused)
{
	(void)unused;
	assert_int_equal(load_with(SLOW_LINE, "0x10000000", ""), 0);
	mux_stops_waiting();
	assert_int_equal(reg(ENET_TDAR), ENET_TDAR_ACTIVE);
	queue_one();
	queue_one(); /* TDAR reads set both times: no write */
	assert_int_equal(counter("drv", "tdar_skips"), 2);
	assert_int_equal(counter("nic", "tdar_busy_writes"), 0);
	sdvf_sim_advance(sim, 2000 * US);
	assert_int_equal(wire_frames(), 2);
	assert_int_equal(counter("drv", "tdar_rekicks"), 0);
	assert_int_equal(enet_fixture_conservation_errors(fx, drv), 0);
	enet_system_unload();
}

/* ---- controller reset with DMA in flight ----------------------------- */

static void ecr_reset_with_dma_in_flight_hangs_the_bus(void **unused)
{
	(void)unused;
	/* reset_mode ecr-reset: the restart at 1000 Mb/s came before any
	 * RX buffer (no DMA yet); a new speed now sets ECR.RESET while RX
	 * DMA is active. */
	assert_int_equal(load("reset_mode = \"ecr-reset\";"), 0);
	assert_int_equal(counter("nic", "bus_hangs"), 0);
	assert_int_equal(counter("nic", "resets"), 2);
	phy_write(MII_CTRL1000, 0);
	phy_write(MII_ADVERTISE, ADVERTISE_100FULL | 1u);
	sdvf_sim_advance(sim, POLL_NS);
	assert_int_equal(counter("nic", "bus_hangs"), 1);
	assert_int_equal(counter("nic", "bus_hung"), 1);
	assert_int_equal(counter("drv", "reset_timeouts"), 1);
	assert_int_equal(reg(ENET_ECR) & ENET_ECR_ETHEREN, 0);
	poke(ENET_EIMR, 0);
	assert_int_equal(counter("nic", "hung_writes"), 1);
	/* dead: a frame from the wire goes nowhere */
	uint8_t f[60] = {0};
	memset(f, 0xff, 6);
	assert_int_equal(wire_mem_inject(wire, f, sizeof(f)), 0);
	sdvf_sim_run(sim, RUN_STEPS);
	assert_int_equal(counter("nic", "rx_frames"), 0);
	enet_system_unload();
}

static void
restart_with_ecr_zero_reprograms_what_a_previous_owner_left(void **unused)
{
	(void)unused;
	/* reset_mode ecr-zero (the default) already restarted the MAC at
	 * 1000 Mb/s with RX DMA in flight: no hang.  QEMU's 10/100 PHY
	 * came up at 100, so its new speed below is 10. */
	uint32_t first = enet_test_qemu() ? 100 : 1000;
	uint32_t next = enet_test_qemu() ? 10 : 100;
	assert_int_equal(counter("drv", "speed_mbps"), first);
	assert_int_equal(counter("nic", "bus_hangs"), 0);
	assert_int_equal(counter("nic", "resets"), 0);
	/* What another owner (a boot loader, an AVB stack) could leave. */
	poke(ENET_RACC, ENET_RACC_SHIFT16 | ENET_RACC_PADREM);
	poke(ENET_TACC, ENET_TACC_SHIFT16);
	poke(ENET_FTRL, 0x100);
	poke(ENET_RSFL, 0x40);
	poke(ENET_RAEM, 0x10);
	poke(ENET_TAFL, 0x20);
	poke(ENET_RSEM, 0x30);
	poke(ENET_RAFL, 0x11);
	poke(ENET_TSEM, 0x12);
	poke(ENET_TAEM, 0x13);
	poke(ENET_DMA1CFG, 0x10000); /* DMA_CLASS_EN */
	poke(ENET_DMA2CFG, 0x10000);
	poke(ENET_RCMR1, 0x10000); /* MATCHEN */
	poke(ENET_RCMR2, 0x10000);
	poke(ENET_TXIC1, ENET_IC_EN);
	poke(ENET_TXIC2, ENET_IC_EN);
	poke(ENET_RXIC1, ENET_IC_EN);
	poke(ENET_RXIC2, ENET_IC_EN);
	poke(ENET_RXIC, ENET_IC_EN); /* rx coalescing is off here */
	/* A new speed: the driver stops the MAC with ECR = 0 and programs
	 * it afresh. */
	phy_write(MII_CTRL1000, 0);
	phy_write(MII_ADVERTISE,
		  (enet_test_qemu() ? ADVERTISE_10FULL : ADVERTISE_100FULL) |
			  1u);
	sdvf_sim_advance(sim, POLL_NS);
	assert_int_equal(counter("drv", "speed_mbps"), next);
	assert_int_equal(counter("drv", "link_restarts"),
			 enet_test_qemu() ? 1 : 2);
	assert_int_equal(counter("nic", "bus_hangs"), 0);
	assert_int_equal(reg(ENET_RACC), 0);
	assert_int_equal(reg(ENET_TACC), 0);
	assert_int_equal(reg(ENET_FTRL), ENET_DRV_FTRL);
	assert_int_equal(reg(ENET_RSFL), 0);
	assert_int_equal(reg(ENET_RAEM), ENET_DRV_RAEM);
	assert_int_equal(reg(ENET_TAFL), ENET_DRV_TAFL);
	assert_int_equal(reg(ENET_RSEM), 0);
	assert_int_equal(reg(ENET_RAFL), ENET_DRV_RAFL);
	assert_int_equal(reg(ENET_TSEM), 0);
	assert_int_equal(reg(ENET_TAEM), ENET_DRV_TAEM);
	assert_int_equal(reg(ENET_DMA1CFG), 0);
	assert_int_equal(reg(ENET_DMA2CFG), 0);
	assert_int_equal(reg(ENET_RCMR1), 0);
	assert_int_equal(reg(ENET_RCMR2), 0);
	assert_int_equal(reg(ENET_TXIC1), 0);
	assert_int_equal(reg(ENET_TXIC2), 0);
	assert_int_equal(reg(ENET_RXIC1), 0);
	assert_int_equal(reg(ENET_RXIC2), 0);
	assert_int_equal(reg(ENET_RXIC), 0);
	/* and it works: a frame each way */
	queue_one();
	assert_int_equal(wire_frames(), 1);
	uint8_t f[60] = {0};
	memset(f, 0xff, 6);
	assert_int_equal(wire_mem_inject(wire, f, sizeof(f)), 0);
	sdvf_sim_run(sim, RUN_STEPS);
	assert_int_equal(fx->rx.returned, 1);
	assert_int_equal(fx->rx.got[0].len, 60);
}

static void an_invalid_reset_mode_is_refused_at_init(void **unused)
{
	(void)unused;
	assert_int_not_equal(load("reset_mode = \"ecr-rst\";"), 0);
	enet_system_unload();
}

/* ---- MDIO and ETHEREN ------------------------------------------------ */

/* A bus-error storm halts the MAC; the link poll must keep working. */
static void a_halted_mac_keeps_its_mdio_events(void **unused)
{
	(void)unused;
	uint8_t f[60] = {0};
	memset(f, 0xff, 6);
	for (uint32_t i = 0; i <= ENET_DRV_EBERR_BURST; i++) {
		/* the MAC's next RX BD points outside every window */
		uint32_t slot = drv->rx_head & (drv->rx_slots - 1);
		drv->rx_bd[slot].addr = OUTSIDE_IO;
		assert_int_equal(wire_mem_inject(wire, f, sizeof(f)), 0);
		sdvf_sim_run(sim, RUN_STEPS);
	}
	assert_int_equal(counter("drv", "eberr_halts"), 1);
	assert_int_equal(counter("drv", "halted"), 1);
	uint64_t timeouts = counter("drv", "mdio_timeouts");
	/* two polls while halted (the retry waits 1 s) */
	sdvf_sim_advance(sim, POLL_NS / 2);
	sdvf_sim_advance(sim, POLL_NS / 2);
	assert_int_equal(counter("drv", "halted"), 1);
	assert_int_equal(counter("drv", "mdio_timeouts"), timeouts);
	assert_int_equal(counter("nic", "mdio_no_event"), 0);
	assert_int_equal(counter("drv", "link_up"), 1);
	/* and a link drop is seen */
	enet_model_set_link(sdvf_sim_state(sim, "nic"), false);
	sdvf_sim_advance(sim, POLL_NS);
	assert_int_equal(counter("drv", "link_up"), 0);
	assert_int_equal(counter("drv", "mdio_timeouts"), timeouts);
	enet_model_set_link(sdvf_sim_state(sim, "nic"), true);
}

static void mdio_with_etheren_clear_raises_no_event(void **unused)
{
	(void)unused;
	poke(ENET_ECR, 0); /* the MAC stopped, MDIO clock still set */
	uint64_t before = counter("nic", "mdio_no_event");
	poke(ENET_MMFR, ENET_MMFR_ST | ENET_MMFR_OP_READ | ENET_MMFR_TA |
				(MII_BMSR << ENET_MMFR_RA_SHIFT));
	assert_int_equal(counter("nic", "mdio_no_event"), before + 1);
	assert_int_equal(reg(ENET_EIR) & ENET_INT_MII, 0);
	poke(ENET_ECR, ENET_ECR_ETHEREN | ENET_ECR_DBSWP | ENET_ECR_SPEED);
}

static void an_mscr_write_with_mmfr_set_raises_a_spurious_mii(void **unused)
{
	(void)unused;
	uint32_t mscr = reg(ENET_MSCR);
	poke(ENET_EIMR, 0); /* keep the driver out of it */
	poke(ENET_MSCR, 0);
	assert_int_not_equal(reg(ENET_MMFR), 0); /* the last PHY read */
	poke(ENET_EIR, ENET_INT_MII);
	poke(ENET_MSCR, mscr);
	assert_int_equal(counter("nic", "mii_spurious"), 1);
	assert_int_equal(reg(ENET_EIR) & ENET_INT_MII, ENET_INT_MII);
	poke(ENET_EIR, ENET_INT_MII);
	poke(ENET_EIMR,
	     ENET_INT_TXF | ENET_INT_RXF | ENET_INT_EBERR | ENET_INT_MII);
}

/* ---- RCR at 10 Mb/s ----------------------------------------------------- */

static void rcr_has_rmii_10t_at_10_mbps_on_rgmii(void **unused)
{
	(void)unused;
	phy_write(MII_CTRL1000, 0);
	phy_write(MII_ADVERTISE, ADVERTISE_10FULL | 1u);
	sdvf_sim_advance(sim, POLL_NS);
	assert_int_equal(counter("drv", "speed_mbps"), 10);
	/* QEMU keeps only RCR's MAX_FL and low six bits (imx_eth_write):
	 * both bits read back clear there, whatever the driver wrote. */
	uint32_t rmii_10t = enet_test_qemu() ? 0 : ENET_RCR_RMII_10T;
	uint32_t rgmii_en = enet_test_qemu() ? 0 : ENET_RCR_RGMII_EN;
	assert_int_equal(reg(ENET_RCR) & ENET_RCR_RMII_10T, rmii_10t);
	assert_int_equal(reg(ENET_RCR) & ENET_RCR_RGMII_EN, rgmii_en);
	assert_int_equal(reg(ENET_ECR) & ENET_ECR_SPEED, 0);
	/* and it works at 10: a frame out */
	queue_one();
	assert_int_equal(wire_frames(), 1);
	/* back at 100: the bit goes */
	phy_write(MII_ADVERTISE, ADVERTISE_100FULL | 1u);
	sdvf_sim_advance(sim, POLL_NS);
	assert_int_equal(counter("drv", "speed_mbps"), 100);
	assert_int_equal(reg(ENET_RCR) & ENET_RCR_RMII_10T, 0);
}

/* ---- RX buffer alignment ----------------------------------------------- */

static void an_rx_buffer_off_the_64_byte_grid_is_refused(void **unused)
{
	(void)unused;
	/* 16-byte aligned, inside the window: still not on the MAC's grid */
	struct sdvf_desc d = {.io_or_offset = RX_IO + 20 * 2048u + 16};
	assert_int_equal(enet_fixture_push_raw(fx, &fx->rx, &d, 1), 1);
	sdvf_sim_run(sim, RUN_STEPS);
	assert_int_equal(counter("drv", "rx_misaligned"), 1);
	assert_int_equal(enet_fixture_foreign(&fx->rx), 1);
	assert_int_equal(fx->rx.got[fx->rx.ngot - 1].flags, SDVF_NET_REJECTED);
	/* frames keep arriving into the aligned buffers, no bus error */
	uint8_t f[60] = {0};
	memset(f, 0xff, 6);
	for (int i = 0; i < 17; i++)
		assert_int_equal(wire_mem_inject(wire, f, sizeof(f)), 0);
	sdvf_sim_run(sim, RUN_STEPS);
	assert_int_equal(counter("nic", "eberr"), 0);
	assert_int_equal(counter("nic", "rx_misaligned"), 0);
}

static void the_model_stops_on_a_misaligned_rx_buffer(void **unused)
{
	(void)unused;
	uint32_t slot = drv->rx_head & (drv->rx_slots - 1);
	drv->rx_bd[slot].addr += 16; /* behind the driver's back */
	uint8_t f[60] = {0};
	memset(f, 0xff, 6);
	assert_int_equal(wire_mem_inject(wire, f, sizeof(f)), 0);
	sdvf_sim_run(sim, RUN_STEPS);
	assert_int_equal(counter("nic", "rx_misaligned"), 1);
	assert_int_equal(counter("nic", "eberr"), 1);
	assert_int_equal(counter("drv", "eberr_resets"), 1);
}

static void a_writable_window_off_the_grid_is_refused_at_init(void **unused)
{
	(void)unused;
	assert_int_not_equal(load_with("", "0x10000010", ""), 0);
	assert_int_equal(counter("drv", "rx_misaligned"), 1);
	enet_system_unload();
}

int main(void)
{
#define T(name)                                                                \
	cmocka_unit_test_setup_teardown(name, boot, enet_system_shutdown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			a_frame_queued_as_the_tx_dma_goes_idle_leaves_on_the_next_irq,
			boot_older_part, enet_system_shutdown),
		cmocka_unit_test(
			a_tdar_write_as_the_tx_dma_clears_tdar_hangs_tx),
		T(the_driver_writes_tdar_only_when_it_reads_clear),
		cmocka_unit_test(a_hung_tx_dma_is_restarted_by_the_tx_watchdog),
		T(a_tdar_read_the_model_did_not_answer_writes_no_tdar),
		cmocka_unit_test(
			a_tdar_write_while_the_tx_dma_runs_is_harmless),
		cmocka_unit_test(
			a_running_tx_dma_takes_the_frame_whose_kick_was_skipped),
		T(a_frame_queued_after_the_late_clear_is_sent_at_once),
		T(the_late_clear_is_read_clear_without_waking_the_model),
		cmocka_unit_test(ecr_reset_with_dma_in_flight_hangs_the_bus),
		T(restart_with_ecr_zero_reprograms_what_a_previous_owner_left),
		cmocka_unit_test(an_invalid_reset_mode_is_refused_at_init),
		T(a_halted_mac_keeps_its_mdio_events),
		T(mdio_with_etheren_clear_raises_no_event),
		T(an_mscr_write_with_mmfr_set_raises_a_spurious_mii),
		T(rcr_has_rmii_10t_at_10_mbps_on_rgmii),
		T(an_rx_buffer_off_the_64_byte_grid_is_refused),
		T(the_model_stops_on_a_misaligned_rx_buffer),
		cmocka_unit_test(
			a_writable_window_off_the_grid_is_refused_at_init),
	};
	/* The model as QEMU's i.MX7 ENET (docs/enet.md, "Personalities"): none
	 * of these hazards, a 10/100 PHY.  The driver's answers that do not
	 * need a hazard to show (alignment, reset_mode, MDIO while halted,
	 * RMII_10T) run on it too: the driver must not need silicon for
	 * them. */
	const struct CMUnitTest tests_on_qemu[] = {
		T(restart_with_ecr_zero_reprograms_what_a_previous_owner_left),
		T(a_halted_mac_keeps_its_mdio_events),
		T(rcr_has_rmii_10t_at_10_mbps_on_rgmii),
		T(an_rx_buffer_off_the_64_byte_grid_is_refused),
	};
#undef T
	return cmocka_run_group_tests_name("silicon", tests, enet_as_silicon,
					   NULL) +
	       cmocka_run_group_tests_name("qemu-imx7", tests_on_qemu,
					   enet_as_qemu, NULL);
}
