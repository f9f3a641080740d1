/*
 * UDP wire: one Ethernet frame (no FCS, no length header) per datagram,
 * the encapsulation of QEMU's `-netdev dgram,local.type=inet,...,
 * remote.type=inet,...` and `-netdev socket,udp=REMOTE,localaddr=LOCAL`, so
 * an sdvf model and a QEMU NIC (or two sdvf systems) can share a cable.
 *
 * The socket is bound to udp_local exclusively (no SO_REUSEADDR or
 * SO_REUSEPORT), so no other socket, privileged or not, can bind the same
 * address and port beside it and receive the frames sent to it.  Frames go
 * to udp_remote.  The socket is not connect()ed, so that datagrams from
 * anyone else are still seen, then dropped and counted by reason: the
 * source must be udp_remote's address (rx_foreign_addr) and port
 * (rx_foreign_port) exactly.  That is all UDP can tell: a forged source
 * address passes (see docs/enet.md, "udp peer rules").  An empty datagram
 * (rx_empty) or one longer than WIRE_MAX_FRAME (rx_oversize) from the peer
 * is dropped and counted.  IPv4 only.
 *
 * Datagrams the kernel drops because the socket buffer is full never reach
 * us.  With SO_RXQ_OVFL each datagram read carries the socket's cumulative
 * drop count as it was when that datagram was queued; the difference from
 * the last one seen goes to rx_kernel_drops.  So drops show with the next
 * datagram read after them: the count is exact once one queued after the
 * last drop has been read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "driver/enet/wire/wire_backend.h"

/* Datagrams examined per wire_recv before giving the caller a 0: bounds the
 * work a flood of foreign datagrams can cost one call. */
#define UDP_RECV_BUDGET 16

struct wire_udp {
	struct wire base;
	struct sockaddr_in remote;
	uint32_t kernel_drops; /* the last SO_RXQ_OVFL count (wraps) */
	uint8_t frame[WIRE_MAX_FRAME];
};

static int udp_send(struct wire *w, const uint8_t *frame, size_t len)
{
	struct wire_udp *uw = (struct wire_udp *)w;
	ssize_t done = sendto(w->fd, frame, len, 0,
			      (const struct sockaddr *)&uw->remote,
			      sizeof(uw->remote));

	return done == (ssize_t)len ? 0 : -1;
}

/* Why a datagram is not a frame from the peer, or NULL if it is one. */
static uint64_t *udp_drop_reason(struct wire_udp *uw,
				 const struct sockaddr_in *from,
				 socklen_t from_len, ssize_t len)
{
	struct wire_stats *st = &uw->base.stats;

	if (from_len != sizeof(*from) || from->sin_family != AF_INET ||
	    from->sin_addr.s_addr != uw->remote.sin_addr.s_addr)
		return &st->rx_foreign_addr;
	if (from->sin_port != uw->remote.sin_port)
		return &st->rx_foreign_port;
	if (len == 0)
		return &st->rx_empty; /* carries no frame at all */
	if (len > WIRE_MAX_FRAME)
		return &st->rx_oversize;
	return NULL;
}

/* The SO_RXQ_OVFL count a datagram carries (absent while it is 0). */
static void udp_note_kernel_drops(struct wire_udp *uw, struct msghdr *msg)
{
	struct cmsghdr *c;
	uint32_t total;

	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET ||
		    c->cmsg_type != SO_RXQ_OVFL ||
		    c->cmsg_len < CMSG_LEN(sizeof(total)))
			continue;
		memcpy(&total, CMSG_DATA(c), sizeof(total));
		/* Datagrams are read in queue order: the count only grows. */
		uw->base.stats.rx_kernel_drops +=
			(uint32_t)(total - uw->kernel_drops);
		uw->kernel_drops = total;
	}
}

static long udp_recv(struct wire *w, uint8_t *buf, size_t cap)
{
	struct wire_udp *uw = (struct wire_udp *)w;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(uint32_t))];
	} control;
	struct sockaddr_in from;
	struct iovec iov = {.iov_base = uw->frame,
			    .iov_len = sizeof(uw->frame)};
	struct msghdr msg;
	uint64_t *drop;
	ssize_t len;
	int budget;

	for (budget = 0; budget < UDP_RECV_BUDGET; budget++) {
		msg = (struct msghdr){
			.msg_name = &from,
			.msg_namelen = sizeof(from),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = control.buf,
			.msg_controllen = sizeof(control.buf),
		};
		/* MSG_TRUNC: the datagram's real length, even if cut. */
		len = recvmsg(w->fd, &msg, MSG_TRUNC);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (len < 0)
			return -1;
		udp_note_kernel_drops(uw, &msg);
		drop = udp_drop_reason(uw, &from, msg.msg_namelen, len);
		if (drop == NULL) {
			memcpy(buf, uw->frame,
			       (size_t)len < cap ? (size_t)len : cap);
			return (long)len;
		}
		(*drop)++;
		w->stats.rx_errors++;
	}
	return 0;
}

static void udp_close(struct wire *w)
{
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}

static const struct wire_ops udp_ops = {
	.send = udp_send,
	.recv = udp_recv,
	.close = udp_close,
};

/* "a.b.c.d:port" -> sockaddr; port 0 allowed only where `any_port`. */
static bool udp_parse_addr(const char *what, const char *text, bool any_port,
			   struct sockaddr_in *addr, char *why, size_t cap)
{
	const char *colon = text ? strrchr(text, ':') : NULL;
	char host[INET_ADDRSTRLEN];
	unsigned long port = 0;
	const char *p;

	if (text == NULL) {
		wire_why(why, cap, "wire: udp needs %s (addr:port)", what);
		return false;
	}
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	if (colon == NULL || colon == text ||
	    (size_t)(colon - text) >= sizeof(host) || colon[1] == '\0')
		goto bad;
	memcpy(host, text, (size_t)(colon - text));
	host[colon - text] = '\0';
	if (inet_pton(AF_INET, host, &addr->sin_addr) != 1)
		goto bad;
	for (p = colon + 1; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || port > 65535)
			goto bad;
		port = port * 10 + (unsigned long)(*p - '0');
	}
	if (port > 65535 || (port == 0 && !any_port))
		goto bad;
	addr->sin_port = htons((uint16_t)port);
	return true;
bad:
	wire_why(why, cap,
		 "wire: %s \"%s\": expected IPv4 addr:port, port 1..65535",
		 what, text);
	return false;
}

/* The peer check compares a datagram's source with udp_remote, and no
 * datagram comes from the any address, a broadcast or a multicast group. */
static bool udp_one_host(const struct sockaddr_in *remote, const char *text,
			 char *why, size_t cap)
{
	uint32_t host = ntohl(remote->sin_addr.s_addr);

	if (host != INADDR_ANY && host != INADDR_BROADCAST &&
	    !IN_MULTICAST(host))
		return true;
	wire_why(why, cap,
		 "wire: udp_remote \"%s\": not one host's address (any, "
		 "broadcast or multicast)",
		 text);
	return false;
}

static int udp_socket(const struct sockaddr_in *local, const char *text,
		      int *ovfl_errno, char *why, size_t cap)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0) {
		wire_why(why, cap, "wire: udp: socket: %s", strerror(errno));
		return -1;
	}
	/* No SO_REUSEADDR: with it, any socket that sets it too may bind this
	 * port and read our frames.  UDP has no TIME_WAIT, so a restarted PD
	 * rebinds at once anyway. */
	if (bind(fd, (const struct sockaddr *)local, sizeof(*local)) < 0) {
		wire_why(why, cap, "wire: udp_local \"%s\": cannot bind: %s",
			 text, strerror(errno));
		close(fd);
		return -1;
	}
	/* Without SO_RXQ_OVFL (qemu-user refuses it) the wire still works; it
	 * only cannot see the kernel's drops: the caller warns. */
	if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)) < 0)
		*ovfl_errno = errno;
	return fd;
}

struct wire *wire_udp_open(const struct wire_config *cfg, char *why, size_t cap)
{
	struct sockaddr_in local, remote;
	struct wire_udp *uw;
	int fd;

	if (!udp_parse_addr("udp_local", cfg->udp_local, true, &local, why,
			    cap) ||
	    !udp_parse_addr("udp_remote", cfg->udp_remote, false, &remote, why,
			    cap) ||
	    !udp_one_host(&remote, cfg->udp_remote, why, cap))
		return NULL;
	int ovfl_errno = 0;
	fd = udp_socket(&local, cfg->udp_local, &ovfl_errno, why, cap);
	if (fd < 0)
		return NULL;
	uw = calloc(1, sizeof(*uw));
	if (uw == NULL) {
		wire_why(why, cap, "wire: udp: out of memory");
		close(fd);
		return NULL;
	}
	uw->remote = remote;
	uw->base.ops = &udp_ops;
	uw->base.fd = fd;
	uw->base.clock_ns = cfg->clock_ns;
	uw->base.clock_ctx = cfg->clock_ctx;
	if (ovfl_errno != 0)
		wire_warn(&uw->base,
			  "udp \"%s\": kernel drops not counted: SO_RXQ_OVFL: "
			  "%s",
			  cfg->udp_local, strerror(ovfl_errno));
	return &uw->base;
}
