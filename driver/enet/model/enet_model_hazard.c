/*
 * The ENET model, silicon hazards: what real i.MX ENETs do that a driver
 * must survive, modelled so the driver's tests see it (docs/enet.md,
 * "Silicon hazards").  Each hazard sits behind enet_model_hazard_on(), on
 * in the silicon personality (the default) and off in qemu-imx7, whose
 * model has none of them; a model key `hazard_<name> = <0>` turns one off
 * for a test that needs the forgiving behaviour.
 *
 *   err006358    A TDAR write can be lost.  When the TX DMA finishes a
 *                frame and finds the next BD not ready, it clears TDAR
 *                "at a later time" (i.MX6 erratum ERR006358; the same race
 *                is behind ERR007885 on the AXI parts): a TDAR write in
 *                between makes no 0->1 transition and is lost, and the DMA
 *                is idle with TDAR reading 0 while a BD is ready.  Here the
 *                late clear lands 1 us after the idle or when the next
 *                batch of posted writes has been applied (before the model
 *                publishes its head, so a driver read after that batch
 *                sees it), whichever comes first; a TDAR write in a batch
 *                that starts within that 1 us is lost.  The 1 us needs no
 *                timer: the model publishes the time in the posted ring
 *                (tdar_clear_ns, driver/enet/enet_mmio.h), the driver's
 *                read of TDAR applies it, and a batch that starts later
 *                lands it on the page first
 * (`tdar_late_kicks`).  In the sim, where time moves only when a test advances
 * it, a frame queued right after another is therefore lost each time.  The
 * window opens only after a kick that sent a frame: its TXF (held or not) is
 * always reported after the window, which is what Linux's "keep the transmitter
 * going" check relies on. reset_hang   ECR.RESET while a DMA engine is active
 * (ETHEREN with RDAR or TDAR set) hangs the AXI bus on i.MX6SX/7D/8M: counted
 *                (`bus_hangs`), the state `bus_hung` is set for good, the
 *                MAC is dead (ETHEREN, RDAR, TDAR clear; ECR.RESET never
 *                clears; every later write is ignored, `hung_writes`).
 *   mdio_etheren An MDIO transfer started while ETHEREN is clear still
 *                completes (MMFR holds the data) but raises no MII event
 *                (`mdio_no_event`): Linux keeps ETHEREN set while stopped
 *                for this (fec_stop).
 *   mscr_mii     Writing MSCR's low byte from zero to non-zero while MMFR
 *                is non-zero raises a spurious MII event (`mii_spurious`;
 *                Linux's FEC_QUIRK_CLEAR_SETUP_MII).
 *   rx_align     RX buffers must be 64-byte aligned: an empty RX BD whose
 *                address is not is counted (`rx_misaligned`) and raises
 *                EBERR (the MAC stops), never written.
 *   err007885    On the AXI ENETs (i.MX6SX/6UL/7D/8M) a TDAR write while
 *                the uDMA clears TDAR hangs the TX state machines (NXP
 *                erratum ERR007885, as Linux's FEC_QUIRK_ERR007885 commits
 *                quote it: "a TDAR race condition ... when the software
 *                sets TDAR and the UDMA clears TDAR simultaneously or in a
 *                small window (2-4 cycles)"; Linux sees "transmit queue 0
 *                timed out" and its watchdog restarts the MAC).  Here the
 *                clearing window is ERR006358's late clear (none with
 *                hazard_err006358 = 0): a TDAR write in it hangs the TX DMA
 *                (`tx_dma_hangs`, state `tx_hung`): TDAR stays set, no TX
 *                BD moves, until ETHEREN clears (ECR = 0, ECR.RESET, a bus
 *                error).  Every TDAR write that finds TDAR set is counted
 *                (`tdar_busy_writes`, what the workaround avoids); one
 *                outside the window (the DMA busy, paced by the line) is
 *                harmless, as the erratum names only the clear.  With this
 *                hazard off a write in the window is merely lost
 *                (err006358).
 */
#include "driver/enet/model/enet_model_state.h"

static const char *const hazard_keys[ENET_NHAZARDS] = {
	[ENET_HAZARD_ERR006358] = "hazard_err006358",
	[ENET_HAZARD_RESET_HANG] = "hazard_reset_hang",
	[ENET_HAZARD_MDIO_ETHEREN] = "hazard_mdio_etheren",
	[ENET_HAZARD_MSCR_MII] = "hazard_mscr_mii",
	[ENET_HAZARD_RX_ALIGN] = "hazard_rx_align",
	[ENET_HAZARD_ERR007885] = "hazard_err007885",
};

bool enet_model_hazard_on(const struct enet_model *m, enum enet_hazard h)
{
	return !enet_is_qemu(m) && !m->hazard_off[h];
}

void enet_hazard_init(struct enet_model *m)
{
	for (int h = 0; h < ENET_NHAZARDS; h++)
		m->hazard_off[h] = sdvf_config_u64(m->pd, hazard_keys[h]) == 0;
	sdvf_counter_set(m->stats.bus_hung, 0);
	sdvf_counter_set(m->stats.tx_hung, 0);
}

/* ---- ERR006358: the late TDAR clear ------------------------------------ */

/* The late clear is off: its time in the posted ring goes to 0 after
 * what the page's TDAR now says and before it is set again (enet_mmio.h,
 * tdar_clear_ns). */
static void late_clear_off(struct enet_model *m)
{
	m->tdar_late_clear = false;
	atomic_store_explicit(&m->posted->tdar_clear_ns, 0,
			      memory_order_release);
	atomic_thread_fence(memory_order_release);
}

bool enet_hazard_tx_idle(struct enet_model *m, uint32_t frames_sent)
{
	if (frames_sent == 0 || !enet_model_hazard_on(m, ENET_HAZARD_ERR006358))
		return false;
	/* TDAR stays set on the page; it clears with the next batch, or
	 * reads clear from 1 us on: the driver's read applies the time
	 * published here, the model lands it at its next batch, so no timer
	 * wakes the model for it. */
	m->tdar_late_clear = true;
	m->tdar_late_drain = m->drains;
	m->tdar_late_ns = sdvf_now_ns(m->pd) + ENET_MODEL_TDAR_LATE_NS;
	atomic_store_explicit(&m->posted->tdar_clear_ns, m->tdar_late_ns,
			      memory_order_release);
	return true;
}

/* A TDAR write: true if the DMA ignores it (lost in the late clear, or
 * the TX DMA hung by it or before it). */
bool enet_hazard_tdar_ignored(struct enet_model *m)
{
	if (m->tx_hung)
		return true;
	bool err007885 = enet_model_hazard_on(m, ENET_HAZARD_ERR007885);
	if (err007885 && (enet_reg(m, ENET_TDAR) & ENET_TDAR_ACTIVE))
		sdvf_counter_add(m->stats.tdar_busy_writes, 1);
	if (!m->tdar_late_clear)
		return false;
	if (!err007885) {
		sdvf_counter_add(m->stats.tdar_late_kicks, 1);
		return true;
	}
	/* ERR007885: set as the uDMA clears it; its state machines hang. */
	late_clear_off(m); /* TDAR stays set: nothing clears it */
	m->tx_hung = true;
	sdvf_counter_add(m->stats.tx_dma_hangs, 1);
	sdvf_counter_set(m->stats.tx_hung, 1);
	sdvf_log(m->pd, SDVF_LOG_ERROR,
		 "TDAR written as the TX DMA cleared it (ERR007885): TX DMA "
		 "hung until ETHEREN clears");
	return true;
}

bool enet_hazard_tx_hung(const struct enet_model *m)
{
	return m->tx_hung;
}

/* ETHEREN cleared or the MAC reset: the TX DMA starts afresh. */
void enet_hazard_tx_stop(struct enet_model *m)
{
	late_clear_off(m);
	if (m->tx_hung)
		sdvf_counter_set(m->stats.tx_hung, 0);
	m->tx_hung = false;
}

static void late_clear_lands(struct enet_model *m)
{
	enet_reg_put(m, ENET_TDAR, 0);
	late_clear_off(m);
}

/* Before a batch: a clear that is due by now has landed already, so a
 * TDAR write that comes later than the window is never lost. */
void enet_hazard_drain_start(struct enet_model *m)
{
	if (m->tdar_late_clear && sdvf_now_ns(m->pd) >= m->tdar_late_ns)
		late_clear_lands(m);
}

/* After a batch: the clear lands at the latest now (the window held at
 * most this one batch), before the model publishes its head. */
void enet_hazard_drained(struct enet_model *m)
{
	if (m->tdar_late_clear && (m->tdar_late_drain != m->drains ||
				   sdvf_now_ns(m->pd) >= m->tdar_late_ns))
		late_clear_lands(m);
	m->drains++;
}

/* ---- ECR.RESET with DMA in flight -------------------------------------- */

bool enet_hazard_reset_hangs(struct enet_model *m)
{
	uint32_t ecr = enet_reg(m, ENET_ECR);
	bool dma = (ecr & ENET_ECR_ETHEREN) &&
		   ((enet_reg(m, ENET_RDAR) & ENET_RDAR_ACTIVE) ||
		    (enet_reg(m, ENET_TDAR) & ENET_TDAR_ACTIVE));
	if (!dma || !enet_model_hazard_on(m, ENET_HAZARD_RESET_HANG))
		return false;
	m->bus_hung = true;
	sdvf_counter_add(m->stats.bus_hangs, 1);
	sdvf_counter_set(m->stats.bus_hung, 1);
	sdvf_log(m->pd, SDVF_LOG_ERROR,
		 "ECR.RESET with DMA in flight: bus hung, MAC dead (use "
		 "reset_mode ecr-zero on AXI ENETs)");
	enet_reg_put(m, ENET_ECR,
		     (ecr & ~(uint32_t)ENET_ECR_ETHEREN) | ENET_ECR_RESET);
	enet_reg_put(m, ENET_RDAR, 0);
	enet_reg_put(m, ENET_TDAR, 0);
	enet_hazard_tx_stop(m);
	enet_rx_fifo_flush(m);
	return true;
}

bool enet_hazard_bus_hung(struct enet_model *m)
{
	if (m->bus_hung)
		sdvf_counter_add(m->stats.hung_writes, 1);
	return m->bus_hung;
}

/* ---- MDIO and ETHEREN; MSCR's spurious event --------------------------- */

void enet_hazard_mdio_start(struct enet_model *m, uint32_t mmfr)
{
	bool pending = (enet_reg(m, ENET_EIR) & ENET_INT_MII) != 0;
	enet_mdio_start(m, mmfr);
	if (pending || (enet_reg(m, ENET_ECR) & ENET_ECR_ETHEREN) ||
	    !(enet_reg(m, ENET_EIR) & ENET_INT_MII) ||
	    !enet_model_hazard_on(m, ENET_HAZARD_MDIO_ETHEREN))
		return;
	/* The transfer ran; its event needs the MAC enabled. */
	enet_reg_put(m, ENET_EIR,
		     enet_reg(m, ENET_EIR) & ~(uint32_t)ENET_INT_MII);
	sdvf_counter_add(m->stats.mdio_no_event, 1);
}

void enet_hazard_mscr(struct enet_model *m, uint32_t value)
{
	bool was_off = (enet_reg(m, ENET_MSCR) & 0xffu) == 0;
	if (was_off && (value & 0xffu) != 0 && enet_reg(m, ENET_MMFR) != 0 &&
	    enet_model_hazard_on(m, ENET_HAZARD_MSCR_MII)) {
		sdvf_counter_add(m->stats.mii_spurious, 1);
		enet_raise_as_write_lands(m, ENET_INT_MII);
	}
}

/* ---- RX buffer alignment ----------------------------------------------- */

bool enet_hazard_rx_buffer_ok(struct enet_model *m, uint32_t addr)
{
	if (addr % ENET_MODEL_RX_ALIGN == 0 ||
	    !enet_model_hazard_on(m, ENET_HAZARD_RX_ALIGN))
		return true;
	sdvf_counter_add(m->stats.rx_misaligned, 1);
	return false;
}
