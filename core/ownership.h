/*
 * Trust-boundary helpers: the buffer ownership map and the validation of
 * descriptors that come from an untrusted peer.
 *
 * A trusted PD (driver, mux, virtio device) keeps one ownership map per data
 * region it hands out.  Every 2 KiB buffer slot of the region has exactly one
 * owner (a small integer: the trusted PD itself is SDVF_OWNER_SELF, client i
 * is i + 1).  A buffer leaves only through sdvf_own_give and comes back only
 * through sdvf_own_take, which checks, in order: alignment, range, length,
 * and that the peer returning it really holds it.  So a duplicate return, a
 * foreign buffer or a forged offset is rejected and counted, and never costs
 * another client a buffer.
 *
 * The map lives in private memory of the trusted PD (its state struct or a
 * private region); a peer never sees it, so its fields have one writer
 * and no ordering rule (unlike core/queue.h's shared header).  Descriptors
 * handed to these functions must already be private copies (sdvf_queue_pop
 * copies).
 *
 * Portable: freestanding C11, no OS calls.
 */
#ifndef SDVF_OWNERSHIP_H
#define SDVF_OWNERSHIP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/queue.h"

#define SDVF_BUF_SIZE 2048u
#define SDVF_OWNER_SELF 0u
#define SDVF_OWNER_NONE 0xffu

/*
 * Why a descriptor from a peer was refused, counted per peer: one list,
 * X(ID, name, meaning), from which the enum, sdvf_violation_name() and any
 * per-reason counter list ("bad_return.<name>") are made.
 */
#define SDVF_VIOLATIONS(X)                                                     \
	X(BAD_INDEX, bad_index, "peer index moved impossibly (queue level)")   \
	X(MISALIGNED, misaligned, "offset not on a buffer boundary")           \
	X(OUT_OF_RANGE, out_of_range, "offset past the end of the region")     \
	X(BAD_LENGTH, bad_length, "length outside the allowed range")          \
	X(NOT_OWNER, not_owner, "peer does not hold it: duplicate or foreign")

enum sdvf_violation {
#define SDVF_VIOLATION_ENUM(id, name, meaning) SDVF_VIOL_##id,
	SDVF_VIOLATIONS(SDVF_VIOLATION_ENUM)
#undef SDVF_VIOLATION_ENUM
	/* not a reason: how many there are */
	SDVF_VIOL_COUNT
};

struct sdvf_violations {
	uint64_t by_reason[SDVF_VIOL_COUNT];
};

const char *sdvf_violation_name(enum sdvf_violation v);

struct sdvf_own_map {
	uint8_t *owner;	    /* one byte per buffer slot, private storage */
	uint32_t nbufs;	    /* slots in the region */
	uint64_t base;	    /* offset or io address of slot 0 */
	uint32_t held[256]; /* buffers currently held, per owner */
};

/* Every slot starts owned by SDVF_OWNER_SELF.  `storage` holds nbufs bytes. */
void sdvf_own_init(struct sdvf_own_map *m, uint8_t *storage, uint32_t nbufs,
		   uint64_t base);

/*
 * The per-frame checks below are static inline (one implementation, here):
 * every mux calls them several times per frame, and a call costs more than
 * the check.
 */

/* Slot index of an address, or -1 with *why set.  Checks alignment and range
 * only. */
static inline int64_t sdvf_own_slot(const struct sdvf_own_map *m, uint64_t addr,
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

/* Hand a buffer we hold (owner `from`) to `to`.  Fails (returns false) only
 * on our own bug: `from` does not hold it. */
static inline bool sdvf_own_give(struct sdvf_own_map *m, uint64_t addr,
				 uint8_t from, uint8_t to)
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

/*
 * Accept a descriptor returned by peer `from`: checks alignment, range,
 * min_len <= len <= max_len and that `from` holds the buffer, then records
 * `to` as its owner.  On refusal, returns false, counts the reason in `viol`
 * (may be NULL) and changes nothing.
 */
/* Count a refusal in `viol` (may be NULL); false, for sdvf_own_take. */
static inline bool sdvf_own_refuse(struct sdvf_violations *viol,
				   enum sdvf_violation why)
{
	if (viol)
		viol->by_reason[why]++;
	return false;
}

static inline bool sdvf_own_take(struct sdvf_own_map *m,
				 const struct sdvf_desc *d, uint8_t from,
				 uint8_t to, uint16_t min_len, uint16_t max_len,
				 struct sdvf_violations *viol)
{
	enum sdvf_violation why;
	int64_t slot = sdvf_own_slot(m, d->io_or_offset, &why);
	if (slot < 0)
		return sdvf_own_refuse(viol, why);
	if (d->len < min_len || d->len > max_len)
		return sdvf_own_refuse(viol, SDVF_VIOL_BAD_LENGTH);
	if (m->owner[slot] != from)
		return sdvf_own_refuse(viol, SDVF_VIOL_NOT_OWNER);
	m->owner[slot] = to;
	m->held[from]--;
	m->held[to]++;
	return true;
}

/* Give every buffer held by `owner` back to `to` (a crashed client's buffers
 * are reclaimed this way).  Returns how many moved. */
uint32_t sdvf_own_reclaim(struct sdvf_own_map *m, uint8_t owner, uint8_t to);

static inline uint32_t sdvf_own_held(const struct sdvf_own_map *m,
				     uint8_t owner)
{
	return m->held[owner];
}

#endif
