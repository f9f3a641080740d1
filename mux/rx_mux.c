/*
 * rx_mux: shares the ENET driver's RX queue pair among up to RXM_CLIENTS
 * clients, each with its own RX queue pair.
 *
 *   driver --rx_active (io addr, len)--> rx_mux --cN_rx_active (offset)--> cN
 *   driver <--rx_free  (io addr)-------- rx_mux <--cN_rx_free (offset)---- cN
 *
 * Each frame from the driver is classified by destination MAC: unicast
 * goes to the client with that MAC (none: dropped, drop.unknown_unicast);
 * broadcast to every client with cN_broadcast, multicast to every client
 * with cN_multicast (none: drop.no_listener).  Per client, a frame is
 * delivered only if the client holds fewer than cN_rx_cap of our buffers
 * and its token bucket (cN_rate, cN_burst; policies/token_bucket.c) admits
 * it; otherwise it is dropped for that client alone, counted, and nobody
 * else waits.
 *   copy   the frame is copied into a free buffer of the client's private
 *          region cN_rx_data (mapped rw here and in that client only), and
 *          the DMA buffer goes back on the driver's rx_free in the same
 *          activation.
 *   remap  the DMA buffer itself is lent, by its offset in rx_dma (which
 *          the client maps read-only).  Shared by every remap client a
 *          broadcast reaches, it goes back to the driver when the last one
 *          returns it.
 * The mux never keeps a DMA buffer past the activation that brought it:
 * it is copied and returned, lent, or returned at once (to the switch
 * reserve first, below).
 *
 * Local switching (optional: region sw_pool, queues sw_active, sw_free,
 * channel sw, all from or to tx_mux).  tx_mux copies a frame one client
 * sends to others into a sw_pool buffer and pushes {offset, len, flags =
 * sender index} on sw_active.  Here it is classified like a wire frame,
 * but only among the clients the sender's cN_switch_to names (our own
 * copy of the allow-list: tx_mux's choice is never the only check), and
 * delivered under the same cap and token bucket.  A copy client gets a copy
 * in its cN_rx_data; a remap client must find it in rx_dma, so the frame is
 * copied into a DMA buffer of the reserve (sw_reserve buffers kept back
 * from the driver's returns) and lent like a wire frame; the reserve
 * refills from the next buffers that come free.  The sw_pool buffer goes
 * back on sw_free in the same activation.
 *
 * Trust.  The driver is trusted, but each io address it returns is still
 * checked against the DMA ownership map (bad_desc) and each length against
 * 14..SDVF_NET_FRAME_MAX (drop.bad_length).  Clients are not trusted: each
 * descriptor on cN_rx_free is a private copy (sdvf_queue_pop), checked by
 * sdvf_own_take against that client's ownership map (alignment, range,
 * that the client holds it: duplicate, foreign and never-lent offsets are
 * refused) and counted as cN.viol.<reason>; the queue itself refuses
 * impossible indices (cN_rx_free.bad_index).  A refusal changes nothing,
 * so it costs no other client a buffer.  tx_mux is trusted too, but each
 * sw_active entry is checked against the sw_pool map (offset, length,
 * that tx_mux lent it: sw_bad_desc) and its sender index against the
 * clients present here (sw_bad_sender).
 *
 * Buffers.  The DMA map says who holds each DMA buffer: the mux, the
 * driver, the switch reserve, or remap clients (LENT, with a count of
 * holders).  Each client has its own map over the buffers it can be lent
 * (its cN_rx_data for copy, rx_dma for remap): the mux or that client.
 * The sw_pool map says whether tx_mux or the mux (within one activation)
 * holds each sw_pool buffer.  Every buffer is owned by exactly one party,
 * and a client's restart (peer_restart) gives back all it held.
 *
 * Configuration and init: mux/rx_mux_init.c; shared state: mux/rx_mux.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bytes.h"
#include "core/net.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"
#include "mux/rx_mux.h"
#include "policies/policy.h"

/* ---- the driver's side ----------------------------------------------- */

static uint64_t dma_io(const struct rx_mux *m, uint32_t idx)
{
	return m->dma_io + (uint64_t)idx * SDVF_BUF_SIZE;
}

static uint8_t *dma_buf(const struct rx_mux *m, uint32_t idx)
{
	return m->dma + (uint64_t)idx * SDVF_BUF_SIZE;
}

/* Give a DMA buffer the mux holds back to the driver.  rx_free cannot be
 * full: it has a slot for every buffer (checked at init). */
RXM_INLINE void drv_provide(struct rx_mux *m, uint32_t idx)
{
	struct sdvf_desc d = {.io_or_offset = dma_io(m, idx)};
	bool pushed = sdvf_queue_push(&m->drv_rx_free, &d);
	(void)pushed;
	sdvf_own_give(&m->dma_own, d.io_or_offset, SDVF_OWNER_SELF,
		      OWNER_DRIVER);
}

/* A DMA buffer the mux holds and no longer needs refills the switch
 * reserve first (empty without switching), then goes to the driver. */
RXM_INLINE void dma_release(struct rx_mux *m, uint32_t idx)
{
	struct rxm_switch *s = &m->sw;
	if (s->nreserve < s->reserve_target) {
		sdvf_own_give(&m->dma_own, dma_io(m, idx), SDVF_OWNER_SELF,
			      OWNER_RESERVE);
		s->reserve[s->nreserve++] = idx;
		return;
	}
	drv_provide(m, idx);
}

/* ---- delivery to one client ------------------------------------------ */

/* May client c take a frame of len bytes now?  Counted if not. */
RXM_INLINE bool client_admits(struct rx_mux *m, unsigned i, uint32_t len)
{
	struct rxm_client *c = &m->client[i];
	uint64_t wake_ns;
	if (sdvf_own_held(&c->own, OWNER_CLIENT) >= c->cap) {
		sdvf_counter_add(c->drop_cap, 1);
		return false;
	}
	/* Within the cap the queue has room, unless the client's head lies. */
	if (sdvf_queue_full(&c->rx_active)) {
		sdvf_counter_add(c->drop_queue, 1);
		return false;
	}
	/* An unshaped client (no cN_rate) the token bucket always admits and
	 * never charges: no clock read, no policy call for it. */
	if (c->shaped && !sdvf_policy_admit_one(&m->shaper, i, len,
						sdvf_now_ns(m->pd), &wake_ns)) {
		sdvf_counter_add(c->drop_rate, 1);
		return false;
	}
	return true;
}

RXM_INLINE void client_push(struct rx_mux *m, unsigned i, uint64_t offset,
			    uint32_t len)
{
	struct rxm_client *c = &m->client[i];
	struct sdvf_desc d = {.io_or_offset = offset, .len = (uint16_t)len};
	bool pushed = sdvf_queue_push(&c->rx_active, &d);
	(void)pushed; /* client_admits saw room */
	sdvf_own_give(&c->own, offset, SDVF_OWNER_SELF, OWNER_CLIENT);
	sdvf_counter_add(c->rx_frames, 1);
	sdvf_counter_add(c->rx_bytes, len);
	sdvf_counter_set(c->in_flight, sdvf_own_held(&c->own, OWNER_CLIENT));
	if (c->shaped)
		sdvf_policy_charge(&m->shaper, i, len, sdvf_now_ns(m->pd));
}

/* Copy client i (admitted) gets a copy of `frame` in its cN_rx_data.
 * Within the cap it always has an idle buffer: cap is at most its
 * region's buffers (init). */
RXM_INLINE void deliver_copy(struct rx_mux *m, unsigned i, const uint8_t *frame,
			     uint32_t len)
{
	struct rxm_client *c = &m->client[i];
	uint32_t slot = c->idle[--c->nidle];
	sdvf_copy(c->data + (uint64_t)slot * SDVF_BUF_SIZE, frame, len);
	client_push(m, i, (uint64_t)slot * SDVF_BUF_SIZE, len);
}

/* Remap client i (admitted) is lent DMA buffer idx, shared with the
 * other remap clients the frame reaches. */
RXM_INLINE void deliver_lend(struct rx_mux *m, unsigned i, uint32_t idx,
			     uint32_t len)
{
	client_push(m, i, (uint64_t)idx * SDVF_BUF_SIZE, len);
	m->lent_refs[idx]++;
}

/* ---- classify -------------------------------------------------------- */

/* The clients among `among` (a mask) a frame to `dst` goes to, as a
 * mask.  A group frame's are known from init (m->bcast, m->mcast); a
 * unicast frame's are the present clients with that MAC. */
RXM_INLINE uint32_t classify(const struct rx_mux *m, const uint8_t *dst,
			     uint32_t among)
{
	among &= m->present;
	if (sdvf_mac_is_group(dst))
		return among &
		       (sdvf_mac_is_broadcast(dst) ? m->bcast : m->mcast);
	uint32_t mask = 0;
	for (unsigned i = 0; i < m->nclients; i++)
		if (sdvf_bytes_equal(dst, m->client[i].mac, SDVF_NET_MAC_LEN))
			mask |= 1u << i;
	return mask & among;
}

/* One frame from the driver: classify, deliver, and give the DMA buffer
 * back now unless a remap client holds it. */
static void rx_frame(struct rx_mux *m, const struct sdvf_desc *d)
{
	if (!sdvf_own_take(&m->dma_own, d, OWNER_DRIVER, SDVF_OWNER_SELF, 0,
			   UINT16_MAX, NULL)) {
		sdvf_counter_add(m->bad_desc, 1);
		return;
	}
	uint32_t idx =
		(uint32_t)((d->io_or_offset - m->dma_io) / SDVF_BUF_SIZE);
	sdvf_counter_add(m->rx_frames, 1);
	/* One private copy of the destination: every client is matched
	 * against the same bytes. */
	uint8_t dst[SDVF_NET_MAC_LEN];
	sdvf_copy(dst, dma_buf(m, idx), sizeof(dst));
	uint32_t mask = 0;
	if (d->flags & SDVF_NET_REJECTED || d->len < SDVF_NET_FRAME_MIN ||
	    d->len > SDVF_NET_FRAME_MAX) {
		sdvf_counter_add(m->drop_bad_length, 1);
	} else {
		mask = classify(m, dst, UINT32_MAX);
		if (!mask)
			sdvf_counter_add(sdvf_mac_is_group(dst)
						 ? m->drop_no_listener
						 : m->drop_unknown_unicast,
					 1);
	}
	bool lent = false;
	for (unsigned i = 0; i < m->nclients; i++) {
		if (!(mask >> i & 1u) || !client_admits(m, i, d->len))
			continue;
		if (m->client[i].remap) {
			deliver_lend(m, i, idx, d->len);
			lent = true;
		} else {
			deliver_copy(m, i, dma_buf(m, idx), d->len);
		}
	}
	if (lent)
		sdvf_own_give(&m->dma_own, d->io_or_offset, SDVF_OWNER_SELF,
			      OWNER_LENT);
	else
		dma_release(m, idx);
}

/* ---- switched frames from tx_mux ------------------------------------- */

/* A reserve DMA buffer holding a copy of `frame`, for the remap clients a
 * switched frame reaches; RXM_NO_BUF if the reserve is empty. */
static uint32_t reserve_take(struct rx_mux *m, const uint8_t *frame,
			     uint32_t len)
{
	struct rxm_switch *s = &m->sw;
	if (s->nreserve == 0)
		return RXM_NO_BUF;
	uint32_t idx = s->reserve[--s->nreserve];
	sdvf_own_give(&m->dma_own, dma_io(m, idx), OWNER_RESERVE,
		      SDVF_OWNER_SELF);
	sdvf_copy(dma_buf(m, idx), frame, len);
	return idx;
}

/* The sender's allow-list, or 0 (counted) for an index no client here
 * has. */
static uint32_t sw_allowed(struct rx_mux *m, uint16_t sender)
{
	if (sender >= m->nclients || !m->client[sender].present) {
		sdvf_counter_add(m->sw_bad_sender, 1);
		return 0;
	}
	return m->client[sender].switch_to;
}

/* One switched frame: deliver it to the clients the sender may reach, and
 * give the sw_pool buffer back to tx_mux at once. */
static void sw_frame(struct rx_mux *m, const struct sdvf_desc *d)
{
	struct rxm_switch *s = &m->sw;
	if (!sdvf_own_take(&s->own, d, OWNER_TX_MUX, SDVF_OWNER_SELF,
			   SDVF_NET_FRAME_MIN, SDVF_NET_FRAME_MAX, NULL)) {
		sdvf_counter_add(m->sw_bad_desc, 1);
		return;
	}
	sdvf_counter_add(m->sw_frames, 1);
	const uint8_t *frame = s->base + d->io_or_offset;
	uint8_t dst[SDVF_NET_MAC_LEN];
	sdvf_copy(dst, frame, sizeof(dst));
	uint32_t mask = classify(m, dst, sw_allowed(m, d->flags));
	if (!mask)
		sdvf_counter_add(m->sw_no_listener, 1);
	uint32_t idx = RXM_NO_BUF;
	bool lent = false;
	for (unsigned i = 0; i < m->nclients; i++) {
		struct rxm_client *c = &m->client[i];
		if (!(mask >> i & 1u) || !client_admits(m, i, d->len))
			continue;
		if (!c->remap) {
			deliver_copy(m, i, frame, d->len);
		} else {
			if (idx == RXM_NO_BUF)
				idx = reserve_take(m, frame, d->len);
			if (idx == RXM_NO_BUF) {
				sdvf_counter_add(c->sw_drop_reserve, 1);
				continue;
			}
			deliver_lend(m, i, idx, d->len);
			lent = true;
		}
		sdvf_counter_add(c->sw_in, 1);
	}
	if (lent)
		sdvf_own_give(&m->dma_own, dma_io(m, idx), SDVF_OWNER_SELF,
			      OWNER_LENT);
	else if (idx != RXM_NO_BUF)
		dma_release(m, idx);
	/* sw_free has a slot for every sw_pool buffer (init). */
	struct sdvf_desc back = {.io_or_offset = d->io_or_offset};
	bool pushed = sdvf_queue_push(&s->free, &back);
	(void)pushed;
	sdvf_own_give(&s->own, back.io_or_offset, SDVF_OWNER_SELF,
		      OWNER_TX_MUX);
}

/* ---- returns from a client ------------------------------------------- */

/* Client i no longer holds buffer `slot` of its map (already taken back
 * there): a copy buffer becomes idle, a lent DMA buffer is released with
 * its last holder. */
RXM_INLINE void client_release(struct rx_mux *m, unsigned i, uint32_t slot)
{
	struct rxm_client *c = &m->client[i];
	if (!c->remap) {
		c->idle[c->nidle++] = slot;
		return;
	}
	if (--m->lent_refs[slot] == 0) {
		sdvf_own_give(&m->dma_own, dma_io(m, slot), OWNER_LENT,
			      SDVF_OWNER_SELF);
		dma_release(m, slot);
	}
}

static void client_return(struct rx_mux *m, unsigned i,
			  const struct sdvf_desc *d)
{
	struct rxm_client *c = &m->client[i];
	if (!sdvf_own_take(&c->own, d, OWNER_CLIENT, SDVF_OWNER_SELF, 0,
			   UINT16_MAX, &c->viol)) {
		for (unsigned v = 0; v < SDVF_VIOL_COUNT; v++)
			if (c->viol_ctr[v])
				sdvf_counter_set(c->viol_ctr[v],
						 c->viol.by_reason[v]);
		return;
	}
	client_release(m, i, (uint32_t)(d->io_or_offset / SDVF_BUF_SIZE));
	sdvf_counter_add(c->returned, 1);
	sdvf_counter_set(c->in_flight, sdvf_own_held(&c->own, OWNER_CLIENT));
}

/* ---- one activation -------------------------------------------------- */

/* Publish every queue once and wake each peer at most once. */
static void finish(struct rx_mux *m)
{
	for (unsigned i = 0; i < m->nclients; i++) {
		struct rxm_client *c = &m->client[i];
		if (!c->present)
			continue;
		bool wake = sdvf_queue_producer_finish(&c->rx_active);
		wake |= sdvf_queue_consumer_finish(&c->rx_free);
		if (wake) {
			sdvf_notify(m->pd, c->ch);
			sdvf_counter_add(m->notify_clients, 1);
		}
	}
	bool wake = sdvf_queue_producer_finish(&m->drv_rx_free);
	wake |= sdvf_queue_consumer_finish(&m->drv_rx_active);
	if (wake) {
		sdvf_notify(m->pd, m->ch_drv);
		sdvf_counter_add(m->notify_drv, 1);
	}
	if (m->sw.present) {
		wake = sdvf_queue_producer_finish(&m->sw.free);
		wake |= sdvf_queue_consumer_finish(&m->sw.active);
		if (wake)
			sdvf_notify(m->pd, m->sw.ch);
	}
	sdvf_counter_set(m->sw_reserve, m->sw.nreserve);
	/* Who holds the DMA buffers, once per activation: with sw_reserve they
	 * add up to dma_bufs, and at rest with every frame returned all but
	 * the reserve are the driver's. */
	sdvf_counter_set(m->dma_driver,
			 sdvf_own_held(&m->dma_own, OWNER_DRIVER));
	sdvf_counter_set(m->dma_lent, sdvf_own_held(&m->dma_own, OWNER_LENT));
	sdvf_counter_set(m->dma_mux,
			 sdvf_own_held(&m->dma_own, SDVF_OWNER_SELF));
}

/* A batch of `taken` frames from the driver, in the per-mux counters. */
static void count_batch(struct rx_mux *m, uint32_t taken)
{
	if (!taken)
		return;
	sdvf_counter_add(m->batches, 1);
	if (taken > m->batch_most) {
		m->batch_most = taken;
		sdvf_counter_set(m->batch_max, taken);
	}
}

/* Every frame on the driver's rx_active.  A full client rx_active drops
 * for that client only, and rx_free always has room, so it stops only
 * when rx_active is dry. */
static void drv_drain(struct rx_mux *m)
{
	struct sdvf_desc d;
	/* the batch, by the consumer index: no count in the loop */
	uint32_t first = m->drv_rx_active.own;
	do {
		while (sdvf_queue_pop(&m->drv_rx_active, &d))
			rx_frame(m, &d);
	} while (sdvf_queue_consumer_request_signal(&m->drv_rx_active));
	count_batch(m, m->drv_rx_active.own - first);
}

void rx_mux_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct rx_mux *m = state;
	struct sdvf_desc d;
	(void)pd;
	sdvf_counter_add(m->activations, 1);
	if (ch == m->ch_drv)
		drv_drain(m);
	/* sw_free always has room too. */
	if (m->sw.present && ch == m->sw.ch) {
		do {
			while (sdvf_queue_pop(&m->sw.active, &d))
				sw_frame(m, &d);
		} while (sdvf_queue_consumer_request_signal(&m->sw.active));
	}
	for (unsigned i = 0; i < m->nclients; i++) {
		struct rxm_client *c = &m->client[i];
		if (!c->present || ch != c->ch)
			continue;
		do {
			while (sdvf_queue_pop(&c->rx_free, &d))
				client_return(m, i, &d);
		} while (sdvf_queue_consumer_request_signal(&c->rx_free));
	}
	finish(m);
}

/* ---- restarts -------------------------------------------------------- */

void rx_mux_peer_restart(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct rx_mux *m = state;
	(void)pd;
	if (ch == m->ch_drv) {
		/* Its rings are gone: everything it held comes back to us and
		 * goes out again on the fresh rx_free (the reserve, kept apart
		 * from the driver, stays as it is). */
		sdvf_queue_reset(&m->drv_rx_free);
		sdvf_queue_reset(&m->drv_rx_active);
		sdvf_own_reclaim(&m->dma_own, OWNER_DRIVER, SDVF_OWNER_SELF);
		for (uint32_t idx = 0; idx < m->nbufs; idx++)
			if (m->dma_owner[idx] == SDVF_OWNER_SELF)
				dma_release(m, idx);
	}
	for (unsigned i = 0; i < m->nclients; i++) {
		struct rxm_client *c = &m->client[i];
		if (!c->present || ch != c->ch)
			continue;
		sdvf_queue_reset(&c->rx_active);
		sdvf_queue_reset(&c->rx_free);
		uint32_t n = 0;
		for (uint32_t slot = 0; slot < c->own.nbufs; slot++) {
			if (c->owner[slot] != OWNER_CLIENT)
				continue;
			client_release(m, i, slot);
			n++;
		}
		sdvf_own_reclaim(&c->own, OWNER_CLIENT, SDVF_OWNER_SELF);
		sdvf_counter_add(c->reclaimed, n);
		sdvf_counter_set(c->in_flight, 0);
	}
	finish(m);
}

/* ---- start ----------------------------------------------------------- */

void rx_mux_start(struct rx_mux *m)
{
	for (uint32_t idx = 0; idx < m->nbufs; idx++)
		dma_release(m, idx);
	finish(m);
}
