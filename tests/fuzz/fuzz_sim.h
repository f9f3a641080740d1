/*
 * fuzz_sim.h: the sim system a harness plays a component in (fuzz_rx_mux,
 * fuzz_tx_mux): its description loaded once, a fresh sim per input, and
 * the queues the harness plays attached as the peer PD would.
 * Header-only.  A failure here is the harness's own (its description, its
 * region names), not the component's: it says so and aborts.
 */
#ifndef SDVF_FUZZ_SIM_H
#define SDVF_FUZZ_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/pd.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"

/* A sim of `sys`, initialised; `sys` is loaded from `dts` the first time
 * (*loaded false), `name` naming it in messages. */
static inline struct sdvf_sim *
fuzz_sim_start(struct sdvf_system *sys, bool *loaded, const char *name,
	       const char *dts, const struct sdvf_component *const *table)
{
	if (!*loaded && sdvf_system_load_dts(sys, name, dts, table, stderr))
		abort();
	*loaded = true;
	struct sdvf_sim *sim = sdvf_sim_create(sys);
	if (!sim || sdvf_sim_init(sim) != 0)
		abort();
	return sim;
}

/* Queue region `region` of the running sim, `capacity` slots, as a peer
 * attaches it. */
static inline void fuzz_attach(struct sdvf_sim *sim, struct sdvf_queue *q,
			       const char *region, uint32_t capacity)
{
	uint64_t size;
	void *base = sdvf_sim_region(sim, region, &size);
	if (!base || !sdvf_queue_attach(q, base, size, capacity, false, 0)) {
		fprintf(stderr, "fuzz: cannot attach queue region %s\n",
			region);
		abort();
	}
}

#endif
