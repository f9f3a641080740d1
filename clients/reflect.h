/*
 * The reflector's one step, shared by clients/reflector.c and the bench
 * client's reflect mode (clients/bench_client.c): copy a received frame
 * into an idle TX buffer, addressed back to its sender.
 *
 * Trust: the frame's bytes are read once, by this copy; the source check
 * and everything a caller does next look only at the private TX buffer.
 *
 * Portable: freestanding C11, PD API only.
 */
#ifndef SDVF_REFLECT_H
#define SDVF_REFLECT_H

#include <stdbool.h>
#include <stdint.h>

#include "clients/net_client.h"
#include "core/bytes.h"
#include "core/net.h"

enum reflect_result {
	REFLECT_OK,	      /* b holds the frame, addresses swapped */
	REFLECT_NO_TX_BUF,    /* every TX buffer in use: nothing held */
	REFLECT_GROUP_SOURCE, /* a group source names no sender: nothing held */
};

/* Copy `f` into a TX buffer `b` taken from `nc`: destination the frame's
 * source, source our `mac`, every other byte as received.  On REFLECT_OK
 * the caller owns `b` (send or cancel it). */
static inline enum reflect_result reflect_copy(struct net_client *nc,
					       const struct net_rx_frame *f,
					       struct net_tx_buf *b)
{
	if (!net_client_tx_alloc(nc, b))
		return REFLECT_NO_TX_BUF;
	/* One read of the frame, into place: its destination is not needed. */
	sdvf_copy(b->data, f->data + SDVF_NET_MAC_LEN, SDVF_NET_MAC_LEN);
	sdvf_copy(b->data + 2 * SDVF_NET_MAC_LEN,
		  f->data + 2 * SDVF_NET_MAC_LEN,
		  f->len - 2 * SDVF_NET_MAC_LEN);
	if (sdvf_mac_is_group(b->data)) {
		net_client_tx_cancel(nc, b->offset);
		return REFLECT_GROUP_SOURCE;
	}
	sdvf_copy(b->data + SDVF_NET_MAC_LEN, nc->mac, SDVF_NET_MAC_LEN);
	return REFLECT_OK;
}

#endif
