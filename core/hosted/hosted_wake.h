/*
 * The hosted runtime's wake path: how a notification on a channel reaches
 * the PD at its other end, and what it costs (docs/runtime-hosted.md,
 * "Wake path"; docs/benchmarks.md, "Round trip, hop by hop").
 *
 * Each channel has, besides its two eventfds (hosted_internal.h), one
 * shared page made by the launcher: a bell per end, the bell that end's
 * PD waits on.  Both PDs of the channel map the page read-write; nobody
 * else does.  To notify, the sender stamps the time and sets `pending` on
 * the peer's bell, then writes the peer's eventfd unless the peer said it
 * is busy-polling its bells.  The receiver takes its bell (clears
 * `pending`) before each activation for the channel, and from the stamp
 * adds the time from notification to activation to its histogram.
 *
 * struct hosted_bell, the fields tagged with their writer:
 *   (S) the sender's runtime      (R) the receiver's runtime
 * Ordering: the sender stores `pending` then loads `polling`, the receiver
 * stores `polling` (0 when it stops polling) then loads `pending`, all
 * seq_cst (Dekker): either the receiver sees the bell or the sender sees
 * that it must write the eventfd.  `pending` also carries the component's
 * queue writes, which it published before notifying (acquire on take).
 *
 * Trust: the peer can write anything into both bells of a shared channel.
 * It can set `pending` without cause (a spurious activation, as a spurious
 * eventfd write would be), leave it unset and write our eventfd directly
 * (we drop that wake-up as stale: only the peer's own signal is lost),
 * stamp any time (a stamp in the future or more than a second old is
 * counted in rt.wake_bad, not in the histogram), or set `polling` on its
 * own bell (our signals then skip its eventfd: only it loses wake-ups).
 *
 * Futex mode (SDVF_WAKE=futex, docs/runtime-hosted.md): a PD that watches
 * no host fd (not a device, not a VMM) and has channels does not use epoll:
 * it sleeps in futex_waitv on the `pending` words of all its bells, the
 * timer a deadline of that wait.  It keeps `polling` at 1 for its whole
 * life (its eventfds are never written), and sets `sleeping` on every one
 * of its bells before it sleeps.  Protocol, all seq_cst:
 *   waiter (R): store sleeping = 1 (each bell); load every pending; if
 *     none is set, futex_waitv(each pending == 0); afterwards store
 *     sleeping = 0 (each bell).
 *   ringer (S, or the launcher): fetch_or pending |= bit; then
 *     exchange(sleeping, 0): if it was 1, FUTEX_WAKE(&pending, 1).
 * No wake-up is lost: if the ringer's exchange reads 0, either the waiter
 * had not stored sleeping = 1 yet, so its later load of pending (after
 * that store in the single order) sees the bit and it does not sleep, or
 * another ringer cleared it and that one wakes the waiter, which re-reads
 * every bell before it sleeps again.  If the exchange reads 1, the wake
 * either finds the waiter in futex_waitv or the kernel's own check of the
 * word (pending != 0) makes futex_waitv return at once.  The exchange
 * makes one FUTEX_WAKE per sleep per channel at most.
 *
 * `pending` carries two bits: HOSTED_BELL_SIGNAL (the peer's notify) and
 * HOSTED_BELL_CONTROL (the launcher sent a request on the PD's control
 * socket, which a futex-waiting PD does not watch; it then reads the
 * socket).  A peer that sets CONTROL costs us a read that finds nothing.
 * The launcher rings CONTROL only once the peer on that channel is dead,
 * and always calls FUTEX_WAKE (a peer may have cleared our `sleeping`
 * before it died, which would otherwise hide its own restart from us).
 * A peer that sets `sleeping` on its own bell makes our ring a FUTEX_WAKE
 * that wakes nobody, instead of an eventfd write: only its wake-ups are
 * lost.  FUTEX_WAKE is therefore allowed in every role's filter.
 *
 * Counters: in the PD's component counter table (core/hosted/counters.h),
 * prefix "rt.", so `sdvf stats --format=kv` shows them; see the names in
 * hosted_wake.c.
 */
#ifndef SDVF_HOSTED_WAKE_H
#define SDVF_HOSTED_WAKE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/hosted/counters.h"
#include "core/sysdesc/system.h"

struct hosted_bell {
	_Atomic uint64_t sent_ns;  /* (S) CLOCK_MONOTONIC of the first signal
				      not yet taken; 0: none.  (R) clears */
	_Atomic uint32_t pending;  /* (S) sets HOSTED_BELL_SIGNAL, the
				      launcher HOSTED_BELL_CONTROL; (R)
				      clears on take.  The futex word. */
	_Atomic uint32_t polling;  /* (R) 1 while it spins on its bells;
				      futex mode: always 1 */
	_Atomic uint32_t sleeping; /* (R) 1 while it may be in futex_waitv;
				      (S, launcher) clear it to wake it */
	uint8_t pad[44];
};

#define HOSTED_BELL_SIGNAL 1u  /* the peer notified */
#define HOSTED_BELL_CONTROL 2u /* the launcher wrote the control socket */

/* One page per channel; end[e] is the bell the PD at end e waits on. */
struct hosted_bell_page {
	struct hosted_bell end[2];
};
#define HOSTED_BELL_PAGE_BYTES 4096u
_Static_assert(sizeof(struct hosted_bell_page) <= HOSTED_BELL_PAGE_BYTES,
	       "a page per channel");

/* Latency histogram: bucket 0 is < 1024 ns; then two per octave from
 * 2^10 ns ([2^k, 1.5 * 2^k) and [1.5 * 2^k, 2^(k+1))) up to 2^25 ns; the
 * last bucket is >= 2^25 ns (33.5 ms).  Counter "rt.wake_ns.LOW" with LOW
 * the bucket's lower bound in ns. */
#define HOSTED_WAKE_OCTAVE_MIN 10
#define HOSTED_WAKE_OCTAVE_MAX 25
#define HOSTED_WAKE_BUCKETS                                                    \
	(2 + 2 * (HOSTED_WAKE_OCTAVE_MAX - HOSTED_WAKE_OCTAVE_MIN))

enum hosted_wake_counter {
	WAKE_EVENTFD_WRITES, /* signals that wrote the peer's eventfd */
	WAKE_SIGNALS_ELIDED, /* signals the polling peer saw in its bell */
	WAKE_EPOLL_WAITS,    /* every epoll_wait call */
	WAKE_WAIT_SLEEPS,    /* epoll_wait that could block: no bell pending */
	WAKE_WAIT_READY,     /* epoll_wait(0): a bell was served before it */
	WAKE_STALE,	     /* eventfd wake-up whose bell was already taken */
	WAKE_BELL_TAKEN,     /* activations from a bell, no eventfd read */
	WAKE_POLL_HITS,	     /* spins that found a bell */
	WAKE_POLL_MISSES,    /* spins that ran out of budget, then slept */
	WAKE_POLL_NS,	     /* time spent spinning */
	WAKE_BAD,	     /* stamps refused (future, or > 1 s old) */
	WAKE_FUTEX_WAKES,    /* signals that woke a futex-sleeping peer */
	WAKE_FUTEX_WAITS,    /* futex_waitv calls (futex mode) */
	WAKE_POLL_REARMS,    /* sleeps short enough to re-arm the spin */
	WAKE_LOCAL_MARKS,    /* signals to a PD of the same process (a
				group's): a mark, no bell, no system call */
	WAKE_TIMER_ARMS,     /* timerfd_settime calls: a deadline earlier
				than the armed one, or the re-arm after
				an early fire (the lazy timer) */
	WAKE_NCOUNTERS,
};

struct hosted_wake {
	struct hosted_bell *mine[SDVF_MAX_PD_CHANS]; /* the peer rings it */
	struct hosted_bell *peer[SDVF_MAX_PD_CHANS]; /* we ring it */
	const int *signal_fd;			     /* the peer's eventfd */
	int nchans;
	uint64_t poll_ns;   /* the most a spin may last; 0: never spin */
	uint64_t budget_ns; /* this spin's bound, adapted; 0: no spin */
	bool futex;	    /* futex mode: sleep in hosted_wake_sleep */
	_Atomic uint64_t *count[WAKE_NCOUNTERS];
	_Atomic uint64_t *bucket[HOSTED_WAKE_BUCKETS];
	_Atomic uint64_t scratch; /* a counter the table refused */
};

/* Register the counters in `t`; the bells are set by the caller. */
void hosted_wake_counters(struct hosted_wake *w, struct sdvf_counter_table *t,
			  struct sdvf_counter_claims *claims);

/* Notify the peer on local channel ch. */
void hosted_wake_ring(struct hosted_wake *w, int ch);

/* Take our bell on ch: the HOSTED_BELL_* bits that were set (0: none).
 * The stamp of a SIGNAL, if any, goes into the histogram. */
uint32_t hosted_wake_take(struct hosted_wake *w, int ch);

/* Bit per local channel whose bell is pending now. */
uint32_t hosted_wake_pending(const struct hosted_wake *w);

/* Spin on our bells for at most the current budget (w->poll_ns > 0 only):
 * true if one became pending.  Adaptive: the budget doubles after a hit
 * (up to poll_ns) and halves after a miss; below poll_ns / 16 it drops to
 * 0 and the PD no longer spins at all, so an idle PD, or one whose peers
 * answer late, costs no CPU.  A sleep a bell ended within poll_ns
 * (hosted_wake_slept) re-arms it at poll_ns / 16: a spin would have
 * caught that bell. */
bool hosted_wake_spin(struct hosted_wake *w);

/* The loop slept slept_ns (epoll or futex) and woke: adapt the budget. */
void hosted_wake_slept(struct hosted_wake *w, uint64_t slept_ns);

/* Futex mode (core/hosted/hosted_futex.c).  Sleep on our bells until one
 * is rung or CLOCK_MONOTONIC reaches deadline_ns (0: none); returns at
 * once if one is pending.  Returns 0, or a negative errno other than
 * EAGAIN, EINTR, ETIMEDOUT. */
int hosted_wake_sleep(struct hosted_wake *w, uint64_t deadline_ns);

/* true if this kernel has futex_waitv (called before the seccomp filter). */
bool hosted_futex_available(void);

/* FUTEX_WAKE one waiter on a shared word. */
void hosted_futex_wake(_Atomic uint32_t *word);

/* The launcher: tell the PD at end `end` of the channel whose bell page is
 * `page` that its control socket has a request (futex mode reads it only
 * then), with an unconditional FUTEX_WAKE.  Harmless for a PD in eventfd
 * mode. */
void hosted_wake_ring_control(struct hosted_bell_page *page, int end);
/* The same through the channel's bell page fd (mapped for the call). */
void hosted_wake_ring_control_fd(int bell_fd, int end);

/* The launcher: $SDVF_WAKE, "futex" or "eventfd" (unset: eventfd) into
 * *futex; -1 (said on log) for anything else. */
int hosted_wake_plan(FILE *log, bool *futex);

static inline void hosted_wake_count(struct hosted_wake *w,
				     enum hosted_wake_counter c, uint64_t n)
{
	atomic_fetch_add_explicit(w->count[c], n, memory_order_relaxed);
}

#endif
