/*
 * lwip_dhcp: a DHCPv4 client (RFC 2131, options of RFC 2132) for
 * lwip_netif, whose Debian liblwip is built without LWIP_DHCP.  This file
 * is the protocol alone: it parses and builds messages and runs the state
 * machine on a clock it is given; it knows neither lwIP nor the PD API, so
 * it is portable and tested on its own (tests/unit/test_lwip_dhcp.c).
 * clients/lwip_netif.c is its glue: it hands every UDP datagram to port 68
 * that reaches the client's MAC to dhcp_input (before lwIP, which drops
 * datagrams to an interface without an address), sends what dhcp_* asks
 * through a raw lwIP UDP pcb bound to port 68, applies the lease to the
 * netif and calls dhcp_tick at dhcp_next_ms.
 *
 *   INIT -> SELECTING (DISCOVER, broadcast) -- OFFER --> REQUESTING
 *   (REQUEST of the offer, broadcast) -- ACK --> BOUND -- T1 -->
 *   RENEWING (REQUEST, unicast to the server) -- T2 --> REBINDING
 *   (REQUEST, broadcast) -- lease end --> INIT (address removed).
 *   An ACK in RENEWING or REBINDING extends the lease; a NAK in
 *   REQUESTING, RENEWING or REBINDING removes the address and restarts.
 *
 * What it trusts: nothing of a reply.  Every message is read within its
 * length: a short message, one that is not a BOOTREPLY for Ethernet, or
 * whose magic cookie is wrong is dropped and counted (dhcp.drop.malformed);
 * an option that runs past the end stops the parse and one of the wrong
 * length is skipped, each counted (dhcp.bad_option).  A reply must carry
 * our xid and our MAC (else dhcp.drop.foreign), the message type the state
 * expects, a server identifier, and (OFFER/ACK) an address that names one
 * host of its subnet (else dhcp.drop.unexpected).  A netmask that is not
 * contiguous, /0 or /32 is replaced by the configured prefix; a router
 * outside the subnet is ignored; T1/T2 not below the lease are replaced by
 * RFC 2131's 1/2 and 7/8.
 *
 * Retransmission: DISCOVER and REQUEST (SELECTING, REQUESTING) after
 * DHCP_RETRY_FIRST_MS, doubling up to DHCP_RETRY_MAX_MS, with up to a
 * quarter of the wait added from the client's own PRNG; REQUESTING gives
 * up after DHCP_REQUEST_TRIES and discovers again.  RENEWING and
 * REBINDING retransmit after half the time left to T2 (lease end), at
 * least DHCP_RENEW_MIN_MS.
 *
 * Every field is private to the PD that runs it (one writer).
 */
#ifndef SDVF_LWIP_DHCP_H
#define SDVF_LWIP_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_SERVER_PORT 67u
#define DHCP_CLIENT_PORT 68u
#define DHCP_MSG_MAX 576u /* what we build, and the largest we ask for */
#define DHCP_RETRY_FIRST_MS 2000u
#define DHCP_RETRY_MAX_MS 64000u
#define DHCP_REQUEST_TRIES 4u
#define DHCP_RENEW_MIN_MS 10000u
#define DHCP_LEASE_INFINITE 0xffffffffu

/* Message types (option 53). */
enum dhcp_type {
	DHCP_DISCOVER = 1,
	DHCP_OFFER = 2,
	DHCP_REQUEST = 3,
	DHCP_DECLINE = 4,
	DHCP_ACK = 5,
	DHCP_NAK = 6,
	DHCP_RELEASE = 7,
};

enum dhcp_state {
	DHCP_STATE_OFF,
	DHCP_STATE_SELECTING,
	DHCP_STATE_REQUESTING,
	DHCP_STATE_BOUND,
	DHCP_STATE_RENEWING,
	DHCP_STATE_REBINDING,
};

/* What dhcp_parse found in a reply; addresses in host order, 0 if absent.
 */
struct dhcp_reply {
	uint32_t xid;
	uint8_t chaddr[6];
	uint32_t yiaddr;
	uint8_t type; /* 0: no message type option */
	uint32_t server_id;
	uint32_t mask;
	uint32_t router;
	uint32_t lease_s, t1_s, t2_s; /* 0: absent */
	uint32_t bad_options;	      /* wrong length, or past the end */
};

enum dhcp_parse_result {
	DHCP_PARSE_OK,
	DHCP_PARSE_SHORT,      /* shorter than the fixed part and cookie */
	DHCP_PARSE_NOT_REPLY,  /* op, htype or hlen not Ethernet BOOTREPLY */
	DHCP_PARSE_BAD_COOKIE, /* not 99.130.83.99 */
};

/* Read `len` bytes of a DHCP message (the UDP payload) into `out`. */
enum dhcp_parse_result dhcp_parse(const uint8_t *msg, size_t len,
				  struct dhcp_reply *out);

/* X(field, name, meaning): counters the glue publishes. */
#define DHCP_COUNTERS(X)                                                       \
	X(discovers, "dhcp.discovers", "DISCOVERs sent")                       \
	X(requests, "dhcp.requests", "REQUESTs sent (select, renew, rebind)")  \
	X(offers, "dhcp.offers", "OFFERs taken")                               \
	X(acks, "dhcp.acks", "ACKs taken (a lease bound or extended)")         \
	X(naks, "dhcp.naks", "NAKs taken (address dropped, restart)")          \
	X(expired, "dhcp.expired", "leases that ran out")                      \
	X(drop_malformed, "dhcp.drop.malformed",                               \
	  "replies dropped: short, not a BOOTREPLY, bad cookie")               \
	X(drop_foreign, "dhcp.drop.foreign",                                   \
	  "replies dropped: another xid or MAC")                               \
	X(drop_unexpected, "dhcp.drop.unexpected",                             \
	  "replies dropped: wrong type for the state, no server id, or an "    \
	  "address naming no host")                                            \
	X(bad_option, "dhcp.bad_option",                                       \
	  "options skipped: wrong length or past the message's end")

/* The lease applied to the interface (host order); addr 0: none. */
struct dhcp_lease {
	uint32_t addr, mask, router, server;
	uint32_t lease_s;
};

struct dhcp_client;
/* The glue: send `len` bytes of `msg` to dst:67 from src:68 (dst
 * 0xffffffff: broadcast; src 0: no address yet); apply a lease (addr 0:
 * remove the address). */
struct dhcp_ops {
	void (*send)(void *ctx, const uint8_t *msg, size_t len, uint32_t dst,
		     uint32_t src);
	void (*apply)(void *ctx, const struct dhcp_lease *lease);
};

struct dhcp_client {
	const struct dhcp_ops *ops;
	void *ctx;
	uint8_t mac[6];
	uint32_t fallback_mask; /* when the server sends none or a bad one */
	enum dhcp_state state;
	uint32_t xid;
	uint32_t prng; /* xorshift32: xids and jitter */
	uint32_t tries;
	uint32_t retry_ms;
	uint64_t next_ms;  /* next retransmission or timer (0: none) */
	uint64_t bound_ms; /* when the lease was granted */
	uint64_t t1_ms, t2_ms, end_ms;
	struct dhcp_lease offer; /* SELECTING -> REQUESTING */
	struct dhcp_lease lease; /* BOUND and after */
	uint8_t msg[DHCP_MSG_MAX];
#define DHCP_FIELD(field, name, meaning) uint64_t field;
	DHCP_COUNTERS(DHCP_FIELD)
#undef DHCP_FIELD
};

/* Start in SELECTING: send the first DISCOVER at `now_ms`.  `seed` varies
 * the xids of PDs started at the same time (their MACs differ). */
void dhcp_start(struct dhcp_client *d, const struct dhcp_ops *ops, void *ctx,
		const uint8_t mac[6], uint32_t fallback_mask, uint32_t seed,
		uint64_t now_ms);

/* One reply (the UDP payload from port 67). */
void dhcp_input(struct dhcp_client *d, const uint8_t *msg, size_t len,
		uint64_t now_ms);

/* Retransmit or move on a timer, if due at `now_ms`. */
void dhcp_tick(struct dhcp_client *d, uint64_t now_ms);

/* When dhcp_tick next has something to do (0: never). */
static inline uint64_t dhcp_next_ms(const struct dhcp_client *d)
{
	return d->next_ms;
}

#endif
