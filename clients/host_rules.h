/*
 * Host rules (RFC 1122, Requirements for Internet Hosts): whom a host may
 * answer.  A reply goes back to the sender, so the sender must name exactly
 * one other host; answering anything else lets one forged frame turn us
 * into an amplifier towards a group, a loop with ourselves or another
 * server, or a sender on a network that cannot exist.
 *
 * For every client that replies to what it receives: raw_responder today,
 * the lwIP clients later, before a frame reaches lwIP.  Addresses are
 * uint32_t in host order, as sdvf_get_be32 reads them off the wire.  Pure
 * functions of their arguments.
 *
 * Portable: freestanding C11.
 */
#ifndef SDVF_HOST_RULES_H
#define SDVF_HOST_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/net.h"

/* A MAC that names one station: not a group address (broadcast or
 * multicast) and not all zeros (the "unknown" address, as in an ARP
 * request's target). */
static inline bool host_mac_is_station(const uint8_t mac[SDVF_NET_MAC_LEN])
{
	uint8_t any = 0;
	for (unsigned i = 0; i < SDVF_NET_MAC_LEN; i++)
		any |= mac[i];
	return !sdvf_mac_is_group(mac) && any != 0;
}

/* Our IPv4 interface. */
struct host_ipv4_if {
	uint32_t addr;
	uint32_t mask; /* of the on-link subnet; all ones when none is known */
};

/* The mask of a prefix length, 0..32. */
static inline uint32_t host_ipv4_mask(uint32_t prefix_len)
{
	return prefix_len == 0 ? 0
			       : (uint32_t)(UINT32_MAX << (32 - prefix_len));
}

/* An address that can name one host: not 0.0.0.0/8 (this host or network,
 * RFC 1122 3.2.1.3 (a)(b): only a source while booting), 127.0.0.0/8
 * (loopback, (g): never on a wire), 224.0.0.0/4 (multicast) or
 * 240.0.0.0/4 (class E, reserved; it holds the limited broadcast
 * 255.255.255.255, (c)). */
static inline bool host_ipv4_is_unicast(uint32_t a)
{
	uint32_t first = a >> 24;
	return first != 0 && first != 127 && first < 224;
}

/* The last address of our subnet, its broadcast (RFC 1122 3.2.1.3 (d)),
 * or the first, the old all-zeros broadcast that 3.3.6 asks hosts to
 * recognise.  A /31 (RFC 3021) or /32 has neither. */
static inline bool host_ipv4_is_subnet_broadcast(const struct host_ipv4_if *us,
						 uint32_t a)
{
	uint32_t host_bits = ~us->mask;
	return host_bits > 1 && (a & us->mask) == (us->addr & us->mask) &&
	       ((a & host_bits) == 0 || (a & host_bits) == host_bits);
}

/* Whether we may use `us`: its address names one host of its subnet. */
static inline bool host_ipv4_if_ok(const struct host_ipv4_if *us)
{
	return host_ipv4_is_unicast(us->addr) &&
	       !host_ipv4_is_subnet_broadcast(us, us->addr);
}

/* Why a sender gets no reply. */
enum host_sender {
	HOST_SENDER_OK,
	HOST_SENDER_NOT_HOST, /* names no single host */
	HOST_SENDER_IS_US,    /* a loop, a forgery or an address conflict */
};

/* Whether `src` may get a reply: RFC 1122 has a host discard a datagram
 * from a source that names no host (3.2.1.3) and send it no ICMP error
 * (3.2.2). */
static inline enum host_sender host_ipv4_sender(const struct host_ipv4_if *us,
						uint32_t src)
{
	if (!host_ipv4_is_unicast(src) ||
	    host_ipv4_is_subnet_broadcast(us, src))
		return HOST_SENDER_NOT_HOST;
	if (src == us->addr)
		return HOST_SENDER_IS_US;
	return HOST_SENDER_OK;
}

/* Whether a UDP service that answers every datagram (RFC 862 echo and its
 * like) may answer one from `src_port`.  Only a client's port, 1024 and
 * up (below are the well-known services, RFC 6335), and never the
 * service's own: the sender there is a server that may answer back, so a
 * forged datagram between two echo servers, or an echo server and
 * chargen, bounces forever.  Port 0 means no reply is expected
 * (RFC 768).  A loop with a server above 1023 that answers everything
 * stays possible: only a rate limit would stop that. */
static inline bool host_udp_may_answer(uint16_t src_port, uint16_t own_port)
{
	return src_port >= 1024 && src_port != own_port;
}

#endif
