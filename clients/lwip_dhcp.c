/*
 * lwip_dhcp: the DHCPv4 client's protocol (clients/lwip_dhcp.h says what
 * it trusts, how it retransmits and which states it has).  A reply's way:
 *
 *   dhcp_input -> dhcp_parse (fixed part, cookie, options, all bounded)
 *     -> ours? (xid, chaddr) -> by state: take_offer | take_ack | take_nak
 *     -> ops->apply (lease on the netif) and the next timer
 *   dhcp_tick -> retransmit (send_discover | send_request) or T1/T2/end
 */
#include "clients/lwip_dhcp.h"
#include "clients/host_rules.h"
#include "core/bytes.h"

/* The fixed part of a message (RFC 2131 figure 1), then the cookie. */
#define OFF_OP 0u
#define OFF_HTYPE 1u
#define OFF_HLEN 2u
#define OFF_XID 4u
#define OFF_SECS 8u
#define OFF_FLAGS 10u
#define OFF_CIADDR 12u
#define OFF_YIADDR 16u
#define OFF_CHADDR 28u
#define OFF_COOKIE 236u
#define OFF_OPTIONS 240u
#define BOOTP_MIN_LEN 300u /* what BOOTP relays expect at least */
#define DHCP_COOKIE 0x63825363u
#define OP_REQUEST 1u
#define OP_REPLY 2u
#define HTYPE_ETHER 1u

#define OPT_PAD 0u
#define OPT_MASK 1u
#define OPT_ROUTER 3u
#define OPT_REQUESTED_IP 50u
#define OPT_LEASE 51u
#define OPT_TYPE 53u
#define OPT_SERVER_ID 54u
#define OPT_PARAMS 55u
#define OPT_MAX_SIZE 57u
#define OPT_T1 58u
#define OPT_T2 59u
#define OPT_CLIENT_ID 61u
#define OPT_END 255u

#define BROADCAST 0xffffffffu

/* ---- parsing -------------------------------------------------------------
 */

/* One option: fill `out` if it is one we read and its length is right. */
static void parse_option(uint8_t code, const uint8_t *v, uint32_t n,
			 struct dhcp_reply *out)
{
	uint32_t *u32 = NULL;
	switch (code) {
	case OPT_TYPE:
		if (n != 1)
			break;
		out->type = v[0];
		return;
	case OPT_MASK:
		u32 = &out->mask;
		break;
	case OPT_SERVER_ID:
		u32 = &out->server_id;
		break;
	case OPT_LEASE:
		u32 = &out->lease_s;
		break;
	case OPT_T1:
		u32 = &out->t1_s;
		break;
	case OPT_T2:
		u32 = &out->t2_s;
		break;
	case OPT_ROUTER: /* a list: the first is the preferred one */
		if (n < 4 || n % 4 != 0)
			break;
		out->router = sdvf_get_be32(v);
		return;
	default:
		return; /* not one we read */
	}
	if (u32 && n == 4) {
		*u32 = sdvf_get_be32(v);
		return;
	}
	out->bad_options++;
}

enum dhcp_parse_result dhcp_parse(const uint8_t *msg, size_t len,
				  struct dhcp_reply *out)
{
	*out = (struct dhcp_reply){0};
	if (len < OFF_OPTIONS)
		return DHCP_PARSE_SHORT;
	if (msg[OFF_OP] != OP_REPLY || msg[OFF_HTYPE] != HTYPE_ETHER ||
	    msg[OFF_HLEN] != 6)
		return DHCP_PARSE_NOT_REPLY;
	if (sdvf_get_be32(msg + OFF_COOKIE) != DHCP_COOKIE)
		return DHCP_PARSE_BAD_COOKIE;
	out->xid = sdvf_get_be32(msg + OFF_XID);
	out->yiaddr = sdvf_get_be32(msg + OFF_YIADDR);
	sdvf_copy(out->chaddr, msg + OFF_CHADDR, 6);
	size_t i = OFF_OPTIONS;
	while (i < len) {
		uint8_t code = msg[i++];
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return DHCP_PARSE_OK;
		/* The length byte and the value must both lie inside (each
		 * byte read once: the buffer may be lent, not copied). */
		if (i >= len) {
			out->bad_options++;
			return DHCP_PARSE_OK;
		}
		uint8_t n = msg[i++];
		if (n > len - i) {
			out->bad_options++;
			return DHCP_PARSE_OK;
		}
		parse_option(code, msg + i, n, out);
		i += n;
	}
	out->bad_options++; /* no END option: truncated */
	return DHCP_PARSE_OK;
}

/* ---- building ------------------------------------------------------------
 */

static uint32_t prng_next(struct dhcp_client *d)
{
	uint32_t x = d->prng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	d->prng = x;
	return x;
}

static size_t put_opt32(uint8_t *p, uint8_t code, uint32_t v)
{
	p[0] = code;
	p[1] = 4;
	sdvf_put_be32(p + 2, v);
	return 6;
}

/* A message of `type` in d->msg; its length.  ciaddr: our address while
 * we hold one (RENEWING, REBINDING); requested/server: options 50/54
 * (REQUESTING), 0 for none. */
static size_t build(struct dhcp_client *d, uint8_t type, uint32_t ciaddr,
		    uint32_t requested, uint32_t server)
{
	uint8_t *m = d->msg;
	for (size_t i = 0; i < sizeof(d->msg); i++)
		m[i] = 0;
	m[OFF_OP] = OP_REQUEST;
	m[OFF_HTYPE] = HTYPE_ETHER;
	m[OFF_HLEN] = 6;
	sdvf_put_be32(m + OFF_XID, d->xid);
	sdvf_put_be16(m + OFF_SECS, 0);
	sdvf_put_be16(m + OFF_FLAGS, 0); /* replies to our MAC are fine */
	sdvf_put_be32(m + OFF_CIADDR, ciaddr);
	sdvf_copy(m + OFF_CHADDR, d->mac, 6);
	sdvf_put_be32(m + OFF_COOKIE, DHCP_COOKIE);
	size_t i = OFF_OPTIONS;
	m[i++] = OPT_TYPE;
	m[i++] = 1;
	m[i++] = type;
	m[i++] = OPT_CLIENT_ID;
	m[i++] = 7;
	m[i++] = HTYPE_ETHER;
	sdvf_copy(m + i, d->mac, 6);
	i += 6;
	if (requested)
		i += put_opt32(m + i, OPT_REQUESTED_IP, requested);
	if (server)
		i += put_opt32(m + i, OPT_SERVER_ID, server);
	static const uint8_t params[] = {OPT_MASK, OPT_ROUTER, OPT_LEASE,
					 OPT_T1, OPT_T2};
	m[i++] = OPT_PARAMS;
	m[i++] = sizeof(params);
	sdvf_copy(m + i, params, sizeof(params));
	i += sizeof(params);
	m[i++] = OPT_MAX_SIZE;
	m[i++] = 2;
	sdvf_put_be16(m + i, DHCP_MSG_MAX);
	i += 2;
	m[i++] = OPT_END;
	return i < BOOTP_MIN_LEN ? BOOTP_MIN_LEN : i;
}

/* ---- states --------------------------------------------------------------
 */

/* The next retransmission: the wait so far doubled (capped), plus up to a
 * quarter of it at random so that clients started together spread out. */
static void backoff(struct dhcp_client *d, uint64_t now_ms)
{
	uint32_t wait = d->retry_ms;
	d->next_ms = now_ms + wait + prng_next(d) % (wait / 4 + 1);
	d->retry_ms =
		wait * 2 > DHCP_RETRY_MAX_MS ? DHCP_RETRY_MAX_MS : wait * 2;
}

static void send_discover(struct dhcp_client *d, uint64_t now_ms)
{
	size_t n = build(d, DHCP_DISCOVER, 0, 0, 0);
	d->discovers++;
	d->ops->send(d->ctx, d->msg, n, BROADCAST, 0);
	backoff(d, now_ms);
}

static void send_request(struct dhcp_client *d, uint64_t now_ms)
{
	size_t n;
	uint32_t dst = BROADCAST, src = 0;
	if (d->state == DHCP_STATE_REQUESTING) {
		n = build(d, DHCP_REQUEST, 0, d->offer.addr, d->offer.server);
		backoff(d, now_ms);
	} else {
		/* RENEWING: to the server; REBINDING: to anyone.  Either way
		 * from our address, which ciaddr names (no options 50/54). */
		n = build(d, DHCP_REQUEST, d->lease.addr, 0, 0);
		src = d->lease.addr;
		if (d->state == DHCP_STATE_RENEWING)
			dst = d->lease.server;
		uint64_t until =
			d->state == DHCP_STATE_RENEWING ? d->t2_ms : d->end_ms;
		uint64_t wait = until > now_ms ? (until - now_ms) / 2 : 0;
		if (wait < DHCP_RENEW_MIN_MS)
			wait = DHCP_RENEW_MIN_MS;
		d->next_ms = now_ms + wait < until ? now_ms + wait : until;
	}
	d->requests++;
	d->ops->send(d->ctx, d->msg, n, dst, src);
}

/* INIT: a new exchange (a new xid), first DISCOVER now. */
static void discover(struct dhcp_client *d, uint64_t now_ms)
{
	d->state = DHCP_STATE_SELECTING;
	d->xid = prng_next(d);
	d->retry_ms = DHCP_RETRY_FIRST_MS;
	d->tries = 0;
	send_discover(d, now_ms);
}

static void drop_lease(struct dhcp_client *d)
{
	if (d->lease.addr == 0)
		return;
	d->lease = (struct dhcp_lease){0};
	d->ops->apply(d->ctx, &d->lease);
}

/* A contiguous mask of /1../31; anything else is not a subnet we use. */
static bool mask_ok(uint32_t mask)
{
	uint32_t hosts = ~mask;
	return mask != 0 && hosts > 1 && (hosts & (hosts + 1)) == 0;
}

/* The lease a reply offers, checked: false if its address is unusable. */
static bool lease_of(const struct dhcp_client *d, const struct dhcp_reply *r,
		     struct dhcp_lease *out)
{
	out->addr = r->yiaddr;
	out->mask = mask_ok(r->mask) ? r->mask : d->fallback_mask;
	out->server = r->server_id;
	out->lease_s = r->lease_s ? r->lease_s : DHCP_LEASE_INFINITE;
	struct host_ipv4_if us = {.addr = out->addr, .mask = out->mask};
	if (!host_ipv4_if_ok(&us))
		return false;
	struct host_ipv4_if gw = {.addr = r->router, .mask = out->mask};
	bool router_ok = r->router != 0 && r->router != out->addr &&
			 (r->router & out->mask) == (out->addr & out->mask) &&
			 host_ipv4_if_ok(&gw);
	out->router = router_ok ? r->router : 0;
	return true;
}

static bool take_offer(struct dhcp_client *d, const struct dhcp_reply *r,
		       uint64_t now_ms)
{
	if (!lease_of(d, r, &d->offer))
		return false;
	d->offers++;
	d->state = DHCP_STATE_REQUESTING;
	d->retry_ms = DHCP_RETRY_FIRST_MS;
	d->tries = 1;
	send_request(d, now_ms);
	return true;
}

/* T1 and T2 from the reply if they are in order below the lease, else
 * RFC 2131 4.4.5's 0.5 and 0.875 of it. */
static void set_timers(struct dhcp_client *d, const struct dhcp_reply *r,
		       uint64_t now_ms)
{
	uint64_t lease = d->lease.lease_s;
	d->bound_ms = now_ms;
	if (lease == DHCP_LEASE_INFINITE) {
		d->t1_ms = d->t2_ms = d->end_ms = 0;
		d->next_ms = 0;
		return;
	}
	uint64_t t1 = lease / 2, t2 = lease * 7 / 8;
	if (r->t1_s && r->t2_s && r->t1_s <= r->t2_s && r->t2_s < lease) {
		t1 = r->t1_s;
		t2 = r->t2_s;
	}
	d->t1_ms = now_ms + t1 * 1000u;
	d->t2_ms = now_ms + t2 * 1000u;
	d->end_ms = now_ms + lease * 1000u;
	d->next_ms = d->t1_ms;
}

/* An ACK must grant what we asked for: the offer, or our lease. */
static bool take_ack(struct dhcp_client *d, const struct dhcp_reply *r,
		     uint64_t now_ms)
{
	struct dhcp_lease l;
	bool renewal = d->state != DHCP_STATE_REQUESTING;
	uint32_t want = renewal ? d->lease.addr : d->offer.addr;
	if (!lease_of(d, r, &l) || l.addr != want)
		return false;
	d->acks++;
	bool changed = l.addr != d->lease.addr || l.mask != d->lease.mask ||
		       l.router != d->lease.router;
	d->lease = l;
	d->state = DHCP_STATE_BOUND;
	set_timers(d, r, now_ms);
	if (changed)
		d->ops->apply(d->ctx, &d->lease);
	return true;
}

static bool take_nak(struct dhcp_client *d, uint64_t now_ms)
{
	d->naks++;
	drop_lease(d);
	discover(d, now_ms);
	return true;
}

void dhcp_start(struct dhcp_client *d, const struct dhcp_ops *ops, void *ctx,
		const uint8_t mac[6], uint32_t fallback_mask, uint32_t seed,
		uint64_t now_ms)
{
	*d = (struct dhcp_client){.ops = ops, .ctx = ctx};
	sdvf_copy(d->mac, mac, 6);
	d->fallback_mask = mask_ok(fallback_mask) ? fallback_mask : 0xffffff00u;
	d->prng = seed ^ sdvf_get_be32(mac + 2) ^ (uint32_t)now_ms;
	if (d->prng == 0)
		d->prng = 0x2545f491u; /* xorshift's one forbidden state */
	discover(d, now_ms);
}

/* The server a reply must come from in this state (0: any). */
static uint32_t expected_server(const struct dhcp_client *d)
{
	if (d->state == DHCP_STATE_REQUESTING)
		return d->offer.server;
	if (d->state == DHCP_STATE_RENEWING)
		return d->lease.server;
	return 0;
}

void dhcp_input(struct dhcp_client *d, const uint8_t *msg, size_t len,
		uint64_t now_ms)
{
	struct dhcp_reply r;
	if (d->state == DHCP_STATE_OFF)
		return;
	if (dhcp_parse(msg, len, &r) != DHCP_PARSE_OK) {
		d->drop_malformed++;
		return;
	}
	d->bad_option += r.bad_options;
	if (r.xid != d->xid || !sdvf_bytes_equal(r.chaddr, d->mac, 6)) {
		d->drop_foreign++;
		return;
	}
	uint32_t server = expected_server(d);
	if (r.server_id == 0 || (server && r.server_id != server)) {
		d->drop_unexpected++;
		return;
	}
	/* An ACK or NAK answers a REQUEST: none is out while SELECTING
	 * or BOUND. */
	bool asked = d->state != DHCP_STATE_SELECTING &&
		     d->state != DHCP_STATE_BOUND;
	bool taken = false;
	if (d->state == DHCP_STATE_SELECTING && r.type == DHCP_OFFER)
		taken = take_offer(d, &r, now_ms);
	else if (asked && r.type == DHCP_ACK)
		taken = take_ack(d, &r, now_ms);
	else if (asked && r.type == DHCP_NAK)
		taken = take_nak(d, now_ms);
	if (!taken)
		d->drop_unexpected++;
}

void dhcp_tick(struct dhcp_client *d, uint64_t now_ms)
{
	if (d->next_ms == 0 || now_ms < d->next_ms)
		return;
	switch (d->state) {
	case DHCP_STATE_OFF:
		return;
	case DHCP_STATE_SELECTING:
		send_discover(d, now_ms);
		return;
	case DHCP_STATE_REQUESTING:
		if (d->tries >= DHCP_REQUEST_TRIES) {
			discover(d, now_ms);
			return;
		}
		d->tries++;
		send_request(d, now_ms);
		return;
	case DHCP_STATE_BOUND:
	case DHCP_STATE_RENEWING:
	case DHCP_STATE_REBINDING:
		break;
	}
	if (now_ms >= d->end_ms) {
		d->expired++;
		drop_lease(d);
		discover(d, now_ms);
		return;
	}
	enum dhcp_state to =
		now_ms >= d->t2_ms ? DHCP_STATE_REBINDING : DHCP_STATE_RENEWING;
	if (to != d->state)
		d->xid = prng_next(d); /* a new exchange */
	d->state = to;
	send_request(d, now_ms);
}
