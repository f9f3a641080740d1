/*
 * The virtio-net test fixture (test_virtio_net.c, test_virtio_net_tx.c): a
 * synthetic guest with a receiveq and a transmitq, a device brought up as
 * Linux's virtio_net probes it, and a fake sdvf backend that accounts for
 * every buffer: after each test no TX buffer is left allocated, no RX
 * buffer was returned twice, and the RX buffers lent are the frames held.
 * Header-only: each test program includes it once.
 */
#ifndef SDVF_TESTS_VIRTIO_NET_FIXTURE_H
#define SDVF_TESTS_VIRTIO_NET_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/net.h"
#include "tests/unit/virtio_driver.h"
#include "tests/unit/virtio_guest.h"
#include "virt/virtio_net.h"

#define NBUF 16u
#define BUF_BYTES 2048u

/* The sdvf side: RX frames to lend, TX buffers with room. */
struct fake_be {
	uint8_t rx_buf[NBUF][BUF_BYTES];
	uint16_t rx_len[NBUF];
	/* Frames queued: [rx_next, rx_count), in slot count % NBUF. */
	unsigned rx_next, rx_count;
	int rx_lent[NBUF]; /* 1 while the device has it */
	unsigned rx_bad_return;
	uint8_t tx_buf[NBUF][BUF_BYTES];
	int tx_state[NBUF]; /* 0 free, 1 allocated, 2 sent */
	unsigned tx_room;   /* buffers the pool may still hand out */
	uint16_t tx_len[NBUF];
	unsigned tx_sent[NBUF], nsent; /* buffers in send order, % NBUF */
};

static inline bool be_rx_take(void *ctx, struct virtio_net_frame *f)
{
	struct fake_be *b = ctx;
	if (b->rx_next == b->rx_count)
		return false;
	unsigned i = b->rx_next++ % NBUF;
	b->rx_lent[i] = 1;
	*f = (struct virtio_net_frame){
		.handle = i, .data = b->rx_buf[i], .len = b->rx_len[i]};
	return true;
}

static inline void be_rx_return(void *ctx, uint64_t h)
{
	struct fake_be *b = ctx;
	if (h >= NBUF || !b->rx_lent[h]) {
		b->rx_bad_return++;
		return;
	}
	b->rx_lent[h] = 0;
}

static inline bool be_tx_alloc(void *ctx, uint64_t *h, uint8_t **data)
{
	struct fake_be *b = ctx;
	for (unsigned i = 0; i < NBUF && b->tx_room; i++) {
		if (b->tx_state[i] == 0) {
			b->tx_state[i] = 1;
			b->tx_room--;
			*h = i;
			*data = b->tx_buf[i];
			return true;
		}
	}
	return false;
}

static inline bool be_tx_send(void *ctx, uint64_t h, uint16_t len)
{
	struct fake_be *b = ctx;
	assert_int_equal(b->tx_state[h], 1);
	b->tx_state[h] = 2;
	b->tx_len[h] = len;
	b->tx_sent[b->nsent++ % NBUF] = (unsigned)h;
	return true;
}

static inline void be_tx_cancel(void *ctx, uint64_t h)
{
	struct fake_be *b = ctx;
	assert_int_equal(b->tx_state[h], 1);
	b->tx_state[h] = 0;
	b->tx_room++;
}

static inline unsigned be_rx_lent(const struct fake_be *b)
{
	unsigned n = 0;
	for (unsigned i = 0; i < NBUF; i++)
		n += b->rx_lent[i];
	return n;
}

static inline unsigned be_tx_allocated(const struct fake_be *b)
{
	unsigned n = 0;
	for (unsigned i = 0; i < NBUF; i++)
		n += b->tx_state[i] == 1;
	return n;
}

/* Queue a frame of len bytes, byte k = seed + k. */
static inline void be_queue_frame(struct fake_be *b, uint16_t len, uint8_t seed)
{
	assert_true(b->rx_count - b->rx_next < NBUF);
	unsigned i = b->rx_count++ % NBUF;
	assert_false(b->rx_lent[i]);
	for (unsigned k = 0; k < len; k++)
		b->rx_buf[i][k] = (uint8_t)(seed + k);
	b->rx_len[i] = len;
}

struct fix {
	struct guest g;
	struct gvq rx, tx;
	struct fake_be be;
	struct virtio_net n;
	unsigned irqs;
};

static inline void count_irq(void *ctx)
{
	((struct fix *)ctx)->irqs++;
}

static const uint8_t MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static inline void fix_init(struct fix *f, uint32_t hold_max)
{
	struct virtio_net_backend be = {
		.ctx = &f->be,
		.rx_take = be_rx_take,
		.rx_return = be_rx_return,
		.tx_alloc = be_tx_alloc,
		.tx_send = be_tx_send,
		.tx_cancel = be_tx_cancel,
	};
	f->be.tx_room = NBUF;
	virtio_net_init(&f->n, &f->g.mem, MAC, hold_max, &be, count_irq, f);
}

static inline int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	guest_init(&f->g);
	gvq_init(&f->rx, &f->g, 0, 16);
	gvq_init(&f->tx, &f->g, 1, 16);
	fix_init(f, 4);
	*state = f;
	return 0;
}

/* Every test ends with every sdvf buffer accounted for. */
static inline int fix_teardown(void **state)
{
	struct fix *f = *state;
	assert_int_equal(be_tx_allocated(&f->be), 0);
	assert_int_equal(f->be.rx_bad_return, 0);
	assert_int_equal(be_rx_lent(&f->be), f->n.nheld);
	guest_fini(&f->g);
	free(f);
	return 0;
}

static const uint64_t BASE =
	VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_NET_F_MAC) |
	VIRTIO_BIT(VIRTIO_NET_F_STATUS) | VIRTIO_BIT(VIRTIO_NET_F_MTU);

static inline struct fix *up(void **state, uint64_t want)
{
	struct fix *f = *state;
	struct virtio_mmio *t = &f->n.mmio;
	assert_true(drv_negotiate(t, VIRTIO_ID_NET, want));
	assert_true(drv_setup_queue(t, VIRTIO_NET_RXQ, &f->rx));
	assert_true(drv_setup_queue(t, VIRTIO_NET_TXQ, &f->tx));
	assert_true(drv_driver_ok(t));
	return f;
}

static inline void notify(struct fix *f, uint32_t q)
{
	drv_wr(&f->n.mmio, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

#define RX_AREA GUEST_BUF_AREA
#define TX_AREA (GUEST_BUF_AREA + 256u * 1024u)

/* Post RX buffer k (2 KiB each, or `len`). */
static inline uint16_t post_rx(struct fix *f, unsigned k, uint32_t len)
{
	return gvq_post1(&f->rx, RX_AREA + 2048u * k, len, VIRTQ_DESC_F_WRITE);
}

/* Post a TX frame as Linux does with VERSION_1: header and frame in one
 * descriptor (hdr_split false) or two. */
static inline void post_tx(struct fix *f, unsigned k, uint16_t len,
			   uint8_t seed, bool split)
{
	uint64_t at = TX_AREA + 2048u * k;
	uint8_t *p = guest_at(&f->g, at);
	memset(p, 0, VIRTIO_NET_HDR_LEN);
	for (unsigned i = 0; i < len; i++)
		p[VIRTIO_NET_HDR_LEN + i] = (uint8_t)(seed + i);
	uint16_t d = f->tx.next_desc;
	if (split) {
		f->tx.next_desc = (uint16_t)(f->tx.next_desc + 2);
		gvq_set_desc(&f->tx, d & 15, at, VIRTIO_NET_HDR_LEN,
			     VIRTQ_DESC_F_NEXT, (d + 1) & 15);
		gvq_set_desc(&f->tx, (d + 1) & 15, at + VIRTIO_NET_HDR_LEN, len,
			     0, 0);
	} else {
		f->tx.next_desc++;
		gvq_set_desc(&f->tx, d & 15, at, VIRTIO_NET_HDR_LEN + len, 0,
			     0);
	}
	gvq_avail_put(&f->tx, d & 15);
}

static inline void assert_frame(const uint8_t *p, uint16_t len, uint8_t seed)
{
	for (unsigned i = 0; i < len; i++)
		assert_int_equal(p[i], (uint8_t)(seed + i));
}

static inline uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)

#endif
