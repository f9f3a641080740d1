/*
 * The sim runtime, test side (contract: core/sim/sim.h): regions, PD state,
 * injected notifications and counters, looked up by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim/sim_internal.h"

static int find_pd(struct sdvf_sim *sim, const char *name)
{
	for (int i = 0; i < sim->npds; i++) {
		if (strcmp(sim->sys->pds[i].name, name) == 0)
			return i;
	}
	return -1;
}

void *sdvf_sim_region(struct sdvf_sim *sim, const char *region, uint64_t *size)
{
	for (int r = 0; r < sim->sys->nregions; r++) {
		if (strcmp(sim->sys->regions[r].name, region) == 0) {
			if (size)
				*size = sim->sys->regions[r].size;
			return sim->regions[r];
		}
	}
	return NULL;
}

void *sdvf_sim_state(struct sdvf_sim *sim, const char *pd)
{
	int i = find_pd(sim, pd);
	return i < 0 ? NULL : sim->pds[i].state;
}

/* A PD and one of its channels by name; a typo in a test is a test bug,
 * so it stops the test with a message instead of passing vacuously. */
static struct sim_pd *test_pd_channel(struct sdvf_sim *sim, const char *pd,
				      const char *local_channel,
				      sdvf_channel_t *ch)
{
	int i = find_pd(sim, pd);
	if (i < 0) {
		fprintf(stderr, "sim: no PD named '%s'\n", pd);
		abort();
	}
	*ch = sdvf_channel(&sim->pds[i].pd, local_channel);
	if (*ch == SDVF_CHANNEL_NONE) {
		fprintf(stderr, "sim: PD '%s' has no channel '%s'\n", pd,
			local_channel);
		abort();
	}
	return &sim->pds[i];
}

void sdvf_sim_hold(struct sdvf_sim *sim, const char *pd, bool held)
{
	int i = find_pd(sim, pd);
	if (i < 0) {
		fprintf(stderr, "sim: no PD named '%s'\n", pd);
		abort();
	}
	sim->pds[i].held = held;
}

void sdvf_sim_inject(struct sdvf_sim *sim, const char *pd,
		     const char *local_channel)
{
	sdvf_channel_t ch;
	struct sim_pd *p = test_pd_channel(sim, pd, local_channel, &ch);
	sim_event_enqueue(sim, p->index, ch);
}

uint64_t sdvf_sim_notifications(struct sdvf_sim *sim, const char *pd,
				const char *local_channel)
{
	sdvf_channel_t ch;
	struct sim_pd *p = test_pd_channel(sim, pd, local_channel, &ch);
	return p->chans[ch].notifications;
}

uint64_t sdvf_sim_activations(struct sdvf_sim *sim, const char *pd)
{
	int i = find_pd(sim, pd);
	return i < 0 ? 0 : sim->pds[i].activations;
}

uint64_t sdvf_sim_signals(struct sdvf_sim *sim, const char *pd)
{
	const struct sim_pd *p = sim_test_pd(sim, pd);
	uint64_t n = 0;
	for (int i = 0; i < p->nchans; i++)
		n += p->chans[i].notifications + p->chans[i].irq_acks;
	return n;
}

struct sim_pd *sim_test_pd(struct sdvf_sim *sim, const char *pd)
{
	int i = find_pd(sim, pd);
	if (i < 0) {
		fprintf(stderr, "sim: no PD named '%s'\n", pd);
		abort();
	}
	return &sim->pds[i];
}

uint64_t sdvf_sim_counter(struct sdvf_sim *sim, const char *pd,
			  const char *name, bool *found)
{
	struct sim_pd *p = sim_test_pd(sim, pd);
	int i = sdvf_counter_find(p->counters, name);
	if (found)
		*found = i >= 0;
	return i < 0 ? 0
		     : atomic_load_explicit(&p->counters->value[i],
					    memory_order_relaxed);
}

uint64_t sdvf_sim_counters_refused(struct sdvf_sim *sim, const char *pd)
{
	return sim_test_pd(sim, pd)->counters_refused;
}

uint64_t sdvf_sim_failures(struct sdvf_sim *sim, const char *pd)
{
	return sim_test_pd(sim, pd)->failures;
}

uint64_t sdvf_sim_peer_restarts(struct sdvf_sim *sim, const char *pd)
{
	return sim_test_pd(sim, pd)->peer_restarts;
}

uint64_t sdvf_sim_next_timer(const struct sdvf_sim *sim)
{
	uint64_t next = UINT64_MAX;
	for (int i = 0; i < sim->npds; i++)
		if (sim->pds[i].timer_armed &&
		    sim->pds[i].timer_deadline < next)
			next = sim->pds[i].timer_deadline;
	return next;
}
