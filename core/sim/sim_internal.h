/*
 * The sim runtime's private state, shared by core/sim/sim.c (scheduler, PD API,
 * building) and core/sim/sim_inspect.c (what tests may look at).  Nothing
 * outside the sim runtime includes this.
 */
#ifndef SDVF_SIM_INTERNAL_H
#define SDVF_SIM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/hosted/counters.h"
#include "core/sim/sim.h"

#define SIM_QUEUE_CAP (SDVF_MAX_PDS * (SDVF_MAX_PD_CHANS + 1))
#define SIM_WATCH_MAX 16
#define SIM_WAIT_MAX_STEPS 1000000u
#define SIM_LOG_BURST 64u /* log lines per PD per virtual second */
#define SIM_LOG_WINDOW_NS 1000000000ull

enum sim_end_action { SIM_END_NOTIFY, SIM_END_IRQ_ACK };

struct sim_end_entry {
	enum sim_end_action action;
	sdvf_channel_t ch;
};

struct sim_chan {
	int peer_pd;	/* -1 if the channel has no usable other end */
	int peer_local; /* the peer's local id for this channel */
	uint64_t notifications;
	uint64_t irq_acks;
	bool pending; /* an event for this PD on this channel is queued */
};

struct sim_pd {
	struct sdvf_pd pd; /* first: ops callbacks cast back from it */
	struct sdvf_sim *sim;
	int index;
	void *state;
	struct sdvf_region regions[SDVF_MAX_MAPS];
	int nregions;
	struct sim_chan chans[SDVF_MAX_PD_CHANS];
	int nchans;
	bool timer_armed;
	bool timer_pending;
	uint64_t timer_deadline;
	int busy;	  /* > 0 while in init() or notified() */
	bool initialized; /* events wait until init() has run */
	bool held;	  /* sdvf_sim_hold: events wait until released */
	struct sim_end_entry end[2 * SDVF_MAX_PD_CHANS];
	int nend;
	uint64_t activations;
	uint64_t restarts;	/* sdvf_sim_restart of this PD */
	uint64_t peer_restarts; /* peer_restart() calls in this PD */
	uint64_t failures;	/* sdvf_fail() calls */
	uint64_t bad_channel;	/* calls naming a channel it does not have */
	uint64_t log_window_start;
	uint32_t log_lines;
	uint64_t log_suppressed;
	/* sdvf_counter: the same table as a hosted stats slot, private here */
	struct sdvf_counter_table *counters;
	struct sdvf_counter_claims counter_claims;
	_Atomic uint64_t counter_scratch; /* refused names write here */
	uint64_t counters_refused;
};

struct sim_event {
	int pd;
	sdvf_channel_t ch;
};

/* A watched fd's channel id is the component's choice (hosted delivers any
 * value), so its pending flag lives here rather than in the PD's channels. */
struct sim_watch {
	int pd;
	int fd;
	sdvf_channel_t ch;
	bool pending;
};

struct sdvf_sim {
	const struct sdvf_system *sys;
	void *regions[SDVF_MAX_REGIONS];
	struct sim_pd pds[SDVF_MAX_PDS];
	int npds;
	struct sim_event queue[SIM_QUEUE_CAP];
	int nqueued;
	struct sim_watch watches[SIM_WATCH_MAX];
	int nwatches;
	uint64_t now;
	bool quiet; /* SDVF_SIM_QUIET set: component logs are not printed */
};

/* Queue an event for PD `pd` on local channel `ch`, unless one is already
 * pending (coalescing).  core/sim/sim.c; tests reach it via sdvf_sim_inject. */
void sim_event_enqueue(struct sdvf_sim *sim, int pd, sdvf_channel_t ch);

/* The PD named `pd`; a name no PD has is a test bug: it aborts with a
 * message.  core/sim/sim_inspect.c. */
struct sim_pd *sim_test_pd(struct sdvf_sim *sim, const char *pd);

#endif
