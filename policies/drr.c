/*
 * drr: weighted deficit round robin (Shreedhar and Varghese), byte-fair.
 *
 * The ready clients take turns in index order.  A turn gives the client
 * weight * quantum bytes of credit (its deficit); it sends head frames
 * while its deficit covers them, and the rest of its deficit waits for its
 * next turn.  Over any stretch in which clients stay backlogged, each one's
 * bytes are within one quantum*weight + one frame of its weight's share.
 *
 * A client seen with nothing queued loses its deficit, so one that comes
 * back after idling starts from zero: credit cannot be saved up to burst
 * later.  quantum >= SDVF_NET_FRAME_MAX, so one turn always covers a head
 * frame and a pick never loops over rounds: O(nclients) per pick (the
 * idle sweep), O(1) when nobody went idle.
 */
#include "policies/policy.h"

struct drr_client {
	uint32_t quantum; /* weight * quantum: credit per turn */
	uint32_t deficit; /* < quantum + SDVF_NET_FRAME_MAX */
};

struct drr {
	unsigned current; /* whose turn it is (or was) */
	bool in_turn;	  /* current has had its credit for this turn */
	uint64_t last_ready;
	struct drr_client client[SDVF_POLICY_CLIENTS_MAX];
};

_Static_assert(sizeof(struct drr) <= SDVF_POLICY_STATE_MAX, "drr fits a slot");

static const struct sdvf_param drr_params[] = {
	SDVF_PARAM_U64_DEFAULT("quantum", SDVF_NET_FRAME_MAX, 65536,
			       SDVF_NET_FRAME_MAX,
			       "bytes of credit per turn for weight 1"),
	{0},
};

static const struct sdvf_param drr_client_params[] = {
	SDVF_PARAM_U64_DEFAULT("weight", 1, 1024, 1,
			       "share of the link in bytes, relative to the "
			       "other clients' weights"),
	{0},
};

static int drr_init(void *state, const struct sdvf_policy_config *cfg,
		    struct sdvf_policy_fault *fault)
{
	struct drr *drr = state;
	uint64_t quantum = cfg->u64(cfg->ctx, -1, "quantum");
	(void)fault;
	for (unsigned i = 0; i < cfg->nclients; i++) {
		/* <= 1024 * 65536: fits u32 with room for a frame. */
		drr->client[i].quantum =
			(uint32_t)(quantum *
				   cfg->u64(cfg->ctx, (int)i, "weight"));
	}
	drr->current = cfg->nclients - 1; /* so client 0 has the first turn */
	return 0;
}

static int drr_pick(void *state, const struct sdvf_policy_ready *ready)
{
	struct drr *drr = state;
	for (uint64_t idle = drr->last_ready & ~ready->mask; idle;
	     idle &= idle - 1)
		drr->client[sdvf_policy_lowest(idle)].deficit = 0;
	if (!(ready->mask >> drr->current & 1))
		drr->in_turn = false;
	drr->last_ready = ready->mask;
	if (!ready->mask)
		return SDVF_POLICY_NONE;
	if (drr->in_turn &&
	    drr->client[drr->current].deficit >= ready->head_len[drr->current])
		return (int)drr->current;
	/* The turn passes on (to the same client if it is alone). */
	unsigned next = (unsigned)sdvf_policy_after(ready->mask, drr->current);
	drr->current = next;
	drr->in_turn = true;
	drr->client[next].deficit += drr->client[next].quantum;
	return (int)next;
}

static void drr_charge(void *state, unsigned client, uint32_t bytes,
		       uint64_t now_ns)
{
	struct drr_client *c = &((struct drr *)state)->client[client];
	(void)now_ns;
	/* Saturating: a charge beyond the credit (not the contract's) must
	 * not wrap into a huge deficit. */
	c->deficit = c->deficit > bytes ? c->deficit - bytes : 0;
}

const struct sdvf_policy drr_policy = {
	.name = "drr",
	.summary = "weighted deficit round robin: byte-fair shares by weight",
	.kind = SDVF_POLICY_SCHEDULER,
	.state_size = sizeof(struct drr),
	.params = drr_params,
	.client_params = drr_client_params,
	.init = drr_init,
	.pick = drr_pick,
	.charge = drr_charge,
};
