/*
 * raw_responder (clients/raw_responder.c): its counters, for `sdvf stats`,
 * tests and logs.  The component answers ARP, ICMP echo and UDP echo (port
 * 1235) directly on the ENET driver's queues, standing in for the muxes until
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

/*
 * Counters, published through the PD API (sdvf_counter) under these names
 * and shown by `sdvf stats`; written by the responder only:
 *   rx_frames, rx_bytes          frames taken for a reply decision
 *   arp_replies, icmp_replies, udp_replies   replies queued to the driver
 *   tx_done, tx_errors           sent frames back; REJECTED/TX_ERROR
 *   rx_rejected                  RX buffer refused by the driver
 *   bad_desc                     a returned io that is not ours
 *   queue_full                   push refused (not with an honest driver)
 *   drop.<reason>                per enum resp_drop (resp_drop_counter)
 */
#define RAW_RESPONDER_COUNTERS(X)                                              \
	X(rx_frames)                                                           \
	X(rx_bytes)                                                            \
	X(arp_replies)                                                         \
	X(icmp_replies)                                                        \
	X(udp_replies)                                                         \
	X(tx_done)                                                             \
	X(tx_errors)                                                           \
	X(rx_rejected)                                                         \
	X(bad_desc)                                                            \
	X(queue_full)

struct resp_counters {
#define RESP_COUNTER_FIELD(name) _Atomic uint64_t *name;
	RAW_RESPONDER_COUNTERS(RESP_COUNTER_FIELD)
#undef RESP_COUNTER_FIELD
	_Atomic uint64_t *drops[RESP_DROP_REASONS];
};

/* The counter name of each drop reason ("drop.not_for_us", ...). */
extern const char *const resp_drop_counter[RESP_DROP_REASONS];

extern const struct sdvf_component raw_responder_component;

#endif
