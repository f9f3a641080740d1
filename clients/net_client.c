/*
 * net_client: the client side of the muxes.  The protocol, what is
 * checked and the shape of an activation: clients/net_client.h.
 */
#include "clients/net_client.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bytes.h"
#include "core/net.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"

/* Owners in both maps; SDVF_OWNER_SELF: held by the client (RX) or idle
 * with net_client (TX). */
#define OWNER_MUX 1u
#define OWNER_FILLING 2u /* TX: allocated, the client is writing it */

/* ---- attach ------------------------------------------------------------- */

/* Buffers of a data region the client uses: as many as fit, at most
 * `limit`; 0 (logged) if not one fits. */
static uint32_t data_bufs(struct sdvf_pd *pd, const struct sdvf_region *r,
			  const char *name, uint64_t limit)
{
	uint64_t n = r ? r->size / SDVF_BUF_SIZE : 0;
	if (n == 0) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "net_client: region '%s' missing or smaller than one "
			 "%u-byte buffer",
			 name, SDVF_BUF_SIZE);
		return 0;
	}
	if (n > limit)
		n = limit;
	return (uint32_t)(n > NET_CLIENT_MAX_BUFS ? NET_CLIENT_MAX_BUFS : n);
}

bool net_client_attach(struct net_client *nc, struct sdvf_pd *pd)
{
	nc->pd = pd;
#define NET_CLIENT_REGISTER(field, name, meaning)                              \
	nc->field = sdvf_counter(pd, name);
	NET_CLIENT_COUNTERS(NET_CLIENT_REGISTER)
#undef NET_CLIENT_REGISTER
	size_t len = 0;
	const uint8_t *mac = sdvf_config_bytes(pd, "mac", &len);
	if (!mac || len != SDVF_NET_MAC_LEN) {
		sdvf_log(pd, SDVF_LOG_ERROR, "net_client: mac is required");
		return false;
	}
	sdvf_copy(nc->mac, mac, SDVF_NET_MAC_LEN);
	nc->ch_rx = sdvf_channel(pd, "rx");
	nc->ch_tx = sdvf_channel(pd, "tx");
	uint64_t rx_cap = sdvf_config_u64(pd, "rx_capacity");
	uint64_t tx_cap = sdvf_config_u64(pd, "tx_capacity");
	if (!sdvf_queue_attach_region(pd, &nc->rx_active, "rx_active",
				      rx_cap) ||
	    !sdvf_queue_attach_region(pd, &nc->rx_free, "rx_free", rx_cap) ||
	    !sdvf_queue_attach_region(pd, &nc->tx_active, "tx_active",
				      tx_cap) ||
	    !sdvf_queue_attach_region(pd, &nc->tx_free, "tx_free", tx_cap))
		return false;
	const struct sdvf_region *rx = sdvf_region(pd, "rx_data");
	const struct sdvf_region *tx = sdvf_region(pd, "tx_data");
	/* RX: as the mux lends, from anywhere in the region. */
	uint32_t nrx = data_bufs(pd, rx, "rx_data", NET_CLIENT_MAX_BUFS);
	/* TX: never more than tx_active holds, so it cannot fill. */
	uint32_t ntx = data_bufs(pd, tx, "tx_data", tx_cap);
	if (nrx == 0 || ntx == 0)
		return false;
	nc->rx_data = rx->base;
	nc->tx_data = tx->base;
	sdvf_own_init(&nc->rx_own, nc->rx_owner, nrx, 0);
	sdvf_own_reclaim(&nc->rx_own, SDVF_OWNER_SELF, OWNER_MUX);
	sdvf_own_init(&nc->tx_own, nc->tx_owner, ntx, 0);
	nc->ntx_idle = 0;
	for (uint32_t i = 0; i < ntx; i++)
		nc->tx_idle[nc->ntx_idle++] = ntx - 1 - i;
	nc->tx_low = ntx / 8;
	nc->ntx_done_stash = 0;
	nc->tx_done_first = 0;
	nc->nrx_backlog = 0;
	return true;
}

/* ---- RX ----------------------------------------------------------------- */

bool net_client_rx_take(struct net_client *nc, struct net_rx_frame *f)
{
	struct sdvf_desc d;
	do {
		while (sdvf_queue_pop(&nc->rx_active, &d)) {
			if (!sdvf_own_take(&nc->rx_own, &d, OWNER_MUX,
					   SDVF_OWNER_SELF, SDVF_NET_FRAME_MIN,
					   SDVF_NET_FRAME_MAX, NULL)) {
				sdvf_counter_add(nc->rx_bad, 1);
				continue;
			}
			f->offset = d.io_or_offset;
			f->len = d.len;
			f->data = nc->rx_data + d.io_or_offset;
			return true;
		}
	} while (sdvf_queue_consumer_request_signal(&nc->rx_active));
	return false;
}

bool net_client_rx_return(struct net_client *nc, uint64_t offset)
{
	if (!sdvf_own_give(&nc->rx_own, offset, SDVF_OWNER_SELF, OWNER_MUX))
		return false;
	struct sdvf_desc d = {.io_or_offset = offset};
	/* rx_free holds every buffer the mux can lend us unless it stops
	 * draining; then keep the offset and push it at the next finish. */
	if (nc->nrx_backlog != 0 || !sdvf_queue_push(&nc->rx_free, &d)) {
		sdvf_counter_add(nc->queue_full, 1);
		nc->rx_backlog[nc->nrx_backlog++] = offset;
	}
	return true;
}

/* Push what waited for room on rx_free, oldest first. */
static void rx_backlog_flush(struct net_client *nc)
{
	uint32_t done = 0;
	while (done < nc->nrx_backlog) {
		struct sdvf_desc d = {.io_or_offset = nc->rx_backlog[done]};
		if (!sdvf_queue_push(&nc->rx_free, &d))
			break;
		done++;
	}
	for (uint32_t i = done; i < nc->nrx_backlog; i++)
		nc->rx_backlog[i - done] = nc->rx_backlog[i];
	nc->nrx_backlog -= done;
}

/* ---- TX ----------------------------------------------------------------- */

static void tx_idle_push(struct net_client *nc, uint64_t offset)
{
	nc->tx_idle[nc->ntx_idle++] = (uint32_t)(offset / SDVF_BUF_SIZE);
}

/* Pop one completion off tx_free, check it and make its buffer idle;
 * false when tx_free is empty (as last seen: no re-check here). */
static bool tx_take_one(struct net_client *nc, struct net_tx_done *done)
{
	struct sdvf_desc d;
	while (sdvf_queue_pop(&nc->tx_free, &d)) {
		/* The length is the mux's business, not checked. */
		if (!sdvf_own_take(&nc->tx_own, &d, OWNER_MUX, SDVF_OWNER_SELF,
				   0, UINT16_MAX, NULL)) {
			sdvf_counter_add(nc->tx_bad, 1);
			continue;
		}
		tx_idle_push(nc, d.io_or_offset);
		if (d.flags & SDVF_NET_REJECTED)
			sdvf_counter_add(nc->tx_rejected, 1);
		else if (d.flags & SDVF_NET_TX_ERROR)
			sdvf_counter_add(nc->tx_error, 1);
		done->offset = d.io_or_offset;
		done->flags = d.flags;
		return true;
	}
	return false;
}

/* Keep a completion for tx_reap to report.  The stash holds as many as a
 * client has buffers, but a buffer can complete, be sent again and complete
 * again within one long activation: past that the report (not the buffer,
 * which is idle already) is dropped and counted. */
static void tx_stash_put(struct net_client *nc, const struct net_tx_done *d)
{
	if (nc->ntx_done_stash == NET_CLIENT_MAX_BUFS) {
		sdvf_counter_add(nc->tx_unreported, 1);
		return;
	}
	uint32_t at =
		(nc->tx_done_first + nc->ntx_done_stash) % NET_CLIENT_MAX_BUFS;
	nc->tx_done_stash[at] = *d;
	nc->ntx_done_stash++;
}

/* Short of idle buffers: take back every completion waiting (stashed for
 * tx_reap to report) and leave a signal requested, re-checked, so the
 * next completion wakes the client. */
static void tx_refill(struct net_client *nc)
{
	do {
		struct net_tx_done done;
		while (tx_take_one(nc, &done))
			tx_stash_put(nc, &done);
	} while (sdvf_queue_consumer_request_signal(&nc->tx_free));
}

bool net_client_tx_alloc(struct net_client *nc, struct net_tx_buf *b)
{
	if (nc->ntx_idle == 0)
		tx_refill(nc);
	if (nc->ntx_idle == 0)
		return false;
	uint32_t slot = nc->tx_idle[--nc->ntx_idle];
	b->offset = (uint64_t)slot * SDVF_BUF_SIZE;
	b->data = nc->tx_data + b->offset;
	sdvf_own_give(&nc->tx_own, b->offset, SDVF_OWNER_SELF, OWNER_FILLING);
	if (nc->ntx_idle <= nc->tx_low)
		tx_refill(nc);
	return true;
}

bool net_client_rx_take_answerable(struct net_client *nc,
				   struct net_rx_frame *f,
				   _Atomic uint64_t *waits)
{
	if (nc->ntx_idle == 0)
		tx_refill(nc);
	if (nc->ntx_idle != 0)
		return net_client_rx_take(nc, f);
	if (waits && sdvf_queue_available(&nc->rx_active) != 0)
		sdvf_counter_add(waits, 1);
	return false;
}

bool net_client_tx_cancel(struct net_client *nc, uint64_t offset)
{
	if (!sdvf_own_give(&nc->tx_own, offset, OWNER_FILLING, SDVF_OWNER_SELF))
		return false;
	tx_idle_push(nc, offset);
	return true;
}

bool net_client_tx_send(struct net_client *nc, uint64_t offset, uint16_t len)
{
	if (!sdvf_own_give(&nc->tx_own, offset, OWNER_FILLING, OWNER_MUX))
		return false;
	struct sdvf_desc d = {.io_or_offset = offset, .len = len};
	/* Cannot fail with an honest mux: we hold no more buffers than
	 * tx_active has slots.  If it does, the buffer stays ours. */
	if (!sdvf_queue_push(&nc->tx_active, &d)) {
		sdvf_counter_add(nc->queue_full, 1);
		sdvf_own_give(&nc->tx_own, offset, OWNER_MUX, SDVF_OWNER_SELF);
		tx_idle_push(nc, offset);
		return false;
	}
	return true;
}

bool net_client_tx_reap(struct net_client *nc, struct net_tx_done *done)
{
	if (nc->ntx_done_stash != 0) {
		*done = nc->tx_done_stash[nc->tx_done_first];
		nc->tx_done_first =
			(nc->tx_done_first + 1) % NET_CLIENT_MAX_BUFS;
		nc->ntx_done_stash--;
		return true;
	}
	if (tx_take_one(nc, done))
		return true;
	if (nc->ntx_idle > nc->tx_low) {
		/* Enough idle buffers: no wake-up for completions. */
		sdvf_queue_consumer_cancel_signal(&nc->tx_free);
		return false;
	}
	if (sdvf_queue_consumer_request_signal(&nc->tx_free))
		return tx_take_one(nc, done) || net_client_tx_reap(nc, done);
	return false;
}

uint32_t net_client_tx_at_mux(const struct net_client *nc)
{
	return sdvf_own_held(&nc->tx_own, OWNER_MUX);
}

/* ---- end of activation -------------------------------------------------- */

void net_client_finish(struct net_client *nc)
{
	rx_backlog_flush(nc);
	bool wake_rx = sdvf_queue_producer_finish(&nc->rx_free);
	wake_rx |= sdvf_queue_consumer_finish(&nc->rx_active);
	bool wake_tx = sdvf_queue_producer_finish(&nc->tx_active);
	wake_tx |= sdvf_queue_consumer_finish(&nc->tx_free);
	/* TX first: the frames sent are what a peer waits for (an echo's
	 * reply); the RX mux's returns are bookkeeping and can wait the
	 * length of one system call. */
	if (wake_tx)
		sdvf_notify(nc->pd, nc->ch_tx);
	if (wake_rx)
		sdvf_notify(nc->pd, nc->ch_rx);
}

bool net_client_peer_restart(struct net_client *nc, sdvf_channel_t ch)
{
	if (ch == nc->ch_rx) {
		sdvf_queue_reset(&nc->rx_active);
		sdvf_queue_reset(&nc->rx_free);
		sdvf_own_reclaim(&nc->rx_own, SDVF_OWNER_SELF, OWNER_MUX);
		nc->nrx_backlog = 0;
		return true;
	}
	if (ch == nc->ch_tx) {
		sdvf_queue_reset(&nc->tx_active);
		sdvf_queue_reset(&nc->tx_free);
		for (uint32_t i = 0; i < nc->tx_own.nbufs; i++) {
			uint64_t offset = (uint64_t)i * SDVF_BUF_SIZE;
			if (sdvf_own_give(&nc->tx_own, offset, OWNER_MUX,
					  SDVF_OWNER_SELF))
				tx_idle_push(nc, offset);
		}
		return true;
	}
	return false;
}
