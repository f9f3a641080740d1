/*
 * tx_mux: local switching between its clients (the rest of the data path
 * and what the mux trusts: mux/tx_mux.c; configuration: tx_mux_init.c).
 *
 * Local switching (optional: region sw_pool, queues sw_active and sw_free,
 * channel sw, all shared with rx_mux).  After a frame passed every check
 * (copy: in our pool copy; remap: in the client's buffer, read once), its
 * destination decides: a unicast to another client that the sender's
 * cN_switch_to names is copied into a sw_pool buffer, pushed on sw_active
 * {offset, len, flags = sender index} and not sent to the wire; a unicast
 * to a client it may not reach, or to nobody we know, goes to the wire as
 * usual; a broadcast or multicast goes to the wire AND, once, to rx_mux,
 * which hands it to the clients the sender may reach that accept it; a
 * unicast to the sender's own MAC is not sent (REJECTED, sw_drop_self).
 * With no free sw_pool buffer (or a sw_active that looks full) the local
 * copy is dropped and counted (sw_drop_full), and a unicast comes back
 * with TX_ERROR: the wire path and the other clients never wait for
 * rx_mux.  Local frames are not charged to the policy (they never use
 * the wire): a remap client's are routed when its head is staged, a copy
 * client's only once the policy picked it and it was copied (tx_mux.c,
 * copy_head), a pick that then ends in no wire frame.  At rx_mux they
 * meet the destination's cap and rate limit.
 * rx_mux gives each sw_pool buffer back on sw_free, checked against the
 * sw_pool map (sw_bad_return).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bytes.h"
#include "core/net.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/queue.h"
#include "mux/tx_mux.h"

/* Copy a checked frame of client ci, whose destination was read once as
 * `dst`, into a sw_pool buffer for rx_mux; false (counted) if none is
 * free or sw_active looks full. */
static bool switch_out(struct tx_mux *m, unsigned ci, const uint8_t *frame,
		       const uint8_t *dst, uint16_t len)
{
	struct txm_switch *s = &m->sw;
	struct txm_client *c = &m->client[ci];
	/* sw_active has a slot for every buffer, unless rx_mux's head lies */
	if (s->nidle == 0 || sdvf_queue_full(&s->active)) {
		sdvf_counter_add(c->ctr[TXM_C_SW_DROP_FULL], 1);
		return false;
	}
	uint64_t offset = (uint64_t)s->idle[--s->nidle] * SDVF_BUF_SIZE;
	sdvf_copy(s->base + offset, frame, len);
	/* a remap client may have rewritten it meanwhile: rx_mux sees the
	 * destination we decided on */
	sdvf_copy(s->base + offset, dst, SDVF_NET_MAC_LEN);
	struct sdvf_desc d = {
		.io_or_offset = offset, .len = len, .flags = (uint16_t)ci};
	sdvf_queue_push(&s->active, &d);
	sdvf_own_give(&s->own, offset, SDVF_OWNER_SELF, OWNER_RX_MUX);
	sdvf_counter_add(c->ctr[TXM_C_SW_OUT], 1);
	return true;
}

/* A checked frame of client ci: switch it to other clients if it is for
 * them.  True if it (also) goes to the wire; if not, *flags is what its
 * buffer comes back with. */
bool txm_switch_route(struct tx_mux *m, unsigned ci, const uint8_t *frame,
		      uint16_t len, uint16_t *flags)
{
	const struct txm_client *c = &m->client[ci];
	if (!m->sw.present)
		return true;
	uint8_t dst[SDVF_NET_MAC_LEN];
	sdvf_copy(dst, frame, sizeof(dst));
	if (sdvf_mac_is_group(dst)) {
		if (c->switch_to)
			switch_out(m, ci, frame, dst, len);
		return true;
	}
	if (sdvf_bytes_equal(dst, c->mac, SDVF_NET_MAC_LEN)) {
		sdvf_counter_add(c->ctr[TXM_C_SW_DROP_SELF], 1);
		*flags = SDVF_NET_REJECTED;
		return false;
	}
	for (unsigned j = 0; j < m->nclients; j++) {
		if (!(c->switch_to >> j & 1u) ||
		    !sdvf_bytes_equal(dst, m->client[j].mac, SDVF_NET_MAC_LEN))
			continue;
		*flags = switch_out(m, ci, frame, dst, len) ? 0
							    : SDVF_NET_TX_ERROR;
		return false;
	}
	return true;
}

/* rx_mux is done with these sw_pool buffers. */
void txm_switch_return(struct tx_mux *m)
{
	struct txm_switch *s = &m->sw;
	struct sdvf_desc d;
	if (!s->present)
		return;
	while (sdvf_queue_pop(&s->free, &d)) {
		if (!sdvf_own_take(&s->own, &d, OWNER_RX_MUX, SDVF_OWNER_SELF,
				   0, UINT16_MAX, NULL)) {
			sdvf_counter_add(m->ctr[SW_BAD_RETURN], 1);
			continue;
		}
		s->idle[s->nidle++] =
			(uint32_t)(d.io_or_offset / SDVF_BUF_SIZE);
	}
}
