/*
 * echo: UDP echo (RFC 862) on port 1235 and TCP echo on port 1236 (the
 * ports of sDDF's benchmarks), on lwIP's raw API over clients/lwip_netif.
 *
 * UDP: every datagram goes back to its sender as received, unless the
 * sender's port is one a service uses (below 1024, or our own: two echo
 * servers must not bounce a forged datagram forever; clients/host_rules.h).
 * TCP: every byte received goes back on the same connection.  What does not
 * fit lwIP's send buffer waits (at most one window's worth, because only
 * what is sent is acknowledged to lwIP with tcp_recved) and goes when the
 * peer acknowledges data (the sent callback).  At most ECHO_MAX_CONNS
 * connections at once; another is refused (reset) and counted.
 *
 * Trust: frames reach lwIP through lwip_netif's checks; lwIP parses them.
 * Nothing here reads a frame: only lwIP's pbufs.
 *
 * Configuration: lwip_netif's keys (mac, ip, prefix_len, gateway, queue
 * capacities), udp_port, tcp_port.  Host code (lwIP): clients/module.mk.
 */
#include <stdbool.h>
#include <stdint.h>

#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "clients/host_rules.h"
#include "clients/lwip_netif.h"
#include "core/pd.h"

#define ECHO_MAX_CONNS 16u

/* X(field, name, meaning): the echo client's own counters. */
#define ECHO_COUNTERS(X)                                                       \
	X(udp_packets, "udp.packets", "UDP datagrams echoed")                  \
	X(udp_bytes, "udp.bytes", "UDP payload bytes echoed")                  \
	X(udp_refused, "udp.refused",                                          \
	  "UDP datagrams from a service port (below 1024 or ours)")            \
	X(udp_errors, "udp.errors", "UDP echoes lwIP could not send")          \
	X(tcp_connections, "tcp.connections", "TCP connections accepted")      \
	X(tcp_packets, "tcp.packets", "TCP segments of data received")         \
	X(tcp_bytes, "tcp.bytes", "TCP bytes echoed (queued to lwIP)")         \
	X(tcp_refused, "tcp.refused",                                          \
	  "TCP connections reset: every slot was in use")                      \
	X(tcp_errors, "tcp.errors",                                            \
	  "TCP connections lost to an error (reset, timeout, memory)")

struct echo_conn {
	struct echo *echo;
	struct tcp_pcb *pcb;
	struct pbuf *pending; /* received, not yet queued for sending */
};

struct echo {
	struct lwip_netif ln;
	uint16_t udp_port, tcp_port;
	struct udp_pcb *udp;
	struct tcp_pcb *listener;
	struct echo_conn conn[ECHO_MAX_CONNS];
#define ECHO_FIELD(field, name, meaning) _Atomic uint64_t *field;
	ECHO_COUNTERS(ECHO_FIELD)
#undef ECHO_FIELD
};

/* ---- UDP ---------------------------------------------------------------- */

static void udp_echo(void *arg, struct udp_pcb *pcb, struct pbuf *p,
		     const ip_addr_t *addr, u16_t port)
{
	struct echo *e = arg;
	if (!host_udp_may_answer(port, e->udp_port)) {
		sdvf_counter_add(e->udp_refused, 1);
	} else if (udp_sendto(pcb, p, addr, port) != ERR_OK) {
		sdvf_counter_add(e->udp_errors, 1);
	} else {
		sdvf_counter_add(e->udp_packets, 1);
		sdvf_counter_add(e->udp_bytes, p->tot_len);
	}
	pbuf_free(p);
}

/* ---- TCP ---------------------------------------------------------------- */

static void conn_forget(struct echo_conn *c)
{
	if (c->pending)
		pbuf_free(c->pending);
	c->pending = NULL;
	c->pcb = NULL;
}

/* ERR_ABRT if the pcb had to be reset (a recv callback must say so). */
static err_t conn_close(struct echo_conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	conn_forget(c);
	if (tcp_close(pcb) == ERR_OK)
		return ERR_OK;
	tcp_abort(pcb); /* no memory for the FIN: reset instead */
	return ERR_ABRT;
}

/* Queue as much of what is pending as the send buffer takes; tell lwIP
 * the window may open by as much. */
static void conn_send(struct echo_conn *c)
{
	u16_t queued = 0;
	while (c->pending) {
		struct pbuf *p = c->pending;
		if (p->len ==
		    0) { /* a header emptied by lwIP: the data is next */
			c->pending = p->next;
			if (c->pending)
				pbuf_ref(c->pending); /* ours once p is gone */
			pbuf_free(p);
			continue;
		}
		u16_t n = p->len;
		if (n > tcp_sndbuf(c->pcb))
			n = tcp_sndbuf(c->pcb);
		if (n == 0)
			break;
		if (tcp_write(c->pcb, p->payload, n, TCP_WRITE_FLAG_COPY) !=
		    ERR_OK)
			break; /* out of segments: retried on the next ack */
		queued += n;
		c->pending = pbuf_free_header(p, n);
	}
	if (queued) {
		sdvf_counter_add(c->echo->tcp_bytes, queued);
		tcp_recved(c->pcb, queued);
		tcp_output(c->pcb);
	}
}

static err_t conn_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
		       err_t err)
{
	struct echo_conn *c = arg;
	(void)pcb;
	if (!p) /* the peer closed: whatever is pending is dropped */
		return conn_close(c);
	if (err != ERR_OK) {
		pbuf_free(p);
		return err;
	}
	sdvf_counter_add(c->echo->tcp_packets, 1);
	if (c->pending)
		pbuf_cat(c->pending, p);
	else
		c->pending = p;
	conn_send(c);
	return ERR_OK;
}

static err_t conn_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct echo_conn *c = arg;
	(void)pcb;
	(void)len;
	conn_send(c);
	return ERR_OK;
}

/* lwIP freed the pcb already (reset, timeout, out of memory). */
static void conn_err(void *arg, err_t err)
{
	struct echo_conn *c = arg;
	(void)err;
	sdvf_counter_add(c->echo->tcp_errors, 1);
	conn_forget(c);
}

static err_t conn_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct echo *e = arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	struct echo_conn *c = NULL;
	for (uint32_t i = 0; i < ECHO_MAX_CONNS && !c; i++)
		if (!e->conn[i].pcb)
			c = &e->conn[i];
	if (!c) {
		sdvf_counter_add(e->tcp_refused, 1);
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	*c = (struct echo_conn){.echo = e, .pcb = pcb};
	tcp_arg(pcb, c);
	tcp_recv(pcb, conn_recv);
	tcp_sent(pcb, conn_sent);
	tcp_err(pcb, conn_err);
	sdvf_counter_add(e->tcp_connections, 1);
	return ERR_OK;
}

/* ---- component ---------------------------------------------------------- */

static int echo_listen(struct echo *e, struct sdvf_pd *pd)
{
	e->udp = udp_new();
	if (!e->udp || udp_bind(e->udp, IP_ADDR_ANY, e->udp_port) != ERR_OK) {
		sdvf_log(pd, SDVF_LOG_ERROR, "echo: cannot bind UDP port %u",
			 e->udp_port);
		return -1;
	}
	udp_recv(e->udp, udp_echo, e);
	struct tcp_pcb *pcb = tcp_new();
	if (!pcb || tcp_bind(pcb, IP_ADDR_ANY, e->tcp_port) != ERR_OK) {
		sdvf_log(pd, SDVF_LOG_ERROR, "echo: cannot bind TCP port %u",
			 e->tcp_port);
		return -1;
	}
	e->listener = tcp_listen(pcb);
	if (!e->listener) {
		sdvf_log(pd, SDVF_LOG_ERROR, "echo: cannot listen on TCP");
		return -1;
	}
	tcp_arg(e->listener, e);
	tcp_accept(e->listener, conn_accept);
	return 0;
}

static int echo_init(void *state, struct sdvf_pd *pd)
{
	struct echo *e = state;
#define ECHO_REGISTER(field, name, meaning) e->field = sdvf_counter(pd, name);
	ECHO_COUNTERS(ECHO_REGISTER)
#undef ECHO_REGISTER
	e->udp_port = (uint16_t)sdvf_config_u64(pd, "udp_port");
	e->tcp_port = (uint16_t)sdvf_config_u64(pd, "tcp_port");
	if (lwip_netif_init(&e->ln, pd) < 0 || echo_listen(e, pd) < 0)
		return -1;
	lwip_netif_finish(&e->ln);
	return 0;
}

static void echo_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch)
{
	struct echo *e = state;
	(void)pd;
	lwip_netif_notified(&e->ln, ch);
}

static void echo_peer_restart(void *state, struct sdvf_pd *pd,
			      sdvf_channel_t ch)
{
	struct echo *e = state;
	(void)pd;
	lwip_netif_peer_restart(&e->ln, ch);
}

static const struct sdvf_need echo_needs[] = {LWIP_NETIF_NEEDS, {0}};
static const struct sdvf_param echo_params[] = {
	LWIP_NETIF_PARAMS,
	SDVF_PARAM_U64_DEFAULT("udp_port", 1, 65535, 1235, "UDP echo port"),
	SDVF_PARAM_U64_DEFAULT("tcp_port", 1, 65535, 1236, "TCP echo port"),
	{0},
};

#define ECHO_DOC(field, name, meaning) {name, meaning},
static const struct sdvf_counter_doc echo_counters[] = {
	ECHO_COUNTERS(ECHO_DOC) LWIP_NETIF_COUNTER_DOCS{0}};

const struct sdvf_component echo_component = {
	.name = "echo",
	.summary = "lwIP client: UDP echo (1235) and TCP echo (1236)",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct echo),
	.needs = echo_needs,
	.params = echo_params,
	.counters = echo_counters,
	.init = echo_init,
	.notified = echo_notified,
	.peer_restart = echo_peer_restart,
};
