/*
 * The DHCP client's protocol (clients/lwip_dhcp.c) against a scripted
 * server: what it sends in each state, what it applies, how it retransmits
 * and renews on a virtual clock, and what it does with hostile replies
 * (every one counted, none applied, nothing read past the message).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clients/lwip_dhcp.h"
#include "core/bytes.h"

#define MAC_US 0x02, 0x00, 0x00, 0x00, 0xd0, 0x05
#define SERVER 0x0ad60001u /* 10.214.0.1 */
#define LEASED 0x0ad60032u /* 10.214.0.50 */
#define MASK24 0xffffff00u
#define BCAST 0xffffffffu

static const uint8_t mac_us[6] = {MAC_US};

/* What the client did: its last message, and the lease it applied. */
struct seen {
	uint8_t msg[DHCP_MSG_MAX];
	size_t len;
	uint32_t dst, src;
	unsigned sends;
	struct dhcp_lease lease;
	unsigned applies;
};

static void on_send(void *ctx, const uint8_t *msg, size_t len, uint32_t dst,
		    uint32_t src)
{
	struct seen *s = ctx;
	assert_true(len <= sizeof(s->msg));
	memcpy(s->msg, msg, len);
	s->len = len;
	s->dst = dst;
	s->src = src;
	s->sends++;
}

static void on_apply(void *ctx, const struct dhcp_lease *l)
{
	struct seen *s = ctx;
	s->lease = *l;
	s->applies++;
}

static const struct dhcp_ops ops = {.send = on_send, .apply = on_apply};

/* The value of option `code` in the last message sent; its length or -1. */
static int sent_option(const struct seen *s, uint8_t code, const uint8_t **v)
{
	size_t i = 240;
	while (i + 1 < s->len && s->msg[i] != 255) {
		if (s->msg[i] == 0) {
			i++;
			continue;
		}
		if (s->msg[i] == code) {
			*v = s->msg + i + 2;
			return s->msg[i + 1];
		}
		i += 2u + s->msg[i + 1];
	}
	return -1;
}

static uint8_t sent_type(const struct seen *s)
{
	const uint8_t *v = NULL;
	assert_int_equal(sent_option(s, 53, &v), 1);
	return v[0];
}

/* A reply builder: the fixed part for the client's xid and MAC, then
 * options appended raw. */
struct reply {
	uint8_t b[1024];
	size_t len;
};

static void reply_start(struct reply *r, const struct seen *s, uint32_t yiaddr)
{
	memset(r, 0, sizeof(*r));
	r->b[0] = 2;
	r->b[1] = 1;
	r->b[2] = 6;
	memcpy(r->b + 4, s->msg + 4, 4); /* xid */
	sdvf_put_be32(r->b + 16, yiaddr);
	memcpy(r->b + 28, mac_us, 6);
	sdvf_put_be32(r->b + 236, 0x63825363u);
	r->len = 240;
}

static void opt(struct reply *r, uint8_t code, const void *v, uint8_t n)
{
	r->b[r->len++] = code;
	r->b[r->len++] = n;
	memcpy(r->b + r->len, v, n);
	r->len += n;
}

static void opt8(struct reply *r, uint8_t code, uint8_t v)
{
	opt(r, code, &v, 1);
}

static void opt32(struct reply *r, uint8_t code, uint32_t v)
{
	uint8_t b[4];
	sdvf_put_be32(b, v);
	opt(r, code, b, 4);
}

static void end(struct reply *r)
{
	r->b[r->len++] = 255;
}

/* A well-formed OFFER/ACK of LEASED/24 via SERVER for `lease_s`. */
static void good_reply(struct reply *r, const struct seen *s, uint8_t type,
		       uint32_t lease_s)
{
	reply_start(r, s, LEASED);
	opt8(r, 53, type);
	opt32(r, 54, SERVER);
	opt32(r, 1, MASK24);
	opt32(r, 3, SERVER);
	opt32(r, 51, lease_s);
	end(r);
}

static void start(struct dhcp_client *d, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	dhcp_start(d, &ops, s, mac_us, MASK24, 1234, 1000);
}

/* A NAK from `server` to what we last sent, into r. */
static void nak_reply(struct reply *r, const struct seen *s, uint32_t server)
{
	reply_start(r, s, 0);
	opt8(r, 53, DHCP_NAK);
	opt32(r, 54, server);
	end(r);
}

/* Started, and offered a lease of lease_s at t=1000 ms (in r). */
static void offered(struct dhcp_client *d, struct seen *s, struct reply *r,
		    uint32_t lease_s)
{
	start(d, s);
	good_reply(r, s, DHCP_OFFER, lease_s);
	dhcp_input(d, r->b, r->len, 1000);
}

/* Through OFFER and ACK to BOUND at t=1000 ms with a lease of lease_s. */
static void bind(struct dhcp_client *d, struct seen *s, uint32_t lease_s)
{
	struct reply r;
	offered(d, s, &r, lease_s);
	good_reply(&r, s, DHCP_ACK, lease_s);
	dhcp_input(d, r.b, r.len, 1000);
	assert_int_equal(d->state, DHCP_STATE_BOUND);
}

static void dhcp_discover_is_a_broadcast_bootrequest_from_our_mac(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	start(&d, &s);
	assert_int_equal(d.state, DHCP_STATE_SELECTING);
	assert_int_equal(s.sends, 1);
	assert_int_equal(s.dst, BCAST);
	assert_int_equal(s.src, 0);
	assert_true(s.len >= 300);
	assert_int_equal(s.msg[0], 1);
	assert_memory_equal(s.msg + 28, mac_us, 6);
	assert_int_equal(sdvf_get_be32(s.msg + 4), d.xid);
	assert_int_equal(sdvf_get_be32(s.msg + 236), 0x63825363u);
	assert_int_equal(sent_type(&s), DHCP_DISCOVER);
	assert_int_equal(d.discovers, 1);
}

static void dhcp_offer_then_ack_applies_address_mask_router(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	struct reply r;
	const uint8_t *v = NULL;
	offered(&d, &s, &r, 600);
	assert_int_equal(d.state, DHCP_STATE_REQUESTING);
	assert_int_equal(sent_type(&s), DHCP_REQUEST);
	assert_int_equal(s.dst, BCAST);
	assert_int_equal(sent_option(&s, 50, &v), 4);
	assert_int_equal(sdvf_get_be32(v), LEASED);
	assert_int_equal(sent_option(&s, 54, &v), 4);
	assert_int_equal(sdvf_get_be32(v), SERVER);
	assert_int_equal(s.applies, 0);
	good_reply(&r, &s, DHCP_ACK, 600);
	dhcp_input(&d, r.b, r.len, 1000);
	assert_int_equal(d.state, DHCP_STATE_BOUND);
	assert_int_equal(s.applies, 1);
	assert_int_equal(s.lease.addr, LEASED);
	assert_int_equal(s.lease.mask, MASK24);
	assert_int_equal(s.lease.router, SERVER);
	assert_int_equal(s.lease.lease_s, 600);
	assert_int_equal(dhcp_next_ms(&d), 1000 + 300000);
	assert_int_equal(d.offers, 1);
	assert_int_equal(d.acks, 1);
}

static void dhcp_short_not_reply_or_bad_cookie_is_malformed(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	struct reply r;
	start(&d, &s);
	good_reply(&r, &s, DHCP_OFFER, 600);
	dhcp_input(&d, r.b, 239, 1000); /* cut inside the cookie */
	dhcp_input(&d, r.b, 0, 1000);
	r.b[0] = 1; /* a BOOTREQUEST */
	dhcp_input(&d, r.b, r.len, 1000);
	r.b[0] = 2;
	r.b[2] = 16; /* not Ethernet */
	dhcp_input(&d, r.b, r.len, 1000);
	r.b[2] = 6;
	r.b[239] ^= 1;
	dhcp_input(&d, r.b, r.len, 1000);
	assert_int_equal(d.drop_malformed, 5);
	assert_int_equal(d.state, DHCP_STATE_SELECTING);
	assert_int_equal(s.sends, 1);
}

static void dhcp_option_past_the_end_is_counted_and_ends_the_parse(void **st)
{
	(void)st;
	struct seen s = {0};
	struct dhcp_client d;
	struct reply r;
	struct dhcp_reply out;
	start(&d, &s);
	reply_start(&r, &s, LEASED);
	opt8(&r, 53, DHCP_OFFER);
	opt32(&r, 54, SERVER);
	/* option 51 claims 200 bytes; 4 follow */
	r.b[r.len++] = 51;
	r.b[r.len++] = 200;
	memset(r.b + r.len, 0xff, 4);
	r.len += 4;
	assert_int_equal(dhcp_parse(r.b, r.len, &out), DHCP_PARSE_OK);
	assert_int_equal(out.bad_options, 1);
	assert_int_equal(out.lease_s, 0);
	assert_int_equal(out.type, DHCP_OFFER);
	/* a code with no length byte at the very end */
	r.len -= 6;
	r.b[r.len++] = 51;
	assert_int_equal(dhcp_parse(r.b, r.len, &out), DHCP_PARSE_OK);
	assert_int_equal(out.bad_options, 1);
	/* no END at all: counted as truncated */
	r.len--;
	assert_int_equal(dhcp_parse(r.b, r.len, &out), DHCP_PARSE_OK);
	assert_int_equal(out.bad_options, 1);
	assert_int_equal(out.server_id, SERVER);
}

static void dhcp_option_of_wrong_length_is_skipped_and_counted(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	struct reply r;
	start(&d, &s);
	reply_start(&r, &s, LEASED);
	uint8_t two[2] = {1, 2};
	uint8_t six[6] = {10, 214, 0, 1, 9, 9};
	opt(&r, 53, two, 2); /* type must be 1 byte: skipped */
	opt8(&r, 53, DHCP_OFFER);
	opt32(&r, 54, SERVER);
	opt(&r, 1, six, 6);  /* mask of 6 bytes */
	opt(&r, 3, six, 6);  /* router list not a multiple of 4 */
	opt(&r, 51, two, 2); /* lease of 2 bytes */
	end(&r);
	dhcp_input(&d, r.b, r.len, 1000);
	assert_int_equal(d.bad_option, 4);
	assert_int_equal(d.state, DHCP_STATE_REQUESTING);
	assert_int_equal(d.offer.mask, MASK24); /* the fallback */
	assert_int_equal(d.offer.router, 0);
	assert_int_equal(d.offer.lease_s, DHCP_LEASE_INFINITE);
}

static void dhcp_reply_to_another_xid_or_mac_is_foreign(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	struct reply r;
	start(&d, &s);
	good_reply(&r, &s, DHCP_OFFER, 600);
	r.b[7] ^= 1;
	dhcp_input(&d, r.b, r.len, 1000);
	r.b[7] ^= 1;
	r.b[33] ^= 1;
	dhcp_input(&d, r.b, r.len, 1000);
	assert_int_equal(d.drop_foreign, 2);
	assert_int_equal(d.state, DHCP_STATE_SELECTING);
}

static void dhcp_offer_naming_no_host_or_no_server_is_refused(void **st)
{
	(void)st;
	static const uint32_t bad[] = {0,	    BCAST,	 0x0ad600ffu,
				       0x0ad60000u, 0xe0000001u, 0x7f000001u};
	struct dhcp_client d;
	struct seen s;
	struct reply r;
	start(&d, &s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		reply_start(&r, &s, bad[i]);
		opt8(&r, 53, DHCP_OFFER);
		opt32(&r, 54, SERVER);
		opt32(&r, 1, MASK24);
		end(&r);
		dhcp_input(&d, r.b, r.len, 1000);
	}
	reply_start(&r, &s, LEASED); /* no server identifier */
	opt8(&r, 53, DHCP_OFFER);
	end(&r);
	dhcp_input(&d, r.b, r.len, 1000);
	good_reply(&r, &s, DHCP_ACK, 600); /* an ACK nobody asked for */
	dhcp_input(&d, r.b, r.len, 1000);
	assert_int_equal(d.drop_unexpected, 8);
	assert_int_equal(d.state, DHCP_STATE_SELECTING);
	assert_int_equal(s.applies, 0);
}

static void dhcp_router_outside_the_subnet_is_ignored(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	struct reply r;
	start(&d, &s);
	reply_start(&r, &s, LEASED);
	opt8(&r, 53, DHCP_OFFER);
	opt32(&r, 54, SERVER);
	opt32(&r, 1, 0xff00ff00u); /* not contiguous: the fallback */
	opt32(&r, 3, 0x0a0a0a01u);
	end(&r);
	dhcp_input(&d, r.b, r.len, 1000);
	assert_int_equal(d.offer.mask, MASK24);
	assert_int_equal(d.offer.router, 0);
}

static void dhcp_discover_is_retransmitted_with_doubling_backoff(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	start(&d, &s);
	uint64_t last = 1000, wait = DHCP_RETRY_FIRST_MS;
	for (unsigned i = 1; i <= 8; i++) {
		uint64_t next = dhcp_next_ms(&d);
		assert_true(next >= last + wait);
		assert_true(next <= last + wait + wait / 4);
		dhcp_tick(&d, next - 1);
		assert_int_equal(s.sends, i);
		dhcp_tick(&d, next);
		assert_int_equal(s.sends, i + 1);
		assert_int_equal(sent_type(&s), DHCP_DISCOVER);
		last = next;
		wait = wait * 2 > DHCP_RETRY_MAX_MS ? DHCP_RETRY_MAX_MS
						    : wait * 2;
	}
	assert_int_equal(d.discovers, 9);
}

static void dhcp_request_unanswered_falls_back_to_discover(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	struct reply r;
	offered(&d, &s, &r, 600);
	uint32_t xid = d.xid;
	for (unsigned i = 1; i < DHCP_REQUEST_TRIES; i++) {
		dhcp_tick(&d, dhcp_next_ms(&d));
		assert_int_equal(sent_type(&s), DHCP_REQUEST);
	}
	dhcp_tick(&d, dhcp_next_ms(&d));
	assert_int_equal(sent_type(&s), DHCP_DISCOVER);
	assert_int_equal(d.state, DHCP_STATE_SELECTING);
	assert_int_not_equal(d.xid, xid);
	assert_int_equal(d.requests, DHCP_REQUEST_TRIES);
}

static void dhcp_renews_at_t1_to_the_server_then_rebinds_at_t2(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	struct reply r;
	bind(&d, &s, 1000); /* T1 500 s, T2 875 s */
	const uint8_t *v = NULL;
	dhcp_tick(&d, 1000 + 499999);
	assert_int_equal(d.state, DHCP_STATE_BOUND);
	dhcp_tick(&d, 1000 + 500000);
	assert_int_equal(d.state, DHCP_STATE_RENEWING);
	assert_int_equal(sent_type(&s), DHCP_REQUEST);
	assert_int_equal(s.dst, SERVER);
	assert_int_equal(s.src, LEASED);
	assert_int_equal(sdvf_get_be32(s.msg + 12), LEASED);
	assert_int_equal(sent_option(&s, 50, &v), -1);
	assert_int_equal(sent_option(&s, 54, &v), -1);
	/* unanswered: half the way to T2 */
	assert_int_equal(dhcp_next_ms(&d), 1000 + 500000 + 187500);
	dhcp_tick(&d, 1000 + 875000);
	assert_int_equal(d.state, DHCP_STATE_REBINDING);
	assert_int_equal(s.dst, BCAST);
	assert_int_equal(s.src, LEASED);
	/* any server's ACK extends the lease from now */
	good_reply(&r, &s, DHCP_ACK, 1000);
	sdvf_put_be32(r.b + 245, 0x0ad60002u); /* option 54's value */
	dhcp_input(&d, r.b, r.len, 900000);
	assert_int_equal(d.state, DHCP_STATE_BOUND);
	assert_int_equal(dhcp_next_ms(&d), 900000 + 500000);
	assert_int_equal(s.applies, 1); /* same address: nothing to apply */
	assert_int_equal(d.acks, 2);
}

static void dhcp_expired_lease_removes_the_address(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	bind(&d, &s, 100);
	for (uint64_t t = 1000; d.state != DHCP_STATE_SELECTING;) {
		t = dhcp_next_ms(&d);
		assert_true(t <= 1000 + 100000);
		dhcp_tick(&d, t);
	}
	assert_int_equal(d.expired, 1);
	assert_int_equal(s.applies, 2);
	assert_int_equal(s.lease.addr, 0);
	assert_int_equal(sent_type(&s), DHCP_DISCOVER);
}

static void dhcp_nak_while_renewing_drops_the_address(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	struct reply r;
	bind(&d, &s, 1000);
	dhcp_tick(&d, 1000 + 500000);
	nak_reply(&r, &s, 0x0ad60009u); /* not our server: ignored */
	dhcp_input(&d, r.b, r.len, 501001);
	assert_int_equal(d.state, DHCP_STATE_RENEWING);
	assert_int_equal(d.drop_unexpected, 1);
	nak_reply(&r, &s, SERVER);
	dhcp_input(&d, r.b, r.len, 501002);
	assert_int_equal(d.naks, 1);
	assert_int_equal(d.state, DHCP_STATE_SELECTING);
	assert_int_equal(s.lease.addr, 0);
	assert_int_equal(sent_type(&s), DHCP_DISCOVER);
}

static void dhcp_nak_while_requesting_restarts(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	struct reply r;
	offered(&d, &s, &r, 600);
	nak_reply(&r, &s, SERVER);
	dhcp_input(&d, r.b, r.len, 1100);
	assert_int_equal(d.state, DHCP_STATE_SELECTING);
	assert_int_equal(s.applies, 0);
	assert_int_equal(d.discovers, 2);
}

static void dhcp_bad_t1_t2_fall_back_to_half_and_seven_eighths(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	struct reply r;
	offered(&d, &s, &r, 800);
	good_reply(&r, &s, DHCP_ACK, 800);
	r.len--; /* before END */
	opt32(&r, 58, 700);
	opt32(&r, 59, 600); /* T2 before T1 */
	end(&r);
	dhcp_input(&d, r.b, r.len, 1000);
	assert_int_equal(d.t1_ms, 1000 + 400000);
	assert_int_equal(d.t2_ms, 1000 + 700000);
}

/* Random and mutated replies in every state: nothing crashes (ASan and
 * UBSan watch the reads), each is counted once, and nothing but a
 * well-formed reply for us is applied. */
static void dhcp_hostile_replies_never_crash_and_are_counted(void **st)
{
	(void)st;
	struct dhcp_client d;
	struct seen s;
	struct reply r;
	uint32_t x = 2463534242u;
	uint64_t inputs = 0;
	bind(&d, &s, 1000);
	unsigned applies = s.applies;
	uint64_t counted0 = d.acks + d.offers; /* bind's two */
	for (unsigned i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		good_reply(&r, &s, (uint8_t)(x % 8), x % 3 ? 1000 : x);
		size_t len = 240 + x % 80;
		uint8_t *buf =
			malloc(len); /* exact size: ASan sees overreads */
		memcpy(buf, r.b, len < r.len ? len : r.len);
		if (len > r.len)
			memset(buf + r.len, (int)(x >> 8), len - r.len);
		for (unsigned k = 0; k < 1 + x % 4; k++)
			buf[236 + (x >> (k * 5)) % (len - 236)] ^=
				(uint8_t)(x >> 3);
		if (x % 97 == 0)
			buf[7] ^= 1; /* another xid */
		dhcp_input(&d, buf, len, 2000);
		inputs++;
		free(buf);
	}
	uint64_t counted = d.acks + d.naks + d.offers + d.drop_malformed +
			   d.drop_foreign + d.drop_unexpected;
	assert_int_equal(counted - counted0, inputs);
	assert_true(s.applies - applies <= d.acks + d.naks);
	assert_true(d.bad_option > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			dhcp_discover_is_a_broadcast_bootrequest_from_our_mac),
		cmocka_unit_test(
			dhcp_offer_then_ack_applies_address_mask_router),
		cmocka_unit_test(
			dhcp_short_not_reply_or_bad_cookie_is_malformed),
		cmocka_unit_test(
			dhcp_option_past_the_end_is_counted_and_ends_the_parse),
		cmocka_unit_test(
			dhcp_option_of_wrong_length_is_skipped_and_counted),
		cmocka_unit_test(dhcp_reply_to_another_xid_or_mac_is_foreign),
		cmocka_unit_test(
			dhcp_offer_naming_no_host_or_no_server_is_refused),
		cmocka_unit_test(dhcp_router_outside_the_subnet_is_ignored),
		cmocka_unit_test(
			dhcp_discover_is_retransmitted_with_doubling_backoff),
		cmocka_unit_test(
			dhcp_request_unanswered_falls_back_to_discover),
		cmocka_unit_test(
			dhcp_renews_at_t1_to_the_server_then_rebinds_at_t2),
		cmocka_unit_test(dhcp_expired_lease_removes_the_address),
		cmocka_unit_test(dhcp_nak_while_renewing_drops_the_address),
		cmocka_unit_test(dhcp_nak_while_requesting_restarts),
		cmocka_unit_test(
			dhcp_bad_t1_t2_fall_back_to_half_and_seven_eighths),
		cmocka_unit_test(
			dhcp_hostile_replies_never_crash_and_are_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
