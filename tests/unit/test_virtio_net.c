/*
 * Specification of virt/virtio_net.h: config space and features, RX into
 * posted buffers (merged or not) with holding and counted drops, TX with
 * the header stripped and backpressure, and hostile guests (bad lengths,
 * writable TX segments, loops, reset mid-transfer).  The guest is driven
 * through the MMIO registers as Linux's virtio_net does; the backend is a
 * fake that accounts for every buffer (none may leak).
 */
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
	unsigned rx_next, rx_count; /* frames queued: [rx_next, rx_count) */
	int rx_lent[NBUF];	    /* 1 while the device has it */
	unsigned rx_bad_return;
	uint8_t tx_buf[NBUF][BUF_BYTES];
	int tx_state[NBUF]; /* 0 free, 1 allocated, 2 sent */
	unsigned tx_room;   /* buffers the pool may still hand out */
	uint16_t tx_len[NBUF];
	unsigned tx_sent[NBUF], nsent;
};

static bool be_rx_take(void *ctx, struct virtio_net_frame *f)
{
	struct fake_be *b = ctx;
	if (b->rx_next == b->rx_count)
		return false;
	unsigned i = b->rx_next++;
	b->rx_lent[i] = 1;
	*f = (struct virtio_net_frame){
		.handle = i, .data = b->rx_buf[i], .len = b->rx_len[i]};
	return true;
}

static void be_rx_return(void *ctx, uint64_t h)
{
	struct fake_be *b = ctx;
	if (h >= NBUF || !b->rx_lent[h]) {
		b->rx_bad_return++;
		return;
	}
	b->rx_lent[h] = 0;
}

static bool be_tx_alloc(void *ctx, uint64_t *h, uint8_t **data)
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

static bool be_tx_send(void *ctx, uint64_t h, uint16_t len)
{
	struct fake_be *b = ctx;
	assert_int_equal(b->tx_state[h], 1);
	b->tx_state[h] = 2;
	b->tx_len[h] = len;
	b->tx_sent[b->nsent++] = (unsigned)h;
	return true;
}

static void be_tx_cancel(void *ctx, uint64_t h)
{
	struct fake_be *b = ctx;
	assert_int_equal(b->tx_state[h], 1);
	b->tx_state[h] = 0;
	b->tx_room++;
}

static unsigned be_rx_lent(const struct fake_be *b)
{
	unsigned n = 0;
	for (unsigned i = 0; i < NBUF; i++)
		n += b->rx_lent[i];
	return n;
}

static unsigned be_tx_allocated(const struct fake_be *b)
{
	unsigned n = 0;
	for (unsigned i = 0; i < NBUF; i++)
		n += b->tx_state[i] == 1;
	return n;
}

/* Queue a frame of len bytes, byte k = seed + k. */
static void be_queue_frame(struct fake_be *b, uint16_t len, uint8_t seed)
{
	unsigned i = b->rx_count++;
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

static void count_irq(void *ctx)
{
	((struct fix *)ctx)->irqs++;
}

static const uint8_t MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static void fix_init(struct fix *f, uint32_t hold_max)
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

static int fix_setup(void **state)
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
static int fix_teardown(void **state)
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

static struct fix *up(void **state, uint64_t want)
{
	struct fix *f = *state;
	struct virtio_mmio *t = &f->n.mmio;
	assert_true(drv_negotiate(t, VIRTIO_ID_NET, want));
	assert_true(drv_setup_queue(t, VIRTIO_NET_RXQ, &f->rx));
	assert_true(drv_setup_queue(t, VIRTIO_NET_TXQ, &f->tx));
	assert_true(drv_driver_ok(t));
	return f;
}

static void notify(struct fix *f, uint32_t q)
{
	drv_wr(&f->n.mmio, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

#define RX_AREA GUEST_BUF_AREA
#define TX_AREA (GUEST_BUF_AREA + 256u * 1024u)

/* Post RX buffer k (2 KiB each, or `len`). */
static uint16_t post_rx(struct fix *f, unsigned k, uint32_t len)
{
	return gvq_post1(&f->rx, RX_AREA + 2048u * k, len, VIRTQ_DESC_F_WRITE);
}

/* Post a TX frame as Linux does with VERSION_1: header and frame in one
 * descriptor (hdr_split false) or two. */
static void post_tx(struct fix *f, unsigned k, uint16_t len, uint8_t seed,
		    bool split)
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

static void assert_frame(const uint8_t *p, uint16_t len, uint8_t seed)
{
	for (unsigned i = 0; i < len; i++)
		assert_int_equal(p[i], (uint8_t)(seed + i));
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* ---- config and features ------------------------------------------------- */

static void config_holds_mac_link_up_and_mtu(void **state)
{
	struct fix *f = up(state, BASE);
	uint8_t mac[6];
	for (unsigned i = 0; i < 6; i++) /* virtio_cread_bytes: readb */
		mac[i] = (uint8_t)virtio_mmio_read(&f->n.mmio,
						   VIRTIO_MMIO_CONFIG + i, 1);
	assert_memory_equal(mac, MAC, 6);
	assert_int_equal(
		virtio_mmio_read(&f->n.mmio, VIRTIO_MMIO_CONFIG + 6, 2),
		VIRTIO_NET_S_LINK_UP);
	assert_int_equal(
		virtio_mmio_read(&f->n.mmio, VIRTIO_MMIO_CONFIG + 10, 2), 1500);
}

static void offers_mac_status_mtu_mrg_rxbuf_and_the_ring_features(void **st)
{
	struct fix *f = *st;
	assert_true(drv_device_features(&f->n.mmio) ==
		    (BASE | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
		     VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
		     VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX)));
	assert_int_equal(drv_rd(&f->n.mmio, VIRTIO_MMIO_DEVICE_ID), 1);
}

static void link_down_changes_status_with_a_config_interrupt(void **state)
{
	struct fix *f = up(state, BASE);
	virtio_net_set_link(&f->n, false);
	assert_int_equal(
		virtio_mmio_read(&f->n.mmio, VIRTIO_MMIO_CONFIG + 6, 2), 0);
	assert_int_equal(drv_take_interrupt(&f->n.mmio),
			 VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(drv_rd(&f->n.mmio, VIRTIO_MMIO_CONFIG_GENERATION), 1);
}

/* ---- RX ------------------------------------------------------------------ */

static void rx_frame_lands_in_a_posted_buffer_after_the_header(void **st)
{
	struct fix *f = up(st, BASE);
	uint16_t d = post_rx(f, 0, 2048);
	be_queue_frame(&f->be, 60, 7);
	virtio_net_rx_poll(&f->n);
	uint32_t id, len;
	assert_true(gvq_get_used(&f->rx, &id, &len));
	assert_int_equal(id, d);
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + 60);
	uint8_t *p = guest_at(&f->g, RX_AREA);
	assert_int_equal(le16(p + VIRTIO_NET_HDR_NUM_BUFFERS), 1);
	assert_int_equal(p[0], 0); /* flags: no checksum offload */
	assert_frame(p + VIRTIO_NET_HDR_LEN, 60, 7);
	assert_int_equal(f->irqs, 1);
	assert_int_equal(f->n.count.rx_frames, 1);
	assert_int_equal(be_rx_lent(&f->be), 0);
}

static void rx_without_a_buffer_is_held_until_one_is_posted(void **state)
{
	struct fix *f = up(state, BASE);
	be_queue_frame(&f->be, 100, 1);
	be_queue_frame(&f->be, 200, 2);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.nheld, 2);
	assert_int_equal(gvq_used_idx(&f->rx), 0);
	post_rx(f, 0, 2048);
	post_rx(f, 1, 2048);
	notify(f, VIRTIO_NET_RXQ);
	assert_int_equal(f->n.nheld, 0);
	uint32_t id, len;
	assert_true(gvq_get_used(&f->rx, &id, &len));
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + 100); /* in order */
	assert_true(gvq_get_used(&f->rx, &id, &len));
	assert_int_equal(len, VIRTIO_NET_HDR_LEN + 200);
	assert_frame(guest_at(&f->g, RX_AREA + 2048) + VIRTIO_NET_HDR_LEN, 200,
		     2);
	assert_int_equal(f->n.count.rx_dropped, 0);
}

static void rx_beyond_the_hold_bound_is_dropped_and_counted(void **state)
{
	struct fix *f = up(state, BASE);
	for (unsigned i = 0; i < 6; i++)
		be_queue_frame(&f->be, 64, (uint8_t)i);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.nheld, 4);
	assert_int_equal(f->n.count.rx_dropped, 2);
	assert_int_equal(be_rx_lent(&f->be), 4);
}

static void rx_before_driver_ok_is_held_not_written(void **state)
{
	struct fix *f = *state;
	struct virtio_mmio *t = &f->n.mmio;
	assert_true(drv_negotiate(t, VIRTIO_ID_NET, BASE));
	assert_true(drv_setup_queue(t, VIRTIO_NET_RXQ, &f->rx));
	post_rx(f, 0, 2048);
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.nheld, 1);
	assert_int_equal(gvq_used_idx(&f->rx), 0);
	assert_true(drv_driver_ok(t));
	notify(f, VIRTIO_NET_RXQ);
	assert_int_equal(f->n.nheld, 0);
	assert_int_equal(gvq_used_idx(&f->rx), 1);
}

static void chains_posted_before_driver_ok_are_served_at_it(void **state)
{
	struct fix *f = *state;
	struct virtio_mmio *t = &f->n.mmio;
	assert_true(drv_negotiate(t, VIRTIO_ID_NET, BASE));
	assert_true(drv_setup_queue(t, VIRTIO_NET_RXQ, &f->rx));
	assert_true(drv_setup_queue(t, VIRTIO_NET_TXQ, &f->tx));
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	post_rx(f, 0, 2048);
	post_tx(f, 0, 60, 0, false);
	notify(f, VIRTIO_NET_RXQ); /* refused: before DRIVER_OK */
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(t->count.bad_notify, 2);
	assert_int_equal(f->be.nsent, 0);
	assert_true(drv_driver_ok(t));
	assert_int_equal(gvq_used_idx(&f->rx), 1);
	assert_int_equal(f->be.nsent, 1);
}

static void probe_reset_gives_frames_held_before_it_back(void **state)
{
	struct fix *f = *state;
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.nheld, 1);
	up(state, BASE); /* Linux's probe writes status 0 first */
	assert_int_equal(f->n.nheld, 0);
	assert_int_equal(be_rx_lent(&f->be), 0);
	assert_int_equal(f->n.count.rx_dropped, 1);
}

static void rx_merged_frame_spans_buffers_with_num_buffers(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF));
	for (unsigned k = 0; k < 4; k++)
		post_rx(f, k, 600);
	be_queue_frame(&f->be, 1400, 3);
	virtio_net_rx_poll(&f->n);
	uint32_t id, len[3];
	for (unsigned i = 0; i < 3; i++)
		assert_true(gvq_get_used(&f->rx, &id, &len[i]));
	assert_int_equal(len[0], 600);
	assert_int_equal(len[1], 600);
	assert_int_equal(len[2], VIRTIO_NET_HDR_LEN + 1400 - 1200);
	assert_int_equal(gvq_used_idx(&f->rx), 3);
	uint8_t frame[1400];
	memcpy(frame, guest_at(&f->g, RX_AREA) + 12, 588);
	memcpy(frame + 588, guest_at(&f->g, RX_AREA + 2048), 600);
	memcpy(frame + 1188, guest_at(&f->g, RX_AREA + 4096), 212);
	assert_frame(frame, 1400, 3);
	assert_int_equal(
		le16(guest_at(&f->g, RX_AREA) + VIRTIO_NET_HDR_NUM_BUFFERS), 3);
}

static void rx_merged_frame_waits_for_enough_buffers(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
					  VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX));
	post_rx(f, 0, 500);
	be_queue_frame(&f->be, 1000, 9);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.nheld, 1);
	assert_int_equal(gvq_used_idx(&f->rx), 0); /* buffer not consumed */
	/* Told to notify at the next buffer, past the one waiting. */
	assert_int_equal(gvq_avail_event(&f->rx), 1);
	post_rx(f, 1, 600);
	notify(f, VIRTIO_NET_RXQ);
	assert_int_equal(f->n.nheld, 0);
	assert_int_equal(gvq_used_idx(&f->rx), 2);
	assert_int_equal(
		le16(guest_at(&f->g, RX_AREA) + VIRTIO_NET_HDR_NUM_BUFFERS), 2);
}

static void rx_buffer_too_small_drops_the_frame_keeps_the_buffer(void **st)
{
	struct fix *f = up(st, BASE);
	post_rx(f, 0, 100);
	be_queue_frame(&f->be, 200, 0);
	be_queue_frame(&f->be, 60, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.count.rx_too_small, 1);
	assert_int_equal(f->n.count.rx_frames, 1); /* the 60-byte one fits */
	assert_int_equal(gvq_used_idx(&f->rx), 1);
	assert_int_equal(be_rx_lent(&f->be), 0);
}

static void rx_frame_of_bad_length_from_the_backend_is_counted(void **st)
{
	struct fix *f = up(st, BASE);
	post_rx(f, 0, 2048);
	be_queue_frame(&f->be, 13, 0);
	be_queue_frame(&f->be, SDVF_NET_FRAME_MAX + 1, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.count.rx_bad_len, 2);
	assert_int_equal(gvq_used_idx(&f->rx), 0);
}

static void rx_interrupt_follows_used_event(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX));
	gvq_set_used_event(&f->rx, 1); /* interrupt after the second */
	post_rx(f, 0, 2048);
	post_rx(f, 1, 2048);
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->irqs, 0);
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->irqs, 1);
}

/* ---- TX ------------------------------------------------------------------ */

static void tx_chain_is_copied_without_its_header(void **state)
{
	struct fix *f = up(state, BASE);
	post_tx(f, 0, 98, 5, true);
	post_tx(f, 1, 1514, 6, false);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(f->be.nsent, 2);
	unsigned b0 = f->be.tx_sent[0], b1 = f->be.tx_sent[1];
	assert_int_equal(f->be.tx_len[b0], 98);
	assert_frame(f->be.tx_buf[b0], 98, 5);
	assert_int_equal(f->be.tx_len[b1], 1514);
	assert_frame(f->be.tx_buf[b1], 1514, 6);
	uint32_t id, len;
	assert_true(gvq_get_used(&f->tx, &id, &len));
	assert_int_equal(id, 0);
	assert_int_equal(len, 0);
	assert_true(gvq_get_used(&f->tx, &id, &len));
	assert_int_equal(id, 2);
	assert_int_equal(f->n.count.tx_frames, 2);
}

static void tx_chain_in_an_indirect_table_is_sent(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
	/* As Linux with INDIRECT_DESC: header and frame in a table. */
	uint64_t table = TX_AREA + 64u * 1024u, at = TX_AREA;
	uint8_t *p = guest_at(&f->g, at);
	memset(p, 0, VIRTIO_NET_HDR_LEN);
	for (unsigned i = 0; i < 100; i++)
		p[VIRTIO_NET_HDR_LEN + i] = (uint8_t)(4 + i);
	uint8_t *t = guest_at(&f->g, table);
	uint64_t a0 = at, a1 = at + VIRTIO_NET_HDR_LEN;
	uint32_t l0 = VIRTIO_NET_HDR_LEN, l1 = 100;
	uint16_t fl0 = VIRTQ_DESC_F_NEXT, fl1 = 0, n0 = 1, n1 = 0;
	memcpy(t, &a0, 8), memcpy(t + 8, &l0, 4), memcpy(t + 12, &fl0, 2);
	memcpy(t + 14, &n0, 2);
	memcpy(t + 16, &a1, 8), memcpy(t + 24, &l1, 4), memcpy(t + 28, &fl1, 2);
	memcpy(t + 30, &n1, 2);
	gvq_post1(&f->tx, table, 32, VIRTQ_DESC_F_INDIRECT);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(f->be.nsent, 1);
	assert_int_equal(f->be.tx_len[f->be.tx_sent[0]], 100);
	assert_frame(f->be.tx_buf[f->be.tx_sent[0]], 100, 4);
}

static void tx_without_room_leaves_chains_pending_until_room(void **state)
{
	struct fix *f = up(state, BASE);
	f->be.tx_room = 1;
	post_tx(f, 0, 60, 0, false);
	post_tx(f, 1, 60, 1, false);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(f->be.nsent, 1);
	assert_int_equal(gvq_used_idx(&f->tx), 1);
	assert_int_equal(f->n.mmio.queue[VIRTIO_NET_TXQ].last_avail, 1);
	assert_int_equal(f->n.count.tx_waits, 1);
	/* No room still: a notify changes nothing, drops nothing. */
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(gvq_used_idx(&f->tx), 1);
	/* Room appears: the VMM polls again. */
	f->be.tx_room = 1;
	virtio_net_tx_poll(&f->n);
	assert_int_equal(f->be.nsent, 2);
	assert_frame(f->be.tx_buf[f->be.tx_sent[1]], 60, 1);
	assert_int_equal(gvq_used_idx(&f->tx), 2);
}

static void tx_suppresses_notifications_while_working(void **state)
{
	struct fix *f = up(state, BASE);
	f->be.tx_room = 0;
	post_tx(f, 0, 60, 0, false);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(gvq_used_flags(&f->tx), VIRTQ_USED_F_NO_NOTIFY);
	f->be.tx_room = 1;
	virtio_net_tx_poll(&f->n);
	assert_int_equal(gvq_used_flags(&f->tx), 0);
}

static void tx_idle_with_event_idx_asks_for_the_next_chain(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX));
	post_tx(f, 0, 60, 0, false);
	post_tx(f, 1, 60, 0, false);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(gvq_avail_event(&f->tx), 2);
}

static void tx_frame_of_bad_length_is_refused_and_counted(void **state)
{
	struct fix *f = up(state, BASE);
	post_tx(f, 0, SDVF_NET_FRAME_MIN - 1, 0, false);
	post_tx(f, 1, SDVF_NET_FRAME_MAX + 1, 0, true);
	/* Header only, and a chain shorter than the header. */
	gvq_post1(&f->tx, TX_AREA, VIRTIO_NET_HDR_LEN, 0);
	gvq_post1(&f->tx, TX_AREA, 4, 0);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(f->n.count.tx_bad_len, 4);
	assert_int_equal(f->be.nsent, 0);
	assert_int_equal(gvq_used_idx(&f->tx), 4); /* all given back */
	assert_int_equal(f->be.tx_room, NBUF);
}

static void tx_chain_with_a_writable_segment_is_refused(void **state)
{
	struct fix *f = up(state, BASE);
	gvq_set_desc(&f->tx, 0, TX_AREA, 12 + 60, VIRTQ_DESC_F_NEXT, 1);
	gvq_set_desc(&f->tx, 1, TX_AREA + 1024, 64, VIRTQ_DESC_F_WRITE, 0);
	gvq_avail_put(&f->tx, 0);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(f->n.count.tx_bad_chain, 1);
	assert_int_equal(f->be.nsent, 0);
}

static void tx_poll_stops_at_its_budget_and_says_so(void **state)
{
	struct fix *f = up(state, BASE);
	f->n.budget = 2;
	for (unsigned k = 0; k < 3; k++)
		post_tx(f, k, 60, (uint8_t)k, false);
	f->be.tx_room = 0; /* guest notify finds no room */
	notify(f, VIRTIO_NET_TXQ);
	f->be.tx_room = NBUF;
	assert_true(virtio_net_tx_poll(&f->n));
	assert_true(f->n.tx_more);
	assert_int_equal(f->be.nsent, 2);
	assert_int_equal(gvq_used_idx(&f->tx), 2); /* published anyway */
	assert_false(virtio_net_tx_poll(&f->n));
	assert_int_equal(f->be.nsent, 3);
}

static void rx_poll_stops_at_its_budget_and_says_so(void **state)
{
	struct fix *f = up(state, BASE);
	f->n.budget = 2;
	for (unsigned k = 0; k < 3; k++) {
		post_rx(f, k, 2048);
		be_queue_frame(&f->be, 64, 0);
	}
	assert_true(virtio_net_rx_poll(&f->n));
	assert_int_equal(gvq_used_idx(&f->rx), 2);
	assert_false(virtio_net_rx_poll(&f->n));
	assert_false(f->n.rx_more);
	assert_int_equal(gvq_used_idx(&f->rx), 3);
}

/* ---- hostile guests ------------------------------------------------------ */

static void tx_descriptor_loop_needs_reset_and_leaks_nothing(void **state)
{
	struct fix *f = up(state, BASE);
	gvq_set_desc(&f->tx, 0, TX_AREA, 64, VIRTQ_DESC_F_NEXT, 1);
	gvq_set_desc(&f->tx, 1, TX_AREA, 64, VIRTQ_DESC_F_NEXT, 0);
	gvq_avail_put(&f->tx, 0);
	notify(f, VIRTIO_NET_TXQ);
	assert_int_equal(f->n.mmio.queue[1].count.chain_too_long, 1);
	assert_true(drv_rd(&f->n.mmio, VIRTIO_MMIO_STATUS) &
		    VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(drv_take_interrupt(&f->n.mmio),
			 VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(f->be.tx_room, NBUF);
	/* The device serves nothing until reset. */
	post_tx(f, 2, 60, 0, false);
	virtio_net_tx_poll(&f->n);
	assert_int_equal(f->be.nsent, 0);
}

static void rx_buffer_outside_ram_needs_reset_and_holds_the_frame(void **st)
{
	struct fix *f = up(st, BASE);
	gvq_post1(&f->rx, GUEST_GPA + GUEST_SIZE - 100, 2048,
		  VIRTQ_DESC_F_WRITE);
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(f->n.mmio.queue[0].count.bad_addr, 1);
	assert_true(f->n.mmio.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(f->n.nheld, 1);
	drv_wr(&f->n.mmio, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(be_rx_lent(&f->be), 0);
}

static void reset_mid_transfer_gives_every_buffer_back(void **state)
{
	struct fix *f = up(state, BASE | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF));
	post_rx(f, 0, 300); /* half of what the first frame needs */
	for (unsigned i = 0; i < 3; i++)
		be_queue_frame(&f->be, 600, (uint8_t)i);
	f->be.tx_room = 0;
	post_tx(f, 0, 60, 0, false);
	notify(f, VIRTIO_NET_TXQ);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(be_rx_lent(&f->be), 3);
	drv_wr(&f->n.mmio, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(be_rx_lent(&f->be), 0);
	assert_int_equal(f->n.nheld, 0);
	assert_int_equal(f->n.count.rx_dropped, 3);
	assert_int_equal(be_tx_allocated(&f->be), 0);
	/* Up again from scratch, and the path works. */
	gvq_init(&f->rx, &f->g, 0, 16);
	gvq_init(&f->tx, &f->g, 1, 16);
	up(state, BASE);
	post_rx(f, 0, 2048);
	be_queue_frame(&f->be, 64, 0);
	virtio_net_rx_poll(&f->n);
	assert_int_equal(gvq_used_idx(&f->rx), 1);
}

static void notify_on_an_unready_queue_is_counted_not_served(void **state)
{
	struct fix *f = *state;
	assert_true(drv_negotiate(&f->n.mmio, VIRTIO_ID_NET, BASE));
	assert_true(drv_setup_queue(&f->n.mmio, VIRTIO_NET_RXQ, &f->rx));
	assert_true(drv_driver_ok(&f->n.mmio));
	post_tx(f, 0, 60, 0, false);
	notify(f, VIRTIO_NET_TXQ);
	notify(f, 2);
	assert_int_equal(f->n.mmio.count.bad_notify, 2);
	assert_int_equal(f->be.nsent, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fix_setup, fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(config_holds_mac_link_up_and_mtu),
		T(offers_mac_status_mtu_mrg_rxbuf_and_the_ring_features),
		T(link_down_changes_status_with_a_config_interrupt),
		T(rx_frame_lands_in_a_posted_buffer_after_the_header),
		T(rx_without_a_buffer_is_held_until_one_is_posted),
		T(rx_beyond_the_hold_bound_is_dropped_and_counted),
		T(rx_before_driver_ok_is_held_not_written),
		T(chains_posted_before_driver_ok_are_served_at_it),
		T(probe_reset_gives_frames_held_before_it_back),
		T(rx_merged_frame_spans_buffers_with_num_buffers),
		T(rx_merged_frame_waits_for_enough_buffers),
		T(rx_buffer_too_small_drops_the_frame_keeps_the_buffer),
		T(rx_frame_of_bad_length_from_the_backend_is_counted),
		T(rx_interrupt_follows_used_event),
		T(tx_chain_is_copied_without_its_header),
		T(tx_chain_in_an_indirect_table_is_sent),
		T(tx_without_room_leaves_chains_pending_until_room),
		T(tx_suppresses_notifications_while_working),
		T(tx_idle_with_event_idx_asks_for_the_next_chain),
		T(tx_poll_stops_at_its_budget_and_says_so),
		T(rx_poll_stops_at_its_budget_and_says_so),
		T(tx_frame_of_bad_length_is_refused_and_counted),
		T(tx_chain_with_a_writable_segment_is_refused),
		T(tx_descriptor_loop_needs_reset_and_leaks_nothing),
		T(rx_buffer_outside_ram_needs_reset_and_holds_the_frame),
		T(reset_mid_transfer_gives_every_buffer_back),
		T(notify_on_an_unready_queue_is_counted_not_served),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
