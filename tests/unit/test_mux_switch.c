/*
 * Local switching between clients of the muxes (mux/tx_mux.c, mux/rx_mux.c),
 * as a specification, on the real ENET driver and model with a "mem" wire
 * (tests/fixtures/mux-switch-enet.dts):
 *   c0  copy RX and TX     may switch to c1 and c2
 *   c1  remap RX and TX    may switch to c0
 *   c2  copy RX and TX     may switch to nobody; the only one taking
 *                          multicast
 * The clients' PDs are stubs; the test plays them on their queues: it
 * writes frames into cN_txd and pushes them on cN_txa, takes what arrives
 * on cN_rxa (a copy in cN_rxd, or a lent rx_dma buffer for c1) and gives it
 * back on cN_rxf.  After every test every buffer is counted: each client TX
 * buffer came back once, every RX buffer a client was given went back, the
 * TX pool and sw_pool are idle in tx_mux, and rx_mux has its 2 reserve
 * buffers and gave the driver the other 14.
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
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_driver.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"

extern const struct sdvf_component rx_mux_component;
extern const struct sdvf_component tx_mux_component;

/* ---- a passive client PD: owns its two channels, does nothing ---------- */

static const struct sdvf_need stub_needs[] = {
	SDVF_NEED_CHAN_OPTIONAL("rx"), SDVF_NEED_CHAN_OPTIONAL("tx"), {0}};
static const struct sdvf_param stub_params[] = {{0}};
static int stub_init(void *state, struct sdvf_pd *pd)
{
	(void)state;
	(void)pd;
	return 0;
}
static void stub_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	(void)state;
	(void)pd;
	(void)ch;
}
static const struct sdvf_component stub_component = {
	.name = "switch_stub",
	.summary = "test client played by the test",
	.role = SDVF_ROLE_CLIENT,
	.state_size = 8,
	.needs = stub_needs,
	.params = stub_params,
	.init = stub_init,
	.notified = stub_notified,
};

static const struct sdvf_component *const table[] = {
	&enet_model_component, &enet_driver_component, &rx_mux_component,
	&tx_mux_component,     &stub_component,	       NULL};

/* ---- the system --------------------------------------------------------- */

#define NCLIENTS 3
#define CAP 16	       /* every client queue */
#define TX_BUFS 16     /* cN_txd: 0x8000 */
#define RX_DMA_BUFS 16 /* rx_dma: 0x8000 */
#define RESERVE 2      /* sw_reserve */
#define SW_BUFS 4      /* sw_pool: 0x2000 */
#define POOL_BUFS 32   /* tx_pool: 0x10000 */
#define MAX_HELD 64

static const uint8_t mac[NCLIENTS][6] = {{0x02, 0, 0, 0, 0x5c, 0x00},
					 {0x02, 0, 0, 0, 0x5c, 0x01},
					 {0x02, 0, 0, 0, 0x5c, 0x02}};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0x5c, 0x99};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct tclient {
	struct sdvf_queue txa, txf, rxa, rxf;
	uint8_t *txd;	    /* its cN_tx_data */
	const uint8_t *rxd; /* copy: its cN_rx_data; remap: rx_dma */
	int tx_lent[TX_BUFS];
	uint64_t rx_held[MAX_HELD];
	uint32_t nrx_held;
};

static struct sdvf_system sys;
static struct sdvf_sim *sim;
static struct wire *wire;
static struct tclient cl[NCLIENTS];

static void attach(struct sdvf_queue *q, const char *region)
{
	uint64_t size;
	void *base = sdvf_sim_region(sim, region, &size);
	assert_non_null(base);
	assert_true(sdvf_queue_attach(q, base, size, CAP, false, 0));
}

static void run(void)
{
	sdvf_sim_run(sim, 1000000);
}

#define FIXTURE "tests/fixtures/mux-switch-enet.dts"

/* The fixture's text, to load as it is or edited. */
static void fixture_text(char *dts, size_t cap)
{
	FILE *f = fopen(FIXTURE, "r");
	assert_non_null(f);
	size_t n = fread(dts, 1, cap - 1, f);
	fclose(f);
	dts[n] = '\0';
}

/* Replace the first `old` after `node` in dts by `new`. */
static void fixture_edit(char *dts, size_t cap, const char *node,
			 const char *old, const char *new)
{
	char *at = strstr(dts, node);
	assert_non_null(at);
	at = strstr(at, old);
	assert_non_null(at);
	size_t tail = strlen(at + strlen(old));
	assert_true(strlen(dts) - strlen(old) + strlen(new) < cap);
	memmove(at + strlen(new), at + strlen(old), tail + 1);
	memcpy(at, new, strlen(new));
}

/* Start the system described by `dts` and attach the test's ends. */
static void start(const char *dts)
{
	memset(&sys, 0, sizeof(sys));
	memset(cl, 0, sizeof(cl));
	assert_int_equal(
		sdvf_system_load_dts(&sys, FIXTURE, dts, table, stderr), 0);
	sim = sdvf_sim_create(&sys);
	assert_non_null(sim);
	assert_int_equal(sdvf_sim_init(sim), 0);
	run();
	wire = enet_model_wire(sdvf_sim_state(sim, "nic"));
	for (int i = 0; i < NCLIENTS; i++) {
		char name[16];
		struct tclient *c = &cl[i];
#define ATTACH(q, fmt)                                                         \
	snprintf(name, sizeof(name), fmt, i);                                  \
	attach(&c->q, name)
		ATTACH(txa, "c%d_txa");
		ATTACH(txf, "c%d_txf");
		ATTACH(rxa, "c%d_rxa");
		ATTACH(rxf, "c%d_rxf");
#undef ATTACH
		snprintf(name, sizeof(name), "c%d_txd", i);
		c->txd = sdvf_sim_region(sim, name, NULL);
		snprintf(name, sizeof(name), "c%d_rxd", i);
		c->rxd = i == 1 ? sdvf_sim_region(sim, "rx_dma", NULL)
				: sdvf_sim_region(sim, name, NULL);
	}
}

static char dts_text[16384];

static int setup(void **unused)
{
	(void)unused;
	fixture_text(dts_text, sizeof(dts_text));
	start(dts_text);
	return 0;
}

static uint64_t counter(const char *pd, const char *name)
{
	bool found = false;
	uint64_t v = sdvf_sim_counter(sim, pd, name, &found);
	if (!found)
		fail_msg("%s publishes no counter %s", pd, name);
	return v;
}

/* ---- playing the clients ------------------------------------------------ */

/* Client ci's frame in its TX buffer `slot`: to `dst`, from its own MAC,
 * payload byte k = tag + k. */
static const uint8_t *write_frame(int ci, uint32_t slot, const uint8_t *dst,
				  uint16_t len, uint8_t tag)
{
	uint8_t *f = cl[ci].txd + (uint64_t)slot * SDVF_BUF_SIZE;
	memcpy(f, dst, 6);
	memcpy(f + 6, mac[ci], 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (uint16_t k = 14; k < len; k++)
		f[k] = (uint8_t)(tag + k);
	return f;
}

/* Queue client ci's frame in `slot` on its tx_active; no step runs. */
static void enqueue(int ci, uint32_t slot, uint16_t len)
{
	struct sdvf_desc d = {.io_or_offset = (uint64_t)slot * SDVF_BUF_SIZE,
			      .len = len};
	assert_int_equal(cl[ci].tx_lent[slot], 0);
	assert_true(sdvf_queue_push(&cl[ci].txa, &d));
	sdvf_queue_publish(&cl[ci].txa);
	cl[ci].tx_lent[slot] = 1;
}

static void kick_tx(int ci)
{
	char ch[16];
	snprintf(ch, sizeof(ch), "c%d", ci);
	sdvf_sim_inject(sim, "txm", ch);
	run();
}

/* Client ci sends one frame from buffer `slot` and the system runs. */
static const uint8_t *send_frame(int ci, uint32_t slot, const uint8_t *dst,
				 uint16_t len, uint8_t tag)
{
	const uint8_t *f = write_frame(ci, slot, dst, len, tag);
	enqueue(ci, slot, len);
	kick_tx(ci);
	return f;
}

/* One TX buffer back on client ci's tx_free; false if none. */
static bool reap_tx(int ci, struct sdvf_desc *d)
{
	struct tclient *c = &cl[ci];
	if (!sdvf_queue_pop(&c->txf, d))
		return false;
	sdvf_queue_release(&c->txf);
	uint64_t slot = d->io_or_offset / SDVF_BUF_SIZE;
	assert_int_equal(d->io_or_offset % SDVF_BUF_SIZE, 0);
	assert_true(slot < TX_BUFS);
	assert_int_equal(c->tx_lent[slot], 1);
	c->tx_lent[slot] = 0;
	return true;
}

/* One frame off client ci's rx_active, kept (held) until give_back;
 * returns its bytes, or NULL if none arrived. */
static const uint8_t *take_rx(int ci, uint16_t *len)
{
	struct tclient *c = &cl[ci];
	struct sdvf_desc d;
	if (!sdvf_queue_pop(&c->rxa, &d))
		return NULL;
	sdvf_queue_release(&c->rxa);
	assert_true(c->nrx_held < MAX_HELD);
	c->rx_held[c->nrx_held++] = d.io_or_offset;
	*len = d.len;
	return c->rxd + d.io_or_offset;
}

/* Client ci gives every RX buffer it holds back, and the system runs. */
static void give_back_all(int ci)
{
	struct tclient *c = &cl[ci];
	for (uint32_t k = 0; k < c->nrx_held; k++) {
		struct sdvf_desc d = {.io_or_offset = c->rx_held[k]};
		assert_true(sdvf_queue_push(&c->rxf, &d));
	}
	c->nrx_held = 0;
	sdvf_queue_publish(&c->rxf);
	char ch[16];
	snprintf(ch, sizeof(ch), "c%d", ci);
	sdvf_sim_inject(sim, "rxm", ch);
	run();
}

/* Frames client ci has waiting on rx_active (taken and held). */
static int rx_count(int ci)
{
	uint16_t len;
	int n = 0;
	while (take_rx(ci, &len))
		n++;
	return n;
}

/* The frames on the wire, counted and dropped. */
static int wire_count(void)
{
	uint8_t got[SDVF_BUF_SIZE];
	int n = 0;
	while (wire_mem_take(wire, got, sizeof(got)) > 0)
		n++;
	return n;
}

/* A frame for client ci arrives from the wire, and the system runs. */
static void from_wire(int ci, uint8_t tag)
{
	uint8_t f[64];
	memset(f, tag, sizeof(f));
	memcpy(f, mac[ci], 6);
	memcpy(f + 6, peer_mac, 6);
	assert_int_equal(wire_mem_inject(wire, f, sizeof(f)), 0);
	run();
}

/* ---- buffer conservation after every test ------------------------------- */

static int conserved(void **unused)
{
	(void)unused;
	run();
	struct sdvf_desc d;
	for (int i = 0; i < NCLIENTS; i++) {
		rx_count(i);
		give_back_all(i);
		while (reap_tx(i, &d))
			;
	}
	wire_count();
	/* tx_mux takes sw_pool buffers back on its next activation (it never
	 * waits for them): give it one */
	sdvf_sim_inject(sim, "txm", "sw");
	run();
	for (int i = 0; i < NCLIENTS; i++) {
		for (int b = 0; b < TX_BUFS; b++)
			if (cl[i].tx_lent[b])
				fail_msg("c%d TX buffer %d never came back", i,
					 b);
		char name[32];
		snprintf(name, sizeof(name), "c%d.in_flight", i);
		assert_int_equal(counter("rxm", name), 0);
		assert_int_equal(counter("txm", name), 0);
	}
	assert_int_equal(counter("txm", "pool_idle"), POOL_BUFS);
	assert_int_equal(counter("txm", "sw_pool_idle"), SW_BUFS);
	assert_int_equal(counter("txm", "sw_bad_return"), 0);
	assert_int_equal(counter("rxm", "sw_reserve"), RESERVE);
	assert_int_equal(counter("rxm", "drv_held"), RX_DMA_BUFS - RESERVE);
	assert_int_equal(counter("rxm", "bad_desc"), 0);
	assert_int_equal(counter("rxm", "sw_bad_desc"), 0);
	assert_int_equal(counter("rxm", "sw_bad_sender"), 0);
	wire_close(wire);
	sdvf_sim_destroy(sim);
	sdvf_system_free(&sys);
	return 0;
}

/* ---- the allow-list -------------------------------------------------- */

/* tx_mux's allow-list lets c2 reach c0, rx_mux's does not: the frame
 * stays off the wire (tx_mux decided) and reaches nobody (rx_mux
 * re-checks). */
static void switch_rx_mux_rechecks_the_allow_list_itself(void **unused)
{
	(void)unused;
	fixture_text(dts_text, sizeof(dts_text));
	fixture_edit(dts_text, sizeof(dts_text), "txm {",
		     "c2_mac = [02 00 00 00 5c 02];",
		     "c2_mac = [02 00 00 00 5c 02]; c2_switch_to = <1>;");
	start(dts_text);
	send_frame(2, 0, mac[0], 64, 0x11);
	assert_int_equal(counter("txm", "c2.sw_out"), 1);
	assert_int_equal(wire_count(), 0);
	assert_int_equal(rx_count(0), 0);
	assert_int_equal(counter("rxm", "sw_no_listener"), 1);
}

/* ---- unicast ------------------------------------------------------------ */

static void
switch_allowed_unicast_to_a_copy_client_stays_off_the_wire(void **unused)
{
	(void)unused;
	const uint8_t *sent = send_frame(0, 3, mac[2], 300, 0x20);
	uint16_t len = 0;
	const uint8_t *got = take_rx(2, &len);
	assert_non_null(got);
	assert_int_equal(len, 300);
	assert_memory_equal(got, sent, 300);
	assert_int_equal(wire_count(), 0);
	assert_int_equal(rx_count(0) + rx_count(1), 0);
	struct sdvf_desc back;
	assert_true(reap_tx(0, &back));
	assert_int_equal(back.io_or_offset, 3 * SDVF_BUF_SIZE);
	assert_int_equal(back.flags, 0);
	assert_int_equal(counter("txm", "c0.sw_out"), 1);
	assert_int_equal(counter("txm", "c0.tx_frames"), 0);
	assert_int_equal(counter("rxm", "c2.sw_in"), 1);
	assert_int_equal(counter("rxm", "sw_frames"), 1);
}

static void
switch_allowed_unicast_to_a_remap_client_arrives_in_rx_dma(void **unused)
{
	(void)unused;
	const uint8_t *sent = send_frame(0, 0, mac[1], 1514, 0x31);
	uint16_t len = 0;
	const uint8_t *got = take_rx(1, &len);
	assert_non_null(got);
	assert_int_equal(len, 1514);
	assert_memory_equal(got, sent, 1514);
	assert_int_equal(cl[1].rx_held[0] % SDVF_BUF_SIZE, 0);
	assert_true(cl[1].rx_held[0] / SDVF_BUF_SIZE < RX_DMA_BUFS);
	assert_int_equal(wire_count(), 0);
	/* the reserve lent one buffer and refills from the driver's next
	 * returns */
	assert_int_equal(counter("rxm", "sw_reserve"), RESERVE - 1);
	assert_int_equal(counter("rxm", "c1.sw_in"), 1);
	assert_int_equal(counter("rxm", "c1.in_flight"), 1);
}

static void switch_from_a_remap_sender_copies_its_buffer_out(void **unused)
{
	(void)unused;
	const uint8_t *sent = send_frame(1, 5, mac[0], 200, 0x42);
	uint8_t expect[200];
	memcpy(expect, sent, sizeof(expect));
	struct sdvf_desc back;
	/* its buffer is back at once: the frame now lives in sw_pool */
	assert_true(reap_tx(1, &back));
	assert_int_equal(back.io_or_offset, 5 * SDVF_BUF_SIZE);
	assert_int_equal(back.flags, 0);
	uint16_t len = 0;
	const uint8_t *got = take_rx(0, &len);
	assert_non_null(got);
	assert_int_equal(len, 200);
	assert_memory_equal(got, expect, 200);
	assert_int_equal(wire_count(), 0);
}

static void
switch_disallowed_unicast_goes_to_the_wire_not_the_client(void **unused)
{
	(void)unused;
	const uint8_t *sent = send_frame(2, 1, mac[0], 120, 0x53);
	uint8_t got[SDVF_BUF_SIZE];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 120);
	assert_memory_equal(got, sent, 120);
	assert_int_equal(rx_count(0), 0);
	assert_int_equal(counter("txm", "c2.sw_out"), 0);
	assert_int_equal(counter("txm", "c2.tx_frames"), 1);
	assert_int_equal(counter("rxm", "c0.sw_in"), 0);
}

/* c1 may reach c0 only, so its frame to c2 leaves on the wire. */
static void switch_allow_list_is_per_sender(void **unused)
{
	(void)unused;
	send_frame(1, 2, mac[2], 90, 0x54);
	assert_int_equal(wire_count(), 1);
	assert_int_equal(rx_count(2), 0);
	send_frame(0, 2, mac[2], 90, 0x55);
	assert_int_equal(wire_count(), 0);
	assert_int_equal(rx_count(2), 1);
}

static void switch_unicast_to_nobody_we_know_goes_to_the_wire(void **unused)
{
	(void)unused;
	send_frame(0, 4, peer_mac, 64, 0x56);
	assert_int_equal(wire_count(), 1);
	assert_int_equal(rx_count(0) + rx_count(1) + rx_count(2), 0);
	assert_int_equal(counter("txm", "c0.sw_out"), 0);
}

static void switch_drops_a_frame_to_the_senders_own_mac(void **unused)
{
	(void)unused;
	send_frame(0, 6, mac[0], 64, 0x57);
	struct sdvf_desc back;
	assert_true(reap_tx(0, &back));
	assert_int_equal(back.flags, SDVF_NET_REJECTED);
	assert_int_equal(counter("txm", "c0.sw_drop_self"), 1);
	assert_int_equal(wire_count(), 0);
	assert_int_equal(rx_count(0), 0);
	/* remap: the client's own buffer comes back the same way */
	send_frame(1, 6, mac[1], 64, 0x58);
	assert_true(reap_tx(1, &back));
	assert_int_equal(back.flags, SDVF_NET_REJECTED);
	assert_int_equal(counter("txm", "c1.sw_drop_self"), 1);
	assert_int_equal(wire_count(), 0);
}

/* ---- broadcast ---------------------------------------------------------- */

static void switch_broadcast_reaches_the_wire_and_allowed_clients(void **unused)
{
	(void)unused;
	const uint8_t *sent = send_frame(0, 7, bcast, 60, 0x61);
	uint8_t got[SDVF_BUF_SIZE];
	assert_int_equal(wire_mem_take(wire, got, sizeof(got)), 60);
	assert_memory_equal(got, sent, 60);
	uint16_t len = 0;
	const uint8_t *in1 = take_rx(1, &len);
	assert_non_null(in1);
	assert_memory_equal(in1, sent, 60);
	const uint8_t *in2 = take_rx(2, &len);
	assert_non_null(in2);
	assert_memory_equal(in2, sent, 60);
	assert_int_equal(rx_count(0), 0); /* never back to the sender */
	assert_int_equal(counter("txm", "c0.sw_out"), 1);
	assert_int_equal(counter("txm", "c0.tx_frames"), 1);
}

static void
switch_broadcast_skips_clients_the_sender_may_not_reach(void **unused)
{
	(void)unused;
	const uint8_t *sent = send_frame(1, 8, bcast, 60, 0x62);
	uint8_t expect[60];
	memcpy(expect, sent, sizeof(expect));
	assert_int_equal(wire_count(), 1);
	uint16_t len = 0;
	const uint8_t *in0 = take_rx(0, &len);
	assert_non_null(in0);
	assert_memory_equal(in0, expect, 60);
	assert_int_equal(rx_count(2), 0);
	assert_int_equal(rx_count(1), 0);
	/* c2 may reach nobody: its broadcast only leaves on the wire */
	send_frame(2, 8, bcast, 60, 0x63);
	assert_int_equal(wire_count(), 1);
	assert_int_equal(rx_count(0) + rx_count(1), 0);
	assert_int_equal(counter("txm", "c2.sw_out"), 0);
}

static void
switch_multicast_reaches_allowed_clients_that_accept_it(void **unused)
{
	(void)unused;
	static const uint8_t group[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
	const uint8_t *sent = send_frame(0, 10, group, 70, 0x64);
	assert_int_equal(wire_count(), 1);
	uint16_t len = 0;
	const uint8_t *in2 = take_rx(2, &len);
	assert_non_null(in2);
	assert_memory_equal(in2, sent, 70);
	assert_int_equal(rx_count(1), 0); /* allowed, takes no multicast */
	/* c1 may reach c0 only, which takes no multicast: nobody */
	send_frame(1, 10, group, 70, 0x65);
	assert_int_equal(wire_count(), 1);
	assert_int_equal(rx_count(0) + rx_count(2), 0);
	assert_int_equal(counter("rxm", "sw_no_listener"), 1);
}

/* ---- the wire still works ----------------------------------------------- */

static void switch_leaves_frames_from_the_wire_alone(void **unused)
{
	(void)unused;
	from_wire(2, 0x70);
	uint16_t len = 0;
	const uint8_t *got = take_rx(2, &len);
	assert_non_null(got);
	assert_int_equal(len, 64);
	assert_int_equal(got[20], 0x70);
	assert_int_equal(counter("rxm", "sw_frames"), 0);
}

/* ---- exhaustion --------------------------------------------------------- */

/* Six frames in one activation of tx_mux, four sw_pool buffers: two local
 * copies are dropped, counted, and their buffers come back TX_ERROR. */
static void switch_counts_sw_pool_exhaustion(void **unused)
{
	(void)unused;
	for (uint32_t s = 0; s < 6; s++) {
		write_frame(0, s, mac[2], 80, (uint8_t)s);
		enqueue(0, s, 80);
	}
	kick_tx(0);
	assert_int_equal(counter("txm", "c0.sw_out"), SW_BUFS);
	assert_int_equal(counter("txm", "c0.sw_drop_full"), 2);
	assert_int_equal(rx_count(2), SW_BUFS);
	struct sdvf_desc back;
	int errors = 0;
	for (int k = 0; k < 6; k++) {
		assert_true(reap_tx(0, &back));
		errors += back.flags == SDVF_NET_TX_ERROR;
	}
	assert_int_equal(errors, 2);
	assert_int_equal(wire_count(), 0);
	/* the buffers came home: the next frame is switched again */
	give_back_all(2);
	send_frame(0, 9, mac[2], 80, 0x77);
	assert_int_equal(rx_count(2), 1);
	assert_int_equal(counter("txm", "c0.sw_drop_full"), 2);
}

/* Three frames for the remap client in one activation of rx_mux, two
 * reserve buffers: the third is dropped for it, counted. */
static void switch_counts_an_empty_reserve_for_remap_clients(void **unused)
{
	(void)unused;
	for (uint32_t s = 0; s < 3; s++) {
		write_frame(0, s, mac[1], 80, (uint8_t)s);
		enqueue(0, s, 80);
	}
	kick_tx(0);
	assert_int_equal(counter("txm", "c0.sw_out"), 3);
	assert_int_equal(rx_count(1), RESERVE);
	assert_int_equal(counter("rxm", "c1.sw_drop.reserve"), 1);
	assert_int_equal(counter("rxm", "c1.sw_in"), RESERVE);
	assert_int_equal(counter("rxm", "sw_reserve"), 0);
	/* the buffers c1 gives back refill it before the driver */
	give_back_all(1);
	assert_int_equal(counter("rxm", "sw_reserve"), RESERVE);
	assert_int_equal(counter("rxm", "drv_held"), RX_DMA_BUFS - RESERVE);
}

/* The reserve refills from the next DMA buffer that comes free, here a
 * wire frame copied to c0, while c1 keeps what it was lent. */
static void switch_reserve_refills_from_the_drivers_returns(void **unused)
{
	(void)unused;
	for (uint32_t s = 0; s < 3; s++)
		send_frame(0, s, mac[1], 64, (uint8_t)s);
	assert_int_equal(rx_count(1), RESERVE);
	assert_int_equal(counter("rxm", "c1.sw_drop.reserve"), 1);
	from_wire(0, 0x80);
	assert_int_equal(counter("rxm", "sw_reserve"), 1);
	send_frame(0, 3, mac[1], 64, 3);
	assert_int_equal(rx_count(1), 1);
	assert_int_equal(counter("rxm", "c1.sw_drop.reserve"), 1);
}

/* A switched frame meets the destination's cap like a wire frame. */
static void switch_respects_the_destinations_rx_cap(void **unused)
{
	(void)unused;
	/* c1's remap cap: (16 - 2 reserve) / (1 remap client + 1) = 7; a
	 * wire frame to c0 after each refills the reserve */
	for (uint32_t s = 0; s < 7; s++) {
		send_frame(0, s, mac[1], 64, (uint8_t)s);
		from_wire(0, (uint8_t)s);
	}
	assert_int_equal(rx_count(1), 7);
	send_frame(0, 7, mac[1], 64, 7);
	assert_int_equal(rx_count(1), 0);
	assert_int_equal(counter("rxm", "c1.drop.cap"), 1);
	assert_int_equal(counter("rxm", "c1.sw_in"), 7);
	assert_int_equal(counter("rxm", "c1.sw_drop.reserve"), 0);
}

/* The loader lets each mux repeat its clients' MACs (the fixture loads),
 * but not give one MAC to two clients of one mux. */
static void
switch_fixture_refuses_one_mac_for_two_clients_of_a_mux(void **unused)
{
	(void)unused;
	fixture_text(dts_text, sizeof(dts_text));
	fixture_edit(dts_text, sizeof(dts_text), "txm {",
		     "c2_mac = [02 00 00 00 5c 02]",
		     "c2_mac = [02 00 00 00 5c 00]");
	struct sdvf_system bad;
	memset(&bad, 0, sizeof(bad));
	FILE *err = tmpfile();
	assert_non_null(err);
	assert_int_not_equal(
		sdvf_system_load_dts(&bad, "switch.dts", dts_text, table, err),
		0);
	char msg[512] = {0};
	rewind(err);
	size_t got = fread(msg, 1, sizeof(msg) - 1, err);
	fclose(err);
	assert_true(got > 0);
	assert_non_null(strstr(msg, "/pds/txm/config: property 'c2_mac': "
				    "duplicate MAC 02:00:00:00:5c:00, also "
				    "used by /pds/txm"));
	sdvf_system_free(&bad);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, conserved)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			switch_rx_mux_rechecks_the_allow_list_itself,
			conserved),
		T(switch_allowed_unicast_to_a_copy_client_stays_off_the_wire),
		T(switch_allowed_unicast_to_a_remap_client_arrives_in_rx_dma),
		T(switch_from_a_remap_sender_copies_its_buffer_out),
		T(switch_disallowed_unicast_goes_to_the_wire_not_the_client),
		T(switch_allow_list_is_per_sender),
		T(switch_unicast_to_nobody_we_know_goes_to_the_wire),
		T(switch_drops_a_frame_to_the_senders_own_mac),
		T(switch_broadcast_reaches_the_wire_and_allowed_clients),
		T(switch_broadcast_skips_clients_the_sender_may_not_reach),
		T(switch_multicast_reaches_allowed_clients_that_accept_it),
		T(switch_leaves_frames_from_the_wire_alone),
		T(switch_counts_sw_pool_exhaustion),
		T(switch_counts_an_empty_reserve_for_remap_clients),
		T(switch_reserve_refills_from_the_drivers_returns),
		T(switch_respects_the_destinations_rx_cap),
	};
#undef T
	const struct CMUnitTest loader_tests[] = {cmocka_unit_test(
		switch_fixture_refuses_one_mac_for_two_clients_of_a_mux)};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	return failed + cmocka_run_group_tests(loader_tests, NULL, NULL);
}
