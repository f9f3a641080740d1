/*
 * bench: the raw bench client, a net client of the RX and TX muxes
 * (clients/net_client.h) without an IP stack, in one of three modes
 * (config `bench_mode`):
 *   sink     counts every frame it receives and gives the buffer back at
 *            once; frames in the source's format (below) are checked:
 *            payload checksum and sequence;
 *   source   sends frames of src_len bytes to src_dst_mac, src_pps a
 *            second (0: as fast as TX buffers come back) in bursts of at
 *            most src_burst, src_count in all (0: forever).  Payload:
 *            ethertype 0x88b5, a be64 sequence number from 0, a checksum
 *            (RFC 1071, over the payload, which then sums to zero), then
 *            bytes (seq + i).  When every TX buffer is at the TX mux the
 *            source waits for one to come back (bench.source.waits),
 *            never dropping a frame;
 *   reflect  sends every frame unicast to us back to its sender (the
 *            reflector's step, clients/reflect.h); for IPv4 UDP it also
 *            swaps the addresses and ports, so a Linux socket takes the
 *            answer (both checksums stay right: a swap keeps the sum); it
 *            answers ARP requests for its `ip` and ICMP echo requests to
 *            it, so a Linux peer can reach and ping it.  It takes a frame
 *            only while a TX buffer is free for the answer: short of
 *            them, frames wait in rx_active (bench.reflect.waits) until a
 *            completion wakes it, as the source waits, never dropping
 *            one for want of a buffer.
 * Counters bench.* (rx/tx frames and bytes, per-mode drops by reason).
 *
 * One activation: completions first (they free TX buffers), then frames,
 * then the source's sending, then net_client_finish (each queue published
 * once, each mux notified at most once).
 *
 * Trust.  Frames come from the wire through the RX mux; net_client has
 * checked each descriptor.  Reflect reads a frame's bytes once, by its copy
 * into our TX buffer (clients/reflect.h), and every check reads that
 * copy; it answers only one station (never a group source or a group
 * destination but ARP) and, for the headers it rewrites, one host by
 * clients/host_rules.h: UDP only from a client's port (1024 and up) that
 * is not the destination port, to an address that names one host; ICMP
 * only echo requests.  Like the reflector it answers whatever else comes
 * to its MAC, so a forged frame between two reflectors (or two bench
 * reflectors) bounces until one drops it: a reflector belongs on a bench
 * network, where nothing else answers everything.
 * The sink reads the shared buffer only to count; nothing it reads
 * decides more than a counter.
 *
 * Configuration: the parameter table at the bottom.
 *
 * Portable: freestanding C11, PD API only.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clients/host_reply.h"
#include "clients/host_rules.h"
#include "clients/net_client.h"
#include "clients/reflect.h"
#include "core/bytes.h"
#include "core/net.h"
#include "core/pd.h"

#define BENCH_ETHERTYPE 0x88b5u /* IEEE local experimental */
#define BENCH_SEQ_AT SDVF_NET_ETH_HLEN
#define BENCH_CSUM_AT (BENCH_SEQ_AT + 8u)
#define BENCH_MIN_LEN (BENCH_CSUM_AT + 2u)

#define ETH_TYPE_AT (2u * SDVF_NET_MAC_LEN)
#define ETH_ARP 0x0806u
#define ETH_IPV4 0x0800u
#define IP_MIN_HDR 20u
#define IP_PROTO_ICMP 1u
#define IP_PROTO_UDP 17u

enum bench_mode { BENCH_SINK, BENCH_SOURCE, BENCH_REFLECT };

static const char *bench_mode_choice(unsigned i)
{
	static const char *const names[] = {"sink", "source", "reflect"};
	return i < 3 ? names[i] : (const char *)0;
}

/* X(field, name, meaning): every mode. */
#define BENCH_COUNTERS(X)                                                      \
	X(rx_frames, "bench.rx_frames", "frames received")                     \
	X(rx_bytes, "bench.rx_bytes", "bytes of those frames")                 \
	X(tx_frames, "bench.tx_frames", "frames sent (queued to the TX mux)")  \
	X(tx_bytes, "bench.tx_bytes", "bytes of those frames")                 \
	X(tx_done, "bench.tx_done", "sent frames whose buffer came back")      \
	X(sink_bad_payload, "bench.sink.bad_payload",                          \
	  "sink: frames in the source's format whose checksum is wrong")       \
	X(sink_seq_gaps, "bench.sink.seq_gaps",                                \
	  "sink: source frames whose sequence is not the one after the last")  \
	X(source_waits, "bench.source.waits",                                  \
	  "source: every TX buffer was at the mux; waited for one back")       \
	X(source_queue_full, "bench.source.queue_full",                        \
	  "source: tx_active was full; waited (never with an honest mux)")     \
	X(reflect_waits, "bench.reflect.waits",                                \
	  "reflect: frames waited in rx_active for a TX buffer")

/* Why reflect sent nothing back: X(ID, name, meaning), counted as
 * "bench.reflect.drop.<name>". */
#define REFLECT_DROPS(X)                                                       \
	X(GROUP_DEST, group_dest,                                              \
	  "to a group MAC and not ARP, or UDP to a group or broadcast IPv4 "   \
	  "address (it would answer from it)")                                 \
	X(GROUP_SOURCE, group_source,                                          \
	  "from a broadcast or multicast source address")                      \
	X(ARP, arp,                                                            \
	  "ARP that is not a well-formed request for our ip from a station")   \
	X(BAD_IP, bad_ip,                                                      \
	  "IPv4 version, header length, total length or checksum wrong")       \
	X(SRC_NOT_HOST, src_not_host,                                          \
	  "IPv4 source names no single other host (host_rules.h)")             \
	X(FRAGMENT, fragment, "UDP in an IPv4 fragment (ports unknown)")       \
	X(UDP_PORT, udp_port,                                                  \
	  "UDP short, or from a port below 1024 or equal to the destination")  \
	X(BAD_ICMP, bad_icmp, "ICMP to our ip: short or checksum wrong")       \
	X(ICMP_TYPE, icmp_type, "ICMP to our ip that is not an echo request")  \
	X(NO_TX_BUF, no_tx_buf, "every TX buffer in flight")                   \
	X(TX_QUEUE, tx_queue, "tx_active full (never with an honest mux)")

enum reflect_drop {
#define REFLECT_DROP_ENUM(id, name, meaning) DROP_##id,
	REFLECT_DROPS(REFLECT_DROP_ENUM)
#undef REFLECT_DROP_ENUM
	/* not a reason: how many there are */
	REFLECT_DROP_REASONS
};

struct bench {
	struct net_client nc; /* first: tests look at it through the state */
	struct sdvf_pd *pd;
	enum bench_mode mode;
	bool has_ip;
	uint8_t ip[4];
	struct host_ipv4_if net;
	/* source */
	uint8_t dst_mac[SDVF_NET_MAC_LEN];
	uint16_t src_len;
	uint64_t src_count, src_burst, interval_ns; /* interval 0: no pacing */
	uint64_t next_seq, paced_until_ns;
	bool started, logged_done; /* started: the first timer fired */
	/* sink */
	uint64_t sink_next_seq;
#define BENCH_FIELD(field, name, meaning) _Atomic uint64_t *field;
	BENCH_COUNTERS(BENCH_FIELD)
#undef BENCH_FIELD
	_Atomic uint64_t *drops[REFLECT_DROP_REASONS];
};

static void drop(struct bench *b, enum reflect_drop why)
{
	sdvf_counter_add(b->drops[why], 1);
}

static bool send(struct bench *b, const struct net_tx_buf *buf, uint32_t len)
{
	if (!net_client_tx_send(&b->nc, buf->offset, (uint16_t)len))
		return false;
	sdvf_counter_add(b->tx_frames, 1);
	sdvf_counter_add(b->tx_bytes, len);
	return true;
}

/* ---- sink ------------------------------------------------------------ */

static void sink_check(struct bench *b, const struct net_rx_frame *f)
{
	if (f->len < BENCH_MIN_LEN ||
	    sdvf_get_be16(f->data + ETH_TYPE_AT) != BENCH_ETHERTYPE)
		return;
	if (sdvf_inet_csum(f->data + BENCH_SEQ_AT, f->len - BENCH_SEQ_AT, 0)) {
		sdvf_counter_add(b->sink_bad_payload, 1);
		return;
	}
	uint64_t seq = (uint64_t)sdvf_get_be32(f->data + BENCH_SEQ_AT) << 32 |
		       sdvf_get_be32(f->data + BENCH_SEQ_AT + 4);
	if (seq != b->sink_next_seq)
		sdvf_counter_add(b->sink_seq_gaps, 1);
	b->sink_next_seq = seq + 1;
}

/* ---- source ---------------------------------------------------------- */

static void source_fill(struct bench *b, uint8_t *out, uint64_t seq)
{
	sdvf_copy(out, b->dst_mac, SDVF_NET_MAC_LEN);
	sdvf_copy(out + SDVF_NET_MAC_LEN, b->nc.mac, SDVF_NET_MAC_LEN);
	sdvf_put_be16(out + ETH_TYPE_AT, BENCH_ETHERTYPE);
	sdvf_put_be32(out + BENCH_SEQ_AT, (uint32_t)(seq >> 32));
	sdvf_put_be32(out + BENCH_SEQ_AT + 4, (uint32_t)seq);
	sdvf_put_be16(out + BENCH_CSUM_AT, 0);
	for (uint32_t i = BENCH_MIN_LEN; i < b->src_len; i++)
		out[i] = (uint8_t)(seq + i);
	sdvf_put_be16(out + BENCH_CSUM_AT,
		      sdvf_inet_csum(out + BENCH_SEQ_AT,
				     b->src_len - BENCH_SEQ_AT, 0));
}

/* Frames the pacing allows now: one per interval since paced_until, at
 * most one burst.  The timer fires once a burst is due, so a paced source
 * wakes once per src_burst frames. */
static uint64_t source_allowance(struct bench *b, uint64_t now)
{
	if (b->interval_ns == 0)
		return UINT64_MAX;
	uint64_t window = b->src_burst * b->interval_ns;
	/* Credit does not pile up past one burst while we could not send. */
	if (now > b->paced_until_ns && now - b->paced_until_ns > window)
		b->paced_until_ns = now - window;
	if (now < b->paced_until_ns)
		return 0;
	uint64_t due = (now - b->paced_until_ns) / b->interval_ns;
	return due < b->src_burst ? due : b->src_burst;
}

static void source_pump(struct bench *b)
{
	if (b->src_count != 0 && b->next_seq >= b->src_count) {
		if (!b->logged_done) {
			b->logged_done = true;
			sdvf_log(b->pd, SDVF_LOG_INFO,
				 "bench source: %llu frames sent",
				 (unsigned long long)b->next_seq);
		}
		return;
	}
	uint64_t now = sdvf_now_ns(b->pd);
	uint64_t allowed = source_allowance(b, now);
	uint64_t sent = 0;
	while (sent < allowed &&
	       (b->src_count == 0 || b->next_seq < b->src_count)) {
		struct net_tx_buf buf;
		if (!net_client_tx_alloc(&b->nc, &buf)) {
			/* A completion wakes us: nothing is lost, we wait. */
			sdvf_counter_add(b->source_waits, 1);
			break;
		}
		source_fill(b, buf.data, b->next_seq);
		if (!send(b, &buf, b->src_len)) {
			sdvf_counter_add(b->source_queue_full, 1);
			break;
		}
		b->next_seq++;
		sent++;
	}
	if (b->interval_ns != 0) {
		b->paced_until_ns += sent * b->interval_ns;
		/* Credit left over (we waited for buffers) must not arm a
		 * timer in the past: completions wake us for that. */
		uint64_t from =
			b->paced_until_ns > now ? b->paced_until_ns : now;
		if (b->src_count == 0 || b->next_seq < b->src_count)
			sdvf_timer_set(b->pd,
				       from + b->src_burst * b->interval_ns);
	}
}

/* ---- reflect ---------------------------------------------------------- */

/* An ARP request for our ip, answered in place in `o` (the frame, its
 * Ethernet addresses already swapped).  False: counted, not answered. */
static bool arp_reply(struct bench *b, uint8_t *o, uint32_t len)
{
	uint8_t *a = o + SDVF_NET_ETH_HLEN;
	if (!b->has_ip || len < SDVF_NET_ETH_HLEN + HOST_ARP_LEN ||
	    !host_arp_is_ether_ipv4(a) || !host_arp_asks_for(a, b->ip) ||
	    !host_mac_is_station(a + 8) ||
	    sdvf_bytes_equal(a + 8, b->nc.mac, SDVF_NET_MAC_LEN)) {
		drop(b, DROP_ARP);
		return false;
	}
	uint32_t sender_ip = sdvf_get_be32(a + 14);
	/* An ARP probe's 0.0.0.0 is answered (RFC 5227). */
	if (sender_ip != 0 &&
	    host_ipv4_sender(&b->net, sender_ip) != HOST_SENDER_OK) {
		drop(b, DROP_SRC_NOT_HOST);
		return false;
	}
	sdvf_copy(o, a + 8, SDVF_NET_MAC_LEN); /* to the ARP sender */
	host_arp_reply(a, a, b->nc.mac, b->ip);
	return true;
}

/* ICMP to our ip: an echo request becomes the reply, in place. */
static bool icmp_reply(struct bench *b, uint8_t *icmp, uint32_t n)
{
	if (n < HOST_ICMP_HDR || sdvf_inet_csum(icmp, n, 0) != 0) {
		drop(b, DROP_BAD_ICMP);
		return false;
	}
	if (icmp[0] != 8 || icmp[1] != 0) {
		drop(b, DROP_ICMP_TYPE);
		return false;
	}
	host_icmp_echo_reply(icmp, n);
	return true;
}

/* IPv4 in `o` (Ethernet addresses already swapped): UDP gets addresses
 * and ports swapped, an ICMP echo request to us its reply, anything else
 * goes back as it is.  False: counted, not answered. */
static bool ipv4_reflect(struct bench *b, uint8_t *o, uint32_t len)
{
	uint8_t *ip = o + SDVF_NET_ETH_HLEN;
	uint32_t avail = len - SDVF_NET_ETH_HLEN;
	uint32_t hdr = avail >= 1 ? (ip[0] & 0x0fu) * 4u : 0;
	uint32_t total = avail >= 4 ? sdvf_get_be16(ip + 2) : 0;
	if (avail < IP_MIN_HDR || (ip[0] >> 4) != 4 || hdr < IP_MIN_HDR ||
	    total < hdr || total > avail || sdvf_inet_csum(ip, hdr, 0) != 0) {
		drop(b, DROP_BAD_IP);
		return false;
	}
	if (host_ipv4_sender(&b->net, sdvf_get_be32(ip + 12)) !=
	    HOST_SENDER_OK) {
		drop(b, DROP_SRC_NOT_HOST);
		return false;
	}
	uint8_t *l4 = ip + hdr;
	uint32_t n = total - hdr;
	bool to_us = b->has_ip && sdvf_bytes_equal(ip + 16, b->ip, 4);
	if (ip[9] == IP_PROTO_ICMP && to_us) {
		if (!icmp_reply(b, l4, n))
			return false;
	} else if (ip[9] == IP_PROTO_UDP) {
		if ((sdvf_get_be16(ip + 6) & 0x3fffu) != 0) {
			drop(b, DROP_FRAGMENT);
			return false;
		}
		/* The answer comes from the address the datagram went to:
		 * it must name one host too. */
		if (host_ipv4_sender(&b->net, sdvf_get_be32(ip + 16)) ==
		    HOST_SENDER_NOT_HOST) {
			drop(b, DROP_GROUP_DEST);
			return false;
		}
		if (n < 8 || !host_udp_may_answer(sdvf_get_be16(l4),
						  sdvf_get_be16(l4 + 2))) {
			drop(b, DROP_UDP_PORT);
			return false;
		}
		uint8_t port[2];
		sdvf_copy(port, l4, 2);
		sdvf_copy(l4, l4 + 2, 2);
		sdvf_copy(l4 + 2, port, 2);
	} else {
		return true; /* the reflector's answer: addresses as they were
			      */
	}
	uint8_t addr[4];
	sdvf_copy(addr, ip + 12, 4);
	sdvf_copy(ip + 12, ip + 16, 4);
	sdvf_copy(ip + 16, addr, 4);
	return true;
}

static void reflect(struct bench *b, const struct net_rx_frame *f)
{
	/* The destination decides whether to copy at all: read it once. */
	uint8_t dst[SDVF_NET_MAC_LEN];
	sdvf_copy(dst, f->data, SDVF_NET_MAC_LEN);
	bool group = sdvf_mac_is_group(dst);
	struct net_tx_buf buf;
	switch (reflect_copy(&b->nc, f, &buf)) {
	case REFLECT_NO_TX_BUF:
		drop(b, DROP_NO_TX_BUF);
		return;
	case REFLECT_GROUP_SOURCE:
		drop(b, DROP_GROUP_SOURCE);
		return;
	case REFLECT_OK:
		break;
	}
	uint16_t type = sdvf_get_be16(buf.data + ETH_TYPE_AT);
	bool ok;
	uint32_t len = f->len;
	if (type == ETH_ARP) {
		ok = arp_reply(b, buf.data, len);
		len = SDVF_NET_ETH_HLEN + HOST_ARP_LEN;
	} else if (group) {
		drop(b, DROP_GROUP_DEST);
		ok = false;
	} else if (type == ETH_IPV4) {
		ok = ipv4_reflect(b, buf.data, len);
	} else {
		ok = true;
	}
	if (!ok) {
		net_client_tx_cancel(&b->nc, buf.offset);
		return;
	}
	if (!send(b, &buf, len))
		drop(b, DROP_TX_QUEUE);
}

/* ---- activation ------------------------------------------------------- */

/* The next frame; in reflect mode only one it has a TX buffer to answer
 * (net_client_rx_take_answerable). */
static bool take_one(struct bench *b, struct net_rx_frame *f)
{
	if (b->mode == BENCH_REFLECT)
		return net_client_rx_take_answerable(&b->nc, f,
						     b->reflect_waits);
	return net_client_rx_take(&b->nc, f);
}

/* Every frame waiting that take_one gives. */
static void take_frames(struct bench *b)
{
	struct net_rx_frame f;
	while (take_one(b, &f)) {
		sdvf_counter_add(b->rx_frames, 1);
		sdvf_counter_add(b->rx_bytes, f.len);
		if (b->mode == BENCH_REFLECT)
			reflect(b, &f);
		else if (b->mode == BENCH_SINK)
			sink_check(b, &f);
		net_client_rx_return(&b->nc, f.offset);
	}
}

static void bench_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct bench *b = state;
	(void)pd;
	/* Any channel (rx, tx, timer): look at everything. */
	if (ch == SDVF_CHANNEL_TIMER)
		b->started = true;
	struct net_tx_done done;
	while (net_client_tx_reap(&b->nc, &done))
		sdvf_counter_add(b->tx_done, 1);
	take_frames(b);
	if (b->mode == BENCH_SOURCE && b->started)
		source_pump(b);
	net_client_finish(&b->nc);
}

static void bench_peer_restart(void *state, struct sdvf_pd *pd,
			       sdvf_channel_t ch)
{
	struct bench *b = state;
	(void)pd;
	/* No RX frame is held between activations: nothing to forget.  A
	 * TX mux that restarted gives every TX buffer back: frames waiting
	 * for one go on now. */
	net_client_peer_restart(&b->nc, ch);
	take_frames(b);
	if (b->mode == BENCH_SOURCE && b->started)
		source_pump(b);
	net_client_finish(&b->nc);
}

/* ---- init ------------------------------------------------------------- */

static bool source_config(struct bench *b, struct sdvf_pd *pd)
{
	size_t len = 0;
	const uint8_t *dst = sdvf_config_bytes(pd, "src_dst_mac", &len);
	if (!dst || len != SDVF_NET_MAC_LEN) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "bench: bench_mode \"source\" needs src_dst_mac, "
			 "6 bytes: [02 00 00 00 00 01]");
		return false;
	}
	sdvf_copy(b->dst_mac, dst, SDVF_NET_MAC_LEN);
	b->src_len = (uint16_t)sdvf_config_u64(pd, "src_len");
	b->src_count = sdvf_config_u64(pd, "src_count");
	b->src_burst = sdvf_config_u64(pd, "src_burst");
	uint64_t pps = sdvf_config_u64(pd, "src_pps");
	b->interval_ns = pps ? 1000000000ull / pps : 0;
	b->paced_until_ns = sdvf_now_ns(pd);
	/* The first frames go when the timer fires, every PD up by then: at
	 * once, or when the first burst is due (a deadline of 0 would disarm
	 * the timer). */
	sdvf_timer_set(pd, b->paced_until_ns +
				   (pps ? b->src_burst * b->interval_ns : 1));
	return true;
}

static int bench_init(void *state, struct sdvf_pd *pd)
{
	struct bench *b = state;
	b->pd = pd;
#define BENCH_REGISTER(field, name, meaning) b->field = sdvf_counter(pd, name);
	BENCH_COUNTERS(BENCH_REGISTER)
#undef BENCH_REGISTER
#define REFLECT_DROP_REGISTER(id, name, meaning)                               \
	b->drops[DROP_##id] = sdvf_counter(pd, "bench.reflect.drop." #name);
	REFLECT_DROPS(REFLECT_DROP_REGISTER)
#undef REFLECT_DROP_REGISTER
	const char *mode = sdvf_config_str(pd, "bench_mode");
	b->mode = !mode || sdvf_str_equal(mode, "reflect") ? BENCH_REFLECT
		  : sdvf_str_equal(mode, "sink")	   ? BENCH_SINK
							   : BENCH_SOURCE;
	size_t len = 0;
	const uint8_t *ip = sdvf_config_bytes(pd, "ip", &len);
	b->has_ip = ip && len == 4;
	if (b->has_ip)
		sdvf_copy(b->ip, ip, 4);
	b->net.addr = b->has_ip ? sdvf_get_be32(b->ip) : 0;
	b->net.mask =
		host_ipv4_mask((uint32_t)sdvf_config_u64(pd, "prefix_len"));
	if (b->has_ip && !host_ipv4_if_ok(&b->net)) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "bench: ip %u.%u.%u.%u (prefix_len %u) names no host",
			 ip[0], ip[1], ip[2], ip[3],
			 (unsigned)sdvf_config_u64(pd, "prefix_len"));
		return -1;
	}
	if (!net_client_attach(&b->nc, pd))
		return -1;
	if (b->mode == BENCH_SOURCE && !source_config(b, pd))
		return -1;
	net_client_finish(&b->nc);
	return 0;
}

/* ---- what it declares -------------------------------------------------- */

static const struct sdvf_need bench_needs[] = {NET_CLIENT_NEEDS, {0}};

static const struct sdvf_param bench_params[] = {
	NET_CLIENT_PARAMS,
	SDVF_PARAM_CHOICE("bench_mode", 7, bench_mode_choice,
			  "sink, source or reflect (the default)"),
	{.name = "ip",
	 .type = SDVF_PARAM_BYTES,
	 .min = 4,
	 .max = 4,
	 .help = "reflect: our IPv4 address (ARP, ping), 4 bytes: [0a 00 00 "
		 "02]; absent: neither is answered"},
	SDVF_PARAM_U64_DEFAULT("prefix_len", 1, 32, 32,
			       "our subnet's prefix length (host_rules.h)"),
	{.name = "src_dst_mac",
	 .type = SDVF_PARAM_MAC,
	 .names_peer = true,
	 .help = "source: the destination of every frame (required there)"},
	SDVF_PARAM_U64_DEFAULT("src_len", BENCH_MIN_LEN, 1514, 60,
			       "source: frame length without FCS"),
	SDVF_PARAM_U64_DEFAULT("src_pps", 0, 1000000000, 0,
			       "source: frames a second (0: as fast as TX "
			       "buffers come back)"),
	SDVF_PARAM_U64_DEFAULT("src_burst", 1, 4096, 32,
			       "source: most frames sent at once when paced"),
	SDVF_PARAM_U64_DEFAULT("src_count", 0, UINT64_MAX, 0,
			       "source: frames to send in all (0: forever)"),
	{0},
};

static const struct sdvf_counter_doc bench_counters[] = {
#define BENCH_DOC(field, name, meaning) {name, meaning},
	BENCH_COUNTERS(BENCH_DOC)
#undef BENCH_DOC
#define REFLECT_DROP_DOC(id, name, meaning)                                    \
	{"bench.reflect.drop." #name, "reflect: not answered: " meaning},
		REFLECT_DROPS(REFLECT_DROP_DOC)
#undef REFLECT_DROP_DOC
	/* net.*, and <queue>.bad_index of its four queues */
	NET_CLIENT_COUNTER_DOCS{0},
};

const struct sdvf_component bench_component = {
	.name = "bench",
	.summary = "raw bench net client: sink, source or reflect",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct bench),
	.needs = bench_needs,
	.params = bench_params,
	.counters = bench_counters,
	.init = bench_init,
	.notified = bench_notified,
	.peer_restart = bench_peer_restart,
};
