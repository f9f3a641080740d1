/*
 * ENET path under callgrind: the real enet_driver drives the real enet_model
 * (wire "mem") in the sim runtime, with the ENET fixture (tests/unit/
 * enet_fixture.h) on the driver's four queues as a sink for RX and a source
 * for TX.  The system is tests/fixtures/enet-bench.dts (run from the
 * repository root).  ir_loop() is the only function tests/bench/
 * bench_enet.sh collects (--toggle-collect=ir_loop), so boot and set-up are
 * not counted.
 *
 *   bench_enet_ir rx BATCH ROUNDS   inject BATCH frames on the wire, run the
 *                                   sim until idle; the fixture returns
 *                                   every buffer at once (rx_recycle)
 *   bench_enet_ir tx BATCH ROUNDS   queue BATCH frames on tx_active, run until
 *                                   idle, take them off the wire
 *
 * Every frame is checked (length, and its sequence number in the payload,
 * in order), so a variant that lost, duplicated or reordered frames fails
 * the run (exit 1) instead of looking fast; so does a lost buffer (the
 * fixture's conservation check, after the measured loop).
 * SDVF_BENCH_ENET_LEN sets the frame length (default 60: a 64-byte frame on
 * a real wire).  The last line is "frames N" for the script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/queue.h"
#include "core/sim/sim.h"
#include "core/sysdesc/sysdesc.h"
#include "driver/enet/enet_driver.h"
#include "driver/enet/model/enet_model.h"
#include "driver/enet/wire/wire.h"
#include "tests/unit/enet_fixture.h"

#define SYSTEM "tests/fixtures/enet-bench.dts"
#define NBUF 256u     /* per direction: the fixture's `buffers` */
#define MAX_BATCH 64u /* the mem wire's FIFO depth */
#define RUN_STEPS 1000000u

/* RX frames go to a MAC that is not the driver's: RCR.PROM passes them. */
static const uint8_t rx_dst_mac[6] = {0x02, 0x00, 0x00, 0x00, 0xe7, 0x02};
static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0xe7, 0x99};

static const struct sdvf_component *const table[] = {
	&enet_model_component, &enet_driver_component, &enet_fixture_component,
	NULL};

static uint64_t frame_seq(const uint8_t *f)
{
	uint64_t seq = 0;
	for (int i = 0; i < 8; i++)
		seq = seq << 8 | f[14 + i];
	return seq;
}

/* ---- the measured loop ------------------------------------------------ */

struct bench {
	struct sdvf_sim *sim;
	struct enet_fixture *fx;
	struct enet_driver *drv;
	struct wire *wire;
	size_t len;
	uint64_t seq;	    /* next sequence number to send */
	uint64_t rx_seq;    /* next one expected from the driver (RX) */
	uint64_t rx_good;   /* RX frames with the right length and seq */
	uint64_t rx_bad;    /* anything else: fails the run */
	uint64_t wire_seq;  /* next one expected off the wire (TX) */
	uint64_t wire_good; /* TX frames off the wire, right length and seq */
	uint64_t wire_bad;
};

/* The fixture's on_rx hook: every frame in order, none flagged. */
static void rx_check(void *ctx, const struct sdvf_desc *d, const uint8_t *frame)
{
	struct bench *b = ctx;
	if (!frame || d->flags != 0 || d->len != b->len ||
	    frame_seq(frame) != b->rx_seq) {
		b->rx_bad++;
		return;
	}
	b->rx_seq++;
	b->rx_good++;
}

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
		frame_fill(f, b->len, rx_dst_mac, b->seq++);
		if (wire_mem_inject(b->wire, f, b->len) != 0)
			b->wire_bad++;
	}
	sdvf_sim_run(b->sim, RUN_STEPS);
}

/* TX buffers go round in order: each round's come back before the next
 * (the sim runs until idle), so the next ones are the fixture's. */
static void tx_batch(struct bench *b, uint32_t batch)
{
	struct enet_fixture *fx = b->fx;
	uint32_t first = (uint32_t)(b->seq % NBUF), n = 0;
	while (n < batch &&
	       fx->tx.owner[(first + n) % NBUF] == SDVF_OWNER_SELF) {
		frame_fill(enet_fixture_tx_frame(fx, (first + n) % NBUF),
			   b->len, peer_mac, b->seq + n);
		n++;
	}
	if (enet_fixture_queue_tx(fx, first, n, (uint16_t)b->len) != n)
		b->wire_bad++; /* cannot happen: NBUF < the queue's slots */
	b->seq += n;
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
	if (sdvf_system_load(sys, SYSTEM, table, stderr) != 0)
		return false;
	b->sim = sdvf_sim_create(sys);
	if (!b->sim || sdvf_sim_init(b->sim) != 0)
		return false;
	b->fx = sdvf_sim_state(b->sim, "mux");
	b->drv = sdvf_sim_state(b->sim, "drv");
	b->wire = enet_model_wire(sdvf_sim_state(b->sim, "nic"));
	b->fx->opt = (struct enet_fixture_options){
		.rx_recycle = true, .on_rx = rx_check, .ctx = b};
	if (enet_fixture_provide_rx(b->fx, 0, NBUF) != NBUF)
		return false;
	sdvf_sim_run(b->sim, RUN_STEPS); /* the first PHY poll: link up */
	bool found = false;
	uint64_t link = sdvf_sim_counter(b->sim, "drv", "link_up", &found);
	if (!found || link != 1) {
		fprintf(stderr, "bench_enet_ir: link did not come up\n");
		return false;
	}
	return b->wire != NULL;
}

/* Both directions must have moved exactly the frames asked for, and every
 * buffer must be where the fixture and the driver say. */
static bool check(const struct bench *b, bool rx, uint64_t frames)
{
	const struct enet_fixture *fx = b->fx;
	uint64_t good = rx ? b->rx_good : b->wire_good;
	uint64_t done = rx ? frames : fx->tx.returned;
	uint64_t rx_bad = b->rx_bad + enet_fixture_foreign(&fx->rx);
	uint64_t tx_bad = fx->tx.flagged + enet_fixture_foreign(&fx->tx);
	if (good != frames || done != frames || rx_bad || b->wire_bad ||
	    tx_bad || enet_fixture_conservation_errors(fx, b->drv) != 0) {
		fprintf(stderr,
			"bench_enet_ir: expected %llu frames: good %llu, tx "
			"done %llu, bad rx %llu wire %llu tx %llu\n",
			(unsigned long long)frames, (unsigned long long)good,
			(unsigned long long)fx->tx.returned,
			(unsigned long long)rx_bad,
			(unsigned long long)b->wire_bad,
			(unsigned long long)tx_bad);
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
