/*
 * Fuzz the trust-boundary queue helpers (core/queue.h, core/pd_queue.h) as
 * a hostile peer would drive them: the trusted side is the consumer of
 * queue `in` (as a mux of a client's tx_active) and the producer of queue
 * `out` (as a mux of a client's tx_free); the peer writes any value into
 * any shared word of either queue at any time (its own index, ours, the
 * signal flags, any slot), at any capacity and starting index (near 2^32
 * for wrap).  Each queue lives in a heap block of exactly
 * SDVF_QUEUE_BYTES(capacity) bytes, so ASan catches any access outside it.
 *
 * Invariants checked after every operation:
 *   - our view stays possible: 0 <= peer - own <= capacity (consumer) and
 *     0 <= own - peer <= capacity (producer), whatever the peer wrote;
 *   - our own index moves only by what we popped or pushed, never by what
 *     the peer wrote over it in shared memory;
 *   - an explicit re-read of an impossible peer index is counted exactly
 *     once (bad_index and its published counter agree), a possible one
 *     never;
 *   - a pop copies the slot as it was, and only slots the peer published;
 *     a push never exceeds the room the consumer's index allows;
 *   - after a release or publish that moved it, the shared index is our
 *     own index.
 * Entry points: tests/fuzz/fuzz_replay.h.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pd_queue.h"
#include "core/queue.h"
#include "tests/fuzz/fuzz_cursor.h"

#define FUZZ_CAP_MAX 128u

static struct {
	uint64_t inputs, ops, popped, pushed, bad_index, signals;
} totals;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_queue: invariant broken: %s\n", what);
	abort();
}

struct side {
	struct sdvf_queue q;
	_Atomic uint64_t bad_counter; /* the published counter */
	uint32_t last_own;	      /* own before the operation */
};

/* A peer index: near the sane one most of the time, anything otherwise. */
static uint32_t peer_index(struct cursor *c, uint32_t sane, uint32_t cap)
{
	uint32_t sel = take(c, 1);
	if (sel & 0x80)
		return take(c, 4);
	int32_t delta = (int32_t)(take(c, 1) % (4 * cap + 3)) - (int32_t)cap;
	return sane + (uint32_t)delta;
}

static void check(const struct side *s, bool consumer)
{
	const struct sdvf_queue *q = &s->q;
	uint32_t span = consumer ? q->peer - q->own : q->own - q->peer;
	if (span > q->capacity)
		fail("our view of the queue is impossible");
	if (atomic_load(&s->bad_counter) != q->bad_index)
		fail("bad_index and its published counter differ");
	if ((uint32_t)(q->own - s->last_own) > q->capacity)
		fail("our own index moved by more than a queue");
}

/* An explicit re-read: counted iff the peer's index was impossible. */
static void reread(struct side *s, bool consumer)
{
	struct sdvf_queue *q = &s->q;
	uint32_t before = q->bad_index;
	uint32_t peer = consumer ? atomic_load(&q->shared->tail)
				 : atomic_load(&q->shared->head);
	bool impossible =
		(consumer ? peer - q->own : q->own - peer) > q->capacity;
	uint32_t n =
		consumer ? sdvf_queue_available(q) : sdvf_queue_free_slots(q);
	if (q->bad_index != before + (impossible ? 1 : 0))
		fail("an impossible peer index not counted exactly once");
	if (!impossible && q->peer != peer)
		fail("a possible peer index not taken");
	if (n > q->capacity)
		fail("more slots than the capacity");
	totals.bad_index += impossible;
}

static void pop_some(struct side *s, uint32_t want)
{
	static struct sdvf_desc out[2 * FUZZ_CAP_MAX];
	static struct sdvf_desc expect[2 * FUZZ_CAP_MAX];
	struct sdvf_queue *q = &s->q;
	uint32_t tail = atomic_load(&q->shared->tail);
	bool tail_ok = (uint32_t)(tail - q->own) <= q->capacity;
	uint32_t avail = tail_ok ? tail - q->own : q->peer - q->own;
	uint32_t most = want < avail ? want : avail;
	if ((uint32_t)(q->peer - q->own) > most)
		most = q->peer - q->own < want ? q->peer - q->own : want;
	for (uint32_t i = 0; i < most; i++)
		expect[i] = q->shared->ring[(q->own + i) & q->mask];
	uint32_t own = q->own, n;
	if (want == 1) {
		n = sdvf_queue_pop(q, out) ? 1 : 0;
		sdvf_queue_release(q);
	} else {
		n = sdvf_queue_pop_burst(q, out, want);
	}
	if (n > want || n > most || q->own != own + n)
		fail("popped more than the peer published");
	if (n && memcmp(out, expect, n * sizeof(out[0])) != 0)
		fail("a popped descriptor differs from its slot");
	/* A release that moved nothing stores nothing: what the peer wrote
	 * over our index stays, and we never read it back. */
	if (n && atomic_load(&q->shared->head) != q->own)
		fail("head not our index after a release");
	totals.popped += n;
}

static void push_some(struct side *s, struct cursor *c, uint32_t want)
{
	static struct sdvf_desc in[2 * FUZZ_CAP_MAX];
	struct sdvf_queue *q = &s->q;
	for (uint32_t i = 0; i < want; i++)
		in[i] = (struct sdvf_desc){.io_or_offset = take(c, 4),
					   .len = (uint16_t)take(c, 2),
					   .flags = (uint16_t)i};
	uint32_t head = atomic_load(&q->shared->head);
	uint32_t sane_head =
		(uint32_t)(q->own - head) <= q->capacity ? head : q->peer;
	uint32_t room = q->capacity - (q->own - sane_head);
	uint32_t cached = q->capacity - (q->own - q->peer);
	if (cached > room)
		room = cached;
	uint32_t own = q->own, n;
	if (want == 1) {
		n = sdvf_queue_push(q, in) ? 1 : 0;
		sdvf_queue_publish(q);
	} else {
		n = sdvf_queue_push_burst(q, in, want);
	}
	if (n > want || n > room || q->own != own + n)
		fail("pushed past the room the consumer left");
	for (uint32_t i = 0; i < n; i++)
		if (memcmp(&q->shared->ring[(own + i) & q->mask], &in[i],
			   sizeof(in[0])) != 0)
			fail("a pushed descriptor is not in its slot");
	if (n && atomic_load(&q->shared->tail) != q->own)
		fail("tail not our index after a publish");
	totals.pushed += n;
}

/* The peer writes one shared word of queue q: an index, a flag or part of
 * a slot. */
static void peer_writes(struct side *s, struct cursor *c, bool we_consume)
{
	struct sdvf_queue_shared *sh = s->q.shared;
	uint32_t cap = s->q.capacity;
	switch (take(c, 1) % 5) {
	case 0: /* the peer's own index */
		if (we_consume)
			atomic_store(&sh->tail, peer_index(c, s->q.own, cap));
		else
			atomic_store(&sh->head,
				     peer_index(c, s->q.own - cap, cap));
		break;
	case 1: /* our index, which we must never read back */
		if (we_consume)
			atomic_store(&sh->head, take(c, 4));
		else
			atomic_store(&sh->tail, take(c, 4));
		break;
	case 2:
		atomic_store(&sh->consumer_signalled, take(c, 4) & 0x101);
		break;
	case 3:
		atomic_store(&sh->producer_signalled, take(c, 4) & 0x101);
		break;
	default: {
		struct sdvf_desc *slot = &sh->ring[take(c, 1) % cap];
		slot->io_or_offset = (uint64_t)take(c, 4) << 32 | take(c, 4);
		slot->len = (uint16_t)take(c, 2);
		slot->flags = (uint16_t)take(c, 2);
		slot->reserved = take(c, 4);
	}
	}
}

static void signals(struct side *s, struct cursor *c, bool consumer)
{
	struct sdvf_queue *q = &s->q;
	uint32_t before = q->bad_index;
	switch (take(c, 1) % 4) {
	case 0:
		if (consumer)
			sdvf_queue_consumer_request_signal(q);
		else
			sdvf_queue_producer_request_signal(q);
		break;
	case 1: {
		_Atomic uint32_t *flag =
			consumer ? &q->shared->producer_signalled
				 : &q->shared->consumer_signalled;
		uint32_t was = atomic_load(flag);
		bool say = consumer ? sdvf_queue_consumer_should_signal(q)
				    : sdvf_queue_producer_should_signal(q);
		if (say != (was == 0) || atomic_load(flag) != (say ? 1 : was))
			fail("should_signal does not follow the flag");
		totals.signals += say;
		break;
	}
	case 2:
		if (consumer)
			sdvf_queue_consumer_finish(q);
		else
			sdvf_queue_producer_finish(q);
		if (q->announced != q->own)
			fail("finish left news unannounced");
		break;
	default:
		if (consumer)
			sdvf_queue_consumer_cancel_signal(q);
		break;
	}
	if (q->bad_index - before > 1)
		fail("one re-read counted twice");
}

static uint8_t *in_region, *out_region;

static void fuzz_one(const uint8_t *data, size_t size)
{
	struct cursor c = {data, size};
	uint32_t cap = 1u << (take(&c, 1) % 8);
	uint32_t initial = take(&c, 1) & 1 ? take(&c, 4) : 0xffffffffu - cap;
	size_t bytes = SDVF_QUEUE_BYTES(cap);
	static struct side in, out;
	free(in_region);
	free(out_region);
	/* Exactly `bytes`, not rounded up: ASan sees the first byte past. */
	if (posix_memalign((void **)&in_region, SDVF_CACHELINE, bytes) ||
	    posix_memalign((void **)&out_region, SDVF_CACHELINE, bytes))
		abort();
	memset(in_region, 0, bytes);
	memset(out_region, 0, bytes);
	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	if (!sdvf_queue_attach(&in.q, in_region, bytes, cap, true, initial) ||
	    !sdvf_queue_attach(&out.q, out_region, bytes, cap, true, initial))
		fail("attach refused a valid queue");
	in.q.bad_index_counter = &in.bad_counter;
	out.q.bad_index_counter = &out.bad_counter;
	totals.inputs++;
	while (c.left) {
		in.last_own = in.q.own;
		out.last_own = out.q.own;
		totals.ops++;
		switch (take(&c, 1) % 12) {
		case 0:
		case 1:
			peer_writes(&in, &c, true);
			break;
		case 2:
			peer_writes(&out, &c, false);
			break;
		case 3:
			reread(&in, true);
			break;
		case 4:
			reread(&out, false);
			break;
		case 5:
			pop_some(&in, 1);
			break;
		case 6:
			pop_some(&in, 1 + take(&c, 1) % (2 * cap));
			break;
		case 7:
			push_some(&out, &c, 1);
			break;
		case 8:
			push_some(&out, &c, 1 + take(&c, 1) % (2 * cap));
			break;
		case 9:
			signals(&in, &c, true);
			break;
		case 10:
			signals(&out, &c, false);
			break;
		default: /* the peer restarts: we reset the queue */
			if (take(&c, 1) & 1) {
				sdvf_queue_reset(&in.q);
				in.last_own = 0;
			} else {
				sdvf_queue_reset(&out.q);
				out.last_own = 0;
			}
			break;
		}
		check(&in, true);
		check(&out, false);
	}
}

#define FUZZ_NAME "fuzz_queue"
#define FUZZ_SHAPE_NONE

static void fuzz_setup(void)
{
}

static void fuzz_summary(void)
{
	printf("fuzz_queue: reached: %llu inputs, %llu ops, %llu popped, "
	       "%llu pushed, %llu impossible indices counted, %llu signals\n",
	       (unsigned long long)totals.inputs,
	       (unsigned long long)totals.ops,
	       (unsigned long long)totals.popped,
	       (unsigned long long)totals.pushed,
	       (unsigned long long)totals.bad_index,
	       (unsigned long long)totals.signals);
}

#include "tests/fuzz/fuzz_replay.h"
