/*
 * The ENET model, part 4: wire faults injected on purpose (docs/enet.md,
 * "Wire faults"), so that tests and soaks can show the driver and the
 * muxes count and survive what a real cable does to frames.
 *
 *   fault_loss_ppm     each frame, either way, is lost on the cable with
 *                      this probability (parts per million): a received
 *                      one never reaches the MAC, a sent one never reaches
 *                      the peer
 *   fault_corrupt_ppm  each frame is damaged on the cable: a received one
 *                      reaches the MAC with one bit flipped after its FCS
 *                      was computed, so the MAC flags it CR (the driver
 *                      counts rx_err_cr and recycles the buffer); a sent
 *                      one is discarded by the peer's MAC (not delivered)
 *   fault_flap_ms      every this many ms the link drops for
 *                      fault_flap_down_ms (the PHY's BMSR.LSTATUS latches
 *                      low, so the driver's next poll sees the drop)
 *   fault_seed         the generator's seed: the same seed, frames and
 *                      clock give the same faults (deterministic in sim)
 *
 * Each frame draws twice from a xorshift64* generator (loss, then
 * corruption), only while the corresponding rate is non-zero.  What is
 * injected is counted here (fault_*); what the driver observes is counted
 * by the driver (rx_err_cr, link_changes).
 */
#include "driver/enet/model/enet_model_state.h"

#define PPM 1000000u

static uint64_t fault_random(struct enet_fault *f)
{
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545f4914f6cdd1dull;
}

static bool fault_hits(struct enet_fault *f, uint32_t ppm)
{
	return ppm != 0 && fault_random(f) % PPM < ppm;
}

void enet_model_set_faults(void *model, const struct enet_model_faults *cfg)
{
	struct enet_model *m = model;
	struct enet_fault *f = &m->fault;
	f->loss_ppm = cfg->loss_ppm;
	f->corrupt_ppm = cfg->corrupt_ppm;
	f->flap_ns = cfg->flap_ms * 1000000ull;
	f->flap_down_ns = cfg->flap_down_ms * 1000000ull;
	if (f->flap_down_ns >= f->flap_ns)
		f->flap_down_ns = f->flap_ns / 2;
	f->rng = cfg->seed ? cfg->seed : 0x9e3779b97f4a7c15ull; /* never 0 */
	f->next_flap_ns = f->flap_ns ? sdvf_now_ns(m->pd) + f->flap_ns : 0;
	if (f->flapped_down)
		enet_model_set_link(m, true);
	f->flapped_down = false;
}

void enet_fault_init(struct enet_model *m)
{
	struct sdvf_pd *pd = m->pd;
	struct enet_model_faults cfg = {
		.loss_ppm = (uint32_t)sdvf_config_u64(pd, "fault_loss_ppm"),
		.corrupt_ppm =
			(uint32_t)sdvf_config_u64(pd, "fault_corrupt_ppm"),
		.flap_ms = sdvf_config_u64(pd, "fault_flap_ms"),
		.flap_down_ms = sdvf_config_u64(pd, "fault_flap_down_ms"),
		.seed = sdvf_config_u64(pd, "fault_seed"),
	};
	enet_model_set_faults(m, &cfg);
	const struct enet_fault *f = &m->fault;
	if (f->loss_ppm || f->corrupt_ppm || f->flap_ns)
		sdvf_log(pd, SDVF_LOG_INFO,
			 "wire faults: loss %u ppm, corruption %u ppm, link "
			 "drop every %llu ms for %llu ms, seed %llu",
			 f->loss_ppm, f->corrupt_ppm,
			 (unsigned long long)(f->flap_ns / 1000000u),
			 (unsigned long long)(f->flap_down_ns / 1000000u),
			 (unsigned long long)cfg.seed);
}

enum enet_fault_verdict enet_fault_rx(struct enet_model *m)
{
	struct enet_fault *f = &m->fault;
	if (fault_hits(f, f->loss_ppm)) {
		sdvf_counter_add(m->stats.fault_rx_lost, 1);
		return ENET_FAULT_LOSE;
	}
	/* counted when the MAC writes it to a BD (enet_fault_flip): a frame
	 * the FIFO drops or a reset flushes never reaches the driver */
	if (fault_hits(f, f->corrupt_ppm))
		return ENET_FAULT_CORRUPT;
	return ENET_FAULT_NONE;
}

enum enet_fault_verdict enet_fault_tx(struct enet_model *m)
{
	struct enet_fault *f = &m->fault;
	if (fault_hits(f, f->loss_ppm)) {
		sdvf_counter_add(m->stats.fault_tx_lost, 1);
		return ENET_FAULT_LOSE;
	}
	if (fault_hits(f, f->corrupt_ppm)) {
		sdvf_counter_add(m->stats.fault_tx_corrupt, 1);
		return ENET_FAULT_CORRUPT;
	}
	return ENET_FAULT_NONE;
}

/* One bit of a received frame as the MAC writes it to buffers, past its
 * addresses (the filter has seen them); counted: the frame is in BDs now. */
void enet_fault_flip(struct enet_model *m, uint8_t *frame, uint32_t len)
{
	sdvf_counter_add(m->stats.fault_rx_corrupt, 1);
	if (len <= 12)
		return;
	uint64_t r = fault_random(&m->fault);
	frame[12 + (uint32_t)(r % (len - 12))] ^= (uint8_t)(1u << (r >> 61));
}

uint64_t enet_fault_tick(struct enet_model *m)
{
	struct enet_fault *f = &m->fault;
	if (!f->next_flap_ns)
		return 0;
	uint64_t now = sdvf_now_ns(m->pd);
	if (now < f->next_flap_ns)
		return f->next_flap_ns;
	if (!f->flapped_down) {
		f->flapped_down = true;
		sdvf_counter_add(m->stats.fault_flaps, 1);
		enet_model_set_link(m, false);
		f->next_flap_ns = now + f->flap_down_ns;
	} else {
		f->flapped_down = false;
		enet_model_set_link(m, true);
		f->next_flap_ns = now + (f->flap_ns - f->flap_down_ns);
	}
	return f->next_flap_ns;
}
