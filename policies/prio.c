/*
 * prio: strict priority, with an optional guaranteed minimum per client.
 *
 * The ready client of the best priority (0 is best) sends; clients of equal
 * priority take turns, one frame each.  So a priority-0 client's queued
 * frames all leave before any priority-1 frame, and a saturating
 * higher-priority client starves the lower ones entirely...
 *
 * ...unless a lower client has a min_share (per mille of the bytes sent
 * while it is ready).  Such a client earns min_share * bytes of credit for
 * every frame anyone sends while it is ready and pays 1000 * bytes for its
 * own; once its credit covers its head frame it is owed, and an owed
 * client goes before every priority.  That bounds its wait: with frames of
 * L bytes it waits behind at most L * 1000 / min_share bytes of others'
 * frames, plus one frame and the frames of other owed clients; and over any
 * stretch in which it stays ready it sends at least min_share / 1000 of all
 * bytes, less (1000 + min_share) * SDVF_NET_FRAME_MAX / 1000.  Credit is
 * dropped when the client is seen idle and never goes below zero, so
 * neither idling nor being served by priority saves up anything.  The
 * min_shares of all clients sum to at most 1000, which keeps every
 * guarantee feasible at once.
 *
 * O(nclients) per pick and per charge.
 */
#include "policies/policy.h"

#define PRIO_LEVELS 8u
#define PRIO_PER_MILLE 1000

struct prio_client {
	int64_t credit; /* bytes * per mille; 0 unless min_share */
	uint32_t min_share;
	uint8_t priority;
};

struct prio {
	uint64_t level[PRIO_LEVELS]; /* clients of each priority */
	uint64_t guaranteed;	     /* clients with a min_share */
	uint64_t last_ready;
	uint8_t last_served[PRIO_LEVELS]; /* round robin within a level */
	struct prio_client client[SDVF_POLICY_CLIENTS_MAX];
};

_Static_assert(sizeof(struct prio) <= SDVF_POLICY_STATE_MAX,
	       "prio fits a slot");

static const struct sdvf_param prio_client_params[] = {
	SDVF_PARAM_U64_DEFAULT("priority", 0, PRIO_LEVELS - 1, 0,
			       "0 is served first"),
	SDVF_PARAM_U64_DEFAULT("min_share", 0, PRIO_PER_MILLE, 0,
			       "per mille of the bytes sent while ready that "
			       "the client gets whatever the priorities "
			       "(0: none)"),
	{0},
};

static int prio_init(void *state, const struct sdvf_policy_config *cfg,
		     struct sdvf_policy_fault *fault)
{
	struct prio *prio = state;
	uint64_t shares = 0;
	for (unsigned i = 0; i < cfg->nclients; i++) {
		struct prio_client *c = &prio->client[i];
		c->priority = (uint8_t)cfg->u64(cfg->ctx, (int)i, "priority");
		c->min_share =
			(uint32_t)cfg->u64(cfg->ctx, (int)i, "min_share");
		prio->level[c->priority] |= 1ull << i;
		if (c->min_share)
			prio->guaranteed |= 1ull << i;
		shares += c->min_share;
	}
	if (shares > PRIO_PER_MILLE) {
		fault->client = -1;
		fault->key = "min_share";
		fault->value = shares;
		fault->why = "sum over the clients exceeds 1000 (per mille)";
		return -1;
	}
	for (unsigned p = 0; p < PRIO_LEVELS; p++)
		prio->last_served[p] = (uint8_t)(cfg->nclients - 1);
	return 0;
}

static uint64_t prio_owed(const struct prio *prio,
			  const struct sdvf_policy_ready *ready)
{
	uint64_t owed = 0;
	for (uint64_t m = ready->mask & prio->guaranteed; m; m &= m - 1) {
		unsigned i = sdvf_policy_lowest(m);
		if (prio->client[i].credit >=
		    (int64_t)ready->head_len[i] * PRIO_PER_MILLE)
			owed |= 1ull << i;
	}
	return owed;
}

static int prio_pick(void *state, const struct sdvf_policy_ready *ready)
{
	struct prio *prio = state;
	for (uint64_t idle = prio->last_ready & ~ready->mask; idle;
	     idle &= idle - 1)
		prio->client[sdvf_policy_lowest(idle)].credit = 0;
	prio->last_ready = ready->mask;
	uint64_t owed = prio_owed(prio, ready);
	uint64_t from = owed ? owed : ready->mask;
	for (unsigned p = 0; p < PRIO_LEVELS; p++) {
		uint64_t m = from & prio->level[p];
		if (!m)
			continue;
		int next = sdvf_policy_after(m, prio->last_served[p]);
		prio->last_served[p] = (uint8_t)next;
		return next;
	}
	return SDVF_POLICY_NONE;
}

static void prio_charge(void *state, unsigned client, uint32_t bytes,
			uint64_t now_ns)
{
	struct prio *prio = state;
	(void)now_ns;
	for (uint64_t m = prio->last_ready & prio->guaranteed; m; m &= m - 1) {
		struct prio_client *c = &prio->client[sdvf_policy_lowest(m)];
		c->credit += (int64_t)bytes * c->min_share;
	}
	struct prio_client *c = &prio->client[client];
	if (!c->min_share)
		return;
	c->credit -= (int64_t)bytes * PRIO_PER_MILLE;
	if (c->credit < 0) /* served beyond its share: nothing saved up */
		c->credit = 0;
}

const struct sdvf_policy prio_policy = {
	.name = "prio",
	.summary = "strict priority, with an optional minimum share per client",
	.kind = SDVF_POLICY_SCHEDULER,
	.state_size = sizeof(struct prio),
	.client_params = prio_client_params,
	.init = prio_init,
	.pick = prio_pick,
	.charge = prio_charge,
};
