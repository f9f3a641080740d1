/*
 * The replies a host writes for ARP and ICMP echo, shared by every client
 * that answers them without an IP stack (clients/raw_responder.c, the
 * bench client's reflect mode in clients/bench_client.c).  Whom to answer
 * is clients/host_rules.h's; these only recognise and write.  Pure
 * functions of their arguments, on private memory the caller has checked
 * the length of.
 *
 * Portable: freestanding C11.
 */
#ifndef SDVF_HOST_REPLY_H
#define SDVF_HOST_REPLY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/bytes.h"
#include "core/net.h"

#define HOST_ARP_LEN 28u /* Ethernet/IPv4 ARP, after the Ethernet header */
#define HOST_ICMP_HDR 8u

/* An ARP packet (HOST_ARP_LEN bytes at `a`) for Ethernet and IPv4. */
static inline bool host_arp_is_ether_ipv4(const uint8_t *a)
{
	return sdvf_get_be16(a) == 1 && sdvf_get_be16(a + 2) == 0x0800u &&
	       a[4] == SDVF_NET_MAC_LEN && a[5] == 4;
}

/* A request (opcode 1) asking for `ip`. */
static inline bool host_arp_asks_for(const uint8_t *a, const uint8_t ip[4])
{
	return sdvf_get_be16(a + 6) == 1 && sdvf_bytes_equal(a + 24, ip, 4);
}

/* Write at `out` the reply to request `req` (both HOST_ARP_LEN bytes; they
 * may be the same place): we (`mac`, `ip`) are the sender, the asker the
 * target. */
static inline void host_arp_reply(uint8_t *out, const uint8_t *req,
				  const uint8_t mac[SDVF_NET_MAC_LEN],
				  const uint8_t ip[4])
{
	uint8_t asker[SDVF_NET_MAC_LEN + 4]; /* its sha and spa */
	sdvf_copy(asker, req + 8, sizeof(asker));
	if (out != req)
		sdvf_copy(out, req, 6); /* htype, ptype, hlen, plen */
	sdvf_put_be16(out + 6, 2);
	sdvf_copy(out + 8, mac, SDVF_NET_MAC_LEN);
	sdvf_copy(out + 14, ip, 4);
	sdvf_copy(out + 18, asker, sizeof(asker));
}

/* Turn the ICMP echo request of `n` bytes at `icmp` into its reply, in
 * place: type 0, identifier, sequence and data kept, checksum anew. */
static inline void host_icmp_echo_reply(uint8_t *icmp, uint32_t n)
{
	icmp[0] = 0;
	sdvf_put_be16(icmp + 2, 0);
	sdvf_put_be16(icmp + 2, sdvf_inet_csum(icmp, n, 0));
}

#endif
