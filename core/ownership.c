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

int64_t sdvf_own_slot(const struct sdvf_own_map *m, uint64_t addr,
		      enum sdvf_violation *why)
{
	/* Subtraction first: an address below base wraps to a huge value and
	 * fails the range check, so no separate lower-bound test is needed. */
	uint64_t rel = addr - m->base;
	if (rel % SDVF_BUF_SIZE != 0) {
		*why = SDVF_VIOL_MISALIGNED;
		return -1;
	}
	if (rel / SDVF_BUF_SIZE >= m->nbufs) {
		*why = SDVF_VIOL_OUT_OF_RANGE;
		return -1;
	}
	return (int64_t)(rel / SDVF_BUF_SIZE);
}

bool sdvf_own_give(struct sdvf_own_map *m, uint64_t addr, uint8_t from,
		   uint8_t to)
{
	enum sdvf_violation why;
	int64_t slot = sdvf_own_slot(m, addr, &why);
	if (slot < 0 || m->owner[slot] != from)
		return false;
	m->owner[slot] = to;
	m->held[from]--;
	m->held[to]++;
	return true;
}

static bool refuse(struct sdvf_violations *viol, enum sdvf_violation why)
{
	if (viol)
		viol->by_reason[why]++;
	return false;
}

bool sdvf_own_take(struct sdvf_own_map *m, const struct sdvf_desc *d,
		   uint8_t from, uint8_t to, uint16_t min_len, uint16_t max_len,
		   struct sdvf_violations *viol)
{
	enum sdvf_violation why;
	int64_t slot = sdvf_own_slot(m, d->io_or_offset, &why);
	if (slot < 0)
		return refuse(viol, why);
	if (d->len < min_len || d->len > max_len)
		return refuse(viol, SDVF_VIOL_BAD_LENGTH);
	if (m->owner[slot] != from)
		return refuse(viol, SDVF_VIOL_NOT_OWNER);
	m->owner[slot] = to;
	m->held[from]--;
	m->held[to]++;
	return true;
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
