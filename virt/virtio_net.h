/*
 * virtio_net: a virtio-net device (virtio 1.2, 5.1) on the virtio-mmio
 * transport, moving frames between a guest and an sdvf backend with one
 * copy per direction.
 *
 * Trust.  The guest is not trusted: its registers and rings go through
 * virt/virtio_mmio.h and virt/virtq.h; here every TX chain must be
 * device-readable only and carry 12 + 14..1518 bytes, else it is given
 * back unsent (used len 0) and counted.  The backend (the VMM's
 * net_client, itself checking the muxes) is trusted to hand frames it
 * owns; their lengths are still checked (14..1518) and counted.
 *
 * Offered: MAC, STATUS (link up), MTU (1500), MRG_RXBUF, plus the
 * transport's VERSION_1, INDIRECT_DESC and RING_EVENT_IDX.  Queues: 0
 * receiveq, 1 transmitq; no control queue, no offloads, one queue pair.
 *
 * Backpressure, both ways, never a silent drop:
 *   RX  a frame with no guest buffer to take it (queue not ready, ring
 *       empty, or not enough buffers for a merged frame) is held, up to
 *       hold_max frames (the backend's buffers: the client cap); past
 *       that it is given back and counted rx_dropped (so are the frames
 *       held when the driver resets the device).
 *   TX  with no backend buffer free, guest chains stay in the avail ring
 *       (not consumed) until virtio_net_tx_poll runs again with room.
 *
 * The backend is a few calls shaped like clients/net_client.h's (the VMM
 * connects rx_take/rx_return/tx_alloc/tx_send/tx_cancel to
 * net_client_rx_take/rx_return/tx_alloc/tx_send/tx_cancel); the device
 * core does not include it, so it is testable alone.
 *
 * Who calls what (the VMM's single thread):
 *     MMIO exit        -> virtio_mmio_read / write on &n->mmio
 *     backend RX ready -> virtio_net_rx_poll
 *     backend TX room  -> virtio_net_tx_poll (needed if tx_waiting)
 *     guest notify     -> (transport) rx: rx_poll, tx: tx_poll
 *     rx_more/tx_more  -> the same poll again, soon (budget reached)
 *
 * State: struct virtio_net is private to the VMM (one writer).
 *
 * Portable: freestanding C11.
 */
#ifndef SDVF_VIRTIO_NET_H
#define SDVF_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "virt/virtio_mmio.h"
#include "virt/virtq.h"

#define VIRTIO_ID_NET 1u
#define VIRTIO_NET_F_MTU 3u
#define VIRTIO_NET_F_MAC 5u
#define VIRTIO_NET_F_MRG_RXBUF 15u
#define VIRTIO_NET_F_STATUS 16u
#define VIRTIO_NET_S_LINK_UP 1u

#define VIRTIO_NET_RXQ 0u
#define VIRTIO_NET_TXQ 1u
/* struct virtio_net_hdr with num_buffers (VERSION_1): 12 bytes. */
#define VIRTIO_NET_HDR_LEN 12u
#define VIRTIO_NET_HDR_NUM_BUFFERS 10u /* byte offset, le16 */
/* Config space: mac[6], status, max_virtqueue_pairs, mtu (le16 each). */
#define VIRTIO_NET_CONFIG_SIZE 12u
#define VIRTIO_NET_MTU 1500u
/* Frames held for the guest, at most. */
#define VIRTIO_NET_HOLD_MAX 512u
/* Frames (RX) or chains (TX) one poll moves at most, by default. */
#define VIRTIO_NET_POLL_BUDGET 256u

/* A frame lent by the backend; valid until given back with rx_return. */
struct virtio_net_frame {
	uint64_t handle;
	const uint8_t *data;
	uint16_t len;
};

struct virtio_net_backend {
	void *ctx;
	/* The next frame from sdvf, lent until rx_return; false if none. */
	bool (*rx_take)(void *ctx, struct virtio_net_frame *f);
	void (*rx_return)(void *ctx, uint64_t handle);
	/* A free TX buffer (at least SDVF_NET_FRAME_MAX bytes); false when
	 * none is free: no room, the guest's chains wait. */
	bool (*tx_alloc)(void *ctx, uint64_t *handle, uint8_t **data);
	/* Send len bytes of an allocated buffer; false if it could not. */
	bool (*tx_send)(void *ctx, uint64_t handle, uint16_t len);
	/* Give an allocated buffer back unsent. */
	void (*tx_cancel)(void *ctx, uint64_t handle);
};

struct virtio_net_counters {
	uint64_t rx_frames, rx_bytes; /* delivered to the guest */
	uint64_t rx_dropped;   /* hold full, or reset: given back unseen */
	uint64_t rx_too_small; /* guest buffers too small: dropped */
	uint64_t rx_bad_len;   /* backend frame outside 14..1518 */
	uint64_t tx_frames, tx_bytes; /* handed to the backend */
	uint64_t tx_bad_chain;	      /* device-writable segment in TX */
	uint64_t tx_bad_len;	      /* outside 12 + 14..1518 */
	uint64_t tx_send_failed;      /* backend refused the send */
	uint64_t tx_waits;	      /* polls stopped for want of room */
};

struct virtio_net {
	struct virtio_mmio mmio;
	struct virtio_net_backend be;
	uint8_t config[VIRTIO_NET_CONFIG_SIZE];
	/* Frames waiting for guest RX buffers, oldest at held_head. */
	struct virtio_net_frame held[VIRTIO_NET_HOLD_MAX];
	uint32_t held_head, nheld, hold_max;
	/* Work per poll, so a guest (or backend) that posts as fast as we
	 * consume cannot keep the VMM in one poll; a poll that stops at it
	 * sets rx_more / tx_more, and the VMM polls again. */
	uint32_t budget;
	bool rx_more, tx_more;
	/* The last TX poll stopped for want of a backend buffer: poll again
	 * when the backend has room (the guest will not notify). */
	bool tx_waiting;
	/* Scratch for one merged RX frame: its chains and used lengths. */
	struct virtq_chain rx_first, rx_next;
	uint16_t rx_heads[VIRTQ_NUM_MAX];
	uint32_t rx_lens[VIRTQ_NUM_MAX];
	struct virtq_chain tx_chain;
	struct virtio_net_counters count;
};

/* Set up the device, link up, in the reset state.  hold_max is clamped to
 * 1..VIRTIO_NET_HOLD_MAX. */
void virtio_net_init(struct virtio_net *n, const struct virt_guest_mem *mem,
		     const uint8_t mac[6], uint32_t hold_max,
		     const struct virtio_net_backend *be,
		     void (*raise_irq)(void *irq_ctx), void *irq_ctx);

/* Move backend frames (held ones first) into guest RX buffers, at most
 * `budget` of them; true (and rx_more) if it stopped there. */
bool virtio_net_rx_poll(struct virtio_net *n);

/* Move guest TX chains into backend buffers while there is room, at most
 * `budget` chains; true (and tx_more) if it stopped there. */
bool virtio_net_tx_poll(struct virtio_net *n);

/* Link state for the guest (config status; a config interrupt). */
void virtio_net_set_link(struct virtio_net *n, bool up);

#endif
