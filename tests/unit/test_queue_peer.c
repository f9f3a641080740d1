/*
 * Specification of core/queue.h, part 2: the defence against a hostile peer
 * index (rejected, counted in bad_index, last sane value kept, nothing read
 * or written outside the ring) and the four signalling helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/queue_fixture.h"

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
