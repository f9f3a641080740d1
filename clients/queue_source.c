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
 * forged return is counted and ignored, never reused.
 */
#include "clients/queue_pattern.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"

#define SOURCE_MAX_BUFFERS 65536
#define OWNER_SINK 1

/*
 * Counters (`sdvf stats`), X(name, meaning): the registration and the
 * descriptor's list both come from here.  They count this incarnation's
 * stream: zeroed at init, so a restarted source starts over, and `sent`
 * decides when `count` is reached.  Beside them, bad_return.<reason>: one
 * per core/ownership.h reason (SDVF_VIOLATIONS).
 */
#define SOURCE_COUNTERS(X)                                                     \
	X(sent, "buffers pushed on `active`; the stream ends at `count`")      \
	X(returned, "buffers back on `free` that passed the ownership check")
#define SOURCE_BAD_RETURN(reason) "bad_return." #reason

struct queue_source {
	struct sdvf_queue active; /* we produce */
	struct sdvf_queue free;	  /* we consume */
	uint8_t *data;
	sdvf_channel_t peer;
	uint32_t buffers;
	uint32_t batch;
	uint16_t len;
	uint64_t count; /* 0 = forever */
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
			for (int i = 0; i < SDVF_VIOL_COUNT; i++)
				sdvf_counter_add(s->bad_return[i],
						 why.by_reason[i]);
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
		queue_pattern_fill(s->data + offset, s->len,
				   sdvf_counter_get(s->sent));
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
	for (int i = 0; i < SDVF_VIOL_COUNT; i++)
		bad += sdvf_counter_get(s->bad_return[i]);
	sdvf_log(pd, SDVF_LOG_INFO,
		 "sent %llu buffers, all returned, %llu bad returns",
		 (unsigned long long)sdvf_counter_get(s->sent),
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
}

static void source_counters_register(struct queue_source *s, struct sdvf_pd *pd)
{
#define SOURCE_COUNTER_REGISTER(name, meaning)                                 \
	s->name = sdvf_counter(pd, #name);                                     \
	sdvf_counter_set(s->name, 0);
	SOURCE_COUNTERS(SOURCE_COUNTER_REGISTER)
#undef SOURCE_COUNTER_REGISTER
#define SOURCE_BAD_RETURN_REGISTER(id, reason, meaning)                        \
	s->bad_return[SDVF_VIOL_##id] =                                        \
		sdvf_counter(pd, SOURCE_BAD_RETURN(reason));                   \
	sdvf_counter_set(s->bad_return[SDVF_VIOL_##id], 0);
	SDVF_VIOLATIONS(SOURCE_BAD_RETURN_REGISTER)
#undef SOURCE_BAD_RETURN_REGISTER
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
	/* Buffer 0 on top: a new stream sends buffers in order. */
	s->nidle = 0;
	for (uint32_t i = 0; i < s->buffers; i++)
		s->idle[s->nidle++] = s->buffers - 1 - i;
	source_pump(s, pd);
	return 0;
}

static void queue_source_notified(void *state, struct sdvf_pd *pd,
				  sdvf_channel_t ch)
{
	struct queue_source *s = state;
	if (ch == s->peer)
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
	{0},
};

static const struct sdvf_counter_doc queue_source_counters[] = {
#define SOURCE_COUNTER_DOC(name, meaning) {#name, meaning},
	SOURCE_COUNTERS(SOURCE_COUNTER_DOC)
#undef SOURCE_COUNTER_DOC
#define SOURCE_BAD_RETURN_DOC(id, reason, meaning)                             \
	{SOURCE_BAD_RETURN(reason), "a return refused: " meaning},
	/* bad_return.<reason>, one per core/ownership.h reason */
	SDVF_VIOLATIONS(SOURCE_BAD_RETURN_DOC)
#undef SOURCE_BAD_RETURN_DOC
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
};
