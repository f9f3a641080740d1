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

static bool name_char_ok(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_')
		return true;
	return !first && (c == '.' || c == '-');
}

bool sdvf_counter_name_valid(const char *name)
{
	size_t len = strnlen(name, SDVF_COUNTER_NAME_MAX);
	if (len == 0 || len == SDVF_COUNTER_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!name_char_ok(name[i], i == 0))
			return false;
	}
	size_t reserved = sizeof(SDVF_COUNTER_RESERVED_PREFIX) - 1;
	return strncmp(name, SDVF_COUNTER_RESERVED_PREFIX, reserved) != 0;
}

uint32_t sdvf_counter_count(const struct sdvf_counter_table *t)
{
	/* Acquire: pairs with the release in sdvf_counter_claim, so names
	 * below count are complete.  The slot is writable by its PD, so the
	 * value itself is clamped, never trusted. */
	uint32_t count = atomic_load_explicit(&t->count, memory_order_acquire);
	return count < SDVF_COUNTERS_MAX ? count : SDVF_COUNTERS_MAX;
}

bool sdvf_counter_read_name(const struct sdvf_counter_table *t, uint32_t i,
			    char out[SDVF_COUNTER_NAME_MAX])
{
	if (i >= SDVF_COUNTERS_MAX)
		return false;
	/* Copy first: the owner may rewrite it while we check. */
	memcpy(out, t->name[i], SDVF_COUNTER_NAME_MAX);
	if (memchr(out, '\0', SDVF_COUNTER_NAME_MAX) == NULL) {
		out[0] = '\0';
		return false;
	}
	return sdvf_counter_name_valid(out);
}

int sdvf_counter_find(const struct sdvf_counter_table *t, const char *name)
{
	uint32_t count = sdvf_counter_count(t);
	char seen[SDVF_COUNTER_NAME_MAX];
	for (uint32_t i = 0; i < count; i++) {
		if (sdvf_counter_read_name(t, i, seen) &&
		    strcmp(seen, name) == 0)
			return (int)i;
	}
	return -1;
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
