/*
 * The ENET model, part 4: interrupt coalescing (TXIC0 / RXIC0; bits in
 * driver/enet/enet_regs.h, behaviour in docs/enet.md, "Interrupt
 * coalescing").
 *
 * Without ICEN every completed frame sets TXF (RXF) in EIR at once, as
 * before.  With ICEN the frame is counted instead; the EIR bit is set when
 * the count reaches ICFT or when ICTT x 64 clocks have passed since the
 * first frame counted, and the count starts again.  Clearing ICEN reports
 * what is held at once; ECR.RESET forgets it with the rest of the MAC's
 * state.  The timer is the model's PD timer, shared with
 * the wire's deadlines (enet_model.c: wire_timer takes the earlier).
 *
 * Where the manual leaves a value open the model chooses, and says so:
 * ICFT 0 counts as 1 (a frame threshold of none would hold frames for the
 * timer alone), ICTT 0 expires at the end of the activation that completed
 * the frame (one interrupt per activation, not per frame).
 *
 * Trust: the register value is the driver's, masked to its writable bits
 * by enet_coalesce_write; every field is in range by construction (8 and
 * 16 bits), and the timer is computed in u64, so no value can overflow it.
 */
#include "driver/enet/model/enet_model_state.h"

static uint32_t ic_offset(enum enet_dir dir)
{
	return dir == ENET_DIR_RX ? ENET_RXIC : ENET_TXIC;
}

static uint32_t ic_event(enum enet_dir dir)
{
	return dir == ENET_DIR_RX ? ENET_INT_RXF : ENET_INT_TXF;
}

/* The clock ICTT counts: the system clock (ICCS), or the MII TX clock of
 * the speed the MAC is set to (2.5 / 25 / 125 MHz). */
static uint64_t ic_clock_hz(const struct enet_model *m, uint32_t ic)
{
	if (ic & ENET_IC_CS)
		return m->ref_clk_hz;
	if (enet_reg(m, ENET_ECR) & ENET_ECR_SPEED)
		return 125000000u;
	if (enet_reg(m, ENET_RCR) & ENET_RCR_RMII_10T)
		return 2500000u;
	return 25000000u;
}

static uint64_t ic_timer_ns(const struct enet_model *m, uint32_t ic)
{
	uint64_t ticks = ic & ENET_IC_TT_MASK;
	/* <= 65535 x 64 x 1e9: fits in u64 with room to spare */
	return ticks * ENET_IC_CLOCKS_PER_TICK * 1000000000ull /
	       ic_clock_hz(m, ic);
}

static void coalesce_fire(struct enet_model *m, enum enet_dir dir, bool timer)
{
	struct enet_coalesce *c = &m->coalesce[dir];
	if (c->held == 0)
		return;
	c->held = 0;
	c->deadline_ns = UINT64_MAX;
	if (timer)
		sdvf_counter_add(m->stats.irq_coalesce_timer, 1);
	enet_raise(m, ic_event(dir));
}

void enet_frame_done(struct enet_model *m, enum enet_dir dir)
{
	uint32_t ic = enet_reg(m, ic_offset(dir));
	if (!(ic & ENET_IC_EN)) {
		enet_raise(m, ic_event(dir));
		return;
	}
	struct enet_coalesce *c = &m->coalesce[dir];
	uint32_t threshold = (ic & ENET_IC_FT_MASK) >> ENET_IC_FT_SHIFT;
	if (c->held++ == 0)
		c->deadline_ns = sdvf_now_ns(m->pd) + ic_timer_ns(m, ic);
	if (c->held >= (threshold ? threshold : 1)) {
		coalesce_fire(m, dir, false);
		return;
	}
	sdvf_counter_add(m->stats.irq_coalesced, 1);
}

void enet_coalesce_write(struct enet_model *m, uint32_t off, uint32_t value)
{
	enet_reg_put(m, off, value & ENET_IC_WRITABLE);
	enum enet_dir dir = off == ENET_RXIC ? ENET_DIR_RX : ENET_DIR_TX;
	if (!(value & ENET_IC_EN))
		coalesce_fire(m, dir, false); /* nothing may stay held */
}

void enet_coalesce_reset(struct enet_model *m)
{
	for (int dir = 0; dir < ENET_NDIRS; dir++)
		m->coalesce[dir] = (struct enet_coalesce){
			.held = 0,
			.deadline_ns = UINT64_MAX,
		};
}

void enet_coalesce_poll(struct enet_model *m)
{
	uint64_t now = sdvf_now_ns(m->pd);
	for (int dir = 0; dir < ENET_NDIRS; dir++) {
		if (m->coalesce[dir].deadline_ns <= now)
			coalesce_fire(m, (enum enet_dir)dir, true);
	}
}

uint64_t enet_coalesce_deadline(const struct enet_model *m)
{
	uint64_t rx = m->coalesce[ENET_DIR_RX].deadline_ns;
	uint64_t tx = m->coalesce[ENET_DIR_TX].deadline_ns;
	return rx < tx ? rx : tx;
}
