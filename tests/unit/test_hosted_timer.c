/*
 * The hosted runtime's timer (core/hosted/hosted_ops.c) is armed where the
 * loop sleeps: sdvf_timer_set makes no system call; before a sleep
 * (hosted_timer_before_sleep) a deadline that has passed is taken without
 * the timerfd (hosted_timer_take_due), and one ahead is armed only when
 * the timerfd holds nothing or a later one.  A fire for an earlier or a
 * cancelled deadline delivers nothing; the next sleep arms again.  What
 * the component sees does not change: one SDVF_CHANNEL_TIMER activation
 * when its deadline has passed, never before, none after a cancel.
 * `rt.timer_arms` counts the timerfd_settime calls.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/hosted/hosted_pd.h"

#define MS 1000000ull

static struct hosted_pd h;
static struct sdvf_stats_slot slot;
static struct sdvf_counter_table table;

static uint64_t now(void)
{
	return hosted_monotonic_ns(); /* the clock of the runtime's timer */
}

static uint64_t arms(void)
{
	return atomic_load(h.wake.count[WAKE_TIMER_ARMS]);
}

/* Whether the timerfd is readable within `ms`: a fire for the loop. */
static bool fires_within(int ms)
{
	struct pollfd p = {.fd = h.timer_fd, .events = POLLIN};
	return poll(&p, 1, ms) == 1;
}

/* The absolute deadline the kernel holds: 0 when disarmed. */
static uint64_t kernel_deadline(void)
{
	struct itimerspec its;
	assert_int_equal(timerfd_gettime(h.timer_fd, &its), 0);
	uint64_t left = (uint64_t)its.it_value.tv_sec * 1000000000ull +
			(uint64_t)its.it_value.tv_nsec;
	return left ? now() + left : 0;
}

/* The loop's part: about to sleep, wait for the fire, then ask whether
 * to activate. */
static bool next_fire_delivers(void)
{
	assert_false(hosted_timer_before_sleep(&h));
	assert_true(fires_within(1000));
	return hosted_timer_fired(&h);
}

static int setup(void **state)
{
	(void)state;
	memset(&h, 0, sizeof(h));
	memset(&slot, 0, sizeof(slot));
	memset(&table, 0, sizeof(table));
	h.pd = (struct sdvf_pd){.ops = &hosted_ops, .name = "t", .runtime = &h};
	h.stats = &slot;
	h.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	assert_true(h.timer_fd >= 0);
	hosted_wake_counters(&h.wake, &table, &h.counter_claims);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(h.timer_fd);
	assert_int_equal(slot.bad_calls, 0);
	return 0;
}

static void setting_a_deadline_makes_no_call(void **state)
{
	(void)state;
	uint64_t d = now() + 10000 * MS;
	sdvf_timer_set(&h.pd, d);
	sdvf_timer_set(&h.pd, d - 5 * MS);
	sdvf_timer_set(&h.pd, 0);
	sdvf_timer_set(&h.pd, d);
	assert_int_equal(arms(), 0);
	assert_int_equal(kernel_deadline(), 0);
}

/* The sleep arms the deadline; a later one, or the same, keeps it. */
static void a_later_or_equal_deadline_keeps_the_armed_one(void **state)
{
	(void)state;
	uint64_t d = now() + 10000 * MS; /* never fires here */
	sdvf_timer_set(&h.pd, d);
	assert_false(hosted_timer_before_sleep(&h));
	assert_false(hosted_timer_before_sleep(&h));
	sdvf_timer_set(&h.pd, d + 5 * MS);
	assert_false(hosted_timer_before_sleep(&h));
	assert_int_equal(arms(), 1);
	uint64_t k = kernel_deadline();
	assert_true(k <= d + MS && k + MS >= d); /* still d, within 1 ms */
}

static void an_earlier_deadline_is_armed(void **state)
{
	(void)state;
	sdvf_timer_set(&h.pd, now() + 10000 * MS);
	assert_false(hosted_timer_before_sleep(&h));
	uint64_t d = now() + 5000 * MS;
	sdvf_timer_set(&h.pd, d);
	assert_false(hosted_timer_before_sleep(&h));
	assert_int_equal(arms(), 2);
	uint64_t k = kernel_deadline();
	assert_true(k <= d + MS && k + MS >= d);
}

/* A deadline that passed before the sleep: no call, no sleep, taken once;
 * not taken before it passes. */
static void a_passed_deadline_is_taken_without_a_call(void **state)
{
	(void)state;
	uint64_t d = now() + 2 * MS;
	sdvf_timer_set(&h.pd, d);
	assert_false(hosted_timer_take_due(&h));
	while (now() < d)
		;
	assert_true(hosted_timer_before_sleep(&h));
	assert_true(hosted_timer_take_due(&h));
	assert_false(hosted_timer_take_due(&h));
	assert_false(hosted_timer_before_sleep(&h)); /* off: nothing to arm */
	assert_int_equal(arms(), 0);
	assert_int_equal(kernel_deadline(), 0);
}

/* A cancel makes no call; the fire it leaves behind activates nothing,
 * and nothing is armed after it. */
static void a_cancel_costs_nothing_and_its_fire_delivers_nothing(void **state)
{
	(void)state;
	sdvf_timer_set(&h.pd, now() + MS);
	assert_false(hosted_timer_before_sleep(&h));
	sdvf_timer_set(&h.pd, 0);
	assert_int_equal(arms(), 1);
	assert_false(next_fire_delivers());
	assert_false(hosted_timer_take_due(&h));
	assert_int_equal(kernel_deadline(), 0);
	assert_false(fires_within(20));
	assert_int_equal(arms(), 1);
}

/* The armed deadline was earlier than the component's: its fire is not
 * delivered; the next sleep arms for the component's, whose fire is. */
static void an_early_fire_is_followed_by_the_deadline(void **state)
{
	(void)state;
	sdvf_timer_set(&h.pd, now() + MS);
	assert_false(hosted_timer_before_sleep(&h));
	uint64_t d = now() + 20 * MS;
	sdvf_timer_set(&h.pd, d);
	assert_int_equal(arms(), 1);
	assert_false(next_fire_delivers());
	assert_int_equal(arms(), 1); /* the fire itself arms nothing */
	assert_true(next_fire_delivers());
	assert_true(now() >= d);
	assert_int_equal(arms(), 2);
}

/* Cancelled, then set again later than the armed one: no call; the early
 * fire delivers nothing, the deadline's fire is delivered. */
static void a_cancel_then_a_later_deadline_is_delivered(void **state)
{
	(void)state;
	sdvf_timer_set(&h.pd, now() + MS);
	assert_false(hosted_timer_before_sleep(&h));
	sdvf_timer_set(&h.pd, 0);
	uint64_t d = now() + 10 * MS;
	sdvf_timer_set(&h.pd, d);
	assert_int_equal(arms(), 1);
	assert_false(next_fire_delivers());
	assert_true(next_fire_delivers());
	assert_true(now() >= d);
}

/* Armed, then passed while the PD was busy: the fire is delivered once,
 * and the loop does not take it a second time. */
static void a_fire_after_the_deadline_is_delivered_once(void **state)
{
	(void)state;
	sdvf_timer_set(&h.pd, now() + MS);
	assert_true(next_fire_delivers());
	assert_false(hosted_timer_fired(&h));
	assert_false(hosted_timer_take_due(&h));
	assert_false(fires_within(0));
}

/* A stale wake-up (nothing to read) before the deadline delivers
 * nothing and keeps the armed timer. */
static void a_stale_wake_up_keeps_the_timer(void **state)
{
	(void)state;
	uint64_t d = now() + 10000 * MS;
	sdvf_timer_set(&h.pd, d);
	assert_false(hosted_timer_before_sleep(&h));
	assert_false(hosted_timer_fired(&h));
	assert_false(hosted_timer_before_sleep(&h));
	assert_int_equal(arms(), 1);
	assert_true(kernel_deadline() != 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(setting_a_deadline_makes_no_call),
		T(a_later_or_equal_deadline_keeps_the_armed_one),
		T(an_earlier_deadline_is_armed),
		T(a_passed_deadline_is_taken_without_a_call),
		T(a_cancel_costs_nothing_and_its_fire_delivers_nothing),
		T(an_early_fire_is_followed_by_the_deadline),
		T(a_cancel_then_a_later_deadline_is_delivered),
		T(a_fire_after_the_deadline_is_delivered_once),
		T(a_stale_wake_up_keeps_the_timer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
