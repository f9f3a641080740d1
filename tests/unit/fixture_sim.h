/*
 * fixture_sim.h: a sim system in a cmocka test, and the queues the test
 * plays in it as the peer PD would (the muxes' side of a client, the
 * driver's and clients' sides of a mux).  Header-only; include after
 * cmocka.h.  A failure here is the test's own set-up: it fails the test.
 */
#ifndef SDVF_TESTS_FIXTURE_SIM_H
#define SDVF_TESTS_FIXTURE_SIM_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/pd.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"

/* `sys` loaded from `dts` (`name` in messages), a sim of it, initialised. */
static inline struct sdvf_sim *
sim_boot(struct sdvf_system *sys, const char *name, const char *dts,
	 const struct sdvf_component *const *table)
{
	memset(sys, 0, sizeof(*sys));
	assert_int_equal(sdvf_system_load_dts(sys, name, dts, table, stderr),
			 0);
	struct sdvf_sim *sim = sdvf_sim_create(sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	return sim;
}

/* Queue region `region` of the running sim, `capacity` slots, into *q. */
static inline void sim_attach(struct sdvf_sim *sim, struct sdvf_queue *q,
			      const char *region, uint32_t capacity)
{
	uint64_t size;
	void *base = sdvf_sim_region(sim, region, &size);
	assert_non_null(base);
	assert_true(sdvf_queue_attach(q, base, size, capacity, false, 0));
}

#endif
