/*
 * queue_source: a client that streams numbered buffers to a queue_sink.
 *
 * It owns every buffer of `data` at start.  For each buffer it sends, it
 * writes the sequence-number pattern of clients/queue_pattern.h, pushes it on
 * `active` and takes buffers back from `free`, following the signalling
 * protocol of core/queue.h: one notification on `peer` per batch, and only
 * when the sink asked for it.
 *
 * Trusts nothing from the sink: every returned descriptor is checked against
 * the ownership map (aligned, in range, held by the sink), so a duplicate or
 * forged return is counted and ignored, never reused.
 *
 * Counters (sdvf_counter, `sdvf stats`): sent, returned, and
 * bad_return.<reason> per ownership violation.  They count this
 * incarnation's stream (zeroed at init: a restarted source starts over,
 * and `sent` decides when `count` is reached).
 */
#include "clients/queue_pattern.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"

#define SOURCE_MAX_BUFFERS 65536
#define OWNER_SINK 1

struct queue_source {
	struct sdvf_queue active; /* we produce */
	struct sdvf_queue free;	  /* we consume */
	uint8_t *data;
	sdvf_channel_t peer;
	uint32_t buffers;
	uint32_t batch;
	uint16_t len;
	uint64_t count; /* 0 = forever */
	_Atomic uint64_t *sent;
	_Atomic uint64_t *returned;
	_Atomic uint64_t *bad_return[SDVF_VIOL_COUNT];
	uint32_t next_fresh; /* never sent yet: next_fresh .. buffers-1 */
	bool done_logged;
	struct sdvf_own_map own;
	uint8_t owner[SOURCE_MAX_BUFFERS];
};

static const struct sdvf_need queue_source_needs[] = {
	{.name = "data", .kind = SDVF_NEED_REGION, .rights = SDVF_RW},
	{.name = "active", .kind = SDVF_NEED_REGION, .rights = SDVF_RW},
	{.name = "free", .kind = SDVF_NEED_REGION, .rights = SDVF_RW},
	{.name = "peer", .kind = SDVF_NEED_CHANNEL},
	{0},
};

static const struct sdvf_param queue_source_params[] = {
	{.name = "buffers",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .max = SOURCE_MAX_BUFFERS,
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
	{.name = "count",
	 .type = SDVF_PARAM_U64,
	 .min = 0,
	 .max = UINT64_MAX,
	 .default_u64 = 0,
	 .help = "buffers to send; 0 = forever"},
	{.name = "batch",
	 .type = SDVF_PARAM_U64,
	 .min = 1,
	 .max = 1u << 20,
	 .default_u64 = 32,
	 .help = "buffers per notification, 1..capacity"},
	{.name = "len",
	 .type = SDVF_PARAM_U64,
	 .min = 14,
	 .max = SDVF_BUF_SIZE,
	 .default_u64 = 1514,
	 .help = "bytes written in each buffer"},
	{0},
};

static bool source_finished(const struct queue_source *s)
{
	return s->count != 0 && sdvf_counter_get(s->sent) >= s->count;
}

/* Take one returned buffer off `free`; false when it is empty. */
static bool source_take_return(struct queue_source *s, uint64_t *offset)
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
		*offset = d.io_or_offset;
		return true;
	}
	return false;
}

/* A buffer to fill: a never-used one first, else one the sink gave back. */
static bool source_take_buffer(struct queue_source *s, uint64_t *offset)
{
	if (s->next_fresh < s->buffers) {
		*offset = (uint64_t)s->next_fresh++ * SDVF_BUF_SIZE;
		return true;
	}
	return source_take_return(s, offset);
}

/* Publish both queues' progress and wake the sink once if it asked. */
static void source_publish(struct queue_source *s, struct sdvf_pd *pd)
{
	sdvf_queue_publish(&s->active);
	sdvf_queue_release(&s->free);
	bool wake = sdvf_queue_producer_should_signal(&s->active);
	wake |= sdvf_queue_consumer_should_signal(&s->free);
	if (wake)
		sdvf_notify(pd, s->peer);
}

enum source_block { SOURCE_MORE, SOURCE_NO_BUFFER, SOURCE_ACTIVE_FULL };

/* Fill and push up to one batch; says why it stopped short, if it did. */
static enum source_block source_send_batch(struct queue_source *s,
					   struct sdvf_pd *pd)
{
	enum source_block why = SOURCE_MORE;
	for (uint32_t pushed = 0; pushed < s->batch && !source_finished(s);
	     pushed++) {
		if (sdvf_queue_free_cached(&s->active) == 0 &&
		    sdvf_queue_free_slots(&s->active) == 0) {
			why = SOURCE_ACTIVE_FULL;
			break;
		}
		uint64_t offset;
		if (!source_take_buffer(s, &offset)) {
			why = SOURCE_NO_BUFFER;
			break;
		}
		queue_pattern_fill(s->data + offset, s->len,
				   sdvf_counter_get(s->sent));
		sdvf_own_give(&s->own, offset, SDVF_OWNER_SELF, OWNER_SINK);
		struct sdvf_desc d = {.io_or_offset = offset, .len = s->len};
		sdvf_queue_push(&s->active, &d);
		sdvf_counter_add(s->sent, 1);
	}
	source_publish(s, pd);
	return why;
}

/* After the last send: collect returns until every buffer is back. */
static void source_collect(struct queue_source *s, struct sdvf_pd *pd)
{
	do {
		uint64_t offset;
		while (source_take_return(s, &offset))
			;
		source_publish(s, pd);
	} while (sdvf_queue_consumer_request_signal(&s->free));
	if (!s->done_logged && sdvf_own_held(&s->own, OWNER_SINK) == 0) {
		s->done_logged = true;
		uint64_t bad = 0;
		for (int i = 0; i < SDVF_VIOL_COUNT; i++)
			bad += sdvf_counter_get(s->bad_return[i]);
		sdvf_log(pd, SDVF_LOG_INFO,
			 "sent %llu buffers, all returned, %llu bad returns",
			 (unsigned long long)sdvf_counter_get(s->sent),
			 (unsigned long long)bad);
	}
}

static void source_pump(struct queue_source *s, struct sdvf_pd *pd)
{
	while (!source_finished(s)) {
		enum source_block why = source_send_batch(s, pd);
		if (why == SOURCE_NO_BUFFER &&
		    !sdvf_queue_consumer_request_signal(&s->free))
			return; /* the sink wakes us when it returns some */
		if (why == SOURCE_ACTIVE_FULL &&
		    !sdvf_queue_producer_request_signal(&s->active))
			return; /* the sink wakes us when it frees slots */
	}
	source_collect(s, pd);
}

/* Counter names of the ownership violations (core/ownership.h order). */
static const char *const bad_return_counter[SDVF_VIOL_COUNT] = {
	[SDVF_VIOL_BAD_INDEX] = "bad_return.bad_index",
	[SDVF_VIOL_MISALIGNED] = "bad_return.misaligned",
	[SDVF_VIOL_OUT_OF_RANGE] = "bad_return.out_of_range",
	[SDVF_VIOL_BAD_LENGTH] = "bad_return.bad_length",
	[SDVF_VIOL_NOT_OWNER] = "bad_return.not_owner",
};

static void source_counters_register(struct queue_source *s, struct sdvf_pd *pd)
{
	s->sent = sdvf_counter(pd, "sent");
	s->returned = sdvf_counter(pd, "returned");
	sdvf_counter_set(s->sent, 0);
	sdvf_counter_set(s->returned, 0);
	for (int i = 0; i < SDVF_VIOL_COUNT; i++) {
		s->bad_return[i] = sdvf_counter(pd, bad_return_counter[i]);
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

const struct sdvf_component queue_source_component = {
	.name = "queue_source",
	.summary = "streams numbered buffers through a queue pair",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct queue_source),
	.needs = queue_source_needs,
	.params = queue_source_params,
	.init = queue_source_init,
	.notified = queue_source_notified,
};
