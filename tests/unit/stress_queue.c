/*
 * Two-process stress test of core/queue.h over a real shared mapping.
 *
 * A forked producer pushes sequence numbers in varied batch sizes; the
 * parent consumes them in varied batch sizes and checks that every
 * descriptor arrives exactly once, in order, with the len/flags/reserved the
 * producer set.  Both sides sleep on eventfds using only the signalling
 * protocol of core/queue.h (consumer_request_signal / producer_should_signal
 * when the queue is empty, producer_request_signal / consumer_should_signal
 * when it is full), so a lost wake-up shows up as a wait that times out.
 * Every wait is bounded by WAIT_MS and a timeout fails the test.
 *
 * Built with -DSTRESS_THREADS (stress_queue_tsan, under ThreadSanitizer)
 * the producer is a second thread of the same process instead, so TSan
 * sees both sides of every shared access: the test then also requires
 * zero TSan reports (TSan fails the program on one).
 *
 * The run stops at STRESS_MAX_DESCS descriptors or SDVF_STRESS_SECONDS
 * (default 30 seconds; 10 with threads, TSan being slow) seconds,
 * whichever comes first; the producer then sends an
 * end marker carrying the count it sent.  Descriptors per second are printed
 * as information only.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/queue.h"

#define STRESS_CAPACITY 256u
#define STRESS_MAX_DESCS 100000000ull
#ifdef STRESS_THREADS
#define STRESS_DEFAULT_SECONDS 10
#else
#define STRESS_DEFAULT_SECONDS 30
#endif
/* Start near 2^32 so the free-running indices wrap early in the run. */
#define STRESS_INITIAL_INDEX 0xffff0000u
#define WAIT_MS 5000
#define FLAG_END 0x8000u
/* The producer idles until the queue drains once per this many batches on
 * average (a power of two). */
#define DRAIN_EVERY 8u

/* Producer exit codes, reported by the parent. */
enum producer_status {
	PRODUCER_OK = 0,
	PRODUCER_TIMED_OUT = 2,
	PRODUCER_NOTIFY_FAILED = 3,
	PRODUCER_ATTACH_FAILED = 4,
};

/* Page 0 of the mapping: what the producer reports when it finishes
 * (written by the producer only, read by the parent after waitpid). */
struct producer_report {
	uint64_t sent;
	uint64_t sleeps;
	uint64_t notifies;
	uint64_t drains;
};

struct stress {
	void *mapping;
	size_t mapping_bytes;
	struct producer_report *report;
	void *queue_region;
	size_t queue_bytes;
	int to_consumer; /* eventfd: producer -> consumer notification */
	int to_producer; /* eventfd: consumer -> producer notification */
	double seconds;
};

/* Every field is a function of seq, and flags never has FLAG_END set, so a
 * duplicated, skipped or torn slot cannot pass the check. */
static struct sdvf_desc stress_desc(uint64_t seq)
{
	struct sdvf_desc d = {
		.io_or_offset = seq,
		.len = (uint16_t)((seq * 2654435761u) >> 16),
		.flags = (uint16_t)((seq ^ (seq >> 15)) & 0x7fffu),
		.reserved = (uint32_t)~seq,
	};
	return d;
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

/* Mostly small batches, with bursts up to twice the capacity so both the
 * empty and the full paths are taken. */
static uint32_t next_batch(uint32_t *rng, uint32_t largest)
{
	uint32_t r = xorshift32(rng);
	switch (r & 3u) {
	case 0:
		return 1;
	case 1:
		return 1 + (r >> 2) % 16u;
	case 2:
		return 1 + (r >> 2) % STRESS_CAPACITY;
	default:
		return 1 + (r >> 2) % largest;
	}
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool notify(int fd)
{
	uint64_t one = 1;
	return write(fd, &one, sizeof(one)) == (ssize_t)sizeof(one);
}

/* Sleep until the peer notifies, at most WAIT_MS.  False on timeout. */
static bool wait_notified(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r;
	do {
		r = poll(&p, 1, WAIT_MS);
	} while (r < 0 && errno == EINTR);
	if (r <= 0)
		return false;
	uint64_t count;
	/* Non-blocking eventfd: a racing read of 0 is harmless. */
	(void)!read(fd, &count, sizeof(count));
	return true;
}

/* ---- producer (child process) ------------------------------------------ */

struct producer {
	struct sdvf_queue q;
	struct stress *s;
	struct producer_report report;
};

/* Publish what was pushed and notify if the consumer asked. */
static bool producer_publish(struct producer *p)
{
	sdvf_queue_publish(&p->q);
	if (!sdvf_queue_producer_should_signal(&p->q))
		return true;
	p->report.notifies++;
	return notify(p->s->to_consumer);
}

/* The queue was full: ask for a wake-up, re-check, sleep if still full. */
static bool producer_wait_for_space(struct producer *p)
{
	if (sdvf_queue_producer_request_signal(&p->q))
		return true;
	p->report.sleeps++;
	return wait_notified(p->s->to_producer);
}

static enum producer_status producer_push(struct producer *p,
					  const struct sdvf_desc *d)
{
	while (!sdvf_queue_push(&p->q, d)) {
		/* The consumer can only see what we published. */
		if (!producer_publish(p))
			return PRODUCER_NOTIFY_FAILED;
		if (!producer_wait_for_space(p))
			return PRODUCER_TIMED_OUT;
	}
	return PRODUCER_OK;
}

/*
 * Now and then the producer goes idle until the consumer has taken
 * everything.  Without these pauses a missed notification would only delay
 * the consumer until the next batch; with them it leaves the consumer asleep
 * on pending work, which its bounded wait reports.
 */
static enum producer_status producer_wait_for_drain(struct producer *p)
{
	double give_up = now_seconds() + WAIT_MS / 1000.0;
	struct timespec nap = {.tv_nsec = 10000};
	p->report.drains++;
	while (sdvf_queue_free_slots(&p->q) != STRESS_CAPACITY) {
		if (now_seconds() > give_up)
			return PRODUCER_TIMED_OUT;
		nanosleep(&nap, NULL);
	}
	return PRODUCER_OK;
}

static enum producer_status producer_run(struct producer *p)
{
	uint32_t rng = 0x2545f491u;
	uint64_t seq = 0;
	double deadline = now_seconds() + p->s->seconds;
	enum producer_status st = PRODUCER_OK;

	while (seq < STRESS_MAX_DESCS && now_seconds() < deadline) {
		uint32_t batch = next_batch(&rng, 2 * STRESS_CAPACITY);
		for (uint32_t i = 0; i < batch && seq < STRESS_MAX_DESCS; i++) {
			struct sdvf_desc d = stress_desc(seq);
			st = producer_push(p, &d);
			if (st != PRODUCER_OK)
				return st;
			seq++;
		}
		if (!producer_publish(p))
			return PRODUCER_NOTIFY_FAILED;
		if ((xorshift32(&rng) & (DRAIN_EVERY - 1)) == 0)
			st = producer_wait_for_drain(p);
		if (st != PRODUCER_OK)
			return st;
	}
	struct sdvf_desc end = {.io_or_offset = seq, .flags = FLAG_END};
	st = producer_push(p, &end);
	if (st != PRODUCER_OK)
		return st;
	if (!producer_publish(p))
		return PRODUCER_NOTIFY_FAILED;
	p->report.sent = seq;
	return PRODUCER_OK;
}

static enum producer_status producer_main(struct stress *s)
{
	struct producer p = {.s = s};
	if (!sdvf_queue_attach(&p.q, s->queue_region, s->queue_bytes,
			       STRESS_CAPACITY, false, STRESS_INITIAL_INDEX))
		return PRODUCER_ATTACH_FAILED;
	enum producer_status st = producer_run(&p);
	*s->report = p.report;
	return st;
}

/* ---- consumer (parent process) ------------------------------------------ */

struct consumer {
	struct sdvf_queue q;
	struct stress *s;
	uint64_t expected; /* next sequence number */
	uint64_t sleeps;
	uint64_t notifies;
	double longest_sleep; /* seconds, information only */
	bool ended;
};

/* Checks one descriptor; on a mismatch prints it and returns false. */
static bool consumer_check(struct consumer *c, const struct sdvf_desc *d)
{
	if (d->flags & FLAG_END) {
		if (d->io_or_offset != c->expected) {
			print_error(
				"end marker says %llu sent, %llu received\n",
				(unsigned long long)d->io_or_offset,
				(unsigned long long)c->expected);
			return false;
		}
		c->ended = true;
		return true;
	}
	struct sdvf_desc want = stress_desc(c->expected);
	if (d->io_or_offset != want.io_or_offset || d->len != want.len ||
	    d->flags != want.flags || d->reserved != want.reserved) {
		print_error("descriptor %llu: got seq %llu len %u flags %#x "
			    "reserved %#x, want len %u flags %#x reserved "
			    "%#x\n",
			    (unsigned long long)c->expected,
			    (unsigned long long)d->io_or_offset, d->len,
			    d->flags, d->reserved, want.len, want.flags,
			    want.reserved);
		return false;
	}
	c->expected++;
	return true;
}

/* Drain one batch.  Returns how many arrived, or -1 on a bad descriptor. */
static int consumer_drain(struct consumer *c, uint32_t *rng)
{
	struct sdvf_desc batch[STRESS_CAPACITY];
	uint32_t want = next_batch(rng, STRESS_CAPACITY);
	uint32_t n = sdvf_queue_pop_burst(&c->q, batch, want);
	for (uint32_t i = 0; i < n; i++) {
		if (c->ended) {
			print_error("descriptor after the end marker\n");
			return -1;
		}
		if (!consumer_check(c, &batch[i]))
			return -1;
	}
	if (n > 0 && sdvf_queue_consumer_should_signal(&c->q)) {
		c->notifies++;
		if (!notify(c->s->to_producer))
			return -1;
	}
	return (int)n;
}

static bool consumer_run(struct consumer *c)
{
	uint32_t rng = 0x9e3779b9u;
	while (!c->ended) {
		int n = consumer_drain(c, &rng);
		if (n < 0)
			return false;
		if (n > 0 || sdvf_queue_consumer_request_signal(&c->q))
			continue;
		c->sleeps++;
		double slept_at = now_seconds();
		bool woken = wait_notified(c->s->to_consumer);
		if (now_seconds() - slept_at > c->longest_sleep)
			c->longest_sleep = now_seconds() - slept_at;
		if (!woken) {
			print_error("consumer: no notification in %d ms after "
				    "descriptor %llu (lost wake-up?)\n",
				    WAIT_MS, (unsigned long long)c->expected);
			return false;
		}
	}
	if (sdvf_queue_available(&c->q) != 0) {
		print_error("descriptors left in the queue after the end\n");
		return false;
	}
	return c->q.bad_index == 0;
}

/* ---- test --------------------------------------------------------------- */

/* SDVF_STRESS_SECONDS: positive number of seconds, at most an hour. */
static bool stress_seconds(double *out)
{
	const char *env = getenv("SDVF_STRESS_SECONDS");
	*out = STRESS_DEFAULT_SECONDS;
	if (env == NULL || *env == '\0')
		return true;
	char *end;
	double v = strtod(env, &end);
	if (*end != '\0' || !(v > 0 && v <= 3600)) {
		print_error("SDVF_STRESS_SECONDS=%s: want seconds in (0, "
			    "3600]\n",
			    env);
		return false;
	}
	*out = v;
	return true;
}

static int stress_setup(void **state)
{
	struct stress *s = calloc(1, sizeof(*s));
	if (s == NULL || !stress_seconds(&s->seconds))
		return -1;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	s->queue_bytes = SDVF_QUEUE_BYTES(STRESS_CAPACITY);
	s->mapping_bytes = page + s->queue_bytes;
	s->mapping = mmap(NULL, s->mapping_bytes, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->mapping == MAP_FAILED)
		return -1;
	s->report = s->mapping;
	s->queue_region = (uint8_t *)s->mapping + page;
	s->to_consumer = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->to_producer = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->to_consumer < 0 || s->to_producer < 0)
		return -1;
	*state = s;
	return 0;
}

static int stress_teardown(void **state)
{
	struct stress *s = *state;
	close(s->to_consumer);
	close(s->to_producer);
	munmap(s->mapping, s->mapping_bytes);
	free(s);
	return 0;
}

#ifdef STRESS_THREADS
static void *producer_thread(void *arg)
{
	return (void *)(uintptr_t)producer_main(arg);
}

/* The producer as a thread: its status, once it has returned.  A consumer
 * that failed does not stop it: it ends by itself within WAIT_MS. */
static int producer_start_and_consume(struct stress *s, struct consumer *c,
				      bool *consumer_ok)
{
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, producer_thread, s), 0);
	*consumer_ok = consumer_run(c);
	void *st;
	assert_int_equal(pthread_join(t, &st), 0);
	return (int)(uintptr_t)st;
}
#else
/* The producer as a forked process: its exit status. */
static int producer_start_and_consume(struct stress *s, struct consumer *c,
				      bool *consumer_ok)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(producer_main(s));
	*consumer_ok = consumer_run(c);
	if (!*consumer_ok)
		kill(pid, SIGKILL);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}
#endif

static void stress_every_descriptor_arrives_once_in_order(void **state)
{
	struct stress *s = *state;
	struct consumer c = {.s = s};
	/* The consumer is the side that resets the shared header. */
	assert_true(sdvf_queue_attach(&c.q, s->queue_region, s->queue_bytes,
				      STRESS_CAPACITY, true,
				      STRESS_INITIAL_INDEX));
	double start = now_seconds();
	bool consumer_ok;
	int producer = producer_start_and_consume(s, &c, &consumer_ok);
	double elapsed = now_seconds() - start;

	printf("stress_queue: %llu descriptors in %.2f s = %.1f M/s "
	       "(info); consumer slept %llu, notified %llu; producer "
	       "slept %llu, notified %llu, idled %llu; longest "
	       "consumer sleep %.1f ms\n",
	       (unsigned long long)c.expected, elapsed,
	       (double)c.expected / elapsed / 1e6, (unsigned long long)c.sleeps,
	       (unsigned long long)c.notifies,
	       (unsigned long long)s->report->sleeps,
	       (unsigned long long)s->report->notifies,
	       (unsigned long long)s->report->drains, c.longest_sleep * 1e3);
	fflush(stdout);

	assert_true(consumer_ok);
	assert_int_equal(producer, PRODUCER_OK);
	assert_int_equal(s->report->sent, c.expected);
	assert_int_equal(c.q.bad_index, 0);
	assert_true(c.expected > 0);
}

#ifdef STRESS_THREADS
/* ---- a hostile producer, under TSan -------------------------------------- */

#define HOSTILE_ROUNDS 200000u

struct hostile {
	struct sdvf_queue_shared *shared;
	_Atomic bool stop;
	_Atomic uint64_t writes;
};

/* Rewrites every slot and publishes a tail, as fast as it can, through the
 * slot accessors of core/queue.h (what a peer in another process does with
 * plain stores is invisible to TSan anyway).  Its tail stores are relaxed,
 * as a hostile peer's may be: nothing it writes is ordered before what the
 * consumer reads, so TSan sees every slot copy of the consumer as racing
 * with its rewrites, and only atomic accesses on both sides make that no
 * data race. */
static void *hostile_producer(void *arg)
{
	struct hostile *h = arg;
	uint32_t rng = 0x6b43a9b5u;
	while (!atomic_load_explicit(&h->stop, memory_order_relaxed)) {
		uint32_t r = xorshift32(&rng);
		for (uint32_t k = 0; k < STRESS_CAPACITY; k++) {
			struct sdvf_desc d = {.io_or_offset = r + k,
					      .len = (uint16_t)r};
			sdvf_slot_write(&h->shared->ring[k], &d);
		}
		/* Mostly a tail a little ahead of the consumer's head (read
		 * relaxed: no ordering from it either), so the consumer keeps
		 * popping; now and then any value at all. */
		uint32_t head = atomic_load_explicit(&h->shared->head,
						     memory_order_relaxed);
		uint32_t tail = head + 1 + r % STRESS_CAPACITY;
		atomic_store_explicit(&h->shared->tail, r % 16 ? tail : r,
				      memory_order_relaxed);
		atomic_fetch_add_explicit(&h->writes, STRESS_CAPACITY,
					  memory_order_relaxed);
	}
	return NULL;
}

/* The trusted consumer copies slots while a hostile producer rewrites them
 * and moves its tail anywhere: TSan reports nothing because both sides'
 * slot accesses are atomic (a plain slot copy is reported as a race, and
 * TSan fails the program), and the consumer never leaves its ring. */
static void stress_hostile_producer_races_no_plain_access(void **state)
{
	struct stress *s = *state;
	struct sdvf_queue q = {0};
	assert_true(sdvf_queue_attach(&q, s->queue_region, s->queue_bytes,
				      STRESS_CAPACITY, true, 0));
	struct hostile h = {.shared = q.shared};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, hostile_producer, &h), 0);
	/* Its first rewrites come before our first copy. */
	while (atomic_load_explicit(&h.writes, memory_order_relaxed) == 0)
		sched_yield();
	struct sdvf_desc batch[STRESS_CAPACITY];
	uint64_t popped = 0;
	for (uint32_t round = 0; round < HOSTILE_ROUNDS; round++) {
		uint32_t n = sdvf_queue_pop_burst(&q, batch, 1 + round % 64);
		assert_true(n <= STRESS_CAPACITY);
		popped += n;
		(void)sdvf_queue_consumer_request_signal(&q);
	}
	atomic_store_explicit(&h.stop, true, memory_order_relaxed);
	assert_int_equal(pthread_join(t, NULL), 0);
	printf("stress_queue: hostile producer: %llu slot writes, %llu "
	       "popped, %u impossible tails refused (info)\n",
	       (unsigned long long)atomic_load(&h.writes),
	       (unsigned long long)popped, q.bad_index);
	assert_true(popped > 0);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			stress_every_descriptor_arrives_once_in_order,
			stress_setup, stress_teardown),
#ifdef STRESS_THREADS
		cmocka_unit_test_setup_teardown(
			stress_hostile_producer_races_no_plain_access,
			stress_setup, stress_teardown),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
