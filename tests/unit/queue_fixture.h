/*
 * Shared fixture for the core/queue.h tests: a producer and a consumer
 * handle attached to one heap region of exactly SDVF_QUEUE_BYTES(capacity)
 * bytes, so an access outside the ring is a heap overflow that the SAN=1
 * build reports, plus descriptors whose every field derives from a sequence
 * number.  Include after <cmocka.h>.
 */
#ifndef SDVF_TESTS_QUEUE_FIXTURE_H
#define SDVF_TESTS_QUEUE_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/queue.h"

#define NEAR_WRAP 0xfffffff0u

struct qfix {
	struct sdvf_queue prod;
	struct sdvf_queue cons;
	struct sdvf_queue_shared *shared;
	size_t bytes;
	uint32_t initial;
};

static inline void qfix_open(struct qfix *f, uint32_t capacity,
			     uint32_t initial)
{
	f->bytes = SDVF_QUEUE_BYTES(capacity);
	f->shared = aligned_alloc(SDVF_CACHELINE, f->bytes);
	assert_non_null(f->shared);
	/* Junk everywhere, so nothing passes by reading zeroed memory. */
	memset(f->shared, 0xa5, f->bytes);
	f->initial = initial;
	assert_true(sdvf_queue_attach(&f->prod, f->shared, f->bytes, capacity,
				      true, initial));
	assert_true(sdvf_queue_attach(&f->cons, f->shared, f->bytes, capacity,
				      false, initial));
}

static inline void qfix_close(struct qfix *f)
{
	free(f->shared);
}

/* A descriptor whose every field is derived from seq, so a misplaced or
 * stale slot cannot compare equal. */
static inline struct sdvf_desc desc_for(uint32_t seq)
{
	struct sdvf_desc d = {
		.io_or_offset = 0x40000000ull + (uint64_t)seq * 2048u,
		.len = (uint16_t)(60u + seq % 1400u),
		.flags = (uint16_t)(seq * 7u),
		.reserved = ~seq,
	};
	return d;
}

static inline void assert_desc_is(const struct sdvf_desc *d, uint32_t seq)
{
	struct sdvf_desc want = desc_for(seq);
	assert_int_equal(d->io_or_offset, want.io_or_offset);
	assert_int_equal(d->len, want.len);
	assert_int_equal(d->flags, want.flags);
	assert_int_equal(d->reserved, want.reserved);
}

static inline void push_n(struct qfix *f, uint32_t first_seq, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct sdvf_desc d = desc_for(first_seq + i);
		assert_true(sdvf_queue_push(&f->prod, &d));
	}
	sdvf_queue_publish(&f->prod);
}

static inline void pop_expect(struct qfix *f, uint32_t first_seq, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct sdvf_desc d = {0};
		assert_true(sdvf_queue_pop(&f->cons, &d));
		assert_desc_is(&d, first_seq + i);
	}
	sdvf_queue_release(&f->cons);
}

static inline uint32_t shared_tail(const struct qfix *f)
{
	return atomic_load(&f->shared->tail);
}

static inline uint32_t shared_head(const struct qfix *f)
{
	return atomic_load(&f->shared->head);
}

#endif
