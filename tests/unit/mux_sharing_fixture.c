/*
 * test_mux_sharing's system and test PDs (contract:
 * tests/unit/mux_sharing_fixture.h).  The TX sources and RX sinks play the
 * client side of the muxes on the queues directly, as test-only PDs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/net.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_driver.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"

#include "tests/unit/mux_sharing_fixture.h"

extern const struct sdvf_component tx_mux_component;
extern const struct sdvf_component rx_mux_component;

/* ---- a saturating TX source ------------------------------------------- */

/* Frame sizes by `mix`: 0 sends nothing; 4 is uniform 64..1514. */
static const uint16_t mix_sizes[][5] = {
	{0}, {64, 1514}, {128, 256, 512, 1024}, {1514}, {0}, {1000}, {64},
};
#define MIX_UNIFORM 4u
#define MIX_COUNT (sizeof(mix_sizes) / sizeof(mix_sizes[0]))

static uint16_t next_size(struct share_source *s)
{
	if (s->mix == MIX_UNIFORM) {
		s->rng = s->rng * 1103515245u + 12345u;
		return (uint16_t)(64 + (s->rng >> 8) % (1514 - 64 + 1));
	}
	const uint16_t *sizes = mix_sizes[s->mix];
	unsigned n = 0;
	while (n < 5 && sizes[n])
		n++;
	return sizes[s->queued % n];
}

/* Write the next frame into the buffer at `offset` and queue it. */
static void source_refill(struct share_source *s, uint64_t offset)
{
	if (s->mix == 0 || (s->limit && s->queued >= s->limit))
		return;
	uint16_t len = next_size(s);
	uint8_t *f = s->data + offset;
	static const uint8_t peer[6] = {0x02, 0, 0, 0, 0x5a, 0xff};
	memcpy(f, peer, 6);
	memcpy(f + 6, s->mac, 6);
	f[12] = ETHERTYPE_TEST >> 8;
	f[13] = ETHERTYPE_TEST & 0xff;
	for (int b = 0; b < 8; b++)
		f[14 + b] = (uint8_t)(s->queued >> (56 - 8 * b));
	memset(f + 22, (uint8_t)s->queued, len - 22u);
	struct sdvf_desc d = {.io_or_offset = offset, .len = len};
	assert_true(sdvf_queue_push(&s->active, &d)); /* one slot per buffer */
	s->queued++;
	s->queued_bytes += len;
}

static void source_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct share_source *s = state;
	struct sdvf_desc d;
	(void)ch;
	if (!s->started) {
		s->started = true;
		for (uint32_t b = 0; b < s->nbufs; b++)
			source_refill(s, (uint64_t)b * SDVF_BUF_SIZE);
	}
	do {
		while (sdvf_queue_pop(&s->free, &d)) {
			s->returned++;
			if (d.flags & (SDVF_NET_REJECTED | SDVF_NET_TX_ERROR))
				s->flagged++;
			source_refill(s, d.io_or_offset);
		}
	} while (sdvf_queue_consumer_request_signal(&s->free));
	bool wake = sdvf_queue_producer_finish(&s->active);
	wake |= sdvf_queue_consumer_finish(&s->free);
	if (wake)
		sdvf_notify(pd, s->ch);
}

static int source_init(void *state, struct sdvf_pd *pd)
{
	struct share_source *s = state;
	uint64_t cap = sdvf_config_u64(pd, "tx_capacity");
	const struct sdvf_region *r = sdvf_region(pd, "tx_data");
	if (!r || !sdvf_queue_attach_region(pd, &s->active, "tx_active", cap) ||
	    !sdvf_queue_attach_region(pd, &s->free, "tx_free", cap))
		return -1;
	const uint8_t mac[6] = {0x02, 0,    0,
				0,    0x5a, (uint8_t)sdvf_config_u64(pd, "id")};
	memcpy(s->mac, mac, 6);
	s->ch = sdvf_channel(pd, "tx");
	s->data = r->base;
	s->nbufs = (uint32_t)(r->size / SDVF_BUF_SIZE);
	if (s->nbufs > cap)
		s->nbufs = (uint32_t)cap;
	s->mix = (unsigned)sdvf_config_u64(pd, "mix");
	s->limit = sdvf_config_u64(pd, "frames");
	s->rng = 0x9e3779b9u * (mac[5] + 1u);
	return 0;
}

static const struct sdvf_need source_needs[] = {SDVF_NEED_QUEUE("tx_active"),
						SDVF_NEED_QUEUE("tx_free"),
						SDVF_NEED_REGION_RW("tx_data"),
						SDVF_NEED_CHAN("tx"),
						{0}};
static const struct sdvf_param source_params[] = {
	SDVF_PARAM_U64_DEFAULT("id", 0, 255, 0, "MAC 02:00:00:00:5a:<id>"),
	SDVF_PARAM_POW2_DEFAULT("tx_capacity", 1, 4096, 32, "queue slots"),
	SDVF_PARAM_U64_DEFAULT("mix", 0, MIX_COUNT - 1, 0,
			       "frame sizes (0: idle)"),
	SDVF_PARAM_U64_DEFAULT("frames", 0, UINT64_MAX, 0,
			       "frames in all (0: no limit)"),
	{0}};

static const struct sdvf_component source_component = {
	.name = "share_source",
	.summary = "test: keeps its TX queue full",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct share_source),
	.needs = source_needs,
	.params = source_params,
	.init = source_init,
	.notified = source_notified,
};

/* ---- an RX sink -----------------------------------------------------------
 */

static void sink_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct share_sink *k = state;
	struct sdvf_desc d;
	(void)ch;
	do {
		while (sdvf_queue_pop(&k->active, &d)) {
			k->frames++;
			k->bytes += d.len;
			if (k->hoard) {
				k->held++;
				continue;
			}
			struct sdvf_desc back = {.io_or_offset =
							 d.io_or_offset};
			assert_true(sdvf_queue_push(&k->free, &back));
			k->returned++;
		}
	} while (sdvf_queue_consumer_request_signal(&k->active));
	bool wake = sdvf_queue_producer_finish(&k->free);
	wake |= sdvf_queue_consumer_finish(&k->active);
	if (wake)
		sdvf_notify(pd, k->ch);
}

static int sink_init(void *state, struct sdvf_pd *pd)
{
	struct share_sink *k = state;
	uint64_t cap = sdvf_config_u64(pd, "rx_capacity");
	k->ch = sdvf_channel(pd, "rx");
	k->hoard = sdvf_config_u64(pd, "hoard") != 0;
	return sdvf_queue_attach_region(pd, &k->active, "rx_active", cap) &&
			       sdvf_queue_attach_region(pd, &k->free, "rx_free",
							cap)
		       ? 0
		       : -1;
}

static const struct sdvf_need sink_needs[] = {SDVF_NEED_QUEUE("rx_active"),
					      SDVF_NEED_QUEUE("rx_free"),
					      SDVF_NEED_REGION_RO("rx_data"),
					      SDVF_NEED_CHAN("rx"),
					      {0}};
static const struct sdvf_param sink_params[] = {
	SDVF_PARAM_POW2_DEFAULT("rx_capacity", 1, 4096, 32, "queue slots"),
	SDVF_PARAM_U64_DEFAULT("hoard", 0, 1, 0, "keep every buffer"),
	{0}};

static const struct sdvf_component sink_component = {
	.name = "share_sink",
	.summary = "test: counts RX frames, returns them unless hoarding",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct share_sink),
	.needs = sink_needs,
	.params = sink_params,
	.init = sink_init,
	.notified = sink_notified,
};

static const struct sdvf_component *const table[] = {&enet_model_component,
						     &enet_driver_component,
						     &tx_mux_component,
						     &rx_mux_component,
						     &source_component,
						     &sink_component,
						     NULL};

/* ---- the system ---------------------------------------------------------- */

static struct sdvf_system sys;
struct sdvf_sim *sim;
struct wire *wire;
struct share_source *src[NSOURCES];
struct share_sink *sink[NSINKS];

/* What left on the wire, in order (drain_wire). */

struct departure dep[MAX_DEPARTURES];
uint32_t ndep;
uint64_t wire_frames[NSOURCES];

/* Load the fixture with `overlay`, the body of a root node merged over it,
 * run every init and start the sources. */
void start(const char *overlay)
{
	char dts[4096];
	ndep = 0;
	memset(wire_frames, 0, sizeof(wire_frames));
	snprintf(dts, sizeof(dts),
		 "/include/ \"tests/fixtures/mux_sharing.dts\"\n/ {\n%s\n};\n",
		 overlay);
	memset(&sys, 0, sizeof(sys));
	assert_int_equal(sdvf_system_load_dts(&sys, "test_mux_sharing", dts,
					      table, stderr),
			 0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	sdvf_sim_run(sim, 100000);
	wire = enet_model_wire(sdvf_sim_state(sim, "nic"));
	for (int i = 0; i < NSOURCES; i++) {
		char name[8];
		snprintf(name, sizeof(name), "s%d", i);
		src[i] = sdvf_sim_state(sim, name);
		sdvf_sim_inject(sim, name, "tx");
	}
	for (int i = 0; i < NSINKS; i++) {
		char name[8];
		snprintf(name, sizeof(name), "k%d", i);
		sink[i] = sdvf_sim_state(sim, name);
	}
}

uint64_t counter(const char *pd, const char *name)
{
	bool found = false;
	uint64_t v = sdvf_sim_counter(sim, pd, name, &found);
	assert_true(found);
	return v;
}

uint64_t client_counter(const char *pd, int i, const char *name)
{
	char full[48];
	snprintf(full, sizeof(full), "c%d.%s", i, name);
	return counter(pd, full);
}

/* ---- what left on the wire --------------------------------------------- */

/* Take every frame off the wire, stamped with the sim's time now. */
uint32_t drain_wire(void)
{
	uint8_t f[WIRE_MAX_FRAME];
	long n;
	uint32_t got = 0;
	while ((n = wire_mem_take(wire, f, sizeof(f))) > 0) {
		unsigned who = f[11];
		assert_true(who < NSOURCES);
		assert_memory_equal(f + 6, src[who]->mac, 6);
		uint64_t seq = 0;
		for (int b = 0; b < 8; b++)
			seq = seq << 8 | f[14 + b];
		/* each client's frames leave in the order it queued them */
		assert_int_equal(seq, wire_frames[who]);
		wire_frames[who]++;
		if (ndep < MAX_DEPARTURES)
			dep[ndep++] =
				(struct departure){.client = (uint8_t)who,
						   .len = (uint16_t)n,
						   .seq = seq,
						   .t_ns = sdvf_sim_now(sim)};
		got++;
	}
	return got;
}

/* Run the saturated system until `n` frames have left. */
void collect(uint32_t n)
{
	while (ndep < n) {
		sdvf_sim_run(sim, 200);
		assert_true(drain_wire() > 0); /* never stalls */
	}
}

/* ---- conservation ----------------------------------------------------- */

/* Stop the sources, drain, and check that every TX buffer came home once
 * and every frame the mux counted is one the wire saw; for RX, that the
 * mux's books match what each sink holds.  Then tear down. */
void finish(void)
{
	for (int i = 0; i < NSOURCES; i++)
		src[i]->mix = 0; /* queue nothing more */
	for (int round = 0; round < 10000; round++) {
		bool busy = sdvf_sim_run(sim, 200) == 200;
		drain_wire();
		/* The pool too: the driver's TX completion timer (TXIC) may
		 * still hold returns the sources do not wait for. */
		bool home = counter("txmux", "pool_idle") == POOL_BUFS;
		for (int i = 0; i < NSOURCES; i++)
			home &= src[i]->returned == src[i]->queued &&
				wire_frames[i] == src[i]->queued;
		uint64_t next = sdvf_sim_next_timer(sim);
		uint64_t now = sdvf_sim_now(sim);
		if (home || (!busy && next == UINT64_MAX))
			break;
		/* advance (which runs until idle) only when idle */
		if (!busy)
			sdvf_sim_advance(sim, next > now ? next - now : 0);
	}
	drain_wire();
	/* With its pool not short the TX mux is not woken for completions
	 * (mux/tx_mux.c want_completions): wake it to count them, twice,
	 * as the first wake-up makes room in a full drv_free for what the
	 * driver still holds. */
	for (int wake = 0; wake < 2; wake++) {
		sdvf_sim_inject(sim, "txmux", "drv");
		sdvf_sim_run(sim, 100000);
	}
	for (int i = 0; i < NSOURCES; i++) {
		assert_int_equal(src[i]->returned, src[i]->queued);
		assert_int_equal(src[i]->flagged, 0);
		assert_int_equal(client_counter("txmux", i, "tx_frames"),
				 wire_frames[i]);
		assert_int_equal(wire_frames[i], src[i]->queued);
		assert_int_equal(client_counter("txmux", i, "in_flight"), 0);
	}
	assert_int_equal(counter("txmux", "pool_idle"), POOL_BUFS);
	for (int i = 0; i < NSINKS; i++) {
		assert_int_equal(client_counter("rxmux", i, "in_flight"),
				 sink[i]->held);
		assert_int_equal(client_counter("rxmux", i, "rx_frames"),
				 sink[i]->frames);
		assert_int_equal(client_counter("rxmux", i, "returned"),
				 sink[i]->returned);
	}
	wire_close(wire);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	sim = NULL;
}

/* A frame of len bytes toward sink `to` on the wire; the sim polls the
 * wire when it runs dry. */
void inject_to(int to, uint16_t len)
{
	uint8_t f[SDVF_BUF_SIZE];
	const uint8_t dst[6] = {0x02, 0, 0, 0, 0x6b, (uint8_t)to};
	const uint8_t from[6] = {0x02, 0, 0, 0, 0x7c, 0x01};
	memcpy(f, dst, 6);
	memcpy(f + 6, from, 6);
	f[12] = ETHERTYPE_TEST >> 8;
	f[13] = ETHERTYPE_TEST & 0xff;
	memset(f + 14, to, len - 14u);
	assert_int_equal(wire_mem_inject(wire, f, len), 0);
}
