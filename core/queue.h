/*
 * sdvf transport: one single-producer/single-consumer descriptor queue.
 *
 * A queue lives in a shared region and is reached through a private handle.
 * Two queues make a queue pair: the *active* queue carries buffers that hold
 * data, the *free* queue carries empty buffers back.  A buffer always goes
 * back through the pair it came from.
 *
 * Shared layout (struct sdvf_queue_shared), per field.  Where a field is
 * declared, a tag says who writes it, followed by its ordering rule:
 * (P) the producer only, (C) the consumer only, (P/C) both, as the
 * signalling handshake below says.
 *   tail                written by the producer only (release, after the
 *                       slots it publishes); read by the consumer (acquire).
 *   head                written by the consumer only (release, after it has
 *                       copied the slots out); read by the producer (acquire).
 *   consumer_signalled  0 = "consumer asks for a notification"; set to 0 by
 *                       the consumer before it sleeps, set back to 1 by
 *                       whoever cancels the request (the producer when it
 *                       notifies, the consumer when its re-check finds work
 *                       or when it withdraws the request: a consumer may
 *                       choose not to be woken, e.g. net_client for TX
 *                       completions while it has idle buffers).
 *   producer_signalled  the same handshake for a producer blocked on a full
 *                       queue; set to 0 by the producer, to 1 by the
 *                       consumer when it notifies.
 *   ring[]              slot i % capacity; written by the producer before it
 *                       publishes tail, read by the consumer after it loads
 *                       tail and before it publishes head.
 * A zeroed region is an empty queue at index 0 whose flags both ask for a
 * notification, so neither side has to reset it at system start.
 *
 * Restart.  When the PD at one end dies, the one at the other end (the
 * survivor) puts the header back to that zeroed state with sdvf_queue_reset
 * while the dead side is not running, before its new instance starts; the
 * new instance attaches at index 0 without resetting, as at system start.
 * Nothing in flight survives: what the ring held is forgotten, and the owner
 * of the buffers takes back every buffer the dead side held through its
 * ownership map (core/ownership.h).  The PD API side of this is
 * peer_restart (core/pd.h).
 *
 * Indices are free-running u32 values.  The capacity is a power of two and is
 * held only in the private handle: a value in shared memory is never trusted
 * for it.  Each side keeps a private shadow of its own index and never reads
 * it back from shared memory; the peer's index is read at most once per batch
 * and rejected unless 0 <= tail - head <= capacity (u32 arithmetic).  So a
 * hostile peer can only make the queue look empty or full to us, never make
 * us read or write outside the ring.
 *
 * The request-signal-then-recheck steps are store->load orderings and need a
 * seq_cst fence on both sides (Dekker): either the producer sees the request,
 * or the consumer's re-check sees the new tail.  tests/model/ checks this
 * protocol with Spin.
 *
 * Portable: freestanding C11, no OS calls.
 */
#ifndef SDVF_QUEUE_H
#define SDVF_QUEUE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SDVF_CACHELINE 64

/* A descriptor: names one buffer by io address (driver side) or region
 * offset (client side).  16 bytes, copied by value through the ring. */
struct sdvf_desc {
	uint64_t io_or_offset;
	uint16_t len;
	uint16_t flags; /* owner / flags; meaning agreed per queue pair */
	uint32_t reserved;
};
_Static_assert(sizeof(struct sdvf_desc) == 16, "descriptor is 16 bytes");

/*
 * Each group of fields written by one side has a line to itself, and an
 * unused line follows it: adjacent-line prefetchers fetch lines in 128-byte
 * pairs, and a producer line paired with a consumer line would bounce
 * between the cores as if the two shared one line.
 */
struct sdvf_queue_shared {
	/* (P) release-stored after the slots it publishes; (C) acquires */
	_Alignas(SDVF_CACHELINE) _Atomic uint32_t tail;
	_Alignas(SDVF_CACHELINE) uint8_t unused_after_tail[SDVF_CACHELINE];
	/* (C) release-stored after the slots are copied out; (P) acquires */
	_Alignas(SDVF_CACHELINE) _Atomic uint32_t head;
	_Alignas(SDVF_CACHELINE) uint8_t unused_after_head[SDVF_CACHELINE];
	/* (P/C) consumer: 0 before its re-check of tail (seq_cst fence
	 * between), 1 if that finds work; producer: 1 when it notifies. */
	_Alignas(SDVF_CACHELINE) _Atomic uint32_t consumer_signalled;
	/* (P/C) producer on a full queue: 0 before its re-check of head
	 * (seq_cst fence between), 1 if it finds room; consumer: 1 when it
	 * notifies. */
	_Atomic uint32_t producer_signalled;
	_Alignas(SDVF_CACHELINE) uint8_t unused_after_signals[SDVF_CACHELINE];
	/* (P) slot i % capacity, written before tail passes i; (C) copied out
	 * after tail is acquired, before head passes i.  Copied in and out
	 * only by sdvf_slot_write / sdvf_slot_read (relaxed atomic words). */
	_Alignas(SDVF_CACHELINE) struct sdvf_desc ring[];
};

/*
 * Slot copies.  The peer may rewrite a slot at any time (a hostile producer
 * a slot it published, a hostile consumer one it released), so a slot is
 * shared memory read and written concurrently: each copy in or out is two
 * relaxed atomic 64-bit accesses.  That is defined behaviour in C11 (a
 * plain copy would be a data race), compiles to the same plain moves on
 * x86-64 and arm64, and lets ThreadSanitizer check every other access.
 * Ordering still comes from tail and head (release/acquire); a slot read
 * half before and half after a rewrite is a torn descriptor, which the
 * trusted side validates like any other.  may_alias: the words are read
 * through a descriptor's storage.
 */
typedef uint64_t sdvf_slot_word_t __attribute__((may_alias));
_Static_assert(sizeof(struct sdvf_desc) == 2 * sizeof(uint64_t) &&
		       _Alignof(struct sdvf_desc) == _Alignof(uint64_t),
	       "a descriptor is two aligned 64-bit words");

static inline void sdvf_slot_read(struct sdvf_desc *out,
				  const struct sdvf_desc *slot)
{
	const sdvf_slot_word_t *src = (const sdvf_slot_word_t *)slot;
	sdvf_slot_word_t *dst = (sdvf_slot_word_t *)out;
	dst[0] = __atomic_load_n(&src[0], __ATOMIC_RELAXED);
	dst[1] = __atomic_load_n(&src[1], __ATOMIC_RELAXED);
}

static inline void sdvf_slot_write(struct sdvf_desc *slot,
				   const struct sdvf_desc *in)
{
	const sdvf_slot_word_t *src = (const sdvf_slot_word_t *)in;
	sdvf_slot_word_t *dst = (sdvf_slot_word_t *)slot;
	__atomic_store_n(&dst[0], src[0], __ATOMIC_RELAXED);
	__atomic_store_n(&dst[1], src[1], __ATOMIC_RELAXED);
}

/* Bytes a queue of `capacity` slots needs in its region. */
#define SDVF_QUEUE_BYTES(capacity)                                             \
	(sizeof(struct sdvf_queue_shared) +                                    \
	 (size_t)(capacity) * sizeof(struct sdvf_desc))

/* Private handle.  One side uses it either as producer or as consumer. */
struct sdvf_queue {
	struct sdvf_queue_shared *shared;
	uint32_t capacity; /* power of two, from our own configuration */
	uint32_t mask;
	uint32_t own;	    /* shadow of our own index (tail or head) */
	uint32_t peer;	    /* last validated value of the peer's index */
	uint32_t published; /* value of `own` last stored to shared memory */
	/* Value of `own` at the last end of activation (core/pd_queue.h): the
	 * slots after it are news the peer may need to be woken for. */
	uint32_t announced;
	uint32_t bad_index; /* peer index reads rejected as impossible */
	/* NULL, or a published counter (core/pd_queue.h) that counts the
	 * same rejections where `sdvf stats` shows them.  Touched only on the
	 * rejection path. */
	_Atomic uint64_t *bad_index_counter;
};

/*
 * Attach a handle to a queue in a region of `region_bytes` bytes.  Both
 * sides start from index `initial` (0 at system start; tests use values near
 * 2^32 to exercise wrap).  Exactly one side, the trusted one, passes
 * reset = true to write the shared header; the other only attaches.
 * Returns false if capacity is not a power of two or does not fit.
 */
static inline bool sdvf_queue_attach(struct sdvf_queue *q, void *region,
				     size_t region_bytes, uint32_t capacity,
				     bool reset, uint32_t initial)
{
	if (capacity == 0 || (capacity & (capacity - 1)) != 0)
		return false;
	if (region_bytes < SDVF_QUEUE_BYTES(capacity))
		return false;
	q->shared = (struct sdvf_queue_shared *)region;
	q->capacity = capacity;
	q->mask = capacity - 1;
	q->own = initial;
	q->peer = initial;
	q->published = initial;
	q->announced = initial;
	q->bad_index = 0;
	q->bad_index_counter = NULL;
	if (reset) {
		atomic_store_explicit(&q->shared->tail, initial,
				      memory_order_relaxed);
		atomic_store_explicit(&q->shared->head, initial,
				      memory_order_relaxed);
		atomic_store_explicit(&q->shared->consumer_signalled, 1,
				      memory_order_relaxed);
		atomic_store_explicit(&q->shared->producer_signalled, 1,
				      memory_order_relaxed);
		atomic_thread_fence(memory_order_release);
	}
	return true;
}

/*
 * The peer restarts: put the shared header back to the state of a zeroed
 * region (indices 0, both flags asking for a notification) and this handle
 * to index 0, as if both sides had just attached.  Only while the peer is
 * not running (its old instance is dead, its new one not started), so no
 * store races with the peer: the release fence publishes them and the
 * runtime's hand-over to the new instance (a process start, or the sim's
 * scheduler) orders them before its first load.  The ring's slots are left
 * as they are: nothing reads a slot the producer has not published since.
 * bad_index and its counter are kept: they count what the peer did, not
 * where the queue stands.
 */
static inline void sdvf_queue_reset(struct sdvf_queue *q)
{
	atomic_store_explicit(&q->shared->tail, 0, memory_order_relaxed);
	atomic_store_explicit(&q->shared->head, 0, memory_order_relaxed);
	atomic_store_explicit(&q->shared->consumer_signalled, 0,
			      memory_order_relaxed);
	atomic_store_explicit(&q->shared->producer_signalled, 0,
			      memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	q->own = 0;
	q->peer = 0;
	q->published = 0;
	q->announced = 0;
}

/* A peer index failed the range check: count it, privately and, if the
 * handle has one, in its published counter (single writer: relaxed). */
static inline void sdvf_queue_count_bad_index(struct sdvf_queue *q)
{
	q->bad_index++;
	if (q->bad_index_counter) {
		uint64_t v = atomic_load_explicit(q->bad_index_counter,
						  memory_order_relaxed);
		atomic_store_explicit(q->bad_index_counter, v + 1,
				      memory_order_relaxed);
	}
}

/* Of n slots starting at ring position `start` (< capacity), how many lie
 * before the end of the ring; the rest continue from slot 0. */
static inline uint32_t sdvf_queue_run_before_wrap(const struct sdvf_queue *q,
						  uint32_t start, uint32_t n)
{
	uint32_t to_end = q->capacity - start;
	return n < to_end ? n : to_end;
}

/* ---- producer side ---------------------------------------------------- */

/* Re-read the consumer's head (once per batch).  Rejects a head that is
 * ahead of our tail or more than capacity behind it. */
static inline uint32_t sdvf_queue_free_slots(struct sdvf_queue *q)
{
	uint32_t head =
		atomic_load_explicit(&q->shared->head, memory_order_acquire);
	if ((uint32_t)(q->own - head) > q->capacity) {
		sdvf_queue_count_bad_index(q);
		head = q->peer; /* keep the last sane value: never trust this */
	}
	q->peer = head;
	return q->capacity - (uint32_t)(q->own - q->peer);
}

/* Slots known free without touching shared memory. */
static inline uint32_t sdvf_queue_free_cached(const struct sdvf_queue *q)
{
	return q->capacity - (uint32_t)(q->own - q->peer);
}

/* No slot free, even after re-reading the consumer's head: a push would
 * fail (request a signal with sdvf_queue_producer_request_signal). */
static inline bool sdvf_queue_full(struct sdvf_queue *q)
{
	return sdvf_queue_free_cached(q) == 0 && sdvf_queue_free_slots(q) == 0;
}

/* Write one slot; not visible to the consumer until sdvf_queue_publish. */
static inline bool sdvf_queue_push(struct sdvf_queue *q,
				   const struct sdvf_desc *d)
{
	if (sdvf_queue_full(q))
		return false;
	sdvf_slot_write(&q->shared->ring[q->own & q->mask], d);
	q->own++;
	return true;
}

/* Publish every slot pushed since the last publish (once per batch). */
static inline void sdvf_queue_publish(struct sdvf_queue *q)
{
	if (q->published == q->own)
		return;
	/* Release: the slots are written before the consumer can see tail. */
	atomic_store_explicit(&q->shared->tail, q->own, memory_order_release);
	q->published = q->own;
}

/* Push up to n descriptors and publish them; returns how many went in. */
static inline uint32_t sdvf_queue_push_burst(struct sdvf_queue *q,
					     const struct sdvf_desc *d,
					     uint32_t n)
{
	uint32_t room = sdvf_queue_free_cached(q);
	if (room < n)
		room = sdvf_queue_free_slots(q);
	if (n > room)
		n = room;
	struct sdvf_desc *ring = q->shared->ring;
	uint32_t start = q->own & q->mask;
	uint32_t before_wrap = sdvf_queue_run_before_wrap(q, start, n);
	struct sdvf_desc *dst = ring + start;
	/* Two contiguous runs (to the end of the ring, then from slot 0)
	 * rather than a mask per slot: no index arithmetic in the copy, which
	 * is most of a burst's cost. */
#pragma GCC unroll 8
	for (uint32_t i = 0; i < before_wrap; i++)
		sdvf_slot_write(&dst[i], &d[i]);
#pragma GCC unroll 8
	for (uint32_t i = before_wrap; i < n; i++)
		sdvf_slot_write(&ring[i - before_wrap], &d[i]);
	q->own += n;
	sdvf_queue_publish(q);
	return n;
}

/* ---- consumer side ---------------------------------------------------- */

/* Re-read the producer's tail (once per batch).  Rejects a tail that is
 * behind our head or more than capacity ahead of it. */
static inline uint32_t sdvf_queue_available(struct sdvf_queue *q)
{
	uint32_t tail =
		atomic_load_explicit(&q->shared->tail, memory_order_acquire);
	if ((uint32_t)(tail - q->own) > q->capacity) {
		sdvf_queue_count_bad_index(q);
		tail = q->peer;
	}
	q->peer = tail;
	return (uint32_t)(q->peer - q->own);
}

static inline uint32_t sdvf_queue_available_cached(const struct sdvf_queue *q)
{
	return (uint32_t)(q->peer - q->own);
}

/* Copy one slot out to private memory.  The copy is what the caller
 * validates: the producer may rewrite the slot at any time. */
static inline bool sdvf_queue_pop(struct sdvf_queue *q, struct sdvf_desc *out)
{
	if (sdvf_queue_available_cached(q) == 0 && sdvf_queue_available(q) == 0)
		return false;
	sdvf_slot_read(out, &q->shared->ring[q->own & q->mask]);
	q->own++;
	return true;
}

/* Hand the popped slots back to the producer (once per batch). */
static inline void sdvf_queue_release(struct sdvf_queue *q)
{
	if (q->published == q->own)
		return;
	/* Release: our reads of the slots happen before the producer may
	 * overwrite them. */
	atomic_store_explicit(&q->shared->head, q->own, memory_order_release);
	q->published = q->own;
}

static inline uint32_t sdvf_queue_pop_burst(struct sdvf_queue *q,
					    struct sdvf_desc *out, uint32_t n)
{
	uint32_t avail = sdvf_queue_available_cached(q);
	if (avail < n)
		avail = sdvf_queue_available(q);
	if (n > avail)
		n = avail;
	const struct sdvf_desc *ring = q->shared->ring;
	uint32_t start = q->own & q->mask;
	uint32_t before_wrap = sdvf_queue_run_before_wrap(q, start, n);
	const struct sdvf_desc *src = ring + start;
#pragma GCC unroll 8
	for (uint32_t i = 0; i < before_wrap; i++)
		sdvf_slot_read(&out[i], &src[i]);
#pragma GCC unroll 8
	for (uint32_t i = before_wrap; i < n; i++)
		sdvf_slot_read(&out[i], &ring[i - before_wrap]);
	q->own += n;
	sdvf_queue_release(q);
	return n;
}

/* ---- signalling ------------------------------------------------------- */

/*
 * Consumer, after draining: ask to be woken, then re-check.  Returns true if
 * work arrived meanwhile (the request is cancelled and the caller drains
 * again); false means it is safe to sleep: the producer will notify.
 */
static inline bool sdvf_queue_consumer_request_signal(struct sdvf_queue *q)
{
	atomic_store_explicit(&q->shared->consumer_signalled, 0,
			      memory_order_relaxed);
	/* store(flag) -> load(tail) must not reorder: seq_cst fence. */
	atomic_thread_fence(memory_order_seq_cst);
	if (sdvf_queue_available(q) == 0)
		return false;
	atomic_store_explicit(&q->shared->consumer_signalled, 1,
			      memory_order_relaxed);
	return true;
}

/* Consumer that does not want to be woken for this queue now (it will
 * look at it anyway, or has no use for what comes): withdraw a pending
 * request.  Racing the producer's notify is harmless: at worst one wake-up
 * the consumer did not need.  A consumer that later needs the signal asks
 * again with sdvf_queue_consumer_request_signal and its re-check. */
static inline void sdvf_queue_consumer_cancel_signal(struct sdvf_queue *q)
{
	atomic_store_explicit(&q->shared->consumer_signalled, 1,
			      memory_order_relaxed);
}

/* Producer, after publishing a batch: true if the consumer asked for a
 * notification (the request is consumed; notify exactly once). */
static inline bool sdvf_queue_producer_should_signal(struct sdvf_queue *q)
{
	/* store(tail) -> load(flag) must not reorder: seq_cst fence. */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&q->shared->consumer_signalled,
				 memory_order_relaxed) != 0)
		return false;
	atomic_store_explicit(&q->shared->consumer_signalled, 1,
			      memory_order_relaxed);
	return true;
}

/* Producer, on a full queue: ask to be woken when the consumer frees slots.
 * Returns true if slots freed meanwhile (keep going), false to sleep. */
static inline bool sdvf_queue_producer_request_signal(struct sdvf_queue *q)
{
	atomic_store_explicit(&q->shared->producer_signalled, 0,
			      memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	if (sdvf_queue_free_slots(q) == 0)
		return false;
	atomic_store_explicit(&q->shared->producer_signalled, 1,
			      memory_order_relaxed);
	return true;
}

/* Consumer, after releasing a batch: true if a blocked producer asked for a
 * notification. */
static inline bool sdvf_queue_consumer_should_signal(struct sdvf_queue *q)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&q->shared->producer_signalled,
				 memory_order_relaxed) != 0)
		return false;
	atomic_store_explicit(&q->shared->producer_signalled, 1,
			      memory_order_relaxed);
	return true;
}

#endif
