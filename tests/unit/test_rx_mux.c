/*
 * rx_mux (mux/rx_mux.c) in the sim, between a fake driver and three test
 * clients:
 *   a  client 0, copy,  multicast on
 *   b  client 1, remap, multicast off
 *   r  client 2, remap, multicast on
 * The fake driver holds the 16 RX DMA buffers the mux gives it and pushes
 * frames into rx_active on the test's word.  Each client records what it
 * receives and returns it at once unless told to hoard.  After every test
 * the buffers are counted: each DMA buffer is held by the driver or lent
 * to remap clients, never lost or held twice.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
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
#include "tests/unit/fixture_rx_driver.h"

extern const struct sdvf_component rx_mux_component;

#define MAX_REC 64u

/* ---- the test client ------------------------------------------------ */

struct frame_rec {
	uint64_t offset;
	uint16_t len;
	uint8_t head[16];
};

struct test_client {
	struct sdvf_pd *pd;
	struct sdvf_queue rx_active, rx_free;
	sdvf_channel_t ch;
	const uint8_t *data;
	bool hoard;
	uint32_t nrx;
	struct frame_rec rec[MAX_REC];
	uint64_t held[MAX_REC];
	uint32_t nheld;
};

static void tcl_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct test_client *c = state;
	struct sdvf_desc d;
	(void)ch;
	do {
		while (sdvf_queue_pop(&c->rx_active, &d)) {
			struct frame_rec *r = &c->rec[c->nrx++ % MAX_REC];
			r->offset = d.io_or_offset;
			r->len = d.len;
			memcpy(r->head, c->data + d.io_or_offset, 16);
			if (c->hoard) {
				c->held[c->nheld++] = d.io_or_offset;
				continue;
			}
			struct sdvf_desc back = {.io_or_offset =
							 d.io_or_offset};
			sdvf_queue_push(&c->rx_free, &back);
		}
	} while (sdvf_queue_consumer_request_signal(&c->rx_active));
	bool wake = sdvf_queue_producer_finish(&c->rx_free);
	wake |= sdvf_queue_consumer_finish(&c->rx_active);
	if (wake)
		sdvf_notify(pd, c->ch);
}

static int tcl_init(void *state, struct sdvf_pd *pd)
{
	struct test_client *c = state;
	c->pd = pd;
	c->ch = sdvf_channel(pd, "rx");
	c->data = sdvf_region(pd, "data")->base;
	c->hoard = sdvf_config_u64(pd, "hoard");
	return sdvf_queue_attach_region(pd, &c->rx_active, "rx_active", 16) &&
			       sdvf_queue_attach_region(pd, &c->rx_free,
							"rx_free", 16)
		       ? 0
		       : -1;
}

static const struct sdvf_need tcl_needs[] = {
	SDVF_NEED_REGION_RO("data"),	 SDVF_NEED_QUEUE("rx_free"),
	SDVF_NEED_QUEUE("rx_active"),	 SDVF_NEED_CHAN("rx"),
	SDVF_NEED_CHAN_OPTIONAL("peer"), {0}};
static const struct sdvf_param tcl_params[] = {
	SDVF_PARAM_U64_DEFAULT("hoard", 0, 1, 0, "keep every buffer"), {0}};

static const struct sdvf_component test_client_component = {
	.name = "test_rx_client",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct test_client),
	.needs = tcl_needs,
	.params = tcl_params,
	.init = tcl_init,
	.notified = tcl_notified,
};

static const struct sdvf_component *const table[] = {
	&rx_mux_component, &fake_driver_component, &test_client_component,
	NULL};

/* ---- the system ------------------------------------------------------ */

#define CLIENT_PD(pd, n, data, hoard, peer)                                    \
	pd " { component = \"test_rx_client\"; restartable;\n"                 \
	   "  maps { data = \"" data "\", \"r\"; rx_active = \"c" n            \
	   "_act\", \"rw\"; rx_free = \"c" n "_free\", \"rw\"; };\n"           \
	   "  channels { rx = \"c" n "\"; " peer "}; config { hoard = <" hoard \
	   ">; }; };\n"
/* The loader lets two client PDs share a region (rx_dma, read-only) only
 * if a channel joins them: b and r get one they never use. */
#define PEER "peer = \"br\"; "
#define MUX_CLIENT_MAPS(n)                                                     \
	"c" n "_rx_active = \"c" n "_act\", \"rw\"; c" n "_rx_free = \"c" n    \
	"_free\", \"rw\";\n"

static const char dts_fmt[] =
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"
	"drv { component = \"fake_rx_driver\"; restartable;\n"
	"  maps { rx_dma = \"rx_dma\", \"rw\"; rx_free = \"rx_free\", \"rw\"; "
	"rx_active = \"rx_active\", \"rw\"; };\n"
	"  channels { rx = \"rx\"; }; };\n"
	"mux { component = \"rx_mux\";\n"
	"  maps { rx_dma = \"rx_dma\", \"rw\"; rx_free = \"rx_free\", \"rw\"; "
	"rx_active = \"rx_active\", \"rw\";\n" MUX_CLIENT_MAPS("0")
		MUX_CLIENT_MAPS("1") MUX_CLIENT_MAPS(
			"2") "    c0_rx_data = \"c0_data\", \"rw\"; };\n"
			     "  channels { rx = \"rx\"; c0 = \"c0\"; "
			     "c1 = \"c1\"; c2 = \"c2\"; };\n"
			     "  config { rx_capacity = <16>; "
			     "client_capacity = <16>;\n"
			     "    c0_mac = [02 00 00 00 00 0a]; "
			     "c0_multicast = <1>;\n"
			     "    c1_mac = [02 00 00 00 00 0b]; c1_mode "
			     "= \"remap\";\n"
			     "    c2_mac = [02 00 00 00 00 0c]; c2_mode "
			     "= \"remap\"; c2_multicast = <1>;\n"
			     "    %s }; };\n" CLIENT_PD(
				     "a", "0", "c0_data", "%d",
				     "") CLIENT_PD("b", "1", "rx_dma", "%d",
						   PEER)
				     CLIENT_PD("r", "2", "rx_dma", "%d",
					       PEER) "};\nregions {\n"
						     "rx_dma { size = "
						     "<0x8000>; io-address = "
						     "<0x10000000>; };\n"
						     "rx_free { size = "
						     "<0x1000>; }; rx_active { "
						     "size = <0x1000>; };\n"
						     "c0_act { size = "
						     "<0x1000>; }; c0_free { "
						     "size = <0x1000>; };\n"
						     "c1_act { size = "
						     "<0x1000>; }; c1_free { "
						     "size = <0x1000>; };\n"
						     "c2_act { size = "
						     "<0x1000>; }; c2_free { "
						     "size = <0x1000>; };\n"
						     "c0_data { size = "
						     "<0x4000>; };\n"
						     "};\nchannels {\n"
						     "rx { ends = \"drv\", "
						     "\"mux\"; }; c0 { ends = "
						     "\"mux\", \"a\"; };\n"
						     "c1 { ends = \"mux\", "
						     "\"b\"; }; c2 { ends = "
						     "\"mux\", \"r\"; };\n"
						     "br { ends = \"b\", "
						     "\"r\"; };\n"
						     "};\n};\n";

static const uint8_t mac_a[6] = {2, 0, 0, 0, 0, 0x0a};
static const uint8_t mac_b[6] = {2, 0, 0, 0, 0, 0x0b};
static const uint8_t mac_r[6] = {2, 0, 0, 0, 0, 0x0c};
static const uint8_t mac_unknown[6] = {2, 0, 0, 0, 0, 0xee};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t group[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static struct fake_driver *drv;
static struct test_client *ca, *cb, *cr;

static void run(void)
{
	sdvf_sim_run(sim, 100000);
}

/* Load the system and run every init: the result of sdvf_sim_init. */
static int init_with(const char *mux_config, int hoard_a, int hoard_b,
		     int hoard_r)
{
	char dts[8192];
	snprintf(dts, sizeof(dts), dts_fmt, mux_config, hoard_a, hoard_b,
		 hoard_r);
	memset(&sys, 0, sizeof(sys));
	assert_int_equal(
		sdvf_system_load_dts(&sys, "test_rx_mux", dts, table, stderr),
		0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	return sdvf_sim_init(sim);
}

static void boot_with(const char *mux_config, int hoard_a, int hoard_b,
		      int hoard_r)
{
	assert_int_equal(init_with(mux_config, hoard_a, hoard_b, hoard_r), 0);
	run();
	drv = sdvf_sim_state(sim, "drv");
	ca = sdvf_sim_state(sim, "a");
	cb = sdvf_sim_state(sim, "b");
	cr = sdvf_sim_state(sim, "r");
}

static uint64_t counter(const char *name)
{
	bool found = false;
	uint64_t v = sdvf_sim_counter(sim, "mux", name, &found);
	assert_true(found);
	return v;
}

/* The driver fills one of its buffers with a frame to `dst` of `len`
 * bytes, tagged `tag`, and pushes it to the mux; no step runs.  Returns
 * the buffer's index. */
static uint32_t drv_push(const uint8_t *dst, uint16_t len, uint8_t tag)
{
	uint32_t idx = 0;
	while (idx < NBUFS && !drv->holds[idx])
		idx++;
	assert_true(idx < NBUFS);
	drv->holds[idx] = false;
	drv->held--;
	uint8_t *p = drv->dma + (uint64_t)idx * SDVF_BUF_SIZE;
	memcpy(p, dst, 6);
	memset(p + 6, 0x99, 6);
	p[12] = 0x08;
	p[13] = 0x00;
	memset(p + 14, tag, len - 14u);
	struct sdvf_desc d = {.io_or_offset = DMA_IO + idx * SDVF_BUF_SIZE,
			      .len = len};
	assert_true(sdvf_queue_push(&drv->rx_active, &d));
	sdvf_queue_publish(&drv->rx_active);
	sdvf_sim_inject(sim, "mux", "rx");
	return idx;
}

static void send(const uint8_t *dst, uint16_t len, uint8_t tag)
{
	drv_push(dst, len, tag);
	run();
}

/* Client `c` (PD `pd`, channel cN at the mux) puts `offset` on rx_free. */
static void give_back(struct test_client *c, const char *mux_ch,
		      uint64_t offset)
{
	for (uint32_t i = 0; i < c->nheld; i++)
		if (c->held[i] == offset) {
			c->held[i] = c->held[--c->nheld];
			break;
		}
	struct sdvf_desc d = {.io_or_offset = offset};
	assert_true(sdvf_queue_push(&c->rx_free, &d));
	sdvf_queue_publish(&c->rx_free);
	sdvf_sim_inject(sim, "mux", mux_ch);
	run();
}

/* Every DMA buffer is with the driver or lent to remap clients, once; a
 * copy client holds exactly what the mux counts in flight for it. */
static int conserved(void **unused)
{
	(void)unused;
	run();
	bool lent[NBUFS] = {0};
	uint32_t nlent = 0;
	struct test_client *remap[2] = {cb, cr};
	for (int k = 0; k < 2; k++)
		for (uint32_t i = 0; i < remap[k]->nheld; i++) {
			uint64_t idx = remap[k]->held[i] / SDVF_BUF_SIZE;
			assert_true(idx < NBUFS);
			assert_false(drv->holds[idx]);
			if (!lent[idx])
				nlent++;
			lent[idx] = true;
		}
	assert_int_equal(drv->bogus, 0);
	assert_int_equal(drv->held + nlent, NBUFS);
	/* The mux's gauges say the same. */
	assert_int_equal(counter("dma_bufs"), NBUFS);
	assert_int_equal(counter("dma_driver"), drv->held);
	assert_int_equal(counter("dma_lent"), nlent);
	assert_int_equal(counter("dma_mux"), 0);
	assert_int_equal(counter("c0.in_flight"), ca->nheld);
	assert_int_equal(counter("c1.in_flight"), cb->nheld);
	assert_int_equal(counter("c2.in_flight"), cr->nheld);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

/* After a system that refused to start: nothing to count. */
static int shutdown(void **unused)
{
	(void)unused;
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

/* ---- counters -------------------------------------------------------- */

static void rx_mux_publishes_every_documented_counter_of_its_clients(void **u)
{
	(void)u;
	boot_with("", 0, 0, 0);
	assert_int_equal(sdvf_sim_counters_refused(sim, "mux"), 0);
	int checked = 0;
	for (const struct sdvf_counter_doc *d = rx_mux_component.counters;
	     d->name; d++) {
		bool absent_client = d->name[0] == 'c' && d->name[1] >= '3' &&
				     d->name[1] <= '7';
		/* this system does not switch: no queues from tx_mux */
		bool switch_queue = strncmp(d->name, "sw_", 3) == 0 &&
				    strstr(d->name, ".bad_index");
		if (strchr(d->name, '*') || absent_client || switch_queue)
			continue;
		bool found = false;
		sdvf_sim_counter(sim, "mux", d->name, &found);
		if (!found)
			fail_msg("documented, not published: %s", d->name);
		checked++;
	}
	/* 19 + 2 queues of its own; per client 10 + 2 queues */
	assert_int_equal(checked, 21 + 3 * 12);
	bool found = false;
	sdvf_sim_counter(sim, "mux", "c2.viol.out_of_range", &found);
	assert_true(found);
}

/* A return's length means nothing on RX (the mux never reads it), so no
 * counter claims to count bad ones: every published viol.* can move. */
static void rx_mux_publishes_no_return_violation_it_cannot_see(void **u)
{
	(void)u;
	boot_with("", 0, 0, 0);
	bool found = true;
	sdvf_sim_counter(sim, "mux", "c0.viol.bad_length", &found);
	assert_false(found);
	sdvf_sim_counter(sim, "mux", "c0.viol.not_owner", &found);
	assert_true(found);
}

/* ---- classification ------------------------------------------------- */

static void rx_mux_gives_every_buffer_to_the_driver_at_start(void **unused)
{
	(void)unused;
	boot_with("", 0, 0, 0);
	assert_int_equal(drv->held, NBUFS);
}

static void rx_mux_copies_unicast_to_its_client_only(void **unused)
{
	(void)unused;
	boot_with("", 0, 0, 0);
	send(mac_a, 100, 0x5a);
	assert_int_equal(ca->nrx, 1);
	assert_int_equal(ca->rec[0].len, 100);
	assert_memory_equal(ca->rec[0].head, mac_a, 6);
	assert_int_equal(ca->rec[0].head[14], 0x5a);
	assert_int_equal(cb->nrx, 0);
	assert_int_equal(cr->nrx, 0);
	assert_int_equal(counter("c0.rx_frames"), 1);
	assert_int_equal(counter("c0.rx_bytes"), 100);
	assert_int_equal(counter("c0.returned"), 1);
}

static void rx_mux_lends_unicast_to_its_remap_client_only(void **unused)
{
	(void)unused;
	boot_with("", 0, 1, 0);
	uint32_t idx = drv_push(mac_b, 64, 0x11);
	run();
	assert_int_equal(cb->nrx, 1);
	assert_int_equal(cb->rec[0].offset, idx * SDVF_BUF_SIZE);
	assert_int_equal(cb->rec[0].len, 64);
	assert_int_equal(cb->rec[0].head[14], 0x11);
	assert_int_equal(ca->nrx + cr->nrx, 0);
	assert_int_equal(drv->held, NBUFS - 1);
}

static void rx_mux_delivers_broadcast_to_every_client(void **unused)
{
	(void)unused;
	boot_with("", 0, 0, 0);
	send(bcast, 60, 0x22);
	assert_int_equal(ca->nrx, 1);
	assert_int_equal(cb->nrx, 1);
	assert_int_equal(cr->nrx, 1);
	assert_int_equal(cb->rec[0].offset, cr->rec[0].offset);
	assert_int_equal(ca->rec[0].head[14], 0x22);
}

static void rx_mux_delivers_multicast_to_acceptors_only(void **unused)
{
	(void)unused;
	boot_with("", 0, 0, 0);
	send(group, 60, 0x33);
	assert_int_equal(ca->nrx, 1);
	assert_int_equal(cb->nrx, 0);
	assert_int_equal(cr->nrx, 1);
}

static void rx_mux_drops_and_counts_unknown_unicast(void **unused)
{
	(void)unused;
	boot_with("", 0, 0, 0);
	send(mac_unknown, 60, 0x44);
	assert_int_equal(ca->nrx + cb->nrx + cr->nrx, 0);
	assert_int_equal(counter("drop.unknown_unicast"), 1);
	assert_int_equal(counter("rx_frames"), 1);
	assert_int_equal(drv->held, NBUFS);
}

/* The driver takes buffer idx out of its hands for a descriptor the test
 * writes itself (rx_frame's checks); the frame goes to `dst`. */
static uint32_t drv_claim(const uint8_t *dst)
{
	uint32_t idx = 0;
	while (idx < NBUFS && !drv->holds[idx])
		idx++;
	assert_true(idx < NBUFS);
	drv->holds[idx] = false;
	drv->held--;
	uint8_t *p = drv->dma + (uint64_t)idx * SDVF_BUF_SIZE;
	memcpy(p, dst, 6);
	memset(p + 6, 0x99, SDVF_BUF_SIZE - 6);
	return idx;
}

static void drv_push_raw(uint64_t io, uint16_t len, uint16_t flags)
{
	struct sdvf_desc d = {.io_or_offset = io, .len = len, .flags = flags};
	assert_true(sdvf_queue_push(&drv->rx_active, &d));
	sdvf_queue_publish(&drv->rx_active);
	sdvf_sim_inject(sim, "mux", "rx");
	run();
}

static void rx_mux_drops_and_counts_broadcast_nobody_accepts(void **unused)
{
	(void)unused;
	boot_with("c0_broadcast = <0>; c1_broadcast = <0>; "
		  "c2_broadcast = <0>;",
		  0, 0, 0);
	send(bcast, 60, 0x45);
	assert_int_equal(ca->nrx + cb->nrx + cr->nrx, 0);
	assert_int_equal(counter("drop.no_listener"), 1);
	assert_int_equal(counter("drop.unknown_unicast"), 0);
	assert_int_equal(drv->held, NBUFS);
}

/* Lengths outside 14..1518, and a frame the driver flagged REJECTED, reach
 * nobody; each buffer goes straight back to the driver. */
static void rx_mux_drops_and_counts_driver_frames_of_bad_length(void **u)
{
	(void)u;
	boot_with("", 0, 0, 0);
	const uint16_t len[3] = {13, SDVF_NET_FRAME_MAX + 1, 60};
	for (int k = 0; k < 3; k++) {
		uint32_t idx = drv_claim(mac_a);
		drv_push_raw(DMA_IO + (uint64_t)idx * SDVF_BUF_SIZE, len[k],
			     k == 2 ? SDVF_NET_REJECTED : 0);
	}
	assert_int_equal(counter("drop.bad_length"), 3);
	assert_int_equal(counter("rx_frames"), 3);
	assert_int_equal(ca->nrx, 0);
	assert_int_equal(drv->held, NBUFS);
}

/* io addresses the driver does not hold (past rx_dma, misaligned, one lent
 * to a remap client): counted as bad_desc, delivered to nobody, and never
 * given to the driver (the teardown checks drv->bogus). */
static void rx_mux_ignores_io_addresses_the_driver_does_not_hold(void **u)
{
	(void)u;
	boot_with("", 0, 1, 0);
	uint32_t lent = drv_push(mac_b, 60, 0x31);
	run();
	assert_int_equal(cb->nrx, 1);
	drv_push_raw(DMA_IO + (uint64_t)lent * SDVF_BUF_SIZE, 60, 0);
	drv_push_raw(DMA_IO + (uint64_t)NBUFS * SDVF_BUF_SIZE, 60, 0);
	drv_push_raw(DMA_IO + 8, 60, 0);
	assert_int_equal(counter("bad_desc"), 3);
	assert_int_equal(counter("rx_frames"), 1);
	assert_int_equal(cb->nrx, 1);
	assert_int_equal(ca->nrx + cr->nrx, 0);
}

/* Even the trusted driver's indices are checked: a tail more than a queue
 * ahead is counted as rx_active.bad_index and nothing is taken. */
static void rx_mux_counts_an_impossible_driver_tail(void **u)
{
	(void)u;
	boot_with("", 0, 0, 0);
	uint32_t sane = atomic_load(&drv->rx_active.shared->tail);
	atomic_store(&drv->rx_active.shared->tail, sane + 16 + 1);
	sdvf_sim_inject(sim, "mux", "rx");
	run();
	assert_true(counter("rx_active.bad_index") >= 1);
	assert_int_equal(counter("rx_frames"), 0);
	atomic_store(&drv->rx_active.shared->tail, sane);
	send(mac_a, 60, 0x12);
	assert_int_equal(ca->nrx, 1);
}

/* A client that feeds its rx_free garbage from another core as fast as
 * the mux refuses it (the test's second thread plays it, on the shared
 * queue as a hosted client would). */
struct flood {
	struct sdvf_queue *rx_free;
	atomic_bool stop;
	uint64_t pushed;
};

#define FLOOD_MAX 100000u

static void *flood_rx_free(void *arg)
{
	struct flood *f = arg;
	const struct sdvf_desc junk = {.io_or_offset = 8}; /* misaligned */
	while (!atomic_load(&f->stop) && f->pushed < FLOOD_MAX) {
		if (sdvf_queue_push(f->rx_free, &junk)) {
			sdvf_queue_publish(f->rx_free);
			f->pushed++;
		}
	}
	return NULL;
}

/* One activation for a's notification refuses at most a queue's worth
 * (16) of a's returns, however fast a keeps writing more: the mux hands
 * the slots back (publishes its head) once, at the end of the activation,
 * so a cannot refill them meanwhile and keep the mux from the driver and
 * the other clients.  (An honest client returns at most its cap <= 16.) */
static void rx_mux_bounds_the_returns_it_takes_per_activation(void **u)
{
	(void)u;
	boot_with("", 0, 0, 0);
	struct flood f = {.rx_free = &ca->rx_free};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, flood_rx_free, &f), 0);
	/* let the flood fill the queue first (the shared tail only: the
	 * handle is the flood thread's) */
	while (atomic_load_explicit(&ca->rx_free.shared->tail,
				    memory_order_acquire) < 16)
		;
	sdvf_sim_inject(sim, "mux", "c0");
	assert_true(sdvf_sim_step(sim));
	atomic_store(&f.stop, true);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(counter("c0.viol.misaligned"), 16);
	send(mac_r, 60, 0x13);
	assert_int_equal(cr->nrx, 1);
}

/* a consumed and returned 16 frames, so the mux's cached view of its
 * rx_active is spent and the next delivery re-reads a's head. */
static void fill_a_rx_active_view(void)
{
	for (int i = 0; i < 16; i++)
		send(mac_a, 60, (uint8_t)i);
	assert_int_equal(ca->nrx, 16);
	assert_int_equal(counter("c0.in_flight"), 0);
}

/* a moves its rx_active head back so the queue looks full: the frame for
 * a is dropped (drop.queue_full), r's arrives; with the head true again
 * a's next frame arrives. */
static void rx_mux_drops_for_a_client_whose_head_says_full(void **u)
{
	(void)u;
	boot_with("", 0, 0, 0);
	fill_a_rx_active_view();
	atomic_store(&ca->rx_active.shared->head, 0);
	send(mac_a, 60, 0x70);
	send(mac_r, 60, 0x71);
	assert_int_equal(counter("c0.drop.queue_full"), 1);
	assert_int_equal(ca->nrx, 16);
	assert_int_equal(cr->nrx, 1);
	atomic_store(&ca->rx_active.shared->head, 16);
	send(mac_a, 60, 0x72);
	assert_int_equal(ca->nrx, 17);
	assert_int_equal(counter("c0.drop.queue_full"), 1);
}

/* a publishes an rx_active head ahead of the tail: c0_rx_active.bad_index,
 * the mux keeps its last sane view (full) and drops for a alone. */
static void rx_mux_counts_an_impossible_client_head(void **u)
{
	(void)u;
	boot_with("", 0, 0, 0);
	fill_a_rx_active_view();
	atomic_store(&ca->rx_active.shared->head, 16 + 5);
	send(mac_a, 60, 0x70);
	send(mac_r, 60, 0x71);
	assert_true(counter("c0_rx_active.bad_index") >= 1);
	assert_int_equal(counter("c2_rx_active.bad_index"), 0);
	assert_int_equal(counter("c0.drop.queue_full"), 1);
	assert_int_equal(cr->nrx, 1);
	atomic_store(&ca->rx_active.shared->head, 16);
	send(mac_a, 60, 0x72);
	assert_int_equal(ca->nrx, 17);
}

/* a publishes an rx_free tail more than a queue ahead: c0_rx_free.bad_index,
 * nothing is taken as returned, and a's books stand. */
static void rx_mux_counts_an_impossible_client_tail(void **u)
{
	(void)u;
	boot_with("", 0, 0, 0);
	send(mac_a, 60, 0x10);
	assert_int_equal(counter("c0.returned"), 1);
	uint32_t sane = atomic_load(&ca->rx_free.shared->tail);
	atomic_store(&ca->rx_free.shared->tail, sane + 16 + 1);
	sdvf_sim_inject(sim, "mux", "c0");
	run();
	assert_true(counter("c0_rx_free.bad_index") >= 1);
	assert_int_equal(counter("c0.returned"), 1);
	assert_int_equal(counter("c0.viol.not_owner") +
				 counter("c0.viol.misaligned") +
				 counter("c0.viol.out_of_range"),
			 0);
	atomic_store(&ca->rx_free.shared->tail, sane);
	send(mac_a, 60, 0x11);
	assert_int_equal(ca->nrx, 2);
	assert_int_equal(counter("c0.returned"), 2);
}

/* ---- refill and sharing --------------------------------------------- */

static void rx_mux_returns_a_copied_buffer_in_the_same_activation(void **u)
{
	(void)u;
	boot_with("", 0, 0, 0);
	struct sdvf_queue_shared *rx_free =
		sdvf_sim_region(sim, "rx_free", NULL);
	uint32_t tail = atomic_load(&rx_free->tail);
	drv_push(mac_a, 60, 0x55);
	assert_true(sdvf_sim_step(sim)); /* the mux's activation alone */
	assert_int_equal(atomic_load(&rx_free->tail), tail + 1);
	assert_int_equal(ca->nrx, 0); /* a has not run yet */
}

static void rx_mux_signals_each_peer_once_per_activation(void **u)
{
	(void)u;
	boot_with("", 0, 0, 0);
	uint64_t to_a = sdvf_sim_notifications(sim, "mux", "c0");
	uint64_t to_b = sdvf_sim_notifications(sim, "mux", "c1");
	uint64_t to_r = sdvf_sim_notifications(sim, "mux", "c2");
	uint64_t to_drv = sdvf_sim_notifications(sim, "mux", "rx");
	for (int i = 0; i < 4; i++) {
		drv_push(mac_a, 60, (uint8_t)i);
		drv_push(mac_r, 60, (uint8_t)i);
	}
	uint64_t before = sdvf_sim_activations(sim, "mux");
	assert_true(sdvf_sim_step(sim));
	assert_int_equal(sdvf_sim_activations(sim, "mux"), before + 1);
	assert_int_equal(sdvf_sim_notifications(sim, "mux", "c0"), to_a + 1);
	assert_int_equal(sdvf_sim_notifications(sim, "mux", "c1"), to_b);
	assert_int_equal(sdvf_sim_notifications(sim, "mux", "c2"), to_r + 1);
	assert_int_equal(sdvf_sim_notifications(sim, "mux", "rx"), to_drv + 1);
	run();
	assert_int_equal(ca->nrx, 4);
	assert_int_equal(cr->nrx, 4);
}

/* The per-mux counters after each step of a script, exactly: every
 * notification the mux handles is an activation (the sim counts the same),
 * a batch is one activation's frames from the driver (a dropped frame
 * too), and notify_drv / notify_clients are the signals the sim saw the
 * mux send on rx and on c0..c2. */
static void expect_mux(uint64_t act, uint64_t batches, uint64_t most,
		       uint64_t to_drv, uint64_t to_clients)
{
	assert_int_equal(counter("activations"), act);
	assert_int_equal(sdvf_sim_activations(sim, "mux"), act);
	assert_int_equal(counter("batches"), batches);
	assert_int_equal(counter("batch_max"), most);
	assert_int_equal(counter("notify_drv"), to_drv);
	assert_int_equal(sdvf_sim_notifications(sim, "mux", "rx"), to_drv);
	assert_int_equal(counter("notify_clients"), to_clients);
	assert_int_equal(sdvf_sim_notifications(sim, "mux", "c0") +
				 sdvf_sim_notifications(sim, "mux", "c1") +
				 sdvf_sim_notifications(sim, "mux", "c2"),
			 to_clients);
}

static void rx_mux_counts_activations_batches_and_notifications(void **u)
{
	(void)u;
	boot_with("", 0, 1, 1); /* b and r hoard */
	/* init gave the driver its buffers (one signal); the driver's
	 * answer is an activation with no frame */
	expect_mux(1, 0, 0, 1, 0);
	for (int i = 0; i < 3; i++) {
		drv_push(mac_a, 60, (uint8_t)i);
		drv_push(mac_r, 60, (uint8_t)i);
	}
	drv_push(mac_unknown, 60, 9); /* dropped, still taken */
	assert_true(sdvf_sim_step(sim));
	/* one activation took 7: the copies back to the driver (one
	 * signal), a and r woken */
	expect_mux(2, 1, 7, 2, 2);
	run();
	/* a's and r's signals: two activations with no driver frame; the
	 * copies a gave back concern nobody else, a is answered */
	assert_int_equal(ca->nrx, 3);
	assert_int_equal(cr->nheld, 3);
	expect_mux(4, 1, 7, 2, 3);
	send(bcast, 60, 1);
	/* a batch of 1, copied to a and lent to b and r (so the driver
	 * hears nothing), each woken; then a's and b's signals */
	expect_mux(7, 2, 7, 2, 6);
	give_back(cr, "c2", cr->held[0]);
	/* r's first buffer, lent to it alone, back to the driver */
	expect_mux(9, 2, 7, 3, 7);
	for (int i = 0; i < 8; i++)
		drv_push(mac_a, 60, (uint8_t)i);
	run();
	/* a bigger batch raises batch_max */
	expect_mux(11, 3, 8, 4, 8);
	while (cr->nheld)
		give_back(cr, "c2", cr->held[0]);
	while (cb->nheld)
		give_back(cb, "c1", cb->held[0]);
	assert_int_equal(counter("batches"), 3);
	assert_int_equal(counter("batch_max"), 8);
}

static void rx_mux_returns_a_shared_buffer_after_the_last_holder(void **u)
{
	(void)u;
	boot_with("", 0, 1, 1);
	uint32_t idx = drv_push(bcast, 60, 0x66);
	run();
	assert_int_equal(drv->held, NBUFS - 1);
	give_back(cb, "c1", idx * SDVF_BUF_SIZE);
	assert_int_equal(drv->held, NBUFS - 1);
	assert_false(drv->holds[idx]);
	give_back(cr, "c2", idx * SDVF_BUF_SIZE);
	assert_int_equal(drv->held, NBUFS);
	assert_true(drv->holds[idx]);
}

/* ---- isolation between clients -------------------------------------- */

static void rx_mux_hoarding_client_loses_only_its_own_frames(void **u)
{
	(void)u;
	boot_with("c0_rx_cap = <4>;", 1, 0, 0);
	for (int i = 0; i < 10; i++) {
		send(mac_a, 60, (uint8_t)i);
		send(mac_r, 60, (uint8_t)i);
	}
	assert_int_equal(ca->nrx, 4);
	assert_int_equal(counter("c0.drop.cap"), 6);
	assert_int_equal(cr->nrx, 10);
	assert_int_equal(counter("c2.rx_frames"), 10);
	assert_int_equal(counter("c2.drop.cap"), 0);
	assert_int_equal(drv->held, NBUFS);
}

/* b's default cap is 16 / (2 remap clients + 1) = 5: what it hoards comes
 * out of the driver's pool, so the pool must outlast it. */
static void rx_mux_hoarding_remap_client_leaves_the_driver_buffers(void **u)
{
	(void)u;
	boot_with("", 0, 1, 0);
	for (int i = 0; i < 10; i++)
		send(mac_b, 60, (uint8_t)i);
	assert_int_equal(cb->nrx, 5);
	assert_int_equal(counter("c1.drop.cap"), 5);
	assert_int_equal(drv->held, NBUFS - 5);
	for (int i = 0; i < 20; i++) {
		send(mac_a, 60, (uint8_t)i);
		send(mac_r, 60, (uint8_t)i);
	}
	assert_int_equal(ca->nrx, 20);
	assert_int_equal(cr->nrx, 20);
	assert_int_equal(counter("c0.drop.cap") + counter("c2.drop.cap"), 0);
}

static void rx_mux_refuses_remap_caps_that_could_empty_the_pool(void **u)
{
	(void)u;
	assert_int_not_equal(
		init_with("c1_rx_cap = <8>; c2_rx_cap = <8>;", 0, 0, 0), 0);
}

static void rx_mux_refuses_switch_to_without_sw_pool(void **u)
{
	(void)u;
	assert_int_not_equal(init_with("c0_switch_to = <2>;", 0, 0, 0), 0);
}

static void rx_mux_rate_limit_drops_for_that_client_only(void **u)
{
	(void)u;
	/* 8 kbit/s, a burst of one largest frame: one 1000-byte frame now. */
	boot_with("c0_rate = <8000>; c0_burst = <1518>;", 0, 0, 0);
	for (int i = 0; i < 5; i++) {
		send(mac_a, 1000, (uint8_t)i);
		send(mac_r, 1000, (uint8_t)i);
	}
	assert_int_equal(ca->nrx, 1);
	assert_int_equal(counter("c0.drop.rate_limit"), 4);
	assert_int_equal(cr->nrx, 5);
	assert_int_equal(counter("c2.drop.rate_limit"), 0);
}

static void rx_mux_rejects_duplicate_foreign_and_unlent_returns(void **u)
{
	(void)u;
	boot_with("", 0, 1, 1);
	uint32_t mine = drv_push(mac_r, 60, 1);
	uint32_t theirs = drv_push(mac_b, 60, 2);
	run();
	uint32_t unlent = 0;
	while (!drv->holds[unlent])
		unlent++;
	give_back(cr, "c2", mine * SDVF_BUF_SIZE);
	give_back(cr, "c2", mine * SDVF_BUF_SIZE);   /* duplicate */
	give_back(cr, "c2", theirs * SDVF_BUF_SIZE); /* b's */
	give_back(cr, "c2", unlent * SDVF_BUF_SIZE); /* the driver's */
	give_back(cr, "c2", theirs * SDVF_BUF_SIZE + 1);
	give_back(cr, "c2", NBUFS * SDVF_BUF_SIZE);
	assert_int_equal(counter("c2.viol.not_owner"), 3);
	assert_int_equal(counter("c2.viol.misaligned"), 1);
	assert_int_equal(counter("c2.viol.out_of_range"), 1);
	assert_int_equal(counter("c2.returned"), 1);
	assert_int_equal(counter("c1.viol.not_owner"), 0);
	assert_int_equal(cb->nheld, 1);
	assert_int_equal(drv->held, NBUFS - 1);
}

static void rx_mux_rejects_a_copy_clients_duplicate_return(void **u)
{
	(void)u;
	boot_with("", 1, 0, 0);
	send(mac_a, 60, 1);
	uint64_t offset = ca->held[0];
	give_back(ca, "c0", offset);
	give_back(ca, "c0", offset);
	assert_int_equal(counter("c0.returned"), 1);
	assert_int_equal(counter("c0.viol.not_owner"), 1);
	send(mac_a, 60, 2); /* the refused return cost nothing */
	assert_int_equal(ca->nrx, 2);
}

/* ---- restarts ------------------------------------------------------- */

static void rx_mux_reclaims_a_restarted_copy_clients_buffers(void **u)
{
	(void)u;
	boot_with("", 1, 0, 0);
	for (int i = 0; i < 3; i++)
		send(mac_a, 60, (uint8_t)i);
	assert_int_equal(counter("c0.in_flight"), 3);
	assert_int_equal(sdvf_sim_restart(sim, "a"), 0);
	run();
	ca = sdvf_sim_state(sim, "a");
	assert_int_equal(counter("c0.reclaimed"), 3);
	assert_int_equal(counter("c0.in_flight"), 0);
	send(mac_a, 60, 9);
	assert_int_equal(ca->nrx, 1);
	assert_int_equal(ca->rec[0].head[14], 9);
}

static void rx_mux_keeps_a_shared_buffer_lent_past_one_restart(void **u)
{
	(void)u;
	boot_with("", 0, 1, 1);
	uint32_t idx = drv_push(bcast, 60, 7);
	run();
	assert_int_equal(sdvf_sim_restart(sim, "b"), 0);
	run();
	cb = sdvf_sim_state(sim, "b");
	assert_int_equal(counter("c1.reclaimed"), 1);
	assert_int_equal(drv->held, NBUFS - 1);
	/* the gauges: still lent to r, the rest at the driver */
	assert_int_equal(counter("dma_lent"), 1);
	assert_int_equal(counter("dma_driver"), NBUFS - 1);
	give_back(cr, "c2", idx * SDVF_BUF_SIZE);
	assert_int_equal(drv->held, NBUFS);
}

static void rx_mux_refills_a_restarted_driver_but_keeps_lent_ones(void **u)
{
	(void)u;
	boot_with("", 0, 0, 1);
	uint32_t idx = drv_push(bcast, 60, 8);
	run();
	assert_int_equal(sdvf_sim_restart(sim, "drv"), 0);
	run();
	drv = sdvf_sim_state(sim, "drv");
	assert_int_equal(drv->held, NBUFS - 1);
	assert_false(drv->holds[idx]);
	give_back(cr, "c2", idx * SDVF_BUF_SIZE);
	assert_int_equal(drv->held, NBUFS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, conserved)
		T(rx_mux_gives_every_buffer_to_the_driver_at_start),
		T(rx_mux_publishes_every_documented_counter_of_its_clients),
		T(rx_mux_publishes_no_return_violation_it_cannot_see),
		T(rx_mux_copies_unicast_to_its_client_only),
		T(rx_mux_lends_unicast_to_its_remap_client_only),
		T(rx_mux_delivers_broadcast_to_every_client),
		T(rx_mux_delivers_multicast_to_acceptors_only),
		T(rx_mux_drops_and_counts_unknown_unicast),
		T(rx_mux_drops_and_counts_broadcast_nobody_accepts),
		T(rx_mux_drops_and_counts_driver_frames_of_bad_length),
		T(rx_mux_ignores_io_addresses_the_driver_does_not_hold),
		T(rx_mux_drops_for_a_client_whose_head_says_full),
		T(rx_mux_counts_an_impossible_client_head),
		T(rx_mux_counts_an_impossible_client_tail),
		T(rx_mux_counts_an_impossible_driver_tail),
		T(rx_mux_bounds_the_returns_it_takes_per_activation),
		T(rx_mux_returns_a_copied_buffer_in_the_same_activation),
		T(rx_mux_signals_each_peer_once_per_activation),
		T(rx_mux_counts_activations_batches_and_notifications),
		T(rx_mux_returns_a_shared_buffer_after_the_last_holder),
		T(rx_mux_hoarding_client_loses_only_its_own_frames),
		T(rx_mux_hoarding_remap_client_leaves_the_driver_buffers),
		cmocka_unit_test_teardown(
			rx_mux_refuses_remap_caps_that_could_empty_the_pool,
			shutdown),
		cmocka_unit_test_teardown(
			rx_mux_refuses_switch_to_without_sw_pool, shutdown),
		T(rx_mux_rate_limit_drops_for_that_client_only),
		T(rx_mux_rejects_duplicate_foreign_and_unlent_returns),
		T(rx_mux_reclaims_a_restarted_copy_clients_buffers),
		T(rx_mux_keeps_a_shared_buffer_lent_past_one_restart),
		T(rx_mux_refills_a_restarted_driver_but_keeps_lent_ones),
		T(rx_mux_rejects_a_copy_clients_duplicate_return),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
