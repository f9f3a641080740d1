/*
 * Spin model of the sdvf queue signalling protocol (core/queue.h).
 *
 * One producer and one consumer share a queue of CAP slots, the indices
 * tail and head, and the two request flags consumer_signalled and
 * producer_signalled.  Each side sleeps by blocking on a notification line
 * that only the peer raises (an eventfd / seL4 notification: raising it
 * twice before it is taken is the same as raising it once).
 *
 * Every Promela statement is one atomic step, and each shared load or store
 * of the C code is one statement here, so Spin explores every interleaving
 * of them.  This is a sequentially consistent model: the C code earns that
 * for the store->load pairs with its seq_cst fences, and for slot/index
 * publication with release/acquire.
 *
 * The producer sends ITEMS items in batches of 1..CAP (one tail store per
 * batch), the consumer takes them in batches (one head store per batch),
 * and both terminate once all ITEMS have passed.  Properties:
 *   - no invalid end state: neither side is left asleep with nobody to wake
 *     it (deadlock / lost wake-up);
 *   - the lost_wakeup monitor: never is the consumer asleep, with no
 *     notification pending, while work is pending and the producer is done
 *     or asleep itself (and the same for a producer asleep on a full queue);
 *   - the consumer sees items in order, each exactly once (ring contents
 *     are checked), so a producer never overwrites an unconsumed slot;
 *   - LTL all_consumed: every run eventually consumes all ITEMS.
 *
 * Deliberately broken variants, selected with -D, must be rejected (see
 * run.sh):
 *   BROKEN_CONSUMER_NO_RECHECK  consumer sleeps right after clearing its flag
 *   BROKEN_PRODUCER_NO_RECHECK  producer sleeps on full without re-checking
 *   BROKEN_CONSUMER_FLAG_LATE   consumer checks, then clears its flag, then
 *                               sleeps (request after re-check: wrong order)
 *   BROKEN_PRODUCER_OVERRUN     producer ignores head when counting room
 *                               (shows the in-order check can fail)
 * NO_MONITOR leaves out the lost_wakeup monitor, so a run shows what the
 * end-state check alone catches; LIVENESS adds the LTL property.
 */

#ifndef CAP
#define CAP 2
#endif
#ifndef ITEMS
#define ITEMS 4
#endif

byte tail = 0; /* written by the producer only */
byte head = 0; /* written by the consumer only */
bit consumer_signalled = 1;
bit producer_signalled = 1;
byte ring[CAP];

bit wake_consumer = 0; /* notification line producer -> consumer */
bit wake_producer = 0; /* notification line consumer -> producer */

/* For the monitor and the LTL property only; no protocol step reads them. */
bit consumer_asleep = 0;
bit producer_asleep = 0;
bit producer_done = 0;
byte consumed = 0;

/* Producer's sdvf_queue_producer_should_signal after a publish: the load and
 * the store of the flag are separate steps, as in the C code. */
inline producer_signal_consumer()
{
	if
	:: consumer_signalled == 0 ->
		consumer_signalled = 1;
		wake_consumer = 1
	:: else -> skip
	fi
}

/* Consumer's sdvf_queue_consumer_should_signal after a release. */
inline consumer_signal_producer()
{
	if
	:: producer_signalled == 0 ->
		producer_signalled = 1;
		wake_producer = 1
	:: else -> skip
	fi
}

active proctype producer()
{
	byte sent = 0;   /* items written to the ring so far */
	byte seen_head;  /* the one load of head per batch */
	byte own = 0;    /* private shadow of tail */
	byte room;
	byte batch;

	do
	:: sent == ITEMS -> break
	:: else ->
		seen_head = head;
#ifdef BROKEN_PRODUCER_OVERRUN
		room = CAP;
#else
		room = CAP - (own - seen_head);
#endif
		if
		:: room > 0 ->
			/* Push a batch of 1..room (bounded by what is left),
			 * then publish tail once. */
			batch = 1;
			do
			:: batch < room && sent + batch < ITEMS -> batch++
			:: break
			od;
			do
			:: batch > 0 ->
				ring[own % CAP] = sent;
				own++;
				sent++;
				batch--
			:: else -> break
			od;
			tail = own;
			producer_signal_consumer()
		:: else ->
			/* Full: request a signal, re-check, sleep only if
			 * still full (sdvf_queue_producer_request_signal). */
			producer_signalled = 0;
#ifdef BROKEN_PRODUCER_NO_RECHECK
			seen_head = own - CAP;
#else
			seen_head = head;
#endif
			if
			:: own - seen_head < CAP -> producer_signalled = 1
			:: else ->
				producer_asleep = 1;
				wake_producer == 1;
				atomic { wake_producer = 0; producer_asleep = 0 }
			fi
		fi
	od;
	producer_done = 1
}

active proctype consumer()
{
	byte own = 0;   /* private shadow of head */
	byte seen_tail;
	byte want;

	do
	:: consumed == ITEMS -> break
	:: else ->
		seen_tail = tail;
		if
		:: seen_tail != own ->
			/* Pop a batch of 1..available, checking each item,
			 * then release head once. */
			want = 1;
			do
			:: want < seen_tail - own -> want++
			:: break
			od;
			do
			:: want > 0 ->
				assert(ring[own % CAP] == consumed);
				own++;
				consumed++;
				want--
			:: else -> break
			od;
			head = own;
			consumer_signal_producer()
		:: else ->
			/* Empty: request a signal, re-check, sleep only if
			 * still empty (sdvf_queue_consumer_request_signal). */
#ifdef BROKEN_CONSUMER_FLAG_LATE
			seen_tail = tail;
			consumer_signalled = 0;
#else
			consumer_signalled = 0;
#ifdef BROKEN_CONSUMER_NO_RECHECK
			seen_tail = own;
#else
			seen_tail = tail;
#endif
#endif
			if
			:: seen_tail != own -> consumer_signalled = 1
			:: else ->
				consumer_asleep = 1;
				wake_consumer == 1;
				atomic { wake_consumer = 0; consumer_asleep = 0 }
			fi
		fi
	od
}

#ifndef NO_MONITOR
/* Lost wake-up: a side is asleep with no notification pending although the
 * other side has made work for it and will not make any more progress. */
active proctype lost_wakeup()
{
end_watch:
	if
	:: atomic { consumer_asleep && !wake_consumer && tail != head &&
		(producer_done || (producer_asleep && !wake_producer)) ->
		assert(false) }
	:: atomic { producer_asleep && !wake_producer && tail - head < CAP &&
		consumer_asleep && !wake_consumer ->
		assert(false) }
	fi
}
#endif

#ifdef LIVENESS
ltl all_consumed { <> (consumed == ITEMS) }
#endif
