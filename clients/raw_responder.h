/*
 * raw_responder (clients/raw_responder.c): its counters, for tests and
 * logs.  The component answers ARP, ICMP echo and UDP echo (port 1235)
 * directly on the ENET driver's queues, standing in for the muxes until
 * they exist; its header comment there says what it trusts and checks.
 */
#ifndef SDVF_RAW_RESPONDER_H
#define SDVF_RAW_RESPONDER_H

#include <stdint.h>

#include "core/pd.h"

/* Why a received frame got no reply. */
enum resp_drop {
	RESP_DROP_NOT_FOR_US, /* another MAC/IP, or multicast we do not serve */
	RESP_DROP_ETHERTYPE,  /* not ARP or IPv4 */
	RESP_DROP_BAD_LENGTH, /* descriptor length out of 14..buffer */
	RESP_DROP_BAD_ARP, /* malformed ARP, or not an Ethernet/IPv4 request */
	RESP_DROP_BAD_IP,  /* version, header length or total length wrong */
	RESP_DROP_IP_CHECKSUM, /* IPv4 header checksum wrong */
	RESP_DROP_FRAGMENT,    /* fragments are not reassembled */
	RESP_DROP_PROTOCOL,    /* not ICMP or UDP */
	RESP_DROP_BAD_ICMP,    /* short, bad checksum, or not an echo request */
	RESP_DROP_BAD_UDP,     /* short, length field or checksum wrong */
	RESP_DROP_UDP_PORT,    /* not port 1235 */
	RESP_DROP_NO_TX_BUFFER, /* every TX buffer in flight */
	RESP_DROP_REASONS,
};

/* Written by the responder only, in its own state (not shared). */
struct resp_stats {
	uint64_t rx_frames, rx_bytes;
	uint64_t arp_replies, icmp_replies, udp_replies;
	uint64_t tx_done, tx_errors; /* driver returned REJECTED/TX_ERROR */
	uint64_t rx_rejected;	     /* RX buffer refused by the driver */
	uint64_t bad_desc;	     /* a returned io that is not ours */
	uint64_t queue_full; /* push refused (cannot happen with an honest
				driver) */
	uint64_t drops[RESP_DROP_REASONS];
};

extern const struct sdvf_component raw_responder_component;

/* Test access to a responder PD's state (sdvf_sim_state gives it). */
const struct resp_stats *raw_responder_stats(const void *state);

#endif
