/*
 * The ENET model's line rate: TX frames leave no faster than `line_rate`
 * bit/s (0, the default: as fast as the host runs).
 *
 * Real hardware sends at its link speed, so a NIC whose clients offer more
 * than the line carries holds their frames in its ring and the TX mux's
 * queues fill: that is where a sharing policy decides.  On a host the
 * model is usually faster than everything around it, so a system that
 * wants the wire to be the bottleneck (the DRR share tests,
 * tests/vm/vm_pair_drr.sh) sets a rate below what its clients offer.
 *
 * Each frame occupies the line for its bytes (padded to the minimum), its
 * FCS, the preamble with SFD and the inter-frame gap.  While the line is
 * busy the TX DMA stops before the next frame with TDAR still set; the
 * PD timer (enet_line_deadline, joined to the model's other deadlines)
 * wakes it when the line is free again, and enet_line_poll resumes the
 * kick.  No frame is dropped or reordered: pacing only delays.  The rate
 * holds on average over LINE_CATCH_UP_NS: a late wake-up is made up for.
 *
 * Trust: the rate comes from the system description (range-checked by the
 * loader); the clock from the runtime.
 */
#include "driver/enet/model/enet_model_state.h"

#define LINE_OVERHEAD (ENET_MODEL_FCS + 8u + 12u) /* FCS, preamble, IFG */
/* How late a wake-up may be and still be made up for.  A host's timer
 * fires late (milliseconds under load, more under TCG); the frames the
 * line would have sent meanwhile then go at once, so the rate holds on
 * average.  A line idle for longer than this starts afresh. */
#define LINE_CATCH_UP_NS 50000000ull

void enet_line_init(struct enet_model *m, uint64_t bits_per_s)
{
	m->line.bps = bits_per_s;
	m->line.free_ns = 0;
	m->line.waiting = false;
}

bool enet_line_busy(struct enet_model *m)
{
	m->line.waiting = m->line.bps && sdvf_now_ns(m->pd) < m->line.free_ns;
	return m->line.waiting;
}

void enet_line_charge(struct enet_model *m, uint32_t len)
{
	if (!m->line.bps)
		return;
	uint64_t now = sdvf_now_ns(m->pd);
	uint64_t from = m->line.free_ns + LINE_CATCH_UP_NS >= now
				? m->line.free_ns
				: now;
	if (len < ENET_MODEL_MIN_FRAME)
		len = ENET_MODEL_MIN_FRAME;
	/* bits x 1e9 fits u64: a frame is < 2^14 bytes, 1e9 < 2^30. */
	uint64_t bits = 8ull * (len + LINE_OVERHEAD);
	m->line.free_ns =
		from + (bits * 1000000000ull + m->line.bps - 1) / m->line.bps;
}

/* Only a kick the line stopped waits for it: a ring that ends in an
 * incomplete frame (TDAR set, no L yet) waits for the driver instead. */
uint64_t enet_line_deadline(const struct enet_model *m)
{
	if (!m->line.waiting || !(enet_reg(m, ENET_TDAR) & ENET_TDAR_ACTIVE))
		return UINT64_MAX;
	return m->line.free_ns;
}

void enet_line_poll(struct enet_model *m)
{
	if (m->line.waiting && (enet_reg(m, ENET_TDAR) & ENET_TDAR_ACTIVE) &&
	    sdvf_now_ns(m->pd) >= m->line.free_ns)
		enet_tx_kick(m);
}
