/*
 * Fuzz the virt/ layer as a hostile guest would: register accesses of any
 * width at any offset of the virtio-mmio window (virt/virtio_mmio.h),
 * arbitrary bytes written over guest RAM, rings and descriptors included
 * (the virtqueue walker, virt/virtq.h), with frames arriving from the
 * backend and TX room coming and going (virt/virtio_net.h).  Built with
 * ASan + UBSan; a crash, an out-of-bounds access or a broken invariant is
 * a failure.
 *
 * Entry points (libFuzzer, and the replay of the corpus and of
 * pseudo-random inputs in `make test`): tests/fuzz/fuzz_replay.h.
 *
 * Invariants checked after every operation:
 *   - every backend buffer is accounted for: RX frames lent to the device
 *     equal the frames it holds (<= hold_max), and no TX buffer stays
 *     allocated between polls;
 *   - InterruptStatus holds only the two defined bits;
 *   - a ready queue has a power-of-two size <= VIRTQ_NUM_MAX;
 *   - the device is live only with FEATURES_OK and VERSION_1 negotiated.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_cursor.h"
#include "virt/virtio_mmio.h"
#include "virt/virtio_net.h"
#include "virt/virtq.h"

#define RAM_GPA 0x40000000ull
#define RAM_SIZE 0x10000u
#define NBUF 64u
#define HOLD_MAX 8u

struct fuzz_be {
	uint8_t rx_buf[NBUF][2048];
	uint16_t rx_len[NBUF];
	uint8_t rx_lent[NBUF];
	unsigned nlent;
	unsigned rx_pending; /* frames the backend will hand out */
	uint16_t rx_next_len;
	uint8_t tx_buf[NBUF][2048];
	uint8_t tx_state[NBUF]; /* 0 free, 1 allocated, 2 at the "mux" */
	unsigned tx_allocated;
	unsigned tx_room;
};

static struct {
	uint64_t inputs, ops, rx_frames, tx_frames, needs_reset, bad_access;
	uint64_t bad_chains;
} totals;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_virtio: invariant broken: %s\n", what);
	abort();
}

static bool be_rx_take(void *ctx, struct virtio_net_frame *f)
{
	struct fuzz_be *b = ctx;
	if (b->rx_pending == 0)
		return false;
	for (unsigned i = 0; i < NBUF; i++) {
		if (!b->rx_lent[i]) {
			b->rx_pending--;
			b->rx_lent[i] = 1;
			b->nlent++;
			b->rx_len[i] = b->rx_next_len;
			*f = (struct virtio_net_frame){.handle = i,
						       .data = b->rx_buf[i],
						       .len = b->rx_len[i]};
			return true;
		}
	}
	return false;
}

static void be_rx_return(void *ctx, uint64_t h)
{
	struct fuzz_be *b = ctx;
	if (h >= NBUF || !b->rx_lent[h])
		fail("RX buffer returned that was not lent");
	b->rx_lent[h] = 0;
	b->nlent--;
}

static bool be_tx_alloc(void *ctx, uint64_t *h, uint8_t **data)
{
	struct fuzz_be *b = ctx;
	for (unsigned i = 0; i < NBUF && b->tx_room; i++) {
		if (b->tx_state[i] == 0) {
			b->tx_state[i] = 1;
			b->tx_room--;
			b->tx_allocated++;
			*h = i;
			*data = b->tx_buf[i];
			return true;
		}
	}
	return false;
}

static bool be_tx_send(void *ctx, uint64_t h, uint16_t len)
{
	struct fuzz_be *b = ctx;
	if (h >= NBUF || b->tx_state[h] != 1 || len < 14 || len > 1518)
		fail("TX send of a buffer not allocated, or bad length");
	b->tx_state[h] = 2;
	b->tx_allocated--;
	return true;
}

static void be_tx_cancel(void *ctx, uint64_t h)
{
	struct fuzz_be *b = ctx;
	if (h >= NBUF || b->tx_state[h] != 1)
		fail("TX cancel of a buffer not allocated");
	b->tx_state[h] = 0;
	b->tx_allocated--;
	b->tx_room++;
}

static void no_irq(void *ctx)
{
	(void)ctx;
}

static void check(struct virtio_net *n, struct fuzz_be *b)
{
	if (b->nlent != n->nheld || n->nheld > n->hold_max)
		fail("RX buffers lent differ from frames held");
	if (b->tx_allocated != 0)
		fail("TX buffer left allocated after a poll");
	if (n->mmio.interrupt_status & ~3u)
		fail("InterruptStatus has undefined bits");
	for (unsigned q = 0; q < 2; q++) {
		const struct virtq *vq = &n->mmio.queue[q];
		if (vq->ready && (vq->num == 0 || vq->num > VIRTQ_NUM_MAX ||
				  (vq->num & (vq->num - 1))))
			fail("ready queue with an invalid size");
	}
	if (virtio_mmio_live(&n->mmio) &&
	    (!(n->mmio.status & VIRTIO_STATUS_FEATURES_OK) ||
	     !(n->mmio.features & VIRTIO_BIT(VIRTIO_F_VERSION_1))))
		fail("live without FEATURES_OK and VERSION_1");
}

/* The honest bring-up of tests/unit/virtio_driver.h, queue rings at
 * fuzz-chosen places (most land inside RAM). */
static void bring_up(struct virtio_mmio *t, struct cursor *c)
{
	virtio_mmio_write(t, VIRTIO_MMIO_STATUS, 4, 0);
	virtio_mmio_write(t, VIRTIO_MMIO_STATUS, 4, 3);
	uint64_t want = ((uint64_t)take(c, 1) << 8 | take(c, 1)) << 8;
	want |= VIRTIO_BIT(VIRTIO_F_VERSION_1) |
		VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX);
	if (take(c, 1) & 1)
		want |= VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
	want &= virtio_mmio_offered(t);
	virtio_mmio_write(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 1);
	virtio_mmio_write(t, VIRTIO_MMIO_DRIVER_FEATURES, 4,
			  (uint32_t)(want >> 32));
	virtio_mmio_write(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 0);
	virtio_mmio_write(t, VIRTIO_MMIO_DRIVER_FEATURES, 4, (uint32_t)want);
	virtio_mmio_write(t, VIRTIO_MMIO_STATUS, 4, 11);
	for (uint32_t q = 0; q < 2; q++) {
		uint32_t num = 1u << (take(c, 1) % 9);
		uint32_t base = (uint32_t)RAM_GPA + q * 0x3000u;
		virtio_mmio_write(t, VIRTIO_MMIO_QUEUE_SEL, 4, q);
		virtio_mmio_write(t, VIRTIO_MMIO_QUEUE_NUM, 4, num);
		virtio_mmio_write(t, VIRTIO_MMIO_QUEUE_DESC_LOW, 4, base);
		virtio_mmio_write(t, VIRTIO_MMIO_QUEUE_DRIVER_LOW, 4,
				  base + 0x1000);
		virtio_mmio_write(t, VIRTIO_MMIO_QUEUE_DEVICE_LOW, 4,
				  base + 0x2000);
		virtio_mmio_write(t, VIRTIO_MMIO_QUEUE_READY, 4, 1);
	}
	virtio_mmio_write(t, VIRTIO_MMIO_STATUS, 4, 15);
}

/* A mostly plausible chain on queue q: descriptors with fuzzed flags,
 * lengths and next links over the data half of RAM, and an avail entry
 * (the avail idx stepped by one, or by a fuzzed jump). */
static void post(struct virtio_net *n, uint8_t *ram, struct cursor *c)
{
	const struct virtq *vq = &n->mmio.queue[take(c, 1) % 2];
	uint32_t num = vq->num ? vq->num : 1;
	if (vq->desc_gpa < RAM_GPA || vq->desc_gpa - RAM_GPA >= 0x8000 ||
	    vq->avail_gpa < RAM_GPA || vq->avail_gpa - RAM_GPA >= 0x8000)
		return;
	uint8_t *desc = ram + (vq->desc_gpa - RAM_GPA);
	uint8_t *avail = ram + (vq->avail_gpa - RAM_GPA);
	uint16_t head = (uint16_t)(take(c, 1) % num), d = head;
	unsigned segs = 1 + take(c, 1) % 3;
	for (unsigned i = 0; i < segs; i++) {
		uint64_t addr = RAM_GPA + 0x8000 + take(c, 2) % 0x8000;
		uint32_t len =
			take(c, 1) % 4 == 0 ? take(c, 2) : 12 + take(c, 1) * 6;
		/* NEXT, WRITE, and now and then INDIRECT */
		uint16_t flags = (uint16_t)(take(c, 1) & 7);
		flags = i + 1 < segs ? flags | 1 : flags & ~1u;
		uint16_t next = (uint16_t)((d + 1) % num);
		if (desc + 16u * d + 16 > ram + RAM_SIZE)
			return;
		memcpy(desc + 16u * d, &addr, 8);
		memcpy(desc + 16u * d + 8, &len, 4);
		memcpy(desc + 16u * d + 12, &flags, 2);
		memcpy(desc + 16u * d + 14, &next, 2);
		d = next;
	}
	uint16_t idx;
	memcpy(&idx, avail + 2, 2);
	memcpy(avail + 4 + 2u * (idx % num), &head, 2);
	idx = (uint16_t)(idx + (take(c, 1) % 16 == 0 ? take(c, 2) : 1));
	memcpy(avail + 2, &idx, 2);
}

static uint8_t *ram;
static struct virtio_net *net;
static struct fuzz_be *be;

static void fuzz_one(const uint8_t *data, size_t size)
{
	if (!ram) {
		ram = aligned_alloc(4096, RAM_SIZE);
		net = malloc(sizeof(*net));
		be = malloc(sizeof(*be));
	}
	memset(ram, 0, RAM_SIZE);
	memset(be, 0, sizeof(*be));
	be->tx_room = NBUF / 2;
	struct virt_guest_mem mem = {
		.base = ram, .gpa = RAM_GPA, .size = RAM_SIZE};
	struct virtio_net_backend ops = {
		.ctx = be,
		.rx_take = be_rx_take,
		.rx_return = be_rx_return,
		.tx_alloc = be_tx_alloc,
		.tx_send = be_tx_send,
		.tx_cancel = be_tx_cancel,
	};
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
	virtio_net_init(net, &mem, mac, HOLD_MAX, &ops, no_irq, NULL);
	net->budget = 1 + (uint32_t)(size % 16); /* polls that stop early */
	struct cursor c = {data, size};
	totals.inputs++;
	while (c.left) {
		uint32_t op = take(&c, 1), off, width, v;
		totals.ops++;
		switch (op % 9) {
		case 0: /* register write, any offset and width */
			off = take(&c, 2) % VIRTIO_MMIO_WINDOW;
			width = 1u << (take(&c, 1) % 4);
			virtio_mmio_write(&net->mmio, off, width, take(&c, 4));
			break;
		case 1: /* a well-formed register write: deeper states */
			off = (take(&c, 1) * 4u) % VIRTIO_MMIO_CONFIG;
			virtio_mmio_write(&net->mmio, off, 4, take(&c, 4));
			break;
		case 2: /* register read */
			off = take(&c, 2) % VIRTIO_MMIO_WINDOW;
			width = 1u << (take(&c, 1) % 4);
			(void)virtio_mmio_read(&net->mmio, off, width);
			break;
		case 3: /* guest RAM: rings and descriptors mostly */
			off = take(&c, 2) % RAM_SIZE;
			width = take(&c, 1) % 17;
			for (uint32_t i = 0; i < width && off + i < RAM_SIZE;
			     i++)
				ram[off + i] = (uint8_t)take(&c, 1);
			break;
		case 4: /* frames from the backend */
			be->rx_pending += take(&c, 1) % 4;
			v = take(&c, 2);
			be->rx_next_len = (uint16_t)(v % 1600);
			virtio_net_rx_poll(net);
			break;
		case 5: /* TX room comes back */
			for (unsigned i = 0; i < NBUF; i++)
				if (be->tx_state[i] == 2)
					be->tx_state[i] = 0, be->tx_room++;
			be->tx_room = be->tx_room > NBUF ? NBUF : be->tx_room;
			virtio_net_tx_poll(net);
			break;
		case 6:
			bring_up(&net->mmio, &c);
			break;
		case 7:
			post(net, ram, &c);
			break;
		default: /* a notification by index */
			virtio_mmio_write(&net->mmio, VIRTIO_MMIO_QUEUE_NOTIFY,
					  4, take(&c, 1) % 3);
			break;
		}
		check(net, be);
	}
	/* A final reset gives everything back. */
	virtio_mmio_write(&net->mmio, VIRTIO_MMIO_STATUS, 4, 0);
	if (be->nlent != 0 || net->nheld != 0)
		fail("reset left RX buffers lent");
	totals.rx_frames += net->count.rx_frames;
	totals.tx_frames += net->count.tx_frames;
	totals.needs_reset += net->mmio.count.needs_reset;
	totals.bad_access +=
		net->mmio.count.bad_width + net->mmio.count.bad_offset;
	for (unsigned q = 0; q < 2; q++) {
		const struct virtq_counters *k = &net->mmio.queue[q].count;
		totals.bad_chains += k->avail_jump + k->bad_head + k->bad_addr +
				     k->chain_too_long + k->bad_order +
				     k->indirect;
	}
}

#define FUZZ_NAME "fuzz_virtio"

static void fuzz_setup(void)
{
}

/* Half the replayed inputs start with an honest bring-up, so the queues
 * are live for the rest of the bytes. */
static size_t fuzz_shape(uint8_t *input, size_t len, uint64_t i)
{
	if (i % 2 == 0)
		input[0] = 6;
	return len;
}

static void fuzz_summary(void)
{
	printf("fuzz_virtio: reached: %llu inputs, %llu ops, %llu RX and %llu "
	       "TX frames, %llu bad chains, %llu NEEDS_RESET, %llu bad "
	       "accesses\n",
	       (unsigned long long)totals.inputs,
	       (unsigned long long)totals.ops,
	       (unsigned long long)totals.rx_frames,
	       (unsigned long long)totals.tx_frames,
	       (unsigned long long)totals.bad_chains,
	       (unsigned long long)totals.needs_reset,
	       (unsigned long long)totals.bad_access);
}

#include "tests/fuzz/fuzz_replay.h"
