/*
 * ENET path under callgrind: the real enet_driver drives the real enet_model
 * (wire "mem") in the sim runtime, with a sink/source client on the driver's
 * four queues.  ir_loop() is the only function tests/bench/bench_enet.sh
 * collects (--toggle-collect=ir_loop), so boot and set-up are not counted.
 *
 *   bench_enet_ir rx BATCH ROUNDS   inject BATCH frames on the wire, run the
 *                                   sim until idle; the client returns every
 *                                   buffer at once
 *   bench_enet_ir tx BATCH ROUNDS   queue BATCH frames on tx_active, run until
 *                                   idle, take them off the wire
 *
 * Every frame is checked (length, and its sequence number in the payload,
 * in order), so a variant that lost, duplicated or reordered frames fails
 * the run (exit 1) instead of looking fast.  SDVF_BENCH_ENET_LEN sets the
 * frame length (default 60: a 64-byte frame on a real wire).  The last line
 * is "frames N" for the script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pd_queue.h"
#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_driver.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"

#define RX_DMA_IO 0x10000000u
#define TX_DMA_IO 0x10100000u
#define BUF_BYTES 2048u
#define NBUF 256u     /* per direction: the regions hold exactly these */
#define CAPACITY 512u /* queue slots, as in examples/enet-tap.dts */
#define MAX_BATCH 64u /* the mem wire's FIFO depth */
#define RUN_STEPS 1000000u

static const uint8_t client_mac[6] = {0x02, 0x00, 0x00, 0x00, 0xe7, 0x02};
static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0xe7, 0x99};

/* ---- the client: a sink for RX, a source for TX ---------------------- */

struct bench_client {
	struct sdvf_pd *pd;
	struct sdvf_queue rx_free, rx_active, tx_active, tx_free;
	sdvf_channel_t ch_rx, ch_tx;
	uint8_t *rx_dma, *tx_dma;
	uint32_t tx_idle[NBUF]; /* stack of TX buffers the client holds */
	uint32_t ntx_idle;
	uint32_t expect_len;
	uint64_t rx_seq;  /* next sequence number expected on RX */
	uint64_t rx_good; /* frames with the right length and sequence */
	uint64_t rx_bad;  /* anything else: fails the run */
	uint64_t tx_done;
	uint64_t tx_bad; /* completions flagged or for no buffer of ours */
};

static const struct sdvf_need client_needs[] = {
	{"rx_dma", SDVF_NEED_REGION, SDVF_RW, false},
	{"tx_dma", SDVF_NEED_REGION, SDVF_RW, false},
	{"rx_free", SDVF_NEED_REGION, SDVF_RW, false},
	{"rx_active", SDVF_NEED_REGION, SDVF_RW, false},
	{"tx_free", SDVF_NEED_REGION, SDVF_RW, false},
	{"tx_active", SDVF_NEED_REGION, SDVF_RW, false},
	{"rx", SDVF_NEED_CHANNEL, 0, false},
	{"tx", SDVF_NEED_CHANNEL, 0, false},
	{0},
};
static const struct sdvf_param no_params[] = {{0}};

static void client_push(struct bench_client *c, struct sdvf_queue *q,
			sdvf_channel_t ch, const struct sdvf_desc *d,
			uint32_t n)
{
	if (sdvf_queue_push_burst(q, d, n) != n)
		c->rx_bad++; /* cannot happen: the client never has more out */
	if (sdvf_queue_producer_should_signal(q))
		sdvf_notify(c->pd, ch);
}

static int client_init(void *state, struct sdvf_pd *pd)
{
	struct bench_client *c = state;
	c->pd = pd;
	if (!sdvf_queue_attach_region(pd, &c->rx_free, "rx_free", CAPACITY) ||
	    !sdvf_queue_attach_region(pd, &c->rx_active, "rx_active",
				      CAPACITY) ||
	    !sdvf_queue_attach_region(pd, &c->tx_active, "tx_active",
				      CAPACITY) ||
	    !sdvf_queue_attach_region(pd, &c->tx_free, "tx_free", CAPACITY))
		return -1;
	c->ch_rx = sdvf_channel(pd, "rx");
	c->ch_tx = sdvf_channel(pd, "tx");
	c->rx_dma = sdvf_region(pd, "rx_dma")->base;
	c->tx_dma = sdvf_region(pd, "tx_dma")->base;
	struct sdvf_desc d[NBUF] = {0};
	for (uint32_t i = 0; i < NBUF; i++) {
		d[i].io_or_offset = RX_DMA_IO + i * BUF_BYTES;
		c->tx_idle[i] = i;
	}
	c->ntx_idle = NBUF;
	client_push(c, &c->rx_free, c->ch_rx, d, NBUF);
	return 0;
}

static uint64_t frame_seq(const uint8_t *f)
{
	uint64_t seq = 0;
	for (int i = 0; i < 8; i++)
		seq = seq << 8 | f[14 + i];
	return seq;
}

static void client_check_rx(struct bench_client *c, const struct sdvf_desc *d)
{
	uint64_t off = d->io_or_offset - RX_DMA_IO;
	if (d->io_or_offset < RX_DMA_IO || off % BUF_BYTES != 0 ||
	    off / BUF_BYTES >= NBUF || d->flags != 0 ||
	    d->len != c->expect_len ||
	    frame_seq(c->rx_dma + off) != c->rx_seq) {
		c->rx_bad++;
		return;
	}
	c->rx_seq++;
	c->rx_good++;
}

/* Sink: check every frame and hand its buffer straight back. */
static void client_rx(struct bench_client *c)
{
	struct sdvf_desc d[CAPACITY];
	uint32_t n;
	do {
		while ((n = sdvf_queue_pop_burst(&c->rx_active, d, CAPACITY))) {
			sdvf_queue_release(&c->rx_active);
			for (uint32_t i = 0; i < n; i++) {
				client_check_rx(c, &d[i]);
				d[i].len = 0;
				d[i].flags = 0;
			}
			client_push(c, &c->rx_free, c->ch_rx, d, n);
		}
	} while (sdvf_queue_consumer_request_signal(&c->rx_active));
	if (sdvf_queue_consumer_should_signal(&c->rx_active))
		sdvf_notify(c->pd, c->ch_rx);
}

static void client_tx_done(struct bench_client *c)
{
	struct sdvf_desc d;
	do {
		while (sdvf_queue_pop(&c->tx_free, &d)) {
			uint64_t off = d.io_or_offset - TX_DMA_IO;
			if (d.io_or_offset < TX_DMA_IO || d.flags != 0 ||
			    off / BUF_BYTES >= NBUF || c->ntx_idle == NBUF) {
				c->tx_bad++;
				continue;
			}
			c->tx_idle[c->ntx_idle++] = (uint32_t)(off / BUF_BYTES);
			c->tx_done++;
		}
		sdvf_queue_release(&c->tx_free);
	} while (sdvf_queue_consumer_request_signal(&c->tx_free));
	if (sdvf_queue_consumer_should_signal(&c->tx_free))
		sdvf_notify(c->pd, c->ch_tx);
}

static void client_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct bench_client *c = state;
	(void)pd;
	if (ch == c->ch_rx)
		client_rx(c);
	else if (ch == c->ch_tx)
		client_tx_done(c);
}

static const struct sdvf_component bench_client_component = {
	.name = "bench_client",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct bench_client),
	.needs = client_needs,
	.params = no_params,
	.init = client_init,
	.notified = client_notified,
};

/* ---- the system: as examples/enet-tap.dts, wire mem -------------------- */

static const struct sdvf_component *const table[] = {
	&enet_model_component, &enet_driver_component, &bench_client_component,
	NULL};

static const char dts[] =
	"/dts-v1/;\n/ {\ncompatible = \"sdvf,system\";\npds {\n"
	"nic { component = \"enet_model\";\n"
	"  maps { enet_regs = \"enet_regs\", \"rw\"; enet_mmio = "
	"\"enet_mmio\", \"rw\"; enet_rings = \"enet_rings\", \"rw\";\n"
	"    dma0 = \"rx_dma\", \"rw\"; dma1 = \"tx_dma\", \"r\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; };\n"
	"  config { wire = \"mem\"; }; };\n"
	"drv { component = \"enet_driver\";\n"
	"  maps { enet_regs = \"enet_regs\", \"r\"; enet_mmio = "
	"\"enet_mmio\", \"rw\"; enet_rings = \"enet_rings\", \"rw\";\n"
	"    rx_free = \"rx_free\", \"rw\"; rx_active = \"rx_active\", "
	"\"rw\"; tx_free = \"tx_free\", \"rw\"; tx_active = \"tx_active\", "
	"\"rw\"; };\n"
	"  channels { irq = \"irq\"; mmio = \"mmio\"; rx = \"rx\"; tx = "
	"\"tx\"; };\n"
	"  config { mac = [02 00 00 00 e7 01]; rx_ring = <256>; "
	"tx_ring = <256>; rx_capacity = <512>; tx_capacity = <512>;\n"
	"    dma0_io = <0x10000000>; dma0_size = <0x80000>;\n"
	"    dma1_io = <0x10100000>; dma1_size = <0x80000>; }; };\n"
	"client { component = \"bench_client\";\n"
	"  maps { rx_dma = \"rx_dma\", \"rw\"; tx_dma = \"tx_dma\", \"rw\";\n"
	"    rx_free = \"rx_free\", \"rw\"; rx_active = \"rx_active\", "
	"\"rw\"; tx_free = \"tx_free\", \"rw\"; tx_active = \"tx_active\", "
	"\"rw\"; };\n"
	"  channels { rx = \"rx\"; tx = \"tx\"; }; };\n"
	"};\nregions {\n"
	"enet_regs { size = <0x1000>; }; enet_mmio { size = <0x1000>; };\n"
	"enet_rings { size = <0x1000>; io-address = <0x40000000>; };\n"
	"rx_dma { size = <0x80000>; io-address = <0x10000000>; };\n"
	"tx_dma { size = <0x80000>; io-address = <0x10100000>; };\n"
	"rx_free { size = <0x3000>; }; rx_active { size = <0x3000>; };\n"
	"tx_free { size = <0x3000>; }; tx_active { size = <0x3000>; };\n"
	"};\nchannels {\n"
	"irq { ends = \"nic\", \"drv\"; }; mmio { ends = \"drv\", \"nic\"; "
	"};\n"
	"rx { ends = \"drv\", \"client\"; }; tx { ends = \"drv\", "
	"\"client\"; };\n"
	"};\n};\n";

/* ---- the measured loop ------------------------------------------------ */

struct bench {
	struct sdvf_sim *sim;
	struct bench_client *client;
	struct wire *wire;
	size_t len;
	uint64_t seq;	    /* next sequence number to send */
	uint64_t wire_seq;  /* next one expected off the wire (TX) */
	uint64_t wire_good; /* TX frames off the wire, right length and seq */
	uint64_t wire_bad;
};

static void frame_fill(uint8_t *f, size_t len, const uint8_t *dst, uint64_t seq)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (int i = 0; i < 8; i++)
		f[14 + i] = (uint8_t)(seq >> (56 - 8 * i));
	memset(f + 22, 0x5a, len - 22);
}

static void rx_batch(struct bench *b, uint32_t batch)
{
	uint8_t f[WIRE_MAX_FRAME];
	for (uint32_t i = 0; i < batch; i++) {
		frame_fill(f, b->len, client_mac, b->seq++);
		if (wire_mem_inject(b->wire, f, b->len) != 0)
			b->wire_bad++;
	}
	sdvf_sim_run(b->sim, RUN_STEPS);
}

static void tx_batch(struct bench *b, uint32_t batch)
{
	struct bench_client *c = b->client;
	struct sdvf_desc d[MAX_BATCH] = {0};
	uint32_t n = 0;
	while (n < batch && c->ntx_idle > 0) {
		uint32_t idx = c->tx_idle[--c->ntx_idle];
		frame_fill(c->tx_dma + idx * BUF_BYTES, b->len, peer_mac,
			   b->seq++);
		d[n].io_or_offset = TX_DMA_IO + idx * BUF_BYTES;
		d[n++].len = (uint16_t)b->len;
	}
	client_push(c, &c->tx_active, c->ch_tx, d, n);
	sdvf_sim_run(b->sim, RUN_STEPS);
	uint8_t got[WIRE_MAX_FRAME];
	long len;
	while ((len = wire_mem_take(b->wire, got, sizeof(got))) > 0) {
		if ((size_t)len == b->len && frame_seq(got) == b->wire_seq) {
			b->wire_seq++;
			b->wire_good++;
		} else {
			b->wire_bad++;
		}
	}
}

/* Not inlined: callgrind collects this function and what it calls. */
__attribute__((noinline)) void ir_loop(struct bench *b, bool rx, uint32_t batch,
				       uint64_t rounds)
{
	for (uint64_t r = 0; r < rounds; r++) {
		if (rx)
			rx_batch(b, batch);
		else
			tx_batch(b, batch);
	}
}

/* ---- main ------------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr, "usage: bench_enet_ir rx|tx BATCH(1..%u) ROUNDS\n",
		MAX_BATCH);
	return 2;
}

static bool boot(struct sdvf_system *sys, struct bench *b)
{
	if (sdvf_system_load_dts(sys, "bench_enet_ir", dts, table, stderr) != 0)
		return false;
	b->sim = sdvf_sim_create(sys);
	if (!b->sim || sdvf_sim_init(b->sim) != 0)
		return false;
	b->client = sdvf_sim_state(b->sim, "client");
	b->wire = enet_model_wire(sdvf_sim_state(b->sim, "nic"));
	b->client->expect_len = (uint32_t)b->len;
	sdvf_sim_run(b->sim, RUN_STEPS); /* the first PHY poll: link up */
	bool found = false;
	uint64_t link = sdvf_sim_counter(b->sim, "drv", "link_up", &found);
	if (!found || link != 1) {
		fprintf(stderr, "bench_enet_ir: link did not come up\n");
		return false;
	}
	return b->wire != NULL;
}

/* Both directions must have moved exactly the frames asked for. */
static bool check(const struct bench *b, bool rx, uint64_t frames)
{
	const struct bench_client *c = b->client;
	uint64_t good = rx ? c->rx_good : b->wire_good;
	uint64_t done = rx ? frames : c->tx_done;
	if (good != frames || done != frames || c->rx_bad || b->wire_bad ||
	    c->tx_bad) {
		fprintf(stderr,
			"bench_enet_ir: expected %llu frames: good %llu, tx "
			"done %llu, bad rx %llu wire %llu tx %llu\n",
			(unsigned long long)frames, (unsigned long long)good,
			(unsigned long long)c->tx_done,
			(unsigned long long)c->rx_bad,
			(unsigned long long)b->wire_bad,
			(unsigned long long)c->tx_bad);
		return false;
	}
	return true;
}

/* Per-frame costs the runtime can count: activations, doorbells, kicks. */
#define NCOUNTERS 7
static const char *const counter_names[NCOUNTERS][2] = {
	{"drv", "irq_activations"}, {"nic", "irq_raised"},
	{"nic", "rdar_writes"},	    {"nic", "tdar_writes"},
	{"nic", "mmio_writes"},	    {"drv", "doorbells"},
	{"drv", "activations"},
};

static void counters_read(struct sdvf_sim *sim, uint64_t *v)
{
	for (int i = 0; i < NCOUNTERS - 2; i++)
		v[i] = sdvf_sim_counter(sim, counter_names[i][0],
					counter_names[i][1], NULL);
	v[NCOUNTERS - 2] = sdvf_sim_notifications(sim, "drv", "mmio");
	v[NCOUNTERS - 1] = sdvf_sim_activations(sim, "drv");
}

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "rx") && strcmp(argv[1], "tx")))
		return usage();
	bool rx = strcmp(argv[1], "rx") == 0;
	long batch = strtol(argv[2], NULL, 10);
	long long rounds = strtoll(argv[3], NULL, 10);
	const char *len_env = getenv("SDVF_BENCH_ENET_LEN");
	long len = len_env ? strtol(len_env, NULL, 10) : 60;
	if (batch < 1 || batch > (long)MAX_BATCH || rounds < 1 || len < 22 ||
	    len > 1514)
		return usage();
	struct sdvf_system sys;
	memset(&sys, 0, sizeof(sys));
	struct bench b = {.len = (size_t)len};
	if (!boot(&sys, &b)) {
		fprintf(stderr, "bench_enet_ir: boot failed\n");
		return 1;
	}
	/* Warm-up outside the collected function: rings and queues in
	 * steady state, every buffer touched once. */
	for (uint32_t i = 0; i < 2 * NBUF; i++)
		rx ? rx_batch(&b, 1) : tx_batch(&b, 1);
	uint64_t warm = 2 * NBUF;
	uint64_t before[NCOUNTERS], after[NCOUNTERS];
	counters_read(b.sim, before);
	ir_loop(&b, rx, (uint32_t)batch, (uint64_t)rounds);
	counters_read(b.sim, after);
	uint64_t frames = warm + (uint64_t)batch * (uint64_t)rounds;
	if (!check(&b, rx, frames))
		return 1;
	for (int i = 0; i < NCOUNTERS; i++)
		printf("counter %s.%s %llu\n", counter_names[i][0],
		       counter_names[i][1],
		       (unsigned long long)(after[i] - before[i]));
	printf("frames %llu\n", (unsigned long long)((uint64_t)batch * rounds));
	wire_close(b.wire);
	sdvf_sim_destroy(b.sim);
	sdvf_system_free(&sys);
	return 0;
}
