/*
 * The ENET driver's stop, reset and TX-kick rules for real silicon
 * (docs/enet.md, "Silicon hazards and the driver's answers"), and the
 * bus-error path that stops and restarts the MAC (enet_bus_error, the
 * storm guard, enet_halt_retry):
 *
 *   reset_mode   How the controller is stopped before it is programmed.
 *                "ecr-zero" (default: i.MX6SX/7D/8M, the AXI multi-queue
 *                ENETs, where ECR.RESET with DMA in flight can hang the bus;
 *                Linux's fec_restart and FreeBSD's ffec do the same) writes
 *                ECR = 0, which stops both DMA engines and resets their BD
 *                pointers but no register, so every register the driver
 *                relies on is written afresh (enet_program_fixed, with the
 *                values ECR.RESET would give).  "ecr-reset" (the older
 *                single-queue parts) sets ECR.RESET and waits for it.
 *   ERR006358    A TDAR write can be lost when the TX DMA goes idle at the
 *                same time (it clears TDAR after the write).  After every
 *                interrupt's TX reap, and at every link poll, a frame
 *                still in the ring that the MAC has not taken (R set) with
 *                TDAR reading 0 gets TDAR written again (`tdar_rekicks`):
 *                Linux's "keep the transmitter going" (fec_enet_tx_queue).
 *                The read costs no extra wait: the interrupt loop's last
 *                EIR read has already flushed the posted writes.
 *   ERR007885    On the AXI parts (reset_mode ecr-zero: i.MX6SX/7D/8M) a
 *                TDAR write as the uDMA clears TDAR hangs the TX DMA.  As
 *                Linux (FEC_QUIRK_ERR007885), TDAR is read up to four times
 *                before each write and written only when a read finds it
 *                clear (else `tdar_skips`): while it reads set the DMA is
 *                still running and takes the new BD, or is about to clear
 *                TDAR with the BD unseen, which is ERR006358's case and
 *                its re-kick's.  On posted MMIO the first read waits for
 *                the model to apply what this or the last activation
 *                posted (docs/enet.md has the cost).
 *   MDIO         Linux's fec_stop keeps ETHEREN set while the MAC is
 *                stopped: some ENETs raise no MII event without it.  A
 *                halted MAC keeps ETHEREN (no RDAR/TDAR is written, so no
 *                DMA runs); a PHY read whose event a reset lost is issued
 *                again (enet_phy_resume).  MSCR is written before EIR is
 *                cleared, so the spurious MII event an MSCR write can raise
 *                (FEC_QUIRK_CLEAR_SETUP_MII) is cleared with the rest.
 *
 * Trust: reset_mode comes from the description; anything else is refused
 * at init with the valid values named.
 */
#include "driver/enet/enet_driver.h"

#include "core/bytes.h"

bool enet_reset_mode_setup(struct enet_driver *drv)
{
	const char *mode = sdvf_config_str(drv->pd, "reset_mode");
	drv->ecr_reset = false;
	drv->err007885 = true;
	if (!mode || sdvf_str_equal(mode, "ecr-zero"))
		return true;
	if (sdvf_str_equal(mode, "ecr-reset")) {
		drv->ecr_reset = true;
		drv->err007885 = false; /* the older parts: ERR006358 only */
		return true;
	}
	sdvf_log(drv->pd, SDVF_LOG_ERROR,
		 "enet: reset_mode \"%s\" is invalid: must be \"ecr-zero\" "
		 "(i.MX6SX/7D/8M, default) or \"ecr-reset\"",
		 mode);
	return false;
}

bool enet_controller_stop(struct enet_driver *drv)
{
	if (!drv->ecr_reset) {
		/* Stops the DMA (BD pointers back to RDSR/TDSR on the next
		 * enable), flushes the FIFOs, keeps every register. */
		enet_writel(&drv->mmio, ENET_ECR, 0);
		return true;
	}
	enet_writel(&drv->mmio, ENET_ECR, ENET_ECR_RESET);
	for (uint32_t i = 0; i < ENET_DRV_RESET_POLLS; i++) {
		if (!(enet_readl(&drv->mmio, ENET_ECR) & ENET_ECR_RESET))
			return true;
	}
	sdvf_counter_add(drv->stats.reset_timeouts, 1);
	sdvf_log(drv->pd, SDVF_LOG_ERROR, "enet: ECR.RESET did not clear");
	return false;
}

/* Registers the driver relies on but never changes: written at every
 * start with their reset values (i.MX8M reference manual), so ECR = 0
 * leaves nothing from a previous owner behind. */
void enet_program_fixed(struct enet_driver *drv)
{
	static const struct {
		uint32_t offset, value;
	} fixed[] = {
		{ENET_RACC, 0}, /* no SHIFT16, no checksum or pad removal */
		{ENET_TACC, 0},
		{ENET_FTRL, ENET_DRV_FTRL}, /* above MAX_FL: giants get LG */
		{ENET_RSFL, 0},		    /* RX store and forward */
		{ENET_RSEM, 0},		    /* no pause frames */
		{ENET_RAEM, ENET_DRV_RAEM},
		{ENET_RAFL, ENET_DRV_RAFL},
		{ENET_TSEM, 0},
		{ENET_TAEM, ENET_DRV_TAEM},
		{ENET_TAFL, ENET_DRV_TAFL},
		/* rings 1 and 2 stay off: frames to ring 0, no class DMA */
		{ENET_RCMR1, 0},
		{ENET_RCMR2, 0},
		{ENET_DMA1CFG, 0},
		{ENET_DMA2CFG, 0},
		{ENET_TXIC1, 0},
		{ENET_TXIC2, 0},
		{ENET_RXIC1, 0},
		{ENET_RXIC2, 0},
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		enet_writel(&drv->mmio, fixed[i].offset, fixed[i].value);
}

/* The oldest frame in the TX ring is still the MAC's: its BD is ready
 * (R set), not sent.  An empty ring has none; a sent one is reaped in a
 * moment.  Shared by ERR006358's re-kick and the TX watchdog. */
static bool tx_oldest_bd_owned_by_mac(const struct enet_driver *drv)
{
	if (drv->tx_head == drv->tx_tail)
		return false;
	uint32_t slot = drv->tx_head & (drv->tx_slots - 1);
	return (drv->tx_bd[slot].stat & ENET_TXBD_R) != 0;
}

/* ERR006358: the oldest frame in the ring is still the MAC's and TDAR
 * reads 0: the kick that posted it was lost; kick again.  Reads TDAR only
 * when a frame waits, which an honest MAC has taken by now. */
void enet_tx_keep_going(struct enet_driver *drv)
{
	if (drv->halted || drv->kick_tdar || !tx_oldest_bd_owned_by_mac(drv))
		return;
	if (enet_readl(&drv->mmio, ENET_TDAR) & ENET_TDAR_ACTIVE)
		return;
	sdvf_counter_add(drv->stats.tdar_rekicks, 1);
	drv->kick_tdar = true;
}

/* ERR007885: may TDAR be written now?  Only when it reads clear, within
 * ENET_DRV_TDAR_READS reads (Linux's four), and the read saw every write
 * posted before it: a stale 0 may be from before our own last kick, which
 * then reaches the model in the same batch as this one, inside the late
 * clear its frames left.  A skipped kick is not lost: a queued one sends
 * every ready BD, and enet_tx_keep_going kicks a frame that still waits. */
bool enet_tdar_write_safe(struct enet_driver *drv)
{
	if (!drv->err007885)
		return true;
	for (uint32_t i = 0; i < ENET_DRV_TDAR_READS; i++) {
		uint32_t tdar = enet_readl(&drv->mmio, ENET_TDAR);
		if (!enet_mmio_answered(&drv->mmio)) {
			sdvf_counter_add(drv->stats.tdar_unanswered, 1);
			return false;
		}
		if (!(tdar & ENET_TDAR_ACTIVE))
			return true;
	}
	sdvf_counter_add(drv->stats.tdar_skips, 1);
	return false;
}

/* A halted MAC: stopped (no RDAR/TDAR written, so no DMA), MDIO kept
 * working: MSCR, its events cleared and unmasked, and ETHEREN, without
 * which some ENETs raise no MII event (Linux's fec_stop). */
void enet_halt_keep_mdio(struct enet_driver *drv)
{
	struct enet_mmio *m = &drv->mmio;
	enet_writel(m, ENET_MSCR, drv->mscr);
	enet_writel(m, ENET_EIR, 0xffffffffu);
	enet_writel(m, ENET_EIMR, ENET_INT_MII);
	enet_writel(m, ENET_ECR, ENET_ECR_ETHEREN | ENET_ECR_DBSWP);
}

/* At init: a window the MAC writes RX frames into must start 64-byte
 * aligned, or every buffer in it (io + k x 2 KiB) breaks the rule. */
bool enet_window_aligned(struct enet_driver *drv, uint64_t io, unsigned rights,
			 const char *key)
{
	if (!(rights & SDVF_W) || io % ENET_DRV_RX_BUF_ALIGN == 0)
		return true;
	sdvf_counter_add(drv->stats.rx_misaligned, 1);
	sdvf_log(drv->pd, SDVF_LOG_ERROR,
		 "enet: %s 0x%llx: a window the device writes (RX buffers) "
		 "must be %u-byte aligned",
		 key, (unsigned long long)io, ENET_DRV_RX_BUF_ALIGN);
	return false;
}

/* ---- bus errors and their storms (moved from enet_driver.c) -------- */

/*
 * A bus error stops the MAC; restart it, unless errors come faster than
 * ENET_DRV_EBERR_BURST per window.  Then a restart would only fail again (a
 * DMA window the hardware cannot reach, a broken bus) and burn the CPU in a
 * reset loop, so the MAC is left stopped, every buffer accounted for as in
 * a restart, TX held in tx_active (backpressure, not loss), and the link
 * timer retries after a back-off that doubles while the storm persists.
 * MDIO keeps working meanwhile (MSCR and the MII interrupt are restored), so
 * the link state stays current.
 */
void enet_bus_error(struct enet_driver *drv)
{
	uint64_t now = sdvf_now_ns(drv->pd);
	if (now - drv->eberr_window_start >= ENET_DRV_EBERR_WINDOW_NS) {
		drv->eberr_window_start = now;
		drv->eberr_in_window = 0;
	}
	if (++drv->eberr_in_window <= ENET_DRV_EBERR_BURST) {
		sdvf_counter_add(drv->stats.eberr_resets, 1);
		sdvf_log(drv->pd, SDVF_LOG_WARN,
			 "enet: bus error, resetting controller");
		enet_hw_restart(drv);
		return;
	}
	if (now - drv->resumed_ns >= ENET_DRV_HALT_CALM_NS)
		drv->halt_backoff_ns = ENET_DRV_HALT_MIN_NS;
	drv->halted = true;
	drv->halt_until_ns = now + drv->halt_backoff_ns;
	sdvf_counter_add(drv->stats.eberr_halts, 1);
	sdvf_counter_set(drv->stats.halted, 1);
	sdvf_log(drv->pd, SDVF_LOG_ERROR,
		 "enet: %u bus errors within 1 s: controller halted, retry in "
		 "%llu ms",
		 drv->eberr_in_window,
		 (unsigned long long)(drv->halt_backoff_ns / 1000000u));
	if (drv->halt_backoff_ns < ENET_DRV_HALT_MAX_NS)
		drv->halt_backoff_ns *= 2;
	if (!enet_controller_stop(drv))
		return;
	enet_halt_keep_mdio(drv);
	enet_rings_init(drv, true);
	enet_phy_resume(drv);
}

/* Restart the MAC from the link timer (a halt's retry, the TX watchdog)
 * and give it at once what waits: the mux's RX buffers and the TX frames
 * held in tx_active while it was stopped (the timer's branch of
 * notified() provides nothing itself). */
static void restart_and_provide(struct enet_driver *drv)
{
	if (!enet_hw_restart(drv))
		return;
	enet_rx_provide(drv);
	enet_tx_provide(drv);
}

void enet_halt_retry(struct enet_driver *drv)
{
	uint64_t now = sdvf_now_ns(drv->pd);
	if (!drv->halted || now < drv->halt_until_ns)
		return;
	drv->halted = false;
	drv->resumed_ns = now;
	drv->eberr_window_start = now;
	drv->eberr_in_window = 0;
	sdvf_counter_add(drv->stats.halt_retries, 1);
	sdvf_counter_set(drv->stats.halted, 0);
	sdvf_log(drv->pd, SDVF_LOG_INFO, "enet: restarting halted controller");
	restart_and_provide(drv);
}

/* ---- TX watchdog ------------------------------------------------------- */

/*
 * The oldest frame in the TX ring is still the MAC's (its BD ready) and
 * the ring has not moved for tx_timeout_ms with the link up: the TX DMA
 * has stopped (ERR007885 by a road the TDAR read does not close, a MAC
 * wedged by anything else), and only stopping the MAC frees it.  Restart
 * the controller, as Linux's TX timeout does (fec_timeout): the frames
 * in the ring go back to their owners with TX_ERROR, counted in
 * tx_reset_errors.  Checked on the link timer (link_poll_ms), so a stall
 * is seen between tx_timeout_ms and tx_timeout_ms + link_poll_ms.
 */
void enet_tx_watchdog(struct enet_driver *drv)
{
	uint64_t now = sdvf_now_ns(drv->pd);
	if (drv->tx_timeout_ns == 0 || drv->halted || !drv->link_up ||
	    !tx_oldest_bd_owned_by_mac(drv) ||
	    drv->tx_head != drv->tx_watch_head) {
		drv->tx_watch_head = drv->tx_head;
		drv->tx_watch_ns = now;
		return;
	}
	if (now - drv->tx_watch_ns < drv->tx_timeout_ns)
		return;
	sdvf_counter_add(drv->stats.tx_timeouts, 1);
	sdvf_log(drv->pd, SDVF_LOG_ERROR,
		 "enet: TX stalled for %llu ms with %u frames in the ring: "
		 "restarting the controller",
		 (unsigned long long)((now - drv->tx_watch_ns) / 1000000u),
		 drv->tx_tail - drv->tx_head);
	drv->tx_watch_ns = now;
	restart_and_provide(drv);
}
