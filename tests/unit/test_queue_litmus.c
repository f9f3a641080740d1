/*
 * Litmus tests of the two signalling handshakes of core/queue.h.  Each is a
 * store-buffering (Dekker) pattern, run many times by two threads that
 * start each round together:
 *
 *   queue empty
 *     consumer  consumer_signalled = 0; fence; load tail
 *     producer  store tail; fence; load consumer_signalled
 *   queue full
 *     producer  producer_signalled = 0; fence; load head
 *     consumer  store head; fence; load producer_signalled
 *
 * In every round at least one side must see the other's store: the sleeper
 * finds the new index (and does not sleep), or the waker finds the request
 * (and notifies).  A round where both read the old value is a lost wake-up,
 * and the test fails at the first.  Without a seq_cst fence the store may
 * wait in the store buffer while the load goes ahead; x86 does that within
 * a few thousand rounds of the empty-queue handshake, where the two-process
 * stress run (stress_queue.c) needs its timing to line up by luck.
 *
 * Each handshake runs for SDVF_LITMUS_ROUNDS rounds (default 200000) or
 * SDVF_LITMUS_SECONDS seconds (default 1), whichever ends first.  The two
 * threads are pinned to two different CPUs; with only one CPU the rounds
 * still run, but no hardware reordering can show, and the output says so.
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
#include <time.h>

#include <cmocka.h>

#include "core/queue.h"

#define LITMUS_CAPACITY 4u
#define DEFAULT_ROUNDS 200000u
#define DEFAULT_SECONDS 1u
#define JITTER_MASK 15u /* spin 0..15 steps before the handshake */

enum side { PRODUCER, CONSUMER };

struct litmus;
/* One thread's part of a round; returns "saw the other side's store". */
typedef bool (*litmus_step)(struct litmus *l);

struct litmus {
	struct sdvf_queue_shared *shared;
	struct sdvf_queue prod, cons;
	litmus_step step[2];  /* the handshake, by side */
	litmus_step reset[2]; /* put the queue back, by side, after a round */
	bool saw[2];	      /* this round's results, by side */
	_Atomic uint32_t arrived; /* spin barrier: arrivals so far */
	_Atomic bool stop;
	bool start_full;
	uint32_t max_rounds;
	double seconds;
	int cpu[2]; /* -1: not pinned */
	/* Written by the consumer thread, which judges each round. */
	uint64_t rounds, sleeper_saw, waker_saw, both_saw, lost;
	enum side sleeper; /* whose step is the request */
};

struct thread_arg {
	struct litmus *l;
	enum side side;
};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint32_t xorshift32(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* Both threads arrive before either goes on; `gen` is the caller's count
 * of barriers passed, times two.  Spins, yielding now and then in case the
 * two threads share a CPU. */
static void barrier(struct litmus *l, uint32_t *gen)
{
	*gen += 2;
	atomic_fetch_add(&l->arrived, 1);
	for (uint32_t spins = 1; atomic_load(&l->arrived) < *gen; spins++) {
		if ((spins & 1023u) == 0)
			sched_yield();
	}
}

static void jitter(uint32_t *rng)
{
	for (volatile uint32_t i = xorshift32(rng) & JITTER_MASK; i > 0; i--)
		;
}

/* A step cannot fail on a queue this test drives itself; if one does, the
 * test is broken, and cmocka cannot fail from the second thread. */
static void must(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "test_queue_litmus: %s failed\n", what);
		abort();
	}
}

/* ---- queue empty: the consumer asks to be woken ----------------------------
 */

static bool empty_consumer_requests(struct litmus *l)
{
	return sdvf_queue_consumer_request_signal(&l->cons);
}

static bool empty_producer_publishes(struct litmus *l)
{
	struct sdvf_desc d = {.io_or_offset = l->rounds, .len = 60};
	must(sdvf_queue_push(&l->prod, &d), "push");
	sdvf_queue_publish(&l->prod);
	return sdvf_queue_producer_should_signal(&l->prod);
}

/* Empty again, and no request pending. */
static bool empty_consumer_drains(struct litmus *l)
{
	struct sdvf_desc d;
	must(sdvf_queue_pop(&l->cons, &d), "pop");
	sdvf_queue_release(&l->cons);
	atomic_store(&l->shared->consumer_signalled, 1);
	return true;
}

/* ---- queue full: the producer asks to be woken -----------------------------
 */

static bool full_producer_requests(struct litmus *l)
{
	return sdvf_queue_producer_request_signal(&l->prod);
}

static bool full_consumer_releases(struct litmus *l)
{
	struct sdvf_desc d;
	must(sdvf_queue_pop(&l->cons, &d), "pop");
	sdvf_queue_release(&l->cons);
	return sdvf_queue_consumer_should_signal(&l->cons);
}

/* Full again, and no request pending. */
static bool full_producer_refills(struct litmus *l)
{
	struct sdvf_desc d = {.io_or_offset = l->rounds, .len = 60};
	must(sdvf_queue_push(&l->prod, &d), "push");
	sdvf_queue_publish(&l->prod);
	atomic_store(&l->shared->producer_signalled, 1);
	return true;
}

static bool nothing(struct litmus *l)
{
	(void)l;
	return true;
}

/* ---- the rounds ------------------------------------------------------------
 */

static void pin(int cpu)
{
	if (cpu < 0)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* Consumer side judges: after the round's second barrier both results are
 * in, and the reset of the next round has not begun. */
static void judge(struct litmus *l)
{
	bool sleeper = l->saw[l->sleeper], waker = l->saw[!l->sleeper];
	l->rounds++;
	l->sleeper_saw += sleeper && !waker;
	l->waker_saw += waker && !sleeper;
	l->both_saw += sleeper && waker;
	if (!sleeper && !waker) {
		l->lost++;
		atomic_store(&l->stop, true);
	}
}

static void *run_side(void *arg)
{
	struct thread_arg *t = arg;
	struct litmus *l = t->l;
	uint32_t gen = 0, rng = t->side == PRODUCER ? 0x2545f491u : 0x9e3779b9u;
	double deadline = now_seconds() + l->seconds;
	pin(l->cpu[t->side]);
	for (;;) {
		barrier(l, &gen); /* the round starts */
		if (atomic_load(&l->stop))
			break;
		jitter(&rng);
		l->saw[t->side] = l->step[t->side](l);
		barrier(l, &gen); /* both results are in */
		if (t->side == CONSUMER) {
			judge(l);
			if (l->rounds >= l->max_rounds ||
			    now_seconds() > deadline)
				atomic_store(&l->stop, true);
		}
		barrier(l, &gen); /* judged: the queue may change */
		l->reset[t->side](l);
	}
	return NULL;
}

static uint64_t env_number(const char *name, uint64_t dflt, uint64_t max)
{
	const char *v = getenv(name);
	if (v == NULL || *v == '\0')
		return dflt;
	char *end;
	unsigned long long n = strtoull(v, &end, 10);
	if (*end != '\0' || v[0] == '-' || n == 0 || n > max) {
		print_error("%s='%s': want a whole number in 1..%llu\n", name,
			    v, (unsigned long long)max);
		fail();
	}
	return n;
}

/* Two CPUs this process may run on, or -1, -1. */
static void pick_cpus(int cpu[2])
{
	cpu_set_t set;
	cpu[0] = cpu[1] = -1;
	if (sched_getaffinity(0, sizeof(set), &set) != 0 || CPU_COUNT(&set) < 2)
		return;
	for (int c = 0, n = 0; c < CPU_SETSIZE && n < 2; c++) {
		if (CPU_ISSET(c, &set))
			cpu[n++] = c;
	}
}

static void run_litmus(struct litmus *l, const char *name)
{
	size_t bytes = SDVF_QUEUE_BYTES(LITMUS_CAPACITY);
	l->shared = aligned_alloc(SDVF_CACHELINE, bytes);
	assert_non_null(l->shared);
	assert_true(sdvf_queue_attach(&l->cons, l->shared, bytes,
				      LITMUS_CAPACITY, true, 0xfffffff0u));
	assert_true(sdvf_queue_attach(&l->prod, l->shared, bytes,
				      LITMUS_CAPACITY, false, 0xfffffff0u));
	l->max_rounds = (uint32_t)env_number("SDVF_LITMUS_ROUNDS",
					     DEFAULT_ROUNDS, 100000000u);
	l->seconds = (double)env_number("SDVF_LITMUS_SECONDS", DEFAULT_SECONDS,
					3600u);
	pick_cpus(l->cpu);
	for (uint32_t i = 0; l->start_full && i < LITMUS_CAPACITY; i++) {
		struct sdvf_desc d = {.io_or_offset = i, .len = 60};
		assert_true(sdvf_queue_push(&l->prod, &d));
	}
	sdvf_queue_publish(&l->prod);

	/* Two new threads, so pinning them leaves this one as it was. */
	struct thread_arg args[2] = {{l, PRODUCER}, {l, CONSUMER}};
	pthread_t threads[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(
			pthread_create(&threads[i], NULL, run_side, &args[i]),
			0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(threads[i], NULL), 0);

	printf("%s: %llu rounds on CPUs %d and %d: sleeper saw the index "
	       "%llu, waker saw the request %llu, both %llu, lost wake-ups "
	       "%llu%s\n",
	       name, (unsigned long long)l->rounds, l->cpu[0], l->cpu[1],
	       (unsigned long long)l->sleeper_saw,
	       (unsigned long long)l->waker_saw,
	       (unsigned long long)l->both_saw, (unsigned long long)l->lost,
	       l->cpu[0] < 0 ? " (one CPU: hardware reordering cannot show)"
			     : "");
	fflush(stdout);
	free(l->shared);
	assert_int_equal(l->lost, 0);
	assert_true(l->rounds > 0);
}

static void consumer_request_or_producer_signal_never_both_miss(void **state)
{
	(void)state;
	struct litmus l = {
		.step = {empty_producer_publishes, empty_consumer_requests},
		.reset = {nothing, empty_consumer_drains},
		.sleeper = CONSUMER,
	};
	run_litmus(&l, "queue empty");
}

static void producer_request_or_consumer_signal_never_both_miss(void **state)
{
	(void)state;
	struct litmus l = {
		.step = {full_producer_requests, full_consumer_releases},
		.reset = {full_producer_refills, nothing},
		.sleeper = PRODUCER,
		.start_full = true,
	};
	run_litmus(&l, "queue full");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			consumer_request_or_producer_signal_never_both_miss),
		cmocka_unit_test(
			producer_request_or_consumer_signal_never_both_miss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
