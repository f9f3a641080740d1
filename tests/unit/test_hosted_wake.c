/*
 * The hosted wake path's bells (core/hosted/hosted_wake.h) in one
 * process: a ring sets the peer's bell and writes its eventfd unless the
 * peer polls; a take answers a ring once and puts its stamp in the
 * latency histogram; a stamp a peer forged is counted, never used; a spin
 * finds a rung bell and adapts its budget, down to no spin at all, and a
 * short sleep re-arms it.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/hosted/hosted_wake.h"

struct fixture {
	struct hosted_bell_page page;	     /* one channel, both ends */
	struct hosted_wake sender, receiver; /* end 0 sends to end 1 */
	struct sdvf_counter_table table[2];
	struct sdvf_counter_claims claims[2];
	int efd; /* end 1's eventfd, which the sender writes */
};

static struct fixture f;

static uint64_t now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t eventfd_count(void)
{
	uint64_t n = 0;
	return read(f.efd, &n, sizeof(n)) == sizeof(n) ? n : 0;
}

static uint64_t value(struct hosted_wake *w, enum hosted_wake_counter c)
{
	return atomic_load(w->count[c]);
}

static uint64_t samples(struct hosted_wake *w)
{
	uint64_t n = 0;
	for (int b = 0; b < HOSTED_WAKE_BUCKETS; b++)
		n += atomic_load(w->bucket[b]);
	return n;
}

static int setup(void **state)
{
	(void)state;
	memset(&f, 0, sizeof(f));
	f.efd = eventfd(0, EFD_NONBLOCK);
	assert_true(f.efd >= 0);
	f.sender.peer[0] = &f.page.end[1];
	f.sender.mine[0] = &f.page.end[0];
	f.sender.signal_fd = &f.efd;
	f.receiver.mine[0] = &f.page.end[1];
	f.receiver.peer[0] = &f.page.end[0];
	f.sender.nchans = f.receiver.nchans = 1;
	hosted_wake_counters(&f.sender, &f.table[0], &f.claims[0]);
	hosted_wake_counters(&f.receiver, &f.table[1], &f.claims[1]);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(f.efd);
	return 0;
}

static void ring_sets_the_bell_and_writes_the_eventfd(void **state)
{
	(void)state;
	hosted_wake_ring(&f.sender, 0);
	assert_int_equal(eventfd_count(), 1);
	assert_int_equal(value(&f.sender, WAKE_EVENTFD_WRITES), 1);
	assert_int_equal(hosted_wake_pending(&f.receiver), 1);
}

static void take_answers_a_ring_once_and_samples_it(void **state)
{
	(void)state;
	hosted_wake_ring(&f.sender, 0);
	hosted_wake_ring(&f.sender, 0); /* coalesced: one answer */
	assert_true(hosted_wake_take(&f.receiver, 0));
	assert_false(hosted_wake_take(&f.receiver, 0));
	assert_int_equal(samples(&f.receiver), 1);
	assert_int_equal(value(&f.receiver, WAKE_BAD), 0);
}

static void ring_skips_the_eventfd_while_the_peer_polls(void **state)
{
	(void)state;
	atomic_store(&f.page.end[1].polling, 1);
	hosted_wake_ring(&f.sender, 0);
	assert_int_equal(eventfd_count(), 0);
	assert_int_equal(value(&f.sender, WAKE_SIGNALS_ELIDED), 1);
	assert_int_equal(value(&f.sender, WAKE_EVENTFD_WRITES), 0);
	assert_int_equal(hosted_wake_pending(&f.receiver), 1);
}

static void take_counts_a_stamp_from_the_future_as_bad(void **state)
{
	(void)state;
	atomic_store(&f.page.end[1].sent_ns, now() + 1000000000ull);
	atomic_store(&f.page.end[1].pending, 1);
	assert_true(hosted_wake_take(&f.receiver, 0)); /* still a wake-up */
	assert_int_equal(value(&f.receiver, WAKE_BAD), 1);
	assert_int_equal(samples(&f.receiver), 0);
}

static void take_counts_a_stamp_over_a_second_old_as_bad(void **state)
{
	(void)state;
	atomic_store(&f.page.end[1].sent_ns, 1); /* boot time */
	atomic_store(&f.page.end[1].pending, 1);
	assert_true(hosted_wake_take(&f.receiver, 0));
	assert_int_equal(value(&f.receiver, WAKE_BAD), 1);
	assert_int_equal(samples(&f.receiver), 0);
}

static void histogram_buckets_are_named_by_their_lower_bound(void **state)
{
	(void)state;
	/* 3 ms old: [2^21, 1.5 * 2^21) ns = [2097152, 3145728). */
	atomic_store(&f.page.end[1].sent_ns, now() - 3000000ull);
	atomic_store(&f.page.end[1].pending, 1);
	assert_true(hosted_wake_take(&f.receiver, 0));
	uint32_t n = atomic_load(&f.table[1].count);
	bool found = false;
	for (uint32_t i = 0; i < n; i++) {
		if (strcmp(f.table[1].name[i], "rt.wake_ns.2097152") == 0) {
			assert_int_equal(atomic_load(&f.table[1].value[i]), 1);
			found = true;
		}
	}
	assert_true(found);
	assert_int_equal(n, WAKE_NCOUNTERS + HOSTED_WAKE_BUCKETS);
}

static void spin_finds_a_rung_bell_and_keeps_its_budget(void **state)
{
	(void)state;
	f.receiver.poll_ns = f.receiver.budget_ns = 50000;
	hosted_wake_ring(&f.sender, 0);
	assert_true(hosted_wake_spin(&f.receiver));
	assert_int_equal(value(&f.receiver, WAKE_POLL_HITS), 1);
	assert_int_equal(f.receiver.budget_ns, 50000);
	assert_int_equal(atomic_load(&f.page.end[1].polling), 0);
}

static void spin_without_a_ring_misses_halves_and_clears_polling(void **state)
{
	(void)state;
	f.receiver.poll_ns = f.receiver.budget_ns = 20000;
	assert_false(hosted_wake_spin(&f.receiver));
	assert_int_equal(value(&f.receiver, WAKE_POLL_MISSES), 1);
	assert_int_equal(f.receiver.budget_ns, 10000);
	assert_int_equal(atomic_load(&f.page.end[1].polling), 0);
	for (int i = 0; i < 10; i++)
		(void)hosted_wake_spin(&f.receiver);
	/* Below poll_ns / 16 it stops spinning at all: an idle PD. */
	assert_int_equal(f.receiver.budget_ns, 0);
	assert_int_equal(value(&f.receiver, WAKE_POLL_MISSES), 5);
}

static void a_short_sleep_rearms_the_spin_a_long_one_does_not(void **state)
{
	(void)state;
	f.receiver.poll_ns = 20000;
	f.receiver.budget_ns = 0;
	hosted_wake_slept(&f.receiver, 5000); /* no bell: a timer woke it */
	assert_int_equal(f.receiver.budget_ns, 0);
	hosted_wake_ring(&f.sender, 0);
	hosted_wake_slept(&f.receiver, 30000); /* longer than poll_ns */
	assert_int_equal(f.receiver.budget_ns, 0);
	hosted_wake_slept(&f.receiver, 5000); /* a spin would have hit */
	assert_int_equal(f.receiver.budget_ns, 20000 / 16);
	assert_int_equal(value(&f.receiver, WAKE_POLL_REARMS), 1);
	assert_true(hosted_wake_spin(&f.receiver)); /* grows on a hit */
	assert_int_equal(f.receiver.budget_ns, 2 * (20000 / 16));
}

static void spin_is_off_without_poll_us(void **state)
{
	(void)state;
	hosted_wake_ring(&f.sender, 0);
	assert_false(hosted_wake_spin(&f.receiver));
	assert_int_equal(value(&f.receiver, WAKE_POLL_HITS), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(ring_sets_the_bell_and_writes_the_eventfd),
		T(take_answers_a_ring_once_and_samples_it),
		T(ring_skips_the_eventfd_while_the_peer_polls),
		T(take_counts_a_stamp_from_the_future_as_bad),
		T(take_counts_a_stamp_over_a_second_old_as_bad),
		T(histogram_buckets_are_named_by_their_lower_bound),
		T(spin_finds_a_rung_bell_and_keeps_its_budget),
		T(spin_without_a_ring_misses_halves_and_clears_polling),
		T(a_short_sleep_rearms_the_spin_a_long_one_does_not),
		T(spin_is_off_without_poll_us),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
