/*
 * least_served: the ready client that has sent the fewest bytes goes next.
 * The worked example of docs/policies.md: a complete scheduler with one
 * parameter, in the shape every policy file has (state struct, parameter
 * table, init, pick, charge, descriptor).
 *
 * Byte-fair like drr, by a different road: each client has a count of the
 * bytes it sent; a pick takes the smallest count among the ready clients
 * (ties go round robin), and charge adds the frame's bytes.  So two clients
 * that stay ready never drift more than one frame apart.
 *
 * The catch is a client that idled: its count fell behind while the others
 * sent, and the smallest count would let it send that whole difference in
 * one burst.  So a client that becomes ready is brought up to the smallest
 * count of the clients that were ready at the previous pick, less
 * `idle_credit` bytes it may keep as a head start.
 *
 * O(nclients) per pick, O(1) per charge.  Counts are u64 bytes: at 100
 * Gbit/s they would wrap after 46 years.
 */
#include "policies/policy.h"

struct least_served {
	uint64_t idle_credit;
	uint64_t floor;	     /* smallest count at the last pick */
	uint64_t last_ready; /* ready set at the last pick */
	unsigned last;	     /* client picked last, for ties */
	uint64_t sent[SDVF_POLICY_CLIENTS_MAX];
};

_Static_assert(sizeof(struct least_served) <= SDVF_POLICY_STATE_MAX,
	       "least_served fits a slot");

static const struct sdvf_param least_served_params[] = {
	SDVF_PARAM_U64_DEFAULT("idle_credit", 0, 1u << 20, 0,
			       "bytes of head start a client coming back "
			       "from idle keeps"),
	{0},
};

static int least_served_init(void *state, const struct sdvf_policy_config *cfg,
			     struct sdvf_policy_fault *fault)
{
	struct least_served *ls = state;
	(void)fault;
	ls->idle_credit = cfg->u64(cfg->ctx, -1, "idle_credit");
	ls->last = cfg->nclients - 1;
	return 0;
}

/* Ties go to the first client after the last one picked. */
static bool least_served_before(const struct least_served *ls, unsigned a,
				unsigned b)
{
	if (ls->sent[a] != ls->sent[b])
		return ls->sent[a] < ls->sent[b];
	return (a > ls->last) != (b > ls->last) ? a > ls->last : a < b;
}

static int least_served_pick(void *state, const struct sdvf_policy_ready *ready)
{
	struct least_served *ls = state;
	uint64_t back = ready->mask & ~ls->last_ready;
	uint64_t start =
		ls->floor > ls->idle_credit ? ls->floor - ls->idle_credit : 0;
	for (; back; back &= back - 1) {
		unsigned i = sdvf_policy_lowest(back);
		if (ls->sent[i] < start)
			ls->sent[i] = start;
	}
	ls->last_ready = ready->mask;
	if (!ready->mask)
		return SDVF_POLICY_NONE; /* floor stays for who comes back */
	unsigned best = sdvf_policy_lowest(ready->mask);
	for (uint64_t m = ready->mask & (ready->mask - 1); m; m &= m - 1) {
		unsigned i = sdvf_policy_lowest(m);
		if (least_served_before(ls, i, best))
			best = i;
	}
	ls->floor = ls->sent[best];
	ls->last = best;
	return (int)best;
}

static void least_served_charge(void *state, unsigned client, uint32_t bytes,
				uint64_t now_ns)
{
	struct least_served *ls = state;
	(void)now_ns;
	ls->sent[client] += bytes;
}

const struct sdvf_policy least_served_policy = {
	.name = "least_served",
	.summary = "fewest bytes sent goes next (the worked example)",
	.kind = SDVF_POLICY_SCHEDULER,
	.state_size = sizeof(struct least_served),
	.params = least_served_params,
	.init = least_served_init,
	.pick = least_served_pick,
	.charge = least_served_charge,
};
