/*
 * Checked reads of a stats file (layout and trust: core/stats_file.h).
 * Portable: used by `sdvf stats` and by components granted the file.
 */
#include "core/stats_file.h"

const char SDVF_STATS_WRONG_SIZE[] = "not the size its header says";

const char *sdvf_stats_header_problem(const struct sdvf_stats_header *h,
				      size_t bytes)
{
	if (bytes < SDVF_STATS_HEADER_BYTES)
		return "too short for a stats file";
	if (h->magic != SDVF_STATS_MAGIC || h->version != SDVF_STATS_VERSION ||
	    h->npds > SDVF_STATS_PDS_MAX ||
	    h->header_bytes != SDVF_STATS_HEADER_BYTES ||
	    h->slot_bytes != SDVF_STATS_SLOT_BYTES)
		return "not a stats file of this version of sdvf";
	if (bytes != sdvf_stats_file_bytes(h->npds))
		return SDVF_STATS_WRONG_SIZE;
	return 0;
}

void sdvf_stats_safe_name(char out[SDVF_STATS_NAME_BYTES], const char *in)
{
	size_t i = 0;
	/* Copy first: a name is (L), but the reader may hold a mapping. */
	for (; i < SDVF_STATS_NAME_BYTES - 1 && in[i]; i++)
		out[i] = in[i] <= ' ' || in[i] > '~' ? '?' : in[i];
	out[i] = '\0';
	if (i == 0) {
		out[0] = '?';
		out[1] = '\0';
	}
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
	static const char reserved[] = SDVF_COUNTER_RESERVED_PREFIX;
	size_t len = 0;
	while (len < SDVF_COUNTER_NAME_MAX && name[len])
		len++;
	if (len == 0 || len == SDVF_COUNTER_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!name_char_ok(name[i], i == 0))
			return false;
	}
	for (size_t i = 0; i < sizeof(reserved) - 1; i++) {
		if (name[i] != reserved[i])
			return true;
	}
	return false;
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
	const volatile char *src = t->name[i];
	bool terminated = false;
	for (uint32_t k = 0; k < SDVF_COUNTER_NAME_MAX; k++) {
		out[k] = src[k];
		terminated |= out[k] == '\0';
	}
	if (!terminated) {
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
		if (!sdvf_counter_read_name(t, i, seen))
			continue;
		uint32_t k = 0;
		while (seen[k] && seen[k] == name[k])
			k++;
		if (seen[k] == name[k])
			return (int)i;
	}
	return -1;
}
