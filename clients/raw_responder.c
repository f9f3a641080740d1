/*
 * raw_responder: a client of the RX and TX muxes that answers ARP, ICMP
 * echo and UDP echo as an RFC 1122 host would.
 *
 * It is an ordinary net client (clients/net_client.h): the RX mux lends it
 * frames by offset in rx_data, it copies each to private memory, answers
 * it into one of its own TX buffers in tx_data and gives the RX buffer
 * back.  For each received frame it
 *   - answers an ARP request for its IP (who-has) with its MAC;
 *   - answers an ICMP echo request to its IP with an echo reply;
 *   - sends a UDP datagram to its IP, port 1235, back to the sender;
 * and drops everything else, counting why (drop.<reason>).  Counters are
 * logged every log_period_ms while they change.
 *
 * An activation takes TX completions, then frames, in the shape of
 * core/pd_queue.h, then publishes each queue once and notifies each mux at
 * most once (net_client_finish).
 *
 * Trust.  The frames come from the wire (untrusted): each is copied to
 * private memory once and every header field is checked by explicit code
 * (lengths against the frame, versions, header and ICMP/UDP checksums)
 * before a reply is built.  A reply goes back to the sender, so the sender
 * must be one other host, by the rules of clients/host_rules.h:
 *   - the Ethernet source and the ARP sender MAC name one other station:
 *     not broadcast, multicast, zero or ours;
 *   - the IPv4 source and the ARP sender IP name one other host: not in
 *     0/8, 127/8, 224/4 (multicast) or 240/4 (class E, 255.255.255.255),
 *     not the first or last address of our subnet (prefix_len), not ours;
 *     an ARP probe's 0.0.0.0 is answered (RFC 5227);
 *   - only ARP is taken from a broadcast frame; IPv4 must be to our MAC
 *     and our address, never a broadcast or multicast one;
 *   - UDP only from a client's port (1024 and up, not 1235), so that two
 *     echo servers cannot bounce one forged datagram forever;
 *   - ICMP only an echo request (type 8 code 0), never a reply or error.
 * Fragments and IP options are not implemented: they get no reply.  The
 * muxes are trusted, but every descriptor they hand over is still checked
 * by net_client against its ownership maps (net.rx_bad, net.tx_bad).
 *
 * Configuration: the parameter table at the bottom (net_client's keys, ip,
 * prefix_len, log_period_ms).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clients/host_reply.h"
#include "clients/host_rules.h"
#include "clients/net_client.h"
#include "clients/raw_responder.h"
#include "core/bytes.h"
#include "core/net.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"

#define RESP_UDP_PORT 1235u

#define ETH_TYPE_AT (2u * SDVF_NET_MAC_LEN) /* after destination, source */
#define ETH_ARP 0x0806u
#define ETH_IPV4 0x0800u
#define IP_MIN_HDR 20u
#define UDP_HDR 8u
#define IP_PROTO_ICMP 1u
#define IP_PROTO_UDP 17u

struct raw_responder {
	struct sdvf_pd *pd;
	struct net_client nc;
	uint8_t mac[SDVF_NET_MAC_LEN];
	uint8_t ip[4];
	struct host_ipv4_if net; /* ip and prefix_len, for host_rules.h */
	uint64_t log_period_ns;
	uint64_t logged_rx_frames, logged_replies;
	struct resp_counters stats;
	uint8_t frame[SDVF_BUF_SIZE]; /* private copy of the frame in hand */
};

/* ---- senders --------------------------------------------------------- */

/* Counted and false unless the sender MAC `src` names one other station:
 * a reply to a group address reaches every station, one to our own MAC
 * comes back to us. */
static bool sender_mac_ok(struct raw_responder *r, const uint8_t *src)
{
	if (!host_mac_is_station(src) ||
	    sdvf_bytes_equal(src, r->mac, SDVF_NET_MAC_LEN)) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_SRC_MAC], 1);
		return false;
	}
	return true;
}

/* Counted and false unless the sender IP `src` names one other host. */
static bool sender_ip_ok(struct raw_responder *r, const uint8_t *src)
{
	switch (host_ipv4_sender(&r->net, sdvf_get_be32(src))) {
	case HOST_SENDER_NOT_HOST:
		sdvf_counter_add(r->stats.drops[RESP_DROP_SRC_NOT_HOST], 1);
		return false;
	case HOST_SENDER_IS_US:
		sdvf_counter_add(r->stats.drops[RESP_DROP_SRC_IS_US], 1);
		return false;
	case HOST_SENDER_OK:
		break;
	}
	return true;
}

/* ---- replies --------------------------------------------------------- */

/* The UDP pseudo-header's sum: addresses, protocol, UDP length. */
static uint32_t udp_pseudo(const uint8_t *ip_hdr, uint16_t udp_len)
{
	return (uint32_t)sdvf_get_be16(ip_hdr + 12) +
	       sdvf_get_be16(ip_hdr + 14) + sdvf_get_be16(ip_hdr + 16) +
	       sdvf_get_be16(ip_hdr + 18) + IP_PROTO_UDP + udp_len;
}

/* A TX buffer to build a reply in, or NULL (counted) if every one is at
 * the TX mux. */
static uint8_t *tx_claim(struct raw_responder *r, struct net_tx_buf *b)
{
	if (!net_client_tx_alloc(&r->nc, b)) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_NO_TX_BUFFER], 1);
		return NULL;
	}
	return b->data;
}

/* Send the reply built in `b`.  Fails only with a lying TX mux (a full
 * tx_active): net_client counts it and keeps the buffer. */
static bool tx_send(struct raw_responder *r, const struct net_tx_buf *b,
		    uint32_t len)
{
	return net_client_tx_send(&r->nc, b->offset, (uint16_t)len);
}

/* Ethernet header of a reply to the frame in hand: back to its source. */
static void eth_reply(struct raw_responder *r, uint8_t *out, uint16_t type)
{
	const uint8_t *asker = r->frame + SDVF_NET_MAC_LEN;
	sdvf_copy(out, asker, SDVF_NET_MAC_LEN);
	sdvf_copy(out + SDVF_NET_MAC_LEN, r->mac, SDVF_NET_MAC_LEN);
	sdvf_put_be16(out + ETH_TYPE_AT, type);
}

static void arp_answer(struct raw_responder *r, uint32_t len)
{
	const uint8_t *a = r->frame + SDVF_NET_ETH_HLEN;
	if (len < SDVF_NET_ETH_HLEN + HOST_ARP_LEN ||
	    !host_arp_is_ether_ipv4(a)) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_BAD_ARP], 1);
		return;
	}
	if (!host_arp_asks_for(a, r->ip)) {
		/* a reply, or a request for another IP */
		sdvf_counter_add(r->stats.drops[RESP_DROP_NOT_FOR_US], 1);
		return;
	}
	/* The reply points the asker's cache at this sender MAC.  A sender
	 * IP of 0.0.0.0 is a probe (RFC 5227): the reply is how the prober
	 * learns that the address is taken. */
	if (!sender_mac_ok(r, a + 8) ||
	    (sdvf_get_be32(a + 14) != 0 && !sender_ip_ok(r, a + 14)))
		return;
	struct net_tx_buf buf;
	uint8_t *out = tx_claim(r, &buf);
	if (!out)
		return;
	eth_reply(r, out, ETH_ARP);
	host_arp_reply(out + SDVF_NET_ETH_HLEN, a, r->mac, r->ip);
	if (tx_send(r, &buf, SDVF_NET_ETH_HLEN + HOST_ARP_LEN))
		sdvf_counter_add(r->stats.arp_replies, 1);
}

/* IPv4 header of a reply: ours (no options), addresses swapped. */
static void ip_reply(struct raw_responder *r, uint8_t *o, const uint8_t *ip,
		     uint16_t payload, uint8_t proto)
{
	o[0] = 0x45;
	o[1] = 0;
	sdvf_put_be16(o + 2, (uint16_t)(IP_MIN_HDR + payload));
	sdvf_put_be16(o + 4, sdvf_get_be16(ip + 4));
	sdvf_put_be16(o + 6, 0x4000); /* DF */
	o[8] = 64;
	o[9] = proto;
	sdvf_put_be16(o + 10, 0);
	sdvf_copy(o + 12, r->ip, 4);
	sdvf_copy(o + 16, ip + 12, 4);
	sdvf_put_be16(o + 10, sdvf_inet_csum(o, IP_MIN_HDR, 0));
}

static void icmp_answer(struct raw_responder *r, const uint8_t *ip,
			const uint8_t *icmp, uint16_t n)
{
	if (n < HOST_ICMP_HDR || sdvf_inet_csum(icmp, n, 0) != 0) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_BAD_ICMP], 1);
		return;
	}
	/* An echo request, type 8 code 0, and nothing else: replies and
	 * errors ask for no answer (an echo reply answered would loop with
	 * another responder), and no other request is implemented. */
	if (icmp[0] != 8 || icmp[1] != 0) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_ICMP_TYPE], 1);
		return;
	}
	struct net_tx_buf buf;
	uint8_t *out = tx_claim(r, &buf);
	if (!out)
		return;
	eth_reply(r, out, ETH_IPV4);
	ip_reply(r, out + SDVF_NET_ETH_HLEN, ip, n, IP_PROTO_ICMP);
	uint8_t *o = out + SDVF_NET_ETH_HLEN + IP_MIN_HDR;
	sdvf_copy(o, icmp, n);
	host_icmp_echo_reply(o, n);
	if (tx_send(r, &buf, SDVF_NET_ETH_HLEN + IP_MIN_HDR + n))
		sdvf_counter_add(r->stats.icmp_replies, 1);
}

static void udp_answer(struct raw_responder *r, const uint8_t *ip,
		       const uint8_t *udp, uint16_t n)
{
	uint16_t udp_len = n >= UDP_HDR ? sdvf_get_be16(udp + 4) : 0;
	if (n < UDP_HDR || udp_len < UDP_HDR || udp_len > n ||
	    (sdvf_get_be16(udp + 6) != 0 &&
	     sdvf_inet_csum(udp, udp_len, udp_pseudo(ip, udp_len)) != 0)) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_BAD_UDP], 1);
		return;
	}
	if (sdvf_get_be16(udp + 2) != RESP_UDP_PORT) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_UDP_PORT], 1);
		return;
	}
	if (!host_udp_may_answer(sdvf_get_be16(udp), RESP_UDP_PORT)) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_UDP_SRC_PORT], 1);
		return;
	}
	struct net_tx_buf buf;
	uint8_t *out = tx_claim(r, &buf);
	if (!out)
		return;
	eth_reply(r, out, ETH_IPV4);
	uint8_t *oip = out + SDVF_NET_ETH_HLEN;
	ip_reply(r, oip, ip, udp_len, IP_PROTO_UDP);
	uint8_t *o = oip + IP_MIN_HDR;
	sdvf_copy(o, udp, udp_len);
	sdvf_put_be16(o, sdvf_get_be16(udp + 2)); /* ports swapped */
	sdvf_put_be16(o + 2, sdvf_get_be16(udp));
	sdvf_put_be16(o + 6, 0);
	uint16_t c = sdvf_inet_csum(o, udp_len, udp_pseudo(oip, udp_len));
	sdvf_put_be16(o + 6, c == 0 ? 0xffff : c); /* 0 would mean "none" */
	if (tx_send(r, &buf, SDVF_NET_ETH_HLEN + IP_MIN_HDR + udp_len))
		sdvf_counter_add(r->stats.udp_replies, 1);
}

static void ipv4_answer(struct raw_responder *r, uint32_t len)
{
	const uint8_t *ip = r->frame + SDVF_NET_ETH_HLEN;
	uint32_t avail = len - SDVF_NET_ETH_HLEN;
	uint32_t hdr = avail >= 1 ? (ip[0] & 0x0fu) * 4u : 0;
	uint32_t total = avail >= 4 ? sdvf_get_be16(ip + 2) : 0;
	if (avail < IP_MIN_HDR || (ip[0] >> 4) != 4 || hdr < IP_MIN_HDR ||
	    total < hdr || total > avail) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_BAD_IP], 1);
		return;
	}
	if (sdvf_inet_csum(ip, hdr, 0) != 0) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_IP_CHECKSUM], 1);
		return;
	}
	if (!sdvf_bytes_equal(ip + 16, r->ip, 4)) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_NOT_FOR_US], 1);
		return;
	}
	if (!sender_ip_ok(r, ip + 12))
		return;
	if ((sdvf_get_be16(ip + 6) & 0x3fffu) != 0) { /* MF or an offset */
		sdvf_counter_add(r->stats.drops[RESP_DROP_FRAGMENT], 1);
		return;
	}
	/* Options would need handling we lack (a source route reversed,
	 * record route filled in, RFC 1122 3.2.1.8 and 3.2.2.6): rather
	 * no reply than a wrong one. */
	if (hdr != IP_MIN_HDR) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_IP_OPTIONS], 1);
		return;
	}
	/* Padding after `total` (short frames are padded to 60) is ignored. */
	uint16_t payload = (uint16_t)(total - hdr);
	if (ip[9] == IP_PROTO_ICMP)
		icmp_answer(r, ip, ip + hdr, payload);
	else if (ip[9] == IP_PROTO_UDP)
		udp_answer(r, ip, ip + hdr, payload);
	else
		sdvf_counter_add(r->stats.drops[RESP_DROP_PROTOCOL], 1);
}

static void frame_answer(struct raw_responder *r, uint32_t len)
{
	static const uint8_t broadcast[SDVF_NET_MAC_LEN] = {0xff, 0xff, 0xff,
							    0xff, 0xff, 0xff};
	uint16_t type = sdvf_get_be16(r->frame + ETH_TYPE_AT);
	bool to_us = sdvf_bytes_equal(r->frame, r->mac, SDVF_NET_MAC_LEN);
	bool to_all = sdvf_bytes_equal(r->frame, broadcast, SDVF_NET_MAC_LEN);
	if (type != ETH_ARP && type != ETH_IPV4) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_ETHERTYPE], 1);
		return;
	}
	/* From a broadcast frame only ARP: an IPv4 datagram in one is for a
	 * group (RFC 1122 3.3.6), which gets no reply. */
	if (!to_us && !(type == ETH_ARP && to_all)) {
		sdvf_counter_add(r->stats.drops[RESP_DROP_NOT_FOR_US], 1);
		return;
	}
	if (!sender_mac_ok(r, r->frame + SDVF_NET_MAC_LEN))
		return;
	if (type == ETH_ARP)
		arp_answer(r, len);
	else
		ipv4_answer(r, len);
}

/* ---- the muxes' queues (clients/net_client.h) -------------------------- */

/* One frame lent by the RX mux: copied once to private memory, answered
 * from the copy, given back. */
static void rx_answer(struct raw_responder *r, const struct net_rx_frame *f)
{
	sdvf_counter_add(r->stats.rx_frames, 1);
	sdvf_counter_add(r->stats.rx_bytes, f->len);
	/* net_client checked the length: 14..SDVF_NET_FRAME_MAX. */
	sdvf_copy(r->frame, f->data, f->len);
	frame_answer(r, f->len);
	net_client_rx_return(&r->nc, f->offset);
}

/* ---- periodic log ----------------------------------------------------- */

static void log_counters(struct raw_responder *r)
{
	const struct resp_counters *s = &r->stats;
	uint64_t rx_frames = sdvf_counter_get(s->rx_frames);
	uint64_t arp = sdvf_counter_get(s->arp_replies);
	uint64_t icmp = sdvf_counter_get(s->icmp_replies);
	uint64_t udp = sdvf_counter_get(s->udp_replies);
	if (rx_frames == r->logged_rx_frames &&
	    arp + icmp + udp == r->logged_replies)
		return;
	r->logged_rx_frames = rx_frames;
	r->logged_replies = arp + icmp + udp;
	sdvf_log(r->pd, SDVF_LOG_INFO,
		 "rx %llu frames; replies arp %llu icmp %llu udp %llu; tx "
		 "errors %llu",
		 (unsigned long long)rx_frames, (unsigned long long)arp,
		 (unsigned long long)icmp, (unsigned long long)udp,
		 (unsigned long long)sdvf_counter_get(s->tx_errors));
	for (int i = 0; i < RESP_DROP_REASONS; i++) {
		uint64_t drops = sdvf_counter_get(s->drops[i]);
		if (drops != 0)
			sdvf_log(r->pd, SDVF_LOG_INFO, "%s %llu",
				 resp_drop_counter[i],
				 (unsigned long long)drops);
	}
}

static void raw_responder_notified(void *state, struct sdvf_pd *pd,
				   sdvf_channel_t ch)
{
	struct raw_responder *r = state;
	if (ch == SDVF_CHANNEL_TIMER) {
		log_counters(r);
		sdvf_timer_set(pd, sdvf_now_ns(pd) + r->log_period_ns);
		return;
	}
	/* Either channel: take completions, then frames (replies need TX
	 * buffers), so one notification never strands the other queue. */
	struct net_tx_done done;
	while (net_client_tx_reap(&r->nc, &done)) {
		if (done.flags & (SDVF_NET_REJECTED | SDVF_NET_TX_ERROR))
			sdvf_counter_add(r->stats.tx_errors, 1);
		else
			sdvf_counter_add(r->stats.tx_done, 1);
	}
	struct net_rx_frame f;
	while (net_client_rx_take(&r->nc, &f))
		rx_answer(r, &f);
	net_client_finish(&r->nc);
}

static void raw_responder_peer_restart(void *state, struct sdvf_pd *pd,
				       sdvf_channel_t ch)
{
	struct raw_responder *r = state;
	(void)pd;
	/* No RX frame is held between activations: nothing to forget. */
	net_client_peer_restart(&r->nc, ch);
}

/* ---- init ------------------------------------------------------------ */

static int raw_responder_init(void *state, struct sdvf_pd *pd)
{
	struct raw_responder *r = state;
	r->pd = pd;
#define RESP_COUNTER_REGISTER(name, meaning)                                   \
	r->stats.name = sdvf_counter(pd, #name);
	RAW_RESPONDER_COUNTERS(RESP_COUNTER_REGISTER)
#undef RESP_COUNTER_REGISTER
	for (int i = 0; i < RESP_DROP_REASONS; i++)
		r->stats.drops[i] = sdvf_counter(pd, resp_drop_counter[i]);
	size_t len = 0;
	const uint8_t *mac = sdvf_config_bytes(pd, "mac", &len);
	const uint8_t *ip = sdvf_config_bytes(pd, "ip", &len);
	sdvf_copy(r->mac, mac, SDVF_NET_MAC_LEN);
	sdvf_copy(r->ip, ip, 4);
	uint64_t prefix_len = sdvf_config_u64(pd, "prefix_len");
	r->net.addr = sdvf_get_be32(r->ip);
	r->net.mask = host_ipv4_mask((uint32_t)prefix_len);
	if (!host_ipv4_if_ok(&r->net)) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "raw_responder: ip %u.%u.%u.%u (prefix_len %u) names "
			 "no host: use 1.0.0.0-223.255.255.255 outside 127/8, "
			 "not the first or last address of the subnet",
			 ip[0], ip[1], ip[2], ip[3], (unsigned)prefix_len);
		return -1;
	}
	if (!net_client_attach(&r->nc, pd))
		return -1;
	net_client_finish(&r->nc);
	r->log_period_ns = sdvf_config_u64(pd, "log_period_ms") * 1000000ull;
	sdvf_timer_set(pd, sdvf_now_ns(pd) + r->log_period_ns);
	return 0;
}

/* ---- what it declares ------------------------------------------------ */

static const struct sdvf_need raw_responder_needs[] = {
	NET_CLIENT_NEEDS,
	{0},
};

static const struct sdvf_param raw_responder_params[] = {
	NET_CLIENT_PARAMS,
	{.name = "ip",
	 .type = SDVF_PARAM_BYTES,
	 .min = 4,
	 .max = 4,
	 .required = true,
	 .help = "our IPv4 address, 4 bytes in network order: [0a 63 00 02]"},
	SDVF_PARAM_U64_DEFAULT("prefix_len", 1, 32, 32,
			       "our subnet's prefix length; its first and last "
			       "address never get a reply (32: none known)"),
	SDVF_PARAM_U64_DEFAULT(
		"log_period_ms", 10, 3600000, 5000,
		"counters are logged this often while they change"),
	{0},
};

#define RESP_DROP_NAME(name) "drop." #name

const char *const resp_drop_counter[RESP_DROP_REASONS] = {
#define RESP_DROP_COUNTER(id, name, meaning)                                   \
	[RESP_DROP_##id] = RESP_DROP_NAME(name),
	RESP_DROPS(RESP_DROP_COUNTER)
#undef RESP_DROP_COUNTER
};

static const struct sdvf_counter_doc raw_responder_counters[] = {
#define RESP_COUNTER_DOC(name, meaning) {#name, meaning},
	RAW_RESPONDER_COUNTERS(RESP_COUNTER_DOC)
#undef RESP_COUNTER_DOC
#define RESP_DROP_DOC(id, name, meaning)                                       \
	{RESP_DROP_NAME(name), "no reply: " meaning},
	/* drop.<reason>, one per enum resp_drop */
	RESP_DROPS(RESP_DROP_DOC)
#undef RESP_DROP_DOC
	/* net.*, and <queue>.bad_index of its four queues */
	NET_CLIENT_COUNTER_DOCS
	/* end of the list */
	{0},
};

const struct sdvf_component raw_responder_component = {
	.name = "raw_responder",
	.summary = "answers ARP, ICMP echo and UDP echo (port 1235) as a "
		   "client of the muxes",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct raw_responder),
	.needs = raw_responder_needs,
	.params = raw_responder_params,
	.counters = raw_responder_counters,
	.init = raw_responder_init,
	.notified = raw_responder_notified,
	.peer_restart = raw_responder_peer_restart,
};
