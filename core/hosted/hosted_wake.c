/*
 * The PD side of the hosted wake path (core/hosted/hosted_wake.h): ring a
 * peer's bell, take our own, spin on them before sleeping, and count what
 * each costs.  The event loop that calls these is in hosted_pd.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "core/hosted/hosted_wake.h"

static const char *const counter_name[WAKE_NCOUNTERS] = {
	[WAKE_EVENTFD_WRITES] = "rt.eventfd_writes",
	[WAKE_SIGNALS_ELIDED] = "rt.signals_elided",
	[WAKE_EPOLL_WAITS] = "rt.epoll_waits",
	[WAKE_WAIT_SLEEPS] = "rt.wait_sleeps",
	[WAKE_WAIT_READY] = "rt.wait_ready",
	[WAKE_STALE] = "rt.wake_stale",
	[WAKE_BELL_TAKEN] = "rt.bell_taken",
	[WAKE_POLL_HITS] = "rt.poll_hits",
	[WAKE_POLL_MISSES] = "rt.poll_misses",
	[WAKE_POLL_NS] = "rt.poll_ns",
	[WAKE_LOCAL_MARKS] = "rt.local_marks",
	[WAKE_BAD] = "rt.wake_bad",
	[WAKE_FUTEX_WAKES] = "rt.futex_wakes",
	[WAKE_FUTEX_WAITS] = "rt.futex_waits",
	[WAKE_POLL_REARMS] = "rt.poll_rearms",
	[WAKE_TIMER_ARMS] = "rt.timer_arms",
};

#define STAMP_MAX_AGE_NS 1000000000ull

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO: no system call */
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t bucket_low_ns(int b)
{
	if (b == 0)
		return 0;
	int octave = HOSTED_WAKE_OCTAVE_MIN + (b - 1) / 2;
	uint64_t low = 1ull << octave;
	return (b - 1) % 2 ? low + low / 2 : low;
}

static int bucket_of(uint64_t ns)
{
	if (ns < (1ull << HOSTED_WAKE_OCTAVE_MIN))
		return 0;
	int octave = 63 - __builtin_clzll(ns);
	if (octave >= HOSTED_WAKE_OCTAVE_MAX)
		return HOSTED_WAKE_BUCKETS - 1;
	int half = (int)((ns >> (octave - 1)) & 1); /* the bit after the top */
	return 1 + 2 * (octave - HOSTED_WAKE_OCTAVE_MIN) + half;
}

static _Atomic uint64_t *claim(struct hosted_wake *w,
			       struct sdvf_counter_table *t,
			       struct sdvf_counter_claims *claims,
			       const char *name)
{
	int i = sdvf_counter_claim(t, claims, name);
	/* Refused (a full table): counted nowhere rather than not at all. */
	return i >= 0 ? &t->value[i] : &w->scratch;
}

void hosted_wake_counters(struct hosted_wake *w, struct sdvf_counter_table *t,
			  struct sdvf_counter_claims *claims)
{
	for (int c = 0; c < WAKE_NCOUNTERS; c++)
		w->count[c] = claim(w, t, claims, counter_name[c]);
	for (int b = 0; b < HOSTED_WAKE_BUCKETS; b++) {
		char name[SDVF_COUNTER_NAME_MAX];
		snprintf(name, sizeof(name), "rt.wake_ns.%llu",
			 (unsigned long long)bucket_low_ns(b));
		w->bucket[b] = claim(w, t, claims, name);
	}
	w->budget_ns = w->poll_ns / 16;
}

void hosted_wake_ring(struct hosted_wake *w, int ch)
{
	static const uint64_t one = 1;
	struct hosted_bell *b = w->peer[ch];
	/* The first signal not yet taken keeps its stamp: the latency is
	 * from the oldest notification the activation answers. */
	if (atomic_load_explicit(&b->sent_ns, memory_order_relaxed) == 0)
		atomic_store_explicit(&b->sent_ns, now_ns(),
				      memory_order_relaxed);
	atomic_fetch_or(&b->pending, HOSTED_BELL_SIGNAL);
	if (atomic_exchange(&b->sleeping, 0)) { /* ordering: hosted_wake.h */
		hosted_futex_wake(&b->pending);
		hosted_wake_count(w, WAKE_FUTEX_WAKES, 1);
		return;
	}
	if (atomic_load(&b->polling)) {
		hosted_wake_count(w, WAKE_SIGNALS_ELIDED, 1);
		return;
	}
	(void)!write(w->signal_fd[ch], &one, sizeof(one));
	hosted_wake_count(w, WAKE_EVENTFD_WRITES, 1);
}

uint32_t hosted_wake_take(struct hosted_wake *w, int ch)
{
	struct hosted_bell *b = w->mine[ch];
	uint32_t bits = atomic_exchange(&b->pending, 0);
	if (!(bits & HOSTED_BELL_SIGNAL))
		return bits;
	uint64_t sent =
		atomic_exchange_explicit(&b->sent_ns, 0, memory_order_relaxed);
	if (sent == 0)
		return bits; /* stamped by a ring we already answered */
	uint64_t now = now_ns();
	if (sent > now || now - sent > STAMP_MAX_AGE_NS) {
		hosted_wake_count(w, WAKE_BAD, 1);
		return bits;
	}
	atomic_fetch_add_explicit(w->bucket[bucket_of(now - sent)], 1,
				  memory_order_relaxed);
	return bits;
}

uint32_t hosted_wake_pending(const struct hosted_wake *w)
{
	uint32_t mask = 0;
	for (int ch = 0; ch < w->nchans; ch++) {
		if (atomic_load_explicit(&w->mine[ch]->pending,
					 memory_order_relaxed))
			mask |= 1u << ch;
	}
	return mask;
}

/* Futex mode keeps `polling` at 1 for good (hosted_wake.h). */
static void set_polling(struct hosted_wake *w, uint32_t on)
{
	if (w->futex)
		return;
	for (int ch = 0; ch < w->nchans; ch++)
		atomic_store(&w->mine[ch]->polling, on);
}

bool hosted_wake_spin(struct hosted_wake *w)
{
	if (w->budget_ns == 0 || w->nchans == 0)
		return false;
	set_polling(w, 1);
	uint64_t start = now_ns(), now = start;
	bool hit = false;
	for (unsigned i = 1; !hit; i++) {
		hit = hosted_wake_pending(w) != 0;
		if (i % 32 == 0) {
			now = now_ns();
			if (now - start >= w->budget_ns)
				break;
		}
		cpu_relax();
	}
	set_polling(w, 0);
	/* A sender that saw `polling` set wrote no eventfd: look again now
	 * that it is clear (hosted_wake.h, ordering). */
	hit = hit || hosted_wake_pending(w) != 0;
	hosted_wake_count(w, WAKE_POLL_NS, now_ns() - start);
	if (hit) {
		hosted_wake_count(w, WAKE_POLL_HITS, 1);
		w->budget_ns = 2 * w->budget_ns < w->poll_ns ? 2 * w->budget_ns
							     : w->poll_ns;
	} else {
		hosted_wake_count(w, WAKE_POLL_MISSES, 1);
		w->budget_ns /= 2;
		if (w->budget_ns < w->poll_ns / 16)
			w->budget_ns = 0; /* stop spinning until re-armed */
	}
	return hit;
}

void hosted_wake_slept(struct hosted_wake *w, uint64_t slept_ns)
{
	uint64_t floor = w->poll_ns / 16;
	if (floor == 0 || w->budget_ns >= floor || slept_ns > w->poll_ns ||
	    hosted_wake_pending(w) == 0)
		return; /* spinning, or off, or a timer or late bell woke us */
	w->budget_ns = floor;
	hosted_wake_count(w, WAKE_POLL_REARMS, 1);
}
