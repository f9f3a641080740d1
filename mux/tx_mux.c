/*
 * tx_mux: N clients share the ENET driver's TX queue pair.
 *
 * Queues (core/queue.h):
 *   cN_tx_active  client N -> mux   frames to send (region offset, len)
 *   cN_tx_free    mux -> client N   its buffers back; REJECTED if refused,
 *                                   TX_ERROR if the driver lost the frame
 *   drv_tx_active mux -> driver     frames to send (io address, len)
 *   drv_tx_free   driver -> mux     sent frames back, possibly flagged
 * Client N's queues are signalled on channel cN, the driver's on `drv`.
 *
 * What it trusts and what it checks.  The clients are untrusted.  Each
 * descriptor is copied out of the ring (sdvf_queue_pop) and checked against
 * the client's ownership map (core/ownership.h: aligned, in its cN_tx_data
 * region, held by the client, so a duplicate or forged offset is refused),
 * then its length must be SDVF_NET_FRAME_MIN..MAX and its source MAC the
 * client's cN_mac unless cN_spoof_ok.  A refused descriptor goes back to
 * that client with SDVF_NET_REJECTED, counted by reason; it never costs
 * another client anything.  The driver is trusted, but each completion must
 * still name a buffer the driver holds, or it is counted and ignored.
 *
 * Modes, per client (cN_mode):
 *   copy   the frame is copied into a buffer of the mux's own tx_pool
 *          (DMA region with an io address) BEFORE the source MAC is read,
 *          and the client's buffer goes straight back on cN_tx_free.  The
 *          client cannot change a frame after it was checked.
 *   remap  the client's buffer itself goes to the driver by io address
 *          (cN_tx_data must have one).  The checks read the client's
 *          memory, which it can still rewrite until the device reads it:
 *          a remap client must be trusted for its source MAC and contents.
 *          Offsets, ownership and length still hold against any client.
 *
 * Scheduling.  Each client has at most one head frame staged (validated,
 * copied in copy mode); the policy (`policy`, optionally behind the shaper
 * `shaper`, policies/policy.h) picks among the staged heads, the frame is
 * pushed to the driver and charged.  A client held by the shaper makes the
 * mux arm its timer at wake_ns.  At most `budget` descriptors are taken
 * from the clients per activation; if work remains the timer is armed for
 * the next nanosecond, so a client that keeps its queue full cannot keep
 * the mux in one activation forever.
 *
 * Completions return to their owner: copy, the pool buffer to the pool;
 * remap, the client's buffer to its cN_tx_free.  A client whose cN_tx_free
 * is full keeps its returns in a private backlog and the mux asks to be
 * woken (producer_signalled) when room appears; nothing is dropped.
 *
 * Restart of client N (peer_restart): its queues are reset, every buffer
 * of its that the mux holds goes back to it, a staged pool buffer goes to
 * the pool, and frames of its still at the driver are, on completion,
 * returned to the pool (copy) or silently to its map (remap), never to the
 * new instance's queue.
 *
 * Not in this first cut: local switching between clients; policy-wide
 * parameters (drr's quantum, least_served's idle_credit keep their
 * defaults); restart of the driver.
 *
 * Configuration (parameter table below), at most TXM_CLIENTS clients,
 * client N present if its cN_tx_active region is granted:
 *   policy, shaper       scheduler name (default rr), optional shaper name
 *   drv_capacity         slots of drv_tx_active and drv_tx_free
 *   client_capacity      slots of every cN_tx_active and cN_tx_free
 *   budget               descriptors taken from clients per activation
 *   cN_mac               client N's source MAC (required if present)
 *   cN_mode              "copy" (default) or "remap"
 *   cN_spoof_ok          1: any source MAC
 *   cN_weight, cN_priority, cN_min_share, cN_rate, cN_burst: the
 *                        policies' per-client keys (docs/policies.md)
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

#define TXM_CLIENTS 8u
#define TXM_CLIENT_BUFS 256u /* buffers in one cN_tx_data, at most */
#define TXM_POOL_MAX 512u
#define TXM_NOBODY 0xffu
#define OWNER_CLIENT 1u
#define OWNER_DRIVER 2u

/* Why a client's descriptor was refused: X(id, name, meaning). */
#define TXM_REJECTS(X)                                                         \
	X(MISALIGNED, rej_misaligned, "offset not on a buffer boundary")       \
	X(OUT_OF_RANGE, rej_out_of_range, "offset past its tx_data region")    \
	X(NOT_OWNER, rej_not_owner, "buffer not held: duplicate or foreign")   \
	X(TOO_SHORT, rej_too_short, "length below 14 bytes")                   \
	X(TOO_LONG, rej_too_long, "length above 1518 bytes")                   \
	X(SRC_MAC, rej_src_mac, "source MAC not the client's")

/* Per-client counters, "cN.<name>": X(id, name, meaning). */
#define TXM_CLIENT_COUNTERS(X)                                                 \
	X(TX_FRAMES, tx_frames, "frames handed to the driver")                 \
	X(TX_BYTES, tx_bytes, "bytes of those frames")                         \
	X(TX_ERRORS, tx_errors, "frames the driver returned with TX_ERROR")    \
	X(DRV_REJECTED, drv_rejected, "frames the driver returned REJECTED")   \
	X(IN_FLIGHT, in_flight, "frames of the client at the driver now")      \
	TXM_REJECTS(X)

/* Per-mux counters: X(id, name, meaning). */
#define TXM_MUX_COUNTERS(X)                                                    \
	X(ACTIVATIONS, activations,                                            \
	  "notifications and timer expiries handled")                          \
	X(BATCHES, batches, "activations that sent at least one frame")        \
	X(BATCH_MAX, batch_max, "most frames sent in one activation")          \
	X(NOTIFY_DRV, notify_drv, "notifications sent to the driver")          \
	X(NOTIFY_CLIENTS, notify_clients, "notifications sent to clients")     \
	X(BUDGET_HIT, budget_hit, "activations ended by the budget")           \
	X(POOL_EMPTY, pool_empty, "stagings stopped by an empty tx_pool")      \
	X(POOL_IDLE, pool_idle, "tx_pool buffers idle in the mux now")         \
	X(BAD_COMPLETION, bad_completion,                                      \
	  "driver returns naming no buffer "                                   \
	  "it held")

enum txm_client_counter {
#define TXM_ENUM(id, name, meaning) TXM_C_##id,
	TXM_CLIENT_COUNTERS(TXM_ENUM) TXM_C_COUNT
};
#undef TXM_ENUM
enum txm_mux_counter {
#define TXM_ENUM(id, name, meaning) id,
	TXM_MUX_COUNTERS(TXM_ENUM) TXM_M_COUNT
#undef TXM_ENUM
};

struct txm_client {
	bool present, remap, spoof_ok;
	uint8_t mac[SDVF_NET_MAC_LEN];
	sdvf_channel_t ch;
	struct sdvf_queue active, free; /* we consume active, produce free */
	const struct sdvf_region *data;
	struct sdvf_own_map own; /* offsets: client, us or (remap) driver */
	uint8_t owner[TXM_CLIENT_BUFS];
	bool orphan[TXM_CLIENT_BUFS]; /* remap: at the driver at a restart */
	/* Returns waiting for room on `free` (buffers we hold, FIFO). */
	struct sdvf_desc backlog[TXM_CLIENT_BUFS];
	uint32_t backlog_head, backlog_count;
	bool staged; /* `head` checked and ready for the driver */
	struct sdvf_desc head;
	uint32_t in_flight;
	_Atomic uint64_t *ctr[TXM_C_COUNT];
};

struct txm_pool {
	uint8_t *base;
	uint64_t io;
	uint32_t nbufs;
	struct sdvf_own_map own; /* io addresses: us or driver */
	uint8_t owner[TXM_POOL_MAX];
	uint8_t client[TXM_POOL_MAX]; /* whose frame, or TXM_NOBODY */
	uint32_t idle[TXM_POOL_MAX];  /* stack of buffers we hold */
	uint32_t nidle;
};

struct tx_mux {
	struct sdvf_pd *pd;
	struct txm_client client[TXM_CLIENTS];
	unsigned nclients; /* highest present index + 1 */
	struct sdvf_queue drv_active, drv_free;
	sdvf_channel_t drv_ch;
	struct txm_pool pool;
	struct sdvf_policy_slot sched, shaper;
	/* the policies being started (policy_u64 reads their tables) */
	const struct sdvf_policy *sched_policy, *shaper_policy;
	bool has_shaper;
	uint32_t budget, budget_left;
	uint64_t wake_ns; /* timer to arm at the end, 0: none */
	_Atomic uint64_t *ctr[TXM_M_COUNT];
};

/* ---- configuration ---------------------------------------------------- */

static const char *const client_key_fmt[TXM_CLIENTS] = {
	"c0_", "c1_", "c2_", "c3_", "c4_", "c5_", "c6_", "c7_"};

/* "cN_" + key, or false if it does not fit. */
static bool client_key(char out[SDVF_COUNTER_NAME_BYTES], unsigned i,
		       const char *key)
{
	return sdvf_counter_name_join(out, client_key_fmt[i], key);
}

/* The policies' per-client keys this mux declares as cN_<key>. */
static const char *const policy_client_keys[] = {
	"weight", "priority", "min_share", "rate", "burst", NULL};

static uint64_t policy_u64(void *ctx, int client, const char *key)
{
	struct tx_mux *m = ctx;
	const struct sdvf_policy *p[2] = {m->sched_policy, m->shaper_policy};
	if (client >= 0) {
		for (const char *const *k = policy_client_keys; *k; k++) {
			char name[SDVF_COUNTER_NAME_BYTES];
			if (sdvf_str_equal(*k, key) &&
			    client_key(name, (unsigned)client, key))
				return sdvf_config_u64(m->pd, name);
		}
	}
	/* A key this mux does not declare: the policy's default. */
	for (int i = 0; i < 2; i++) {
		const struct sdvf_param *e =
			p[i] ? sdvf_policy_param(p[i], client >= 0, key) : NULL;
		if (e)
			return e->default_u64;
	}
	return 0;
}

/* ---- buffers ---------------------------------------------------------- */

static uint8_t *pool_buf(const struct txm_pool *p, uint32_t idx)
{
	return p->base + (uint64_t)idx * SDVF_BUF_SIZE;
}

static uint64_t pool_io(const struct txm_pool *p, uint32_t idx)
{
	return p->io + (uint64_t)idx * SDVF_BUF_SIZE;
}

static bool pool_has(const struct txm_pool *p, uint64_t io)
{
	return p->nbufs && io >= p->io &&
	       io - p->io < (uint64_t)p->nbufs * SDVF_BUF_SIZE;
}

/* Give a buffer we hold back to client c through its tx_free, or keep it
 * in the backlog until the client makes room. */
static void client_return(struct txm_client *c, const struct sdvf_desc *d)
{
	if (c->backlog_count == 0 && sdvf_queue_push(&c->free, d)) {
		sdvf_own_give(&c->own, d->io_or_offset, SDVF_OWNER_SELF,
			      OWNER_CLIENT);
		return;
	}
	uint32_t at = (c->backlog_head + c->backlog_count) % TXM_CLIENT_BUFS;
	c->backlog[at] = *d; /* each buffer at most once: cannot overflow */
	c->backlog_count++;
}

static void backlog_flush(struct txm_client *c)
{
	while (c->backlog_count &&
	       sdvf_queue_push(&c->free, &c->backlog[c->backlog_head])) {
		sdvf_own_give(&c->own, c->backlog[c->backlog_head].io_or_offset,
			      SDVF_OWNER_SELF, OWNER_CLIENT);
		c->backlog_head = (c->backlog_head + 1) % TXM_CLIENT_BUFS;
		c->backlog_count--;
	}
}

/* ---- validation: client descriptor -> staged head --------------------- */

enum txm_reject {
#define TXM_ENUM(id, name, meaning) TXM_REJ_##id,
	TXM_REJECTS(TXM_ENUM)
#undef TXM_ENUM
};

static const enum txm_client_counter reject_counter[] = {
#define TXM_MAP(id, name, meaning) [TXM_REJ_##id] = TXM_C_##id,
	TXM_REJECTS(TXM_MAP)
#undef TXM_MAP
};

/* Refuse d: count it, and echo it back with REJECTED.  `held`: we took the
 * buffer from the client (the map says so) and give it back; otherwise the
 * client never gave us one and the map is left alone. */
static void reject(struct txm_client *c, struct sdvf_desc d,
		   enum txm_reject why, bool held)
{
	sdvf_counter_add(c->ctr[reject_counter[why]], 1);
	d.flags = SDVF_NET_REJECTED;
	if (held) {
		client_return(c, &d);
	} else {
		/* Cannot fail: a descriptor is taken only with a free slot and
		 * an empty backlog (client_blocked), and this is its one push.
		 */
		sdvf_queue_push(&c->free, &d);
	}
}

static bool src_mac_ok(const struct txm_client *c, const uint8_t *frame)
{
	return c->spoof_ok || sdvf_bytes_equal(frame + SDVF_NET_MAC_LEN, c->mac,
					       SDVF_NET_MAC_LEN);
}

/* Check one descriptor of client ci (a private copy) and stage it. */
static void stage_one(struct tx_mux *m, unsigned ci, struct sdvf_desc d)
{
	struct txm_client *c = &m->client[ci];
	enum sdvf_violation why;
	if (sdvf_own_slot(&c->own, d.io_or_offset, &why) < 0) {
		reject(c, d,
		       why == SDVF_VIOL_MISALIGNED ? TXM_REJ_MISALIGNED
						   : TXM_REJ_OUT_OF_RANGE,
		       false);
		return;
	}
	if (!sdvf_own_take(&c->own, &d, OWNER_CLIENT, SDVF_OWNER_SELF, 0,
			   UINT16_MAX, NULL)) {
		reject(c, d, TXM_REJ_NOT_OWNER, false);
		return;
	}
	if (d.len < SDVF_NET_FRAME_MIN || d.len > SDVF_NET_FRAME_MAX) {
		reject(c, d,
		       d.len < SDVF_NET_FRAME_MIN ? TXM_REJ_TOO_SHORT
						  : TXM_REJ_TOO_LONG,
		       true);
		return;
	}
	const uint8_t *src = (const uint8_t *)c->data->base + d.io_or_offset;
	if (c->remap) {
		if (!src_mac_ok(c, src)) {
			reject(c, d, TXM_REJ_SRC_MAC, true);
			return;
		}
		c->head = (struct sdvf_desc){.io_or_offset = c->data->io_addr +
							     d.io_or_offset,
					     .len = d.len};
		c->staged = true;
		return;
	}
	/* Copy first, then check the copy: the client may rewrite its
	 * buffer at any time, our pool buffer it cannot touch. */
	uint32_t idx = m->pool.idle[--m->pool.nidle];
	uint8_t *frame = pool_buf(&m->pool, idx);
	sdvf_copy(frame, src, d.len);
	if (!src_mac_ok(c, frame)) {
		m->pool.idle[m->pool.nidle++] = idx;
		reject(c, d, TXM_REJ_SRC_MAC, true);
		return;
	}
	m->pool.client[idx] = (uint8_t)ci;
	c->head = (struct sdvf_desc){.io_or_offset = pool_io(&m->pool, idx),
				     .len = d.len};
	c->staged = true;
	d.flags = 0;
	client_return(c, &d);
}

/* Why a client cannot be staged now, other than an empty tx_active. */
static bool client_blocked(struct tx_mux *m, struct txm_client *c)
{
	if (c->backlog_count || sdvf_queue_full(&c->free))
		return true; /* a reject needs a free slot */
	return !c->remap && m->pool.nidle == 0;
}

/* Take descriptors of client ci until one is staged, the queue is empty,
 * the client is blocked or the activation's budget is spent. */
static void stage(struct tx_mux *m, unsigned ci)
{
	struct txm_client *c = &m->client[ci];
	struct sdvf_desc d;
	while (!c->staged && m->budget_left) {
		if (client_blocked(m, c)) {
			if (!c->remap && m->pool.nidle == 0)
				sdvf_counter_add(m->ctr[POOL_EMPTY], 1);
			return;
		}
		if (!sdvf_queue_pop(&c->active, &d))
			return;
		m->budget_left--;
		stage_one(m, ci, d);
	}
}

/* ---- to the driver ---------------------------------------------------- */

/* Send staged heads in the policy's order until none is left, the driver's
 * queue is full or the shaper holds the rest.  Returns frames sent. */
static uint32_t tx_provide(struct tx_mux *m)
{
	uint32_t sent = 0;
	uint32_t head_len[TXM_CLIENTS];
	for (;;) {
		struct sdvf_policy_ready ready = {.head_len = head_len,
						  .now_ns = sdvf_now_ns(m->pd)};
		for (unsigned i = 0; i < m->nclients; i++) {
			struct txm_client *c = &m->client[i];
			if (!c->present)
				continue;
			stage(m, i);
			if (c->staged) {
				ready.mask |= 1ull << i;
				head_len[i] = c->head.len;
			}
		}
		if (!ready.mask || sdvf_queue_full(&m->drv_active))
			return sent;
		uint64_t wake = 0;
		int who = sdvf_policy_next(&m->sched,
					   m->has_shaper ? &m->shaper : NULL,
					   &ready, &wake);
		if (who == SDVF_POLICY_NONE) {
			if (wake && (!m->wake_ns || wake < m->wake_ns))
				m->wake_ns = wake;
			return sent;
		}
		struct txm_client *c = &m->client[who];
		sdvf_queue_push(&m->drv_active, &c->head);
		if (c->remap)
			sdvf_own_give(&c->own,
				      c->head.io_or_offset - c->data->io_addr,
				      SDVF_OWNER_SELF, OWNER_DRIVER);
		else
			sdvf_own_give(&m->pool.own, c->head.io_or_offset,
				      SDVF_OWNER_SELF, OWNER_DRIVER);
		c->staged = false;
		c->in_flight++;
		sdvf_counter_set(c->ctr[TXM_C_IN_FLIGHT], c->in_flight);
		sdvf_counter_add(c->ctr[TXM_C_TX_FRAMES], 1);
		sdvf_counter_add(c->ctr[TXM_C_TX_BYTES], c->head.len);
		sdvf_policy_charge(&m->sched, (unsigned)who, c->head.len,
				   ready.now_ns);
		if (m->has_shaper)
			sdvf_policy_charge(&m->shaper, (unsigned)who,
					   c->head.len, ready.now_ns);
		sent++;
	}
}

/* ---- from the driver -------------------------------------------------- */

static void completion_count(struct txm_client *c, uint16_t flags)
{
	c->in_flight--;
	sdvf_counter_set(c->ctr[TXM_C_IN_FLIGHT], c->in_flight);
	if (flags & SDVF_NET_TX_ERROR)
		sdvf_counter_add(c->ctr[TXM_C_TX_ERRORS], 1);
	if (flags & SDVF_NET_REJECTED)
		sdvf_counter_add(c->ctr[TXM_C_DRV_REJECTED], 1);
}

/* A copy-mode frame came back: its pool buffer to the pool. */
static bool pool_complete(struct tx_mux *m, const struct sdvf_desc *d)
{
	struct txm_pool *p = &m->pool;
	if (!sdvf_own_take(&p->own, d, OWNER_DRIVER, SDVF_OWNER_SELF, 0,
			   UINT16_MAX, NULL))
		return false;
	uint32_t idx = (uint32_t)((d->io_or_offset - p->io) / SDVF_BUF_SIZE);
	if (p->client[idx] != TXM_NOBODY)
		completion_count(&m->client[p->client[idx]], d->flags);
	p->client[idx] = TXM_NOBODY;
	p->idle[p->nidle++] = idx;
	return true;
}

/* A remap frame came back: the client's buffer to the client. */
static bool remap_complete(struct tx_mux *m, const struct sdvf_desc *d)
{
	for (unsigned i = 0; i < m->nclients; i++) {
		struct txm_client *c = &m->client[i];
		if (!c->present || !c->remap ||
		    d->io_or_offset < c->data->io_addr ||
		    d->io_or_offset - c->data->io_addr >= c->data->size)
			continue;
		struct sdvf_desc back = {
			.io_or_offset = d->io_or_offset - c->data->io_addr,
			.len = d->len,
			.flags = d->flags &
				 (SDVF_NET_REJECTED | SDVF_NET_TX_ERROR)};
		if (!sdvf_own_take(&c->own, &back, OWNER_DRIVER,
				   SDVF_OWNER_SELF, 0, UINT16_MAX, NULL))
			return false;
		uint32_t slot = (uint32_t)(back.io_or_offset / SDVF_BUF_SIZE);
		if (c->orphan[slot]) {
			/* sent by the client's previous instance: the new
			 * one already counts the buffer as its own */
			c->orphan[slot] = false;
			sdvf_own_give(&c->own, back.io_or_offset,
				      SDVF_OWNER_SELF, OWNER_CLIENT);
			return true;
		}
		completion_count(c, back.flags);
		client_return(c, &back);
		return true;
	}
	return false;
}

static void tx_return(struct tx_mux *m)
{
	struct sdvf_desc d;
	while (sdvf_queue_pop(&m->drv_free, &d)) {
		bool ok = pool_has(&m->pool, d.io_or_offset)
				  ? pool_complete(m, &d)
				  : remap_complete(m, &d);
		if (!ok)
			sdvf_counter_add(m->ctr[BAD_COMPLETION], 1);
	}
}

/* ---- one activation --------------------------------------------------- */

/* Ask to be woken for whatever stopped us; true if it arrived meanwhile. */
static bool request_signals(struct tx_mux *m)
{
	bool more = sdvf_queue_consumer_request_signal(&m->drv_free);
	bool staged = false;
	for (unsigned i = 0; i < m->nclients; i++) {
		struct txm_client *c = &m->client[i];
		if (!c->present)
			continue;
		staged |= c->staged;
		if (c->backlog_count || sdvf_queue_full(&c->free))
			more |= sdvf_queue_producer_request_signal(&c->free);
		else if (!c->staged && !client_blocked(m, c))
			more |= sdvf_queue_consumer_request_signal(&c->active);
	}
	if (staged && sdvf_queue_full(&m->drv_active))
		more |= sdvf_queue_producer_request_signal(&m->drv_active);
	return more;
}

static void activate(struct tx_mux *m)
{
	sdvf_counter_add(m->ctr[ACTIVATIONS], 1);
	m->budget_left = m->budget;
	m->wake_ns = 0;
	uint32_t sent = 0;
	do {
		tx_return(m);
		for (unsigned i = 0; i < m->nclients; i++)
			if (m->client[i].present)
				backlog_flush(&m->client[i]);
		sent += tx_provide(m);
	} while (m->budget_left && request_signals(m));
	if (!m->budget_left) {
		/* come back for the rest in a fresh activation */
		sdvf_counter_add(m->ctr[BUDGET_HIT], 1);
		m->wake_ns = sdvf_now_ns(m->pd) + 1;
	}
	if (m->wake_ns)
		sdvf_timer_set(m->pd, m->wake_ns);
	sdvf_counter_set(m->ctr[POOL_IDLE], m->pool.nidle);
	if (sent) {
		sdvf_counter_add(m->ctr[BATCHES], 1);
		if (sent > sdvf_counter_get(m->ctr[BATCH_MAX]))
			sdvf_counter_set(m->ctr[BATCH_MAX], sent);
	}
	bool wake = sdvf_queue_producer_finish(&m->drv_active);
	wake |= sdvf_queue_consumer_finish(&m->drv_free);
	if (wake) {
		sdvf_notify(m->pd, m->drv_ch);
		sdvf_counter_add(m->ctr[NOTIFY_DRV], 1);
	}
	for (unsigned i = 0; i < m->nclients; i++) {
		struct txm_client *c = &m->client[i];
		if (!c->present)
			continue;
		wake = sdvf_queue_producer_finish(&c->free);
		wake |= sdvf_queue_consumer_finish(&c->active);
		if (wake) {
			sdvf_notify(m->pd, c->ch);
			sdvf_counter_add(m->ctr[NOTIFY_CLIENTS], 1);
		}
	}
}

static void tx_mux_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	(void)pd;
	(void)ch; /* every event means the same: look at every queue */
	activate(state);
}

/* Client on ch restarts: forget its queues, take back its buffers. */
static void tx_mux_peer_restart(void *state, struct sdvf_pd *pd,
				sdvf_channel_t ch)
{
	struct tx_mux *m = state;
	for (unsigned i = 0; i < m->nclients; i++) {
		struct txm_client *c = &m->client[i];
		if (!c->present || c->ch != ch)
			continue;
		sdvf_queue_reset(&c->active);
		sdvf_queue_reset(&c->free);
		if (c->staged && !c->remap) {
			uint32_t idx =
				(uint32_t)((c->head.io_or_offset - m->pool.io) /
					   SDVF_BUF_SIZE);
			m->pool.client[idx] = TXM_NOBODY;
			m->pool.idle[m->pool.nidle++] = idx;
		}
		c->staged = false;
		c->backlog_count = 0;
		for (uint32_t b = 0; b < m->pool.nbufs; b++)
			if (m->pool.client[b] == i) /* at the driver */
				m->pool.client[b] = TXM_NOBODY;
		for (uint32_t b = 0; b < c->own.nbufs; b++)
			c->orphan[b] = c->owner[b] == OWNER_DRIVER;
		sdvf_own_reclaim(&c->own, SDVF_OWNER_SELF, OWNER_CLIENT);
		c->in_flight = 0;
		sdvf_counter_set(c->ctr[TXM_C_IN_FLIGHT], 0);
		sdvf_counter_set(m->ctr[POOL_IDLE], m->pool.nidle);
		return;
	}
	sdvf_log(pd, SDVF_LOG_WARN,
		 "tx_mux: restart of the peer on channel %u not supported",
		 (unsigned)ch);
}

/* ---- init ------------------------------------------------------------- */

static const char *const client_counter_names[] = {
#define TXM_NAME(id, name, meaning) "." #name,
	TXM_CLIENT_COUNTERS(TXM_NAME)
#undef TXM_NAME
};
static const char *const mux_counter_names[] = {
#define TXM_NAME(id, name, meaning) #name,
	TXM_MUX_COUNTERS(TXM_NAME)
#undef TXM_NAME
};

static int client_init(struct tx_mux *m, unsigned i, uint64_t capacity)
{
	struct sdvf_pd *pd = m->pd;
	struct txm_client *c = &m->client[i];
	char key[SDVF_COUNTER_NAME_BYTES];
	client_key(key, i, "tx_active");
	if (!sdvf_region(pd, key))
		return 0; /* not present */
	c->present = true;
	m->nclients = i + 1;
	if (!sdvf_queue_attach_region(pd, &c->active, key, capacity))
		return -1;
	client_key(key, i, "tx_free");
	if (!sdvf_queue_attach_region(pd, &c->free, key, capacity))
		return -1;
	client_key(key, i, "mode");
	const char *mode = sdvf_config_str(pd, key);
	c->remap = mode && sdvf_str_equal(mode, "remap");
	if (mode && !c->remap && !sdvf_str_equal(mode, "copy")) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "tx_mux: %s = \"%s\": must be copy or remap", key,
			 mode);
		return -1;
	}
	client_key(key, i, "spoof_ok");
	c->spoof_ok = sdvf_config_u64(pd, key) != 0;
	client_key(key, i, "mac");
	size_t len = 0;
	const uint8_t *mac = sdvf_config_bytes(pd, key, &len);
	if (!mac || len != SDVF_NET_MAC_LEN) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "tx_mux: client %u: %s is required", i, key);
		return -1;
	}
	sdvf_copy(c->mac, mac, SDVF_NET_MAC_LEN);
	client_key(key, i, "tx_data");
	c->data = sdvf_region(pd, key);
	if (!c->data || c->data->size / SDVF_BUF_SIZE == 0 ||
	    (c->remap && !c->data->has_io)) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "tx_mux: client %u: region %s missing, smaller than "
			 "one buffer, or (remap) without an io address",
			 i, key);
		return -1;
	}
	uint64_t nbufs = c->data->size / SDVF_BUF_SIZE;
	if (nbufs > TXM_CLIENT_BUFS)
		nbufs = TXM_CLIENT_BUFS;
	sdvf_own_init(&c->own, c->owner, (uint32_t)nbufs, 0);
	for (uint32_t b = 0; b < nbufs; b++)
		sdvf_own_give(&c->own, (uint64_t)b * SDVF_BUF_SIZE,
			      SDVF_OWNER_SELF, OWNER_CLIENT);
	key[2] = '\0'; /* "cN" */
	c->ch = sdvf_channel(pd, key);
	for (unsigned k = 0; k < TXM_C_COUNT; k++) {
		char name[SDVF_COUNTER_NAME_BYTES];
		sdvf_counter_name_join(name, key, client_counter_names[k]);
		c->ctr[k] = sdvf_counter(pd, name);
	}
	sdvf_counter_set(c->ctr[TXM_C_IN_FLIGHT], 0);
	return 0;
}

static int pool_init(struct tx_mux *m)
{
	bool copy = false;
	for (unsigned i = 0; i < m->nclients; i++)
		copy |= m->client[i].present && !m->client[i].remap;
	const struct sdvf_region *r = sdvf_region(m->pd, "tx_pool");
	if (!copy && !r)
		return 0;
	if (!r || !r->has_io || r->size / SDVF_BUF_SIZE == 0) {
		sdvf_log(m->pd, SDVF_LOG_ERROR,
			 "tx_mux: copy clients need region tx_pool with an io "
			 "address and at least one buffer");
		return -1;
	}
	struct txm_pool *p = &m->pool;
	p->base = r->base;
	p->io = r->io_addr;
	uint64_t n = r->size / SDVF_BUF_SIZE;
	p->nbufs = (uint32_t)(n > TXM_POOL_MAX ? TXM_POOL_MAX : n);
	sdvf_own_init(&p->own, p->owner, p->nbufs, p->io);
	for (uint32_t b = 0; b < p->nbufs; b++) {
		p->client[b] = TXM_NOBODY;
		p->idle[p->nidle++] = p->nbufs - 1 - b;
	}
	return 0;
}

/* Log the valid names of `kind`, as the one line for an unknown name. */
static int policy_unknown(struct sdvf_pd *pd, const char *key, const char *name,
			  enum sdvf_policy_kind kind)
{
	char valid[128];
	size_t n = 0;
	for (const struct sdvf_policy *const *p = sdvf_builtin_policies; *p;
	     p++) {
		if ((*p)->kind != kind)
			continue;
		for (const char *s = (*p)->name; *s && n + 2 < sizeof(valid);)
			valid[n++] = *s++;
		if (n + 2 < sizeof(valid))
			valid[n++] = ' ';
	}
	valid[n ? n - 1 : 0] = '\0';
	sdvf_log(pd, SDVF_LOG_ERROR, "tx_mux: %s = \"%s\": unknown; valid: %s",
		 key, name, valid);
	return -1;
}

static int policy_start(struct tx_mux *m, struct sdvf_policy_slot *slot,
			const char *key, const char *name,
			enum sdvf_policy_kind kind)
{
	const struct sdvf_policy *p = sdvf_policy_find(name);
	if (!p || p->kind != kind)
		return policy_unknown(m->pd, key, name, kind);
	if (kind == SDVF_POLICY_SCHEDULER)
		m->sched_policy = p;
	else
		m->shaper_policy = p;
	struct sdvf_policy_config cfg = {.nclients = m->nclients,
					 .now_ns = sdvf_now_ns(m->pd),
					 .u64 = policy_u64,
					 .ctx = m};
	struct sdvf_policy_fault f = {0};
	if (sdvf_policy_init(slot, p, &cfg, &f) == 0)
		return 0;
	sdvf_log(m->pd, SDVF_LOG_ERROR,
		 "tx_mux: policy %s: client %d: %s = %llu: %s", name, f.client,
		 f.key ? f.key : "-", (unsigned long long)f.value, f.why);
	return -1;
}

static int tx_mux_init(void *state, struct sdvf_pd *pd)
{
	struct tx_mux *m = state;
	m->pd = pd;
	m->budget = (uint32_t)sdvf_config_u64(pd, "budget");
	m->drv_ch = sdvf_channel(pd, "drv");
	uint64_t drv_cap = sdvf_config_u64(pd, "drv_capacity");
	if (!sdvf_queue_attach_region(pd, &m->drv_active, "drv_tx_active",
				      drv_cap) ||
	    !sdvf_queue_attach_region(pd, &m->drv_free, "drv_tx_free", drv_cap))
		return -1;
	uint64_t cap = sdvf_config_u64(pd, "client_capacity");
	for (unsigned i = 0; i < TXM_CLIENTS; i++)
		if (client_init(m, i, cap) < 0)
			return -1;
	if (m->nclients == 0) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "tx_mux: no client (region c0_tx_active .. "
			 "c7_tx_active granted)");
		return -1;
	}
	if (pool_init(m) < 0)
		return -1;
	for (unsigned k = 0; k < TXM_M_COUNT; k++)
		m->ctr[k] = sdvf_counter(pd, mux_counter_names[k]);
	sdvf_counter_set(m->ctr[POOL_IDLE], m->pool.nidle);
	const char *sched = sdvf_config_str(pd, "policy");
	if (policy_start(m, &m->sched, "policy", sched ? sched : "rr",
			 SDVF_POLICY_SCHEDULER) < 0)
		return -1;
	const char *shaper = sdvf_config_str(pd, "shaper");
	m->has_shaper = shaper != NULL;
	if (shaper && policy_start(m, &m->shaper, "shaper", shaper,
				   SDVF_POLICY_SHAPER) < 0)
		return -1;
	return 0;
}

/* ---- declaration ------------------------------------------------------ */

#define TXM_CLIENT_NEEDS(n)                                                    \
	SDVF_NEED_REGION_RW_OPTIONAL("c" #n "_tx_active"),                     \
		SDVF_NEED_REGION_RW_OPTIONAL("c" #n "_tx_free"),               \
		{.name = "c" #n "_tx_data",                                    \
		 .kind = SDVF_NEED_REGION,                                     \
		 .rights = SDVF_R,                                             \
		 .optional = true},                                            \
		SDVF_NEED_CHAN_OPTIONAL("c" #n)

static const struct sdvf_need tx_mux_needs[] = {
	SDVF_NEED_QUEUE("drv_tx_active"),
	SDVF_NEED_QUEUE("drv_tx_free"),
	SDVF_NEED_CHAN("drv"),
	SDVF_NEED_REGION_RW_OPTIONAL("tx_pool"),
	TXM_CLIENT_NEEDS(0),
	TXM_CLIENT_NEEDS(1),
	TXM_CLIENT_NEEDS(2),
	TXM_CLIENT_NEEDS(3),
	TXM_CLIENT_NEEDS(4),
	TXM_CLIENT_NEEDS(5),
	TXM_CLIENT_NEEDS(6),
	TXM_CLIENT_NEEDS(7),
	{0}};

#define TXM_CLIENT_PARAMS(n)                                                   \
	{.name = "c" #n "_mac",                                                \
	 .type = SDVF_PARAM_MAC,                                               \
	 .help = "client " #n "'s source MAC (required if present)"},          \
		SDVF_PARAM_STRING("c" #n "_mode", 5, "copy or remap"),         \
		SDVF_PARAM_U64_DEFAULT("c" #n "_spoof_ok", 0, 1, 0,            \
				       "1: any source MAC"),                   \
		SDVF_PARAM_U64_DEFAULT("c" #n "_weight", 1, 1024, 1,           \
				       "drr weight"),                          \
		SDVF_PARAM_U64_DEFAULT("c" #n "_priority", 0, 255, 0,          \
				       "prio level, 0 first"),                 \
		SDVF_PARAM_U64_DEFAULT("c" #n "_min_share", 0, 1000, 0,        \
				       "prio share per mille"),                \
		SDVF_PARAM_U64_DEFAULT("c" #n "_rate", 0, 1000000000000ull, 0, \
				       "token_bucket bit/s (0: none)"),        \
		SDVF_PARAM_U64_DEFAULT("c" #n "_burst", SDVF_NET_FRAME_MAX,    \
				       1ull << 28, 32768,                      \
				       "token_bucket bytes")

static const struct sdvf_param tx_mux_params[] = {
	SDVF_PARAM_STRING("policy", 31, "scheduler (default rr)"),
	SDVF_PARAM_STRING("shaper", 31, "shaper (default none)"),
	SDVF_PARAM_CAPACITY("drv_capacity", 4096, "driver TX queue slots"),
	SDVF_PARAM_POW2_DEFAULT("client_capacity", 1, 4096, 64,
				"slots of each client TX queue"),
	SDVF_PARAM_U64_DEFAULT("budget", 1, 4096, 64,
			       "client descriptors per activation"),
	TXM_CLIENT_PARAMS(0),
	TXM_CLIENT_PARAMS(1),
	TXM_CLIENT_PARAMS(2),
	TXM_CLIENT_PARAMS(3),
	TXM_CLIENT_PARAMS(4),
	TXM_CLIENT_PARAMS(5),
	TXM_CLIENT_PARAMS(6),
	TXM_CLIENT_PARAMS(7),
	{0}};

/* Each client's counters under its own names, so `sdvf stats --explain`
 * finds every one. */
#define TXM_CLIENT_DOC(id, name, meaning) {TXM_DOC_PREFIX #name, meaning},
#define TXM_CLIENT_DOCS(n) TXM_CLIENT_COUNTERS(TXM_CLIENT_DOC)
#define TXM_QUEUE_DOCS(n)                                                      \
	SDVF_QUEUE_COUNTER_DOC("c" #n "_tx_active"),                           \
		SDVF_QUEUE_COUNTER_DOC("c" #n "_tx_free")

static const struct sdvf_counter_doc tx_mux_counters[] = {
#define TXM_DOC(id, name, meaning) {#name, meaning},
	TXM_MUX_COUNTERS(TXM_DOC)
#undef TXM_DOC
		SDVF_QUEUE_COUNTER_DOC("drv_tx_active"),
	SDVF_QUEUE_COUNTER_DOC("drv_tx_free"),
#define TXM_DOC_PREFIX "c0."
	TXM_CLIENT_DOCS(0) TXM_QUEUE_DOCS(0),
#undef TXM_DOC_PREFIX
#define TXM_DOC_PREFIX "c1."
	TXM_CLIENT_DOCS(1) TXM_QUEUE_DOCS(1),
#undef TXM_DOC_PREFIX
#define TXM_DOC_PREFIX "c2."
	TXM_CLIENT_DOCS(2) TXM_QUEUE_DOCS(2),
#undef TXM_DOC_PREFIX
#define TXM_DOC_PREFIX "c3."
	TXM_CLIENT_DOCS(3) TXM_QUEUE_DOCS(3),
#undef TXM_DOC_PREFIX
#define TXM_DOC_PREFIX "c4."
	TXM_CLIENT_DOCS(4) TXM_QUEUE_DOCS(4),
#undef TXM_DOC_PREFIX
#define TXM_DOC_PREFIX "c5."
	TXM_CLIENT_DOCS(5) TXM_QUEUE_DOCS(5),
#undef TXM_DOC_PREFIX
#define TXM_DOC_PREFIX "c6."
	TXM_CLIENT_DOCS(6) TXM_QUEUE_DOCS(6),
#undef TXM_DOC_PREFIX
#define TXM_DOC_PREFIX "c7."
	TXM_CLIENT_DOCS(7) TXM_QUEUE_DOCS(7),
#undef TXM_DOC_PREFIX
	{0}};

const struct sdvf_component tx_mux_component = {
	.name = "tx_mux",
	.summary = "TX mux: validates, copies or remaps, and schedules client "
		   "frames onto the driver",
	.role = SDVF_ROLE_MUX,
	.state_size = sizeof(struct tx_mux),
	.needs = tx_mux_needs,
	.params = tx_mux_params,
	.counters = tx_mux_counters,
	.init = tx_mux_init,
	.notified = tx_mux_notified,
	.peer_restart = tx_mux_peer_restart,
};
