/*
 * core/pd_queue.h: sdvf_queue_attach_region attaches by local name, or logs
 * one line naming the region and refuses; the end-of-activation helpers
 * sdvf_queue_producer_finish / sdvf_queue_consumer_finish store their index
 * once and say "notify" exactly when the peer asked and there is news,
 * once per request.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/pd_queue.h"
#include "queue_fixture.h"

/* A PD with one region, "active", of `region_bytes`; logs are captured. */
static _Alignas(64) unsigned char region_mem[2 * 4096];
static struct sdvf_region region = {.name = "active", .base = region_mem};
static char last_log[256];
static int nlogs;

static const struct sdvf_region *fake_region(struct sdvf_pd *pd,
					     const char *name)
{
	(void)pd;
	return strcmp(name, region.name) == 0 ? &region : NULL;
}

static void fake_vlog(struct sdvf_pd *pd, enum sdvf_log_level level,
		      const char *fmt, va_list ap)
{
	(void)pd;
	(void)level;
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	nlogs++;
}

/* Counters by name: the ones attach_region registers. */
static char counter_names[4][32];
static _Atomic uint64_t counter_values[4];
static int ncounters;

static _Atomic uint64_t *fake_counter(struct sdvf_pd *pd, const char *name)
{
	(void)pd;
	assert_true(ncounters < 4);
	snprintf(counter_names[ncounters], sizeof(counter_names[0]), "%s",
		 name);
	return &counter_values[ncounters++];
}

static const struct sdvf_runtime_ops fake_ops = {
	.region = fake_region,
	.vlog = fake_vlog,
	.counter = fake_counter,
};
static struct sdvf_pd pd = {.ops = &fake_ops, .name = "t"};

static int reset(void **unused)
{
	(void)unused;
	region.size = sizeof(region_mem);
	memset(region_mem, 0, sizeof(region_mem));
	last_log[0] = '\0';
	nlogs = 0;
	memset(counter_names, 0, sizeof(counter_names));
	for (int i = 0; i < 4; i++)
		atomic_store(&counter_values[i], 0);
	ncounters = 0;
	return 0;
}

static void attaches_granted_region_with_capacity(void **unused)
{
	(void)unused;
	struct sdvf_queue q;
	assert_true(sdvf_queue_attach_region(&pd, &q, "active", 256));
	assert_ptr_equal(q.shared, region_mem);
	assert_int_equal(q.capacity, 256);
	assert_int_equal(q.own, 0);
	assert_int_equal(nlogs, 0);
}

static void refuses_region_not_granted(void **unused)
{
	(void)unused;
	struct sdvf_queue q;
	assert_false(sdvf_queue_attach_region(&pd, &q, "free", 256));
	assert_int_equal(nlogs, 1);
	assert_string_equal(last_log,
			    "queue 'free': region missing, or smaller than 256 "
			    "slots (4480 bytes), or capacity not a power of "
			    "two");
}

static void refuses_region_smaller_than_capacity(void **unused)
{
	(void)unused;
	struct sdvf_queue q;
	region.size = 4096;
	/* 384-byte header + 256 x 16 bytes does not fit one page. */
	assert_false(sdvf_queue_attach_region(&pd, &q, "active", 256));
	assert_int_equal(nlogs, 1);
	assert_true(sdvf_queue_attach_region(&pd, &q, "active", 128));
	assert_int_equal(nlogs, 1);
}

static void refuses_capacity_not_power_of_two_or_too_big(void **unused)
{
	(void)unused;
	struct sdvf_queue q;
	assert_false(sdvf_queue_attach_region(&pd, &q, "active", 100));
	assert_false(
		sdvf_queue_attach_region(&pd, &q, "active", (1ull << 32) + 1));
	assert_int_equal(nlogs, 2);
}

/* ---- the bad_index counter ------------------------------------------- */

static void attach_publishes_bad_index_counter_named_for_queue(void **unused)
{
	(void)unused;
	struct sdvf_queue q;
	assert_true(sdvf_queue_attach_region(&pd, &q, "active", 256));
	assert_int_equal(ncounters, 1);
	assert_string_equal(counter_names[0], "active.bad_index");
	assert_ptr_equal(q.bad_index_counter, &counter_values[0]);
}

static void failed_attach_publishes_no_counter(void **unused)
{
	(void)unused;
	struct sdvf_queue q;
	assert_false(sdvf_queue_attach_region(&pd, &q, "free", 256));
	assert_int_equal(ncounters, 0);
}

/* 391 impossible tails in a row, each read once: 391 counted, where
 * `sdvf stats` shows them, and nothing else moves. */
static void bad_index_counter_counts_every_rejected_index(void **unused)
{
	(void)unused;
	struct sdvf_queue q;
	assert_true(sdvf_queue_attach_region(&pd, &q, "active", 256));
	struct sdvf_queue_shared *shared = (void *)region_mem;
	for (uint32_t i = 0; i < 391; i++) {
		atomic_store(&shared->tail, 257u + i);
		assert_int_equal(sdvf_queue_available(&q), 0);
	}
	atomic_store(&shared->tail, 1);
	assert_int_equal(sdvf_queue_available(&q), 1);
	assert_int_equal(atomic_load(&counter_values[0]), 391);
	assert_int_equal(q.bad_index, 391);
	assert_int_equal(q.own, 0);
}

static void refuses_queue_name_too_long_for_its_counter(void **unused)
{
	(void)unused;
	struct sdvf_queue q;
	/* 22 bytes + ".bad_index" is 32: one more than a name may have. */
	assert_false(sdvf_queue_attach_region(&pd, &q, "twenty_two_bytes_queue",
					      256));
	assert_int_equal(ncounters, 0);
	assert_int_equal(nlogs, 1);
	assert_string_equal(last_log,
			    "queue 'twenty_two_bytes_queue': name too long for "
			    "its counter 'twenty_two_bytes_queue.bad_index' "
			    "(at most 31 bytes)");
}

/* ---- end of activation: publish once, signal once -------------------- */

static uint32_t consumer_flag(const struct qfix *f)
{
	return atomic_load(&f->shared->consumer_signalled);
}

static uint32_t producer_flag(const struct qfix *f)
{
	return atomic_load(&f->shared->producer_signalled);
}

static void push_unpublished(struct qfix *f, uint32_t first_seq, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct sdvf_desc d = desc_for(first_seq + i);
		assert_true(sdvf_queue_push(&f->prod, &d));
	}
}

static void pop_unreleased(struct qfix *f, uint32_t first_seq, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct sdvf_desc d;
		assert_true(sdvf_queue_pop(&f->cons, &d));
		assert_desc_is(&d, first_seq + i);
	}
}

static void producer_finish_publishes_every_push_in_one_store(void **unused)
{
	(void)unused;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_unpublished(&f, 0, 3);
	assert_int_equal(shared_tail(&f), NEAR_WRAP);
	sdvf_queue_producer_finish(&f.prod);
	assert_int_equal(shared_tail(&f), NEAR_WRAP + 3u);
	/* Nothing new: a second finish does not store tail again. */
	atomic_store(&f.shared->tail, 0xbeefu);
	sdvf_queue_producer_finish(&f.prod);
	assert_int_equal(shared_tail(&f), 0xbeefu);
	qfix_close(&f);
}

static void producer_finish_signals_once_when_consumer_asked(void **unused)
{
	(void)unused;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	assert_false(sdvf_queue_consumer_request_signal(&f.cons));
	push_unpublished(&f, 0, 2);
	assert_true(sdvf_queue_producer_finish(&f.prod));
	assert_int_equal(consumer_flag(&f), 1);
	push_unpublished(&f, 2, 1);
	assert_false(sdvf_queue_producer_finish(&f.prod));
	qfix_close(&f);
}

static void producer_finish_is_silent_when_consumer_did_not_ask(void **unused)
{
	(void)unused;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_unpublished(&f, 0, 2);
	assert_false(sdvf_queue_producer_finish(&f.prod));
	assert_int_equal(shared_tail(&f), NEAR_WRAP + 2u);
	assert_int_equal(consumer_flag(&f), 1);
	qfix_close(&f);
}

static void producer_finish_without_news_keeps_the_request(void **unused)
{
	(void)unused;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	assert_false(sdvf_queue_consumer_request_signal(&f.cons));
	assert_false(sdvf_queue_producer_finish(&f.prod));
	assert_int_equal(consumer_flag(&f), 0);
	push_unpublished(&f, 0, 1);
	assert_true(sdvf_queue_producer_finish(&f.prod));
	assert_int_equal(consumer_flag(&f), 1);
	qfix_close(&f);
}

static void producer_finish_counts_a_published_burst_as_news(void **unused)
{
	(void)unused;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	struct sdvf_desc in[2] = {desc_for(0), desc_for(1)};
	assert_false(sdvf_queue_consumer_request_signal(&f.cons));
	assert_int_equal(sdvf_queue_push_burst(&f.prod, in, 2), 2);
	assert_true(sdvf_queue_producer_finish(&f.prod));
	qfix_close(&f);
}

static void consumer_finish_releases_every_pop_in_one_store(void **unused)
{
	(void)unused;
	struct qfix f;
	qfix_open(&f, 8, NEAR_WRAP);
	push_n(&f, 0, 3);
	pop_unreleased(&f, 0, 3);
	assert_int_equal(shared_head(&f), NEAR_WRAP);
	sdvf_queue_consumer_finish(&f.cons);
	assert_int_equal(shared_head(&f), NEAR_WRAP + 3u);
	atomic_store(&f.shared->head, 0xbeefu);
	sdvf_queue_consumer_finish(&f.cons);
	assert_int_equal(shared_head(&f), 0xbeefu);
	qfix_close(&f);
}

static void consumer_finish_signals_once_when_producer_asked(void **unused)
{
	(void)unused;
	struct qfix f;
	qfix_open(&f, 4, NEAR_WRAP);
	push_n(&f, 0, 4);
	assert_false(sdvf_queue_producer_request_signal(&f.prod));
	pop_unreleased(&f, 0, 2);
	assert_true(sdvf_queue_consumer_finish(&f.cons));
	assert_int_equal(producer_flag(&f), 1);
	pop_unreleased(&f, 2, 1);
	assert_false(sdvf_queue_consumer_finish(&f.cons));
	qfix_close(&f);
}

static void consumer_finish_is_silent_when_producer_did_not_ask(void **unused)
{
	(void)unused;
	struct qfix f;
	qfix_open(&f, 4, NEAR_WRAP);
	push_n(&f, 0, 4);
	pop_unreleased(&f, 0, 1);
	assert_false(sdvf_queue_consumer_finish(&f.cons));
	assert_int_equal(shared_head(&f), NEAR_WRAP + 1u);
	assert_int_equal(producer_flag(&f), 1);
	qfix_close(&f);
}

static void consumer_finish_without_news_keeps_the_request(void **unused)
{
	(void)unused;
	struct qfix f;
	qfix_open(&f, 4, NEAR_WRAP);
	push_n(&f, 0, 4);
	assert_false(sdvf_queue_producer_request_signal(&f.prod));
	assert_false(sdvf_queue_consumer_finish(&f.cons));
	assert_int_equal(producer_flag(&f), 0);
	pop_unreleased(&f, 0, 1);
	assert_true(sdvf_queue_consumer_finish(&f.cons));
	assert_int_equal(producer_flag(&f), 1);
	qfix_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(attaches_granted_region_with_capacity,
				       reset),
		cmocka_unit_test_setup(refuses_region_not_granted, reset),
		cmocka_unit_test_setup(
			attach_publishes_bad_index_counter_named_for_queue,
			reset),
		cmocka_unit_test_setup(failed_attach_publishes_no_counter,
				       reset),
		cmocka_unit_test_setup(
			bad_index_counter_counts_every_rejected_index, reset),
		cmocka_unit_test_setup(
			refuses_queue_name_too_long_for_its_counter, reset),
		cmocka_unit_test_setup(refuses_region_smaller_than_capacity,
				       reset),
		cmocka_unit_test_setup(
			refuses_capacity_not_power_of_two_or_too_big, reset),
		cmocka_unit_test(
			producer_finish_publishes_every_push_in_one_store),
		cmocka_unit_test(
			producer_finish_signals_once_when_consumer_asked),
		cmocka_unit_test(
			producer_finish_is_silent_when_consumer_did_not_ask),
		cmocka_unit_test(
			producer_finish_without_news_keeps_the_request),
		cmocka_unit_test(
			producer_finish_counts_a_published_burst_as_news),
		cmocka_unit_test(
			consumer_finish_releases_every_pop_in_one_store),
		cmocka_unit_test(
			consumer_finish_signals_once_when_producer_asked),
		cmocka_unit_test(
			consumer_finish_is_silent_when_producer_did_not_ask),
		cmocka_unit_test(
			consumer_finish_without_news_keeps_the_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
