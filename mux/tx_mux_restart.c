/*
 * tx_mux: restarts of its peers (the data path and what the mux trusts:
 * mux/tx_mux.c; configuration: tx_mux_init.c).  The monitor restarts a
 * crashed client or driver and the runtime calls peer_restart on the
 * channel it shares with the mux; the new instance starts on reset queues
 * (core/queue.h) and must not be handed what its predecessor held.  What
 * either held is known from the mux's own records (the ownership maps and
 * the pool's bookkeeping), not from the reset queues; completions the
 * driver returned before it died still pass the usual checks
 * (txm_tx_return).
 *
 * Portable: freestanding C11.
 */
#include <stdbool.h>
#include <stdint.h>

#include "core/net.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/queue.h"
#include "mux/tx_mux.h"

/*
 * The driver restarts (its process died; the new instance resets the
 * controller and starts on empty rings).  What it returned before it died
 * is taken first; then both queues are reset, and every buffer still at
 * the driver side (in a BD, in its private FIFOs or in drv_tx_active) comes
 * back as if completed with SDVF_NET_TX_ERROR: a pool buffer to the pool, a
 * remap client's buffer to its tx_free (quietly to its map if orphaned by
 * its own restart).  Nothing is resent: whether it left is unknown, and a
 * duplicate is worse than a loss (the driver's own reset does the same).
 * Staged heads stay staged and go to the new instance's fresh queue.
 */
static void driver_restart(struct tx_mux *m)
{
	txm_tx_return(m);
	sdvf_queue_reset(&m->drv_active);
	sdvf_queue_reset(&m->drv_free);
	uint32_t n = 0;
	for (uint32_t b = 0; b < m->pool.nbufs; b++) {
		if (m->pool.owner[b] != OWNER_DRIVER)
			continue;
		struct sdvf_desc d = {.io_or_offset = txm_pool_io(&m->pool, b),
				      .flags = SDVF_NET_TX_ERROR};
		n += txm_pool_complete(m, &d);
	}
	for (unsigned i = 0; i < m->nclients; i++) {
		struct txm_client *c = &m->client[i];
		if (!c->present || !c->remap)
			continue;
		for (uint32_t b = 0; b < c->own.nbufs; b++) {
			if (c->owner[b] != OWNER_DRIVER)
				continue;
			struct sdvf_desc d = {
				.io_or_offset = c->data->io_addr +
						(uint64_t)b * SDVF_BUF_SIZE,
				.flags = SDVF_NET_TX_ERROR};
			n += txm_remap_complete(m, &d);
		}
	}
	sdvf_counter_add(m->ctr[DRV_RESTARTS], 1);
	sdvf_counter_add(m->ctr[DRV_RECLAIMED], n);
	/* staged frames to the fresh queue, returns signalled */
	txm_activate(m);
}

/*
 * Client i restarts (its process died; the new instance starts on fresh
 * queues): both its queues are reset, every buffer of its that the mux
 * holds goes back to it (its map says the client has it; a staged head,
 * checked but not yet copied or sent, is one of them: no pool buffer is
 * taken before the send), and frames of its still at the driver are, on
 * completion, returned to the pool (copy) or silently to its map (remap:
 * orphan), never to the new instance's queue.
 */
static void client_restart(struct tx_mux *m, unsigned i)
{
	struct txm_client *c = &m->client[i];
	sdvf_queue_reset(&c->active);
	sdvf_queue_reset(&c->free);
	/* A staged head (either mode) is still in the client's own buffer,
	 * which the mux holds: the reclaim below gives it back. */
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
}

/* A peer restarted: the driver, or the client on ch. */
void tx_mux_peer_restart(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct tx_mux *m = state;
	if (ch == m->drv_ch) {
		driver_restart(m);
		return;
	}
	for (unsigned i = 0; i < m->nclients; i++) {
		if (m->client[i].present && m->client[i].ch == ch) {
			client_restart(m, i);
			return;
		}
	}
	sdvf_log(pd, SDVF_LOG_WARN,
		 "tx_mux: restart of the peer on channel %u not supported",
		 (unsigned)ch);
}
