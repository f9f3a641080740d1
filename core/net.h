/*
 * The network contract between the NIC driver, the muxes and the clients:
 * what a descriptor on a net queue pair means, whichever two of them it
 * joins.  Clients and muxes include this, never a driver's header.
 *
 * Queue pairs (core/queue.h) per direction:
 *   rx_free    empty buffers towards the side that fills them
 *   rx_active  received frames (buffer, len) back
 *   tx_active  frames to send (buffer, len)
 *   tx_free    sent buffers back to their owner
 * A buffer is one SDVF_BUF_SIZE slot (core/ownership.h), named by io
 * address on the driver side and by region offset on the client side.
 *
 * Portable: freestanding C11.
 */
#ifndef SDVF_NET_H
#define SDVF_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ownership.h"

/* sdvf_desc.flags on net queues, set only by the side returning a buffer. */
#define SDVF_NET_REJECTED 0x1u /* bad buffer or length: returned untouched */
/* The device was reset while the frame was queued: it may or may not have
 * left; not retried. */
#define SDVF_NET_TX_ERROR 0x2u

#define SDVF_NET_MAC_LEN 6u
#define SDVF_NET_ETH_HLEN 14u /* destination, source, ethertype */
#define SDVF_NET_MTU 1500u
/* Frame lengths on every net queue, without FCS: at least a header (the
 * MAC pads runts on the wire), at most MTU + header + one VLAN tag. */
#define SDVF_NET_FRAME_MIN SDVF_NET_ETH_HLEN
#define SDVF_NET_FRAME_MAX (SDVF_NET_MTU + SDVF_NET_ETH_HLEN + 4u)

_Static_assert(SDVF_NET_FRAME_MAX <= SDVF_BUF_SIZE, "a frame fits a buffer");

/* The modes a mux gives a client per direction, for a mode parameter's
 * choices (struct sdvf_param.choice): "copy" (the default) and "remap". */
static inline const char *sdvf_net_mode_choice(unsigned i)
{
	return i == 0 ? "copy" : i == 1 ? "remap" : (const char *)0;
}

/* A group address (broadcast or multicast): the I/G bit, the least
 * significant bit of the first octet. */
static inline bool sdvf_mac_is_group(const uint8_t mac[SDVF_NET_MAC_LEN])
{
	return (mac[0] & 0x01u) != 0;
}

/* The broadcast address, ff:ff:ff:ff:ff:ff. */
static inline bool sdvf_mac_is_broadcast(const uint8_t mac[SDVF_NET_MAC_LEN])
{
	uint8_t all = 0xff;
	for (unsigned i = 0; i < SDVF_NET_MAC_LEN; i++)
		all &= mac[i];
	return all == 0xff;
}

#endif
