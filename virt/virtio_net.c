/*
 * virtio_net: the device (virt/virtio_net.h has the contract).
 *
 *   RX  backend --rx_take--> [held FIFO] --deliver--> guest RX chains
 *       (12-byte header + frame, one copy) --rx_return--> backend
 *   TX  guest TX chain --(header stripped, one copy)--> backend buffer
 *       --tx_send--> backend; the chain goes back used with len 0
 *
 * Each poll ends the same way: publish the used ring once, then let the
 * transport decide on an interrupt (virtio_mmio_queue_done).
 */
#include "virt/virtio_net.h"

#include <stddef.h>

#include "core/bytes.h"
#include "core/net.h"

/* ---- config space and transport hooks ------------------------------------ */

static uint8_t net_config_byte(void *dev, uint32_t off)
{
	struct virtio_net *n = dev;
	return n->config[off];
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void net_queue_notify(void *dev, uint16_t q)
{
	struct virtio_net *n = dev;
	if (q == VIRTIO_NET_RXQ)
		virtio_net_rx_poll(n);
	else
		virtio_net_tx_poll(n);
}

/* Reset: every held frame goes back to the backend (no buffer leaks),
 * counted as dropped; TX holds nothing between polls. */
static void net_reset(void *dev)
{
	struct virtio_net *n = dev;
	for (; n->nheld != 0; n->nheld--) {
		n->count.rx_dropped++;
		n->be.rx_return(n->be.ctx, n->held[n->held_head].handle);
		n->held_head = (n->held_head + 1) % n->hold_max;
	}
	n->held_head = 0;
}

/* Buffers and frames posted before DRIVER_OK: their notifications were
 * refused (the device must not act before it), so look now. */
static void net_driver_ok(void *dev)
{
	struct virtio_net *n = dev;
	virtio_net_rx_poll(n);
	virtio_net_tx_poll(n);
}

static const struct virtio_mmio_ops net_ops = {
	.device_id = VIRTIO_ID_NET,
	.vendor_id = 0x53445646u, /* "SDVF" */
	.features = VIRTIO_BIT(VIRTIO_NET_F_MAC) |
		    VIRTIO_BIT(VIRTIO_NET_F_STATUS) |
		    VIRTIO_BIT(VIRTIO_NET_F_MTU) |
		    VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF),
	.num_queues = 2,
	.queue_num_max = VIRTQ_NUM_MAX,
	.config_size = VIRTIO_NET_CONFIG_SIZE,
	.config_byte = net_config_byte,
	.config_write = NULL, /* nothing in net config is driver-writable */
	.queue_notify = net_queue_notify,
	.reset = net_reset,
	.driver_ok = net_driver_ok,
};

void virtio_net_init(struct virtio_net *n, const struct virt_guest_mem *mem,
		     const uint8_t mac[6], uint32_t hold_max,
		     const struct virtio_net_backend *be,
		     void (*raise_irq)(void *irq_ctx), void *irq_ctx)
{
	*n = (struct virtio_net){.be = *be};
	n->budget = VIRTIO_NET_POLL_BUDGET;
	n->hold_max = hold_max == 0		       ? 1
		      : hold_max > VIRTIO_NET_HOLD_MAX ? VIRTIO_NET_HOLD_MAX
						       : hold_max;
	sdvf_copy(n->config, mac, 6);
	put_le16(n->config + 6, VIRTIO_NET_S_LINK_UP);
	put_le16(n->config + 8, 1); /* max_virtqueue_pairs */
	put_le16(n->config + 10, VIRTIO_NET_MTU);
	virtio_mmio_init(&n->mmio, &net_ops, n, mem, raise_irq, irq_ctx);
}

void virtio_net_set_link(struct virtio_net *n, bool up)
{
	put_le16(n->config + 6, up ? VIRTIO_NET_S_LINK_UP : 0);
	virtio_mmio_config_changed(&n->mmio);
}

static bool negotiated(const struct virtio_net *n, unsigned bit)
{
	return (n->mmio.features & VIRTIO_BIT(bit)) != 0;
}

/* ---- RX ------------------------------------------------------------------ */

enum deliver_result { DELIVERED, NO_BUFFER, DROPPED };

/* Write bytes [from, from + len) of header ++ frame at chain offset off. */
static void write_span(const struct virtq_chain *c, uint32_t off,
		       const uint8_t *hdr, const struct virtio_net_frame *f,
		       uint32_t from, uint32_t len)
{
	if (from < VIRTIO_NET_HDR_LEN) {
		uint32_t h = VIRTIO_NET_HDR_LEN - from < len
				     ? VIRTIO_NET_HDR_LEN - from
				     : len;
		virtq_chain_write(c, off, hdr + from, h);
		off += h;
		from += h;
		len -= h;
	}
	virtq_chain_write(c, off, f->data + (from - VIRTIO_NET_HDR_LEN), len);
}

/* One frame into as many chains as it needs (one without MRG_RXBUF).
 * Chains are popped tentatively: NO_BUFFER gives them all back. */
static enum deliver_result deliver(struct virtio_net *n, struct virtq *q,
				   const struct virtio_net_frame *f)
{
	bool merge = negotiated(n, VIRTIO_NET_F_MRG_RXBUF);
	uint32_t total = VIRTIO_NET_HDR_LEN + f->len, done = 0;
	uint16_t used = 0;
	uint8_t hdr[VIRTIO_NET_HDR_LEN] = {0}; /* no offloads, GSO_NONE */
	while (done < total) {
		/* More chains than the queue holds: a guest whose buffer is
		 * its own avail idx makes the device's writes post more;
		 * the used ring and rx_heads hold num. */
		if (used == q->num) {
			virtq_unpop(q, used);
			n->count.rx_too_small++;
			return DROPPED;
		}
		struct virtq_chain *c = used == 0 ? &n->rx_first : &n->rx_next;
		if (virtq_pop(q, c) != VIRTQ_CHAIN) {
			virtq_unpop(q, used);
			return NO_BUFFER; /* empty, or broken: reset comes */
		}
		bool fits = merge ? c->writable >=
					    (used == 0 ? VIRTIO_NET_HDR_LEN : 1)
				  : c->writable >= total;
		if (!fits) {
			virtq_unpop(q, (uint16_t)(used + 1));
			n->count.rx_too_small++;
			return DROPPED;
		}
		uint32_t piece =
			c->writable < total - done ? c->writable : total - done;
		if (used != 0)
			write_span(c, 0, hdr, f, done, piece);
		n->rx_heads[used] = c->head;
		n->rx_lens[used] = piece;
		used++;
		done += piece;
	}
	/* The first chain last: its header carries the count. */
	put_le16(hdr + VIRTIO_NET_HDR_NUM_BUFFERS, used);
	write_span(&n->rx_first, 0, hdr, f, 0, n->rx_lens[0]);
	for (uint16_t i = 0; i < used; i++)
		virtq_push(q, n->rx_heads[i], n->rx_lens[i]);
	n->count.rx_frames++;
	n->count.rx_bytes += f->len;
	return DELIVERED;
}

/* Deliver, or say why not; a frame not taken by the guest is held. */
static enum deliver_result try_deliver(struct virtio_net *n,
				       const struct virtio_net_frame *f)
{
	struct virtq *q = virtio_mmio_queue(&n->mmio, VIRTIO_NET_RXQ);
	if (!q || !virtio_mmio_live(&n->mmio))
		return NO_BUFFER;
	return deliver(n, q, f);
}

static void hold(struct virtio_net *n, const struct virtio_net_frame *f)
{
	if (n->nheld == n->hold_max) {
		n->count.rx_dropped++;
		n->be.rx_return(n->be.ctx, f->handle);
		return;
	}
	n->held[(n->held_head + n->nheld) % n->hold_max] = *f;
	n->nheld++;
}

/* Held frames first (in order), then new ones from the backend, while
 * *budget lasts. */
static void rx_drain(struct virtio_net *n, uint32_t *budget)
{
	for (; n->nheld != 0 && *budget != 0; (*budget)--) {
		struct virtio_net_frame *f = &n->held[n->held_head];
		if (try_deliver(n, f) == NO_BUFFER)
			break;
		n->be.rx_return(n->be.ctx, f->handle);
		n->held_head = (n->held_head + 1) % n->hold_max;
		n->nheld--;
	}
	struct virtio_net_frame f;
	for (; *budget != 0 && n->be.rx_take(n->be.ctx, &f); (*budget)--) {
		if (f.len < SDVF_NET_FRAME_MIN || f.len > SDVF_NET_FRAME_MAX) {
			n->count.rx_bad_len++;
			n->be.rx_return(n->be.ctx, f.handle);
		} else if (n->nheld == 0 && try_deliver(n, &f) != NO_BUFFER) {
			n->be.rx_return(n->be.ctx, f.handle);
		} else {
			hold(n, &f);
		}
	}
}

bool virtio_net_rx_poll(struct virtio_net *n)
{
	uint32_t budget = n->budget;
	for (;;) {
		rx_drain(n, &budget);
		struct virtq *q = virtio_mmio_queue(&n->mmio, VIRTIO_NET_RXQ);
		if (!q || budget == 0)
			break;
		if (n->nheld == 0) {
			virtq_quiet(q); /* buffers posted are enough news */
			break;
		}
		/* Held frames: ask to hear of more buffers, and re-check
		 * that none came meanwhile. */
		uint16_t before = virtq_pending(q);
		if (virtq_want_more(q) == before)
			break;
	}
	struct virtq *q = &n->mmio.queue[VIRTIO_NET_RXQ];
	virtq_publish(q);
	virtio_mmio_queue_done(&n->mmio, VIRTIO_NET_RXQ);
	n->rx_more = budget == 0;
	return n->rx_more;
}

/* ---- TX ------------------------------------------------------------------ */

/* A chain's frame into a backend buffer; the chain is used either way. */
static void tx_one(struct virtio_net *n, struct virtq *q, uint64_t handle,
		   uint8_t *data)
{
	const struct virtq_chain *c = &n->tx_chain;
	uint32_t len = c->readable;
	if (c->writable != 0) {
		n->count.tx_bad_chain++;
		n->be.tx_cancel(n->be.ctx, handle);
	} else if (len < VIRTIO_NET_HDR_LEN + SDVF_NET_FRAME_MIN ||
		   len > VIRTIO_NET_HDR_LEN + SDVF_NET_FRAME_MAX) {
		n->count.tx_bad_len++;
		n->be.tx_cancel(n->be.ctx, handle);
	} else {
		uint16_t frame = (uint16_t)(len - VIRTIO_NET_HDR_LEN);
		virtq_chain_read(c, VIRTIO_NET_HDR_LEN, data, frame);
		if (n->be.tx_send(n->be.ctx, handle, frame)) {
			n->count.tx_frames++;
			n->count.tx_bytes += frame;
		} else {
			n->count.tx_send_failed++;
		}
	}
	virtq_push(q, c->head, 0);
}

bool virtio_net_tx_poll(struct virtio_net *n)
{
	n->tx_more = n->tx_waiting = false;
	struct virtq *q = virtio_mmio_queue(&n->mmio, VIRTIO_NET_TXQ);
	if (!q || !virtio_mmio_live(&n->mmio))
		return false;
	uint32_t budget = n->budget;
	virtq_quiet(q);
	for (;;) {
		bool room = true;
		for (; budget != 0 && virtq_pending(q) != 0; budget--) {
			uint64_t handle;
			uint8_t *data;
			/* Room first: without it the chain stays available. */
			if (!n->be.tx_alloc(n->be.ctx, &handle, &data)) {
				room = false;
				break;
			}
			if (virtq_pop(q, &n->tx_chain) != VIRTQ_CHAIN) {
				n->be.tx_cancel(n->be.ctx, handle);
				break;
			}
			tx_one(n, q, handle, data);
		}
		/* No room: stay quiet; the backend's room calls us back. */
		if (!room) {
			n->count.tx_waits++;
			n->tx_waiting = true;
			break;
		}
		if (budget == 0) { /* quiet still: the VMM polls again */
			n->tx_more = true;
			break;
		}
		if (virtq_idle(q))
			break;
	}
	virtq_publish(q);
	virtio_mmio_queue_done(&n->mmio, VIRTIO_NET_TXQ);
	return n->tx_more;
}
