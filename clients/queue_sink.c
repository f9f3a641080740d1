/*
 * queue_sink: the receiving end of queue_source.  It takes each buffer from
 * `active`, checks its pattern and sequence order (clients/queue_pattern.h),
 * counts it good or bad, and returns it on `free`, in the activation shape
 * of core/pd_queue.h: one publish and at most one notification on `peer`
 * per activation.
 *
 * It maps `data` read-only and trusts nothing in a descriptor: the offset
 * must name a buffer of the region and the length must be 14..2048 before a
 * byte is read.  A descriptor that names no buffer is counted bad and not
 * returned.
 *
 * Reports: one line every SINK_PROGRESS_EVERY buffers, one per bad buffer
 * (rate-limited by the runtime), and the totals once the stream has been
 * idle for SINK_IDLE_NS: "verified N good, M bad".
 *
 * Restart: a stream starts at sequence 0, at start and again after a
 * restart of either side.  A restarted sink starts from zero (state and
 * counters); when the source dies (core/pd.h peer_restart), the sink resets
 * both queues, so the new source finds a fresh pair, and expects sequence 0
 * next, while its counters go on.  It holds no buffer between activations
 * (each goes back on `free` in the activation that took it), so it has
 * nothing to give back.
 */
#include "clients/queue_pattern.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"

#define SINK_MAX_BUFFERS 65536
#define SINK_PROGRESS_EVERY (1u << 20)
#define SINK_IDLE_NS 200000000ull

/*
 * Counters (`sdvf stats`), X(name, meaning): the registration and the
 * descriptor's list both come from here.  They count this incarnation's
 * stream (zeroed at init: a restarted sink starts a new sequence), and the
 * reports above read them.
 */
#define SINK_COUNTERS(X)                                                       \
	X(buffers_good, "buffers in sequence with their pattern intact")       \
	X(buffers_bad, "buffers out of order, altered, mis-sized or not ours")

struct queue_sink {
	struct sdvf_queue active; /* we consume */
	struct sdvf_queue free;	  /* we produce */
	const volatile uint8_t *data;
	uint32_t buffers;
	sdvf_channel_t peer;
#define SINK_COUNTER_FIELD(name, meaning) _Atomic uint64_t *name;
	SINK_COUNTERS(SINK_COUNTER_FIELD)
#undef SINK_COUNTER_FIELD
	uint64_t expected_seq;
	uint64_t total_reported; /* good + bad in the last totals line */
	uint64_t total_at_tick;	 /* good + bad at the last timer tick */
	bool timer_armed;
};

static uint64_t sink_total(const struct queue_sink *s)
{
	return sdvf_counter_get(s->buffers_good) +
	       sdvf_counter_get(s->buffers_bad);
}

static void sink_count_bad(struct queue_sink *s, struct sdvf_pd *pd,
			   const struct sdvf_desc *d, const char *why)
{
	sdvf_counter_add(s->buffers_bad, 1);
	sdvf_log(pd, SDVF_LOG_WARN, "bad buffer (offset %llu, len %u): %s",
		 (unsigned long long)d->io_or_offset, d->len, why);
}

/* Check one descriptor (a private copy) and its buffer.  Returns false if
 * it names no buffer of ours, so it must not go back on `free`. */
static bool sink_check(struct queue_sink *s, struct sdvf_pd *pd,
		       const struct sdvf_desc *d)
{
	if (d->io_or_offset % SDVF_BUF_SIZE != 0 ||
	    d->io_or_offset >= (uint64_t)s->buffers * SDVF_BUF_SIZE) {
		sink_count_bad(s, pd, d, "not a buffer of the data region");
		return false;
	}
	if (d->len < QUEUE_STREAM_MIN_LEN || d->len > SDVF_BUF_SIZE) {
		sink_count_bad(s, pd, d, "length outside 14..2048");
		return true;
	}
	const volatile uint8_t *buf = s->data + d->io_or_offset;
	uint64_t seq = queue_pattern_seq(buf);
	if (seq != s->expected_seq) {
		sink_count_bad(s, pd, d, "out of sequence");
	} else if (!queue_pattern_body_ok(buf, d->len, seq)) {
		sink_count_bad(s, pd, d, "pattern mismatch");
	} else {
		sdvf_counter_add(s->buffers_good, 1);
	}
	s->expected_seq = seq + 1; /* resynchronise after a gap */
	if (sink_total(s) % SINK_PROGRESS_EVERY == 0)
		sdvf_log(pd, SDVF_LOG_INFO,
			 "verified %llu good, %llu bad so far",
			 (unsigned long long)sdvf_counter_get(s->buffers_good),
			 (unsigned long long)sdvf_counter_get(s->buffers_bad));
	return true;
}

/* Why draining stopped: each reason has its own wake-up to ask for. */
enum sink_stop { SINK_ACTIVE_EMPTY, SINK_FREE_FULL };

/* Check buffers from `active` and give them back on `free` while it has
 * room: a buffer popped with no room would have nowhere to go. */
static enum sink_stop sink_return_buffers(struct queue_sink *s,
					  struct sdvf_pd *pd)
{
	struct sdvf_desc d;
	while (!sdvf_queue_full(&s->free)) {
		if (!sdvf_queue_pop(&s->active, &d))
			return SINK_ACTIVE_EMPTY;
		if (sink_check(s, pd, &d))
			sdvf_queue_push(&s->free, &d);
	}
	return SINK_FREE_FULL;
}

/* Ask to be woken for the reason draining stopped, then re-check: true if
 * draining can go on now. */
static bool sink_recheck(struct queue_sink *s, enum sink_stop why)
{
	if (why == SINK_FREE_FULL) /* the source is slow to take them back */
		return sdvf_queue_producer_request_signal(&s->free);
	return sdvf_queue_consumer_request_signal(&s->active);
}

/* Publish both queues, and wake the source once if it asked. */
static void sink_finish(struct queue_sink *s, struct sdvf_pd *pd)
{
	bool wake = sdvf_queue_producer_finish(&s->free);
	wake |= sdvf_queue_consumer_finish(&s->active);
	if (wake)
		sdvf_notify(pd, s->peer);
}

static void sink_drain(struct queue_sink *s, struct sdvf_pd *pd)
{
	enum sink_stop why;
	do {
		why = sink_return_buffers(s, pd);
	} while (sink_recheck(s, why));
	sink_finish(s, pd);
}

/* Arm the idle timer after progress, so the totals are logged once the
 * stream pauses or ends. */
static void sink_watch_idle(struct queue_sink *s, struct sdvf_pd *pd)
{
	if (s->timer_armed || sink_total(s) == s->total_reported)
		return;
	s->timer_armed = true;
	sdvf_timer_set(pd, sdvf_now_ns(pd) + SINK_IDLE_NS);
}

static void sink_timer(struct queue_sink *s, struct sdvf_pd *pd)
{
	uint64_t good = sdvf_counter_get(s->buffers_good);
	uint64_t bad = sdvf_counter_get(s->buffers_bad);
	uint64_t total = good + bad;
	s->timer_armed = false;
	if (total == s->total_at_tick && total != s->total_reported) {
		sdvf_log(pd, SDVF_LOG_INFO, "verified %llu good, %llu bad",
			 (unsigned long long)good, (unsigned long long)bad);
		s->total_reported = total;
	}
	s->total_at_tick = total;
	sink_watch_idle(s, pd);
}

static int queue_sink_init(void *state, struct sdvf_pd *pd)
{
	struct queue_sink *s = state;
#define SINK_COUNTER_REGISTER(name, meaning)                                   \
	s->name = sdvf_counter(pd, #name);                                     \
	sdvf_counter_set(s->name, 0);
	SINK_COUNTERS(SINK_COUNTER_REGISTER)
#undef SINK_COUNTER_REGISTER
	s->buffers = (uint32_t)sdvf_config_u64(pd, "buffers");
	uint32_t capacity = (uint32_t)sdvf_config_u64(pd, "capacity");
	s->peer = sdvf_channel(pd, "peer");
	const struct sdvf_region *data = sdvf_region(pd, "data");
	if (!data || data->size < (uint64_t)s->buffers * SDVF_BUF_SIZE) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "region 'data' must hold %u buffers of %u bytes",
			 s->buffers, SDVF_BUF_SIZE);
		return -1;
	}
	s->data = data->base;
	if (!sdvf_queue_attach_region(pd, &s->active, "active", capacity) ||
	    !sdvf_queue_attach_region(pd, &s->free, "free", capacity))
		return -1;
	sink_drain(s, pd);
	sink_watch_idle(s, pd);
	return 0;
}

static void queue_sink_notified(void *state, struct sdvf_pd *pd,
				sdvf_channel_t ch)
{
	struct queue_sink *s = state;
	if (ch == SDVF_CHANNEL_TIMER) {
		sink_timer(s, pd);
		return;
	}
	if (ch == s->peer) {
		sink_drain(s, pd);
		sink_watch_idle(s, pd);
	}
}

/* The source died and is not running; its new instance starts after this
 * and sends a new stream from sequence 0 into a fresh pair. */
static void queue_sink_peer_restart(void *state, struct sdvf_pd *pd,
				    sdvf_channel_t ch)
{
	struct queue_sink *s = state;
	if (ch != s->peer)
		return;
	sdvf_queue_reset(&s->active);
	sdvf_queue_reset(&s->free);
	s->expected_seq = 0;
	sdvf_log(pd, SDVF_LOG_INFO,
		 "source restarted after %llu good, %llu bad: stream starts "
		 "again",
		 (unsigned long long)sdvf_counter_get(s->buffers_good),
		 (unsigned long long)sdvf_counter_get(s->buffers_bad));
}

/* ---- what it declares ------------------------------------------------ */

static const struct sdvf_need queue_sink_needs[] = {
	SDVF_NEED_REGION_RO("data"),
	SDVF_NEED_QUEUE("active"),
	SDVF_NEED_QUEUE("free"),
	SDVF_NEED_CHAN("peer"),
	{0},
};

/* `buffers` has a queue capacity's shape: a power of two, required. */
static const struct sdvf_param queue_sink_params[] = {
	SDVF_PARAM_CAPACITY("buffers", SINK_MAX_BUFFERS,
			    "buffers in the data region (2 KiB each)"),
	SDVF_PARAM_CAPACITY("capacity", 1u << 20,
			    "slots of the active and free queues"),
	{0},
};

static const struct sdvf_counter_doc queue_sink_counters[] = {
#define SINK_COUNTER_DOC(name, meaning) {#name, meaning},
	SINK_COUNTERS(SINK_COUNTER_DOC)
#undef SINK_COUNTER_DOC
		SDVF_QUEUE_COUNTER_DOC("active"),
	SDVF_QUEUE_COUNTER_DOC("free"),
	/* end of the list */
	{0},
};

const struct sdvf_component queue_sink_component = {
	.name = "queue_sink",
	.summary = "verifies the numbered buffers of a queue_source",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct queue_sink),
	.needs = queue_sink_needs,
	.params = queue_sink_params,
	.counters = queue_sink_counters,
	.init = queue_sink_init,
	.notified = queue_sink_notified,
	.peer_restart = queue_sink_peer_restart,
};
