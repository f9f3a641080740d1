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
 * it is copied and returned, lent, or returned at once.
 *
 * Trust.  The driver is trusted, but each io address it returns is still
 * checked against the DMA ownership map (bad_desc) and each length against
 * 14..SDVF_NET_FRAME_MAX (drop.bad_length).  Clients are not trusted: each
 * descriptor on cN_rx_free is a private copy (sdvf_queue_pop), checked by
 * sdvf_own_take against that client's ownership map (alignment, range,
 * that the client holds it: duplicate, foreign and never-lent offsets are
 * refused) and counted as cN.viol.<reason>; the queue itself refuses
 * impossible indices (cN_rx_free.bad_index).  A refusal changes nothing,
 * so it costs no other client a buffer.
 *
 * Buffers.  The DMA map says who holds each DMA buffer: the mux, the
 * driver, or remap clients (LENT, with a count of holders).  Each client
 * has its own map over the buffers it can be lent (its cN_rx_data for
 * copy, rx_dma for remap): the mux or that client.  Every buffer is owned
 * by exactly one party, and a client's restart (peer_restart) gives back
 * all it held.
 *
 * Configuration.  Client N (0..7) exists when cN_mac is given (the
 * loader refuses one MAC given twice in a PD's configuration); then
 * cN_rx_active, cN_rx_free and channel cN are required, and cN_rx_data
 * in copy mode.  At most RXM_MAX_BUFS (512) buffers per region are used.
 * Per-client keys: cN_mac, cN_mode ("copy", the default, or "remap"), cN_rx_cap
 * (buffers in flight; 0: copy: as many as its queue and region hold; remap: an
 * equal share of the DMA buffers with one share kept for the driver; remap caps
 * must sum below the DMA buffers, so no remap client can empty the driver's
 * pool), cN_rate (bits/s, 0: unshaped), cN_burst (bytes), cN_broadcast (default
 * 1), cN_multicast (default 0). Shared: rx_capacity (the driver pair),
 * client_capacity (every client pair).  Local names: rx_dma, rx_free,
 * rx_active, channel rx.
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
#include "policies/policy.h"

#define RXM_CLIENTS 8u
#define RXM_MAX_BUFS 512u
/* Owners in the DMA map (SDVF_OWNER_SELF: the mux). */
#define OWNER_DRIVER 1u
#define OWNER_LENT 2u /* held by one or more remap clients */
/* Owner in a client's map. */
#define OWNER_CLIENT 1u

#define RX_MUX_COUNTERS(X)                                                     \
	X(rx_frames, "rx_frames", "frames taken from the driver")              \
	X(drop_unknown_unicast, "drop.unknown_unicast",                        \
	  "unicast to a MAC no client has")                                    \
	X(drop_no_listener, "drop.no_listener",                                \
	  "broadcast or multicast no client accepts")                          \
	X(drop_bad_length, "drop.bad_length",                                  \
	  "driver length outside 14..1518, or flagged rejected")               \
	X(bad_desc, "bad_desc",                                                \
	  "io addresses from the driver that are not ours with it")            \
	X(dma_bufs, "dma_bufs", "RX DMA buffers in use (set at init)")         \
	X(dma_driver, "dma_driver", "gauge: RX DMA buffers at the driver")     \
	X(dma_lent, "dma_lent", "gauge: RX DMA buffers lent to remap clients") \
	X(dma_mux, "dma_mux",                                                  \
	  "gauge: RX DMA buffers in the mux (0 between activations)")

/* Per client, published as "cN.<name>". */
#define RX_MUX_CLIENT_COUNTERS(X, n)                                           \
	X(n, rx_frames, "rx_frames", "frames delivered to the client")         \
	X(n, rx_bytes, "rx_bytes", "bytes of those frames")                    \
	X(n, drop_cap, "drop.cap",                                             \
	  "frames dropped: the client held rx_cap buffers")                    \
	X(n, drop_rate, "drop.rate_limit",                                     \
	  "frames dropped by the client's token bucket")                       \
	X(n, drop_queue, "drop.queue_full",                                    \
	  "frames dropped: rx_active looked full (a lying head)")              \
	X(n, returned, "returned", "buffers given back and accepted")          \
	X(n, in_flight, "in_flight", "buffers the client holds now")           \
	X(n, reclaimed, "reclaimed", "buffers taken back at its restart")

struct rxm_client {
	bool present, remap, bcast, mcast;
	sdvf_channel_t ch;
	struct sdvf_queue rx_active, rx_free;
	uint32_t cap;
	uint8_t *data;		 /* copy: our mapping of cN_rx_data */
	struct sdvf_own_map own; /* copy: over cN_rx_data; remap: rx_dma */
	uint8_t owner[RXM_MAX_BUFS];
	uint32_t idle[RXM_MAX_BUFS]; /* copy: free buffers of cN_rx_data */
	uint32_t nidle;
	uint8_t mac[SDVF_NET_MAC_LEN];
	struct sdvf_violations viol;
#define RXM_CLIENT_FIELD(n, field, name, meaning) _Atomic uint64_t *field;
	RX_MUX_CLIENT_COUNTERS(RXM_CLIENT_FIELD, -)
#undef RXM_CLIENT_FIELD
	_Atomic uint64_t *viol_ctr[SDVF_VIOL_COUNT];
};

struct rx_mux {
	struct sdvf_pd *pd;
	sdvf_channel_t ch_drv;
	struct sdvf_queue drv_rx_free, drv_rx_active;
	uint8_t *dma;
	uint64_t dma_io;
	uint32_t nbufs;
	struct sdvf_own_map dma_own;
	uint8_t dma_owner[RXM_MAX_BUFS];
	uint8_t lent_refs[RXM_MAX_BUFS]; /* remap clients holding each */
	unsigned nclients;		 /* highest present index + 1 */
	struct rxm_client client[RXM_CLIENTS];
	struct sdvf_policy_slot shaper;
#define RXM_FIELD(field, name, meaning) _Atomic uint64_t *field;
	RX_MUX_COUNTERS(RXM_FIELD)
#undef RXM_FIELD
};

/* ---- the driver's side ----------------------------------------------- */

static uint64_t dma_io(const struct rx_mux *m, uint32_t idx)
{
	return m->dma_io + (uint64_t)idx * SDVF_BUF_SIZE;
}

/* Give a DMA buffer the mux holds back to the driver.  rx_free cannot be
 * full: it has a slot for every buffer (checked at init). */
static void drv_provide(struct rx_mux *m, uint32_t idx)
{
	struct sdvf_desc d = {.io_or_offset = dma_io(m, idx)};
	bool pushed = sdvf_queue_push(&m->drv_rx_free, &d);
	(void)pushed;
	sdvf_own_give(&m->dma_own, d.io_or_offset, SDVF_OWNER_SELF,
		      OWNER_DRIVER);
}

/* ---- delivery to one client ------------------------------------------ */

/* May client c take a frame of len bytes now?  Counted if not. */
static bool client_admits(struct rx_mux *m, unsigned i, uint32_t len)
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
	if (!sdvf_policy_admit_one(&m->shaper, i, len, sdvf_now_ns(m->pd),
				   &wake_ns)) {
		sdvf_counter_add(c->drop_rate, 1);
		return false;
	}
	return true;
}

static void client_push(struct rx_mux *m, unsigned i, uint64_t offset,
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
	sdvf_policy_charge(&m->shaper, i, len, sdvf_now_ns(m->pd));
}

/* Deliver DMA buffer idx (len bytes) to client i: true if it was lent
 * (the client now shares the DMA buffer). */
static bool deliver(struct rx_mux *m, unsigned i, uint32_t idx, uint32_t len)
{
	struct rxm_client *c = &m->client[i];
	if (!client_admits(m, i, len))
		return false;
	if (c->remap) {
		client_push(m, i, (uint64_t)idx * SDVF_BUF_SIZE, len);
		m->lent_refs[idx]++;
		return true;
	}
	/* Within the cap a copy client always has an idle buffer: cap is at
	 * most its region's buffers (init). */
	uint32_t slot = c->idle[--c->nidle];
	sdvf_copy(c->data + (uint64_t)slot * SDVF_BUF_SIZE,
		  m->dma + (uint64_t)idx * SDVF_BUF_SIZE, len);
	client_push(m, i, (uint64_t)slot * SDVF_BUF_SIZE, len);
	return false;
}

/* ---- classify -------------------------------------------------------- */

/* The clients a frame to `dst` goes to, as a mask; 0 counted as a drop. */
static uint32_t classify(struct rx_mux *m, const uint8_t *dst)
{
	bool group = sdvf_mac_is_group(dst);
	bool all = sdvf_mac_is_broadcast(dst);
	uint32_t mask = 0;
	for (unsigned i = 0; i < m->nclients; i++) {
		const struct rxm_client *c = &m->client[i];
		if (!c->present)
			continue;
		if (all	    ? c->bcast
		    : group ? c->mcast
			    : sdvf_bytes_equal(dst, c->mac, SDVF_NET_MAC_LEN))
			mask |= 1u << i;
	}
	if (!mask)
		sdvf_counter_add(group ? m->drop_no_listener
				       : m->drop_unknown_unicast,
				 1);
	return mask;
}

/* One frame from the driver: classify, deliver, and give the DMA buffer
 * back to the driver now unless a remap client holds it. */
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
	sdvf_copy(dst, m->dma + (uint64_t)idx * SDVF_BUF_SIZE, sizeof(dst));
	uint32_t mask = 0;
	if (d->flags & SDVF_NET_REJECTED || d->len < SDVF_NET_FRAME_MIN ||
	    d->len > SDVF_NET_FRAME_MAX)
		sdvf_counter_add(m->drop_bad_length, 1);
	else
		mask = classify(m, dst);
	bool lent = false;
	for (unsigned i = 0; i < m->nclients; i++)
		if (mask >> i & 1u)
			lent |= deliver(m, i, idx, d->len);
	if (lent)
		sdvf_own_give(&m->dma_own, d->io_or_offset, SDVF_OWNER_SELF,
			      OWNER_LENT);
	else
		drv_provide(m, idx);
}

/* ---- returns from a client ------------------------------------------- */

/* Client i no longer holds buffer `slot` of its map (already taken back
 * there): a copy buffer becomes idle, a lent DMA buffer goes back to the
 * driver with its last holder. */
static void client_release(struct rx_mux *m, unsigned i, uint32_t slot)
{
	struct rxm_client *c = &m->client[i];
	if (!c->remap) {
		c->idle[c->nidle++] = slot;
		return;
	}
	if (--m->lent_refs[slot] == 0) {
		sdvf_own_give(&m->dma_own, dma_io(m, slot), OWNER_LENT,
			      SDVF_OWNER_SELF);
		drv_provide(m, slot);
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
		if (wake)
			sdvf_notify(m->pd, c->ch);
	}
	bool wake = sdvf_queue_producer_finish(&m->drv_rx_free);
	wake |= sdvf_queue_consumer_finish(&m->drv_rx_active);
	if (wake)
		sdvf_notify(m->pd, m->ch_drv);
	/* Who holds the DMA buffers, once per activation: they add up to
	 * dma_bufs, and at rest with every frame returned all are the
	 * driver's. */
	sdvf_counter_set(m->dma_driver,
			 sdvf_own_held(&m->dma_own, OWNER_DRIVER));
	sdvf_counter_set(m->dma_lent, sdvf_own_held(&m->dma_own, OWNER_LENT));
	sdvf_counter_set(m->dma_mux,
			 sdvf_own_held(&m->dma_own, SDVF_OWNER_SELF));
}

static void rx_mux_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct rx_mux *m = state;
	struct sdvf_desc d;
	(void)pd;
	/* A full client rx_active drops for that client only and rx_free
	 * always has room, so each drain stops only when its input is dry. */
	if (ch == m->ch_drv) {
		do {
			while (sdvf_queue_pop(&m->drv_rx_active, &d))
				rx_frame(m, &d);
		} while (sdvf_queue_consumer_request_signal(&m->drv_rx_active));
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

static void rx_mux_peer_restart(void *state, struct sdvf_pd *pd,
				sdvf_channel_t ch)
{
	struct rx_mux *m = state;
	(void)pd;
	if (ch == m->ch_drv) {
		/* Its rings are gone: everything it held comes back to us and
		 * goes out again on the fresh rx_free. */
		sdvf_queue_reset(&m->drv_rx_free);
		sdvf_queue_reset(&m->drv_rx_active);
		sdvf_own_reclaim(&m->dma_own, OWNER_DRIVER, SDVF_OWNER_SELF);
		for (uint32_t idx = 0; idx < m->nbufs; idx++)
			if (m->dma_owner[idx] == SDVF_OWNER_SELF)
				drv_provide(m, idx);
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

/* ---- init ------------------------------------------------------------ */

#define KEY(i, suffix) ((const char *const[]){RXM_EACH(suffix)})[i]
#define RXM_EACH(suffix)                                                       \
	"c0_" suffix, "c1_" suffix, "c2_" suffix, "c3_" suffix, "c4_" suffix,  \
		"c5_" suffix, "c6_" suffix, "c7_" suffix

static const char *const chan_name[RXM_CLIENTS] = {"c0", "c1", "c2", "c3",
						   "c4", "c5", "c6", "c7"};

/* Policy parameters of client i, by the token bucket's key. */
static uint64_t shaper_param(void *ctx, int i, const char *key)
{
	struct rx_mux *m = ctx;
	if (i < 0 || !m->client[i].present)
		return sdvf_str_equal(key, "burst") ? 32768 : 0;
	return sdvf_config_u64(m->pd, sdvf_str_equal(key, "rate")
					      ? KEY(i, "rate")
					      : KEY(i, "burst"));
}

static void client_counters(struct rx_mux *m, unsigned i)
{
	struct rxm_client *c = &m->client[i];
	char prefix[8] = {'c', (char)('0' + i), '.', 0};
	char name[SDVF_COUNTER_NAME_BYTES], viol[SDVF_COUNTER_NAME_BYTES];
#define RXM_CLIENT_REGISTER(n, field, cname, meaning)                          \
	sdvf_counter_name_join(name, prefix, cname);                           \
	c->field = sdvf_counter(m->pd, name);
	RX_MUX_CLIENT_COUNTERS(RXM_CLIENT_REGISTER, -)
#undef RXM_CLIENT_REGISTER
	/* bad_index is the queue's own counter, cN_rx_free.bad_index; a
	 * return's length is never checked (it means nothing on RX), so no
	 * viol.bad_length that could only ever read 0. */
	for (unsigned v = SDVF_VIOL_BAD_INDEX + 1; v < SDVF_VIOL_COUNT; v++) {
		if (v == SDVF_VIOL_BAD_LENGTH)
			continue;
		sdvf_counter_name_join(viol, prefix, "viol.");
		sdvf_counter_name_join(name, viol, sdvf_violation_name(v));
		c->viol_ctr[v] = sdvf_counter(m->pd, name);
	}
}

static bool client_init(struct rx_mux *m, unsigned i, uint64_t capacity)
{
	struct rxm_client *c = &m->client[i];
	struct sdvf_pd *pd = m->pd;
	size_t len;
	sdvf_copy(c->mac, sdvf_config_bytes(pd, KEY(i, "mac"), &len),
		  SDVF_NET_MAC_LEN);
	const char *mode = sdvf_config_str(pd, KEY(i, "mode"));
	c->remap = mode && sdvf_str_equal(mode, "remap");
	if (mode && !c->remap && !sdvf_str_equal(mode, "copy")) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "rx_mux: %s = \"%s\": use \"copy\" or \"remap\"",
			 KEY(i, "mode"), mode);
		return false;
	}
	c->bcast = sdvf_config_u64(pd, KEY(i, "broadcast"));
	c->mcast = sdvf_config_u64(pd, KEY(i, "multicast"));
	c->ch = sdvf_channel(pd, chan_name[i]);
	if (c->ch == SDVF_CHANNEL_NONE ||
	    !sdvf_queue_attach_region(pd, &c->rx_active, KEY(i, "rx_active"),
				      capacity) ||
	    !sdvf_queue_attach_region(pd, &c->rx_free, KEY(i, "rx_free"),
				      capacity)) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "rx_mux: client %u needs channel %s and queues "
			 "%s, %s",
			 i, chan_name[i], KEY(i, "rx_active"),
			 KEY(i, "rx_free"));
		return false;
	}
	uint64_t nbufs = m->nbufs;
	if (!c->remap) {
		const struct sdvf_region *r =
			sdvf_region(pd, KEY(i, "rx_data"));
		if (!r || r->size < SDVF_BUF_SIZE) {
			sdvf_log(pd, SDVF_LOG_ERROR,
				 "rx_mux: copy client %u needs region %s of "
				 "at least one 2 KiB buffer",
				 i, KEY(i, "rx_data"));
			return false;
		}
		c->data = r->base;
		nbufs = r->size / SDVF_BUF_SIZE;
		if (nbufs > RXM_MAX_BUFS)
			nbufs = RXM_MAX_BUFS;
		for (uint32_t s = 0; s < nbufs; s++)
			c->idle[c->nidle++] = (uint32_t)nbufs - 1 - s;
	}
	sdvf_own_init(&c->own, c->owner, (uint32_t)nbufs, 0);
	/* 0 (the default) is settled by remap_caps for a remap client. */
	uint64_t cap = sdvf_config_u64(pd, KEY(i, "rx_cap"));
	uint64_t most = nbufs < capacity ? nbufs : capacity;
	c->cap = (uint32_t)(cap > most || (cap == 0 && !c->remap) ? most : cap);
	client_counters(m, i);
	c->present = true;
	return true;
}

/* Lent buffers are the driver's pool, so remap clients together must leave
 * it at least one, or one hoarding client would starve every other.  A
 * remap client without cN_rx_cap gets an equal share of the pool with one
 * share kept back for the driver. */
static bool remap_caps(struct rx_mux *m)
{
	uint32_t nremap = 0, sum = 0;
	for (unsigned i = 0; i < m->nclients; i++)
		nremap += m->client[i].present && m->client[i].remap;
	for (unsigned i = 0; i < m->nclients; i++) {
		struct rxm_client *c = &m->client[i];
		if (!c->present || !c->remap)
			continue;
		if (c->cap == 0) {
			uint32_t share = m->nbufs / (nremap + 1);
			c->cap = share == 0 ? 1 : share;
			if (c->cap > c->rx_active.capacity)
				c->cap = c->rx_active.capacity;
		}
		sum += c->cap;
	}
	if (nremap && sum >= m->nbufs) {
		sdvf_log(m->pd, SDVF_LOG_ERROR,
			 "rx_mux: the remap clients' cN_rx_cap sum to %u of "
			 "%u RX DMA buffers: make the sum smaller, or one "
			 "hoarding client could leave the driver none",
			 sum, m->nbufs);
		return false;
	}
	return true;
}

static int rx_mux_init(void *state, struct sdvf_pd *pd)
{
	struct rx_mux *m = state;
	m->pd = pd;
#define RXM_REGISTER(field, name, meaning) m->field = sdvf_counter(pd, name);
	RX_MUX_COUNTERS(RXM_REGISTER)
#undef RXM_REGISTER
	m->ch_drv = sdvf_channel(pd, "rx");
	uint64_t rx_cap = sdvf_config_u64(pd, "rx_capacity");
	const struct sdvf_region *dma = sdvf_region(pd, "rx_dma");
	if (!dma || !dma->has_io || dma->size < SDVF_BUF_SIZE) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "rx_mux: region 'rx_dma' needs an io address and at "
			 "least one 2 KiB buffer");
		return -1;
	}
	if (!sdvf_queue_attach_region(pd, &m->drv_rx_free, "rx_free", rx_cap) ||
	    !sdvf_queue_attach_region(pd, &m->drv_rx_active, "rx_active",
				      rx_cap))
		return -1;
	uint64_t n = dma->size / SDVF_BUF_SIZE;
	/* rx_free has a slot for every buffer: drv_provide never fails. */
	n = n < rx_cap ? n : rx_cap;
	m->nbufs = (uint32_t)(n < RXM_MAX_BUFS ? n : RXM_MAX_BUFS);
	m->dma = dma->base;
	m->dma_io = dma->io_addr;
	sdvf_own_init(&m->dma_own, m->dma_owner, m->nbufs, m->dma_io);
	sdvf_counter_set(m->dma_bufs, m->nbufs);
	uint64_t client_cap = sdvf_config_u64(pd, "client_capacity");
	size_t len;
	for (unsigned i = 0; i < RXM_CLIENTS; i++) {
		if (!sdvf_config_bytes(pd, KEY(i, "mac"), &len))
			continue;
		if (!client_init(m, i, client_cap))
			return -1;
		m->nclients = i + 1;
	}
	if (!remap_caps(m))
		return -1;
	bool shaped = false;
	for (unsigned i = 0; i < m->nclients; i++)
		shaped |= m->client[i].present &&
			  sdvf_config_u64(pd, KEY(i, "rate")) != 0;
	if (shaped) {
		struct sdvf_policy_config cfg = {
			.nclients = m->nclients,
			.now_ns = sdvf_now_ns(pd),
			.u64 = shaper_param,
			.ctx = m,
		};
		struct sdvf_policy_fault fault = {0};
		if (sdvf_policy_init(&m->shaper,
				     sdvf_policy_find("token_bucket"), &cfg,
				     &fault) < 0) {
			sdvf_log(pd, SDVF_LOG_ERROR,
				 "rx_mux: token_bucket: client %d: %s = "
				 "%llu: %s",
				 fault.client, fault.key ? fault.key : "-",
				 (unsigned long long)fault.value, fault.why);
			return -1;
		}
	}
	for (uint32_t idx = 0; idx < m->nbufs; idx++)
		drv_provide(m, idx);
	finish(m);
	return 0;
}

/* ---- what it declares ------------------------------------------------ */

#define RXM_CLIENT_NEEDS(n)                                                    \
	SDVF_NEED_REGION_RW_OPTIONAL("c" #n "_rx_active"),                     \
		SDVF_NEED_REGION_RW_OPTIONAL("c" #n "_rx_free"),               \
		SDVF_NEED_REGION_RW_OPTIONAL("c" #n "_rx_data"),               \
		SDVF_NEED_CHAN_OPTIONAL("c" #n)

static const struct sdvf_need rx_mux_needs[] = {
	SDVF_NEED_REGION_RW("rx_dma"),
	SDVF_NEED_QUEUE("rx_free"),
	SDVF_NEED_QUEUE("rx_active"),
	SDVF_NEED_CHAN("rx"),
	RXM_CLIENT_NEEDS(0),
	RXM_CLIENT_NEEDS(1),
	RXM_CLIENT_NEEDS(2),
	RXM_CLIENT_NEEDS(3),
	RXM_CLIENT_NEEDS(4),
	RXM_CLIENT_NEEDS(5),
	RXM_CLIENT_NEEDS(6),
	RXM_CLIENT_NEEDS(7),
	{0},
};

#define RXM_CLIENT_PARAMS(n)                                                   \
	{.name = "c" #n "_mac",                                                \
	 .type = SDVF_PARAM_MAC,                                               \
	 .help = "client " #n "'s station address (absent: no client " #n      \
		 ")"},                                                         \
		SDVF_PARAM_STRING("c" #n "_mode", 5,                           \
				  "\"copy\" (default) or \"remap\""),          \
		SDVF_PARAM_U64_DEFAULT(                                        \
			"c" #n "_rx_cap", 0, RXM_MAX_BUFS, 0,                  \
			"RX buffers it may hold (0: copy: what "               \
			"its queue and region hold; remap: a "                 \
			"share of the DMA pool)"),                             \
		SDVF_PARAM_U64_DEFAULT("c" #n "_rate", 0, 100000000000ull, 0,  \
				       "bits per second delivered (0: no "     \
				       "limit)"),                              \
		SDVF_PARAM_U64_DEFAULT("c" #n "_burst", SDVF_NET_FRAME_MAX,    \
				       1ull << 30, 32768,                      \
				       "bytes it may take at once"),           \
		SDVF_PARAM_U64_DEFAULT("c" #n "_broadcast", 0, 1, 1,           \
				       "1: it receives broadcast"),            \
		SDVF_PARAM_U64_DEFAULT("c" #n "_multicast", 0, 1, 0,           \
				       "1: it receives multicast")

static const struct sdvf_param rx_mux_params[] = {
	SDVF_PARAM_POW2_DEFAULT("rx_capacity", 1, 65536, 512,
				"slots of the driver's rx_free and rx_active"),
	SDVF_PARAM_POW2_DEFAULT("client_capacity", 1, 65536, 512,
				"slots of each client's rx_active and rx_free"),
	RXM_CLIENT_PARAMS(0),
	RXM_CLIENT_PARAMS(1),
	RXM_CLIENT_PARAMS(2),
	RXM_CLIENT_PARAMS(3),
	RXM_CLIENT_PARAMS(4),
	RXM_CLIENT_PARAMS(5),
	RXM_CLIENT_PARAMS(6),
	RXM_CLIENT_PARAMS(7),
	{0},
};

/* Every counter with its meaning, from the same lists: the mux's own, then
 * a block per client index. */
#define RXM_DOC(field, name, meaning) {name, meaning},
#define RXM_OWN_DOCS                                                           \
	RX_MUX_COUNTERS(RXM_DOC)                                               \
	SDVF_QUEUE_COUNTER_DOC("rx_free"), SDVF_QUEUE_COUNTER_DOC("rx_active")
#define RXM_CLIENT_DOC(n, field, name, meaning) {"c" #n "." name, meaning},
#define RXM_CLIENT_DOCS(n)                                                     \
	RX_MUX_CLIENT_COUNTERS(RXM_CLIENT_DOC, n){                             \
		"c" #n ".viol.*",                                              \
		"returns refused, by reason (core/ownership.h)"},              \
		SDVF_QUEUE_COUNTER_DOC("c" #n "_rx_active"),                   \
		SDVF_QUEUE_COUNTER_DOC("c" #n "_rx_free")
static const struct sdvf_counter_doc rx_mux_counters[] = {
	RXM_OWN_DOCS,	    RXM_CLIENT_DOCS(0),
	RXM_CLIENT_DOCS(1), RXM_CLIENT_DOCS(2),
	RXM_CLIENT_DOCS(3), RXM_CLIENT_DOCS(4),
	RXM_CLIENT_DOCS(5), RXM_CLIENT_DOCS(6),
	RXM_CLIENT_DOCS(7), {0},
};

const struct sdvf_component rx_mux_component = {
	.name = "rx_mux",
	.summary = "shares the driver's RX queues among clients by MAC",
	.role = SDVF_ROLE_MUX,
	.state_size = sizeof(struct rx_mux),
	.needs = rx_mux_needs,
	.params = rx_mux_params,
	.counters = rx_mux_counters,
	.init = rx_mux_init,
	.notified = rx_mux_notified,
	.peer_restart = rx_mux_peer_restart,
};
