/*
 * Specification of core/queue.h: the SPSC descriptor queue, its batching,
 * its defence against a hostile peer index, and the four signalling helpers.
 *
 * Each test attaches a producer and a consumer handle to one heap region of
 * exactly SDVF_QUEUE_BYTES(capacity) bytes, so an access outside the ring is
 * a heap overflow that the SAN=1 build reports.  Tests that care about index
 * wrap start both sides near 2^32.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/queue.h"

#define NEAR_WRAP 0xfffffff0u

struct qfix {
	struct sdvf_queue prod;
	struct sdvf_queue cons;
	struct sdvf_queue_shared *shared;
	size_t bytes;
	uint32_t initial;
};

static void qfix_open(struct qfix *f, uint32_t capacity, uint32_t initial)
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

static void qfix_close(struct qfix *f)
{
	free(f->shared);
}

/* A descriptor whose every field is derived from seq, so a misplaced or
 * stale slot cannot compare equal. */
static struct sdvf_desc desc_for(uint32_t seq)
{
	struct sdvf_desc d = {
		.io_or_offset = 0x40000000ull + (uint64_t)seq * 2048u,
		.len = (uint16_t)(60u + seq % 1400u),
		.flags = (uint16_t)(seq * 7u),
		.reserved = ~seq,
	};
	return d;
}

static void assert_desc_is(const struct sdvf_desc *d, uint32_t seq)
{
	struct sdvf_desc want = desc_for(seq);
	assert_int_equal(d->io_or_offset, want.io_or_offset);
	assert_int_equal(d->len, want.len);
	assert_int_equal(d->flags, want.flags);
	assert_int_equal(d->reserved, want.reserved);
}

static void push_n(struct qfix *f, uint32_t first_seq, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct sdvf_desc d = desc_for(first_seq + i);
		assert_true(sdvf_queue_push(&f->prod, &d));
	}
	sdvf_queue_publish(&f->prod);
}

static void pop_expect(struct qfix *f, uint32_t first_seq, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct sdvf_desc d;
		assert_true(sdvf_queue_pop(&f->cons, &d));
		assert_desc_is(&d, first_seq + i);
	}
	sdvf_queue_release(&f->cons);
}

static uint32_t shared_tail(const struct qfix *f)
{
	return atomic_load(&f->shared->tail);
}

static uint32_t shared_head(const struct qfix *f)
{
	return atomic_load(&f->shared->head);
}

/* ---- attach ------------------------------------------------------------ */

static void attach_rejects_capacity_not_power_of_two(void **state)
{
	(void)state;
	static _Alignas(SDVF_CACHELINE) uint8_t region[SDVF_QUEUE_BYTES(64)];
	struct sdvf_queue q;
	assert_false(sdvf_queue_attach(&q, region, sizeof(region), 0, true, 0));
	assert_false(sdvf_queue_attach(&q, region, sizeof(region), 3, true, 0));
	assert_false(sdvf_queue_attach(&q, region, sizeof(region), 6, true, 0));
	assert_false(
		sdvf_queue_attach(&q, region, sizeof(region), 48, true, 0));
}

static void attach_rejects_region_one_byte_too_small(void **state)
{
	(void)state;
	static _Alignas(SDVF_CACHELINE) uint8_t region[SDVF_QUEUE_BYTES(16)];
	struct sdvf_queue q;
	assert_false(sdvf_queue_attach(&q, region, SDVF_QUEUE_BYTES(16) - 1, 16,
				       true, 0));
	assert_false(
		sdvf_queue_attach(&q, region, sizeof(region), 32, true, 0));
}

static void attach_rejects_capacity_whose_ring_exceeds_region(void **state)
{
	(void)state;
	static _Alignas(SDVF_CACHELINE) uint8_t region[SDVF_QUEUE_BYTES(16)];
	struct sdvf_queue q;
	/* 2^31 slots: 32 GiB of ring, must not wrap into a small size. */
	assert_false(sdvf_queue_attach(&q, region, sizeof(region), 0x80000000u,
				       true, 0));
}

static void attach_accepts_region_of_exact_size(void **state)
{
	(void)state;
	static _Alignas(SDVF_CACHELINE) uint8_t region[SDVF_QUEUE_BYTES(16)];
	struct sdvf_queue q;
	assert_true(sdvf_queue_attach(&q, region, sizeof(region), 16, true, 0));
	assert_int_equal(q.capacity, 16);
	assert_int_equal(q.mask, 15);
	assert_int_equal(q.bad_index, 0);
}

static void attach_with_reset_writes_header(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, 0x12345678u);
	assert_int_equal(shared_tail(&f), 0x12345678u);
	assert_int_equal(shared_head(&f), 0x12345678u);
	assert_int_equal(atomic_load(&f.shared->consumer_signalled), 1);
	assert_int_equal(atomic_load(&f.shared->producer_signalled), 1);
	qfix_close(&f);
}

static void attach_without_reset_leaves_header_alone(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, 0);
	atomic_store(&f.shared->tail, 5);
	atomic_store(&f.shared->consumer_signalled, 0);
	struct sdvf_queue late;
	assert_true(sdvf_queue_attach(&late, f.shared, f.bytes, 8, false, 0));
	assert_int_equal(shared_tail(&f), 5);
	assert_int_equal(atomic_load(&f.shared->consumer_signalled), 0);
	qfix_close(&f);
}

/* ---- empty, full, length ----------------------------------------------- */

static void new_queue_is_empty(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, 0);
	struct sdvf_desc d;
	assert_int_equal(sdvf_queue_available(&f.cons), 0);
	assert_false(sdvf_queue_pop(&f.cons, &d));
	assert_int_equal(sdvf_queue_free_slots(&f.prod), 8);
	qfix_close(&f);
}

static void queue_is_full_after_capacity_pushes(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, 0);
	push_n(&f, 0, 8);
	struct sdvf_desc extra = desc_for(99);
	assert_false(sdvf_queue_push(&f.prod, &extra));
	assert_int_equal(sdvf_queue_free_slots(&f.prod), 0);
	assert_int_equal(sdvf_queue_available(&f.cons), 8);
	assert_int_equal(shared_tail(&f), 8);
	qfix_close(&f);
}

static void length_is_exact_when_tail_has_wrapped_past_zero(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 16, NEAR_WRAP);
	/* 0xfffffff0 + 16 wraps tail to exactly 0 while head stays high. */
	push_n(&f, 0, 16);
	assert_int_equal(shared_tail(&f), 0);
	assert_int_equal(shared_head(&f), NEAR_WRAP);
	assert_int_equal(sdvf_queue_available(&f.cons), 16);
	assert_int_equal(sdvf_queue_free_slots(&f.prod), 0);
	assert_int_equal(f.cons.bad_index, 0);
	assert_int_equal(f.prod.bad_index, 0);
	qfix_close(&f);
}

static void length_is_exact_when_only_head_is_left_before_wrap(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 16, NEAR_WRAP);
	push_n(&f, 0, 16);
	pop_expect(&f, 0, 15);
	/* head = 0xffffffff, tail = 0: one slot in flight. */
	assert_int_equal(shared_head(&f), 0xffffffffu);
	assert_int_equal(sdvf_queue_available(&f.cons), 1);
	assert_int_equal(sdvf_queue_free_slots(&f.prod), 15);
	qfix_close(&f);
}

/* ---- push / pop -------------------------------------------------------- */

static void single_push_pop_keeps_order_across_wrap(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 4, 0xfffffffdu);
	/* 40 one-at-a-time round trips: indices wrap and the ring wraps 10x. */
	for (uint32_t seq = 0; seq < 40; seq++) {
		push_n(&f, seq, 1);
		pop_expect(&f, seq, 1);
	}
	assert_int_equal(shared_tail(&f), 0xfffffffdu + 40u);
	assert_int_equal(shared_head(&f), 0xfffffffdu + 40u);
	qfix_close(&f);
}

static void burst_push_pop_keeps_order_across_wrap(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, 0xfffffffcu);
	struct sdvf_desc in[6], out[8];
	uint32_t seq = 0;
	for (int round = 0; round < 5; round++) {
		for (uint32_t i = 0; i < 6; i++)
			in[i] = desc_for(seq + i);
		assert_int_equal(sdvf_queue_push_burst(&f.prod, in, 6), 6);
		assert_int_equal(sdvf_queue_pop_burst(&f.cons, out, 8), 6);
		for (uint32_t i = 0; i < 6; i++)
			assert_desc_is(&out[i], seq + i);
		seq += 6;
	}
	assert_int_equal(shared_tail(&f), 0xfffffffcu + 30u);
	assert_int_equal(shared_head(&f), 0xfffffffcu + 30u);
	qfix_close(&f);
}

static void push_burst_stops_at_free_space(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 5);
	struct sdvf_desc in[6];
	for (uint32_t i = 0; i < 6; i++)
		in[i] = desc_for(5 + i);
	assert_int_equal(sdvf_queue_push_burst(&f.prod, in, 6), 3);
	assert_int_equal(shared_tail(&f), NEAR_WRAP + 8u);
	pop_expect(&f, 0, 8);
	qfix_close(&f);
}

static void pop_burst_stops_at_available(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 3);
	struct sdvf_desc out[8];
	assert_int_equal(sdvf_queue_pop_burst(&f.cons, out, 8), 3);
	assert_desc_is(&out[2], 2);
	assert_int_equal(sdvf_queue_pop_burst(&f.cons, out, 8), 0);
	assert_int_equal(shared_head(&f), NEAR_WRAP + 3u);
	qfix_close(&f);
}

static void push_burst_into_full_queue_writes_nothing(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 4, 0);
	push_n(&f, 0, 4);
	uint8_t before[SDVF_QUEUE_BYTES(4)];
	memcpy(before, f.shared, sizeof(before));
	struct sdvf_desc in[2] = {desc_for(50), desc_for(51)};
	assert_int_equal(sdvf_queue_push_burst(&f.prod, in, 2), 0);
	assert_memory_equal(before, f.shared, sizeof(before));
	qfix_close(&f);
}

/* ---- one index store per batch ----------------------------------------- */

static void tail_is_unchanged_until_publish(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	for (uint32_t i = 0; i < 3; i++) {
		struct sdvf_desc d = desc_for(i);
		assert_true(sdvf_queue_push(&f.prod, &d));
		assert_int_equal(shared_tail(&f), NEAR_WRAP);
	}
	assert_int_equal(sdvf_queue_available(&f.cons), 0);
	sdvf_queue_publish(&f.prod);
	assert_int_equal(shared_tail(&f), NEAR_WRAP + 3u);
	assert_int_equal(sdvf_queue_available(&f.cons), 3);
	qfix_close(&f);
}

static void publish_with_nothing_new_does_not_store_tail(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, 0);
	push_n(&f, 0, 2);
	/* A marker only a second store would overwrite. */
	atomic_store(&f.shared->tail, 0xdeadu);
	sdvf_queue_publish(&f.prod);
	assert_int_equal(shared_tail(&f), 0xdeadu);
	qfix_close(&f);
}

static void head_is_unchanged_until_release(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 8);
	struct sdvf_desc d;
	for (uint32_t i = 0; i < 3; i++) {
		assert_true(sdvf_queue_pop(&f.cons, &d));
		assert_int_equal(shared_head(&f), NEAR_WRAP);
	}
	/* The slots are not yet free: the producer may not overwrite them. */
	assert_int_equal(sdvf_queue_free_slots(&f.prod), 0);
	sdvf_queue_release(&f.cons);
	assert_int_equal(shared_head(&f), NEAR_WRAP + 3u);
	assert_int_equal(sdvf_queue_free_slots(&f.prod), 3);
	qfix_close(&f);
}

static void release_with_nothing_new_does_not_store_head(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, 0);
	push_n(&f, 0, 2);
	pop_expect(&f, 0, 2);
	atomic_store(&f.shared->head, 0xbeefu);
	sdvf_queue_release(&f.cons);
	assert_int_equal(shared_head(&f), 0xbeefu);
	qfix_close(&f);
}

static void bursts_store_each_index_once(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, 0);
	struct sdvf_desc in[4] = {desc_for(0), desc_for(1), desc_for(2),
				  desc_for(3)};
	struct sdvf_desc out[4];
	assert_int_equal(sdvf_queue_push_burst(&f.prod, in, 4), 4);
	assert_int_equal(shared_tail(&f), 4);
	assert_int_equal(f.prod.published, 4);
	assert_int_equal(sdvf_queue_pop_burst(&f.cons, out, 4), 4);
	assert_int_equal(shared_head(&f), 4);
	assert_int_equal(f.cons.published, 4);
	qfix_close(&f);
}

/* ---- hostile producer: the consumer's view of tail ---------------------- */

static void consumer_rejects_tail_behind_head(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 3);
	pop_expect(&f, 0, 3);
	atomic_store(&f.shared->tail, NEAR_WRAP + 2u);
	assert_int_equal(sdvf_queue_available(&f.cons), 0);
	assert_int_equal(f.cons.bad_index, 1);
	assert_int_equal(f.cons.peer, NEAR_WRAP + 3u);
	qfix_close(&f);
}

static void consumer_rejects_tail_more_than_capacity_ahead(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	atomic_store(&f.shared->tail, NEAR_WRAP + 9u);
	struct sdvf_desc d;
	assert_int_equal(sdvf_queue_available(&f.cons), 0);
	assert_int_equal(f.cons.bad_index, 1);
	assert_int_equal(f.cons.peer, NEAR_WRAP);
	assert_false(sdvf_queue_pop(&f.cons, &d));
	assert_int_equal(f.cons.bad_index, 2);
	qfix_close(&f);
}

static void consumer_accepts_tail_exactly_capacity_ahead(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	atomic_store(&f.shared->tail, NEAR_WRAP + 8u);
	assert_int_equal(sdvf_queue_available(&f.cons), 8);
	assert_int_equal(f.cons.bad_index, 0);
	qfix_close(&f);
}

static void consumer_keeps_last_sane_tail_after_hostile_one(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 3);
	assert_int_equal(sdvf_queue_available(&f.cons), 3);
	atomic_store(&f.shared->tail, NEAR_WRAP + 100u);
	assert_int_equal(sdvf_queue_available(&f.cons), 3);
	assert_int_equal(f.cons.bad_index, 1);
	/* The three real slots still come out, and nothing beyond them. */
	pop_expect(&f, 0, 3);
	struct sdvf_desc d;
	assert_false(sdvf_queue_pop(&f.cons, &d));
	assert_int_equal(f.cons.bad_index, 2);
	assert_int_equal(shared_head(&f), NEAR_WRAP + 3u);
	qfix_close(&f);
}

static void consumer_recovers_when_tail_is_sane_again(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, 0);
	atomic_store(&f.shared->tail, 0x80000000u);
	assert_int_equal(sdvf_queue_available(&f.cons), 0);
	push_n(&f, 0, 2); /* the real producer overwrites the bad tail */
	assert_int_equal(sdvf_queue_available(&f.cons), 2);
	pop_expect(&f, 0, 2);
	assert_int_equal(f.cons.bad_index, 1);
	qfix_close(&f);
}

static void consumer_pop_burst_with_hostile_tail_reads_nothing(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	atomic_store(&f.shared->tail, NEAR_WRAP - 1u);
	struct sdvf_desc out[8];
	memset(out, 0, sizeof(out));
	assert_int_equal(sdvf_queue_pop_burst(&f.cons, out, 8), 0);
	assert_int_equal(out[0].io_or_offset, 0);
	assert_int_equal(f.cons.own, NEAR_WRAP);
	assert_int_equal(shared_head(&f), NEAR_WRAP);
	assert_int_equal(f.cons.bad_index, 1);
	qfix_close(&f);
}

/* ---- hostile consumer: the producer's view of head ---------------------- */

static void producer_rejects_head_ahead_of_tail(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 4);
	pop_expect(&f, 0, 2);
	assert_int_equal(sdvf_queue_free_slots(&f.prod), 6);
	atomic_store(&f.shared->head, NEAR_WRAP + 5u);
	assert_int_equal(sdvf_queue_free_slots(&f.prod), 6);
	assert_int_equal(f.prod.bad_index, 1);
	assert_int_equal(f.prod.peer, NEAR_WRAP + 2u);
	qfix_close(&f);
}

static void producer_rejects_head_more_than_capacity_behind(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 8);
	atomic_store(&f.shared->head, NEAR_WRAP - 1u);
	assert_int_equal(sdvf_queue_free_slots(&f.prod), 0);
	assert_int_equal(f.prod.bad_index, 1);
	assert_int_equal(f.prod.peer, NEAR_WRAP);
	qfix_close(&f);
}

static void
producer_with_hostile_head_writes_nothing_into_full_ring(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 4, NEAR_WRAP);
	push_n(&f, 0, 4);
	atomic_store(&f.shared->head, NEAR_WRAP + 4u + 3u);
	uint8_t before[SDVF_QUEUE_BYTES(4)];
	memcpy(before, f.shared, sizeof(before));
	struct sdvf_desc d = desc_for(77);
	assert_false(sdvf_queue_push(&f.prod, &d));
	assert_int_equal(sdvf_queue_push_burst(&f.prod, &d, 1), 0);
	assert_memory_equal(before, f.shared, sizeof(before));
	assert_int_equal(f.prod.bad_index, 2);
	qfix_close(&f);
}

static void producer_accepts_head_equal_to_tail(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 8);
	atomic_store(&f.shared->head, NEAR_WRAP + 8u);
	assert_int_equal(sdvf_queue_free_slots(&f.prod), 8);
	assert_int_equal(f.prod.bad_index, 0);
	qfix_close(&f);
}

/* ---- signalling: consumer asks, producer notifies ------------------------ */

static uint32_t consumer_flag(const struct qfix *f)
{
	return atomic_load(&f->shared->consumer_signalled);
}

static uint32_t producer_flag(const struct qfix *f)
{
	return atomic_load(&f->shared->producer_signalled);
}

static void consumer_request_on_empty_queue_clears_flag_to_sleep(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	assert_false(sdvf_queue_consumer_request_signal(&f.cons));
	assert_int_equal(consumer_flag(&f), 0);
	qfix_close(&f);
}

static void consumer_request_returns_true_when_work_arrived(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 2);
	pop_expect(&f, 0, 2);
	/* Published after the consumer's drain, before its request. */
	push_n(&f, 2, 1);
	assert_true(sdvf_queue_consumer_request_signal(&f.cons));
	assert_int_equal(consumer_flag(&f), 1);
	pop_expect(&f, 2, 1);
	qfix_close(&f);
}

static void consumer_request_treats_hostile_tail_as_empty(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	atomic_store(&f.shared->tail, NEAR_WRAP + 1000u);
	assert_false(sdvf_queue_consumer_request_signal(&f.cons));
	assert_int_equal(consumer_flag(&f), 0);
	assert_int_equal(f.cons.bad_index, 1);
	qfix_close(&f);
}

static void producer_should_not_signal_without_request(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 1);
	assert_false(sdvf_queue_producer_should_signal(&f.prod));
	assert_int_equal(consumer_flag(&f), 1);
	qfix_close(&f);
}

static void producer_should_signal_exactly_once_per_request(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	for (uint32_t round = 0; round < 3; round++) {
		assert_false(sdvf_queue_consumer_request_signal(&f.cons));
		push_n(&f, 2 * round, 2);
		assert_true(sdvf_queue_producer_should_signal(&f.prod));
		assert_int_equal(consumer_flag(&f), 1);
		assert_false(sdvf_queue_producer_should_signal(&f.prod));
		pop_expect(&f, 2 * round, 2);
	}
	qfix_close(&f);
}

/* ---- signalling: blocked producer asks, consumer notifies ---------------- */

static void producer_request_on_full_queue_clears_flag_to_sleep(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 8);
	assert_false(sdvf_queue_producer_request_signal(&f.prod));
	assert_int_equal(producer_flag(&f), 0);
	qfix_close(&f);
}

static void producer_request_returns_true_when_space_arrived(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 8);
	struct sdvf_desc d = desc_for(8);
	assert_false(sdvf_queue_push(&f.prod, &d));
	/* Released after the producer found the queue full. */
	pop_expect(&f, 0, 2);
	assert_true(sdvf_queue_producer_request_signal(&f.prod));
	assert_int_equal(producer_flag(&f), 1);
	assert_true(sdvf_queue_push(&f.prod, &d));
	qfix_close(&f);
}

static void consumer_should_not_signal_without_request(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 8);
	pop_expect(&f, 0, 1);
	assert_false(sdvf_queue_consumer_should_signal(&f.cons));
	assert_int_equal(producer_flag(&f), 1);
	qfix_close(&f);
}

static void consumer_should_signal_exactly_once_per_request(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 4, NEAR_WRAP);
	push_n(&f, 0, 4);
	for (uint32_t round = 0; round < 3; round++) {
		assert_false(sdvf_queue_producer_request_signal(&f.prod));
		pop_expect(&f, 2 * round, 2);
		assert_true(sdvf_queue_consumer_should_signal(&f.cons));
		assert_int_equal(producer_flag(&f), 1);
		assert_false(sdvf_queue_consumer_should_signal(&f.cons));
		push_n(&f, 4 + 2 * round, 2);
	}
	qfix_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attach_rejects_capacity_not_power_of_two),
		cmocka_unit_test(attach_rejects_region_one_byte_too_small),
		cmocka_unit_test(
			attach_rejects_capacity_whose_ring_exceeds_region),
		cmocka_unit_test(attach_accepts_region_of_exact_size),
		cmocka_unit_test(attach_with_reset_writes_header),
		cmocka_unit_test(attach_without_reset_leaves_header_alone),
		cmocka_unit_test(new_queue_is_empty),
		cmocka_unit_test(queue_is_full_after_capacity_pushes),
		cmocka_unit_test(
			length_is_exact_when_tail_has_wrapped_past_zero),
		cmocka_unit_test(
			length_is_exact_when_only_head_is_left_before_wrap),
		cmocka_unit_test(single_push_pop_keeps_order_across_wrap),
		cmocka_unit_test(burst_push_pop_keeps_order_across_wrap),
		cmocka_unit_test(push_burst_stops_at_free_space),
		cmocka_unit_test(pop_burst_stops_at_available),
		cmocka_unit_test(push_burst_into_full_queue_writes_nothing),
		cmocka_unit_test(tail_is_unchanged_until_publish),
		cmocka_unit_test(publish_with_nothing_new_does_not_store_tail),
		cmocka_unit_test(head_is_unchanged_until_release),
		cmocka_unit_test(release_with_nothing_new_does_not_store_head),
		cmocka_unit_test(bursts_store_each_index_once),
		cmocka_unit_test(consumer_rejects_tail_behind_head),
		cmocka_unit_test(
			consumer_rejects_tail_more_than_capacity_ahead),
		cmocka_unit_test(consumer_accepts_tail_exactly_capacity_ahead),
		cmocka_unit_test(
			consumer_keeps_last_sane_tail_after_hostile_one),
		cmocka_unit_test(consumer_recovers_when_tail_is_sane_again),
		cmocka_unit_test(
			consumer_pop_burst_with_hostile_tail_reads_nothing),
		cmocka_unit_test(producer_rejects_head_ahead_of_tail),
		cmocka_unit_test(
			producer_rejects_head_more_than_capacity_behind),
		cmocka_unit_test(
			producer_with_hostile_head_writes_nothing_into_full_ring),
		cmocka_unit_test(producer_accepts_head_equal_to_tail),
		cmocka_unit_test(
			consumer_request_on_empty_queue_clears_flag_to_sleep),
		cmocka_unit_test(
			consumer_request_returns_true_when_work_arrived),
		cmocka_unit_test(consumer_request_treats_hostile_tail_as_empty),
		cmocka_unit_test(producer_should_not_signal_without_request),
		cmocka_unit_test(
			producer_should_signal_exactly_once_per_request),
		cmocka_unit_test(
			producer_request_on_full_queue_clears_flag_to_sleep),
		cmocka_unit_test(
			producer_request_returns_true_when_space_arrived),
		cmocka_unit_test(consumer_should_not_signal_without_request),
		cmocka_unit_test(
			consumer_should_signal_exactly_once_per_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
