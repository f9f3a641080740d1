/*
 * The component counter table (contract and layout: core/hosted/counters.h).
 */
#include <string.h>

#include "core/hosted/counters.h"

const char *sdvf_counter_refusal_text(int refusal)
{
	switch (refusal) {
	case SDVF_COUNTER_INVALID:
		return "invalid name";
	case SDVF_COUNTER_DUPLICATE:
		return "already registered";
	case SDVF_COUNTER_FULL:
		return "table full";
	}
	return "?";
}

static bool claimed(const struct sdvf_counter_claims *c, uint32_t i)
{
	return (c->bits[i / 64] >> (i % 64)) & 1u;
}

static int claim(struct sdvf_counter_claims *c, uint32_t i)
{
	c->bits[i / 64] |= (uint64_t)1 << (i % 64);
	return (int)i;
}

int sdvf_counter_claim(struct sdvf_counter_table *t,
		       struct sdvf_counter_claims *claims, const char *name)
{
	if (!sdvf_counter_name_valid(name))
		return SDVF_COUNTER_INVALID;
	int found = sdvf_counter_find(t, name);
	if (found >= 0) {
		if (claimed(claims, (uint32_t)found))
			return SDVF_COUNTER_DUPLICATE;
		return claim(claims, (uint32_t)found); /* a restart: reuse */
	}
	uint32_t next = sdvf_counter_count(t);
	if (next == SDVF_COUNTERS_MAX)
		return SDVF_COUNTER_FULL;
	/* The whole field, so no byte of an older scribble survives. */
	memset(t->name[next], 0, SDVF_COUNTER_NAME_MAX);
	memcpy(t->name[next], name, strlen(name));
	atomic_store_explicit(&t->value[next], 0, memory_order_relaxed);
	/* Release: the name is complete before a reader counts it. */
	atomic_store_explicit(&t->count, next + 1, memory_order_release);
	return claim(claims, next);
}
