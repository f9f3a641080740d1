/*
 * raw_responder (clients/raw_responder.c): its counters, for `sdvf stats`,
 * tests and logs.  The component answers ARP, ICMP echo and UDP echo (port
 * 1235) as an ordinary client of the RX and TX muxes (clients/net_client.h);
 * its header comment there says what it trusts and checks.
 */
#ifndef SDVF_RAW_RESPONDER_H
#define SDVF_RAW_RESPONDER_H

#include <stdint.h>

#include "core/pd.h"

/*
 * Counters (besides net_client's net.* and queue counters), published through
 * the PD API (sdvf_counter) and shown by `sdvf stats`; written by the responder
 * only, kept across a restart.  Each list is X(name, meaning) and is the only
 * place a counter is named: the state fields, the registration and the
 * descriptor's .counters all come from it.
 */
#define RAW_RESPONDER_COUNTERS(X)                                              \
	X(rx_frames, "frames taken for a reply decision")                      \
	X(rx_bytes, "bytes of those frames")                                   \
	X(arp_replies, "ARP replies queued to the TX mux")                     \
	X(icmp_replies, "ICMP echo replies queued to the TX mux")              \
	X(udp_replies, "UDP echo replies queued to the TX mux")                \
	X(tx_done, "sent frames whose buffer came back")                       \
	X(tx_errors, "sent buffers back flagged REJECTED or TX_ERROR")

/* Why a received frame got no reply: X(ID, name, meaning), counted as
 * "drop.<name>". */
#define RESP_DROPS(X)                                                          \
	X(NOT_FOR_US, not_for_us,                                              \
	  "not unicast to our MAC and IP; ARP: no request for our IP")         \
	X(ETHERTYPE, ethertype, "not ARP or IPv4")                             \
	X(SRC_MAC, src_mac,                                                    \
	  "sender MAC (Ethernet or ARP) broadcast, multicast, zero or ours")   \
	X(BAD_ARP, bad_arp, "malformed, or not Ethernet/IPv4 ARP")             \
	X(BAD_IP, bad_ip, "version, header length or total length wrong")      \
	X(IP_CHECKSUM, ip_csum, "IPv4 header checksum wrong")                  \
	X(SRC_NOT_HOST, src_not_host,                                          \
	  "sender IP (IPv4 or ARP) in 0/8 (bar an ARP probe's 0.0.0.0), "      \
	  "127/8, 224/4 or 240/4, or first or last of our subnet")             \
	X(SRC_IS_US, src_is_us,                                                \
	  "sender IP (IPv4 or ARP) is ours: a loop, a forgery or a conflict")  \
	X(FRAGMENT, fragment, "an IPv4 fragment (not reassembled)")            \
	X(IP_OPTIONS, ip_options, "IPv4 options (not implemented)")            \
	X(PROTOCOL, protocol, "not ICMP or UDP")                               \
	X(BAD_ICMP, bad_icmp, "shorter than 8 bytes, or checksum wrong")       \
	X(ICMP_TYPE, icmp_type, "not an echo request (type 8 code 0)")         \
	X(BAD_UDP, bad_udp, "short, length field or checksum wrong")           \
	X(UDP_PORT, udp_port, "not port 1235")                                 \
	X(UDP_SRC_PORT, udp_src_port,                                          \
	  "source port 0..1023 or 1235: a server that could answer back")      \
	X(NO_TX_BUFFER, no_tx_buf, "every TX buffer in flight")

enum resp_drop {
#define RESP_DROP_ENUM(id, name, meaning) RESP_DROP_##id,
	RESP_DROPS(RESP_DROP_ENUM)
#undef RESP_DROP_ENUM
	/* not a reason: how many there are */
	RESP_DROP_REASONS
};

struct resp_counters {
#define RESP_COUNTER_FIELD(name, meaning) _Atomic uint64_t *name;
	RAW_RESPONDER_COUNTERS(RESP_COUNTER_FIELD)
#undef RESP_COUNTER_FIELD
	_Atomic uint64_t *drops[RESP_DROP_REASONS];
};

/* The counter name of each drop reason ("drop.not_for_us", ...). */
extern const char *const resp_drop_counter[RESP_DROP_REASONS];

extern const struct sdvf_component raw_responder_component;

#endif
