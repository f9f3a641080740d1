/*
 * The ENET driver (driver/enet/enet_driver*.c), specified against a
 * test-local fake ENET in the sim runtime.
 *
 * fake_enet plays the hardware: it owns the register page, applies the
 * driver's posted writes in order (logging each), resets on ECR.RESET,
 * clears EIR bits written as 1, answers MDIO reads from a scriptable PHY,
 * and raises `irq` while EIR & EIMR until the driver acks.  Tests move
 * frames by hand (fake_rx_frame, fake_tx_complete) so every step is exact.
 * The ENET fixture (enet_fixture.h) plays both muxes on the driver's four
 * queues and logs what comes back; every test ends with its buffer
 * conservation check.  The system is tests/fixtures/enet-fake-nic.dts.
 * (The full ENET model is specified in test_enet_model.c.)
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
#include "driver/enet/enet_regs.h"
#include "tests/unit/enet_fixture.h"

#define RING_IO 0x40000000u
#define DMA_IO 0x10000000u
#define DMA_SIZE 0x100000u
#define RX_SLOTS 8u
#define TX_SLOTS 8u
#define TX_RING_IO (RING_IO + RX_SLOTS * 8u)
#define POLL_NS 500000000ull
#define LOG_MAX 4096
#define SYSTEM "tests/fixtures/enet-fake-nic.dts"
/* enet-fake-nic-windows.dts: beside dma0 (rw, the fixture's buffers),
 * dma1 "r" right after it, dma2 "w", and dma3 "rw" ending at 4 GiB. */
#define WINDOWS "tests/fixtures/enet-fake-nic-windows.dts"
#define WIN_R_IO 0x10100000u
#define WIN_W_IO 0x10200000u
#define IO_TOP 0x100000000ull /* 4 GiB: where io space, and dma3, end */
#define WIN_SIZE 0x10000u
#define RX_BUF_BYTES 1536u /* MRBR: what the MAC may write to a buffer */

/* ---- fake ENET ------------------------------------------------------- */

struct fake_write {
	uint32_t offset, value;
};

struct fake_enet {
	struct sdvf_pd *pd;
	volatile uint32_t *regs;
	struct enet_mmio_ring *posted;
	uint8_t *rings;
	sdvf_channel_t ch_irq;
	uint32_t head;
	bool irq_masked; /* raised and not yet acked */
	uint32_t rx_idx, tx_idx;
	uint16_t phy[32];
	bool mdio_silent; /* never complete MDIO transfers */
	/* Frames that complete just before the next EIR write-1-to-clear
	 * reaches the MAC (after the driver posted it, before it landed). */
	uint32_t frames_before_eir_clear;
	struct fake_write log[LOG_MAX];
	uint32_t nlog;
	uint32_t resets, rdar_writes, tdar_writes, doorbells;
	uint32_t tx_sent_io[64];
	uint16_t tx_sent_len[64];
	uint32_t ntx_sent;
};

static const struct sdvf_need fake_enet_needs[] = {
	{"regs", SDVF_NEED_REGION, SDVF_RW, false},
	{"posted", SDVF_NEED_REGION, SDVF_RW, false},
	{"rings", SDVF_NEED_REGION, SDVF_RW, false},
	{"irq", SDVF_NEED_CHANNEL, 0, false},
	{"mmio", SDVF_NEED_CHANNEL, 0, false},
	{0},
};
static const struct sdvf_param no_params[] = {{0}};

static uint32_t reg(struct fake_enet *f, uint32_t off)
{
	return f->regs[off / 4];
}

static void fake_raise(struct fake_enet *f)
{
	if (f->irq_masked || !(reg(f, ENET_EIR) & reg(f, ENET_EIMR)))
		return;
	f->irq_masked = true;
	sdvf_notify(f->pd, f->ch_irq);
}

static void fake_mdio(struct fake_enet *f, uint32_t value)
{
	uint32_t ra = (value >> ENET_MMFR_RA_SHIFT) & 31u;
	f->regs[ENET_MMFR / 4] = value;
	if (f->mdio_silent)
		return;
	if ((value & (3u << 28)) == ENET_MMFR_OP_READ)
		f->regs[ENET_MMFR / 4] = (value & ~0xffffu) | f->phy[ra];
	f->regs[ENET_EIR / 4] |= ENET_INT_MII;
}

static void fake_apply(struct fake_enet *f, uint32_t off, uint32_t value)
{
	if (f->nlog < LOG_MAX)
		f->log[f->nlog++] = (struct fake_write){off, value};
	switch (off) {
	case ENET_ECR:
		if (value & ENET_ECR_RESET) {
			uint32_t palr = reg(f, ENET_PALR);
			uint32_t paur = reg(f, ENET_PAUR);
			for (uint32_t i = 0; i < ENET_MIB_FIRST / 4; i++)
				f->regs[i] = 0;
			f->regs[ENET_PALR / 4] = palr; /* kept, as on i.MX */
			f->regs[ENET_PAUR / 4] = paur;
			f->rx_idx = f->tx_idx = 0;
			f->resets++;
		} else {
			f->regs[ENET_ECR / 4] = value;
		}
		break;
	case ENET_EIR:
		f->regs[ENET_EIR / 4] &= ~value;
		break;
	case ENET_MMFR:
		fake_mdio(f, value);
		break;
	case ENET_RDAR:
		f->rdar_writes++;
		f->regs[ENET_RDAR / 4] = ENET_RDAR_ACTIVE;
		break;
	case ENET_TDAR:
		f->tdar_writes++;
		f->regs[ENET_TDAR / 4] = ENET_TDAR_ACTIVE;
		break;
	case ENET_MIBC:
		if (value & ENET_MIBC_CLEAR)
			for (uint32_t o = ENET_MIB_FIRST; o <= ENET_MIB_LAST;
			     o += 4)
				f->regs[o / 4] = 0;
		f->regs[ENET_MIBC / 4] = value & ~ENET_MIBC_CLEAR;
		break;
	default:
		if (off < ENET_REG_PAGE_BYTES && off % 4 == 0)
			f->regs[off / 4] = value;
	}
}

static bool fake_rx_frame(struct fake_enet *f, uint16_t len, uint16_t flags);

static void fake_drain(struct fake_enet *f)
{
	uint32_t tail =
		atomic_load_explicit(&f->posted->tail, memory_order_acquire);
	while (f->head != tail) {
		struct enet_mmio_write w =
			f->posted->ring[f->head % ENET_MMIO_RING];
		while (w.offset == ENET_EIR && f->frames_before_eir_clear > 0) {
			f->frames_before_eir_clear--;
			fake_rx_frame(f, 61, ENET_RXBD_L);
		}
		fake_apply(f, w.offset, w.value);
		f->head++;
	}
	atomic_store_explicit(&f->posted->head, f->head, memory_order_release);
}

static int fake_init(void *state, struct sdvf_pd *pd)
{
	struct fake_enet *f = state;
	f->pd = pd;
	f->regs = sdvf_region(pd, "regs")->base;
	f->posted = sdvf_region(pd, "posted")->base;
	f->rings = sdvf_region(pd, "rings")->base;
	f->ch_irq = sdvf_channel(pd, "irq");
	/* Firmware left a MAC behind (used when the driver has none). */
	f->regs[ENET_PALR / 4] = 0x02aabbccu;
	f->regs[ENET_PAUR / 4] = 0xddee0000u;
	/* A 100 Mb/s full-duplex PHY with the link up. */
	f->phy[MII_PHYSID1] = 0x0022;
	f->phy[MII_PHYSID2] = 0x1560;
	f->phy[MII_BMSR] = BMSR_LSTATUS | BMSR_ANEGCOMPLETE;
	f->phy[MII_BMCR] = BMCR_ANENABLE;
	f->phy[MII_ADVERTISE] = 0x01e1;
	f->phy[MII_LPA] = 0x01e1;
	return 0;
}

static void fake_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct fake_enet *f = state;
	(void)pd;
	if (ch == f->ch_irq) {
		f->irq_masked = false; /* the driver's ack */
	} else {
		f->doorbells++;
		fake_drain(f);
	}
	fake_raise(f);
}

static const struct sdvf_component fake_enet_component = {
	.name = "fake_enet",
	.role = SDVF_ROLE_DEVICE,
	.state_size = sizeof(struct fake_enet),
	.needs = fake_enet_needs,
	.params = no_params,
	.init = fake_init,
	.notified = fake_notified,
};

static volatile struct enet_bd *fake_bd(struct fake_enet *f, uint32_t base,
					uint32_t idx)
{
	uint32_t ring = reg(f, base);
	return (volatile struct enet_bd *)(f->rings + (ring - RING_IO) +
					   idx * 8u);
}

/* The MAC receives one frame into the next BD; false if it had none. */
static bool fake_rx_frame(struct fake_enet *f, uint16_t len, uint16_t flags)
{
	volatile struct enet_bd *bd = fake_bd(f, ENET_RDSR, f->rx_idx);
	if (!(reg(f, ENET_ECR) & ENET_ECR_ETHEREN) || !(bd->stat & ENET_RXBD_E))
		return false;
	uint16_t wrap = bd->stat & ENET_RXBD_W;
	/* `len` is the frame; the MAC keeps its FCS (RCR.CRCFWD clear). */
	bd->len = len ? (uint16_t)(len + 4u) : 0;
	atomic_thread_fence(memory_order_release);
	bd->stat = (uint16_t)(wrap | flags);
	f->rx_idx = wrap ? 0 : f->rx_idx + 1;
	f->regs[ENET_EIR / 4] |= ENET_INT_RXF;
	return true;
}

/* The MAC sends every ready TX BD, in ring order. */
static void fake_tx_complete(struct fake_enet *f)
{
	for (;;) {
		volatile struct enet_bd *bd = fake_bd(f, ENET_TDSR, f->tx_idx);
		if (!(bd->stat & ENET_TXBD_R))
			break;
		if (f->ntx_sent < 64) {
			f->tx_sent_io[f->ntx_sent] = bd->addr;
			f->tx_sent_len[f->ntx_sent++] = bd->len;
		}
		f->tx_idx = (bd->stat & ENET_TXBD_W) ? 0 : f->tx_idx + 1;
		bd->stat &= (uint16_t)~ENET_TXBD_R;
		f->regs[ENET_EIR / 4] |= ENET_INT_TXF;
	}
}

/* ---- the system ------------------------------------------------------ */

static const struct sdvf_component *const table[] = {
	&fake_enet_component, &enet_fixture_component, &enet_driver_component,
	NULL};

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static struct fake_enet *nic;
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
static struct enet_fixture *mux;

static void boot(const char *system)
{
	assert_int_equal(sdvf_system_load(&sys, system, table, stderr), 0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	nic = sdvf_sim_state(sim, "nic");
	drv = sdvf_sim_state(sim, "drv");
	mux = sdvf_sim_state(sim, "mux");
	assert_int_equal(sdvf_sim_init(sim), 0);
	sdvf_sim_run(sim, 10000);
}

static int boot_default(void **unused)
{
	(void)unused;
	boot(SYSTEM);
	return 0;
}

static int boot_windows(void **unused)
{
	(void)unused;
	boot(WINDOWS);
	return 0;
}

static int teardown(void **unused)
{
	(void)unused;
	assert_int_equal(enet_fixture_conservation_errors(mux, drv), 0);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	sim = NULL;
	return 0;
}

static void run(void)
{
	sdvf_sim_run(sim, 100000);
}

/* The test as the hardware: raise pending events and let everyone run. */
static void hw_event(void)
{
	fake_raise(nic);
	run();
}

/* The fixture's buffer b is at DMA_IO + b * 2048, RX and TX alike. */
static void provide_rx(uint32_t first, uint32_t n)
{
	assert_int_equal(enet_fixture_provide_rx(mux, first, n), n);
	run();
}

static void send_tx(uint32_t first, uint32_t n, uint16_t len)
{
	assert_int_equal(enet_fixture_queue_tx(mux, first, n, len), n);
	run();
}

static uint32_t count_written(uint32_t off)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < nic->nlog; i++)
		n += nic->log[i].offset == off;
	return n;
}

static int first_write(uint32_t off, uint32_t value)
{
	for (uint32_t i = 0; i < nic->nlog; i++)
		if (nic->log[i].offset == off && nic->log[i].value == value)
			return (int)i;
	return -1;
}

static uint32_t rx_bds_owned_by_mac(void)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < RX_SLOTS; i++)
		n += (fake_bd(nic, ENET_RDSR, i)->stat & ENET_RXBD_E) != 0;
	return n;
}

static uint32_t tx_bds_owned_by_mac(void)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < TX_SLOTS; i++)
		n += (fake_bd(nic, ENET_TDSR, i)->stat & ENET_TXBD_R) != 0;
	return n;
}

/* ---- init ------------------------------------------------------------ */

static void init_programs_every_register(void **unused)
{
	(void)unused;
	assert_int_equal(reg(nic, ENET_ECR), ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
	assert_int_equal(reg(nic, ENET_EIMR), ENET_INT_TXF | ENET_INT_RXF |
						      ENET_INT_EBERR |
						      ENET_INT_MII);
	assert_int_equal(reg(nic, ENET_RCR),
			 1522u << 16 | ENET_RCR_MII_MODE | ENET_RCR_PROM |
				 ENET_RCR_RGMII_EN); /* CRCFWD clear */
	assert_int_equal(reg(nic, ENET_TCR), ENET_TCR_FDEN);
	assert_int_equal(reg(nic, ENET_MRBR), 1536);
	assert_int_equal(reg(nic, ENET_RDSR), RING_IO);
	assert_int_equal(reg(nic, ENET_TDSR), TX_RING_IO);
	assert_int_equal(reg(nic, ENET_TFWR), ENET_TFWR_STRFWD);
	assert_int_equal(reg(nic, ENET_PALR), 0x02000000u);
	assert_int_equal(reg(nic, ENET_PAUR), 0x00010000u);
	assert_int_equal(reg(nic, ENET_OPD), 0x0001fff0u);
	assert_int_equal(reg(nic, ENET_TIPG), 12);
	/* 66 MHz: MII_SPEED 13 for MDC <= 2.5 MHz, HOLDTIME 0 */
	assert_int_equal(reg(nic, ENET_MSCR), 13u << 1);
	assert_int_equal(count_written(ENET_IAUR), 1);
	assert_int_equal(count_written(ENET_IALR), 1);
	assert_int_equal(count_written(ENET_GAUR), 1);
	assert_int_equal(count_written(ENET_GALR), 1);
	assert_int_equal(nic->resets, 1);
}

static void init_orders_reset_mib_config_then_enable(void **unused)
{
	(void)unused;
	int reset = first_write(ENET_ECR, ENET_ECR_RESET);
	int mask_off = first_write(ENET_EIMR, 0);
	int mib_dis = first_write(ENET_MIBC, ENET_MIBC_DIS);
	int mib_clr = first_write(ENET_MIBC, ENET_MIBC_DIS | ENET_MIBC_CLEAR);
	int mib_on = first_write(ENET_MIBC, 0);
	int rdsr = first_write(ENET_RDSR, RING_IO);
	int enable = first_write(ENET_ECR, ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
	assert_int_equal(reset, 0);
	assert_true(reset < mib_dis && mib_dis < mib_clr && mib_clr < mib_on);
	assert_true(reset < mask_off && mask_off < rdsr && rdsr < enable);
	assert_int_equal(nic->mdio_silent, false);
	/* The first PHY poll ran over MDIO and found the link up. */
	assert_int_equal(drv_counter("link_up"), 1);
	assert_int_equal(drv_counter("speed_mbps"), 100);
	assert_int_equal(drv_counter("full_duplex"), 1);
	assert_int_equal(drv_counter("link_restarts"), 0);
}

static void init_keeps_hardware_mac_without_config(void **unused)
{
	(void)unused;
	boot("tests/fixtures/enet-fake-nic-no-mac.dts");
	assert_int_equal(reg(nic, ENET_PALR), 0x02aabbccu);
	assert_int_equal(reg(nic, ENET_PAUR), 0xddee0000u);
	assert_int_equal(enet_driver_view(drv).mac[5], 0xee);
	teardown(NULL);
}

/* The description loads (its values are in range), but the driver's init
 * refuses what it cannot trust. */
static void assert_init_refused(const char *system)
{
	assert_int_equal(sdvf_system_load(&sys, system, table, stderr), 0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	drv = sdvf_sim_state(sim, "drv");
	mux = sdvf_sim_state(sim, "mux");
	assert_int_equal(sdvf_sim_init(sim), -1);
	teardown(NULL);
}

static void init_refuses_without_dma_window(void **unused)
{
	(void)unused;
	assert_init_refused("tests/fixtures/enet-fake-nic-no-window.dts");
}

/* Which buffers a window may hold depends on what the device may do in it:
 * the description must say. */
static void init_refuses_window_without_rights(void **unused)
{
	(void)unused;
	assert_init_refused("tests/fixtures/enet-fake-nic-no-rights.dts");
}

static void init_refuses_window_rights_other_than_r_w_rw(void **unused)
{
	(void)unused;
	assert_init_refused("tests/fixtures/enet-fake-nic-bad-rights.dts");
}

static void init_refuses_window_past_4_gib(void **unused)
{
	(void)unused;
	assert_init_refused("tests/fixtures/enet-fake-nic-window-past-4g.dts");
}

static void init_refuses_overlapping_windows(void **unused)
{
	(void)unused;
	assert_init_refused(
		"tests/fixtures/enet-fake-nic-overlapping-windows.dts");
}

/* The driver writes every BD it posts. */
static void init_refuses_bd_rings_it_may_only_read(void **unused)
{
	(void)unused;
	assert_init_refused("tests/fixtures/enet-fake-nic-read-only-rings.dts");
}

/* An RX buffer there would have the MAC write frames over its own BDs. */
static void init_refuses_window_over_bd_rings(void **unused)
{
	(void)unused;
	assert_init_refused(
		"tests/fixtures/enet-fake-nic-window-over-rings.dts");
}

/* ---- RX -------------------------------------------------------------- */

static void rx_buffers_fill_ring_with_wrap_on_last(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS);
	for (uint32_t i = 0; i < RX_SLOTS; i++) {
		volatile struct enet_bd *bd = fake_bd(nic, ENET_RDSR, i);
		assert_int_equal(bd->addr, DMA_IO + i * 2048u);
		assert_int_equal(bd->stat & ENET_RXBD_W,
				 i == RX_SLOTS - 1 ? ENET_RXBD_W : 0);
	}
}

static void rx_frames_delivered_in_order_across_ring_wrap(void **unused)
{
	(void)unused;
	mux->opt.rx_recycle = true;
	provide_rx(0, RX_SLOTS);
	for (uint32_t i = 0; i < 3 * RX_SLOTS + 3; i++) {
		assert_true(
			fake_rx_frame(nic, (uint16_t)(60 + i), ENET_RXBD_L));
		hw_event();
	}
	assert_int_equal(mux->rx.ngot, 3 * RX_SLOTS + 3);
	for (uint32_t i = 0; i < mux->rx.ngot; i++) {
		assert_int_equal(mux->rx.got[i].io_or_offset,
				 DMA_IO + (i % RX_SLOTS) * 2048u);
		assert_int_equal(mux->rx.got[i].len, 60 + i);
		assert_int_equal(mux->rx.got[i].flags, 0);
	}
	assert_int_equal(drv_counter("rx_frames"), 3 * RX_SLOTS + 3);
	assert_int_equal(nic->rx_idx, 3);
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS);
}

/* A frame that completes after the driver read EIR but before its
 * write-1-to-clear reaches the MAC has its RXF cleared with the rest.  The
 * driver must make the clear land before it looks at the ring; otherwise
 * that frame waits for an interrupt that never comes. */
static void rx_frame_landing_before_eir_clear_is_delivered(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	assert_true(fake_rx_frame(nic, 60, ENET_RXBD_L));
	nic->frames_before_eir_clear = 1;
	hw_event();
	assert_int_equal(nic->frames_before_eir_clear, 0);
	assert_int_equal(reg(nic, ENET_EIR) & ENET_INT_RXF, 0);
	assert_int_equal(mux->rx.ngot, 2);
	assert_int_equal(mux->rx.got[0].len, 60);
	assert_int_equal(mux->rx.got[1].len, 61);
	assert_int_equal(drv_counter("rx_frames"), 2);
}

static void rx_error_frames_counted_and_recycled(void **unused)
{
	(void)unused;
	static const uint16_t bad[] = {
		ENET_RXBD_L | ENET_RXBD_CR, ENET_RXBD_L | ENET_RXBD_OV,
		ENET_RXBD_L | ENET_RXBD_LG, ENET_RXBD_L | ENET_RXBD_TR,
		ENET_RXBD_L | ENET_RXBD_NO, 0 /* not last */};
	provide_rx(0, RX_SLOTS);
	for (unsigned i = 0; i < 6; i++)
		assert_true(fake_rx_frame(nic, 100, bad[i]));
	assert_true(fake_rx_frame(nic, 0, ENET_RXBD_L)); /* empty */
	hw_event();
	assert_int_equal(mux->rx.ngot, 0);
	assert_int_equal(drv_counter("rx_err_cr"), 1);
	assert_int_equal(drv_counter("rx_err_ov"), 1);
	assert_int_equal(drv_counter("rx_err_lg"), 1);
	assert_int_equal(drv_counter("rx_err_tr"), 1);
	assert_int_equal(drv_counter("rx_err_no"), 1);
	assert_int_equal(drv_counter("rx_err_not_last"), 1);
	assert_int_equal(drv_counter("rx_err_len"), 1);
	assert_int_equal(drv_counter("rx_frames"), 0);
	/* Every buffer went straight back to the MAC. */
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS);
	assert_true(fake_rx_frame(nic, 64, ENET_RXBD_L));
	hw_event();
	assert_int_equal(mux->rx.ngot, 1);
	assert_int_equal(mux->rx.got[0].io_or_offset, DMA_IO + 7 * 2048u);
}

static void rx_rejects_buffers_outside_dma_windows(void **unused)
{
	(void)unused;
	struct sdvf_desc d[4] = {{.io_or_offset = DMA_IO - 2048u},
				 {.io_or_offset = DMA_IO + 8},
				 {.io_or_offset = DMA_IO + DMA_SIZE - 1024u},
				 {.io_or_offset = 0x100000000ull + DMA_IO}};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, d, 4), 4);
	run();
	assert_int_equal(drv_counter("rx_bad_buffer"), 4);
	assert_int_equal(rx_bds_owned_by_mac(), 0);
	assert_int_equal(mux->rx.ngot, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(mux->rx.got[i].io_or_offset,
				 d[i].io_or_offset);
		assert_int_equal(mux->rx.got[i].len, 0);
		assert_int_equal(mux->rx.got[i].flags, SDVF_NET_REJECTED);
	}
}

/* The hardening issue: an RX buffer in a window the device may only read
 * made the MAC raise EBERR on every refill.  It is never posted: it goes
 * back rejected and is counted apart from a bad address. */
static void rx_rejects_buffer_in_window_device_may_only_read(void **unused)
{
	(void)unused;
	struct sdvf_desc d = {.io_or_offset = WIN_R_IO};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, &d, 1), 1);
	run();
	assert_int_equal(drv_counter("rx_bad_window"), 1);
	assert_int_equal(drv_counter("rx_bad_buffer"), 0);
	assert_int_equal(rx_bds_owned_by_mac(), 0);
	assert_int_equal(nic->rdar_writes, 0);
	assert_int_equal(mux->rx.ngot, 1);
	assert_int_equal(mux->rx.got[0].io_or_offset, WIN_R_IO);
	assert_int_equal(mux->rx.got[0].len, 0);
	assert_int_equal(mux->rx.got[0].flags, SDVF_NET_REJECTED);
}

/* An RX buffer whose MRBR bytes start in one window and end in the next
 * is in no window, even where both would allow the write: two windows
 * are two regions, and the device may reach neither past its end. */
static void rx_rejects_buffers_across_or_past_a_window_end(void **unused)
{
	(void)unused;
	struct sdvf_desc d[3] = {
		{.io_or_offset = WIN_R_IO - 1024u}, /* dma0 into dma1 */
		{.io_or_offset = WIN_W_IO + WIN_SIZE - 1024u}, /* past dma2 */
		{.io_or_offset = WIN_R_IO - 2048u},	       /* dma0's last */
	};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, d, 3), 3);
	run();
	assert_int_equal(drv_counter("rx_bad_buffer"), 2);
	assert_int_equal(drv_counter("rx_bad_window"), 0);
	assert_int_equal(mux->rx.ngot, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(mux->rx.got[i].io_or_offset,
				 d[i].io_or_offset);
		assert_int_equal(mux->rx.got[i].flags, SDVF_NET_REJECTED);
	}
	/* The last slot of a window holds a whole buffer: posted. */
	assert_int_equal(rx_bds_owned_by_mac(), 1);
	assert_int_equal(fake_bd(nic, ENET_RDSR, 0)->addr, WIN_R_IO - 2048u);
	assert_true(fake_rx_frame(nic, 60, ENET_RXBD_L));
	hw_event();
	assert_int_equal(mux->rx.ngot, 3);
	assert_int_equal(mux->rx.got[2].flags, 0);
}

/* The io space ends at 4 GiB; a buffer must end there too, and a 64-bit
 * address never wraps into a window. */
static void rx_rejects_buffers_past_the_top_of_io_space(void **unused)
{
	(void)unused;
	struct sdvf_desc d[3] = {
		{.io_or_offset = IO_TOP - 1024u},
		{.io_or_offset = IO_TOP},
		{.io_or_offset = 0xfffffffffffff800ull},
	};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, d, 3), 3);
	run();
	assert_int_equal(drv_counter("rx_bad_buffer"), 3);
	assert_int_equal(rx_bds_owned_by_mac(), 0);
	assert_int_equal(mux->rx.ngot, 3);
	/* The last whole buffer below 4 GiB is fine. */
	struct sdvf_desc top = {.io_or_offset = IO_TOP - RX_BUF_BYTES};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, &top, 1), 1);
	run();
	assert_int_equal(fake_bd(nic, ENET_RDSR, 0)->addr,
			 IO_TOP - RX_BUF_BYTES);
	assert_true(fake_rx_frame(nic, 60, ENET_RXBD_L));
	hw_event();
	assert_int_equal(mux->rx.ngot, 4);
	assert_int_equal(drv_counter("rx_bad_buffer"), 3);
}

static void rx_full_ring_leaves_extra_buffers_in_queue(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS + 4);
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS);
	assert_int_equal(enet_fixture_queued(&mux->rx), 4);
	assert_true(fake_rx_frame(nic, 64, ENET_RXBD_L));
	hw_event();
	/* The freed BD took the next queued buffer. */
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS);
	assert_int_equal(fake_bd(nic, ENET_RDSR, 0)->addr,
			 DMA_IO + RX_SLOTS * 2048u);
}

/* ---- TX -------------------------------------------------------------- */

static void tx_completions_return_in_submit_order(void **unused)
{
	(void)unused;
	send_tx(0, 5, 60);
	send_tx(5, 1, 1518);
	assert_int_equal(tx_bds_owned_by_mac(), 6);
	fake_tx_complete(nic);
	hw_event();
	assert_int_equal(nic->ntx_sent, 6);
	assert_int_equal(mux->tx.ngot, 6);
	for (uint32_t i = 0; i < 6; i++) {
		assert_int_equal(nic->tx_sent_io[i], DMA_IO + i * 2048u);
		assert_int_equal(mux->tx.got[i].io_or_offset,
				 DMA_IO + i * 2048u);
		assert_int_equal(mux->tx.got[i].len, i < 5 ? 60 : 1518);
		assert_int_equal(mux->tx.got[i].flags, 0);
	}
	assert_int_equal(drv_counter("tx_frames"), 6);
	assert_int_equal(drv_counter("tx_bytes"), 5 * 60 + 1518);
}

static void tx_rejects_bad_length_and_address(void **unused)
{
	(void)unused;
	struct sdvf_desc d[4] = {
		{.io_or_offset = DMA_IO, .len = 13},
		{.io_or_offset = DMA_IO, .len = 1519},
		{.io_or_offset = DMA_IO + DMA_SIZE - 100, .len = 200},
		{.io_or_offset = DMA_IO + 4, .len = 64}};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->tx, d, 4), 4);
	run();
	assert_int_equal(drv_counter("tx_bad_len"), 2);
	assert_int_equal(drv_counter("tx_bad_buffer"), 2);
	assert_int_equal(tx_bds_owned_by_mac(), 0);
	assert_int_equal(nic->tdar_writes, 0);
	assert_int_equal(mux->tx.ngot, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(mux->tx.got[i].io_or_offset,
				 d[i].io_or_offset);
		assert_int_equal(mux->tx.got[i].flags, SDVF_NET_REJECTED);
	}
}

/* The mirror image: a TX frame in a window the device may only write (an
 * RX region behind an IOMMU's write-only mapping) is never posted. */
static void tx_rejects_frame_in_window_device_may_only_write(void **unused)
{
	(void)unused;
	struct sdvf_desc d = {.io_or_offset = WIN_W_IO, .len = 100};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->tx, &d, 1), 1);
	run();
	assert_int_equal(drv_counter("tx_bad_window"), 1);
	assert_int_equal(drv_counter("tx_bad_buffer"), 0);
	assert_int_equal(tx_bds_owned_by_mac(), 0);
	assert_int_equal(nic->tdar_writes, 0);
	assert_int_equal(mux->tx.ngot, 1);
	assert_int_equal(mux->tx.got[0].io_or_offset, WIN_W_IO);
	assert_int_equal(mux->tx.got[0].len, 100);
	assert_int_equal(mux->tx.got[0].flags, SDVF_NET_REJECTED);
}

/* A frame that starts in one readable window and ends in the next is in
 * no window; one that ends exactly at a window's end (or at 4 GiB) is. */
static void tx_rejects_frames_across_or_past_a_window_end(void **unused)
{
	(void)unused;
	struct sdvf_desc d[4] = {
		{.io_or_offset = WIN_R_IO - 64u, .len = 128}, /* dma0|dma1 */
		{.io_or_offset = IO_TOP - 64u, .len = 128},   /* 4 GiB */
		{.io_or_offset = WIN_R_IO + WIN_SIZE - 128u, .len = 128},
		{.io_or_offset = IO_TOP - 128u, .len = 128},
	};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->tx, d, 4), 4);
	run();
	assert_int_equal(drv_counter("tx_bad_buffer"), 2);
	assert_int_equal(drv_counter("tx_bad_window"), 0);
	assert_int_equal(tx_bds_owned_by_mac(), 2);
	assert_int_equal(fake_bd(nic, ENET_TDSR, 0)->addr, d[2].io_or_offset);
	assert_int_equal(fake_bd(nic, ENET_TDSR, 1)->addr, d[3].io_or_offset);
	fake_tx_complete(nic);
	hw_event();
	assert_int_equal(mux->tx.ngot, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(mux->tx.got[i].io_or_offset,
				 d[i].io_or_offset);
		assert_int_equal(mux->tx.got[i].flags,
				 i < 2 ? SDVF_NET_REJECTED : 0);
	}
}

/* RX into a write-only window, TX from a read-only one: each direction
 * needs only its own right. */
static void buffers_in_windows_of_their_direction_are_posted(void **unused)
{
	(void)unused;
	struct sdvf_desc rx = {.io_or_offset = WIN_W_IO};
	struct sdvf_desc tx = {.io_or_offset = WIN_R_IO, .len = 100};
	assert_int_equal(enet_fixture_push_raw(mux, &mux->rx, &rx, 1), 1);
	assert_int_equal(enet_fixture_push_raw(mux, &mux->tx, &tx, 1), 1);
	run();
	assert_int_equal(fake_bd(nic, ENET_RDSR, 0)->addr, WIN_W_IO);
	assert_int_equal(fake_bd(nic, ENET_TDSR, 0)->addr, WIN_R_IO);
	assert_true(fake_rx_frame(nic, 60, ENET_RXBD_L));
	fake_tx_complete(nic);
	hw_event();
	assert_int_equal(mux->rx.ngot, 1);
	assert_int_equal(mux->rx.got[0].flags, 0);
	assert_int_equal(mux->tx.ngot, 1);
	assert_int_equal(mux->tx.got[0].flags, 0);
	assert_int_equal(drv_counter("rx_bad_window"), 0);
	assert_int_equal(drv_counter("tx_bad_window"), 0);
}

static void tx_full_ring_holds_frames_in_queue(void **unused)
{
	(void)unused;
	send_tx(0, TX_SLOTS + 4, 100);
	assert_int_equal(tx_bds_owned_by_mac(), TX_SLOTS);
	assert_int_equal(enet_fixture_queued(&mux->tx), 4);
	fake_tx_complete(nic);
	hw_event();
	assert_int_equal(tx_bds_owned_by_mac(), 4);
	fake_tx_complete(nic);
	hw_event();
	assert_int_equal(mux->tx.ngot, TX_SLOTS + 4);
	for (uint32_t i = 0; i < TX_SLOTS + 4; i++)
		assert_int_equal(mux->tx.got[i].io_or_offset,
				 DMA_IO + i * 2048u);
	assert_int_equal(fake_bd(nic, ENET_TDSR, TX_SLOTS - 1)->stat &
				 ENET_TXBD_W,
			 ENET_TXBD_W);
}

/* ---- batching -------------------------------------------------------- */

static void tx_batch_costs_one_tdar_and_one_doorbell(void **unused)
{
	(void)unused;
	uint32_t doorbells = nic->doorbells;
	uint64_t signals = sdvf_sim_notifications(sim, "drv", "mmio");
	send_tx(0, 6, 64);
	assert_int_equal(tx_bds_owned_by_mac(), 6);
	assert_int_equal(nic->tdar_writes, 1);
	assert_int_equal(enet_driver_view(drv).tdar_writes, 1);
	assert_int_equal(nic->doorbells - doorbells, 1);
	assert_int_equal(sdvf_sim_notifications(sim, "drv", "mmio") - signals,
			 1);
}

static void rx_batch_costs_one_rdar_and_one_mux_signal(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	assert_int_equal(nic->rdar_writes, 1);
	for (unsigned i = 0; i < 5; i++)
		assert_true(fake_rx_frame(nic, 64, ENET_RXBD_L));
	uint64_t signals = sdvf_sim_notifications(sim, "drv", "rx");
	uint64_t acks_before = drv_counter("irq_activations");
	hw_event();
	assert_int_equal(mux->rx.ngot, 5);
	assert_int_equal(sdvf_sim_notifications(sim, "drv", "rx") - signals, 1);
	assert_int_equal(drv_counter("irq_activations") - acks_before, 1);
}

/* ---- EBERR ----------------------------------------------------------- */

static void eberr_resets_and_accounts_for_every_buffer(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	send_tx(100, 3, 64);
	assert_true(fake_rx_frame(nic, 70, ENET_RXBD_L));
	assert_true(fake_rx_frame(nic, 71, ENET_RXBD_L));
	/* The DMA faults: the MAC stops. */
	nic->regs[ENET_EIR / 4] |= ENET_INT_EBERR;
	nic->regs[ENET_ECR / 4] &= ~ENET_ECR_ETHEREN;
	hw_event();
	assert_int_equal(drv_counter("eberr_resets"), 1);
	assert_int_equal(nic->resets, 2);
	assert_int_equal(reg(nic, ENET_ECR), ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
	assert_int_equal(reg(nic, ENET_RDSR), RING_IO);
	/* Frames completed before the fault were delivered ... */
	assert_int_equal(mux->rx.ngot, 2);
	assert_int_equal(mux->rx.got[1].len, 71);
	/* ... the other RX buffers are re-posted from slot 0 in order ... */
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS - 2);
	for (uint32_t i = 0; i < RX_SLOTS - 2; i++)
		assert_int_equal(fake_bd(nic, ENET_RDSR, i)->addr,
				 DMA_IO + (i + 2) * 2048u);
	/* ... and unsent TX frames came back flagged, in order. */
	assert_int_equal(tx_bds_owned_by_mac(), 0);
	assert_int_equal(mux->tx.ngot, 3);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(mux->tx.got[i].io_or_offset,
				 DMA_IO + (100 + i) * 2048u);
		assert_int_equal(mux->tx.got[i].flags, SDVF_NET_TX_ERROR);
	}
	assert_int_equal(drv_counter("tx_reset_errors"), 3);
	/* The controller works again. */
	assert_true(fake_rx_frame(nic, 80, ENET_RXBD_L));
	hw_event();
	assert_int_equal(mux->rx.ngot, 3);
	assert_int_equal(mux->rx.got[2].io_or_offset, DMA_IO + 2 * 2048u);
}

/* The DMA faults again and again, as with a DMA window the bus cannot
 * reach: one fault per interrupt. */
static void eberr_storm(uint32_t faults)
{
	for (uint32_t i = 0; i < faults; i++) {
		nic->regs[ENET_EIR / 4] |= ENET_INT_EBERR;
		nic->regs[ENET_ECR / 4] &= ~ENET_ECR_ETHEREN;
		hw_event();
	}
}

static void advance_polls(uint32_t polls)
{
	for (uint32_t i = 0; i < polls; i++) {
		sdvf_sim_advance(sim, POLL_NS);
		run();
	}
}

static void eberr_storm_halts_mac_holds_tx_and_retries(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	eberr_storm(ENET_DRV_EBERR_BURST + 1);
	assert_int_equal(drv_counter("eberr_resets"), ENET_DRV_EBERR_BURST);
	assert_int_equal(drv_counter("eberr_halts"), 1);
	assert_int_equal(drv_counter("halted"), 1);
	/* Stopped (no RDAR/TDAR), with only MDIO left running: its clock,
	 * its interrupt and ETHEREN, without which some ENETs raise no MII
	 * event (Linux's fec_stop). */
	assert_int_equal(reg(nic, ENET_ECR) & ENET_ECR_ETHEREN,
			 ENET_ECR_ETHEREN);
	assert_int_equal(reg(nic, ENET_EIMR), ENET_INT_MII);
	assert_int_not_equal(reg(nic, ENET_MSCR), 0);
	/* RDSR/TDSR are reset: the rings as the driver holds them.  Every RX
	 * buffer is still posted, ready for the restart. */
	assert_int_equal(enet_driver_view(drv).rx_posted, RX_SLOTS);
	/* TX is held in the queue, not dropped and not kicked. */
	uint32_t tdar_before = nic->tdar_writes;
	send_tx(100, 3, 64);
	assert_int_equal(enet_driver_view(drv).tx_posted, 0);
	assert_int_equal(mux->tx.ngot, 0);
	assert_int_equal(nic->tdar_writes, tdar_before);
	assert_int_equal(drv_counter("tx_held_halted"), 1);
	/* Half the back-off: still halted; the link is still polled. */
	advance_polls(1);
	assert_int_equal(drv_counter("halted"), 1);
	assert_int_equal(drv_counter("halt_retries"), 0);
	assert_int_equal(drv_counter("link_up"), 1);
	assert_int_equal(drv_counter("mdio_timeouts"), 0);
	/* The back-off (1 s) has passed: restarted, held frames go out. */
	advance_polls(1);
	assert_int_equal(drv_counter("halted"), 0);
	assert_int_equal(drv_counter("halt_retries"), 1);
	assert_int_equal(reg(nic, ENET_ECR) & ENET_ECR_ETHEREN,
			 ENET_ECR_ETHEREN);
	assert_int_equal(tx_bds_owned_by_mac(), 3);
	assert_int_equal(nic->tdar_writes, tdar_before + 1);
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS);
	assert_true(fake_rx_frame(nic, 90, ENET_RXBD_L));
	hw_event();
	assert_int_equal(mux->rx.ngot, 1);
	assert_int_equal(mux->rx.got[0].len, 90);
}

static void eberr_storm_backoff_doubles_while_it_persists(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	eberr_storm(ENET_DRV_EBERR_BURST + 1);
	advance_polls(2); /* first retry after 1 s */
	assert_int_equal(drv_counter("halt_retries"), 1);
	eberr_storm(ENET_DRV_EBERR_BURST + 1);
	assert_int_equal(drv_counter("eberr_halts"), 2);
	assert_int_equal(drv_counter("eberr_resets"), 2 * ENET_DRV_EBERR_BURST);
	advance_polls(3); /* 1.5 s of a 2 s back-off */
	assert_int_equal(drv_counter("halted"), 1);
	advance_polls(1);
	assert_int_equal(drv_counter("halted"), 0);
	assert_int_equal(drv_counter("halt_retries"), 2);
}

/* ---- link ------------------------------------------------------------ */

static void link_down_holds_tx_and_link_up_releases_it(void **unused)
{
	(void)unused;
	nic->phy[MII_BMSR] &= (uint16_t)~BMSR_LSTATUS;
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("link_up"), 0);
	assert_int_equal(drv_counter("speed_mbps"), 0);
	send_tx(0, 3, 64);
	assert_int_equal(tx_bds_owned_by_mac(), 0);
	assert_int_equal(nic->tdar_writes, 0);
	assert_int_equal(mux->tx.ngot, 0);
	assert_int_equal(drv_counter("tx_held_link_down"), 1);
	nic->phy[MII_BMSR] |= BMSR_LSTATUS;
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("link_up"), 1);
	assert_int_equal(drv_counter("link_changes"), 3); /* up, down, up */
	assert_int_equal(tx_bds_owned_by_mac(), 3);
	assert_int_equal(nic->tdar_writes, 1);
}

static void link_at_gigabit_restarts_mac_with_speed_bit(void **unused)
{
	(void)unused;
	nic->phy[MII_BMSR] |= BMSR_ESTATEN;
	nic->phy[MII_CTRL1000] = CTRL1000_ADV_1000FULL;
	nic->phy[MII_STAT1000] = STAT1000_LP_1000FULL;
	provide_rx(0, 4);
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("speed_mbps"), 1000);
	assert_int_equal(drv_counter("link_restarts"), 1);
	assert_int_equal(reg(nic, ENET_ECR),
			 ENET_ECR_ETHEREN | ENET_ECR_DBSWP | ENET_ECR_SPEED);
	assert_int_equal(rx_bds_owned_by_mac(), 4);
}

static void mdio_without_completion_counts_timeout(void **unused)
{
	(void)unused;
	nic->mdio_silent = true;
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("mdio_timeouts"), 0);
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("mdio_timeouts"), 1);
	assert_int_equal(drv_counter("link_up"), 1); /* unknown is not down */
}

/* A PHY whose ID reads all zeros (or, in test_enet_system, all ones) is
 * no PHY: link down, counted, whatever its other registers say. */
static void phy_id_of_zero_is_no_phy_and_link_down(void **unused)
{
	(void)unused;
	nic->phy[MII_PHYSID1] = 0;
	nic->phy[MII_PHYSID2] = 0;
	nic->phy[MII_BMSR] = 0xffff;
	sdvf_sim_advance(sim, POLL_NS);
	run();
	/* Found at init, so the next poll reads BMSR: all ones is gone. */
	assert_int_equal(drv_counter("phy_absent"), 1);
	assert_int_equal(drv_counter("link_up"), 0);
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("phy_absent"), 2); /* the ID, now */
	assert_int_equal(drv_counter("link_up"), 0);
	assert_int_equal(drv_counter("link_restarts"), 0);
	send_tx(0, 1, 64);
	assert_int_equal(tx_bds_owned_by_mac(), 0);
}

static void rx_frame_shorter_than_header_and_fcs_is_recycled(void **unused)
{
	(void)unused;
	provide_rx(0, RX_SLOTS);
	assert_true(fake_rx_frame(nic, 13, ENET_RXBD_L)); /* BD says 17 */
	assert_true(fake_rx_frame(nic, 14, ENET_RXBD_L)); /* BD says 18 */
	hw_event();
	assert_int_equal(drv_counter("rx_err_short"), 1);
	assert_int_equal(mux->rx.ngot, 1);
	assert_int_equal(mux->rx.got[0].len, 14);
	assert_int_equal(rx_bds_owned_by_mac(), RX_SLOTS - 1);
}

/* ---- stats ----------------------------------------------------------- */

static void mib_counters_reach_published_counters(void **unused)
{
	(void)unused;
	nic->regs[ENET_RMON_R_PACKETS / 4] = 7;
	nic->regs[ENET_IEEE_R_CRC / 4] = 2;
	nic->regs[ENET_RMON_T_OCTETS / 4] = 6000;
	sdvf_sim_advance(sim, POLL_NS);
	run();
	assert_int_equal(drv_counter("mib_r_packets"), 7);
	assert_int_equal(drv_counter("mib_r_crc"), 2);
	assert_int_equal(drv_counter("mib_t_octets"), 6000);
	assert_int_equal(drv_counter("link_up"), 1);
	assert_int_equal(sdvf_sim_counters_refused(sim, "drv"), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, boot_default, teardown)
#define W(name) cmocka_unit_test_setup_teardown(name, boot_windows, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(init_programs_every_register),
		T(init_orders_reset_mib_config_then_enable),
		cmocka_unit_test(init_keeps_hardware_mac_without_config),
		cmocka_unit_test(init_refuses_bd_rings_it_may_only_read),
		cmocka_unit_test(init_refuses_without_dma_window),
		cmocka_unit_test(init_refuses_window_without_rights),
		cmocka_unit_test(init_refuses_window_rights_other_than_r_w_rw),
		cmocka_unit_test(init_refuses_window_past_4_gib),
		cmocka_unit_test(init_refuses_overlapping_windows),
		cmocka_unit_test(init_refuses_window_over_bd_rings),
		T(rx_buffers_fill_ring_with_wrap_on_last),
		T(rx_frames_delivered_in_order_across_ring_wrap),
		T(rx_frame_landing_before_eir_clear_is_delivered),
		T(rx_error_frames_counted_and_recycled),
		T(rx_rejects_buffers_outside_dma_windows),
		W(rx_rejects_buffer_in_window_device_may_only_read),
		W(rx_rejects_buffers_across_or_past_a_window_end),
		W(rx_rejects_buffers_past_the_top_of_io_space),
		T(rx_full_ring_leaves_extra_buffers_in_queue),
		T(tx_completions_return_in_submit_order),
		T(tx_rejects_bad_length_and_address),
		W(tx_rejects_frame_in_window_device_may_only_write),
		W(tx_rejects_frames_across_or_past_a_window_end),
		W(buffers_in_windows_of_their_direction_are_posted),
		T(tx_full_ring_holds_frames_in_queue),
		T(tx_batch_costs_one_tdar_and_one_doorbell),
		T(rx_batch_costs_one_rdar_and_one_mux_signal),
		T(eberr_resets_and_accounts_for_every_buffer),
		T(eberr_storm_halts_mac_holds_tx_and_retries),
		T(eberr_storm_backoff_doubles_while_it_persists),
		T(link_down_holds_tx_and_link_up_releases_it),
		T(link_at_gigabit_restarts_mac_with_speed_bit),
		T(mdio_without_completion_counts_timeout),
		T(phy_id_of_zero_is_no_phy_and_link_down),
		T(rx_frame_shorter_than_header_and_fcs_is_recycled),
		T(mib_counters_reach_published_counters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
