/*
 * sdvf-hostile's queue peers that lie about their indices (test code; it
 * may use libc):
 *
 *   tail_liar     client; stores `rounds` impossible tails (more than
 *                 capacity ahead of head) into queue `q`, one per round, and
 *                 signals `reader` after each; the next round starts when
 *                 the reader signals back
 *   queue_reader  client; attaches `q` by name (so it publishes
 *                 q.bad_index, core/pd_queue.h), reads its tail once per
 *                 signal on `writer` and signals back: each round is
 *                 exactly one rejected read
 *   stale_sink    client; a queue_sink (clients/queue_sink.c) on its first
 *                 start; restarted, it takes no part in the restart
 *                 protocol and comes back attached at a wrong index (it
 *                 publishes head and tail STALE_INDEX on the pair), so
 *                 the stream cannot resume
 *   slow_survivor client; its peer_restart takes delay_ms to return, longer
 *                 than the monitor waits for it
 */
#include <string.h>

#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"
#include "tests/isolation/hostile.h"

/* ---- tail_liar and queue_reader ------------------------------------------ */

struct tail_liar {
	struct sdvf_queue_shared *q;
	sdvf_channel_t reader;
	uint64_t capacity, rounds, done;
};

static const struct sdvf_need tail_liar_needs[] = {
	SDVF_NEED_QUEUE("q"),
	SDVF_NEED_CHAN("reader"),
	{0},
};

static const struct sdvf_param queue_test_params[] = {
	SDVF_PARAM_CAPACITY("capacity", 1u << 16, "slots of q"),
	SDVF_PARAM_U64_DEFAULT("rounds", 1, 1000000, 391,
			       "impossible tails to write, one per round"),
	{0},
};

/* One more impossible tail (each a different one), and a signal. */
static void tail_liar_round(struct tail_liar *t, struct sdvf_pd *pd)
{
	if (t->done == t->rounds) {
		sdvf_log(pd, SDVF_LOG_INFO, "wrote %llu impossible tails",
			 (unsigned long long)t->done);
		t->done++; /* said once */
		return;
	}
	if (t->done > t->rounds)
		return;
	uint32_t head = atomic_load_explicit(&t->q->head, memory_order_relaxed);
	atomic_store_explicit(&t->q->tail,
			      head + (uint32_t)t->capacity + 1u +
				      (uint32_t)t->done,
			      memory_order_release);
	t->done++;
	sdvf_notify(pd, t->reader);
}

static int tail_liar_init(void *state, struct sdvf_pd *pd)
{
	struct tail_liar *t = state;
	t->q = sdvf_region(pd, "q")->base;
	t->reader = sdvf_channel(pd, "reader");
	t->capacity = sdvf_config_u64(pd, "capacity");
	t->rounds = sdvf_config_u64(pd, "rounds");
	tail_liar_round(t, pd);
	return 0;
}

static void tail_liar_notified(void *state, struct sdvf_pd *pd,
			       sdvf_channel_t ch)
{
	struct tail_liar *t = state;
	if (ch == t->reader)
		tail_liar_round(t, pd);
}

static const struct sdvf_component tail_liar = {
	.name = "tail_liar",
	.summary = "test: writes impossible tails into a queue, round by round",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct tail_liar),
	.needs = tail_liar_needs,
	.params = queue_test_params,
	.init = tail_liar_init,
	.notified = tail_liar_notified,
};

struct queue_reader {
	struct sdvf_queue q;
	sdvf_channel_t writer;
};

static const struct sdvf_need queue_reader_needs[] = {
	SDVF_NEED_QUEUE("q"),
	SDVF_NEED_CHAN("writer"),
	{0},
};

static int queue_reader_init(void *state, struct sdvf_pd *pd)
{
	struct queue_reader *r = state;
	r->writer = sdvf_channel(pd, "writer");
	return sdvf_queue_attach_region(pd, &r->q, "q",
					sdvf_config_u64(pd, "capacity"))
		       ? 0
		       : -1;
}

static void queue_reader_notified(void *state, struct sdvf_pd *pd,
				  sdvf_channel_t ch)
{
	struct queue_reader *r = state;
	if (ch != r->writer)
		return;
	uint32_t available = sdvf_queue_available(&r->q);
	if (available != 0)
		sdvf_log(pd, SDVF_LOG_ERROR, "took an impossible tail: %u",
			 available);
	sdvf_notify(pd, r->writer);
}

static const struct sdvf_component queue_reader = {
	.name = "queue_reader",
	.summary = "test: reads a queue's tail once per signal",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct queue_reader),
	.needs = queue_reader_needs,
	.params = queue_test_params,
	.init = queue_reader_init,
	.notified = queue_reader_notified,
};

/* ---- stale_sink ------------------------------------------------------------
 */

#define STALE_INDEX 0x40000000u
#define STALE_SINK_STATE 4096 /* room for a queue_sink's state */

/* No header: components are reached through the registry. */
extern const struct sdvf_component queue_sink_component;

struct stale_sink {
	_Alignas(64) unsigned char sink[STALE_SINK_STATE];
	bool restarted;
};

/* A queue_sink's needs and params, which its init and notified read. */
static const struct sdvf_need stale_sink_needs[] = {
	SDVF_NEED_REGION_RO("data"),
	SDVF_NEED_QUEUE("active"),
	SDVF_NEED_QUEUE("free"),
	SDVF_NEED_CHAN("peer"),
	{0},
};

static const struct sdvf_param stale_sink_params[] = {
	SDVF_PARAM_CAPACITY("buffers", 65536, "as queue_sink"),
	SDVF_PARAM_CAPACITY("capacity", 1u << 20, "as queue_sink"),
	{0},
};

static void publish_stale_index(struct sdvf_pd *pd, const char *queue,
				bool as_consumer)
{
	struct sdvf_queue_shared *q = sdvf_region(pd, queue)->base;
	if (as_consumer)
		atomic_store_explicit(&q->head, STALE_INDEX,
				      memory_order_release);
	else
		atomic_store_explicit(&q->tail, STALE_INDEX,
				      memory_order_release);
}

static int stale_sink_init(void *state, struct sdvf_pd *pd)
{
	struct stale_sink *s = state;
	_Atomic uint64_t *starts = sdvf_counter(pd, "stale_starts");
	sdvf_counter_add(starts, 1);
	if (queue_sink_component.state_size > sizeof(s->sink))
		return -1;
	if (sdvf_counter_get(starts) == 1)
		return queue_sink_component.init(s->sink, pd);
	s->restarted = true;
	publish_stale_index(pd, "active", true);
	publish_stale_index(pd, "free", false);
	sdvf_notify(pd, sdvf_channel(pd, "peer"));
	sdvf_log(pd, SDVF_LOG_INFO, "restarted: attached at index %#x",
		 STALE_INDEX);
	return 0;
}

static void stale_sink_notified(void *state, struct sdvf_pd *pd,
				sdvf_channel_t ch)
{
	struct stale_sink *s = state;
	if (!s->restarted)
		queue_sink_component.notified(s->sink, pd, ch);
}

static const struct sdvf_component stale_sink = {
	.name = "stale_sink",
	.summary = "test: a queue_sink that comes back at a wrong index",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct stale_sink),
	.needs = stale_sink_needs,
	.params = stale_sink_params,
	.init = stale_sink_init,
	.notified = stale_sink_notified,
};

/* ---- slow_survivor -------------------------------------------------------
 */

static const struct sdvf_need slow_survivor_needs[] = {
	SDVF_NEED_CHAN("peer"),
	{0},
};

static const struct sdvf_param slow_survivor_params[] = {
	SDVF_PARAM_U64_DEFAULT("delay_ms", 0, 60000, 3000,
			       "how long peer_restart takes"),
	{0},
};

static bool never(void *arg)
{
	(void)arg;
	return false;
}

static void slow_survivor_peer_restart(void *state, struct sdvf_pd *pd,
				       sdvf_channel_t ch)
{
	(void)state;
	uint64_t delay_ms = sdvf_config_u64(pd, "delay_ms");
	sdvf_log(pd, SDVF_LOG_INFO, "peer_restart(%u): taking %llu ms", ch,
		 (unsigned long long)delay_ms);
	sdvf_wait(pd, never, NULL, delay_ms * 1000000ull);
	sdvf_log(pd, SDVF_LOG_INFO, "peer_restart(%u): done", ch);
}

static int slow_survivor_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	(void)pd;
	return 0;
}

static void slow_survivor_notified(void *state, struct sdvf_pd *pd,
				   sdvf_channel_t ch)
{
	(void)state;
	(void)pd;
	(void)ch;
}

static const struct sdvf_component slow_survivor = {
	.name = "slow_survivor",
	.summary = "test: its peer_restart takes longer than the monitor waits",
	.role = SDVF_ROLE_CLIENT,
	.state_size = 8,
	.needs = slow_survivor_needs,
	.params = slow_survivor_params,
	.init = slow_survivor_init,
	.notified = slow_survivor_notified,
	.peer_restart = slow_survivor_peer_restart,
};

const struct sdvf_component *const hostile_queue_components[] = {
	&tail_liar, &queue_reader, &stale_sink, &slow_survivor, NULL,
};
