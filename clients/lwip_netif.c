/*
 * lwip_netif: lwIP's netif over net_client (clients/lwip_netif.h says what
 * it trusts, when it copies and what it counts).  One frame's way:
 *
 *   RX mux -> rx_active -> rx_take -> host rules -> rx_tcp_reopen (a SYN
 *          may end a TIME-WAIT) -> custom pbuf (in place)
 *          or PBUF_RAM (one copy, buffer returned at once) -> ethernet_input
 *          ... lwIP frees the custom pbuf -> rx_return -> rx_free -> RX mux
 *   lwIP -> linkoutput -> hold queue (if non-empty or no buffer idle)
 *          -> tx_alloc, one copy, tx_send -> tx_active -> TX mux
 *   TX mux -> tx_free -> tx_reap (buffer idle) -> hold queue drained
 *   (ip_mode "dhcp") UDP to port 68 -> rx_dhcp -> dhcp_input -> dhcp_apply
 *          (netif address); dhcp_send -> raw UDP pcb -> linkoutput
 */
#include <malloc.h>

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "netif/ethernet.h"

#include "clients/host_rules.h"
#include "clients/lwip_netif.h"
#include "core/bytes.h"

#define ETHTYPE_ARP_BE 0x0806u
#define ETHTYPE_IPV4_BE 0x0800u
#define IPV4_MIN_HLEN 20u
#define IPV4_MF 0x2000u
#define IPV4_OFFSET_MASK 0x1fffu
#define IPV4_PROTO_ICMP 1u
#define IPV4_PROTO_TCP 6u
#define IPV4_PROTO_UDP 17u
#define TCP_MIN_HLEN 20u
#define TCP_FLAGS_AT 13u
#define TCP_FLAG_FIN_BIT 0x01u
#define TCP_FLAG_SYN_BIT 0x02u
#define TCP_FLAG_RST_BIT 0x04u
#define TCP_FLAG_ACK_BIT 0x10u

/* lwIP's state is global: the one netif of this process, whose PD clock
 * sys_now reads. */
static struct lwip_netif *lwip_owner;

/* lwIP's clock, in ms: the PD's, so a sim system runs lwIP's timers on
 * virtual time.  Replaces liblwip's own sys_now (an ELF interposition:
 * the library calls it through its PLT). */
u32_t sys_now(void)
{
	if (!lwip_owner)
		return 0;
	return (u32_t)(sdvf_now_ns(lwip_owner->pd) / 1000000u);
}

/* lwIP's Internet checksum: the 16-bit one's complement sum of `len`
 * bytes, folded, not complemented, in the order its two bytes load in
 * memory, as liblwip's own computes it.  Replaces that one, as sys_now
 * does, through the library's PLT: Debian's build sums two bytes a step,
 * and lwIP sums every UDP datagram twice (checked on RX, summed on TX);
 * sdvf_inet_sum (core/bytes.h) sums eight (docs/clients.md,
 * "Checksums"). */
u16_t lwip_standard_chksum(const void *dataptr, int len)
{
	return sdvf_net16_memory_order(
		sdvf_inet_sum(dataptr, len > 0 ? (size_t)len : 0, 0));
}

/* ---- TX ----------------------------------------------------------------- */

/* Copy `p` into an idle TX buffer and send it; false if none is idle. */
static bool tx_one(struct lwip_netif *ln, struct pbuf *p)
{
	struct net_tx_buf b;
	if (!net_client_tx_alloc(&ln->nc, &b))
		return false;
	u16_t n = pbuf_copy_partial(p, b.data, p->tot_len, 0);
	if (!net_client_tx_send(&ln->nc, b.offset, n)) {
		sdvf_counter_add(ln->tx_drop_queue, 1);
		return true; /* not held: an honest mux never fills tx_active */
	}
	sdvf_counter_add(ln->tx_frames, 1);
	sdvf_counter_add(ln->tx_bytes, n);
	return true;
}

/* Send held frames, oldest first, while buffers are idle. */
static void tx_flush_held(struct lwip_netif *ln)
{
	while (ln->hold_count > 0) {
		struct pbuf *p = ln->hold[ln->hold_head];
		if (!tx_one(ln, p))
			return;
		pbuf_free(p);
		ln->hold_head = (ln->hold_head + 1) % LWIP_NETIF_HOLD;
		ln->hold_count--;
	}
}

static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
	struct lwip_netif *ln = netif->state;
	if (p->tot_len < SDVF_NET_ETH_HLEN || p->tot_len > SDVF_BUF_SIZE) {
		sdvf_counter_add(ln->tx_drop_bad, 1);
		return ERR_VAL;
	}
	/* Held frames go first: order on the wire is lwIP's order. */
	if (ln->hold_count == 0 && tx_one(ln, p))
		return ERR_OK;
	if (ln->hold_count == LWIP_NETIF_HOLD) {
		sdvf_counter_add(ln->tx_drop_hold_full, 1);
		return ERR_MEM;
	}
	/* A reference, not a copy: lwIP does not resend a TCP segment
	 * whose pbuf a driver still holds (tcp_output_segment_busy). */
	pbuf_ref(p);
	ln->hold[(ln->hold_head + ln->hold_count) % LWIP_NETIF_HOLD] = p;
	ln->hold_count++;
	sdvf_counter_add(ln->tx_held, 1);
	return ERR_OK;
}

/* ---- RX ----------------------------------------------------------------- */

static void rx_pbuf_free(struct pbuf *p)
{
	struct lwip_rx_pbuf *r = (struct lwip_rx_pbuf *)p;
	r->in_use = false;
	if (r->stale)
		r->stale = false; /* the mux that lent it is gone */
	else
		net_client_rx_return(&r->ln->nc, r->offset);
}

/* RFC 1122's host rules, before lwIP: see clients/host_rules.h. */
static bool rx_sender_ok(const struct lwip_netif *ln,
			 const struct net_rx_frame *f)
{
	if (!host_mac_is_station(f->data + SDVF_NET_MAC_LEN))
		return false;
	if (sdvf_get_be16(f->data + 12) != ETHTYPE_IPV4_BE ||
	    f->len < SDVF_NET_ETH_HLEN + IPV4_MIN_HLEN)
		return true;
	struct host_ipv4_if us = {.addr = ln->ipv4, .mask = ln->ipv4_mask};
	uint32_t src = sdvf_get_be32(f->data + SDVF_NET_ETH_HLEN + 12);
	return host_ipv4_sender(&us, src) == HOST_SENDER_OK;
}

/* How many leading bytes of the frame lwIP must get as a copy, the rest
 * staying in place (rx_data is read-only): none for ARP and for unfragmented
 * IPv4 UDP and ICMP (lwIP only reads those; an ICMP echo reply is built in
 * a new pbuf); the headers for TCP (tcp_input turns the TCP header to host
 * order in place), the payload staying in place; the whole frame for
 * anything else (IPv4 reassembly keeps its bookkeeping in the header, and
 * we do not vouch for the rest of lwIP), for a TCP segment without payload,
 * and when half the RX buffers are in lwIP's hands already (TCP's queues),
 * so RX never starves. */
static uint32_t rx_copy_head(const struct lwip_netif *ln,
			     const struct net_rx_frame *f)
{
	uint64_t slot = f->offset / SDVF_BUF_SIZE;
	if (ln->rx_pbuf[slot].in_use ||
	    net_client_rx_held(&ln->nc) > ln->rx_capacity / 2)
		return f->len;
	uint16_t type = sdvf_get_be16(f->data + 12);
	if (type == ETHTYPE_ARP_BE)
		return 0;
	const uint8_t *ip = f->data + SDVF_NET_ETH_HLEN;
	uint32_t ip_hlen = (ip[0] & 0xfu) * 4u;
	if (type != ETHTYPE_IPV4_BE ||
	    f->len < SDVF_NET_ETH_HLEN + IPV4_MIN_HLEN ||
	    ip_hlen < IPV4_MIN_HLEN ||
	    (sdvf_get_be16(ip + 6) & (IPV4_MF | IPV4_OFFSET_MASK)) != 0)
		return f->len;
	if (ip[9] == IPV4_PROTO_UDP || ip[9] == IPV4_PROTO_ICMP)
		return 0;
	uint32_t tcp_at = SDVF_NET_ETH_HLEN + ip_hlen;
	if (ip[9] != IPV4_PROTO_TCP || f->len < tcp_at + TCP_MIN_HLEN)
		return f->len;
	uint32_t head = tcp_at + (f->data[tcp_at + 12] >> 4) * 4u;
	return head < f->len ? head : f->len;
}

/* A pbuf chain holding the frame: its head copied, the rest in place (the
 * buffer stays lent until lwIP frees that part); or all of it copied (the
 * buffer goes back now).  NULL if lwIP has no memory (buffer returned). */
static struct pbuf *rx_pbuf(struct lwip_netif *ln, const struct net_rx_frame *f)
{
	uint32_t head = rx_copy_head(ln, f);
	struct pbuf *p = NULL;
	if (head > 0) {
		p = pbuf_alloc(PBUF_RAW, (u16_t)head, PBUF_RAM);
		if (!p || head == f->len) {
			if (p) {
				pbuf_take(p, f->data, f->len);
				sdvf_counter_add(ln->rx_copied, 1);
			}
			net_client_rx_return(&ln->nc, f->offset);
			return p;
		}
		pbuf_take(p, f->data, (u16_t)head);
	}
	struct lwip_rx_pbuf *r = &ln->rx_pbuf[f->offset / SDVF_BUF_SIZE];
	r->pc.custom_free_function = rx_pbuf_free;
	r->ln = ln;
	r->offset = f->offset;
	r->in_use = true;
	sdvf_counter_add(ln->rx_zero_copy, 1);
	/* PBUF_REF: lwIP never adds a header in front of it, so it never
	 * writes into the read-only frame. */
	u16_t rest = (u16_t)(f->len - head);
	struct pbuf *tail =
		pbuf_alloced_custom(PBUF_RAW, rest, PBUF_REF, &r->pc,
				    (void *)(uintptr_t)(f->data + head), rest);
	if (!p)
		return tail;
	pbuf_cat(p, tail);
	return p;
}

static uint64_t now_ms(const struct lwip_netif *ln)
{
	return sdvf_now_ns(ln->pd) / 1000000u;
}

static void dhcp_publish(struct lwip_netif *ln)
{
#define LWIP_NETIF_DHCP_SET(field, name, meaning)                              \
	sdvf_counter_set(ln->dhcp_##field, ln->dhcp.field);
	DHCP_COUNTERS(LWIP_NETIF_DHCP_SET)
#undef LWIP_NETIF_DHCP_SET
}

/* With DHCP on, a UDP datagram to port 68 is the DHCP client's, whatever
 * its IP destination (an offer goes to an address we do not have yet);
 * true if it took the frame.  The UDP length is bounded by the frame's;
 * a datagram not from port 67 or longer than its frame is malformed. */
static bool rx_dhcp(struct lwip_netif *ln, const struct net_rx_frame *f)
{
	if (!ln->dhcp_on || sdvf_get_be16(f->data + 12) != ETHTYPE_IPV4_BE ||
	    f->len < SDVF_NET_ETH_HLEN + IPV4_MIN_HLEN)
		return false;
	const uint8_t *ip = f->data + SDVF_NET_ETH_HLEN;
	uint32_t ip_hlen = (ip[0] & 0xfu) * 4u;
	uint32_t udp_at = SDVF_NET_ETH_HLEN + ip_hlen;
	if ((ip[0] >> 4) != 4 || ip_hlen < IPV4_MIN_HLEN ||
	    ip[9] != IPV4_PROTO_UDP ||
	    (sdvf_get_be16(ip + 6) & (IPV4_MF | IPV4_OFFSET_MASK)) != 0 ||
	    f->len < udp_at + UDP_HLEN)
		return false;
	const uint8_t *udp = f->data + udp_at;
	if (sdvf_get_be16(udp + 2) != DHCP_CLIENT_PORT)
		return false;
	uint32_t udp_len = sdvf_get_be16(udp + 4);
	if (sdvf_get_be16(udp) != DHCP_SERVER_PORT || udp_len < UDP_HLEN ||
	    udp_len > f->len - udp_at)
		ln->dhcp.drop_malformed++;
	else
		dhcp_input(&ln->dhcp, udp + UDP_HLEN, udp_len - UDP_HLEN,
			   now_ms(ln));
	dhcp_publish(ln);
	return true;
}

/* A connection's first SYN for a 4-tuple lwIP still holds in TIME-WAIT:
 * drop the TIME-WAIT pcb when the SYN's sequence number is beyond all the
 * old connection received (RFC 1122 4.2.2.13: a new incarnation, not an
 * old duplicate), so lwIP's listener takes the SYN.  Unhelped, lwIP answers
 * it with an ACK of the old connection and ignores the peer's RST (RFC
 * 1337) until 2 MSL (120 s) have passed, so a peer that reuses the port
 * (Linux does, towards a server that closed first) cannot connect.  Only
 * the SYN's own headers are read, within the frame; lwIP's TIME-WAIT list
 * is ours to change (single-threaded, between lwIP calls), and tcp_abort
 * of a TIME-WAIT pcb frees it without sending anything. */
static void rx_tcp_reopen(struct lwip_netif *ln, const struct net_rx_frame *f)
{
	if (!tcp_tw_pcbs || sdvf_get_be16(f->data + 12) != ETHTYPE_IPV4_BE ||
	    f->len < SDVF_NET_ETH_HLEN + IPV4_MIN_HLEN)
		return;
	const uint8_t *ip = f->data + SDVF_NET_ETH_HLEN;
	uint32_t ip_hlen = (ip[0] & 0xfu) * 4u;
	uint32_t tcp_at = SDVF_NET_ETH_HLEN + ip_hlen;
	if ((ip[0] >> 4) != 4 || ip_hlen < IPV4_MIN_HLEN ||
	    ip[9] != IPV4_PROTO_TCP ||
	    (sdvf_get_be16(ip + 6) & (IPV4_MF | IPV4_OFFSET_MASK)) != 0 ||
	    f->len < tcp_at + TCP_MIN_HLEN)
		return;
	const uint8_t *tcp = f->data + tcp_at;
	uint8_t flags =
		tcp[TCP_FLAGS_AT] & (TCP_FLAG_SYN_BIT | TCP_FLAG_ACK_BIT |
				     TCP_FLAG_RST_BIT | TCP_FLAG_FIN_BIT);
	if (flags != TCP_FLAG_SYN_BIT)
		return;
	u32_t src = lwip_htonl(sdvf_get_be32(ip + 12));
	u32_t dst = lwip_htonl(sdvf_get_be32(ip + 16));
	u16_t src_port = sdvf_get_be16(tcp), dst_port = sdvf_get_be16(tcp + 2);
	u32_t seq = sdvf_get_be32(tcp + 4);
	for (struct tcp_pcb *pcb = tcp_tw_pcbs; pcb; pcb = pcb->next) {
		if (pcb->remote_port != src_port ||
		    pcb->local_port != dst_port ||
		    !IP_IS_V4_VAL(pcb->remote_ip) ||
		    ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip)) != src ||
		    ip4_addr_get_u32(ip_2_ip4(&pcb->local_ip)) != dst)
			continue;
		if (TCP_SEQ_GT(seq, pcb->rcv_nxt)) {
			tcp_abort(pcb);
			sdvf_counter_add(ln->tcp_reopened, 1);
		}
		return; /* one pcb per 4-tuple */
	}
}

static void rx_drain(struct lwip_netif *ln)
{
	struct net_rx_frame f;
	while (net_client_rx_take(&ln->nc, &f)) {
		if (!rx_sender_ok(ln, &f)) {
			sdvf_counter_add(ln->rx_drop_host_rules, 1);
			net_client_rx_return(&ln->nc, f.offset);
			continue;
		}
		if (rx_dhcp(ln, &f)) {
			net_client_rx_return(&ln->nc, f.offset);
			continue;
		}
		rx_tcp_reopen(ln, &f);
		struct pbuf *p = rx_pbuf(ln, &f);
		if (!p) {
			sdvf_counter_add(ln->rx_drop_nomem, 1);
			continue;
		}
		sdvf_counter_add(ln->rx_frames, 1);
		sdvf_counter_add(ln->rx_bytes, f.len);
		if (ln->netif.input(p, &ln->netif) != ERR_OK) {
			sdvf_counter_add(ln->rx_drop_input, 1);
			pbuf_free(p);
		}
	}
}

/* ---- activation --------------------------------------------------------- */

/* Publish, signal, and wake again at lwIP's (or DHCP's) next timeout. */
static void finish(struct lwip_netif *ln)
{
	net_client_finish(&ln->nc);
	uint64_t now = sdvf_now_ns(ln->pd), at = 0;
	u32_t ms = sys_timeouts_sleeptime();
	if (ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE)
		at = now + (uint64_t)(ms ? ms : 1) * 1000000u;
	uint64_t dhcp_ms = ln->dhcp_on ? dhcp_next_ms(&ln->dhcp) : 0;
	if (dhcp_ms) {
		uint64_t dhcp_at = dhcp_ms * 1000000u;
		if (dhcp_at <= now)
			dhcp_at = now + 1000000u;
		if (at == 0 || dhcp_at < at)
			at = dhcp_at;
	}
	sdvf_timer_set(ln->pd, at);
}

void lwip_netif_notified(struct lwip_netif *ln, sdvf_channel_t ch)
{
	(void)ch; /* rx, tx or the timer: look at everything */
	struct net_tx_done done;
	while (net_client_tx_reap(&ln->nc, &done))
		;
	tx_flush_held(ln);
	rx_drain(ln);
	sys_check_timeouts();
	if (ln->dhcp_on) {
		dhcp_tick(&ln->dhcp, now_ms(ln));
		dhcp_publish(ln);
	}
	tx_flush_held(ln); /* buffers freed by what lwIP just did */
	finish(ln);
}

void lwip_netif_finish(struct lwip_netif *ln)
{
	finish(ln);
}

void lwip_netif_peer_restart(struct lwip_netif *ln, sdvf_channel_t ch)
{
	if (ch == ln->nc.ch_rx) {
		/* The new RX mux never lent what lwIP still holds. */
		for (uint32_t i = 0; i < NET_CLIENT_MAX_BUFS; i++)
			if (ln->rx_pbuf[i].in_use)
				ln->rx_pbuf[i].stale = true;
	}
	net_client_peer_restart(&ln->nc, ch);
	finish(ln);
}

/* ---- init --------------------------------------------------------------- */

static err_t netif_setup(struct netif *netif)
{
	struct lwip_netif *ln = netif->state;
	netif->name[0] = 's';
	netif->name[1] = 'd';
	netif->mtu = SDVF_NET_MTU;
	netif->hwaddr_len = ETH_HWADDR_LEN;
	sdvf_copy(netif->hwaddr, ln->nc.mac, ETH_HWADDR_LEN);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		       NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	netif->output = etharp_output;
	netif->linkoutput = linkoutput;
	return ERR_OK;
}

/* ---- DHCP glue (clients/lwip_dhcp.h) ------------------------------------ */

static void ip4_from_host(ip4_addr_t *out, uint32_t host_order)
{
	ip4_addr_set_u32(out, lwip_htonl(host_order));
}

static void dhcp_send(void *ctx, const uint8_t *msg, size_t len, uint32_t dst,
		      uint32_t src)
{
	struct lwip_netif *ln = ctx;
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
	if (!p)
		return; /* retransmitted on its timer */
	pbuf_take(p, msg, (u16_t)len);
	ip_addr_t to, from;
	ip4_from_host(ip_2_ip4(&to), dst);
	ip4_from_host(ip_2_ip4(&from), src);
	IP_SET_TYPE_VAL(to, IPADDR_TYPE_V4);
	IP_SET_TYPE_VAL(from, IPADDR_TYPE_V4);
	/* From 0.0.0.0 while we have no address: udp_sendto_if_src, as
	 * lwIP's own DHCP does. */
	udp_sendto_if_src(ln->dhcp_pcb, p, &to, DHCP_SERVER_PORT, &ln->netif,
			  &from);
	pbuf_free(p);
}

static void dhcp_apply(void *ctx, const struct dhcp_lease *l)
{
	struct lwip_netif *ln = ctx;
	ip4_addr_t addr, mask, gw;
	ip4_from_host(&addr, l->addr);
	ip4_from_host(&mask, l->mask);
	ip4_from_host(&gw, l->router);
	netif_set_addr(&ln->netif, &addr, &mask, &gw);
	ln->ipv4 = l->addr;
	if (l->addr)
		ln->ipv4_mask = l->mask;
	if (!l->addr) {
		sdvf_log(ln->pd, SDVF_LOG_WARN, "lwip: dhcp: address removed");
		return;
	}
	sdvf_log(ln->pd, SDVF_LOG_INFO,
		 "lwip: dhcp: %u.%u.%u.%u mask %u.%u.%u.%u router "
		 "%u.%u.%u.%u from %u.%u.%u.%u for %u s",
		 l->addr >> 24, l->addr >> 16 & 255u, l->addr >> 8 & 255u,
		 l->addr & 255u, l->mask >> 24, l->mask >> 16 & 255u,
		 l->mask >> 8 & 255u, l->mask & 255u, l->router >> 24,
		 l->router >> 16 & 255u, l->router >> 8 & 255u,
		 l->router & 255u, l->server >> 24, l->server >> 16 & 255u,
		 l->server >> 8 & 255u, l->server & 255u, l->lease_s);
}

static const struct dhcp_ops dhcp_glue = {.send = dhcp_send,
					  .apply = dhcp_apply};

static int dhcp_begin(struct lwip_netif *ln)
{
	ln->dhcp_pcb = udp_new();
	if (!ln->dhcp_pcb ||
	    udp_bind(ln->dhcp_pcb, IP_ADDR_ANY, DHCP_CLIENT_PORT) != ERR_OK) {
		sdvf_log(ln->pd, SDVF_LOG_ERROR,
			 "lwip: dhcp: cannot bind UDP port 68");
		return -1;
	}
	ip_set_option(ln->dhcp_pcb, SOF_BROADCAST);
	dhcp_start(&ln->dhcp, &dhcp_glue, ln, ln->nc.mac, ln->ipv4_mask,
		   (uint32_t)sdvf_now_ns(ln->pd), now_ms(ln));
	dhcp_publish(ln);
	return 0;
}

const char *lwip_netif_ip_mode(unsigned i)
{
	static const char *const modes[] = {"static", "dhcp"};
	return i < 2 ? modes[i] : NULL;
}

static bool read_ipv4(struct sdvf_pd *pd, const char *key, ip4_addr_t *out,
		      uint32_t *host_order)
{
	size_t n = 0;
	const uint8_t *b = sdvf_config_bytes(pd, key, &n);
	if (!b || n != 4)
		return false;
	uint32_t a = sdvf_get_be32(b);
	if (host_order)
		*host_order = a;
	IP4_ADDR(out, b[0], b[1], b[2], b[3]);
	return true;
}

int lwip_netif_init(struct lwip_netif *ln, struct sdvf_pd *pd)
{
	if (lwip_owner == ln) {
		/* Restarted in the same process (the sim runtime): lwIP still
		 * holds the dead instance's netif, pcbs and pbufs, which point
		 * into the state the runtime just zeroed.  lwIP has no way to
		 * drop them, so refuse rather than run on them; a hosted
		 * restart is a new process and starts lwIP afresh. */
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "lwip: restarted in the process of its dead instance: "
			 "lwIP's global state still holds it; an lwIP client "
			 "restarts only as a new process (hosted runtime)");
		return -1;
	}
	if (lwip_owner) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "lwip: a second lwIP client in one process (%s): "
			 "lwIP's state is global; run it in its own process",
			 lwip_owner->pd->name);
		return -1;
	}
	ln->pd = pd;
#define LWIP_NETIF_REGISTER(field, name, meaning)                              \
	ln->field = sdvf_counter(pd, name);
	LWIP_NETIF_COUNTERS(LWIP_NETIF_REGISTER)
#undef LWIP_NETIF_REGISTER
	if (!net_client_attach(&ln->nc, pd))
		return -1;
#define LWIP_NETIF_DHCP_REGISTER(field, name, meaning)                         \
	ln->dhcp_##field = sdvf_counter(pd, name);
	DHCP_COUNTERS(LWIP_NETIF_DHCP_REGISTER)
#undef LWIP_NETIF_DHCP_REGISTER
	ln->rx_capacity = (uint32_t)sdvf_config_u64(pd, "rx_capacity");
	const char *mode = sdvf_config_str(pd, "ip_mode");
	ln->dhcp_on = mode && sdvf_str_equal(mode, "dhcp");
	ip4_addr_t addr, mask, gw;
	bool have_ip = read_ipv4(pd, "ip", &addr, &ln->ipv4);
	if (ln->dhcp_on && have_ip) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "lwip: config ip: not with ip_mode \"dhcp\" (the "
			 "lease gives the address)");
		return -1;
	}
	if (!ln->dhcp_on && !have_ip) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "lwip: config ip: 4 bytes needed (or ip_mode "
			 "\"dhcp\")");
		return -1;
	}
	if (ln->dhcp_on) {
		ip4_addr_set_zero(&addr);
		ln->ipv4 = 0;
	}
	ln->ipv4_mask =
		host_ipv4_mask((uint32_t)sdvf_config_u64(pd, "prefix_len"));
	ip4_addr_set_u32(&mask, lwip_htonl(ln->ipv4_mask));
	bool have_gw = read_ipv4(pd, "gateway", &gw, NULL);
	if (ln->dhcp_on && have_gw) {
		sdvf_log(pd, SDVF_LOG_ERROR,
			 "lwip: config gateway: not with ip_mode \"dhcp\" (the "
			 "lease names the router)");
		return -1;
	}
	if (!have_gw)
		ip4_addr_set_zero(&gw);
	/* Large blocks from the heap too: the client filter allows brk, not
	 * mmap (docs/runtime-hosted.md). */
	mallopt(M_MMAP_MAX, 0);
	lwip_owner = ln;
	lwip_init();
	if (!netif_add(&ln->netif, &addr, &mask, &gw, ln, netif_setup,
		       ethernet_input)) {
		sdvf_log(pd, SDVF_LOG_ERROR, "lwip: netif_add failed");
		return -1;
	}
	netif_set_default(&ln->netif);
	netif_set_up(&ln->netif);
	return ln->dhcp_on ? dhcp_begin(ln) : 0;
}
