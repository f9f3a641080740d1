/*
 * net_client (clients/net_client.c), the client side of the muxes, as a
 * specification.  One client PD `cl` runs a small test component on
 * net_client; the muxes are passive stubs and the test plays them on the
 * queues directly (sdvf_sim_region): it lends RX frames on rx_active,
 * takes them back off rx_free, takes frames off tx_active and completes
 * them on tx_free.  rx_data and tx_data hold 8 buffers each; both queue
 * pairs have 4 slots, so the client owns 4 TX buffers.  Every test ends
 * with buffer conservation: each TX buffer idle, being filled or at the
 * mux exactly once, and the RX buffers the client holds are the ones the
 * test lent and did not get back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clients/net_client.h"
#include "core/net.h"
#include "core/pd.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "tests/unit/fixture_sim.h"
#include "tests/unit/fixture_stub.h"

#define CAP 4u
#define DATA_BUFS 8u
#define MAX_REC 32u

/* ---- the client under test ------------------------------------------- */

struct rec {
	uint64_t offset;
	uint16_t len;
	uint16_t flags;
	uint8_t first;
};

struct tcl {
	struct net_client nc;
	bool hoard; /* keep RX frames instead of returning them */
	/* send before reaping: a completion that lands between the reap and
	 * the sends, as with a mux on another core */
	bool send_first;
	uint32_t to_send; /* frames to send at the next activation */
	uint16_t send_len;
	uint32_t sent, send_failed;
	uint32_t nrx, ndone;
	struct rec rx[MAX_REC], done[MAX_REC];
	uint64_t held[MAX_REC];
	uint32_t nheld;
};

static void tcl_send(struct tcl *c)
{
	for (; c->to_send > 0; c->to_send--) {
		struct net_tx_buf b;
		if (!net_client_tx_alloc(&c->nc, &b)) {
			c->send_failed++;
			continue;
		}
		memset(b.data, (int)(0xa0 + c->sent), c->send_len);
		assert_true(net_client_tx_send(&c->nc, b.offset, c->send_len));
		c->sent++;
	}
}

static void tcl_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct tcl *c = state;
	(void)pd;
	(void)ch;
	if (c->send_first)
		tcl_send(c);
	struct net_tx_done done;
	while (net_client_tx_reap(&c->nc, &done)) {
		struct rec *r = &c->done[c->ndone++ % MAX_REC];
		r->offset = done.offset;
		r->flags = done.flags;
	}
	struct net_rx_frame f;
	while (net_client_rx_take(&c->nc, &f)) {
		struct rec *r = &c->rx[c->nrx++ % MAX_REC];
		r->offset = f.offset;
		r->len = f.len;
		r->first = f.data[0];
		if (c->hoard)
			c->held[c->nheld++] = f.offset;
		else
			assert_true(net_client_rx_return(&c->nc, f.offset));
	}
	tcl_send(c);
	net_client_finish(&c->nc);
}

static int tcl_init(void *state, struct sdvf_pd *pd)
{
	struct tcl *c = state;
	if (!net_client_attach(&c->nc, pd))
		return -1;
	net_client_finish(&c->nc);
	return 0;
}

static void tcl_peer_restart(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct tcl *c = state;
	(void)pd;
	assert_true(net_client_peer_restart(&c->nc, ch));
}

static const struct sdvf_need tcl_needs[] = {NET_CLIENT_NEEDS, {0}};
static const struct sdvf_param tcl_params[] = {NET_CLIENT_PARAMS, {0}};
static const struct sdvf_counter_doc tcl_counters[] = {
	NET_CLIENT_COUNTER_DOCS{0}};

static const struct sdvf_component tcl_component = {
	.name = "nc_test",
	.summary = "net_client under test",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct tcl),
	.needs = tcl_needs,
	.params = tcl_params,
	.counters = tcl_counters,
	.init = tcl_init,
	.notified = tcl_notified,
	.peer_restart = tcl_peer_restart,
};

/* A passive mux: owns a channel, does nothing; c0_mac names its client's
 * station, as the muxes' do. */
static const struct sdvf_need stub_needs[] = {SDVF_NEED_CHAN("c"), {0}};
static const struct sdvf_component stub_component =
	STUB_PD("nc_stub", "passive mux", SDVF_ROLE_MUX, stub_needs,
		STUB_C0_MAC_PARAMS);

/* A passive client of another mux. */
static const struct sdvf_component peer_component =
	STUB_PD("nc_peer", "passive client", SDVF_ROLE_CLIENT, stub_needs,
		STUB_NO_PARAMS);

static const struct sdvf_component *const table[] = {
	&tcl_component, &stub_component, &peer_component, NULL};

/* Formats: extra PDs, extra channels. */
static const char dts_fmt[] =
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"
	"cl { component = \"nc_test\"; restartable;\n"
	" maps { rx_active = \"rxa\", \"rw\"; rx_free = \"rxf\", \"rw\"; "
	"rx_data = \"rxd\", \"r\";\n"
	"  tx_active = \"txa\", \"rw\"; tx_free = \"txf\", \"rw\"; "
	"tx_data = \"txd\", \"rw\"; };\n"
	" channels { rx = \"rx\"; tx = \"tx\"; };\n"
	" config { mac = [02 00 00 00 5e 01]; rx_capacity = <4>; "
	"tx_capacity = <4>; }; };\n"
	"rxm { component = \"nc_stub\"; channels { c = \"rx\"; };\n"
	" config { c0_mac = [02 00 00 00 5e 01]; }; };\n"
	"txm { component = \"nc_stub\"; channels { c = \"tx\"; };\n"
	" config { c0_mac = [02 00 00 00 5e 01]; }; };\n"
	"%s};\nregions {\n rxa { size = <0x1000>; }; rxf { size = <0x1000>; "
	"};\n"
	" txa { size = <0x1000>; }; txf { size = <0x1000>; };\n"
	" rxd { size = <0x4000>; }; txd { size = <0x4000>; };\n};\n"
	"channels { rx { ends = \"cl\", \"rxm\"; }; tx { ends = \"cl\", "
	"\"txm\"; }; %s};\n};\n";

/* ---- the test's mux side -------------------------------------------- */

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static struct sdvf_queue m_rx_active, m_rx_free, m_tx_active, m_tx_free;
static uint8_t *rx_data;
/* RX buffers lent and not given back, by slot. */
static int lent[DATA_BUFS];

static struct tcl *cl(void)
{
	return sdvf_sim_state(sim, "cl");
}

static int setup(void **state)
{
	(void)state;
	memset(lent, 0, sizeof(lent));
	char dts[4096];
	snprintf(dts, sizeof(dts), dts_fmt, "", "");
	sim = sim_boot(&sys, "test_net_client", dts, table);
	sim_attach(sim, &m_rx_active, "rxa", CAP);
	sim_attach(sim, &m_rx_free, "rxf", CAP);
	sim_attach(sim, &m_tx_active, "txa", CAP);
	sim_attach(sim, &m_tx_free, "txf", CAP);
	rx_data = sdvf_sim_region(sim, "rxd", NULL);
	sdvf_sim_run(sim, 10000);
	return 0;
}

static uint64_t counter(const char *name)
{
	bool found = false;
	uint64_t v = sdvf_sim_counter(sim, "cl", name, &found);
	assert_true(found);
	return v;
}

static uint64_t notes(const char *channel)
{
	return sdvf_sim_notifications(sim, "cl", channel);
}

static void kick(const char *channel)
{
	sdvf_sim_inject(sim, "cl", channel);
	sdvf_sim_run(sim, 10000);
}

/* The client is asked to send n frames of len bytes, and runs. */
static void client_sends(struct tcl *c, uint32_t n, uint16_t len)
{
	c->to_send = n;
	c->send_len = len;
	kick("tx");
}

/* RX mux: lend rx_data slot `slot` (offset given raw when not a slot). */
static void lend(uint64_t offset, uint16_t len)
{
	struct sdvf_desc d = {.io_or_offset = offset, .len = len};
	assert_true(sdvf_queue_push(&m_rx_active, &d));
	sdvf_queue_publish(&m_rx_active);
	if (offset % SDVF_BUF_SIZE == 0 && offset / SDVF_BUF_SIZE < DATA_BUFS)
		lent[offset / SDVF_BUF_SIZE]++;
}

static void lend_slot(uint32_t slot, uint16_t len, uint8_t first)
{
	rx_data[slot * SDVF_BUF_SIZE] = first;
	lend((uint64_t)slot * SDVF_BUF_SIZE, len);
}

/* RX mux: take every returned offset off rx_free; how many. */
static uint32_t take_returns(uint64_t *out)
{
	struct sdvf_desc d;
	uint32_t n = 0;
	while (sdvf_queue_pop(&m_rx_free, &d)) {
		assert_int_equal(d.io_or_offset % SDVF_BUF_SIZE, 0);
		assert_true(d.io_or_offset / SDVF_BUF_SIZE < DATA_BUFS);
		lent[d.io_or_offset / SDVF_BUF_SIZE]--;
		if (out)
			out[n] = d.io_or_offset;
		n++;
	}
	sdvf_queue_release(&m_rx_free);
	return n;
}

/* TX mux: take every frame off tx_active; how many. */
static uint32_t take_frames(struct sdvf_desc *out)
{
	struct sdvf_desc d;
	uint32_t n = 0;
	while (sdvf_queue_pop(&m_tx_active, &d))
		out[n++] = d;
	sdvf_queue_release(&m_tx_active);
	return n;
}

static void complete(uint64_t offset, uint16_t flags)
{
	struct sdvf_desc d = {.io_or_offset = offset, .flags = flags};
	assert_true(sdvf_queue_push(&m_tx_free, &d));
	sdvf_queue_publish(&m_tx_free);
}

/* Conservation: every TX buffer in exactly one place; the client holds
 * exactly the RX buffers lent and not returned. */
static int teardown(void **state)
{
	(void)state;
	struct tcl *c = cl();
	const struct net_client *nc = &c->nc;
	uint32_t filling = sdvf_own_held(&nc->tx_own, 2);
	assert_int_equal(net_client_tx_idle(nc) + filling +
				 net_client_tx_at_mux(nc),
			 CAP);
	bool in_idle[CAP] = {false};
	for (uint32_t i = 0; i < nc->ntx_idle; i++) {
		assert_true(nc->tx_idle[i] < CAP);
		assert_false(in_idle[nc->tx_idle[i]]);
		in_idle[nc->tx_idle[i]] = true;
	}
	uint32_t lent_now = 0;
	for (uint32_t i = 0; i < DATA_BUFS; i++) {
		assert_true(lent[i] == 0 || lent[i] == 1);
		lent_now += (uint32_t)lent[i];
	}
	assert_int_equal(net_client_rx_held(nc) + nc->nrx_backlog +
				 sdvf_queue_available(&m_rx_free),
			 lent_now);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	sim = NULL;
	return 0;
}

/* ---- attach ------------------------------------------------------------ */

static void starts_with_every_tx_buffer_the_queue_allows_and_no_rx(void **s)
{
	(void)s;
	struct tcl *c = cl();
	assert_int_equal(net_client_tx_idle(&c->nc), CAP);
	assert_int_equal(net_client_tx_at_mux(&c->nc), 0);
	assert_int_equal(net_client_rx_held(&c->nc), 0);
	assert_memory_equal(c->nc.mac, ((uint8_t[]){2, 0, 0, 0, 0x5e, 1}), 6);
	/* Nothing moved at init: no mux was woken. */
	assert_int_equal(notes("rx"), 0);
	assert_int_equal(notes("tx"), 0);
}

/* ---- RX ----------------------------------------------------------------- */

static void rx_frame_is_taken_and_its_offset_given_back(void **s)
{
	(void)s;
	lend_slot(3, 60, 0x42);
	kick("rx");
	struct tcl *c = cl();
	assert_int_equal(c->nrx, 1);
	assert_int_equal(c->rx[0].offset, 3 * SDVF_BUF_SIZE);
	assert_int_equal(c->rx[0].len, 60);
	assert_int_equal(c->rx[0].first, 0x42);
	uint64_t back[CAP];
	assert_int_equal(take_returns(back), 1);
	assert_int_equal(back[0], 3 * SDVF_BUF_SIZE);
	assert_int_equal(notes("rx"), 1);
	assert_int_equal(notes("tx"), 0);
}

static void rx_batch_signals_the_rx_mux_once(void **s)
{
	(void)s;
	for (uint32_t i = 0; i < CAP; i++)
		lend_slot(i, 64, (uint8_t)i);
	kick("rx");
	assert_int_equal(cl()->nrx, CAP);
	assert_int_equal(take_returns(NULL), CAP);
	assert_int_equal(notes("rx"), 1);
}

static void rx_refuses_bad_offsets_lengths_and_duplicates(void **s)
{
	(void)s;
	struct tcl *c = cl();
	c->hoard = true;
	lend_slot(1, 64, 1); /* held from here on */
	kick("rx");
	assert_int_equal(c->nrx, 1);
	lend(SDVF_BUF_SIZE + 2, 64);		       /* misaligned */
	lend((uint64_t)DATA_BUFS * SDVF_BUF_SIZE, 64); /* past rx_data */
	lend(2 * SDVF_BUF_SIZE, 13);		       /* runt */
	kick("rx");
	lend(2 * SDVF_BUF_SIZE, SDVF_NET_FRAME_MAX + 1); /* giant */
	lend(1 * SDVF_BUF_SIZE, 64);			 /* held already */
	lend_slot(2, SDVF_NET_FRAME_MAX, 2);
	kick("rx");
	lent[2]--; /* the refused runt and giant were never the client's */
	lent[2]--;
	lent[1]--; /* nor the duplicate */
	assert_int_equal(counter("net.rx_bad"), 5);
	assert_int_equal(c->nrx, 2);
	assert_int_equal(c->rx[1].offset, 2 * SDVF_BUF_SIZE);
	assert_int_equal(c->rx[1].len, SDVF_NET_FRAME_MAX);
	assert_int_equal(net_client_rx_held(&c->nc), 2);
	/* Given back, the two come home and the client holds none. */
	assert_true(net_client_rx_return(&c->nc, c->held[0]));
	assert_true(net_client_rx_return(&c->nc, c->held[1]));
	assert_int_equal(net_client_rx_held(&c->nc), 0);
	c->hoard = false;
	kick("rx");
	assert_int_equal(take_returns(NULL), 2);
}

static void rx_return_of_an_offset_not_held_is_refused(void **s)
{
	(void)s;
	struct tcl *c = cl();
	assert_false(net_client_rx_return(&c->nc, 0));
	assert_false(net_client_rx_return(&c->nc, 5));
	assert_false(net_client_rx_return(&c->nc, 1ull << 40));
	lend_slot(0, 64, 0);
	kick("rx");
	assert_int_equal(take_returns(NULL), 1);
	/* Returned once already: a second return is refused. */
	assert_false(net_client_rx_return(&c->nc, 0));
	kick("rx");
	assert_int_equal(take_returns(NULL), 0);
}

static void rx_returns_wait_while_rx_free_is_full(void **s)
{
	(void)s;
	struct tcl *c = cl();
	for (uint32_t i = 0; i < CAP; i++)
		lend_slot(i, 64, (uint8_t)i);
	kick("rx");
	/* The mux does not drain rx_free; four more frames come back. */
	for (uint32_t i = CAP; i < 2 * CAP; i++)
		lend_slot(i, 64, (uint8_t)i);
	kick("rx");
	assert_int_equal(c->nrx, 2 * CAP);
	assert_int_equal(c->nc.nrx_backlog, CAP);
	assert_int_equal(counter("net.queue_full"), CAP);
	uint64_t back[2 * CAP];
	assert_int_equal(take_returns(back), CAP);
	kick("rx"); /* the mux's signal that rx_free has room */
	assert_int_equal(c->nc.nrx_backlog, 0);
	assert_int_equal(take_returns(back), CAP);
	for (uint32_t i = 0; i < CAP; i++)
		assert_int_equal(back[i], (uint64_t)(CAP + i) * SDVF_BUF_SIZE);
}

/* ---- TX ----------------------------------------------------------------- */

static void tx_frames_go_out_by_offset_and_signal_once(void **s)
{
	(void)s;
	struct tcl *c = cl();
	client_sends(c, 3, 100);
	struct sdvf_desc f[CAP];
	assert_int_equal(take_frames(f), 3);
	uint8_t *txd = sdvf_sim_region(sim, "txd", NULL);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(f[i].len, 100);
		assert_int_equal(f[i].io_or_offset % SDVF_BUF_SIZE, 0);
		assert_true(f[i].io_or_offset < CAP * SDVF_BUF_SIZE);
		assert_int_equal(txd[f[i].io_or_offset + 99], 0xa0 + i);
	}
	assert_int_equal(notes("tx"), 1);
	assert_int_equal(notes("rx"), 0);
	assert_int_equal(net_client_tx_at_mux(&c->nc), 3);
	for (uint32_t i = 0; i < 3; i++)
		complete(f[i].io_or_offset, 0);
	kick("tx");
	assert_int_equal(c->ndone, 3);
	assert_int_equal(net_client_tx_idle(&c->nc), CAP);
}

/* An activation that both sends and gives back received buffers signals
 * the TX mux first: the frames sent are what a peer waits for (an echo's
 * reply), the returns are bookkeeping.  The sim runs signals in order. */
static void a_send_is_signalled_before_rx_returns(void **s)
{
	(void)s;
	struct tcl *c = cl();
	lend_slot(3, 60, 0x42);
	c->to_send = 1;
	c->send_len = 100;
	sdvf_sim_inject(sim, "cl", "rx");
	assert_true(sdvf_sim_step(sim)); /* the client: takes, returns, sends */
	assert_int_equal(notes("rx"), 1);
	assert_int_equal(notes("tx"), 1);
	uint64_t rx_before = sdvf_sim_activations(sim, "rxm");
	uint64_t tx_before = sdvf_sim_activations(sim, "txm");
	assert_true(sdvf_sim_step(sim)); /* the first signal's activation */
	assert_int_equal(sdvf_sim_activations(sim, "txm"), tx_before + 1);
	assert_int_equal(sdvf_sim_activations(sim, "rxm"), rx_before);
	sdvf_sim_run(sim, 10000);
	assert_int_equal(sdvf_sim_activations(sim, "rxm"), rx_before + 1);
	struct sdvf_desc f[CAP];
	assert_int_equal(take_frames(f), 1);
	assert_int_equal(take_returns(NULL), 1);
}

static void tx_alloc_fails_when_every_buffer_is_at_the_mux(void **s)
{
	(void)s;
	struct tcl *c = cl();
	client_sends(c, CAP + 2, 60);
	assert_int_equal(c->sent, CAP);
	assert_int_equal(c->send_failed, 2);
	struct sdvf_desc f[CAP];
	assert_int_equal(take_frames(f), CAP);
	complete(f[2].io_or_offset, 0);
	c->to_send = 1;
	kick("tx");
	assert_int_equal(c->sent, CAP + 1);
	assert_int_equal(take_frames(f + 2), 1);
	for (uint32_t i = 0; i < CAP; i++)
		complete(f[i].io_or_offset, 0);
	kick("tx");
	assert_int_equal(net_client_tx_idle(&c->nc), CAP);
}

static void tx_completion_flags_are_reported_and_counted(void **s)
{
	(void)s;
	struct tcl *c = cl();
	client_sends(c, 3, 60);
	struct sdvf_desc f[CAP];
	assert_int_equal(take_frames(f), 3);
	complete(f[0].io_or_offset, 0);
	complete(f[1].io_or_offset, SDVF_NET_REJECTED);
	complete(f[2].io_or_offset, SDVF_NET_TX_ERROR);
	kick("tx");
	assert_int_equal(c->ndone, 3);
	assert_int_equal(c->done[0].flags, 0);
	assert_int_equal(c->done[1].flags, SDVF_NET_REJECTED);
	assert_int_equal(c->done[2].flags, SDVF_NET_TX_ERROR);
	assert_int_equal(c->done[1].offset, f[1].io_or_offset);
	assert_int_equal(counter("net.tx_rejected"), 1);
	assert_int_equal(counter("net.tx_error"), 1);
	assert_int_equal(net_client_tx_idle(&c->nc), CAP);
}

/* With idle TX buffers (more than tx_low, an eighth of them: 0 here) the
 * client asks no completion signal: the mux completing a frame does not
 * wake it, and the completion is reported at its next activation. */
static void a_client_with_idle_tx_buffers_asks_no_completion_signal(void **s)
{
	(void)s;
	struct tcl *c = cl();
	client_sends(c, 1, 60);
	struct sdvf_desc f[CAP];
	assert_int_equal(take_frames(f), 1);
	complete(f[0].io_or_offset, 0);
	assert_false(sdvf_queue_producer_should_signal(&m_tx_free));
	assert_int_equal(c->ndone, 0);
	kick("rx"); /* woken for something else: the completion is taken */
	assert_int_equal(c->ndone, 1);
	assert_int_equal(c->done[0].offset, f[0].io_or_offset);
	assert_int_equal(net_client_tx_idle(&c->nc), CAP);
}

/* A client that runs out of TX buffers asks for the signal (no lost
 * wake-up): the next completion must wake it.  A completion that was
 * already waiting when it ran short is taken by tx_alloc, its buffer used
 * at once, and reported by the next tx_reap. */
static void a_client_out_of_tx_buffers_is_woken_when_one_completes(void **s)
{
	(void)s;
	struct tcl *c = cl();
	client_sends(c, CAP, 60);
	struct sdvf_desc f[CAP + 2];
	assert_int_equal(take_frames(f), CAP);
	complete(f[0].io_or_offset, 0);
	assert_true(sdvf_queue_producer_should_signal(&m_tx_free));
	/* Sending before its reap, with f[0] and f[1] back: tx_alloc takes
	 * them when it runs short. */
	complete(f[1].io_or_offset, SDVF_NET_TX_ERROR);
	c->to_send = 3;
	c->send_first = true;
	kick("tx");
	assert_int_equal(c->sent, CAP + 2);
	assert_int_equal(c->send_failed, 1);
	assert_int_equal(c->ndone, 2); /* reported by the reap after */
	assert_int_equal(c->done[0].offset, f[0].io_or_offset);
	assert_int_equal(c->done[1].flags, SDVF_NET_TX_ERROR);
	assert_int_equal(take_frames(f + CAP), 2);
	assert_int_equal(counter("net.tx_error"), 1);
	/* Out of buffers again: the signal is asked for. */
	complete(f[2].io_or_offset, 0);
	assert_true(sdvf_queue_producer_should_signal(&m_tx_free));
	kick("tx");
	assert_int_equal(c->ndone, 3);
	assert_int_equal(c->done[2].offset, f[2].io_or_offset);
	assert_int_equal(counter("net.tx_unreported"), 0);
}

static void tx_completion_of_a_buffer_not_at_the_mux_is_counted(void **s)
{
	(void)s;
	struct tcl *c = cl();
	client_sends(c, 1, 60);
	struct sdvf_desc f[CAP];
	assert_int_equal(take_frames(f), 1);
	uint64_t idle = f[0].io_or_offset == 0 ? SDVF_BUF_SIZE : 0;
	complete(idle, 0);		    /* ours, idle: not at the mux */
	complete(f[0].io_or_offset + 8, 0); /* misaligned */
	complete((uint64_t)CAP * SDVF_BUF_SIZE, 0); /* past our buffers */
	complete(f[0].io_or_offset, 0);		    /* the real one */
	kick("tx");
	complete(f[0].io_or_offset, 0); /* the real one again */
	kick("tx");
	assert_int_equal(counter("net.tx_bad"), 4);
	assert_int_equal(c->ndone, 1);
	assert_int_equal(net_client_tx_idle(&c->nc), CAP);
}

static void tx_send_and_cancel_need_an_allocated_buffer(void **s)
{
	(void)s;
	struct net_client *nc = &cl()->nc;
	/* Idle, never allocated: neither sent nor cancelled. */
	assert_false(net_client_tx_send(nc, 0, 60));
	assert_false(net_client_tx_cancel(nc, 0));
	struct net_tx_buf b;
	assert_true(net_client_tx_alloc(nc, &b));
	assert_int_equal(net_client_tx_idle(nc), CAP - 1);
	assert_true(net_client_tx_cancel(nc, b.offset));
	assert_false(net_client_tx_cancel(nc, b.offset));
	assert_int_equal(net_client_tx_idle(nc), CAP);
}

/* ---- signalling and restart ------------------------------------------ */

static void an_activation_that_moves_nothing_signals_nobody(void **s)
{
	(void)s;
	lend_slot(0, 64, 0);
	kick("rx");
	assert_int_equal(notes("rx"), 1);
	kick("rx");
	kick("tx");
	assert_int_equal(notes("rx"), 1);
	assert_int_equal(notes("tx"), 0);
	assert_int_equal(take_returns(NULL), 1);
}

static void a_mux_restart_gives_back_what_it_held(void **s)
{
	(void)s;
	struct tcl *c = cl();
	c->to_send = 3;
	c->send_len = 60;
	c->hoard = true;
	lend_slot(5, 64, 5);
	kick("tx");
	assert_int_equal(net_client_tx_at_mux(&c->nc), 3);
	assert_int_equal(net_client_rx_held(&c->nc), 1);
	struct net_client *nc = &c->nc;
	assert_true(net_client_peer_restart(nc, nc->ch_tx));
	assert_true(net_client_peer_restart(nc, nc->ch_rx));
	assert_false(net_client_peer_restart(nc, SDVF_CHANNEL_TIMER));
	assert_int_equal(net_client_tx_idle(nc), CAP);
	assert_int_equal(net_client_rx_held(nc), 0);
	/* The new RX mux never lent slot 5: it is not given back. */
	assert_false(net_client_rx_return(nc, 5 * SDVF_BUF_SIZE));
	lent[5] = 0;
	/* The fresh queues start at index 0 on both sides. */
	sim_attach(sim, &m_rx_active, "rxa", CAP);
	sim_attach(sim, &m_rx_free, "rxf", CAP);
	sim_attach(sim, &m_tx_active, "txa", CAP);
	sim_attach(sim, &m_tx_free, "txf", CAP);
	c->hoard = false;
	lend_slot(6, 64, 6);
	kick("rx");
	assert_int_equal(take_returns(NULL), 1);
}

/* ---- the loader: one station's MAC in its muxes ---------------------- */

/* The muxes name their client's MAC (c0_mac), as the client does (mac):
 * one station, so the system loads (setup loaded it).  A mux that is not
 * joined to the station may not name it. */
static void a_mac_in_a_mux_not_joined_to_its_station_is_refused(void **s)
{
	(void)s;
	char dts[4096], *errors = NULL;
	size_t len = 0;
	snprintf(dts, sizeof(dts), dts_fmt,
		 "far { component = \"nc_stub\"; channels { c = \"o\"; };\n"
		 " config { c0_mac = [02 00 00 00 5e 01]; }; };\n"
		 "other { component = \"nc_peer\"; channels { c = \"o\"; }; "
		 "};\n",
		 "o { ends = \"far\", \"other\"; }; ");
	FILE *err = open_memstream(&errors, &len);
	struct sdvf_system bad;
	memset(&bad, 0, sizeof(bad));
	assert_int_not_equal(
		sdvf_system_load_dts(&bad, "t.dts", dts, table, err), 0);
	fclose(err);
	assert_string_equal(errors,
			    "t.dts: /pds/far/config: property 'c0_mac': "
			    "duplicate MAC 02:00:00:00:5e:01, also used by "
			    "/pds/cl\n");
	free(errors);
	sdvf_system_free(&bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(starts_with_every_tx_buffer_the_queue_allows_and_no_rx),
		T(rx_frame_is_taken_and_its_offset_given_back),
		T(rx_batch_signals_the_rx_mux_once),
		T(rx_refuses_bad_offsets_lengths_and_duplicates),
		T(rx_return_of_an_offset_not_held_is_refused),
		T(rx_returns_wait_while_rx_free_is_full),
		T(tx_frames_go_out_by_offset_and_signal_once),
		T(a_send_is_signalled_before_rx_returns),
		T(tx_alloc_fails_when_every_buffer_is_at_the_mux),
		T(tx_completion_flags_are_reported_and_counted),
		T(tx_completion_of_a_buffer_not_at_the_mux_is_counted),
		T(a_client_with_idle_tx_buffers_asks_no_completion_signal),
		T(a_client_out_of_tx_buffers_is_woken_when_one_completes),
		T(tx_send_and_cancel_need_an_allocated_buffer),
		T(an_activation_that_moves_nothing_signals_nobody),
		T(a_mux_restart_gives_back_what_it_held),
		T(a_mac_in_a_mux_not_joined_to_its_station_is_refused),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
