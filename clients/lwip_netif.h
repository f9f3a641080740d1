/*
 * lwip_netif: an lwIP network interface over net_client (clients/
 * net_client.h), for native clients written against lwIP's raw API (echo,
 * http).  Debian's liblwip (a threaded build, NO_SYS 0, fixed lwipopts.h)
 * is used single-threaded: lwip_init once, frames in through the netif's
 * input (ethernet_input), timers by sys_check_timeouts, all from the PD's
 * activations.  No tcpip thread, no sockets, no netconn.
 *
 * Host code, not a portable component: lwIP allocates with libc malloc
 * (MEM_LIBC_MALLOC), so lwip_netif.c and the lwIP clients are HOST_SRCS
 * built with LWIP_CFLAGS (clients/module.mk); they use the PD API for
 * everything they share with other PDs.
 *
 * What it trusts.  The muxes' descriptors are checked by net_client; frame
 * bytes come from the wire and are lwIP's to parse, after the host rules
 * (clients/host_rules.h): a frame from a group or zero source MAC, or an
 * IPv4 packet whose source names no single host or is our own address, is
 * dropped and counted before lwIP sees it.
 *
 * RX.  Zero copy where lwIP only reads: a frame (ARP, unfragmented IPv4
 * UDP and ICMP) or a TCP segment's payload is handed to lwIP as a custom
 * PBUF_REF over the lent buffer in rx_data (read-only), returned to the
 * mux when lwIP frees it; a TCP segment's headers go first as a copy
 * (tcp_input rewrites them in place).  The whole frame is copied (a
 * PBUF_RAM, the buffer returned at once) for anything else (IPv4
 * fragments: reassembly writes into the header), or when half of
 * rx_capacity is already held by lwIP (TCP's queues), so RX never starves.
 * TCP reopen.  A SYN (no ACK) for a connection lwIP holds in TIME-WAIT,
 * whose sequence number lies beyond everything the peer sent on it, ends
 * that TIME-WAIT before lwIP sees the SYN, so a listener takes it (RFC 1122
 * 4.2.2.13, as Linux and the BSDs do; lwIP itself would answer with an ACK
 * of the old connection and ignore the peer's RST until 2 MSL, 120 s, had
 * passed: a client reusing its port stalls).  Counted (lwip.tcp_reopened).
 * TX.  linkoutput copies the frame once into an idle TX buffer.  With none
 * idle (all at the TX mux) the frame is held (a pbuf reference, at most
 * LWIP_NETIF_HOLD frames, in order) and sent when the TX mux returns
 * buffers; past that bound it is dropped.  Both are counted.
 *
 * Addressing: static IPv4 from config `ip`, `prefix_len` and optional
 * `gateway`; or, with config `ip_mode = "dhcp"` (and no `ip`: the sdvf,net
 * expander writes it for a client whose `ip` is "dhcp"), a lease from a
 * DHCP server (clients/lwip_dhcp.h): every UDP datagram to port 68 goes to
 * the DHCP client, not lwIP, and the netif has no address (answers nothing
 * but ARP for others) until the first ACK.  `prefix_len` is then the
 * fallback when the server sends no usable netmask.  The netif is lwIP's
 * default.
 *
 * Timers: sys_now() is the PD clock (sdvf_now_ns, in ms), and after each
 * activation the PD timer (sdvf_timer_set) is set to lwIP's next timeout.
 * Checksums: lwip_standard_chksum, which liblwip calls for every Internet
 * checksum, is ours (eight bytes a step where the library's takes two;
 * the same sums).  Both replace the library's own through its PLT, so
 * they are defined in lwip_netif.c, the object every lwIP client links.
 *
 * lwIP's state is global to a process, so a process holds one lwip_netif:
 * the hosted runtime runs each PD in its own process; a sim system may hold
 * at most one lwIP client (a second lwip_netif_init fails, logged).  For the
 * same reason a restart is a new process: a hosted restart starts lwIP
 * afresh; a restart in the same process (sim) is refused, logged, since
 * lwIP would still hold the dead instance's pcbs and pbufs.
 *
 * Use, in a client's state struct and handlers:
 *     struct echo { struct lwip_netif ln; ... };
 *     init:       if (lwip_netif_init(&e->ln, pd) < 0) return -1;
 *                 then udp_new / tcp_new ... (lwIP raw API)
 *     notified:   lwip_netif_notified(&e->ln, ch);
 *     peer_restart: lwip_netif_peer_restart(&e->ln, ch);
 * Declare LWIP_NETIF_NEEDS, LWIP_NETIF_PARAMS and LWIP_NETIF_COUNTER_DOCS
 * first in the component's tables.  lwIP callbacks run inside
 * lwip_netif_notified (or init); frames they send are published once at
 * its end.  A client that sends from init calls lwip_netif_finish.
 *
 * Every field is private to the PD (one writer, no ordering rule).
 */
#ifndef SDVF_LWIP_NETIF_H
#define SDVF_LWIP_NETIF_H

#include <stdbool.h>
#include <stdint.h>

#include "lwip/netif.h"
#include "lwip/pbuf.h"

#include "clients/lwip_dhcp.h"
#include "clients/net_client.h"
#include "core/pd.h"

/* Frames held for want of a TX buffer, at most. */
#define LWIP_NETIF_HOLD 64u

/* X(field, name, meaning): counters published by lwip_netif_init. */
#define LWIP_NETIF_COUNTERS(X)                                                 \
	X(rx_frames, "lwip.rx_frames", "frames handed to lwIP")                \
	X(rx_bytes, "lwip.rx_bytes", "bytes of those frames")                  \
	X(rx_zero_copy, "lwip.rx_zero_copy",                                   \
	  "frames lent in place (custom pbuf over rx_data; TCP: "              \
	  "payload only)")                                                     \
	X(rx_copied, "lwip.rx_copied",                                         \
	  "frames copied whole (fragment, not ARP/IPv4, no TCP "               \
	  "payload, or many held)")                                            \
	X(rx_drop_host_rules, "lwip.drop.host_rules",                          \
	  "frames from a source naming no single host, or from us")            \
	X(rx_drop_nomem, "lwip.drop.rx_nomem",                                 \
	  "frames dropped: no memory for a pbuf")                              \
	X(rx_drop_input, "lwip.drop.rx_input", "frames lwIP's input refused")  \
	X(tcp_reopened, "lwip.tcp_reopened",                                   \
	  "SYNs that reopened a connection lwIP held in TIME-WAIT")            \
	X(tx_frames, "lwip.tx_frames", "frames sent to the TX mux")            \
	X(tx_bytes, "lwip.tx_bytes", "bytes of those frames")                  \
	X(tx_held, "lwip.tx_held",                                             \
	  "frames held: every TX buffer was at the mux")                       \
	X(tx_drop_hold_full, "lwip.drop.tx_hold_full",                         \
	  "frames dropped: no TX buffer and the hold queue full")              \
	X(tx_drop_bad, "lwip.drop.tx_bad",                                     \
	  "frames dropped: longer than a buffer or shorter than 14 bytes")     \
	X(tx_drop_queue, "lwip.drop.tx_queue",                                 \
	  "frames dropped: tx_active refused them (a lying mux)")

#define LWIP_NETIF_COUNTER_DOC(field, name, meaning) {name, meaning},
#define LWIP_NETIF_COUNTER_DOCS                                                \
	LWIP_NETIF_COUNTERS(LWIP_NETIF_COUNTER_DOC)                            \
	DHCP_COUNTERS(LWIP_NETIF_COUNTER_DOC) NET_CLIENT_COUNTER_DOCS

#define LWIP_NETIF_NEEDS NET_CLIENT_NEEDS

#define LWIP_NETIF_PARAMS                                                      \
	NET_CLIENT_PARAMS,                                                     \
		{.name = "ip",                                                 \
		 .type = SDVF_PARAM_BYTES,                                     \
		 .min = 4,                                                     \
		 .max = 4,                                                     \
		 .help = "our IPv4 address, network order: [0a 63 00 02] "     \
			 "(required unless ip_mode is \"dhcp\")"},             \
		SDVF_PARAM_CHOICE("ip_mode", 6, lwip_netif_ip_mode,            \
				  "\"static\" (default: config ip) or "        \
				  "\"dhcp\" (a lease; no ip)"),                \
		SDVF_PARAM_U64_DEFAULT("prefix_len", 1, 32, 24,                \
				       "our subnet's prefix length"),          \
	{                                                                      \
		.name = "gateway", .type = SDVF_PARAM_BYTES, .min = 4,         \
		.max = 4, .help = "optional IPv4 router for off-subnet peers"  \
	}

/* An RX buffer lent to lwIP: freed by lwIP, returned to the RX mux. */
struct lwip_rx_pbuf {
	struct pbuf_custom pc; /* first: lwIP frees through &pc.pbuf */
	struct lwip_netif *ln;
	uint64_t offset;
	bool in_use;
	bool stale; /* the RX mux restarted: the offset is not ours to return */
};

struct lwip_netif {
	struct net_client nc;
	bool dhcp_on;		  /* ip_mode "dhcp" */
	struct dhcp_client dhcp;  /* its protocol state */
	struct udp_pcb *dhcp_pcb; /* port 68: what it sends */
	struct netif netif;
	struct sdvf_pd *pd;
	uint32_t rx_capacity;
	uint32_t ipv4, ipv4_mask; /* host order, for the host rules */
	struct lwip_rx_pbuf rx_pbuf[NET_CLIENT_MAX_BUFS];
	/* Frames waiting for a TX buffer, oldest at hold_head. */
	struct pbuf *hold[LWIP_NETIF_HOLD];
	uint32_t hold_head, hold_count;
#define LWIP_NETIF_FIELD(field, name, meaning) _Atomic uint64_t *field;
	LWIP_NETIF_COUNTERS(LWIP_NETIF_FIELD)
#undef LWIP_NETIF_FIELD
#define LWIP_NETIF_DHCP_FIELD(field, name, meaning)                            \
	_Atomic uint64_t *dhcp_##field;
	DHCP_COUNTERS(LWIP_NETIF_DHCP_FIELD)
#undef LWIP_NETIF_DHCP_FIELD
};

/* liblwip's checksum routine, as the library declares it internally (no
 * public header has it): the 16-bit one's complement sum of len bytes,
 * folded, not complemented. */
u16_t lwip_standard_chksum(const void *dataptr, int len);

/* The values of config ip_mode, for LWIP_NETIF_PARAMS. */
const char *lwip_netif_ip_mode(unsigned i);

/* Attach net_client, start lwIP (once per process), add and raise the
 * netif with the configured address.  0, or -1 with one log line. */
int lwip_netif_init(struct lwip_netif *ln, struct sdvf_pd *pd);

/* One activation: TX completions (then held frames), every RX frame into
 * lwIP, lwIP's due timers, publish and signal once, re-arm the timer.
 * Any channel (rx, tx, SDVF_CHANNEL_TIMER). */
void lwip_netif_notified(struct lwip_netif *ln, sdvf_channel_t ch);

/* Publish what lwIP sent outside lwip_netif_notified (from init). */
void lwip_netif_finish(struct lwip_netif *ln);

/* A mux restarted: net_client_peer_restart; held frames stay held. */
void lwip_netif_peer_restart(struct lwip_netif *ln, sdvf_channel_t ch);

#endif
