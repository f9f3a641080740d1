/*
 * enet_fake_nic_fixture.h: the ENET driver (driver/enet/enet_driver*.c)
 * against a test-local fake ENET in the sim runtime, as the
 * test_enet_driver_* programs stand on it.
 *
 * fake_enet plays the hardware: it owns the register page, applies the
 * driver's posted writes in order (logging each), resets on ECR.RESET,
 * clears EIR bits written as 1 as of when the write was posted (the
 * events stamp, driver/enet/enet_mmio.h), answers MDIO reads from a
 * scriptable PHY,
 * and raises `irq` while EIR & EIMR until the driver acks.  Tests move
 * frames by hand (fake_rx_frame, fake_tx_complete) so every step is exact.
 * The ENET fixture (enet_fixture.h) plays both muxes on the driver's four
 * queues and logs what comes back; every test ends with its buffer
 * conservation check (teardown).  The system is
 * tests/fixtures/enet-fake-nic.dts (boot_default) or
 * tests/fixtures/enet-fake-nic-windows.dts (boot_windows).  (The full ENET
 * model is specified in test_enet_model_*.c.)
 *
 * Header-only, included once by each test after cmocka.h: its state is
 * the test file's own statics (sys, sim, nic, drv, mux), named as the
 * tests use them.
 */
#ifndef SDVF_TESTS_ENET_FAKE_NIC_FIXTURE_H
#define SDVF_TESTS_ENET_FAKE_NIC_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

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
	uint32_t events;	    /* EIR events raised (fake_set_eir) */
	uint32_t eir_raised_at[32]; /* the latest event of each bit */
	bool irq_masked;	    /* raised and not yet acked */
	uint32_t rx_idx, tx_idx;
	uint16_t phy[32];
	bool mdio_silent; /* never complete MDIO transfers */
	/* MMFR as a previous owner left it (set before sdvf_sim_init);
	 * with it, MSCR going 0 -> non-zero raises a spurious MII event
	 * (Linux FEC_QUIRK_CLEAR_SETUP_MII). */
	uint32_t mmfr_at_boot;
	/* Frames that complete just before the next EIR write-1-to-clear
	 * reaches the MAC (after the driver posted it, before it landed). */
	uint32_t frames_before_eir_clear;
	/* RCR.CRCFWD never sticks, as on QEMU: every RX frame keeps its FCS. */
	bool keeps_fcs;
	struct fake_write log[LOG_MAX];
	uint32_t nlog;
	uint32_t resets, rdar_writes, tdar_writes, doorbells, acks;
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

static inline uint32_t reg(struct fake_enet *f, uint32_t off)
{
	return f->regs[off / 4];
}

static inline void fake_raise(struct fake_enet *f)
{
	if (f->irq_masked || !(reg(f, ENET_EIR) & reg(f, ENET_EIMR)))
		return;
	f->irq_masked = true;
	sdvf_notify(f->pd, f->ch_irq);
}

/* An event dated `date` (the tests stay far below 2^31 events): EIR bits
 * set, then the count the driver stamps writes with. */
static inline void fake_raise_dated(struct fake_enet *f, uint32_t bits,
				    uint32_t date)
{
	f->events++;
	for (uint32_t b = bits; b != 0; b &= b - 1) {
		unsigned bit = (unsigned)__builtin_ctz(b);
		if ((int32_t)(f->eir_raised_at[bit] - date) < 0)
			f->eir_raised_at[bit] = date;
	}
	f->regs[ENET_EIR / 4] |= bits;
	atomic_store_explicit(&f->posted->events, f->events,
			      memory_order_release);
}

static inline void fake_set_eir(struct fake_enet *f, uint32_t bits)
{
	fake_raise_dated(f, bits, f->events + 1);
}

/* W1C of the bits whose latest event the driver had seen when it posted
 * the write. */
static inline void fake_clear_eir(struct fake_enet *f, uint32_t value,
				  uint32_t seen)
{
	for (uint32_t b = value; b != 0; b &= b - 1) {
		unsigned bit = (unsigned)__builtin_ctz(b);
		if ((int32_t)(f->eir_raised_at[bit] - seen) <= 0)
			f->regs[ENET_EIR / 4] &= ~(1u << bit);
	}
}

static inline void fake_mdio(struct fake_enet *f, uint32_t value)
{
	uint32_t ra = (value >> ENET_MMFR_RA_SHIFT) & 31u;
	f->regs[ENET_MMFR / 4] = value;
	if (f->mdio_silent)
		return;
	if ((value & (3u << 28)) == ENET_MMFR_OP_READ)
		f->regs[ENET_MMFR / 4] = (value & ~0xffffu) | f->phy[ra];
	fake_set_eir(f, ENET_INT_MII);
}

static inline void fake_apply(struct fake_enet *f, uint32_t off, uint32_t value,
			      uint32_t seen)
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
		fake_clear_eir(f, value, seen);
		break;
	case ENET_MMFR:
		fake_mdio(f, value);
		break;
	case ENET_MSCR:
		/* older than any later clear (enet_raise_as_write_lands) */
		if (!(reg(f, ENET_MSCR) & 0xffu) && (value & 0xffu) &&
		    reg(f, ENET_MMFR))
			fake_raise_dated(f, ENET_INT_MII, 0);
		f->regs[ENET_MSCR / 4] = value;
		break;
	case ENET_RDAR:
		f->rdar_writes++;
		f->regs[ENET_RDAR / 4] = ENET_RDAR_ACTIVE;
		break;
	case ENET_TDAR:
		f->tdar_writes++;
		f->regs[ENET_TDAR / 4] = ENET_TDAR_ACTIVE;
		break;
	case ENET_RCR:
		f->regs[ENET_RCR / 4] =
			f->keeps_fcs ? value & ~ENET_RCR_CRCFWD : value;
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

static inline void fake_drain(struct fake_enet *f)
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
		fake_apply(f, w.offset, w.value, w.events);
		f->head++;
	}
	atomic_store_explicit(&f->posted->head, f->head, memory_order_release);
}

static inline int fake_init(void *state, struct sdvf_pd *pd)
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
	f->regs[ENET_MMFR / 4] = f->mmfr_at_boot;
	/* A 100 Mb/s full-duplex PHY with the link up. */
	f->phy[MII_PHYSID1] = 0x0022;
	f->phy[MII_PHYSID2] = 0x1560;
	f->phy[MII_BMSR] = BMSR_LSTATUS | BMSR_ANEGCOMPLETE;
	f->phy[MII_BMCR] = BMCR_ANENABLE;
	f->phy[MII_ADVERTISE] = 0x01e1;
	f->phy[MII_LPA] = 0x01e1;
	return 0;
}

static inline void fake_notified(void *state, struct sdvf_pd *pd,
				 sdvf_channel_t ch)
{
	struct fake_enet *f = state;
	(void)pd;
	/* As the model: whatever woke it, it applies what is posted first. */
	if (ch == f->ch_irq) {
		f->irq_masked = false; /* the driver's ack */
		f->acks++;
	} else {
		f->doorbells++;
	}
	fake_drain(f);
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

static inline volatile struct enet_bd *fake_bd(struct fake_enet *f,
					       uint32_t base, uint32_t idx)
{
	uint32_t ring = reg(f, base);
	return (volatile struct enet_bd *)(f->rings + (ring - RING_IO) +
					   idx * 8u);
}

/* The MAC receives one frame into the next BD; false if it had none. */
static inline bool fake_rx_frame(struct fake_enet *f, uint16_t len,
				 uint16_t flags)
{
	volatile struct enet_bd *bd = fake_bd(f, ENET_RDSR, f->rx_idx);
	if (!(reg(f, ENET_ECR) & ENET_ECR_ETHEREN) || !(bd->stat & ENET_RXBD_E))
		return false;
	uint16_t wrap = bd->stat & ENET_RXBD_W;
	/* `len` is the frame; the MAC keeps its FCS unless RCR.CRCFWD. */
	uint16_t fcs = (reg(f, ENET_RCR) & ENET_RCR_CRCFWD) ? 0 : 4u;
	bd->len = len ? (uint16_t)(len + fcs) : 0;
	atomic_thread_fence(memory_order_release);
	bd->stat = (uint16_t)(wrap | flags);
	f->rx_idx = wrap ? 0 : f->rx_idx + 1;
	fake_set_eir(f, ENET_INT_RXF);
	return true;
}

/* The MAC sends every ready TX BD, in ring order. */
static inline void fake_tx_complete(struct fake_enet *f)
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
		fake_set_eir(f, ENET_INT_TXF);
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
static inline uint64_t drv_counter(const char *name)
{
	bool found = false;
	uint64_t value = sdvf_sim_counter(sim, "drv", name, &found);
	assert_true(found);
	return value;
}
static struct enet_fixture *mux;

/* Create the sim of the loaded `sys`; the fake ENET's state may be set
 * before boot_start runs every init. */
static inline void boot_create(void)
{
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	nic = sdvf_sim_state(sim, "nic");
	drv = sdvf_sim_state(sim, "drv");
	mux = sdvf_sim_state(sim, "mux");
}

static inline void boot_start(void)
{
	assert_int_equal(sdvf_sim_init(sim), 0);
	sdvf_sim_run(sim, 10000);
}

static inline void boot(const char *system)
{
	assert_int_equal(sdvf_system_load(&sys, system, table, stderr), 0);
	boot_create();
	boot_start();
}

static inline int boot_default(void **unused)
{
	(void)unused;
	boot(SYSTEM);
	return 0;
}

static inline int boot_windows(void **unused)
{
	(void)unused;
	boot(WINDOWS);
	return 0;
}

static inline int teardown(void **unused)
{
	(void)unused;
	assert_int_equal(enet_fixture_conservation_errors(mux, drv), 0);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	sim = NULL;
	return 0;
}

static inline void run(void)
{
	sdvf_sim_run(sim, 100000);
}

/* The test as the hardware: raise pending events and let everyone run. */
static inline void hw_event(void)
{
	fake_raise(nic);
	run();
}

/* The fixture's buffer b is at DMA_IO + b * 2048, RX and TX alike. */
static inline void provide_rx(uint32_t first, uint32_t n)
{
	assert_int_equal(enet_fixture_provide_rx(mux, first, n), n);
	run();
}

static inline void send_tx(uint32_t first, uint32_t n, uint16_t len)
{
	assert_int_equal(enet_fixture_queue_tx(mux, first, n, len), n);
	run();
}

static inline uint32_t rx_bds_owned_by_mac(void)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < RX_SLOTS; i++)
		n += (fake_bd(nic, ENET_RDSR, i)->stat & ENET_RXBD_E) != 0;
	return n;
}

static inline uint32_t tx_bds_owned_by_mac(void)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < TX_SLOTS; i++)
		n += (fake_bd(nic, ENET_TDSR, i)->stat & ENET_TXBD_R) != 0;
	return n;
}

#endif
