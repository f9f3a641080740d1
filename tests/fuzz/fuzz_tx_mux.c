/*
 * Fuzz the TX mux's descriptor intake (mux/tx_mux.c) as hostile clients
 * would feed it: any offset and length on cN_tx_active (aligned or not,
 * in range or not, buffers sent twice, frames from any source MAC), slots
 * rewritten after they were published, impossible tail and tx_free head
 * values, and completions from the driver at any time, flagged TX_ERROR
 * or not.  Three clients (copy, remap, copy) share the mux in the sim;
 * the driver and the clients are passive stub PDs whose queues the
 * harness plays directly (as tests/unit/test_tx_mux.c does).
 *
 * Invariants checked after every operation:
 *   - conservation: no client gets a buffer back more often than it sent
 *     it (per buffer; descriptors naming no buffer of its region are echoed
 *     back at most as often as they were sent);
 *   - every return flagged REJECTED was counted: the client's rej_*
 *     counters sum to at least the REJECTED returns it has seen;
 *   - the mux's tx_pool gauges add up: idle + at the driver <= pool_bufs.
 * and at the end of each input, after the driver has completed everything
 * and the clients have reaped everything: every buffer sent came back
 * exactly once, the rej_* counters equal the REJECTED returns, the whole
 * tx_pool is idle and no client has a frame in flight.
 * Entry points: tests/fuzz/fuzz_replay.h.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/net.h"
#include "core/pd.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "tests/fuzz/fuzz_cursor.h"
#include "tests/fuzz/fuzz_sim.h"
#include "tests/unit/fixture_stub.h"

extern const struct sdvf_component tx_mux_component;

#define NCLIENTS 3
#define CAP 16u
#define CLIENT_BUFS 16u /* cN_data: 0x8000 */
#define POOL_BUFS 32u	/* tx_pool: 0x10000 */
#define POOL_IO 0x20000000ull
#define DATA_IO(i) (0x30000000ull + (uint64_t)(i)*0x100000)

/* ---- passive peers ------------------------------------------------------ */

static const struct sdvf_need stub_needs[] = {SDVF_NEED_CHAN_OPTIONAL("tx"),
					      {0}};
static const struct sdvf_component stub_component = STUB_PD(
	"tx_stub", "fuzz peer", SDVF_ROLE_CLIENT, stub_needs, STUB_NO_PARAMS);
static const struct sdvf_component *const table[] = {&tx_mux_component,
						     &stub_component, NULL};

#define MUX_CLIENT_MAPS(n)                                                     \
	"  c" n "_tx_active = \"c" n "_txa\", \"rw\"; c" n "_tx_free = \"c" n  \
	"_txf\", \"rw\"; c" n "_tx_data = \"c" n "_data\", \"r\";\n"
#define CLIENT_PD(n)                                                           \
	"c" n " { component = \"tx_stub\"; channels { tx = \"c" n "\"; }; "    \
	"};\n"
#define CLIENT_REGIONS(n, io)                                                  \
	" c" n "_txa { size = <0x1000>; }; c" n "_txf { size = <0x1000>; };\n" \
	" c" n "_data { size = <0x8000>; io-address = <" io ">; };\n"

static const char dts[] =
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"
	"mux { component = \"tx_mux\";\n maps { drv_tx_active = \"drv_txa\", "
	"\"rw\"; drv_tx_free = \"drv_txf\", \"rw\"; tx_pool = \"tx_pool\", "
	"\"rw\";\n" MUX_CLIENT_MAPS("0") MUX_CLIENT_MAPS("1") MUX_CLIENT_MAPS(
		"2") " };\n channels { drv = \"drv\"; c0 = \"c0\"; c1 = "
		     "\"c1\"; c2 = \"c2\"; };\n config { drv_capacity = <16>; "
		     "client_capacity = <16>;\n"
		     "  c0_mac = [02 00 00 00 7a 00]; c0_mode = \"copy\";\n"
		     "  c1_mac = [02 00 00 00 7a 01]; c1_mode = \"remap\";\n"
		     "  c2_mac = [02 00 00 00 7a 02]; c2_mode = \"copy\"; };\n"
		     "};\n"
		     "drv { component = \"tx_stub\"; channels { tx = \"drv\"; "
		     "}; };\n" CLIENT_PD("0") CLIENT_PD("1") CLIENT_PD(
			     "2") "};\nregions {\n drv_txa { size = <0x1000>; "
				  "}; drv_txf { size = <0x1000>; };\n tx_pool "
				  "{ size = <0x10000>; io-address = "
				  "<0x20000000>; };\n" CLIENT_REGIONS(
					  "0",
					  "0x300000"
					  "00") CLIENT_REGIONS("1",
							       "0x30100000")
					  CLIENT_REGIONS(
						  "2",
						  "0x30200000") "};\nchannel"
								"s {\n drv "
								"{ ends = "
								"\"mux\", "
								"\"drv\"; "
								"};\n c0 { "
								"ends = "
								"\"mux\", "
								"\"c0\"; "
								"};\n c1 { "
								"ends = "
								"\"mux\", "
								"\"c1\"; "
								"};\n c2 { "
								"ends = "
								"\"mux\", "
								"\"c2\"; "
								"};\n};\n};"
								"\n";

/* ---- one run ------------------------------------------------------------ */

struct client {
	struct sdvf_queue active, free;
	uint8_t *data;
	struct sdvf_desc mirror[CAP]; /* what we last wrote in each slot */
	uint32_t accounted;	      /* slots of active counted as sent */
	uint32_t sent[CLIENT_BUFS], returned[CLIENT_BUFS];
	uint32_t sent_bad, returned_bad; /* offsets naming no buffer */
	uint64_t rejected;		 /* returns flagged REJECTED */
};

static struct run {
	struct sdvf_system sys;
	bool loaded;
	struct sdvf_sim *sim;
	struct sdvf_queue drv_active, drv_free;
	struct client c[NCLIENTS];
} r;

static struct {
	uint64_t inputs, ops, sent, sent_bad, rejected, frames, bad_index;
} totals;

static const uint8_t client_mac[NCLIENTS][6] = {
	{2, 0, 0, 0, 0x7a, 0}, {2, 0, 0, 0, 0x7a, 1}, {2, 0, 0, 0, 0x7a, 2}};

static void fail(const char *what, int ci)
{
	fprintf(stderr, "fuzz_tx_mux: invariant broken (client %d): %s\n", ci,
		what);
	abort();
}

static uint64_t counter(const char *name, int ci)
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

static uint64_t rejects(int ci)
{
	static const char *const names[] = {
		"rej_misaligned", "rej_out_of_range", "rej_not_owner",
		"rej_too_short",  "rej_too_long",     "rej_src_mac"};
	uint64_t sum = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		sum += counter(names[i], ci);
	return sum;
}

static bool names_buffer(uint64_t offset)
{
	return offset % SDVF_BUF_SIZE == 0 &&
	       offset / SDVF_BUF_SIZE < CLIENT_BUFS;
}

/* The mux has taken every slot of client ci's tx_active up to the head it
 * released: count what those slots held when it took them. */
static void account_taken(int ci)
{
	struct client *c = &r.c[ci];
	uint32_t head = atomic_load(&c->active.shared->head);
	if ((uint32_t)(head - c->accounted) >
	    (uint32_t)(c->active.own - c->accounted))
		fail("the mux released slots the client never published", ci);
	for (; c->accounted != head; c->accounted++) {
		const struct sdvf_desc *d = &c->mirror[c->accounted % CAP];
		if (names_buffer(d->io_or_offset)) {
			c->sent[d->io_or_offset / SDVF_BUF_SIZE]++;
			totals.sent++;
		} else {
			c->sent_bad++;
			totals.sent_bad++;
		}
	}
}

static void run_sim(void)
{
	sdvf_sim_run(r.sim, 100000);
	for (int i = 0; i < NCLIENTS; i++)
		account_taken(i);
}

static void kick(const char *channel)
{
	sdvf_sim_inject(r.sim, "mux", channel);
	run_sim();
}

static void kick_client(int ci)
{
	char ch[4];
	snprintf(ch, sizeof(ch), "c%d", ci);
	kick(ch);
}

/* Client ci puts one descriptor on its tx_active, mostly plausible. */
static void client_send(int ci, struct cursor *in)
{
	struct client *c = &r.c[ci];
	uint32_t sel = take(in, 1);
	uint64_t offset;
	if (sel < 192)
		offset = (uint64_t)(sel % (CLIENT_BUFS + 2)) * SDVF_BUF_SIZE;
	else if (sel < 224)
		offset = take(in, 2);
	else
		offset = (uint64_t)take(in, 4) << 32 | take(in, 4);
	uint32_t lsel = take(in, 1);
	uint16_t len = lsel < 160 ? (uint16_t)(60 + take(in, 1) * 5)
				  : (uint16_t)take(in, 2);
	if (names_buffer(offset)) {
		uint8_t *f = c->data + offset;
		memset(f, 0xff, 6);
		memcpy(f + 6, client_mac[(sel & 0x60) ? ci : (ci + 1) % 3], 6);
		f[12] = 0x08;
		f[13] = 0x00;
	}
	struct sdvf_desc d = {.io_or_offset = offset, .len = len};
	uint32_t slot = c->active.own % CAP;
	if (sdvf_queue_push(&c->active, &d))
		c->mirror[slot] = d;
	sdvf_queue_publish(&c->active);
}

/* Client ci rewrites a slot it published that the mux has not taken. */
static void client_rewrite(int ci, struct cursor *in)
{
	struct client *c = &r.c[ci];
	uint32_t pending = c->active.own - c->accounted;
	if (pending == 0)
		return;
	uint32_t idx = c->accounted + take(in, 1) % pending;
	struct sdvf_desc d = {
		.io_or_offset = take(in, 1) & 1 ? take(in, 4)
						: (uint64_t)(take(in, 1) %
							     CLIENT_BUFS) *
							  SDVF_BUF_SIZE,
		.len = (uint16_t)take(in, 2)};
	c->active.shared->ring[idx % CAP] = d;
	c->mirror[idx % CAP] = d;
}

static void client_reap(int ci)
{
	struct client *c = &r.c[ci];
	struct sdvf_desc d;
	while (sdvf_queue_pop(&c->free, &d)) {
		if (d.flags & SDVF_NET_REJECTED)
			c->rejected++;
		if (!names_buffer(d.io_or_offset)) {
			if (++c->returned_bad > c->sent_bad)
				fail("a return naming no buffer was never "
				     "sent",
				     ci);
			continue;
		}
		uint64_t b = d.io_or_offset / SDVF_BUF_SIZE;
		if (++c->returned[b] > c->sent[b])
			fail("a buffer came back more often than it was sent",
			     ci);
	}
	sdvf_queue_release(&c->free);
}

/* The driver completes every frame it holds, some flagged TX_ERROR. */
static void driver_complete(struct cursor *in)
{
	struct sdvf_desc d;
	uint32_t errors = take(in, 1);
	bool any = false;
	while (sdvf_queue_pop(&r.drv_active, &d)) {
		d.flags = (errors & 1) ? SDVF_NET_TX_ERROR : 0;
		errors >>= 1;
		if (!sdvf_queue_push(&r.drv_free, &d))
			fail("drv_tx_free full with the driver's own frames",
			     -1);
		totals.frames++;
		any = true;
	}
	sdvf_queue_release(&r.drv_active);
	sdvf_queue_publish(&r.drv_free);
	if (any)
		kick("drv");
}

/* An impossible index on one of client ci's queues, seen by one
 * activation, then the honest value again.  Only impossible values: a
 * possible but false one is a client hurting itself (a tx_free head past
 * what it reaped loses its own returns), which the mux cannot tell. */
static void client_forge_index(int ci, struct cursor *in)
{
	struct client *c = &r.c[ci];
	bool tail = take(in, 1) & 1;
	_Atomic uint32_t *word =
		tail ? &c->active.shared->tail : &c->free.shared->head;
	uint32_t honest = atomic_load(word);
	/* The mux's own index on that queue: its released head of tx_active,
	 * its published tail of tx_free. */
	uint32_t mux_own =
		tail ? c->accounted : atomic_load(&c->free.shared->tail);
	uint32_t forged =
		take(in, 1) & 1 ? take(in, 4) : honest + CAP + 1 + take(in, 1);
	uint32_t span = tail ? forged - mux_own : mux_own - forged;
	if (span <= CAP)
		return;
	atomic_store(word, forged);
	kick_client(ci); /* account_taken: no slot of it may be taken */
	atomic_store(word, honest);
	totals.bad_index++;
}

static void check(void)
{
	for (int i = 0; i < NCLIENTS; i++)
		if (rejects(i) < r.c[i].rejected)
			fail("a REJECTED return was not counted", i);
	if (counter("pool_idle", -1) + counter("pool_driver", -1) >
	    counter("pool_bufs", -1))
		fail("tx_pool gauges add to more than the pool", -1);
}

/* Drain: the driver completes everything, the clients reap everything,
 * until nothing moves. */
static void check_conserved(void)
{
	static const uint8_t none[1] = {0};
	for (int round = 0; round < 64; round++) {
		uint64_t before = totals.frames;
		struct cursor zero = {none, 1};
		driver_complete(&zero);
		for (int i = 0; i < NCLIENTS; i++) {
			client_reap(i);
			kick_client(i);
		}
		sdvf_sim_advance(r.sim, 10000000); /* the 1 ms sweeps */
		run_sim();
		for (int i = 0; i < NCLIENTS; i++)
			client_reap(i);
		if (totals.frames == before &&
		    sdvf_queue_available(&r.drv_active) == 0)
			break;
	}
	for (int i = 0; i < NCLIENTS; i++) {
		struct client *c = &r.c[i];
		for (uint32_t b = 0; b < CLIENT_BUFS; b++)
			if (c->returned[b] != c->sent[b])
				fail("a buffer sent did not come back", i);
		if (c->returned_bad != c->sent_bad)
			fail("a descriptor naming no buffer was not echoed", i);
		if (rejects(i) != c->rejected)
			fail("rej_* counters differ from REJECTED returns", i);
		if (counter("in_flight", i) != 0)
			fail("a frame still in flight after the drain", i);
		totals.rejected += c->rejected;
	}
	if (counter("pool_idle", -1) != POOL_BUFS ||
	    counter("pool_driver", -1) != 0)
		fail("tx_pool not whole after the drain", -1);
}

static void start(void)
{
	r.sim = fuzz_sim_start(&r.sys, &r.loaded, "fuzz_tx_mux", dts, table);
	fuzz_attach(r.sim, &r.drv_active, "drv_txa", CAP);
	fuzz_attach(r.sim, &r.drv_free, "drv_txf", CAP);
	for (int i = 0; i < NCLIENTS; i++) {
		struct client *c = &r.c[i];
		char name[16];
		memset(c, 0, sizeof(*c));
		snprintf(name, sizeof(name), "c%d_txa", i);
		fuzz_attach(r.sim, &c->active, name, CAP);
		snprintf(name, sizeof(name), "c%d_txf", i);
		fuzz_attach(r.sim, &c->free, name, CAP);
		snprintf(name, sizeof(name), "c%d_data", i);
		c->data = sdvf_sim_region(r.sim, name, NULL);
	}
	sdvf_sim_run(r.sim, 100000);
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
		switch (op % 10) {
		case 0:
		case 1:
		case 2:
			client_send(ci, &in);
			break;
		case 3:
			kick_client(ci);
			break;
		case 4:
			driver_complete(&in);
			break;
		case 5:
			client_reap(ci);
			kick_client(ci);
			break;
		case 6:
			client_rewrite(ci, &in);
			break;
		case 7:
			if ((take(&in, 1) & 7) == 0)
				client_forge_index(ci, &in);
			break;
		case 8:
			sdvf_sim_advance(r.sim, take(&in, 1) * 10000u);
			run_sim();
			break;
		default:
			for (int k = 0; k < 4; k++)
				client_send(ci, &in);
			kick_client(ci);
			break;
		}
		check();
	}
	check_conserved();
	sdvf_sim_destroy(r.sim);
	r.sim = NULL;
}

#define FUZZ_NAME "fuzz_tx_mux"
#define FUZZ_SHAPE_NONE
#define FUZZ_SIM_QUIET	      /* rejects are logged: not on stderr */
#define FUZZ_REPLAY_ITERS 100 /* a sim per input: slow inputs */

static void fuzz_summary(void)
{
	printf("fuzz_tx_mux: reached: %llu inputs, %llu ops, %llu buffers "
	       "sent, %llu descriptors naming none, %llu rejected, %llu "
	       "frames at the driver, %llu forged indices\n",
	       (unsigned long long)totals.inputs,
	       (unsigned long long)totals.ops, (unsigned long long)totals.sent,
	       (unsigned long long)totals.sent_bad,
	       (unsigned long long)totals.rejected,
	       (unsigned long long)totals.frames,
	       (unsigned long long)totals.bad_index);
}

#include "tests/fuzz/fuzz_replay.h"
