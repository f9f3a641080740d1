/*
 * The i.MX ENET driver: controller bring-up and the event loop.
 *
 * One activation = one notification: the ENET interrupt (`irq`), the RX
 * side (`rx`), the TX side (`tx`) or the PHY poll timer.  Each activation
 * does its work, then ends the same way (activation_end): at most one RDAR
 * and one TDAR write, one doorbell for the posted writes (none when the
 * interrupt ack carries them), each mux queue it moved published or
 * released once, at most one notification per mux, and the interrupt ack
 * last.
 *
 * The data path lives in enet_driver_rings.c, MDIO/link/MIB in
 * enet_driver_phy.c, the controller stop (reset_mode), bus errors and the
 * silicon hazards' answers in enet_driver_reset.c.  Registers only
 * through enet_mmio.h.
 */
#include "driver/enet/enet_driver.h"

#include "core/bytes.h"
#include "core/pd_queue.h"
#include "core/queue.h"

/* ---- configuration: what the system description gave us ------------ */

/* Register access: posted through the model's ring when `enet_mmio` is
 * granted, plain MMIO on `enet_regs` otherwise (UIO, bare metal). */
static bool setup_mmio(struct enet_driver *drv)
{
	const struct sdvf_region *regs = sdvf_region(drv->pd, "enet_regs");
	const struct sdvf_region *posted = sdvf_region(drv->pd, "enet_mmio");
	if (!regs || regs->size < ENET_REG_PAGE_BYTES) {
		sdvf_log(drv->pd, SDVF_LOG_ERROR,
			 "enet: region 'enet_regs' missing or under 4 KiB");
		return false;
	}
	drv->mmio.pd = drv->pd;
	drv->mmio.regs = (const volatile uint32_t *)regs->base;
	if (posted) {
		if (posted->size < sizeof(struct enet_mmio_ring)) {
			sdvf_log(drv->pd, SDVF_LOG_ERROR,
				 "enet: region 'enet_mmio' too small");
			return false;
		}
		drv->mmio.posted = (struct enet_mmio_ring *)posted->base;
		drv->mmio.doorbell = sdvf_channel(drv->pd, "mmio");
		drv->mmio.tail = atomic_load_explicit(&drv->mmio.posted->tail,
						      memory_order_relaxed);
		drv->mmio.flushed = drv->mmio.tail;
		drv->mmio.clear_tail = drv->mmio.tail;
		return drv->mmio.doorbell != SDVF_CHANNEL_NONE;
	}
	if (!(regs->rights & SDVF_W)) {
		sdvf_log(drv->pd, SDVF_LOG_ERROR,
			 "enet: direct MMIO needs 'enet_regs' rw");
		return false;
	}
	drv->mmio.regs_rw = (volatile uint32_t *)regs->base;
	return true;
}

/* RX ring at the start of enet_rings, TX ring after it, both 64-aligned. */
static bool setup_rings(struct enet_driver *drv)
{
	const struct sdvf_region *r = sdvf_region(drv->pd, "enet_rings");
	drv->rx_slots = (uint32_t)sdvf_config_u64(drv->pd, "rx_ring");
	drv->tx_slots = (uint32_t)sdvf_config_u64(drv->pd, "tx_ring");
	uint64_t rx_bytes = (uint64_t)drv->rx_slots * sizeof(struct enet_bd);
	uint64_t tx_off = (rx_bytes + ENET_BD_RING_ALIGN - 1) &
			  ~(uint64_t)(ENET_BD_RING_ALIGN - 1);
	uint64_t need = tx_off + (uint64_t)drv->tx_slots * 8;
	if (!r || !(r->rights & SDVF_W) || !r->has_io || r->size < need ||
	    r->io_addr % ENET_BD_RING_ALIGN != 0 ||
	    r->io_addr + need > (uint64_t)UINT32_MAX + 1) {
		sdvf_log(drv->pd, SDVF_LOG_ERROR,
			 "enet: region 'enet_rings' needs rw, an io address "
			 "below 4 GiB, 64-aligned, and %llu bytes",
			 (unsigned long long)need);
		return false;
	}
	drv->rx_bd = (volatile struct enet_bd *)r->base;
	drv->tx_bd = (volatile struct enet_bd *)((uint8_t *)r->base + tx_off);
	drv->rx_ring_io = r->io_addr;
	drv->tx_ring_io = r->io_addr + tx_off;
	return true;
}

/* The configuration keys of DMA window n (the parameters below). */
#define WINDOW_KEYS(n)                                                         \
	{                                                                      \
		"dma" #n "_io", "dma" #n "_size", "dma" #n "_rights"           \
	}
static const struct {
	const char *io, *size, *rights;
} window_keys[ENET_DRV_DMA_WINDOWS] = {
	WINDOW_KEYS(0), WINDOW_KEYS(1), WINDOW_KEYS(2), WINDOW_KEYS(3),
	WINDOW_KEYS(4), WINDOW_KEYS(5), WINDOW_KEYS(6), WINDOW_KEYS(7),
};

/* What the device may do in window i: SDVF_R, SDVF_W, SDVF_RW, or 0 for a
 * value the description left out or got wrong (logged). */
static unsigned window_rights(struct enet_driver *drv, unsigned i)
{
	const char *rights = sdvf_config_str(drv->pd, window_keys[i].rights);
	if (rights && sdvf_str_equal(rights, "r"))
		return SDVF_R;
	if (rights && sdvf_str_equal(rights, "w"))
		return SDVF_W;
	if (rights && sdvf_str_equal(rights, "rw"))
		return SDVF_RW;
	sdvf_log(drv->pd, SDVF_LOG_ERROR,
		 "enet: %s %s%s%s: must be \"r\" (the device only reads "
		 "the window: TX buffers), \"w\" (it only writes it: RX "
		 "buffers) or \"rw\"",
		 window_keys[i].rights, rights ? "\"" : "missing",
		 rights ? rights : "", rights ? "\" is invalid" : "");
	return 0;
}

static bool ranges_overlap(uint64_t a_io, uint64_t a_size, uint64_t b_io,
			   uint64_t b_size)
{
	return a_io < b_io + b_size && b_io < a_io + a_size;
}

/* Windows lie below 4 GiB (a BD holds 32 bits), apart from each other (so
 * a buffer's window, and its rights, are never a guess) and apart from the
 * BD rings (an RX buffer there would have the MAC write over its BDs). */
static bool window_placed_ok(struct enet_driver *drv, unsigned i)
{
	const struct enet_window *w = &drv->windows[i];
	const struct sdvf_region *rings = sdvf_region(drv->pd, "enet_rings");
	if (w->io + w->size > (uint64_t)UINT32_MAX + 1) {
		sdvf_log(drv->pd, SDVF_LOG_ERROR, "enet: %s + %s passes 4 GiB",
			 window_keys[i].io, window_keys[i].size);
		return false;
	}
	if (ranges_overlap(w->io, w->size, rings->io_addr, rings->size)) {
		sdvf_log(drv->pd, SDVF_LOG_ERROR,
			 "enet: %s/%s overlaps the BD rings (enet_rings at io "
			 "0x%llx)",
			 window_keys[i].io, window_keys[i].size,
			 (unsigned long long)rings->io_addr);
		return false;
	}
	for (unsigned j = 0; j < i; j++) {
		const struct enet_window *v = &drv->windows[j];
		if (v->size != 0 &&
		    ranges_overlap(w->io, w->size, v->io, v->size)) {
			sdvf_log(drv->pd, SDVF_LOG_ERROR,
				 "enet: DMA windows %s/%s and %s/%s overlap",
				 window_keys[j].io, window_keys[j].size,
				 window_keys[i].io, window_keys[i].size);
			return false;
		}
	}
	return true;
}

/* After setup_rings: windows are checked against the rings. */
static bool setup_windows(struct enet_driver *drv)
{
	unsigned used = 0;
	for (unsigned i = 0; i < ENET_DRV_DMA_WINDOWS; i++) {
		struct enet_window *w = &drv->windows[i];
		w->io = sdvf_config_u64(drv->pd, window_keys[i].io);
		w->size = sdvf_config_u64(drv->pd, window_keys[i].size);
		if (w->size == 0)
			continue;
		w->rights = window_rights(drv, i);
		if (w->rights == 0 || !window_placed_ok(drv, i) ||
		    !enet_window_aligned(drv, w->io, w->rights,
					 window_keys[i].io))
			return false;
		used++;
	}
	if (used == 0)
		sdvf_log(drv->pd, SDVF_LOG_ERROR,
			 "enet: no DMA window configured "
			 "(dma0_io/dma0_size/dma0_rights)");
	return used != 0;
}

static void setup_mode(struct enet_driver *drv)
{
	const char *mode = sdvf_config_str(drv->pd, "phy_mode");
	drv->interface = ENET_IF_RGMII;
	if (mode && sdvf_str_equal(mode, "rmii"))
		drv->interface = ENET_IF_RMII;
	else if (mode && sdvf_str_equal(mode, "mii"))
		drv->interface = ENET_IF_MII;
	/* MDC at most 2.5 MHz; hold time at least 10 ns (IEEE 802.3 22.2.2) */
	uint32_t clk = (uint32_t)sdvf_config_u64(drv->pd, "ref_clk_hz");
	uint32_t speed = (clk + 4999999u) / 5000000u - 1u;
	uint32_t hold = (clk + 99999999u) / 100000000u - 1u;
	drv->mscr =
		(speed << ENET_MSCR_MII_SPEED_SHIFT) & ENET_MSCR_MII_SPEED_MASK;
	drv->mscr |= (hold & 7u) << ENET_MSCR_HOLDTIME_SHIFT;
	/* Until the PHY says otherwise: full duplex at the interface's top
	 * speed without ECR.SPEED, which suits 100 Mb/s MII/RMII and QEMU. */
	drv->mode.speed_mbps = 100;
	drv->mode.full_duplex = true;
}

static void setup_mac(struct enet_driver *drv)
{
	size_t len = 0;
	const uint8_t *mac = sdvf_config_bytes(drv->pd, "mac", &len);
	if (mac && len == 6) {
		sdvf_copy(drv->mac, mac, 6);
		return;
	}
	/* Keep what firmware left in PALR/PAUR (read before the reset):
	 * bytes 0..3 in PALR, 4..5 in PAUR's upper half, first byte high. */
	sdvf_put_be32(drv->mac, enet_readl(&drv->mmio, ENET_PALR));
	sdvf_put_be16(drv->mac + 4,
		      (uint16_t)(enet_readl(&drv->mmio, ENET_PAUR) >> 16));
}

/* ---- controller bring-up -------------------------------------------- */

/* ECR = 0 or ECR.RESET, as reset_mode says (enet_driver_reset.c). */
static bool reset_controller(struct enet_driver *drv)
{
	return enet_controller_stop(drv);
}

static uint32_t rcr_value(const struct enet_driver *drv)
{
	uint32_t rcr = ENET_DRV_MAX_FL << ENET_RCR_MAX_FL_SHIFT;
	/* MII_MODE is mandatory; PROM because every client owns its own MAC
	 * and the RX mux classifies; CRCFWD: the MAC checks the FCS and
	 * strips it, so no buffer carries it (program_controller reads RCR
	 * back: QEMU's ENET masks RCR with 0x07ff003f, so there the FCS
	 * stays and enet_rx_return takes it off). */
	rcr |= ENET_RCR_MII_MODE | ENET_RCR_PROM | ENET_RCR_CRCFWD;
	if (drv->interface == ENET_IF_RGMII)
		rcr |= ENET_RCR_RGMII_EN;
	if (drv->interface == ENET_IF_RMII)
		rcr |= ENET_RCR_RMII_MODE;
	/* 10 Mb/s on any interface (Linux's fec_restart does the same). */
	if (drv->mode.speed_mbps == 10)
		rcr |= ENET_RCR_RMII_10T;
	if (!drv->mode.full_duplex)
		rcr |= ENET_RCR_DRT;
	return rcr;
}

static void program_controller(struct enet_driver *drv)
{
	struct enet_mmio *m = &drv->mmio;
	enet_writel(m, ENET_EIMR, 0);
	/* MSCR first: the MII event its write can raise is cleared below. */
	enet_writel(m, ENET_MSCR, drv->mscr);
	enet_writel(m, ENET_EIR, 0xffffffffu);
	enet_program_fixed(drv);
	enet_writel(m, ENET_IAUR, 0);
	enet_writel(m, ENET_IALR, 0);
	enet_writel(m, ENET_GAUR, 0);
	enet_writel(m, ENET_GALR, 0);
	enet_writel(m, ENET_PALR, sdvf_get_be32(drv->mac));
	enet_writel(m, ENET_PAUR, (uint32_t)sdvf_get_be16(drv->mac + 4) << 16);
	enet_writel(m, ENET_OPD, ENET_OPD_OPCODE | 0xfff0u);
	enet_writel(m, ENET_TIPG, ENET_TIPG_DEFAULT);
	/* Store and forward: a frame starts only when wholly in the FIFO, so
	 * a slow bus never underruns the wire. */
	enet_writel(m, ENET_TFWR, ENET_TFWR_STRFWD);
	enet_writel(m, ENET_RDSR, (uint32_t)drv->rx_ring_io);
	enet_writel(m, ENET_TDSR, (uint32_t)drv->tx_ring_io);
	enet_writel(m, ENET_MRBR, ENET_DRV_RX_BUF_BYTES);
	enet_writel(m, ENET_RCR, rcr_value(drv));
	drv->rx_fcs =
		(enet_readl(m, ENET_RCR) & ENET_RCR_CRCFWD) ? 0 : ENET_DRV_FCS;
	enet_writel(m, ENET_TCR, drv->mode.full_duplex ? ENET_TCR_FDEN : 0);
	enet_coalesce_program(drv);
	enet_writel(m, ENET_EIMR,
		    ENET_INT_TXF | ENET_INT_RXF | ENET_INT_EBERR |
			    ENET_INT_MII);
	uint32_t ecr = ENET_ECR_ETHEREN | ENET_ECR_DBSWP;
	if (drv->mode.speed_mbps == 1000)
		ecr |= ENET_ECR_SPEED;
	enet_writel(m, ENET_ECR, ecr);
}

/*
 * Reset and reprogram the MAC, keeping every buffer accounted for: RX
 * buffers in BDs are re-posted from slot 0 (the MAC restarts at RDSR);
 * TX frames still in BDs go back on tx_free with SDVF_NET_TX_ERROR.
 */
bool enet_hw_restart(struct enet_driver *drv)
{
	if (!reset_controller(drv))
		return false;
	program_controller(drv);
	/* ECR.RESET leaves the MIB disabled (MIBC.DIS): count again, without
	 * clearing what the counters hold (they survive the reset). */
	enet_writel(&drv->mmio, ENET_MIBC, 0);
	enet_rings_init(drv, true);
	enet_phy_resume(drv); /* its MII event may have died with the MAC */
	return true;
}

static void mib_reset(struct enet_driver *drv)
{
	enet_writel(&drv->mmio, ENET_MIBC, ENET_MIBC_DIS);
	enet_writel(&drv->mmio, ENET_MIBC, ENET_MIBC_DIS | ENET_MIBC_CLEAR);
	enet_writel(&drv->mmio, ENET_MIBC, 0);
}

/* ---- activations ---------------------------------------------------- */

/* Every counter by its field name; state-like ones start at 0 even when a
 * restarted PD gets its old values back. */
static void counters_register(struct enet_driver *drv, struct sdvf_pd *pd)
{
#define ENET_COUNTER_REGISTER(name, meaning)                                   \
	drv->stats.name = sdvf_counter(pd, #name);
	ENET_DRIVER_COUNTERS(ENET_COUNTER_REGISTER)
#undef ENET_COUNTER_REGISTER
	sdvf_counter_set(drv->stats.link_up, 0);
	sdvf_counter_set(drv->stats.speed_mbps, 0);
	sdvf_counter_set(drv->stats.full_duplex, 0);
}

/*
 * Publish once, signal once (core/pd_queue.h), for one mux: release what
 * this activation took from the queue the mux fills, publish what it gave
 * to the queue the mux drains; true if either side asked for a signal (one
 * notification covers both).  The finish helpers report nothing for a
 * queue this activation did not move, so a request on it waits for real
 * work, not a spurious wake-up.
 */
static bool mux_finish(struct sdvf_queue *from_mux, struct sdvf_queue *to_mux)
{
	bool signal = sdvf_queue_consumer_finish(from_mux);
	if (sdvf_queue_producer_finish(to_mux))
		signal = true;
	return signal;
}

static void activation_end(struct enet_driver *drv)
{
	/* BD writes (stat last) must be visible before the MAC is kicked. */
	enet_wmb();	 /* as Linux's wmb() before writel (enet_mmio.h) */
	if (drv->halted) /* a stopped MAC ignores kicks; keep them */
		drv->kick_rdar = drv->kick_tdar = false;
	/* ERR007885, before this activation posts anything more: a read
	 * waits for the model to apply what is posted. */
	if (drv->kick_tdar && !enet_tdar_write_safe(drv))
		drv->kick_tdar = false;
	enet_coalesce_adapt(drv);
	if (drv->kick_rdar) {
		enet_writel(&drv->mmio, ENET_RDAR, ENET_RDAR_ACTIVE);
		drv->rdar_writes++;
	}
	if (drv->kick_tdar) {
		enet_writel(&drv->mmio, ENET_TDAR, ENET_TDAR_ACTIVE);
		drv->tdar_writes++;
	}
	drv->kick_rdar = drv->kick_tdar = false;
	/* Received frames first: a client waits for them.  The posted writes
	 * after them are kicks: RDAR for a ring that has other empty BDs
	 * still, TDAR for frames the RX mux's signal does not delay (it
	 * costs one system call here; on hardware, nothing). */
	if (mux_finish(&drv->rx_free, &drv->rx_active))
		sdvf_notify(drv->pd, drv->ch_rx);
	if (drv->ack_irq)
		enet_mmio_told_by_ack(&drv->mmio);
	else
		enet_mmio_flush(&drv->mmio);
	bool tx_news = drv->tx_free.own != drv->tx_free.announced;
	if (mux_finish(&drv->tx_active, &drv->tx_free) ||
	    (tx_news && drv->tx_coalesced_irq))
		sdvf_notify(drv->pd, drv->ch_tx);
	drv->tx_coalesced_irq = false;
	/* Last: unmasking earlier could re-enter for events handled here. */
	if (drv->ack_irq)
		sdvf_irq_ack(drv->pd, drv->ch_irq);
	drv->ack_irq = false;
	sdvf_counter_set(drv->stats.mmio_waits, drv->mmio.waits);
}

#define EIR_OTHER                                                              \
	(ENET_INT_BABR | ENET_INT_BABT | ENET_INT_LC | ENET_INT_RL |           \
	 ENET_INT_UN)

static void handle_irq(struct enet_driver *drv)
{
	sdvf_counter_add(drv->stats.irq_activations, 1);
	drv->ack_irq = true;
	bool posted = enet_mmio_is_posted(&drv->mmio);
	for (uint32_t round = 0; round < ENET_DRV_IRQ_LOOPS; round++) {
		uint32_t eir = enet_read_eir(&drv->mmio);
		if (eir == 0)
			break;
		/* Clear what we saw before handling it, and make the clear
		 * land before looking at the rings: a frame that completes
		 * before the clear reaches the MAC has its event cleared too,
		 * so the reap below must see its BD; one that completes after
		 * sets the bit again.  On a bus the read-back makes it land.
		 * The model applies a posted clear as of when it was posted
		 * (enet_mmio.h), so there the reap already sees every BD
		 * whose event it clears, and nothing waits. */
		enet_writel(&drv->mmio, ENET_EIR, eir);
		if (!posted)
			(void)enet_readl(&drv->mmio, ENET_EIR);
		if (eir & EIR_OTHER)
			sdvf_counter_add(drv->stats.eir_other, 1);
		/* TX whatever the cause: its event may be coalesced
		 * (enet_driver_coalesce.c), its BDs done all the same. */
		enet_tx_return(drv);
		if ((eir & ENET_INT_TXF) && drv->txic_now != 0)
			drv->tx_coalesced_irq = true;
		if (eir & (ENET_INT_RXF | ENET_INT_RXB))
			enet_rx_return(drv);
		/* MMFR data is lost in a reset: take it first. */
		if (eir & ENET_INT_MII)
			enet_phy_mdio_done(drv);
		if (eir & ENET_INT_EBERR) {
			/* The MAC stopped on a DMA error; everything it
			 * completed before has been reaped above. */
			enet_bus_error(drv);
		}
		/* Posted: one round.  The page still shows what the queued
		 * clear will take away (another round would wait for the
		 * model to apply it); an event after the clear stays set and
		 * raises the line again once we ack.  (A second round when
		 * events came meanwhile was measured, docs/benchmarks.md
		 * "Driver change: the EIR clear as of its posting".) */
		if (posted)
			break;
	}
	enet_tx_keep_going(drv); /* ERR006358: a lost TDAR write */
	enet_tx_provide(drv);
	enet_rx_provide(drv);
}

static void enet_driver_notified(void *state, struct sdvf_pd *pd,
				 sdvf_channel_t ch)
{
	struct enet_driver *drv = state;
	(void)pd;
	if (ch == drv->ch_irq) {
		handle_irq(drv);
	} else if (ch == drv->ch_rx) {
		/* First what waited for room in rx_active, then new buffers. */
		enet_rx_return(drv);
		enet_rx_provide(drv);
	} else if (ch == drv->ch_tx) {
		/* First what waited for room in tx_free, then new frames. */
		enet_tx_return(drv);
		enet_tx_provide(drv);
	} else if (ch == SDVF_CHANNEL_TIMER) {
		enet_halt_retry(drv);
		enet_tx_watchdog(drv);
		enet_tx_keep_going(drv);
		enet_phy_timer(drv);
	}
	activation_end(drv);
}

static int enet_driver_init(void *state, struct sdvf_pd *pd)
{
	struct enet_driver *drv = state;
	drv->pd = pd;
	counters_register(drv, pd); /* first: setup may count */
	drv->ch_irq = sdvf_channel(pd, "irq");
	drv->ch_rx = sdvf_channel(pd, "rx");
	drv->ch_tx = sdvf_channel(pd, "tx");
	uint64_t rx_cap = sdvf_config_u64(pd, "rx_capacity");
	uint64_t tx_cap = sdvf_config_u64(pd, "tx_capacity");
	if (!setup_mmio(drv) || !setup_rings(drv) || !setup_windows(drv) ||
	    !sdvf_queue_attach_region(drv->pd, &drv->rx_free, "rx_free",
				      rx_cap) ||
	    !sdvf_queue_attach_region(drv->pd, &drv->rx_active, "rx_active",
				      rx_cap) ||
	    !sdvf_queue_attach_region(drv->pd, &drv->tx_active, "tx_active",
				      tx_cap) ||
	    !sdvf_queue_attach_region(drv->pd, &drv->tx_free, "tx_free",
				      tx_cap))
		return -1;
	drv->phy.addr = (uint32_t)sdvf_config_u64(pd, "phy_addr");
	drv->phy.poll_ns = sdvf_config_u64(pd, "link_poll_ms") * 1000000ull;
	drv->tx_timeout_ns = sdvf_config_u64(pd, "tx_timeout_ms") * 1000000ull;
	drv->halt_backoff_ns = ENET_DRV_HALT_MIN_NS;
	if (!enet_coalesce_setup(drv) || !enet_reset_mode_setup(drv))
		return -1;
	setup_mode(drv);
	setup_mac(drv);
	if (!reset_controller(drv))
		return -1;
	mib_reset(drv);
	program_controller(drv);
	enet_rings_init(drv, false);
	/* Link starts down: TX waits for the first PHY poll. */
	enet_phy_start_poll(drv);
	activation_end(drv);
	return 0;
}

/* ---- the component: what it needs, takes and publishes -------------- */

/* A power-of-two count with a default: ring sizes and queue capacities. */
/* DMA window n: the io range of some of the muxes' buffers, and what the
 * device may do there (the rights its mapping of that region gives it). */
#define WINDOW_IO(n)                                                           \
	SDVF_PARAM_U64_DEFAULT("dma" #n "_io", 0, UINT32_MAX, 0,               \
			       "io address of DMA window " #n                  \
			       " (buffers the muxes use)")
#define WINDOW_SIZE(n)                                                         \
	SDVF_PARAM_U64_DEFAULT("dma" #n "_size", 0, (uint64_t)UINT32_MAX + 1,  \
			       0, "bytes of DMA window " #n " (0 = unused)")
#define WINDOW_RIGHTS(n)                                                       \
	{                                                                      \
		.name = "dma" #n "_rights", .type = SDVF_PARAM_STR, .max = 2,  \
		.help = "what the device may do in DMA window " #n             \
			": r (read: TX buffers), w (write: RX) or rw; "        \
			"required with a size"                                 \
	}
#define WINDOW_PARAMS(n) WINDOW_IO(n), WINDOW_SIZE(n), WINDOW_RIGHTS(n)

static const struct sdvf_param enet_driver_params[] = {
	{.name = "mac",
	 .type = SDVF_PARAM_MAC,
	 .help = "station address; absent: keep the one in PALR/PAUR"},
	SDVF_PARAM_POW2_DEFAULT("rx_ring", 2, ENET_DRV_MAX_RING, 256,
				"RX buffer descriptors"),
	SDVF_PARAM_POW2_DEFAULT("tx_ring", 2, ENET_DRV_MAX_RING, 256,
				"TX buffer descriptors"),
	SDVF_PARAM_POW2_DEFAULT("rx_capacity", 1, 65536, 512,
				"slots of rx_free and rx_active"),
	SDVF_PARAM_POW2_DEFAULT("tx_capacity", 1, 65536, 512,
				"slots of tx_active and tx_free"),
	SDVF_PARAM_U64_DEFAULT("phy_addr", 0, 31, 0,
			       "clause-22 address of the PHY"),
	{.name = "phy_mode",
	 .type = SDVF_PARAM_STR,
	 .max = 8,
	 .help = "rgmii (default), rmii or mii"},
	SDVF_PARAM_U64_DEFAULT(
		"ref_clk_hz", 1000000, 1000000000, 66000000,
		"ENET module clock, for the MDIO divider (MSCR)"),
	SDVF_PARAM_U64_DEFAULT("link_poll_ms", 1, 60000, 500,
			       "PHY link poll period"),
	SDVF_PARAM_U64_DEFAULT("tx_timeout_ms", 0, 600000, 2000,
			       "TX watchdog: restart the controller when the "
			       "oldest TX frame has been the MAC's this long "
			       "with the link up (0 = off)"),
	{.name = "reset_mode",
	 .type = SDVF_PARAM_STR,
	 .max = 9,
	 .help = "ecr-zero (default; i.MX6SX/7D/8M: stop with ECR = 0, "
		 "read TDAR before writing it: ERR007885) or ecr-reset "
		 "(ECR.RESET)"},
	/* Interrupt coalescing (enet_driver_coalesce.c); 0 = off. */
	SDVF_PARAM_U64_DEFAULT("rx_coalesce_frames", 0, 255, 0,
			       "RXIC: RX interrupt after this many frames"),
	SDVF_PARAM_U64_DEFAULT("rx_coalesce_us", 0, 1000000, 0,
			       "RXIC: or this long after the first"),
	SDVF_PARAM_U64_DEFAULT(
		"tx_coalesce_frames", 0, 255, ENET_DRV_TX_COALESCE_FRAMES,
		"TXIC: TX-done interrupt after this many frames"),
	SDVF_PARAM_U64_DEFAULT("tx_coalesce_us", 0, 1000000,
			       ENET_DRV_TX_COALESCE_US,
			       "TXIC: or this long after the first"),
	WINDOW_PARAMS(0),
	WINDOW_PARAMS(1),
	WINDOW_PARAMS(2),
	WINDOW_PARAMS(3),
	WINDOW_PARAMS(4),
	WINDOW_PARAMS(5),
	WINDOW_PARAMS(6),
	WINDOW_PARAMS(7),
	{0},
};

static const struct sdvf_need enet_driver_needs[] = {
	/* Mapped r when writes are posted to the model, rw for plain MMIO. */
	SDVF_NEED_REGION_RW("enet_regs"),
	SDVF_NEED_REGION_RW_OPTIONAL("enet_mmio"),
	SDVF_NEED_REGION_RW("enet_rings"),
	SDVF_NEED_QUEUE("rx_free"),
	SDVF_NEED_QUEUE("rx_active"),
	SDVF_NEED_QUEUE("tx_free"),
	SDVF_NEED_QUEUE("tx_active"),
	SDVF_NEED_CHAN("irq"),
	SDVF_NEED_CHAN_OPTIONAL("mmio"),
	SDVF_NEED_CHAN("rx"),
	SDVF_NEED_CHAN("tx"),
	{0},
};

/* Meanings for `sdvf stats` and docs, from the list that also declares and
 * registers the counters. */
static const struct sdvf_counter_doc enet_driver_counters[] = {
#define ENET_COUNTER_DOC(counter, text) {.name = #counter, .meaning = (text)},
	ENET_DRIVER_COUNTERS(ENET_COUNTER_DOC) /* one entry per counter */
#undef ENET_COUNTER_DOC
	/* <queue>.bad_index, published by sdvf_queue_attach_region */
	SDVF_QUEUE_COUNTER_DOC("rx_free"),
	SDVF_QUEUE_COUNTER_DOC("rx_active"),
	SDVF_QUEUE_COUNTER_DOC("tx_active"),
	SDVF_QUEUE_COUNTER_DOC("tx_free"),
	{0},
};

const struct sdvf_component enet_driver_component = {
	.name = "enet_driver",
	.summary = "i.MX ENET driver: BD rings, IRQs, MDIO link, MIB stats",
	.role = SDVF_ROLE_DRIVER,
	.state_size = sizeof(struct enet_driver),
	.needs = enet_driver_needs,
	.params = enet_driver_params,
	.counters = enet_driver_counters,
	.init = enet_driver_init,
	.notified = enet_driver_notified,
};
