/*
 * Attaching a queue to a region the PD was granted, by local name.  Every
 * component that talks over queues starts this way; the one place that says
 * why a queue could not be attached is here.
 *
 * Portable: PD API and core/queue.h only.
 */
#ifndef SDVF_PD_QUEUE_H
#define SDVF_PD_QUEUE_H

#include "core/pd.h"
#include "core/queue.h"

/* Every queue attached here publishes the peer indices it rejected as
 * impossible (core/queue.h) as the counter "<local name>.bad_index": a
 * violation by the peer, shown by `sdvf stats`.  A component lists it
 * among its counters with SDVF_QUEUE_COUNTER_DOC("local name"). */
#define SDVF_QUEUE_BAD_INDEX_SUFFIX ".bad_index"
#define SDVF_QUEUE_COUNTER_DOC(local)                                          \
	{                                                                      \
		local SDVF_QUEUE_BAD_INDEX_SUFFIX,                             \
			"impossible indices of the peer on `" local            \
			"`, rejected"                                          \
	}

/*
 * Attach `q` to the region granted under `local_name`, with `capacity`
 * slots, starting at index 0 without resetting the shared header: regions
 * start zeroed, and a trusted side that must reset a queue (the survivor
 * of a restart, core/pd.h peer_restart) does so itself.  Registers the
 * queue's bad_index counter (above).  Logs one line naming the region and
 * returns false if it is missing, too small, or capacity is not a power of
 * two, or if the local name is too long for the counter's name.
 */
static inline bool sdvf_queue_attach_region(struct sdvf_pd *pd,
					    struct sdvf_queue *q,
					    const char *local_name,
					    uint64_t capacity)
{
	char counter[SDVF_COUNTER_NAME_BYTES];
	if (!sdvf_counter_name_join(counter, local_name,
				    SDVF_QUEUE_BAD_INDEX_SUFFIX)) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "queue '%s': name too long for its counter "
			 "'%s" SDVF_QUEUE_BAD_INDEX_SUFFIX
			 "' (at most %u bytes)",
			 local_name, local_name, SDVF_COUNTER_NAME_BYTES - 1);
		return false;
	}
	const struct sdvf_region *r = sdvf_region(pd, local_name);
	if (capacity <= UINT32_MAX && r &&
	    sdvf_queue_attach(q, r->base, r->size, (uint32_t)capacity, false,
			      0)) {
		q->bad_index_counter = sdvf_counter(pd, counter);
		return true;
	}
	sdvf_log(pd, SDVF_LOG_ERROR,
		 "queue '%s': region missing, or smaller than %llu slots "
		 "(%llu bytes), or capacity not a power of two",
		 local_name, (unsigned long long)capacity,
		 (unsigned long long)SDVF_QUEUE_BYTES(capacity));
	return false;
}

/*
 * One activation, one shape.  Every component handles a notification the
 * same way: drain, request a signal, re-check; then publish once and
 * signal once.  For a PD that moves descriptors from queue `in` to `out`:
 *
 *     do {
 *         while (!sdvf_queue_full(out) && sdvf_queue_pop(in, &d))
 *             act(&d);                       validate, move, push to out
 *     } while (sdvf_queue_full(out)          stopped: ask to be woken for
 *                  ? sdvf_queue_producer_request_signal(out)   room
 *                  : sdvf_queue_consumer_request_signal(in));  work
 *     bool wake = sdvf_queue_producer_finish(out);    publish once
 *     wake |= sdvf_queue_consumer_finish(in);
 *     if (wake)
 *         sdvf_notify(pd, peer);                      signal once
 *
 * The loop stops for one of two reasons and asks to be woken for that
 * one: `in` ran dry (the producer of `in` notifies when it publishes more)
 * or `out` is full (its consumer notifies when it frees slots).  The
 * re-check in the loop condition is what makes sleeping safe
 * (core/queue.h); if work or room arrived meanwhile the request is
 * cancelled and the loop goes on.  Publishing and signalling once per
 * activation, not per descriptor, is what batches; a queue whose peer is on
 * another channel gets its own notify.  A PD that cannot find `out` full
 * (it never holds more buffers than `out` has slots) may drop that half.
 * A PD that feeds `out` from something other than `in` (a generator)
 * still drains `in` on every pass: a peer blocked on a full `in` is woken
 * only by that, and it may be the one that must empty `out`.
 */

/* End of an activation for a queue this PD produces into: publish what was
 * pushed (one index store), then true if there is news since the last
 * finish and the consumer asked to be woken: notify it, once.  With no
 * news, a pending request is left for the finish that brings some. */
static inline bool sdvf_queue_producer_finish(struct sdvf_queue *q)
{
	sdvf_queue_publish(q);
	if (q->announced == q->own)
		return false;
	q->announced = q->own;
	return sdvf_queue_producer_should_signal(q);
}

/* End of an activation for a queue this PD consumes from: hand the popped
 * slots back (one index store), then true if slots were freed since the
 * last finish and a producer blocked on a full queue asked to be woken:
 * notify it, once. */
static inline bool sdvf_queue_consumer_finish(struct sdvf_queue *q)
{
	sdvf_queue_release(q);
	if (q->announced == q->own)
		return false;
	q->announced = q->own;
	return sdvf_queue_consumer_should_signal(q);
}

#endif
