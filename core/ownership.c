/* Buffer ownership map: see ownership.h for the contract. */
#include "core/ownership.h"

static const char *const violation_names[SDVF_VIOL_COUNT] = {
#define VIOLATION_NAME(id, name, meaning) [SDVF_VIOL_##id] = #name,
	SDVF_VIOLATIONS(VIOLATION_NAME)
#undef VIOLATION_NAME
};

const char *sdvf_violation_name(enum sdvf_violation v)
{
	if ((unsigned)v >= SDVF_VIOL_COUNT)
		return "unknown";
	return violation_names[v];
}

void sdvf_own_init(struct sdvf_own_map *m, uint8_t *storage, uint32_t nbufs,
		   uint64_t base)
{
	m->owner = storage;
	m->nbufs = nbufs;
	m->base = base;
	for (uint32_t i = 0; i < 256; i++)
		m->held[i] = 0;
	for (uint32_t i = 0; i < nbufs; i++)
		storage[i] = SDVF_OWNER_SELF;
	m->held[SDVF_OWNER_SELF] = nbufs;
}

uint32_t sdvf_own_reclaim(struct sdvf_own_map *m, uint8_t owner, uint8_t to)
{
	uint32_t moved = 0;
	if (owner == to)
		return 0;
	for (uint32_t i = 0; i < m->nbufs; i++) {
		if (m->owner[i] == owner) {
			m->owner[i] = to;
			moved++;
		}
	}
	m->held[owner] -= moved;
	m->held[to] += moved;
	return moved;
}
