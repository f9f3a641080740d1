/*
 * queue_source and queue_sink (clients/) in the sim: the stream arrives
 * complete and in order and every buffer comes back, whether or not the
 * queues fill up on the way; forged returns are counted under their
 * reason; and every counter a component documents is one it publishes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"

/* No header: components are reached through the generated registry. */
extern const struct sdvf_component queue_source_component;
extern const struct sdvf_component queue_sink_component;

static const struct sdvf_component *const table[] = {
	&queue_source_component, &queue_sink_component, NULL};

/* source -> sink over one queue pair; %u: buffers, capacity, count,
 * batch, buffers, capacity. */
#define PINGPONG_DTS                                                           \
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"               \
	"source { component = \"queue_source\";\n"                             \
	"  maps { data = \"data\", \"rw\"; active = \"active\", \"rw\"; "      \
	"free = \"free\", \"rw\"; };\n"                                        \
	"  channels { peer = \"pipe\"; };\n"                                   \
	"  config { buffers = <%u>; capacity = <%u>; count = <%u>; "           \
	"batch = <%u>; }; };\n"                                                \
	"sink { component = \"queue_sink\";\n"                                 \
	"  maps { data = \"data\", \"r\"; active = \"active\", \"rw\"; "       \
	"free = \"free\", \"rw\"; };\n"                                        \
	"  channels { peer = \"pipe\"; };\n"                                   \
	"  config { buffers = <%u>; capacity = <%u>; }; };\n"                  \
	"};\nregions {\n"                                                      \
	"data { size = <0x10000>; }; active { size = <0x1000>; }; "            \
	"free { size = <0x1000>; };\n"                                         \
	"};\nchannels { pipe { ends = \"source\", \"sink\"; }; };\n};\n"

static struct sdvf_system sys;
static struct sdvf_sim *sim;

static void boot(unsigned buffers, unsigned capacity, unsigned count,
		 unsigned batch)
{
	char dts[4096];
	snprintf(dts, sizeof(dts), PINGPONG_DTS, buffers, capacity, count,
		 batch, buffers, capacity);
	memset(&sys, 0, sizeof(sys));
	assert_int_equal(sdvf_system_load_dts(&sys, "test_queue_clients", dts,
					      table, stderr),
			 0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	sdvf_sim_run(sim, 1000000);
}

static int shutdown(void **unused)
{
	(void)unused;
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

/* A counter as `sdvf stats` shows it; one the PD does not publish fails. */
static uint64_t counter(const char *pd, const char *name)
{
	bool found = false;
	uint64_t value = sdvf_sim_counter(sim, pd, name, &found);
	assert_true(found);
	return value;
}

/* Every violation counter of both sides, by name: none counted. */
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
}

static void assert_stream_complete(uint64_t count)
{
	assert_int_equal(counter("sink", "buffers_good"), count);
	assert_int_equal(counter("sink", "buffers_bad"), 0);
	assert_int_equal(counter("source", "sent"), count);
	assert_int_equal(counter("source", "returned"), count);
	assert_int_equal(counter("source", "held_by_sink"), 0);
	assert_no_violations();
}

static void stream_arrives_complete_and_every_buffer_returns(void **unused)
{
	(void)unused;
	boot(16, 16, 1000, 4);
	assert_stream_complete(1000);
}

static void stream_goes_on_when_both_queues_fill(void **unused)
{
	(void)unused;
	/* 16 buffers over 4-slot queues: the source finds `active` full
	 * and the sink finds `free` full, each sleeps until the other
	 * frees slots. */
	boot(16, 4, 1000, 4);
	assert_stream_complete(1000);
}

static void stream_of_batch_one_completes(void **unused)
{
	(void)unused;
	boot(4, 4, 257, 1);
	assert_stream_complete(257);
}

/* Publish a forged descriptor on `free` and wake the source. */
static void forge_return(uint64_t offset)
{
	struct sdvf_queue_shared *q = sdvf_sim_region(sim, "free", NULL);
	uint32_t tail = q->tail;
	q->ring[tail % 4u] = (struct sdvf_desc){offset, 60, 0, 0};
	q->tail = tail + 1;
	sdvf_sim_inject(sim, "source", "peer");
	sdvf_sim_run(sim, 1000);
}

static void source_counts_forged_returns_by_reason(void **unused)
{
	(void)unused;
	boot(4, 4, 8, 4);
	assert_stream_complete(8);
	forge_return(0);	  /* ours already: a duplicate */
	forge_return(100);	  /* not on a buffer boundary */
	forge_return(4u * 2048u); /* past the 4 buffers */
	assert_int_equal(counter("source", "bad_return.not_owner"), 1);
	assert_int_equal(counter("source", "bad_return.misaligned"), 1);
	assert_int_equal(counter("source", "bad_return.out_of_range"), 1);
	assert_int_equal(counter("source", "returned"), 8);
}

static void assert_documented_counters_published(const char *pd,
						 const struct sdvf_component *c)
{
	assert_non_null(c->counters);
	int n = 0;
	for (const struct sdvf_counter_doc *d = c->counters; d->name; d++) {
		assert_non_null(d->meaning);
		assert_true(strlen(d->meaning) > 0);
		size_t len = strlen(d->name);
		/* A family ("bad_return.*"): its members are named in
		 * assert_no_violations. */
		if (len < 2 || strcmp(d->name + len - 2, ".*") != 0)
			counter(pd, d->name);
		n++;
	}
	assert_true(n > 0);
}

static void every_documented_counter_is_published(void **unused)
{
	(void)unused;
	boot(4, 4, 8, 4);
	assert_documented_counters_published("source", &queue_source_component);
	assert_documented_counters_published("sink", &queue_sink_component);
	assert_no_violations();
}

/* An impossible index is the queue's violation (active.bad_index), not a
 * refused return: no bad_return counter stands for it and stays 0. */
static void source_has_no_bad_return_for_indices(void **unused)
{
	(void)unused;
	bool found = true;
	boot(4, 4, 8, 4);
	sdvf_sim_counter(sim, "source", "bad_return.bad_index", &found);
	assert_false(found);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, shutdown)
		T(stream_arrives_complete_and_every_buffer_returns),
		T(stream_goes_on_when_both_queues_fill),
		T(stream_of_batch_one_completes),
		T(source_counts_forged_returns_by_reason),
		T(every_documented_counter_is_published),
		T(source_has_no_bad_return_for_indices),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
