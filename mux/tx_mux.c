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
 *   copy   when its turn comes the frame is copied into a buffer of the
 *          mux's own tx_pool (DMA region with an io address) BEFORE the
 *          source MAC is read, and the client's buffer goes straight back
 *          on cN_tx_free.  The client cannot change a frame after it was
 *          checked.
 *   remap  the client's buffer itself goes to the driver by io address
 *          (cN_tx_data must have one).  The checks read the client's
 *          memory, which it can still rewrite until the device reads it:
 *          a remap client must be trusted for its source MAC and contents.
 *          Offsets, ownership and length still hold against any client.
 *
 * Scheduling.  Each client has at most one head frame staged (its
 * descriptor checked, its buffer held; no pool buffer taken yet); the
 * policy (`policy`, optionally behind the shaper `shaper`,
 * policies/policy.h) picks among the staged heads, the one picked is
 * copied (copy mode), pushed to the driver and charged.  With the pool
 * empty and a copy client staged nobody is picked until a pool buffer
 * comes back (tx_provide), so under saturation the pool goes to clients
 * in the policy's order.  A client held by the shaper makes the
 * mux arm its timer at wake_ns.  At most `budget` descriptors are taken
 * from the clients per activation; if work remains the timer is armed for
 * the next nanosecond, so a client that keeps its queue full cannot keep
 * the mux in one activation forever.
 *
 * Completions return to their owner: copy, the pool buffer to the pool;
 * remap, the client's buffer to its cN_tx_free.  The driver is asked to
 * signal completions only while they are needed (want_completions: the
 * pool short, or a remap client's buffer at the driver); otherwise they
 * wait in drv_tx_free for the next activation, or for the sweep timer
 * (TXM_SWEEP_NS after the last activation) at rest.  Likewise a client
 * that asked for no signal on its tx_free is signalled when returns have
 * waited there TXM_SWEEP_NS with no activation of ours in between.  A client
 * whose cN_tx_free is full keeps its returns in a private backlog and the mux
 * asks to be woken (producer_signalled) when room appears; nothing is dropped.
 *
 * Restart of a client or of the driver (peer_restart): mux/
 * tx_mux_restart.c.
 *
 * Local switching (optional; mux/tx_mux_switch.c): a checked frame for
 * other clients goes to rx_mux through sw_pool instead of, or (broadcast,
 * multicast) besides, the wire.
 *
 * Not in this first cut: policy-wide
 * parameters (drr's quantum, least_served's idle_credit keep their
 * defaults).
 *
 * Configuration and init: mux/tx_mux_init.c; shared state: mux/tx_mux.h.
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
#include "mux/tx_mux.h"
#include "policies/policy.h"

/* ---- buffers ---------------------------------------------------------- */

static uint8_t *pool_buf(const struct txm_pool *p, uint32_t idx)
{
	return p->base + (uint64_t)idx * SDVF_BUF_SIZE;
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
#define TXM_ENUM(n, id, name, meaning) TXM_REJ_##id,
	TXM_REJECTS(TXM_ENUM, 0)
#undef TXM_ENUM
};

static const enum txm_client_counter reject_counter[] = {
#define TXM_MAP(n, id, name, meaning) [TXM_REJ_##id] = TXM_C_##id,
	TXM_REJECTS(TXM_MAP, 0)
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

/* Check one descriptor of client ci (a private copy) and stage it: the
 * checks that need no copy (offset, ownership, length; remap: the source
 * MAC and local switching too).  A copy client's head stays in its own
 * buffer, which the mux now holds, until the policy picks it (copy_head):
 * a client waiting for the pool is still one the policy can choose. */
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
	if (!c->remap) {
		c->head = (struct sdvf_desc){.io_or_offset = d.io_or_offset,
					     .len = d.len};
		c->staged = true;
		return;
	}
	const uint8_t *src = (const uint8_t *)c->data->base + d.io_or_offset;
	uint16_t flags = 0;
	if (!src_mac_ok(c, src)) {
		reject(c, d, TXM_REJ_SRC_MAC, true);
		return;
	}
	if (m->sw.present && !txm_switch_route(m, ci, src, d.len, &flags)) {
		d.flags = flags;
		client_return(c, &d);
		return;
	}
	c->head = (struct sdvf_desc){.io_or_offset =
					     c->data->io_addr + d.io_or_offset,
				     .len = d.len};
	c->staged = true;
}

/* Why a client cannot be staged now, other than an empty tx_active: a
 * reject needs a free slot. */
static bool client_blocked(struct txm_client *c)
{
	return c->backlog_count || sdvf_queue_full(&c->free);
}

/* Take descriptors of client ci until one is staged, the queue is empty,
 * the client is blocked or the activation's budget is spent. */
static void stage(struct tx_mux *m, unsigned ci)
{
	struct txm_client *c = &m->client[ci];
	struct sdvf_desc d;
	while (!c->staged && m->budget_left && !client_blocked(c)) {
		if (!sdvf_queue_pop(&c->active, &d))
			return;
		m->budget_left--;
		stage_one(m, ci, d);
	}
}

/* ---- to the driver ---------------------------------------------------- */

/* The policy picked copy client ci (the pool has a buffer): copy its
 * staged head into a pool buffer, then check the copy (the client may
 * rewrite its buffer at any time, our pool buffer it cannot touch), and
 * give the client's buffer back.  True with c->head now the pool buffer
 * for the driver; false if the frame does not go to the wire (refused, or
 * switched to other clients only). */
static bool copy_head(struct tx_mux *m, unsigned ci)
{
	struct txm_client *c = &m->client[ci];
	struct sdvf_desc back = {.io_or_offset = c->head.io_or_offset,
				 .len = c->head.len};
	uint32_t idx = m->pool.idle[--m->pool.nidle];
	uint8_t *frame = pool_buf(&m->pool, idx);
	uint16_t flags = 0;
	sdvf_copy(frame, (const uint8_t *)c->data->base + back.io_or_offset,
		  back.len);
	if (!src_mac_ok(c, frame)) {
		m->pool.idle[m->pool.nidle++] = idx;
		reject(c, back, TXM_REJ_SRC_MAC, true);
		return false;
	}
	if (m->sw.present &&
	    !txm_switch_route(m, ci, frame, back.len, &flags)) {
		m->pool.idle[m->pool.nidle++] = idx;
		back.flags = flags;
		client_return(c, &back);
		return false;
	}
	m->pool.client[idx] = (uint8_t)ci;
	c->head.io_or_offset = txm_pool_io(&m->pool, idx);
	client_return(c, &back);
	return true;
}

/* The policy picked client ci: its head to the driver, charged.  False if
 * it did not go (copy_head refused or switched it): nobody is charged. */
static bool send_head(struct tx_mux *m, unsigned ci, uint64_t now_ns)
{
	struct txm_client *c = &m->client[ci];
	c->staged = false;
	if (c->remap)
		sdvf_own_give(&c->own, c->head.io_or_offset - c->data->io_addr,
			      SDVF_OWNER_SELF, OWNER_DRIVER);
	else if (copy_head(m, ci))
		sdvf_own_give(&m->pool.own, c->head.io_or_offset,
			      SDVF_OWNER_SELF, OWNER_DRIVER);
	else
		return false;
	sdvf_queue_push(&m->drv_active, &c->head);
	c->in_flight++;
	sdvf_counter_set(c->ctr[TXM_C_IN_FLIGHT], c->in_flight);
	sdvf_counter_add(c->ctr[TXM_C_TX_FRAMES], 1);
	sdvf_counter_add(c->ctr[TXM_C_TX_BYTES], c->head.len);
	sdvf_policy_charge(&m->sched, ci, c->head.len, now_ns);
	if (m->has_shaper)
		sdvf_policy_charge(&m->shaper, ci, c->head.len, now_ns);
	return true;
}

/* Whether a client in `mask` is in copy mode (needs a pool buffer). */
static bool any_copy(const struct tx_mux *m, uint64_t mask)
{
	for (; mask; mask &= mask - 1)
		if (!m->client[sdvf_policy_lowest(mask)].remap)
			return true;
	return false;
}

/* Send staged heads in the policy's order until none is left, the driver's
 * queue is full, the pool is empty or the shaper holds the rest.  Returns
 * frames sent.
 *
 * The policy chooses among every client with a checked head, whether or
 * not the pool has a buffer for it: when the wire is the bottleneck the
 * whole pool waits at the driver, and each buffer that comes back must go
 * to the client the policy serves next, not to whoever was looked at
 * first.  So with the pool empty and a copy client ready the mux asks the
 * policy nothing and charges nobody (a pick that cannot be served would
 * move rr's or prio's turn on); the next completion wakes it
 * (want_completions: the pool is short).  A remap client waits for that
 * completion too, so the policy's order holds across modes.
 *
 * Every client is staged once; after that only the client picked can
 * change (another one's head stays staged, and what blocked it, a full
 * tx_free or a backlog, a send does not undo), so only it is staged again
 * and the ready mask is kept up to date, not rebuilt.  A client whose
 * tx_active fills meanwhile is seen by the activation's next pass
 * (request_signals).
 *
 * The clock is read once a pass, not once a frame: a shaper then sees no
 * time pass within a pass, so it can only hold a frame it might have
 * sent, never send one early (the next pass, or its wake_ns, catches
 * up); schedulers do not read it. */
static uint32_t tx_provide(struct tx_mux *m)
{
	uint32_t sent = 0;
	uint32_t head_len[TXM_CLIENTS];
	struct sdvf_policy_ready ready = {.head_len = head_len,
					  .now_ns = sdvf_now_ns(m->pd)};
	uint64_t todo = ~0ull; /* clients to stage: all, then the one picked */
	for (;;) {
		for (unsigned i = 0; i < m->nclients; i++) {
			struct txm_client *c = &m->client[i];
			if (!(todo >> i & 1u) || !c->present)
				continue;
			stage(m, i);
			if (c->staged) {
				ready.mask |= 1ull << i;
				head_len[i] = c->head.len;
			}
		}
		if (!ready.mask || sdvf_queue_full(&m->drv_active))
			return sent;
		if (m->pool.nidle == 0 && any_copy(m, ready.mask)) {
			m->pool_starved = true;
			return sent;
		}
		uint64_t wake = 0;
		int who = sdvf_policy_next(&m->sched,
					   m->has_shaper ? &m->shaper : NULL,
					   &ready, &wake);
		if (who == SDVF_POLICY_NONE) {
			if (wake && (!m->wake_ns || wake < m->wake_ns))
				m->wake_ns = wake;
			return sent;
		}
		sent += send_head(m, (unsigned)who, ready.now_ns);
		ready.mask &= ~(1ull << who);
		todo = 1ull << who;
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
bool txm_pool_complete(struct tx_mux *m, const struct sdvf_desc *d)
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
bool txm_remap_complete(struct tx_mux *m, const struct sdvf_desc *d)
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

/* Take every completion the driver returned. */
void txm_tx_return(struct tx_mux *m)
{
	struct sdvf_desc d;
	while (sdvf_queue_pop(&m->drv_free, &d)) {
		bool ok = pool_has(&m->pool, d.io_or_offset)
				  ? txm_pool_complete(m, &d)
				  : txm_remap_complete(m, &d);
		if (!ok)
			sdvf_counter_add(m->ctr[BAD_COMPLETION], 1);
	}
}

/* ---- one activation --------------------------------------------------- */

/* Whether the driver must wake us for completions: the pool is short (an
 * eighth of it or less idle), or a remap client has buffers at the driver
 * (they are its own, and it may be waiting for them; a buffer orphaned by
 * a restart counts too).  Otherwise a copy-mode completion waits in
 * drv_free for our next activation and the driver does not wake us for
 * it, so a client's cN.in_flight and cN.tx_errors, and pool_idle, may
 * lag by one activation. */
static bool want_completions(const struct tx_mux *m)
{
	if (m->pool.nbufs && m->pool.nidle <= m->pool.nbufs / 8)
		return true;
	for (unsigned i = 0; i < m->nclients; i++) {
		const struct txm_client *c = &m->client[i];
		if (c->present && c->remap &&
		    sdvf_own_held(&c->own, OWNER_DRIVER) != 0)
			return true;
	}
	return false;
}

/* Completions left in drv_free unasked (want_completions) are swept up by
 * a timer this long after the mux's last activation, so that at rest
 * every buffer comes home (pool_idle, cN.in_flight settle) without a
 * wake-up per completion: a steady stream, whose activations keep moving
 * the deadline, never sees it fire. */
#define TXM_SWEEP_NS 1000000u

/* Ask to be woken for whatever stopped us; true if it arrived meanwhile. */
static bool request_signals(struct tx_mux *m)
{
	bool more = false;
	if (want_completions(m))
		more = sdvf_queue_consumer_request_signal(&m->drv_free);
	else
		sdvf_queue_consumer_cancel_signal(&m->drv_free);
	bool staged = false;
	for (unsigned i = 0; i < m->nclients; i++) {
		struct txm_client *c = &m->client[i];
		if (!c->present)
			continue;
		staged |= c->staged;
		if (c->backlog_count || sdvf_queue_full(&c->free))
			more |= sdvf_queue_producer_request_signal(&c->free);
		else if (!c->staged && !client_blocked(c))
			more |= sdvf_queue_consumer_request_signal(&c->active);
	}
	if (staged && sdvf_queue_full(&m->drv_active))
		more |= sdvf_queue_producer_request_signal(&m->drv_active);
	return more;
}

void txm_activate(struct tx_mux *m)
{
	sdvf_counter_add(m->ctr[ACTIVATIONS], 1);
	uint64_t now = sdvf_now_ns(m->pd);
	bool at_rest = m->rest_at && now >= m->rest_at;
	m->rest_at = 0;
	m->budget_left = m->budget;
	m->wake_ns = 0;
	m->pool_starved = false;
	uint32_t sent = 0;
	do {
		txm_tx_return(m);
		if (m->sw.present)
			txm_switch_return(m);
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
	if (!want_completions(m) &&
	    sdvf_own_held(&m->pool.own, OWNER_DRIVER) != 0) {
		uint64_t sweep = sdvf_now_ns(m->pd) + TXM_SWEEP_NS;
		if (!m->wake_ns || sweep < m->wake_ns)
			m->wake_ns = sweep;
	}
	sdvf_counter_set(m->ctr[POOL_IDLE], m->pool.nidle);
	sdvf_counter_set(m->ctr[SW_POOL_IDLE], m->sw.nidle);
	sdvf_counter_set(m->ctr[POOL_DRIVER],
			 sdvf_own_held(&m->pool.own, OWNER_DRIVER));
	if (m->pool_starved)
		sdvf_counter_add(m->ctr[POOL_EMPTY], 1);
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
	/* sw_free is drained on every activation, never waited for: an
	 * empty sw_pool drops, it does not hold a client. */
	if (m->sw.present) {
		wake = sdvf_queue_producer_finish(&m->sw.active);
		wake |= sdvf_queue_consumer_finish(&m->sw.free);
		if (wake)
			sdvf_notify(m->pd, m->sw.ch);
	}
	for (unsigned i = 0; i < m->nclients; i++) {
		struct txm_client *c = &m->client[i];
		if (!c->present)
			continue;
		wake = sdvf_queue_producer_finish(&c->free);
		wake |= sdvf_queue_consumer_finish(&c->active);
		/* A client with buffers to spare asks for no signal on its
		 * tx_free (clients/net_client.h) and takes its returns back at
		 * its next activation: after TXM_SWEEP_NS without one of ours,
		 * tell it anyway, so that at rest its books settle too. */
		if (!wake &&
		    sdvf_queue_free_slots(&c->free) < c->free.capacity) {
			if (at_rest)
				wake = true;
			else
				m->rest_at = now + TXM_SWEEP_NS;
		}
		if (wake) {
			sdvf_notify(m->pd, c->ch);
			sdvf_counter_add(m->ctr[NOTIFY_CLIENTS], 1);
		}
	}
	if (m->rest_at && (!m->wake_ns || m->rest_at < m->wake_ns))
		m->wake_ns = m->rest_at;
	if (m->wake_ns)
		sdvf_timer_set(m->pd, m->wake_ns);
}

void tx_mux_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	(void)pd;
	(void)ch; /* every event means the same: look at every queue */
	txm_activate(state);
}
