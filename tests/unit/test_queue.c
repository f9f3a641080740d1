/*
 * Specification of core/queue.h, part 1: attaching, empty / full / length
 * (also at index wrap), push and pop singly and in bursts, and one index
 * store per batch.  Hostile peers and signalling: test_queue_peer.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/queue_fixture.h"

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

/* ---- reset (the peer restarts) ------------------------------------------ */

static void assert_header_is_zeroed_region(const struct qfix *f)
{
	assert_int_equal(shared_tail(f), 0);
	assert_int_equal(shared_head(f), 0);
	assert_int_equal(atomic_load(&f->shared->consumer_signalled), 0);
	assert_int_equal(atomic_load(&f->shared->producer_signalled), 0);
}

static void assert_handle_at_zero(const struct sdvf_queue *q)
{
	assert_int_equal(q->own, 0);
	assert_int_equal(q->peer, 0);
	assert_int_equal(q->published, 0);
	assert_int_equal(q->announced, 0);
}

static void reset_by_producer_gives_state_of_zeroed_region(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 6);
	pop_expect(&f, 0, 2);
	f.prod.announced = f.prod.own;
	sdvf_queue_reset(&f.prod);
	assert_header_is_zeroed_region(&f);
	assert_handle_at_zero(&f.prod);
	assert_int_equal(sdvf_queue_free_slots(&f.prod), 8);
	qfix_close(&f);
}

static void reset_by_consumer_gives_state_of_zeroed_region(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 6);
	pop_expect(&f, 0, 2);
	f.cons.announced = f.cons.own;
	sdvf_queue_reset(&f.cons);
	assert_header_is_zeroed_region(&f);
	assert_handle_at_zero(&f.cons);
	assert_int_equal(sdvf_queue_available(&f.cons), 0);
	qfix_close(&f);
}

/* The survivor produces; a new consumer attaches at 0 without resetting:
 * the survivor's next pushes reach it in order, none rejected, and what
 * was in flight before the reset is never seen. */
static void new_consumer_after_producer_reset_gets_only_new_slots(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 5); /* in flight when the consumer died */
	sdvf_queue_reset(&f.prod);
	assert_true(sdvf_queue_attach(&f.cons, f.shared, f.bytes, 8, false, 0));
	push_n(&f, 100, 8);
	pop_expect(&f, 100, 8);
	struct sdvf_desc d;
	assert_false(sdvf_queue_pop(&f.cons, &d));
	assert_int_equal(f.cons.bad_index, 0);
	assert_int_equal(f.prod.bad_index, 0);
	qfix_close(&f);
}

/* The survivor consumes; a new producer attaches at 0 without resetting,
 * and its slots, pushed but unpublished by the dead producer beforehand,
 * are not mistaken for work. */
static void new_producer_after_consumer_reset_is_heard(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 3);
	struct sdvf_desc d = desc_for(3);
	assert_true(sdvf_queue_push(&f.prod, &d)); /* never published */
	sdvf_queue_reset(&f.cons);
	assert_int_equal(sdvf_queue_available(&f.cons), 0);
	/* Asleep: the fresh flag already asks the new producer to signal. */
	assert_false(sdvf_queue_consumer_request_signal(&f.cons));
	assert_true(sdvf_queue_attach(&f.prod, f.shared, f.bytes, 8, false, 0));
	push_n(&f, 50, 2);
	assert_true(sdvf_queue_producer_should_signal(&f.prod));
	pop_expect(&f, 50, 2);
	assert_int_equal(f.cons.bad_index, 0);
	qfix_close(&f);
}

static void reset_keeps_bad_index_count(void **state)
{
	(void)state;
	struct qfix f;
	qfix_open(&f, 8, 0);
	atomic_store(&f.shared->tail, 1000);
	assert_int_equal(sdvf_queue_available(&f.cons), 0);
	sdvf_queue_reset(&f.cons);
	assert_int_equal(f.cons.bad_index, 1);
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
		cmocka_unit_test(
			reset_by_producer_gives_state_of_zeroed_region),
		cmocka_unit_test(
			reset_by_consumer_gives_state_of_zeroed_region),
		cmocka_unit_test(
			new_consumer_after_producer_reset_gets_only_new_slots),
		cmocka_unit_test(new_producer_after_consumer_reset_is_heard),
		cmocka_unit_test(reset_keeps_bad_index_count),
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
