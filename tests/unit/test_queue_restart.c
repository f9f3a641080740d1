/*
 * The restart protocol of a queue pair, with queue_source and queue_sink
 * (clients/) in the sim: either side restarted mid-stream, also mid-batch
 * (the dead side had pushed slots without publishing them, or published
 * slots its peer had not consumed), and the stream resumes; every buffer is
 * held by exactly one party before and after (the source's accounting
 * against what is in the queues); no buffer is counted bad.  A stream that
 * can no longer move is reported as a failure, once; one that ended is
 * not.  Impossible indices are counted where `sdvf stats` shows them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/ownership.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"

/* No header: components are reached through the generated registry. */
extern const struct sdvf_component queue_source_component;
extern const struct sdvf_component queue_sink_component;

/* A sink that never takes anything: the source can only stall. */
static const struct sdvf_need deaf_sink_needs[] = {
	SDVF_NEED_REGION_RO("data"),
	SDVF_NEED_QUEUE("active"),
	SDVF_NEED_QUEUE("free"),
	SDVF_NEED_CHAN("peer"),
	{0},
};

static int deaf_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	(void)pd;
	return 0;
}

static void deaf_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	(void)state;
	(void)pd;
	(void)ch;
}

static const struct sdvf_param no_params[] = {{0}};

static const struct sdvf_component deaf_sink = {
	.name = "deaf_sink",
	.role = SDVF_ROLE_CLIENT,
	.state_size = 8,
	.needs = deaf_sink_needs,
	.params = no_params,
	.init = deaf_init,
	.notified = deaf_notified,
};

static const struct sdvf_component *const table[] = {
	&queue_source_component, &queue_sink_component, &deaf_sink, NULL};

/* source -> sink over one queue pair; both restartable.  %u: buffers,
 * capacity, count, batch, stall_ms; %s: the sink's component; %u:
 * buffers, capacity (ignored by the deaf sink's table: none). */
#define PAIR_DTS                                                               \
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"               \
	"source { component = \"queue_source\"; restartable;\n"                \
	"  maps { data = \"data\", \"rw\"; active = \"active\", \"rw\"; "      \
	"free = \"free\", \"rw\"; };\n"                                        \
	"  channels { peer = \"pipe\"; };\n"                                   \
	"  config { buffers = <%u>; capacity = <%u>; count = <%u>; "           \
	"batch = <%u>; stall_ms = <%u>; }; };\n"                               \
	"sink { component = \"%s\"; restartable;\n"                            \
	"  maps { data = \"data\", \"r\"; active = \"active\", \"rw\"; "       \
	"free = \"free\", \"rw\"; };\n"                                        \
	"  channels { peer = \"pipe\"; };\n"                                   \
	"  %s };\n"                                                            \
	"};\nregions {\n"                                                      \
	"data { size = <0x10000>; }; active { size = <0x1000>; }; "            \
	"free { size = <0x1000>; };\n"                                         \
	"};\nchannels { pipe { ends = \"source\", \"sink\"; }; };\n};\n"

#define BUFFERS 16u
#define CAPACITY 8u
#define COUNT 1000u
#define SECOND 1000000000ull

static struct sdvf_system sys;
static struct sdvf_sim *sim;

/* Load and init(), but run nothing yet: the test steps the system. */
static void boot_with(const char *sink, unsigned count, unsigned batch,
		      unsigned stall_ms)
{
	char sink_config[128] = "";
	if (strcmp(sink, "queue_sink") == 0)
		snprintf(sink_config, sizeof(sink_config),
			 "config { buffers = <%u>; capacity = <%u>; };",
			 BUFFERS, CAPACITY);
	char dts[4096];
	snprintf(dts, sizeof(dts), PAIR_DTS, BUFFERS, CAPACITY, count, batch,
		 stall_ms, sink, sink_config);
	memset(&sys, 0, sizeof(sys));
	assert_int_equal(sdvf_system_load_dts(&sys, "test_queue_restart", dts,
					      table, stderr),
			 0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
}

static void boot(void)
{
	boot_with("queue_sink", COUNT, 4, 3000);
}

static int shutdown(void **unused)
{
	(void)unused;
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

static uint64_t counter(const char *pd, const char *name)
{
	bool found = false;
	uint64_t value = sdvf_sim_counter(sim, pd, name, &found);
	assert_true(found);
	return value;
}

static void run_steps(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		assert_true(sdvf_sim_step(sim));
}

static struct sdvf_queue_shared *queue(const char *name)
{
	struct sdvf_queue_shared *q = sdvf_sim_region(sim, name, NULL);
	assert_non_null(q);
	return q;
}

static uint32_t window(const char *name)
{
	struct sdvf_queue_shared *q = queue(name);
	return atomic_load(&q->tail) - atomic_load(&q->head);
}

/* Mark in `seen` every buffer named in the published part of a queue. */
static uint32_t mark_window(const char *name, uint8_t seen[BUFFERS])
{
	struct sdvf_queue_shared *q = queue(name);
	uint32_t head = atomic_load(&q->head), tail = atomic_load(&q->tail);
	assert_true(tail - head <= CAPACITY);
	for (uint32_t i = head; i != tail; i++) {
		uint64_t offset = q->ring[i % CAPACITY].io_or_offset;
		assert_int_equal(offset % SDVF_BUF_SIZE, 0);
		assert_true(offset / SDVF_BUF_SIZE < BUFFERS);
		seen[offset / SDVF_BUF_SIZE]++;
	}
	return tail - head;
}

/*
 * Between steps the sink holds no buffer privately, so the buffers the
 * source's map gives the sink are exactly those in the published parts of
 * both queues, each once; the rest are the source's.  And the source's
 * counters add up.
 */
static void assert_every_buffer_held_once(void)
{
	uint8_t seen[BUFFERS] = {0};
	uint32_t in_queues = mark_window("active", seen);
	in_queues += mark_window("free", seen);
	for (uint32_t i = 0; i < BUFFERS; i++)
		assert_true(seen[i] <= 1);
	uint64_t held = counter("source", "held_by_sink");
	assert_int_equal(in_queues, held);
	assert_int_equal(counter("source", "sent"),
			 counter("source", "returned") +
				 counter("source", "reclaimed") + held);
}

static void assert_no_violations(void)
{
	static const char *const source_counters[] = {
		"bad_return.misaligned", "bad_return.out_of_range",
		"bad_return.bad_length", "bad_return.not_owner",
		"active.bad_index",	 "free.bad_index",
	};
	for (size_t i = 0; i < sizeof(source_counters) / sizeof(char *); i++)
		assert_int_equal(counter("source", source_counters[i]), 0);
	assert_int_equal(counter("sink", "active.bad_index"), 0);
	assert_int_equal(counter("sink", "free.bad_index"), 0);
	assert_int_equal(counter("sink", "buffers_bad"), 0);
}

/* The stream ran to its end: every buffer is back, nothing was bad, and
 * nobody reported a failure. */
static void assert_stream_ended_clean(void)
{
	sdvf_sim_run(sim, 10000000);
	assert_int_equal(counter("source", "sent"), COUNT);
	assert_int_equal(counter("source", "held_by_sink"), 0);
	assert_int_equal(window("active"), 0);
	assert_int_equal(window("free"), 0);
	assert_every_buffer_held_once();
	assert_no_violations();
	assert_int_equal(sdvf_sim_failures(sim, "source"), 0);
}

/* Step until `done` holds between two steps; fails if it never does. */
static void step_until(bool (*done)(void))
{
	for (int i = 0; i < 100000; i++) {
		if (done())
			return;
		assert_true(sdvf_sim_step(sim));
	}
	fail_msg("the state the test waits for never came");
}

/* ---- the sink dies ------------------------------------------------------ */

static void sink_restart_mid_stream_resumes_stream(void **unused)
{
	(void)unused;
	boot();
	run_steps(30);
	assert_every_buffer_held_once();
	uint64_t sent_before = counter("source", "sent");
	uint64_t held = counter("source", "held_by_sink");
	assert_true(sent_before > 0 && sent_before < COUNT && held > 0);
	assert_int_equal(sdvf_sim_restart(sim, "sink"), 0);
	assert_int_equal(counter("source", "reclaimed"), held);
	assert_every_buffer_held_once();
	assert_stream_ended_clean();
	/* The new sink saw exactly the new stream, from sequence 0. */
	assert_int_equal(counter("sink", "buffers_good"), COUNT - sent_before);
	assert_int_equal(counter("source", "returned") + held, COUNT);
}

static bool returns_published_not_taken(void)
{
	return window("free") > 0;
}

/* The sink had published returns on `free` the source had not taken:
 * they are reclaimed with the rest, not counted as returned. */
static void sink_dies_with_returns_published_not_taken(void **unused)
{
	(void)unused;
	boot();
	run_steps(10);
	step_until(returns_published_not_taken);
	uint64_t returned = counter("source", "returned");
	uint64_t held = counter("source", "held_by_sink");
	assert_int_equal(sdvf_sim_restart(sim, "sink"), 0);
	assert_int_equal(counter("source", "returned"), returned);
	assert_int_equal(counter("source", "reclaimed"), held);
	assert_stream_ended_clean();
	assert_int_equal(counter("source", "returned") +
				 counter("source", "reclaimed"),
			 COUNT);
}

static bool active_has_slots(void)
{
	return window("active") > 0;
}

/* The sink had popped slots of `active` and pushed them on `free` but
 * died before publishing either: `free` holds them past its tail, head
 * has not moved.  None of it is read; all of it is reclaimed. */
static void sink_dies_with_returns_pushed_not_published(void **unused)
{
	(void)unused;
	boot();
	run_steps(10);
	step_until(active_has_slots);
	struct sdvf_queue_shared *active = queue("active");
	struct sdvf_queue_shared *free_q = queue("free");
	uint32_t head = atomic_load(&active->head);
	uint32_t tail = atomic_load(&active->tail);
	uint32_t free_tail = atomic_load(&free_q->tail);
	for (uint32_t i = 0; head + i != tail; i++)
		free_q->ring[(free_tail + i) % CAPACITY] =
			active->ring[(head + i) % CAPACITY];
	uint64_t held = counter("source", "held_by_sink");
	assert_int_equal(sdvf_sim_restart(sim, "sink"), 0);
	assert_int_equal(counter("source", "reclaimed"), held);
	assert_stream_ended_clean();
}

/* ---- the source dies ---------------------------------------------------- */

static void source_restart_mid_stream_resumes_stream(void **unused)
{
	(void)unused;
	boot();
	run_steps(30);
	uint64_t good_before = counter("sink", "buffers_good");
	assert_true(good_before > 0 && good_before < COUNT);
	assert_int_equal(sdvf_sim_restart(sim, "source"), 0);
	assert_every_buffer_held_once();
	assert_stream_ended_clean();
	/* The whole new stream, from sequence 0, on top of the old one. */
	assert_int_equal(counter("sink", "buffers_good"), good_before + COUNT);
	assert_int_equal(counter("source", "returned"), COUNT);
	assert_int_equal(counter("source", "reclaimed"), 0);
}

/* The source had published slots the sink had not consumed, and pushed
 * more without publishing them (junk past the tail, as a half-written
 * batch would leave): the sink sees none of it. */
static void source_dies_mid_batch(void **unused)
{
	(void)unused;
	boot();
	run_steps(10);
	step_until(active_has_slots);
	struct sdvf_queue_shared *active = queue("active");
	uint32_t tail = atomic_load(&active->tail);
	for (uint32_t i = 0; i < 3; i++)
		active->ring[(tail + i) % CAPACITY] =
			(struct sdvf_desc){.io_or_offset = 100, .len = 9};
	uint64_t good_before = counter("sink", "buffers_good");
	assert_int_equal(sdvf_sim_restart(sim, "source"), 0);
	assert_int_equal(window("active"), CAPACITY); /* the new stream */
	assert_stream_ended_clean();
	assert_int_equal(counter("sink", "buffers_good"), good_before + COUNT);
}

/* ---- both, in turn, under load ------------------------------------------ */

static void restarts_in_turn_keep_every_buffer_accounted(void **unused)
{
	(void)unused;
	boot();
	for (unsigned round = 0; round < 12; round++) {
		run_steps(3 + (7 * round) % 23);
		assert_every_buffer_held_once();
		const char *dead = round % 2 ? "source" : "sink";
		assert_int_equal(sdvf_sim_restart(sim, dead), 0);
		assert_every_buffer_held_once();
		assert_no_violations();
	}
	assert_stream_ended_clean();
	assert_int_equal(sdvf_sim_peer_restarts(sim, "source"), 6);
	assert_int_equal(sdvf_sim_peer_restarts(sim, "sink"), 6);
}

/* ---- progress ----------------------------------------------------------- */

/* The sink takes nothing: once a whole stall_ms has passed with nothing
 * moving, the source fails, once, and counts it. */
static void stalled_stream_is_reported_once(void **unused)
{
	(void)unused;
	boot_with("deaf_sink", COUNT, 4, 3000);
	sdvf_sim_run(sim, 1000);
	assert_int_equal(counter("source", "held_by_sink"), CAPACITY);
	sdvf_sim_advance(sim, 3 * SECOND); /* moved since init: fine */
	assert_int_equal(sdvf_sim_failures(sim, "source"), 0);
	sdvf_sim_advance(sim, 3 * SECOND);
	assert_int_equal(sdvf_sim_failures(sim, "source"), 1);
	assert_int_equal(counter("source", "stalls"), 1);
	sdvf_sim_advance(sim, 30 * SECOND);
	assert_int_equal(sdvf_sim_failures(sim, "source"), 1);
	assert_int_equal(counter("source", "stalls"), 1);
}

static void stall_ms_zero_reports_nothing(void **unused)
{
	(void)unused;
	boot_with("deaf_sink", COUNT, 4, 0);
	sdvf_sim_advance(sim, 60 * SECOND);
	assert_int_equal(sdvf_sim_failures(sim, "source"), 0);
	assert_int_equal(counter("source", "stalls"), 0);
}

/* A stream that ended has no work left: no report, and no more timer. */
static void ended_stream_is_no_stall(void **unused)
{
	(void)unused;
	boot();
	assert_stream_ended_clean();
	sdvf_sim_advance(sim, 20 * SECOND);
	uint64_t activations = sdvf_sim_activations(sim, "source");
	sdvf_sim_advance(sim, 20 * SECOND);
	assert_int_equal(sdvf_sim_activations(sim, "source"), activations);
	assert_int_equal(sdvf_sim_failures(sim, "source"), 0);
	assert_int_equal(counter("source", "stalls"), 0);
}

/* ---- impossible indices -------------------------------------------------- */

/* One activation with an impossible tail on `free` counts some number of
 * rejected reads; a sane tail counts none; the same again counts the same
 * number again: every rejected read, and nothing else, is counted. */
static void impossible_indices_are_counted_per_queue(void **unused)
{
	(void)unused;
	boot();
	assert_stream_ended_clean();
	struct sdvf_queue_shared *free_q = queue("free");
	uint32_t sane = atomic_load(&free_q->tail);
	atomic_store(&free_q->tail, sane + 1000u);
	sdvf_sim_inject(sim, "source", "peer");
	sdvf_sim_run(sim, 1000);
	uint64_t once = counter("source", "free.bad_index");
	assert_true(once > 0);
	atomic_store(&free_q->tail, sane);
	sdvf_sim_inject(sim, "source", "peer");
	sdvf_sim_run(sim, 1000);
	assert_int_equal(counter("source", "free.bad_index"), once);
	atomic_store(&free_q->tail, sane - 1u);
	sdvf_sim_inject(sim, "source", "peer");
	sdvf_sim_run(sim, 1000);
	assert_int_equal(counter("source", "free.bad_index"), 2 * once);
	assert_int_equal(counter("source", "active.bad_index"), 0);
	assert_int_equal(counter("source", "returned"), COUNT);
	/* The sink's own view of `active`, the same way. */
	struct sdvf_queue_shared *active = queue("active");
	atomic_store(&active->tail, atomic_load(&active->head) + 17u);
	sdvf_sim_inject(sim, "sink", "peer");
	sdvf_sim_run(sim, 1000);
	assert_true(counter("sink", "active.bad_index") > 0);
	assert_int_equal(counter("sink", "buffers_bad"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, shutdown)
		T(sink_restart_mid_stream_resumes_stream),
		T(sink_dies_with_returns_published_not_taken),
		T(sink_dies_with_returns_pushed_not_published),
		T(source_restart_mid_stream_resumes_stream),
		T(source_dies_mid_batch),
		T(restarts_in_turn_keep_every_buffer_accounted),
		T(stalled_stream_is_reported_once),
		T(stall_ms_zero_reports_nothing),
		T(ended_stream_is_no_stall),
		T(impossible_indices_are_counted_per_queue),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
