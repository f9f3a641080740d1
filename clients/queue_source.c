/*
 * queue_source: a client that streams numbered buffers to a queue_sink.
 *
 * It owns every buffer of `data` at start.  For each buffer it sends, it
 * writes the sequence-number pattern of clients/queue_pattern.h and pushes
 * it on `active`; the sink gives buffers back on `free`, which it drains
 * into a stack of idle buffers on every pass.  A batch is the
 * unit of notification: each is published at once and signalled on `peer`
 * only if the sink asked (the activation shape of core/pd_queue.h).
 *
 * Trusts nothing from the sink: every returned descriptor is checked against
 * the ownership map (aligned, in range, held by the sink), so a duplicate or
 * forged return is counted and ignored, never reused; an impossible index
 * on either queue is rejected and counted (`active.bad_index`,
 * `free.bad_index`, core/pd_queue.h).
 *
 * Accounting: at the end of every activation, sent = returned + reclaimed +
 * held_by_sink, and every buffer not held by the sink is on the idle stack.
 *
 * Restart (core/pd.h peer_restart): when the sink dies, before its new
 * instance starts, the source resets both queues, takes back every buffer
 * the sink held (counted in `reclaimed`: sent, never confirmed) and starts
 * a new stream at sequence 0, which the new sink expects.  A restarted
 * source starts a new stream from sequence 0 too (its state and counters
 * start from zero); the sink resets the queues for it.
 *
 * Progress: while it has work (buffers to send, or buffers at the sink),
 * a whole `stall_ms` with nothing sent and nothing back is a stall: it is
 * counted (`stalls`) and reported with sdvf_fail, so the run does not pass
 * as a success.
 */
#include "clients/queue_pattern.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"

#define SOURCE_MAX_BUFFERS 65536
#define OWNER_SINK 1
#define MS 1000000ull

/*
 * Counters (`sdvf stats`), X(name, meaning): the registration and the
 * descriptor's list both come from here.  They count this incarnation:
 * zeroed at init, so a restarted source starts over, and `sent` decides
 * when `count` is reached.  Beside them, bad_return.<reason>: one per
 * core/ownership.h reason a returned descriptor can be refused for, and
 * each queue's bad_index (core/pd_queue.h).
 */
#define SOURCE_COUNTERS(X)                                                     \
	X(sent, "buffers pushed on `active`; the stream ends at `count`")      \
	X(returned, "buffers back on `free` that passed the ownership check")  \
	X(reclaimed, "buffers taken back from a dead sink: sent, unconfirmed") \
	X(held_by_sink,                                                        \
	  "buffers at the sink now: sent - returned - reclaimed")              \
	X(stalls, "times nothing moved for stall_ms with work left (failed)")
#define SOURCE_BAD_RETURN_PREFIX "bad_return."

struct queue_source {
	struct sdvf_queue active; /* we produce */
	struct sdvf_queue free;	  /* we consume */
	uint8_t *data;
	sdvf_channel_t peer;
	uint32_t buffers;
	uint32_t batch;
	uint16_t len;
	uint64_t count;	   /* 0 = forever */
	uint64_t next_seq; /* of the next buffer; 0 when a stream starts */
	uint64_t stall_ns; /* 0 = never report a stall */
	uint64_t progress_at_tick; /* source_progress() at the last tick */
	bool stall_reported;	   /* since progress was last seen */
#define SOURCE_COUNTER_FIELD(name, meaning) _Atomic uint64_t *name;
	SOURCE_COUNTERS(SOURCE_COUNTER_FIELD)
#undef SOURCE_COUNTER_FIELD
	_Atomic uint64_t *bad_return[SDVF_VIOL_COUNT];
	uint32_t idle[SOURCE_MAX_BUFFERS]; /* buffers we hold, by index */
	uint32_t nidle;
	bool done_logged;
	struct sdvf_own_map own;
	uint8_t owner[SOURCE_MAX_BUFFERS];
};

static bool source_finished(const struct queue_source *s)
{
	return s->count != 0 && sdvf_counter_get(s->sent) >= s->count;
}

/* Work left: buffers to send, or buffers the sink still has to return. */
static bool source_has_work(const struct queue_source *s)
{
	return !source_finished(s) || sdvf_own_held(&s->own, OWNER_SINK) != 0;
}

/* Put every buffer the ownership map says we hold on the idle stack, the
 * lowest on top: a new stream sends buffers in order. */
static void source_idle_from_map(struct queue_source *s)
{
	s->nidle = 0;
	for (uint32_t i = s->buffers; i-- > 0;) {
		if (s->own.owner[i] == SDVF_OWNER_SELF)
			s->idle[s->nidle++] = i;
	}
}

/* Take every buffer the sink gave back on `free` into the idle stack.
 * Draining `free` on every pass, not only when out of buffers, is what
 * lets a sink that found `free` full go on while we wait for `active`. */
static void source_take_returns(struct queue_source *s)
{
	struct sdvf_desc d;
	while (sdvf_queue_pop(&s->free, &d)) {
		/* A refusal is counted by reason; the buffer stays the
		 * sink's as far as we are concerned. */
		struct sdvf_violations why = {0};
		if (!sdvf_own_take(&s->own, &d, OWNER_SINK, SDVF_OWNER_SELF, 0,
				   SDVF_BUF_SIZE, &why)) {
			for (int i = 0; i < SDVF_VIOL_COUNT; i++) {
				if (why.by_reason[i] && s->bad_return[i])
					sdvf_counter_add(s->bad_return[i],
							 why.by_reason[i]);
			}
			continue;
		}
		sdvf_counter_add(s->returned, 1);
		/* The ownership map took it from the sink, so it cannot be
		 * on the stack twice: the stack never overflows. */
		s->idle[s->nidle++] =
			(uint32_t)(d.io_or_offset / SDVF_BUF_SIZE);
	}
}

/* Why a batch stopped: each reason has its own wake-up to ask for. */
enum source_stop { SOURCE_BATCH_DONE, SOURCE_NO_BUFFER, SOURCE_ACTIVE_FULL };

/* Fill and push up to one batch, or until the stream ends. */
static enum source_stop source_send_batch(struct queue_source *s)
{
	for (uint32_t pushed = 0; pushed < s->batch && !source_finished(s);
	     pushed++) {
		if (sdvf_queue_full(&s->active))
			return SOURCE_ACTIVE_FULL;
		if (s->nidle == 0)
			return SOURCE_NO_BUFFER;
		uint64_t offset = (uint64_t)s->idle[--s->nidle] * SDVF_BUF_SIZE;
		queue_pattern_fill(s->data + offset, s->len, s->next_seq++);
		sdvf_own_give(&s->own, offset, SDVF_OWNER_SELF, OWNER_SINK);
		struct sdvf_desc d = {.io_or_offset = offset, .len = s->len};
		sdvf_queue_push(&s->active, &d);
		sdvf_counter_add(s->sent, 1);
	}
	return SOURCE_BATCH_DONE;
}

/* Ask to be woken for the reason sending stopped, then re-check: true if
 * sending can go on now. */
static bool source_recheck(struct queue_source *s, enum source_stop why)
{
	switch (why) {
	case SOURCE_NO_BUFFER: /* the sink notifies when it returns some */
		return sdvf_queue_consumer_request_signal(&s->free);
	case SOURCE_ACTIVE_FULL: /* the sink notifies when it frees slots */
		return sdvf_queue_producer_request_signal(&s->active);
	default:
		return !source_finished(s);
	}
}

/* Publish both queues, and wake the sink once if it asked. */
static void source_finish(struct queue_source *s, struct sdvf_pd *pd)
{
	bool wake = sdvf_queue_producer_finish(&s->active);
	wake |= sdvf_queue_consumer_finish(&s->free);
	if (wake)
		sdvf_notify(pd, s->peer);
}

static void source_log_done(struct queue_source *s, struct sdvf_pd *pd)
{
	uint64_t bad = 0;
	for (int i = 0; i < SDVF_VIOL_COUNT; i++) {
		if (s->bad_return[i])
			bad += sdvf_counter_get(s->bad_return[i]);
	}
	uint64_t reclaimed = sdvf_counter_get(s->reclaimed);
	if (reclaimed == 0)
		sdvf_log(pd, SDVF_LOG_INFO,
			 "sent %llu buffers, all returned, %llu bad returns",
			 (unsigned long long)sdvf_counter_get(s->sent),
			 (unsigned long long)bad);
	else
		sdvf_log(pd, SDVF_LOG_INFO,
			 "sent %llu buffers: %llu returned, %llu reclaimed "
			 "after a sink restart, %llu bad returns",
			 (unsigned long long)sdvf_counter_get(s->sent),
			 (unsigned long long)sdvf_counter_get(s->returned),
			 (unsigned long long)reclaimed,
			 (unsigned long long)bad);
}

/* After the last send: take returns until every buffer is back. */
static void source_collect(struct queue_source *s, struct sdvf_pd *pd)
{
	do {
		source_take_returns(s);
	} while (sdvf_queue_consumer_request_signal(&s->free));
	source_finish(s, pd);
	if (!s->done_logged && sdvf_own_held(&s->own, OWNER_SINK) == 0) {
		s->done_logged = true;
		source_log_done(s, pd);
	}
}

/* One activation: take returns, then batch after batch, each finished
 * (published, signalled) as it goes, until the stream ends or the
 * re-check says sleep. */
static void source_pump(struct queue_source *s, struct sdvf_pd *pd)
{
	enum source_stop why;
	do {
		source_take_returns(s);
		why = source_send_batch(s);
		source_finish(s, pd);
	} while (source_recheck(s, why));
	if (source_finished(s))
		source_collect(s, pd);
	sdvf_counter_set(s->held_by_sink, sdvf_own_held(&s->own, OWNER_SINK));
}

/* Buffers that moved in this incarnation, either way. */
static uint64_t source_progress(const struct queue_source *s)
{
	return sdvf_counter_get(s->sent) + sdvf_counter_get(s->returned) +
	       sdvf_counter_get(s->reclaimed);
}

/* Every stall_ms while there is work: report a stall if nothing moved
 * since the last tick (once per stall), and say so when it ends. */
static void source_watch_progress(struct queue_source *s, struct sdvf_pd *pd)
{
	uint64_t progress = source_progress(s);
	bool moved = progress != s->progress_at_tick;
	s->progress_at_tick = progress;
	if (moved && s->stall_reported) {
		s->stall_reported = false;
		sdvf_log(pd, SDVF_LOG_INFO, "stream moves again");
	} else if (!moved && source_has_work(s) && !s->stall_reported) {
		s->stall_reported = true;
		sdvf_counter_add(s->stalls, 1);
		sdvf_fail(pd,
			  "stream stalled: nothing sent or returned for "
			  "%llu ms, %u buffers held by the sink, %llu sent",
			  (unsigned long long)(s->stall_ns / MS),
			  sdvf_own_held(&s->own, OWNER_SINK),
			  (unsigned long long)sdvf_counter_get(s->sent));
	}
	if (source_has_work(s))
		sdvf_timer_set(pd, sdvf_now_ns(pd) + s->stall_ns);
}

static void source_counters_register(struct queue_source *s, struct sdvf_pd *pd)
{
#define SOURCE_COUNTER_REGISTER(name, meaning)                                 \
	s->name = sdvf_counter(pd, #name);                                     \
	sdvf_counter_set(s->name, 0);
	SOURCE_COUNTERS(SOURCE_COUNTER_REGISTER)
#undef SOURCE_COUNTER_REGISTER
	/* An impossible index is not a refused descriptor: each queue
	 * counts it (core/pd_queue.h), so it has no bad_return counter. */
	for (int i = 0; i < SDVF_VIOL_COUNT; i++) {
		char name[SDVF_COUNTER_NAME_BYTES];
		s->bad_return[i] = NULL;
		if (i == SDVF_VIOL_BAD_INDEX ||
		    !sdvf_counter_name_join(name, SOURCE_BAD_RETURN_PREFIX,
					    sdvf_violation_name(i)))
			continue;
		s->bad_return[i] = sdvf_counter(pd, name);
		sdvf_counter_set(s->bad_return[i], 0);
	}
}

static int queue_source_init(void *state, struct sdvf_pd *pd)
{
	struct queue_source *s = state;
	source_counters_register(s, pd);
	s->buffers = (uint32_t)sdvf_config_u64(pd, "buffers");
	uint32_t capacity = (uint32_t)sdvf_config_u64(pd, "capacity");
	s->count = sdvf_config_u64(pd, "count");
	s->batch = (uint32_t)sdvf_config_u64(pd, "batch");
	s->len = (uint16_t)sdvf_config_u64(pd, "len");
	s->stall_ns = sdvf_config_u64(pd, "stall_ms") * MS;
	s->peer = sdvf_channel(pd, "peer");
	if (s->batch > capacity) {
		sdvf_log(pd, SDVF_LOG_ERROR, "batch %u exceeds capacity %u",
			 s->batch, capacity);
		return -1;
	}
	const struct sdvf_region *data = sdvf_region(pd, "data");
	if (!data || data->size < (uint64_t)s->buffers * SDVF_BUF_SIZE) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "region 'data' must hold %u buffers of %u bytes",
			 s->buffers, SDVF_BUF_SIZE);
		return -1;
	}
	s->data = data->base;
	/* Zeroed regions are a valid empty queue pair at index 0, so neither
	 * side needs to reset them. */
	if (!sdvf_queue_attach_region(pd, &s->active, "active", capacity) ||
	    !sdvf_queue_attach_region(pd, &s->free, "free", capacity))
		return -1;
	sdvf_own_init(&s->own, s->owner, s->buffers, 0);
	source_idle_from_map(s);
	source_pump(s, pd);
	if (s->stall_ns)
		sdvf_timer_set(pd, sdvf_now_ns(pd) + s->stall_ns);
	return 0;
}

static void queue_source_notified(void *state, struct sdvf_pd *pd,
				  sdvf_channel_t ch)
{
	struct queue_source *s = state;
	if (ch == s->peer)
		source_pump(s, pd);
	else if (ch == SDVF_CHANNEL_TIMER && s->stall_ns)
		source_watch_progress(s, pd);
}

/* The sink died and is not running; its new instance starts after this.
 * Nothing it held will come back: take it all, and start a new stream on
 * a fresh pair (the new sink expects sequence 0). */
static void queue_source_peer_restart(void *state, struct sdvf_pd *pd,
				      sdvf_channel_t ch)
{
	struct queue_source *s = state;
	if (ch != s->peer)
		return;
	sdvf_queue_reset(&s->active);
	sdvf_queue_reset(&s->free);
	uint32_t taken = sdvf_own_reclaim(&s->own, OWNER_SINK, SDVF_OWNER_SELF);
	sdvf_counter_add(s->reclaimed, taken);
	source_idle_from_map(s);
	sdvf_log(pd, SDVF_LOG_INFO,
		 "sink restarted after %llu buffers sent: %u reclaimed, stream "
		 "starts again",
		 (unsigned long long)sdvf_counter_get(s->sent), taken);
	s->next_seq = 0;
	source_pump(s, pd);
}

/* ---- what it declares ------------------------------------------------ */

static const struct sdvf_need queue_source_needs[] = {
	SDVF_NEED_REGION_RW("data"),
	SDVF_NEED_QUEUE("active"),
	SDVF_NEED_QUEUE("free"),
	SDVF_NEED_CHAN("peer"),
	{0},
};

/* `buffers` has a queue capacity's shape: a power of two, required. */
static const struct sdvf_param queue_source_params[] = {
	SDVF_PARAM_CAPACITY("buffers", SOURCE_MAX_BUFFERS,
			    "buffers in the data region (2 KiB each)"),
	SDVF_PARAM_CAPACITY("capacity", 1u << 20,
			    "slots of the active and free queues"),
	SDVF_PARAM_U64_DEFAULT("count", 0, UINT64_MAX, 0,
			       "buffers to send; 0 = forever"),
	SDVF_PARAM_U64_DEFAULT("batch", 1, 1u << 20, 32,
			       "buffers per notification, 1..capacity"),
	SDVF_PARAM_U64_DEFAULT("len", QUEUE_STREAM_MIN_LEN, SDVF_BUF_SIZE, 1514,
			       "bytes written in each buffer"),
	SDVF_PARAM_U64_DEFAULT("stall_ms", 0, 3600000, 3000,
			       "report a stall after this long without "
			       "progress; 0 = never (longer than a restart)"),
	{0},
};

static const struct sdvf_counter_doc queue_source_counters[] = {
#define SOURCE_COUNTER_DOC(name, meaning) {#name, meaning},
	SOURCE_COUNTERS(SOURCE_COUNTER_DOC)
#undef SOURCE_COUNTER_DOC
		{SOURCE_BAD_RETURN_PREFIX "*",
		 "a return refused, one counter per core/ownership.h reason"},
	SDVF_QUEUE_COUNTER_DOC("active"),
	SDVF_QUEUE_COUNTER_DOC("free"),
	/* end of the list */
	{0},
};

const struct sdvf_component queue_source_component = {
	.name = "queue_source",
	.summary = "streams numbered buffers through a queue pair",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct queue_source),
	.needs = queue_source_needs,
	.params = queue_source_params,
	.counters = queue_source_counters,
	.init = queue_source_init,
	.notified = queue_source_notified,
	.peer_restart = queue_source_peer_restart,
};
