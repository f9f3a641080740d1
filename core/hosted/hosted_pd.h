/*
 * One hosted PD process's runtime state, shared by its two files: the
 * process and its event loop (core/hosted/hosted_pd.c) and the runtime
 * ops its component calls (core/hosted/hosted_ops.c).  Private to them;
 * one instance per process, written only by that process.
 */
#ifndef SDVF_HOSTED_PD_H
#define SDVF_HOSTED_PD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/hosted/hosted_internal.h"
#include "core/hosted/hosted_wake.h"

/* epoll data: what woke us, in the top 32 bits; the channel below. */
enum wake_kind { WAKE_CHANNEL = 1, WAKE_TIMER, WAKE_WATCH, WAKE_CONTROL };
#define WAKE(kind, ch) (((uint64_t)(kind) << 32) | (uint32_t)(ch))

struct hosted_pd {
	struct sdvf_pd pd;
	const struct hosted_pd_image *img;
	struct sdvf_system own; /* the system of this PD alone (index 0) */
	const struct sdvf_sys_pd *desc;
	void *state;
	struct sdvf_region regions[SDVF_MAX_MAPS];
	int nregions;
	int wake_fd[SDVF_MAX_PD_CHANS];	  /* we wait on it */
	int signal_fd[SDVF_MAX_PD_CHANS]; /* the peer waits on it */
	int nchans;
	struct hosted_wake wake; /* the bells (core/hosted/hosted_wake.h) */
	uint32_t deferred_mask;	 /* channels to signal when this activation
				    ends; bit per local channel */
	int epoll_fd;
	int timer_fd;
	uint64_t timer_deadline; /* futex mode's timer (no timerfd); 0: off */
	int ctl_fd;		 /* the monitor's control socket */
	struct sdvf_stats_slot *stats;
	struct sdvf_counter_claims counter_claims; /* this incarnation's */
	_Atomic uint64_t counter_scratch; /* refused names write here */
	bool counter_refusal_logged;
	struct hosted_log_bucket log_bucket;
	uint64_t log_suppressed; /* since the last line that got out */
};

extern const struct sdvf_runtime_ops hosted_ops; /* hosted_ops.c */

#define COUNT(field)                                                           \
	atomic_fetch_add_explicit(&(field), 1, memory_order_relaxed)

static inline struct hosted_pd *rt_of(struct sdvf_pd *pd)
{
	return (struct hosted_pd *)pd->runtime;
}

/* A message to the monitor on the control socket (non-blocking). */
void hosted_send_control(struct hosted_pd *h, const struct hosted_ctl_msg *m);

#endif
