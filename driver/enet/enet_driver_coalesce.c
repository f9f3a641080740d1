/*
 * The ENET driver's interrupt coalescing: TXIC0 / RXIC0 from the
 * description keys, and TX completion interrupts only when someone waits.
 *
 *   rx_coalesce_frames, rx_coalesce_us   RXIC: an RX interrupt after this
 *   tx_coalesce_frames, tx_coalesce_us   many frames or this long after the
 *                                        first, whichever comes first; 0 in
 *                                        either key turns the direction off
 *                                        (one event per frame, as before).
 * The timer counts the ENET system clock (ICCS set; ref_clk_hz), in 64
 * clocks per ICTT tick as the manual and Linux's fec_main.c define it.  A
 * frame threshold above half the ring is lowered to half the ring, so a
 * ring filled with completed frames always reaches it.
 *
 * TX.  Nobody needs a TX completion at once unless the TX mux asked for the
 * tx_free signal (it is short of buffers, or a remap client waits for its
 * own); otherwise the completed BDs are reaped in the driver's next
 * activation, every interrupt included (handle_irq reaps TX whatever the
 * cause), and TXIC's timer bounds the wait at rest.  So while the TX mux
 * asks, TXIC is off (every frame interrupts); while it does not, TXIC is
 * as configured.  The register is written only when that changes, before
 * the activation's kicks, so it rides on the doorbell they ring anyway.
 * A coalesced TXF (threshold or timer) means completions waited long
 * enough: what the driver returns in that activation is signalled to the
 * TX mux, asked or not, because the mux's rest sweep (TXM_SWEEP_NS after
 * its last activation) may have looked before the timer fired.
 *
 * Trust: the keys come from the system description (range-checked by the
 * loader, combinations here); the mux's flag is the trusted TX mux's and
 * only decides when an interrupt comes, never what the driver accepts.
 */
#include "core/queue.h"
#include "driver/enet/enet_driver.h"

/* The RXIC/TXIC value of one direction's keys, 0 for off; false (logged)
 * when the timer does not fit ICTT. */
static bool ic_value(struct enet_driver *drv, const char *key_frames,
		     const char *key_us, uint32_t slots, uint32_t *out)
{
	uint64_t frames = sdvf_config_u64(drv->pd, key_frames);
	uint64_t us = sdvf_config_u64(drv->pd, key_us);
	uint64_t clk = sdvf_config_u64(drv->pd, "ref_clk_hz");
	*out = 0;
	if (frames == 0 || us == 0)
		return true;
	/* us x clk / 64 / 1e6 in u64: us <= 1e6 and clk <= 1e9 (params) */
	uint64_t ticks = us * clk / (ENET_IC_CLOCKS_PER_TICK * 1000000ull);
	if (ticks > ENET_IC_TT_MASK) {
		sdvf_log(drv->pd, SDVF_LOG_ERROR,
			 "enet: %s %llu is over the ICTT timer's %llu us at "
			 "ref_clk_hz %llu",
			 key_us, (unsigned long long)us,
			 (unsigned long long)((uint64_t)ENET_IC_TT_MASK *
					      ENET_IC_CLOCKS_PER_TICK *
					      1000000ull / clk),
			 (unsigned long long)clk);
		return false;
	}
	if (ticks == 0)
		ticks = 1; /* a timer shorter than one tick: the shortest */
	if (frames > slots / 2)
		frames = slots / 2; /* slots >= 2 (rx_ring, tx_ring) */
	*out = ENET_IC_EN | ENET_IC_CS |
	       ((uint32_t)frames << ENET_IC_FT_SHIFT) | (uint32_t)ticks;
	return true;
}

bool enet_coalesce_setup(struct enet_driver *drv)
{
	return ic_value(drv, "rx_coalesce_frames", "rx_coalesce_us",
			drv->rx_slots, &drv->rxic) &&
	       ic_value(drv, "tx_coalesce_frames", "tx_coalesce_us",
			drv->tx_slots, &drv->txic);
}

/* After every reset (program_controller): the configured values. */
void enet_coalesce_program(struct enet_driver *drv)
{
	enet_writel(&drv->mmio, ENET_RXIC, drv->rxic);
	enet_writel(&drv->mmio, ENET_TXIC, drv->txic);
	drv->txic_now = drv->txic;
}

/* True while the TX mux asked to be signalled for tx_free (its flag is 0
 * from its request until our notification consumes it). */
static bool tx_mux_waits(const struct enet_driver *drv)
{
	return atomic_load_explicit(&drv->tx_free.shared->consumer_signalled,
				    memory_order_relaxed) == 0;
}

void enet_coalesce_adapt(struct enet_driver *drv)
{
	if (drv->txic == 0 || drv->halted)
		return;
	uint32_t want = tx_mux_waits(drv) ? 0 : drv->txic;
	if (want == drv->txic_now)
		return;
	enet_writel(&drv->mmio, ENET_TXIC, want);
	drv->txic_now = want;
	drv->txic_writes++;
}
