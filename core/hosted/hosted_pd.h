/*
 * One hosted PD process's runtime state, shared by its two files: the
 * process and its event loop (core/hosted/hosted_pd.c) and the runtime
 * ops its component calls (core/hosted/hosted_ops.c), and a group's
 * process (core/hosted/hosted_group.c).  Private to them; one instance per
 * PD of the process (a group holds several), written only by it.
 */
#ifndef SDVF_HOSTED_PD_H
#define SDVF_HOSTED_PD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/hosted/hosted_internal.h"
#include "core/hosted/hosted_wake.h"

/* epoll data: which PD of the process (a group's member, bits 48..63; 0
 * alone), what woke it (bits 32..47) and the channel (bits 0..31). */
enum wake_kind { WAKE_CHANNEL = 1, WAKE_TIMER, WAKE_WATCH, WAKE_CONTROL };
#define WAKE_OF(member, kind, ch)                                              \
	(((uint64_t)(member) << 48) | ((uint64_t)(kind) << 32) | (uint32_t)(ch))
#define WAKE(kind, ch) WAKE_OF(0, kind, ch)
#define WAKE_MEMBER(data) ((uint32_t)((data) >> 48))
#define WAKE_KIND(data) ((enum wake_kind)(((data) >> 32) & 0xffff))

struct hosted_group; /* a co-location group's process (hosted_group.c) */

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
	/* The component's timer deadline (timer_set), 0: off.  Futex mode:
	 * the deadline of its futex_waitv (no timerfd).  Epoll mode: the
	 * timer_fd holds timer_armed (0: not armed, or seen to expire), armed
	 * only where the loop sleeps; it may be earlier, or left after a
	 * cancel (hosted_ops.c). */
	uint64_t timer_deadline;
	uint64_t timer_armed;
	int ctl_fd; /* the monitor's control socket */
	int log_fd; /* its log pipe: 2, or a group member's fd */
	/* Co-location (hosted_group.c): a channel whose peer runs in this
	 * process names that PD and its local channel; a signal sets a bit
	 * in the peer's local_mask, which the group's loop serves. */
	struct hosted_pd *local_peer[SDVF_MAX_PD_CHANS]; /* NULL: not ours */
	uint8_t local_chan[SDVF_MAX_PD_CHANS];
	uint32_t local_mask;	    /* channels co-located peers signalled */
	struct hosted_group *group; /* NULL: alone in its process */
	bool ready;  /* init() has returned: its marks may be served */
	bool active; /* an activation of it is on the stack */
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

/* ---- hosted_pd.c's steps, shared with a group's process (hosted_group.c)
 * ------------------------------------------------------------------------ */

/* The runtime's fds of one PD: log, epoll, timer, control, two per
 * channel. */
#define HOSTED_PD_RUNTIME_FDS (4 + 2 * SDVF_MAX_PD_CHANS)

uint64_t hosted_monotonic_ns(void);
void hosted_become_child(const struct hosted_pd_image *img);
void hosted_pd_setup(struct hosted_pd *h);
void hosted_pd_close_mapped(const struct hosted_pd *h);
void hosted_pd_events(struct hosted_pd *h, int epoll_fd, uint32_t member);
int hosted_pd_runtime_fds(const struct hosted_pd *h, int *fds);
bool hosted_fd_in(int fd, const int *fds, int n);
void hosted_close_other_fds(struct hosted_pd *const *pds, int npds);
void hosted_pin_to_core(struct hosted_pd *h);
void hosted_wait_for_start(const struct hosted_pd_image *img);
struct hosted_pd_fds hosted_pd_fds_of(const struct hosted_pd *h);
void hosted_run_init(struct hosted_pd *h);
/* What a device's or VMM's init() opened: every fd of the process that is
 * none of the runtime's fds of pds[0..npds) and not in taken[0..ntaken),
 * appended to fds->host_fd. */
void hosted_collect_host_fds(struct hosted_pd *const *pds, int npds,
			     const int *taken, int ntaken,
			     struct hosted_pd_fds *fds);
/* While member h waits (sdvf_wait) in a group: activate the marks of the
 * other members that are ready and not on the stack (the peer h waits for
 * may be one of them); true if any was served. */
bool hosted_group_serve_others(struct hosted_pd *h);
/* Signal channel ch now: a co-located peer's mark, or the wake path. */
void hosted_signal(struct hosted_pd *h, int ch);
void hosted_flush_deferred(struct hosted_pd *h);
void hosted_activate(struct hosted_pd *h, sdvf_channel_t ch);
/* The component's deadline has passed: its SDVF_CHANNEL_TIMER activation,
 * counted in timer_fires. */
void hosted_activate_timer(struct hosted_pd *h);
/* timer_fd was ready (epoll mode): true if the component's deadline has
 * passed, to be delivered as an SDVF_CHANNEL_TIMER activation; false for
 * a fire before it or after a cancel. */
bool hosted_timer_fired(struct hosted_pd *h);
/* An epoll loop (a PD's or a group's; futex mode has its own) is about to
 * sleep: true if h's deadline has passed (do not sleep: take it), else
 * the timerfd is armed for it if it holds nothing or a later one. */
bool hosted_timer_before_sleep(struct hosted_pd *h);
/* True, once, if h's deadline has passed: deliver it as an
 * SDVF_CHANNEL_TIMER activation (no timerfd involved). */
bool hosted_timer_take_due(struct hosted_pd *h);
bool hosted_serve_bells(struct hosted_pd *h);
void hosted_wake_channel(struct hosted_pd *h, sdvf_channel_t ch);
void hosted_serve_control(struct hosted_pd *h);

#endif
