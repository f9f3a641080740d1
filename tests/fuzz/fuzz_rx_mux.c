/*
 * Fuzz the RX mux's buffer returns (mux/rx_mux.c) as hostile clients
 * would make them: any offset on cN_rx_free (a buffer it holds, one it
 * holds twice, another client's, one never lent, misaligned, out of
 * range), impossible rx_free tails and rx_active heads, while an honest
 * driver delivers frames to every destination (unicast to each client,
 * broadcast, multicast, unknown) of any length.  Clients: a (copy, c0,
 * multicast), b (remap, c1) and r (remap, c2, multicast), as in
 * tests/unit/test_rx_mux.c; the clients are passive stub PDs whose queues
 * the harness plays directly, the driver a small PD of its own.
 *
 * Invariants checked after every operation:
 *   - conservation: every DMA buffer is with the driver or lent to remap
 *     clients (held, or waiting on their rx_active), exactly once; the
 *     driver was never given a buffer it already had or never lent;
 *   - each client's in_flight counter equals what it holds (popped or
 *     waiting on its rx_active);
 *   - every refused return is counted: the client's viol.* counters equal
 *     the returns the harness knew to be bad, and an accepted return was
 *     one it held.
 * Entry points: tests/fuzz/fuzz_replay.h.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/net.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "tests/fuzz/fuzz_cursor.h"
#include "tests/fuzz/fuzz_sim.h"
#include "tests/unit/fixture_rx_driver.h"
#include "tests/unit/fixture_stub.h"

extern const struct sdvf_component rx_mux_component;

#define CAP 16u
#define NCLIENTS 3
#define COPY_BUFS 8u /* c0_data: 0x4000 */

/* ---- the clients: passive; the harness plays their queues ------------- */

static const struct sdvf_need stub_needs[] = {
	SDVF_NEED_REGION_RO("data"),	 SDVF_NEED_QUEUE("rx_free"),
	SDVF_NEED_QUEUE("rx_active"),	 SDVF_NEED_CHAN("rx"),
	SDVF_NEED_CHAN_OPTIONAL("peer"), {0}};
static const struct sdvf_component stub_component =
	STUB_PD("fuzz_rx_client", "fuzz client", SDVF_ROLE_CLIENT, stub_needs,
		STUB_NO_PARAMS);

static const struct sdvf_component *const table[] = {
	&rx_mux_component, &fake_driver_component, &stub_component, NULL};

#define CLIENT_PD(pd, n, data, peer)                                           \
	pd " { component = \"fuzz_rx_client\";\n"                              \
	   "  maps { data = \"" data "\", \"r\"; rx_active = \"c" n            \
	   "_act\", \"rw\"; rx_free = \"c" n "_free\", \"rw\"; };\n"           \
	   "  channels { rx = \"c" n "\"; " peer "}; };\n"
/* The loader lets two clients share rx_dma (read-only) only if a channel
 * joins them: b and r get one they never use. */
#define PEER "peer = \"br\"; "
#define MUX_CLIENT_MAPS(n)                                                     \
	"c" n "_rx_active = \"c" n "_act\", \"rw\"; c" n "_rx_free = \"c" n    \
	"_free\", \"rw\";\n"
#define CLIENT_QUEUES(n)                                                       \
	"c" n "_act { size = <0x1000>; }; c" n "_free { size = <0x1000>; };\n"

static const char dts[] =
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"
	"drv { component = \"fake_rx_driver\";\n"
	"  maps { rx_dma = \"rx_dma\", \"rw\"; rx_free = \"rx_free\", \"rw\"; "
	"rx_active = \"rx_active\", \"rw\"; };\n"
	"  channels { rx = \"rx\"; }; };\n"
	"mux { component = \"rx_mux\";\n"
	"  maps { rx_dma = \"rx_dma\", \"rw\"; rx_free = \"rx_free\", \"rw\"; "
	"rx_active = \"rx_active\", \"rw\";\n" MUX_CLIENT_MAPS("0")
		MUX_CLIENT_MAPS("1") MUX_CLIENT_MAPS(
			"2") "    c0_rx_data = \"c0_data\", \"rw\"; };\n"
			     "  channels { rx = \"rx\"; c0 = \"c0\"; c1 = "
			     "\"c1\"; c2 = \"c2\"; };\n"
			     "  config { rx_capacity = <16>; client_capacity = "
			     "<16>;\n"
			     "    c0_mac = [02 00 00 00 00 0a]; c0_multicast = "
			     "<1>;\n"
			     "    c1_mac = [02 00 00 00 00 0b]; c1_mode = "
			     "\"remap\";\n"
			     "    c2_mac = [02 00 00 00 00 0c]; c2_mode = "
			     "\"remap\"; "
			     "c2_multicast = <1>; }; };\n" CLIENT_PD(
				     "a", "0", "c0_data",
				     "") CLIENT_PD("b", "1", "rx_dma", PEER)
				     CLIENT_PD(
					     "r", "2", "rx_dma",
					     PEER) "};\nregions {\n"
						   "rx_dma { size = <0x8000>; "
						   "io-address = <0x10000000>; "
						   "};\n"
						   "rx_free { size = <0x1000>; "
						   "}; rx_active { size = "
						   "<0x1000>; "
						   "};\n" CLIENT_QUEUES(
							   "0") CLIENT_QUEUES("1")
							   CLIENT_QUEUES(
								   "2") "c0_"
									"data "
									"{ "
									"size "
									"= "
									"<0x400"
									"0>; "
									"};\n"
									"};"
									"\nchan"
									"nels "
									"{\n"
									"rx { "
									"ends "
									"= "
									"\"drv"
									"\", "
									"\"mux"
									"\"; "
									"}; c0 "
									"{ "
									"ends "
									"= "
									"\"mux"
									"\", "
									"\"a\";"
									" };\n"
									"c1 { "
									"ends "
									"= "
									"\"mux"
									"\", "
									"\"b\";"
									" }; "
									"c2 { "
									"ends "
									"= "
									"\"mux"
									"\", "
									"\"r\";"
									" };\n"
									"br { "
									"ends "
									"= "
									"\"b\","
									" \"r\""
									"; "
									"};\n};"
									"\n};"
									"\n";

static const uint8_t dests[][6] = {
	{2, 0, 0, 0, 0, 0x0a},
	{2, 0, 0, 0, 0, 0x0b},
	{2, 0, 0, 0, 0, 0x0c},
	{2, 0, 0, 0, 0, 0xee},
	{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	{0x01, 0x00, 0x5e, 0, 0, 1},
};
#define NDESTS (sizeof(dests) / sizeof(dests[0]))

/* ---- one run ------------------------------------------------------------ */

struct client {
	struct sdvf_queue active, free;
	uint64_t held[NBUFS]; /* offsets popped and not yet given back */
	uint32_t nheld;
	uint64_t bad_returns; /* returns the harness knew were not held */
};

static struct run {
	struct sdvf_system sys;
	bool loaded;
	struct sdvf_sim *sim;
	struct fake_driver *drv;
	struct client c[NCLIENTS];
} r;

static struct {
	uint64_t inputs, ops, frames, popped, returned, bad_returns, forged;
} totals;

static void fail(const char *what, int ci)
{
	fprintf(stderr, "fuzz_rx_mux: invariant broken (client %d): %s\n", ci,
		what);
	abort();
}

static uint64_t counter(int ci, const char *name)
{
	char full[64];
	bool found = false;
	if (ci >= 0)
		snprintf(full, sizeof(full), "c%d.%s", ci, name);
	else
		snprintf(full, sizeof(full), "%s", name);
	uint64_t v = sdvf_sim_counter(r.sim, "mux", full, &found);
	if (!found)
		fail("a documented counter is missing", ci);
	return v;
}

static void run_sim(void)
{
	sdvf_sim_run(r.sim, 100000);
}

static void kick_client(int ci)
{
	char ch[4];
	snprintf(ch, sizeof(ch), "c%d", ci);
	sdvf_sim_inject(r.sim, "mux", ch);
	run_sim();
}

/* The driver fills one buffer it holds with a frame and hands it over. */
static void driver_deliver(struct cursor *in)
{
	struct fake_driver *f = r.drv;
	uint32_t idx = take(in, 1) % NBUFS;
	for (uint32_t k = 0; k < NBUFS && !f->holds[idx]; k++)
		idx = (idx + 1) % NBUFS;
	if (!f->holds[idx])
		return;
	uint32_t lsel = take(in, 1);
	uint16_t len = lsel < 200 ? (uint16_t)(14 + take(in, 2) % 1505)
				  : (uint16_t)take(in, 2);
	uint8_t *p = f->dma + (uint64_t)idx * SDVF_BUF_SIZE;
	memcpy(p, dests[take(in, 1) % NDESTS], 6);
	memset(p + 6, 0x99, 6);
	struct sdvf_desc d = {.io_or_offset = DMA_IO + idx * SDVF_BUF_SIZE,
			      .len = len};
	if (!sdvf_queue_push(&f->rx_active, &d))
		return;
	f->holds[idx] = false;
	f->held--;
	sdvf_queue_publish(&f->rx_active);
	sdvf_sim_inject(r.sim, "mux", "rx");
	run_sim();
	totals.frames++;
}

/* Client ci takes what the mux lent it. */
static void client_pop(int ci)
{
	struct client *c = &r.c[ci];
	struct sdvf_desc d;
	while (sdvf_queue_pop(&c->active, &d)) {
		if (c->nheld == NBUFS)
			fail("lent more buffers than exist", ci);
		c->held[c->nheld++] = d.io_or_offset;
		totals.popped++;
	}
	sdvf_queue_release(&c->active);
}

/* Give `offset` back; the harness knows whether the client held it.  A
 * buffer waiting on rx_active is the client's too (the mux accepts it
 * back): it is popped first, so the harness's list is the whole truth. */
static void client_return(int ci, uint64_t offset)
{
	struct client *c = &r.c[ci];
	bool held = false;
	client_pop(ci);
	for (uint32_t i = 0; i < c->nheld; i++)
		if (c->held[i] == offset) {
			c->held[i] = c->held[--c->nheld];
			held = true;
			break;
		}
	struct sdvf_desc d = {.io_or_offset = offset};
	if (!sdvf_queue_push(&c->free, &d)) {
		if (held) /* a full rx_free: keep it */
			c->held[c->nheld++] = offset;
		return;
	}
	sdvf_queue_publish(&c->free);
	if (held)
		totals.returned++;
	else
		c->bad_returns++, totals.bad_returns++;
}

/* An offset a hostile client might return. */
static uint64_t hostile_offset(int ci, struct cursor *in)
{
	uint32_t sel = take(in, 1) % 6;
	const struct client *other = &r.c[(ci + 1 + sel % 2) % NCLIENTS];
	switch (sel) {
	case 0:
	case 1: /* another client's */
		if (other->nheld)
			return other->held[take(in, 1) % other->nheld];
		return 0;
	case 2: /* any buffer of the region */
		return (uint64_t)(take(in, 1) % (NBUFS + 2)) * SDVF_BUF_SIZE;
	case 3: /* misaligned */
		return take(in, 2) | 1;
	case 4:
		return (uint64_t)take(in, 4) << 32 | take(in, 4);
	default: /* its own, perhaps for the second time */
		return r.c[ci].nheld ? r.c[ci].held[take(in, 1) % r.c[ci].nheld]
				     : SDVF_BUF_SIZE;
	}
}

/* An impossible index on client ci's rx_free (tail) or rx_active (head),
 * seen by one activation, then the honest value again. */
static void client_forge_index(int ci, struct cursor *in)
{
	struct client *c = &r.c[ci];
	bool tail = take(in, 1) & 1;
	_Atomic uint32_t *word =
		tail ? &c->free.shared->tail : &c->active.shared->head;
	uint32_t honest = atomic_load(word);
	uint32_t mux_own = tail ? atomic_load(&c->free.shared->head)
				: atomic_load(&c->active.shared->tail);
	uint32_t forged =
		take(in, 1) & 1 ? take(in, 4) : honest + CAP + 1 + take(in, 1);
	uint32_t span = tail ? forged - mux_own : mux_own - forged;
	if (span <= CAP)
		return;
	atomic_store(word, forged);
	kick_client(ci);
	atomic_store(word, honest);
	totals.forged++;
}

static void check(void)
{
	bool lent[NBUFS] = {0};
	uint32_t nlent = 0;
	if (r.drv->bogus)
		fail("the driver was given a buffer it had or never lent", -1);
	for (int ci = 0; ci < NCLIENTS; ci++) {
		const struct client *c = &r.c[ci];
		uint32_t waiting =
			atomic_load(&c->active.shared->tail) - c->active.own;
		if (counter(ci, "in_flight") != c->nheld + waiting)
			fail("in_flight differs from what the client holds",
			     ci);
		uint64_t viol = counter(ci, "viol.misaligned") +
				counter(ci, "viol.out_of_range") +
				counter(ci, "viol.not_owner");
		if (viol != c->bad_returns)
			fail("viol.* differ from the bad returns made", ci);
		if (ci == 0)
			continue; /* a copy client holds c0_data buffers */
		for (uint32_t k = 0; k < c->nheld + waiting; k++) {
			uint64_t off = k < c->nheld
					       ? c->held[k]
					       : c->active.shared
							 ->ring[(c->active.own +
								 k - c->nheld) %
								CAP]
							 .io_or_offset;
			uint64_t idx = off / SDVF_BUF_SIZE;
			if (off % SDVF_BUF_SIZE || idx >= NBUFS)
				fail("lent an offset outside rx_dma", ci);
			if (r.drv->holds[idx])
				fail("lent a buffer the driver holds", ci);
			nlent += !lent[idx];
			lent[idx] = true;
		}
	}
	if (r.drv->held + nlent != NBUFS)
		fail("DMA buffers lost or doubled", -1);
	if (counter(-1, "dma_driver") != r.drv->held ||
	    counter(-1, "dma_lent") != nlent)
		fail("the mux's DMA gauges differ from the facts", -1);
}

static void start(void)
{
	r.sim = fuzz_sim_start(&r.sys, &r.loaded, "fuzz_rx_mux", dts, table);
	r.drv = sdvf_sim_state(r.sim, "drv");
	for (int i = 0; i < NCLIENTS; i++) {
		char name[16];
		memset(&r.c[i], 0, sizeof(r.c[i]));
		snprintf(name, sizeof(name), "c%d_act", i);
		fuzz_attach(r.sim, &r.c[i].active, name, CAP);
		snprintf(name, sizeof(name), "c%d_free", i);
		fuzz_attach(r.sim, &r.c[i].free, name, CAP);
	}
	run_sim();
}

static void fuzz_one(const uint8_t *data, size_t size)
{
	struct cursor in = {data, size};
	start();
	totals.inputs++;
	while (in.left) {
		uint32_t op = take(&in, 1);
		int ci = (int)(op >> 4) % NCLIENTS;
		totals.ops++;
		switch (op % 8) {
		case 0:
		case 1:
			driver_deliver(&in);
			break;
		case 2:
			client_pop(ci);
			break;
		case 3: /* an honest return */
			if (r.c[ci].nheld)
				client_return(ci, r.c[ci].held[take(&in, 1) %
							       r.c[ci].nheld]);
			kick_client(ci);
			break;
		case 4:
		case 5:
			client_return(ci, hostile_offset(ci, &in));
			kick_client(ci);
			break;
		case 6:
			client_forge_index(ci, &in);
			break;
		default:
			sdvf_sim_advance(r.sim, take(&in, 1) * 10000u);
			break;
		}
		check();
	}
	sdvf_sim_destroy(r.sim);
	r.sim = NULL;
}

#define FUZZ_NAME "fuzz_rx_mux"
#define FUZZ_SHAPE_NONE
#define FUZZ_SIM_QUIET	      /* refusals are logged: not on stderr */
#define FUZZ_REPLAY_ITERS 100 /* a sim per input: slow inputs */

static void fuzz_summary(void)
{
	printf("fuzz_rx_mux: reached: %llu inputs, %llu ops, %llu frames "
	       "from the driver, %llu buffers taken, %llu returned, %llu bad "
	       "returns refused, %llu forged indices\n",
	       (unsigned long long)totals.inputs,
	       (unsigned long long)totals.ops,
	       (unsigned long long)totals.frames,
	       (unsigned long long)totals.popped,
	       (unsigned long long)totals.returned,
	       (unsigned long long)totals.bad_returns,
	       (unsigned long long)totals.forged);
}

#include "tests/fuzz/fuzz_replay.h"
