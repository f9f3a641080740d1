/*
 * queue_sink: the receiving end of queue_source.  It takes each buffer from
 * `active`, checks its pattern and sequence order (clients/queue_pattern.h),
 * counts it good or bad, and returns it on `free`.
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
 * Counters (sdvf_counter, `sdvf stats`): buffers_good, buffers_bad.  They
 * count this incarnation's stream (zeroed at init: a restarted sink starts
 * a new sequence), and the reports above read them.
 */
#include "clients/queue_pattern.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"

#define SINK_BATCH 64
#define SINK_PROGRESS_EVERY (1u << 20)
#define SINK_IDLE_NS 200000000ull
#define SINK_MIN_LEN 14

struct queue_sink {
	struct sdvf_queue active; /* we consume */
	struct sdvf_queue free;	  /* we produce */
	const volatile uint8_t *data;
	uint32_t buffers;
	sdvf_channel_t peer;
	_Atomic uint64_t *good;
	_Atomic uint64_t *bad;
	uint64_t expected_seq;
	uint64_t total_reported; /* good + bad in the last totals line */
	uint64_t total_at_tick;	 /* good + bad at the last timer tick */
	bool timer_armed;
};

static const struct sdvf_need queue_sink_needs[] = {
	{.name = "data", .kind = SDVF_NEED_REGION, .rights = SDVF_R},
	{.name = "active", .kind = SDVF_NEED_REGION, .rights = SDVF_RW},
	{.name = "free", .kind = SDVF_NEED_REGION, .rights = SDVF_RW},
	{.name = "peer", .kind = SDVF_NEED_CHANNEL},
	{0},
};

static const struct sdvf_param queue_sink_params[] = {
	{.name = "buffers",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .max = 65536,
	 .required = true,
	 .power_of_two = true,
	 .help = "buffers in the data region (2 KiB each)"},
	{.name = "capacity",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .max = 1u << 20,
	 .required = true,
	 .power_of_two = true,
	 .help = "slots of the active and free queues"},
	{0},
};

static uint64_t sink_total(const struct queue_sink *s)
{
	return sdvf_counter_get(s->good) + sdvf_counter_get(s->bad);
}

static void sink_count_bad(struct queue_sink *s, struct sdvf_pd *pd,
			   const struct sdvf_desc *d, const char *why)
{
	sdvf_counter_add(s->bad, 1);
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
	if (d->len < SINK_MIN_LEN || d->len > SDVF_BUF_SIZE) {
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
		sdvf_counter_add(s->good, 1);
	}
	s->expected_seq = seq + 1; /* resynchronise after a gap */
	if (sink_total(s) % SINK_PROGRESS_EVERY == 0)
		sdvf_log(pd, SDVF_LOG_INFO,
			 "verified %llu good, %llu bad so far",
			 (unsigned long long)sdvf_counter_get(s->good),
			 (unsigned long long)sdvf_counter_get(s->bad));
	return true;
}

/* Move up to one batch from `active` to `free`; false if there was nothing
 * to move or no room to move it. */
static bool sink_move_batch(struct queue_sink *s, struct sdvf_pd *pd,
			    uint32_t room)
{
	struct sdvf_desc descs[SINK_BATCH];
	uint32_t n = sdvf_queue_pop_burst(
		&s->active, descs, room < SINK_BATCH ? room : SINK_BATCH);
	for (uint32_t i = 0; i < n; i++) {
		if (sink_check(s, pd, &descs[i]))
			sdvf_queue_push(&s->free, &descs[i]);
	}
	sdvf_queue_publish(&s->free);
	bool wake = sdvf_queue_producer_should_signal(&s->free);
	wake |= sdvf_queue_consumer_should_signal(&s->active);
	if (wake)
		sdvf_notify(pd, s->peer);
	return n > 0;
}

static void sink_drain(struct queue_sink *s, struct sdvf_pd *pd)
{
	for (;;) {
		uint32_t room = sdvf_queue_free_slots(&s->free);
		if (room == 0) {
			/* The source is slow to take buffers back: sleep until
			 * it frees slots. */
			if (!sdvf_queue_producer_request_signal(&s->free))
				return;
			continue;
		}
		if (!sink_move_batch(s, pd, room) &&
		    !sdvf_queue_consumer_request_signal(&s->active))
			return;
	}
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
	uint64_t good = sdvf_counter_get(s->good);
	uint64_t bad = sdvf_counter_get(s->bad);
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
	s->good = sdvf_counter(pd, "buffers_good");
	s->bad = sdvf_counter(pd, "buffers_bad");
	sdvf_counter_set(s->good, 0);
	sdvf_counter_set(s->bad, 0);
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

const struct sdvf_component queue_sink_component = {
	.name = "queue_sink",
	.summary = "verifies the numbered buffers of a queue_source",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct queue_sink),
	.needs = queue_sink_needs,
	.params = queue_sink_params,
	.init = queue_sink_init,
	.notified = queue_sink_notified,
};
