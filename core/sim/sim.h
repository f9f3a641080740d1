/*
 * The sim runtime: every PD of a system in one process, one thread, with a
 * deterministic scheduler and virtual time.  The same component code as the
 * hosted runtime.  Used by unit tests, fuzzing and callgrind benchmarks.
 *
 * Scheduling: notifications are queued in FIFO order and delivered one per
 * step; a notification to a PD that already has the same channel pending is
 * coalesced (as a Microkit/eventfd signal would be).  Deferred notifications
 * and irq acks take effect when the current activation ends.  Virtual time
 * only moves when the test calls sdvf_sim_advance(); timers fire then.
 */
#ifndef SDVF_SIM_H
#define SDVF_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/sysdesc/system.h"

struct sdvf_sim;

/* Allocate every region (zeroed, 4 KiB aligned) and every PD instance of a
 * loaded system.  Returns NULL on allocation failure. */
struct sdvf_sim *sdvf_sim_create(const struct sdvf_system *sys);
void sdvf_sim_destroy(struct sdvf_sim *sim);

/* Run init() of every PD in description order.  Returns 0 or the first
 * negative init result. */
int sdvf_sim_init(struct sdvf_sim *sim);

/* Deliver one pending notification; false if nothing was pending. */
bool sdvf_sim_step(struct sdvf_sim *sim);

/* Step until idle or max_steps; returns steps taken. */
uint64_t sdvf_sim_run(struct sdvf_sim *sim, uint64_t max_steps);

/* Move virtual time forward by ns, firing due timers (then run until idle). */
void sdvf_sim_advance(struct sdvf_sim *sim, uint64_t ns);
uint64_t sdvf_sim_now(const struct sdvf_sim *sim);
/* The earliest deadline of any armed timer, or UINT64_MAX if none: a test
 * that advances exactly to it sees what happens at that instant, with
 * sdvf_sim_now() the exact time. */
uint64_t sdvf_sim_next_timer(const struct sdvf_sim *sim);

/* Test access: a region by its system name, a PD's state, and injecting a
 * notification as if its peer on `local_channel` had signalled. */
void *sdvf_sim_region(struct sdvf_sim *sim, const char *region, uint64_t *size);
void *sdvf_sim_state(struct sdvf_sim *sim, const char *pd);
void sdvf_sim_inject(struct sdvf_sim *sim, const char *pd,
		     const char *local_channel);
/* Hold PD `pd` (held true): none of its events run, as for a process the
 * host does not schedule; a peer's sdvf_wait() on it gives up.  Its events
 * (timer included) wait in the queue and run once released (held false).
 * An unknown PD name aborts. */
void sdvf_sim_hold(struct sdvf_sim *sim, const char *pd, bool held);

/* Counters for tests: notifications sent on one end, activations of a PD. */
uint64_t sdvf_sim_notifications(struct sdvf_sim *sim, const char *pd,
				const char *local_channel);
uint64_t sdvf_sim_activations(struct sdvf_sim *sim, const char *pd);
/* Everything the PD signalled: notifications on all its channels plus irq
 * acks, as the hosted `sdvf.notifications` counts them. */
uint64_t sdvf_sim_signals(struct sdvf_sim *sim, const char *pd);

/* A counter the PD published with sdvf_counter(): its value, or 0 with
 * *found false if the PD registered no such name (found may be NULL).  An
 * unknown PD name is a test bug: it aborts with a message. */
uint64_t sdvf_sim_counter(struct sdvf_sim *sim, const char *pd,
			  const char *name, bool *found);
/* sdvf_counter() calls of the PD that got the scratch slot (invalid or
 * duplicate name, table full). */
uint64_t sdvf_sim_counters_refused(struct sdvf_sim *sim, const char *pd);

/*
 * Restart PD `pd` as the hosted monitor restarts a restartable PD that
 * died: its pending events and timer are dropped, every PD at the other end
 * of one of its channels runs peer_restart (core/pd.h) for that channel,
 * then its state is zeroed and init() runs again.  Counters keep their
 * values.  Call between steps, not from a component.  Returns init()'s
 * result.
 */
int sdvf_sim_restart(struct sdvf_sim *sim, const char *pd);

/* sdvf_fail() reports of the PD (core/pd.h). */
uint64_t sdvf_sim_failures(struct sdvf_sim *sim, const char *pd);
/* peer_restart() calls the PD received. */
uint64_t sdvf_sim_peer_restarts(struct sdvf_sim *sim, const char *pd);

#endif
