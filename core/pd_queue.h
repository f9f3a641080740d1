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

/*
 * Attach `q` to the region granted under `local_name`, with `capacity`
 * slots, starting at index 0 without resetting the shared header: regions
 * start zeroed, and a trusted side that must reset a queue (a mux taking
 * back a restarted client's queues) does so itself.  Logs one line naming
 * the region and returns false if it is missing, too small, or capacity is
 * not a power of two.
 */
static inline bool sdvf_queue_attach_region(struct sdvf_pd *pd,
					    struct sdvf_queue *q,
					    const char *local_name,
					    uint64_t capacity)
{
	const struct sdvf_region *r = sdvf_region(pd, local_name);
	if (capacity <= UINT32_MAX && r &&
	    sdvf_queue_attach(q, r->base, r->size, (uint32_t)capacity, false,
			      0))
		return true;
	sdvf_log(pd, SDVF_LOG_ERROR,
		 "queue '%s': region missing, or smaller than %llu slots "
		 "(%llu bytes), or capacity not a power of two",
		 local_name, (unsigned long long)capacity,
		 (unsigned long long)SDVF_QUEUE_BYTES(capacity));
	return false;
}

#endif
