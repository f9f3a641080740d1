/*
 * The futex mode of the hosted wake path (core/hosted/hosted_wake.h,
 * core/hosted/hosted_futex.c) in one process: a ring wakes a peer that
 * announced its sleep with FUTEX_WAKE, not an eventfd write, once per
 * sleep; a sleep returns at once on a pending bell and at its deadline
 * without one; the launcher's control ring wakes a sleeper and is taken as
 * CONTROL, not as a signal.  Skipped where futex_waitv is missing.
 *
 * Litmus of the sleep/wake race: two threads play ping-pong through one
 * bell page, each ringing the other and then sleeping in futex_waitv until
 * its own bell rings, with a random spin before each ring and each sleep
 * so that rings land on every side of the waiter's announcement.  A lost
 * wake-up leaves a thread asleep with its bell rung: its sleep then ends
 * only at its deadline (LOST_NS, far beyond any scheduling delay), and
 * that is counted and must stay 0.  SDVF_LITMUS_ROUNDS rounds (default
 * 20000) or SDVF_LITMUS_SECONDS seconds (default 1), whichever ends first.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/hosted/hosted_wake.h"

#define DEFAULT_ROUNDS 20000u
#define DEFAULT_SECONDS 1u
#define LOST_NS 5000000000ull /* a sleep this long: a lost wake-up */

struct fixture {
	struct hosted_bell_page page; /* one channel, both ends */
	struct hosted_wake end[2];    /* end e waits on page.end[e] */
	struct sdvf_counter_table table[2];
	struct sdvf_counter_claims claims[2];
	int efd[2]; /* end e's eventfd, which the other end writes */
};

static struct fixture f;
static _Atomic bool game_over; /* the server stopped: no more serves */

static uint64_t now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t value(struct hosted_wake *w, enum hosted_wake_counter c)
{
	return atomic_load(w->count[c]);
}

static uint64_t eventfd_count(int e)
{
	uint64_t n = 0;
	return read(f.efd[e], &n, sizeof(n)) == sizeof(n) ? n : 0;
}

static int setup(void **state)
{
	(void)state;
	memset(&f, 0, sizeof(f));
	atomic_store(&game_over, false);
	for (int e = 0; e < 2; e++) {
		f.efd[e] = eventfd(0, EFD_NONBLOCK);
		assert_true(f.efd[e] >= 0);
	}
	for (int e = 0; e < 2; e++) {
		struct hosted_wake *w = &f.end[e];
		w->mine[0] = &f.page.end[e];
		w->peer[0] = &f.page.end[1 - e];
		w->signal_fd = &f.efd[1 - e];
		w->nchans = 1;
		w->futex = true;
		atomic_store(&f.page.end[e].polling, 1); /* as hosted_pd.c */
		hosted_wake_counters(w, &f.table[e], &f.claims[e]);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(f.efd[0]);
	close(f.efd[1]);
	return 0;
}

/* Without futex_waitv (a kernel before 5.16, or qemu-user, which does
 * not emulate it) futex mode is off: PDs stay on epoll (hosted_pd.c), and
 * these tests are skipped, said once. */
#define NEED_FUTEX()                                                           \
	do {                                                                   \
		if (!hosted_futex_available()) {                               \
			printf("no futex_waitv here: skipped\n");              \
			skip();                                                \
		}                                                              \
	} while (0)

static void ring_wakes_a_sleeper_by_futex_once_per_sleep(void **state)
{
	(void)state;
	NEED_FUTEX();
	atomic_store(&f.page.end[1].sleeping, 1); /* end 1 announced it */
	hosted_wake_ring(&f.end[0], 0);
	assert_int_equal(atomic_load(&f.page.end[1].sleeping), 0);
	assert_int_equal(value(&f.end[0], WAKE_FUTEX_WAKES), 1);
	hosted_wake_ring(&f.end[0], 0); /* the same sleep: no second wake */
	assert_int_equal(value(&f.end[0], WAKE_FUTEX_WAKES), 1);
	assert_int_equal(value(&f.end[0], WAKE_SIGNALS_ELIDED), 1);
	assert_int_equal(eventfd_count(1), 0); /* futex mode: no eventfd */
	assert_int_equal(hosted_wake_take(&f.end[1], 0), HOSTED_BELL_SIGNAL);
}

static void sleep_returns_at_once_on_a_pending_bell(void **state)
{
	(void)state;
	NEED_FUTEX();
	hosted_wake_ring(&f.end[0], 0);
	assert_int_equal(hosted_wake_sleep(&f.end[1], 0), 0); /* no deadline */
	assert_int_equal(value(&f.end[1], WAKE_FUTEX_WAITS), 0);
	assert_int_equal(atomic_load(&f.page.end[1].sleeping), 0);
}

static void sleep_ends_at_its_deadline_without_a_bell(void **state)
{
	(void)state;
	NEED_FUTEX();
	uint64_t deadline = now() + 2000000; /* 2 ms */
	assert_int_equal(hosted_wake_sleep(&f.end[1], deadline), 0);
	assert_true(now() >= deadline);
	assert_int_equal(value(&f.end[1], WAKE_FUTEX_WAITS), 1);
	assert_int_equal(hosted_wake_pending(&f.end[1]), 0);
	assert_int_equal(atomic_load(&f.page.end[1].sleeping), 0);
}

static void *sleeper(void *arg)
{
	(void)arg;
	uint64_t deadline = now() + LOST_NS;
	while (hosted_wake_pending(&f.end[1]) == 0 && now() < deadline)
		assert_int_equal(hosted_wake_sleep(&f.end[1], deadline), 0);
	return NULL;
}

static void control_ring_wakes_a_sleeper_and_is_no_signal(void **state)
{
	(void)state;
	NEED_FUTEX();
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, sleeper, NULL), 0);
	/* Wait until it sleeps, so that the ring has to wake it. */
	while (value(&f.end[1], WAKE_FUTEX_WAITS) == 0)
		sched_yield();
	hosted_wake_ring_control(&f.page, 1);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(hosted_wake_take(&f.end[1], 0), HOSTED_BELL_CONTROL);
	assert_int_equal(eventfd_count(1), 0);
}

/* ---- litmus: ping-pong through the sleep/wake race ---------------------- */

struct player {
	int e;
	unsigned rounds;
	uint64_t stop_ns;
	unsigned seed;
	unsigned played, lost;
};

static void jitter(unsigned *seed)
{
	for (unsigned i = (unsigned)rand_r(seed) % 64; i > 0; i--)
		__asm__ volatile("" ::: "memory");
}

/* Wait for our bell: take it if rung, else sleep until it is. */
static bool await_bell(struct player *p)
{
	struct hosted_wake *w = &f.end[p->e];
	uint64_t deadline = now() + LOST_NS;
	for (;;) {
		if (hosted_wake_take(w, 0) & HOSTED_BELL_SIGNAL)
			return true;
		if (now() >= deadline) {
			p->lost++;
			return false;
		}
		jitter(&p->seed);
		assert_int_equal(hosted_wake_sleep(w, deadline), 0);
	}
}

static void *play(void *arg)
{
	struct player *p = arg;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(p->e % 2, &set);
	(void)sched_setaffinity(0, sizeof(set), &set); /* best effort */
	for (p->played = 0; p->played < p->rounds && p->lost == 0;
	     p->played++) {
		if (p->e == 0) { /* serve */
			if (now() >= p->stop_ns)
				break;
			jitter(&p->seed);
			hosted_wake_ring(&f.end[0], 0);
			(void)await_bell(p);
		} else { /* return each serve until the game is over */
			if (!await_bell(p) || atomic_load(&game_over))
				break;
			jitter(&p->seed);
			hosted_wake_ring(&f.end[1], 0);
		}
	}
	return NULL;
}

static unsigned env_or(const char *name, unsigned fallback)
{
	const char *s = getenv(name);
	return s && *s ? (unsigned)strtoul(s, NULL, 10) : fallback;
}

static void litmus_no_wake_up_is_lost(void **state)
{
	(void)state;
	NEED_FUTEX();
	unsigned rounds = env_or("SDVF_LITMUS_ROUNDS", DEFAULT_ROUNDS);
	uint64_t stop = now() + env_or("SDVF_LITMUS_SECONDS", DEFAULT_SECONDS) *
					1000000000ull;
	struct player p[2] = {
		{.e = 0, .rounds = rounds, .stop_ns = stop, .seed = 1},
		{.e = 1, .rounds = rounds, .stop_ns = stop, .seed = 2},
	};
	pthread_t t[2];
	for (int e = 0; e < 2; e++)
		assert_int_equal(pthread_create(&t[e], NULL, play, &p[e]), 0);
	/* The server may stop on time, before its last serve: one more
	 * ring, after game_over, lets the returner see that it is over. */
	assert_int_equal(pthread_join(t[0], NULL), 0);
	atomic_store(&game_over, true);
	hosted_wake_ring(&f.end[0], 0);
	assert_int_equal(pthread_join(t[1], NULL), 0);
	uint64_t sleeps = value(&f.end[0], WAKE_FUTEX_WAITS) +
			  value(&f.end[1], WAKE_FUTEX_WAITS);
	uint64_t wakes = value(&f.end[0], WAKE_FUTEX_WAKES) +
			 value(&f.end[1], WAKE_FUTEX_WAKES);
	printf("futex litmus: %u rounds, %llu futex sleeps, %llu futex "
	       "wakes, %u lost (%ld CPUs)\n",
	       p[0].played, (unsigned long long)sleeps,
	       (unsigned long long)wakes, p[0].lost + p[1].lost,
	       sysconf(_SC_NPROCESSORS_ONLN));
	assert_int_equal(p[0].lost + p[1].lost, 0);
	assert_true(p[0].played > 0);
	assert_true(sleeps > 0); /* the race was run, not only the spin */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(ring_wakes_a_sleeper_by_futex_once_per_sleep),
		T(sleep_returns_at_once_on_a_pending_bell),
		T(sleep_ends_at_its_deadline_without_a_bell),
		T(control_ring_wakes_a_sleeper_and_is_no_signal),
		T(litmus_no_wake_up_is_lost),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
