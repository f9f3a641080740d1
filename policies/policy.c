/*
 * The policy framework: look-up by name, checked instantiation, and the
 * two calls the muxes make per frame (policies/policy.h is the contract).
 * It trusts the policy tables (our own code) and checks everything else:
 * the parameter values the mux passes through from the description, and
 * what a policy returns.
 */
#include "policies/policy.h"

#include "core/bytes.h"

const struct sdvf_policy *sdvf_policy_find(const char *name)
{
	for (const struct sdvf_policy *const *p = sdvf_builtin_policies; *p;
	     p++) {
		if (sdvf_str_equal((*p)->name, name))
			return *p;
	}
	return NULL;
}

static const char *nth_of_kind(enum sdvf_policy_kind kind, unsigned i)
{
	for (const struct sdvf_policy *const *p = sdvf_builtin_policies; *p;
	     p++) {
		if ((*p)->kind == kind && i-- == 0)
			return (*p)->name;
	}
	return NULL;
}

const char *sdvf_policy_scheduler_name(unsigned i)
{
	return nth_of_kind(SDVF_POLICY_SCHEDULER, i);
}

const char *sdvf_policy_shaper_name(unsigned i)
{
	return nth_of_kind(SDVF_POLICY_SHAPER, i);
}

const struct sdvf_param *sdvf_policy_param(const struct sdvf_policy *policy,
					   bool per_client, const char *key)
{
	const struct sdvf_param *p =
		per_client ? policy->client_params : policy->params;
	for (; p && p->name; p++) {
		if (sdvf_str_equal(p->name, key))
			return p;
	}
	return NULL;
}

static int refuse(struct sdvf_policy_fault *fault, int client, const char *key,
		  uint64_t value, const char *why)
{
	fault->client = client;
	fault->key = key;
	fault->value = value;
	fault->why = why;
	return -1;
}

/* The same rules as the loader's check of a component's U64 params, so a
 * value `sdvf check` passed is never refused here. */
static const char *param_refusal(const struct sdvf_param *p, uint64_t v)
{
	uint64_t max = p->max ? p->max : UINT64_MAX;
	if (p->type != SDVF_PARAM_U64)
		return "policy parameters must be U64";
	if (v < p->min || v > max)
		return "out of range";
	if (p->power_of_two && (v == 0 || (v & (v - 1)) != 0))
		return "not a power of two";
	return NULL;
}

static int check_params(const struct sdvf_param *table,
			const struct sdvf_policy_config *cfg, int client,
			struct sdvf_policy_fault *fault)
{
	for (const struct sdvf_param *p = table; p && p->name; p++) {
		uint64_t v = cfg->u64(cfg->ctx, client, p->name);
		const char *why = param_refusal(p, v);
		if (why)
			return refuse(fault, client, p->name, v, why);
	}
	return 0;
}

static const char *policy_incomplete(const struct sdvf_policy *policy)
{
	if (!policy->init)
		return "policy has no init";
	if (policy->kind == SDVF_POLICY_SCHEDULER && !policy->pick)
		return "scheduler has no pick";
	if (policy->kind == SDVF_POLICY_SHAPER && !policy->admit)
		return "shaper has no admit";
	if (policy->state_size > SDVF_POLICY_STATE_MAX)
		return "state larger than SDVF_POLICY_STATE_MAX";
	return NULL;
}

int sdvf_policy_init(struct sdvf_policy_slot *slot,
		     const struct sdvf_policy *policy,
		     const struct sdvf_policy_config *cfg,
		     struct sdvf_policy_fault *fault)
{
	*fault = (struct sdvf_policy_fault){.client = -1};
	slot->policy = NULL;
	const char *why = policy_incomplete(policy);
	if (why)
		return refuse(fault, -1, NULL, 0, why);
	if (cfg->nclients < 1 || cfg->nclients > SDVF_POLICY_CLIENTS_MAX)
		return refuse(fault, -1, NULL, cfg->nclients,
			      "number of clients out of range (1..64)");
	if (check_params(policy->params, cfg, -1, fault) < 0)
		return -1;
	for (unsigned i = 0; i < cfg->nclients; i++) {
		if (check_params(policy->client_params, cfg, (int)i, fault) < 0)
			return -1;
	}
	__builtin_memset(slot->state, 0, sizeof(slot->state));
	if (policy->init(slot->state, cfg, fault) < 0)
		return -1;
	slot->policy = policy;
	slot->nclients = cfg->nclients;
	return 0;
}

bool sdvf_policy_admit_one(struct sdvf_policy_slot *shaper, unsigned client,
			   uint32_t len, uint64_t now_ns, uint64_t *wake_ns)
{
	*wake_ns = 0;
	if (!sdvf_policy_slot_ready(shaper) ||
	    shaper->policy->kind != SDVF_POLICY_SHAPER)
		return true;
	if (client >= shaper->nclients)
		return false;
	uint32_t head_len[SDVF_POLICY_CLIENTS_MAX];
	head_len[client] = len; /* the policy reads only bit `client` */
	struct sdvf_policy_ready one = {
		.mask = 1ull << client,
		.head_len = head_len,
		.now_ns = now_ns,
	};
	return shaper->policy->admit(shaper->state, &one, wake_ns) >> client &
	       1;
}
