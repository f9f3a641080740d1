/*
 * The two-process floors' ring (tests/bench/echo_peer.c tap-reflect-split,
 * tests/bench/cap_floor.c): one SPSC ring of whole frames in shared memory
 * per direction, with an eventfd written only to a consumer that said it
 * would sleep.  No sdvf code: the floors measure what any design with a
 * process on each side pays, not ours.
 *
 * Owner of each field: head the producer (release: the slot is filled),
 * tail the consumer (release: the slot is free again), sleeping the
 * consumer sets before it may block in read(wake) and whichever side
 * writes the eventfd clears.  Consumer: store sleeping = 1, then load
 * head; producer: store head, then exchange sleeping with 0 (seq_cst both:
 * one of them sees the other).
 *
 * Not a component: a test tool, plain C with libc.
 */
#ifndef SDVF_BENCH_SPLIT_RING_H
#define SDVF_BENCH_SPLIT_RING_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define SPLIT_SLOTS 256 /* a power of two */
#define SPLIT_FRAME 2048

struct split_ring {
	_Atomic uint32_t head, tail, sleeping;
	int wake; /* the consumer's eventfd */
	uint16_t len[SPLIT_SLOTS];
	uint8_t frame[SPLIT_SLOTS][SPLIT_FRAME];
};

static inline uint32_t ring_ready(struct split_ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_acquire) -
	       atomic_load_explicit(&r->tail, memory_order_relaxed);
}

/* Slots the producer may fill now. */
static inline uint32_t ring_room(struct split_ring *r)
{
	return SPLIT_SLOTS -
	       (atomic_load_explicit(&r->head, memory_order_relaxed) -
		atomic_load_explicit(&r->tail, memory_order_acquire));
}

static inline void ring_kick(struct split_ring *r)
{
	static const uint64_t one = 1;
	if (atomic_exchange(&r->sleeping, 0))
		(void)!write(r->wake, &one, sizeof(one));
}

/* Block until r holds a frame or, when fd >= 0, fd is readable. */
static inline int ring_wait(struct split_ring *r, int fd)
{
	atomic_store(&r->sleeping, 1);
	if (ring_ready(r) == 0) {
		struct pollfd p[2] = {{.fd = r->wake, .events = POLLIN},
				      {.fd = fd, .events = POLLIN}};
		if (poll(p, fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			return -1;
		uint64_t v;
		if (p[0].revents & POLLIN)
			(void)!read(r->wake, &v, sizeof(v));
	}
	atomic_store(&r->sleeping, 0);
	return 0;
}

/* The reflecting process of a floor: every frame from `in`, passed to
 * `turn` (which rewrites it in place), copied into `out`; a full `out`
 * drops the frame and counts it in *drops (when drops is not NULL). */
static inline _Noreturn void
split_reflect(struct split_ring *in, struct split_ring *out,
	      void (*turn)(uint8_t *frame, uint16_t len),
	      _Atomic uint64_t *drops)
{
	for (;;) {
		uint32_t n = ring_ready(in);
		if (n == 0) {
			if (ring_wait(in, -1) != 0) {
				perror("poll");
				_exit(1);
			}
			continue;
		}
		uint32_t t =
			atomic_load_explicit(&in->tail, memory_order_relaxed);
		uint32_t h =
			atomic_load_explicit(&out->head, memory_order_relaxed);
		uint32_t room = ring_room(out);
		for (uint32_t i = 0; i < n; i++, t++) {
			uint32_t from = t % SPLIT_SLOTS, to = h % SPLIT_SLOTS;
			if (room == 0) /* full as last seen: look again */
				room = ring_room(out);
			if (room == 0) {
				if (drops)
					atomic_fetch_add_explicit(
						drops, 1, memory_order_relaxed);
				continue;
			}
			turn(in->frame[from], in->len[from]);
			memcpy(out->frame[to], in->frame[from], in->len[from]);
			out->len[to] = in->len[from];
			h++, room--;
		}
		atomic_store_explicit(&in->tail, t, memory_order_release);
		atomic_store(&out->head, h);
		ring_kick(out);
	}
}

/* Start split_reflect(in, out, turn, drops) in a child process that dies
 * with this one; its pid, or -1 if fork failed. */
static inline pid_t
split_start_reflector(struct split_ring *in, struct split_ring *out,
		      void (*turn)(uint8_t *frame, uint16_t len),
		      _Atomic uint64_t *drops)
{
	pid_t parent = getpid(), child = fork();
	if (child != 0)
		return child;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(1);
	split_reflect(in, out, turn, drops);
}

#endif
