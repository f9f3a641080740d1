/*
 * rr: round robin over the clients with a frame queued, one frame each per
 * turn, in index order.  Frame-fair, not byte-fair: a client sending
 * 1514-byte frames gets 24 times the bytes of one sending 64-byte frames.
 * No parameters.  O(1) per pick.
 */
#include "policies/policy.h"

struct rr {
	unsigned last; /* client picked last; the turn passes on from here */
};

_Static_assert(sizeof(struct rr) <= SDVF_POLICY_STATE_MAX, "rr fits a slot");

static int rr_init(void *state, const struct sdvf_policy_config *cfg,
		   struct sdvf_policy_fault *fault)
{
	struct rr *rr = state;
	(void)fault;
	rr->last = cfg->nclients - 1; /* so client 0 goes first */
	return 0;
}

static int rr_pick(void *state, const struct sdvf_policy_ready *ready)
{
	struct rr *rr = state;
	int next = sdvf_policy_after(ready->mask, rr->last);
	if (next != SDVF_POLICY_NONE)
		rr->last = (unsigned)next;
	return next;
}

const struct sdvf_policy rr_policy = {
	.name = "rr",
	.summary = "round robin: one frame per ready client per turn",
	.kind = SDVF_POLICY_SCHEDULER,
	.state_size = sizeof(struct rr),
	.init = rr_init,
	.pick = rr_pick,
};
