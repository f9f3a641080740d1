/*
 * The muxes under callgrind: the real ENET model (wire "mem") and driver,
 * the real rx_mux and tx_mux, and two bench clients in the sim runtime
 * (tests/fixtures/mux-bench.dts, read from the repository root): c0 copy,
 * c1 remap, in both directions.  ir_loop() is the only function
 * tests/bench/bench_mux.sh collects (--toggle-collect=ir_loop), so boot and
 * set-up are not counted.
 *
 *   bench_mux_ir rx copy|remap BATCH ROUNDS   inject BATCH frames for the
 *          client on the wire, run the sim until idle; the client checks
 *          each frame and gives its buffer back at once
 *   bench_mux_ir tx copy|remap BATCH ROUNDS   the client queues BATCH frames
 *          on its tx_active, run until idle, take them off the wire
 *   bench_mux_ir pipe copy|remap BATCH ROUNDS   on tests/fixtures/
 *          reflector-mux.dts: inject BATCH frames for reflector r0 (copy)
 *          or r1 (remap), run until idle, take the replies off the wire:
 *          both muxes, net_client and the reflector, per round trip
 *
 * The bench client below is harness, as the ENET fixture is for
 * bench_enet_ir: it stands where a net client stands and does the least a
 * client can (take, check, give back; fill, send, reap).  Every frame is
 * checked (length and its sequence number, in order: on the client's side
 * for RX, off the wire for TX and pipe, with the reply's addresses), so a
 * mux that lost, duplicated or reordered a frame fails the run (exit 1); so
 * does a buffer not back where it started after the loop (each client's TX
 * buffers, RX buffers held by nobody, the muxes' in_flight and pool
 * counters).  SDVF_BENCH_MUX_LEN sets
 * the frame length (default 60: 64 bytes on a wire).  The last line is
 * "frames N" for the script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/net_client.h"
#include "core/net.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_driver.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"

extern const struct sdvf_component rx_mux_component;
extern const struct sdvf_component tx_mux_component;
extern const struct sdvf_component reflector_component;

#define SYSTEM "tests/fixtures/mux-bench.dts"
#define PIPE_SYSTEM "tests/fixtures/reflector-mux.dts"
#define CLIENT_CAP 512u /* slots of each client queue */
#define TX_BUFS 128u	/* buffers in each cN_tx_data */
#define MAX_BATCH 64u	/* the mem wire's FIFO depth */
/* rx_dma's buffers, shared by the driver and the remap client */
#define RX_DMA_BUFS 256u
#define TX_POOL_BUFS 256u
#define PIPE_POOL_BUFS 512u /* reflector-mux.dts's tx_pool */
#define RUN_STEPS 1000000u

static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0xe7, 0x99};

static uint64_t frame_seq(const uint8_t *f)
{
	uint64_t seq = 0;
	for (int i = 0; i < 8; i++)
		seq = seq << 8 | f[14 + i];
	return seq;
}

static void frame_fill(uint8_t *f, size_t len, const uint8_t *dst,
		       const uint8_t *src, uint64_t seq)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (int i = 0; i < 8; i++)
		f[14 + i] = (uint8_t)(seq >> (56 - 8 * i));
	memset(f + 22, 0x5a, len - 22);
}

/* ---- the bench client ------------------------------------------------- */

struct bench_client {
	struct sdvf_pd *pd;
	sdvf_channel_t ch_rx, ch_tx;
	struct sdvf_queue rx_active, rx_free, tx_active, tx_free;
	const uint8_t *rx_data;
	uint64_t rx_size;
	uint8_t *tx_data;
	uint8_t mac[SDVF_NET_MAC_LEN]; /* set by the bench: the muxes' */
	bool tx_held[TX_BUFS];	       /* true: ours to fill */
	uint32_t tx_next; /* next buffer to send from, round robin */
	/* set by the bench: called for every RX frame with a good offset */
	void (*on_rx)(void *ctx, const struct sdvf_desc *d, const uint8_t *f);
	void *ctx;
	uint64_t rx_frames, rx_bad, tx_done, tx_bad;
};

static void client_rx(struct bench_client *c)
{
	struct sdvf_desc d;
	do {
		while (sdvf_queue_pop(&c->rx_active, &d)) {
			if (d.io_or_offset % SDVF_BUF_SIZE ||
			    d.io_or_offset >= c->rx_size || d.len == 0 ||
			    d.len > SDVF_BUF_SIZE) {
				c->rx_bad++;
				continue;
			}
			c->rx_frames++;
			if (c->on_rx)
				c->on_rx(c->ctx, &d,
					 c->rx_data + d.io_or_offset);
			struct sdvf_desc back = {.io_or_offset =
							 d.io_or_offset};
			if (!sdvf_queue_push(&c->rx_free, &back))
				c->rx_bad++; /* it has a slot per buffer */
		}
	} while (sdvf_queue_consumer_request_signal(&c->rx_active));
	bool wake = sdvf_queue_producer_finish(&c->rx_free);
	wake |= sdvf_queue_consumer_finish(&c->rx_active);
	if (wake)
		sdvf_notify(c->pd, c->ch_rx);
}

static void client_tx_reap(struct bench_client *c)
{
	struct sdvf_desc d;
	do {
		while (sdvf_queue_pop(&c->tx_free, &d)) {
			uint64_t slot = d.io_or_offset / SDVF_BUF_SIZE;
			if (d.io_or_offset % SDVF_BUF_SIZE || slot >= TX_BUFS ||
			    c->tx_held[slot] || d.flags) {
				c->tx_bad++;
				continue;
			}
			c->tx_held[slot] = true;
			c->tx_done++;
		}
	} while (sdvf_queue_consumer_request_signal(&c->tx_free));
	if (sdvf_queue_consumer_finish(&c->tx_free))
		sdvf_notify(c->pd, c->ch_tx);
}

static void client_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct bench_client *c = state;
	(void)pd;
	if (ch == c->ch_rx)
		client_rx(c);
	else
		client_tx_reap(c);
}

/* Send n frames of len bytes numbered seq, seq+1, ... from the next
 * buffers; publish and signal once.  Returns how many went. */
static uint32_t client_send(struct bench_client *c, uint32_t n, size_t len,
			    uint64_t seq)
{
	uint32_t sent = 0;
	while (sent < n && c->tx_held[c->tx_next]) {
		uint64_t off = (uint64_t)c->tx_next * SDVF_BUF_SIZE;
		frame_fill(c->tx_data + off, len, peer_mac, c->mac, seq + sent);
		struct sdvf_desc d = {.io_or_offset = off,
				      .len = (uint16_t)len};
		if (!sdvf_queue_push(&c->tx_active, &d))
			break;
		c->tx_held[c->tx_next] = false;
		c->tx_next = (c->tx_next + 1) % TX_BUFS;
		sent++;
	}
	if (sdvf_queue_producer_finish(&c->tx_active))
		sdvf_notify(c->pd, c->ch_tx);
	return sent;
}

static int client_init(void *state, struct sdvf_pd *pd)
{
	struct bench_client *c = state;
	c->pd = pd;
	c->ch_rx = sdvf_channel(pd, "rx");
	c->ch_tx = sdvf_channel(pd, "tx");
	const struct sdvf_region *rx = sdvf_region(pd, "rx_data");
	const struct sdvf_region *tx = sdvf_region(pd, "tx_data");
	if (!rx || !tx || tx->size < TX_BUFS * SDVF_BUF_SIZE)
		return -1;
	c->rx_data = rx->base;
	c->rx_size = rx->size;
	c->tx_data = tx->base;
	for (uint32_t b = 0; b < TX_BUFS; b++)
		c->tx_held[b] = true;
	return sdvf_queue_attach_region(pd, &c->rx_active, "rx_active",
					CLIENT_CAP) &&
			       sdvf_queue_attach_region(pd, &c->rx_free,
							"rx_free",
							CLIENT_CAP) &&
			       sdvf_queue_attach_region(pd, &c->tx_active,
							"tx_active",
							CLIENT_CAP) &&
			       sdvf_queue_attach_region(pd, &c->tx_free,
							"tx_free", CLIENT_CAP)
		       ? 0
		       : -1;
}

static const struct sdvf_need client_needs[] = {SDVF_NEED_QUEUE("rx_active"),
						SDVF_NEED_QUEUE("rx_free"),
						SDVF_NEED_REGION_RO("rx_data"),
						SDVF_NEED_QUEUE("tx_active"),
						SDVF_NEED_QUEUE("tx_free"),
						SDVF_NEED_REGION_RW("tx_data"),
						SDVF_NEED_CHAN("rx"),
						SDVF_NEED_CHAN("tx"),
						{0}};
static const struct sdvf_param client_params[] = {{0}};

static const struct sdvf_component bench_client_component = {
	.name = "bench_mux_client",
	.summary = "bench harness: takes and checks RX, sends TX",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct bench_client),
	.needs = client_needs,
	.params = client_params,
	.init = client_init,
	.notified = client_notified,
};

static const struct sdvf_component *const table[] = {&enet_model_component,
						     &enet_driver_component,
						     &rx_mux_component,
						     &tx_mux_component,
						     &bench_client_component,
						     &reflector_component,
						     NULL};

enum mode { MODE_RX, MODE_TX, MODE_PIPE };

/* The muxes' address of client 0 (copy) and client 1 (remap), in both
 * systems. */
static const uint8_t client_mac[2][6] = {{0x02, 0, 0, 0, 0xe7, 0x10},
					 {0x02, 0, 0, 0, 0xe7, 0x11}};

/* ---- the measured loop ------------------------------------------------ */

struct bench {
	struct sdvf_sim *sim;
	struct bench_client *cl; /* rx, tx */
	const uint8_t *mac;	 /* the client's address */
	struct wire *wire;
	size_t len;
	uint64_t seq;	    /* next sequence number to send */
	uint64_t rx_seq;    /* next one expected by the client (RX) */
	uint64_t rx_good;   /* RX frames with the right length and seq */
	uint64_t rx_bad;    /* anything else: fails the run */
	uint64_t wire_seq;  /* next one expected off the wire (TX) */
	uint64_t wire_good; /* TX frames off the wire, right length and seq */
	uint64_t wire_bad;
};

static void rx_check(void *ctx, const struct sdvf_desc *d, const uint8_t *f)
{
	struct bench *b = ctx;
	if (d->flags != 0 || d->len != b->len || frame_seq(f) != b->rx_seq) {
		b->rx_bad++;
		return;
	}
	b->rx_seq++;
	b->rx_good++;
}

static void rx_batch(struct bench *b, uint32_t batch)
{
	uint8_t f[WIRE_MAX_FRAME];
	for (uint32_t i = 0; i < batch; i++) {
		frame_fill(f, b->len, b->mac, peer_mac, b->seq++);
		if (wire_mem_inject(b->wire, f, b->len) != 0)
			b->wire_bad++;
	}
	sdvf_sim_run(b->sim, RUN_STEPS);
}

static void wire_check(struct bench *b, const uint8_t *dst);

/* Each round's buffers come back before the next (the sim runs until
 * idle), so the client always has the batch's buffers. */
static void tx_batch(struct bench *b, uint32_t batch)
{
	if (client_send(b->cl, batch, b->len, b->seq) != batch)
		b->wire_bad++;
	b->seq += batch;
	sdvf_sim_run(b->sim, RUN_STEPS);
	wire_check(b, peer_mac);
}

/* Frames off the wire: in order, the right length, to `dst` from the
 * client. */
static void wire_check(struct bench *b, const uint8_t *dst)
{
	uint8_t got[WIRE_MAX_FRAME];
	long len;
	while ((len = wire_mem_take(b->wire, got, sizeof(got))) > 0) {
		if ((size_t)len == b->len && frame_seq(got) == b->wire_seq &&
		    memcmp(got, dst, 6) == 0 &&
		    memcmp(got + 6, b->mac, 6) == 0) {
			b->wire_seq++;
			b->wire_good++;
		} else {
			b->wire_bad++;
		}
	}
}

/* A round trip: frames in for the reflector, its replies out. */
static void pipe_batch(struct bench *b, uint32_t batch)
{
	rx_batch(b, batch);
	wire_check(b, peer_mac);
}

static void one_batch(struct bench *b, enum mode mode, uint32_t batch)
{
	if (mode == MODE_RX)
		rx_batch(b, batch);
	else if (mode == MODE_TX)
		tx_batch(b, batch);
	else
		pipe_batch(b, batch);
}

/* Not inlined: callgrind collects this function and what it calls. */
__attribute__((noinline)) void ir_loop(struct bench *b, enum mode mode,
				       uint32_t batch, uint64_t rounds)
{
	for (uint64_t r = 0; r < rounds; r++)
		one_batch(b, mode, batch);
}

/* ---- main ------------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr,
		"usage: bench_mux_ir rx|tx|pipe copy|remap BATCH(1..%u) "
		"ROUNDS\n",
		MAX_BATCH);
	return 2;
}

static bool boot(struct sdvf_system *sys, struct bench *b, enum mode mode,
		 bool remap)
{
	bool pipe = mode == MODE_PIPE;
	if (sdvf_system_load(sys, pipe ? PIPE_SYSTEM : SYSTEM, table, stderr) !=
	    0)
		return false;
	b->sim = sdvf_sim_create(sys);
	if (!b->sim || sdvf_sim_init(b->sim) != 0)
		return false;
	b->mac = client_mac[remap];
	if (!pipe) {
		b->cl = sdvf_sim_state(b->sim, remap ? "c1" : "c0");
		memcpy(b->cl->mac, b->mac, 6);
		b->cl->on_rx = rx_check;
		b->cl->ctx = b;
	}
	b->wire = enet_model_wire(sdvf_sim_state(b->sim, "nic"));
	sdvf_sim_run(b->sim, RUN_STEPS); /* the first PHY poll: link up */
	bool found = false;
	uint64_t link = sdvf_sim_counter(b->sim, "drv", "link_up", &found);
	if (!found || link != 1) {
		fprintf(stderr, "bench_mux_ir: link did not come up\n");
		return false;
	}
	return b->wire != NULL;
}

static uint64_t counter(struct bench *b, const char *pd, const char *name)
{
	bool found = false;
	uint64_t v = sdvf_sim_counter(b->sim, pd, name, &found);
	return found ? v : UINT64_MAX;
}

/* Buffers after the loop, with the sim idle: every client TX buffer back
 * with its client, no RX buffer held by a client, the TX pool whole.
 * First 2 ms of rest (the driver's TX completion timer, TXIC, returns
 * what it has not reaped), then the TX mux (twice: the first may make
 * room in a full drv_free)
 * and the reflectors wake once: with buffers to spare they are not woken
 * for completions (mux/tx_mux.c want_completions, clients/net_client.h
 * tx_reap), so they take them back at their next activation. */
static uint32_t conservation_errors(struct bench *b, bool pipe)
{
	uint32_t bad = 0;
	static const char *const clients[] = {"c0", "c1"};
	static const char *const reflectors[] = {"r0", "r1"};
	sdvf_sim_advance(b->sim, 2000000);
	for (int i = 0; i < 2; i++) {
		sdvf_sim_inject(b->sim, "txm", "drv");
		sdvf_sim_run(b->sim, RUN_STEPS);
	}
	for (int i = 0; i < 2 && pipe; i++)
		sdvf_sim_inject(b->sim, reflectors[i], "tx");
	sdvf_sim_run(b->sim, RUN_STEPS);
	static const uint32_t reflector_tx_bufs[] = {256, 64};
	for (int i = 0; i < 2 && !pipe; i++) {
		struct bench_client *c = sdvf_sim_state(b->sim, clients[i]);
		for (uint32_t s = 0; s < TX_BUFS; s++)
			bad += !c->tx_held[s];
		bad += c->rx_bad + c->tx_bad;
	}
	for (int i = 0; i < 2 && pipe; i++) {
		/* net_client is the reflector state's first member */
		const struct net_client *nc =
			sdvf_sim_state(b->sim, reflectors[i]);
		bad += net_client_rx_held(nc) != 0;
		bad += net_client_tx_at_mux(nc) != 0;
		bad += net_client_tx_idle(nc) != reflector_tx_bufs[i];
		bad += counter(b, reflectors[i], "drop.no_tx_buf") != 0;
	}
	bad += counter(b, "rxm", "c0.in_flight") != 0;
	bad += counter(b, "rxm", "c1.in_flight") != 0;
	bad += counter(b, "txm", "c0.in_flight") != 0;
	bad += counter(b, "txm", "c1.in_flight") != 0;
	bad += counter(b, "txm", "pool_idle") !=
	       (pipe ? PIPE_POOL_BUFS : TX_POOL_BUFS);
	bad += counter(b, "rxm", "bad_desc") != 0;
	bad += counter(b, "txm", "bad_completion") != 0;
	return bad;
}

static bool check(struct bench *b, enum mode mode, uint64_t frames)
{
	bool rx = mode == MODE_RX, pipe = mode == MODE_PIPE;
	uint64_t good = rx ? b->rx_good : b->wire_good;
	uint64_t done = pipe ? good : rx ? b->cl->rx_frames : b->cl->tx_done;
	uint32_t lost = conservation_errors(b, pipe);
	if (good != frames || done != frames || b->rx_bad || b->wire_bad ||
	    lost) {
		fprintf(stderr,
			"bench_mux_ir: expected %llu frames: good %llu, done "
			"%llu, bad rx %llu wire %llu, conservation errors "
			"%u\n",
			(unsigned long long)frames, (unsigned long long)good,
			(unsigned long long)done, (unsigned long long)b->rx_bad,
			(unsigned long long)b->wire_bad, lost);
		return false;
	}
	return true;
}

/* Per-frame activations of each PD over the loop. */
#define NPDS 5
static const char *const pd_names[2][NPDS] = {
	{"drv", "rxm", "txm", "c0", "c1"}, {"drv", "rxm", "txm", "r0", "r1"}};

int main(int argc, char **argv)
{
	if (argc != 5 ||
	    (strcmp(argv[1], "rx") && strcmp(argv[1], "tx") &&
	     strcmp(argv[1], "pipe")) ||
	    (strcmp(argv[2], "copy") && strcmp(argv[2], "remap")))
		return usage();
	enum mode mode = strcmp(argv[1], "rx") == 0   ? MODE_RX
			 : strcmp(argv[1], "tx") == 0 ? MODE_TX
						      : MODE_PIPE;
	const char *const *pds = pd_names[mode == MODE_PIPE];
	bool remap = strcmp(argv[2], "remap") == 0;
	long batch = strtol(argv[3], NULL, 10);
	long long rounds = strtoll(argv[4], NULL, 10);
	const char *len_env = getenv("SDVF_BENCH_MUX_LEN");
	long len = len_env ? strtol(len_env, NULL, 10) : 60;
	if (batch < 1 || batch > (long)MAX_BATCH || rounds < 1 || len < 22 ||
	    len > SDVF_NET_FRAME_MAX)
		return usage();
	struct sdvf_system sys;
	memset(&sys, 0, sizeof(sys));
	struct bench b = {.len = (size_t)len};
	if (!boot(&sys, &b, mode, remap)) {
		fprintf(stderr, "bench_mux_ir: boot failed\n");
		return 1;
	}
	/* Warm-up outside the collected function: rings and queues in
	 * steady state, every buffer touched once. */
	for (uint32_t i = 0; i < 2 * RX_DMA_BUFS; i++)
		one_batch(&b, mode, 1);
	uint64_t warm = 2 * RX_DMA_BUFS;
	uint64_t before[NPDS];
	for (int i = 0; i < NPDS; i++)
		before[i] = sdvf_sim_activations(b.sim, pds[i]);
	ir_loop(&b, mode, (uint32_t)batch, (uint64_t)rounds);
	uint64_t frames = warm + (uint64_t)batch * (uint64_t)rounds;
	if (!check(&b, mode, frames))
		return 1;
	for (int i = 0; i < NPDS; i++)
		printf("activations %s %llu\n", pds[i],
		       (unsigned long long)(sdvf_sim_activations(b.sim,
								 pds[i]) -
					    before[i]));
	printf("frames %llu\n", (unsigned long long)((uint64_t)batch * rounds));
	wire_close(b.wire);
	sdvf_sim_destroy(b.sim);
	sdvf_system_free(&sys);
	return 0;
}
