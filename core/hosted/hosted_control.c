/*
 * The monitor's end of the PDs' control sockets (contract:
 * core/hosted/hosted_internal.h).  A PD can write anything into its end, so
 * every message is checked here: exactly one struct hosted_ctl_msg, a known
 * kind, and an answer only to the question last asked.  The PD's end is in
 * core/hosted/hosted_pd.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/hosted/hosted_internal.h"

/* Messages read per pump: a PD that floods its socket cannot hold the
 * monitor. */
#define PUMP_MESSAGES 64

void hosted_ctl_init(struct hosted_ctl *c)
{
	*c = (struct hosted_ctl){.fd = -1};
}

int hosted_ctl_open(struct hosted_ctl *c)
{
	hosted_ctl_close(c);
	int ends[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       0, ends) < 0)
		return -1;
	c->fd = ends[0];
	/* A new process has been asked nothing yet. */
	c->answered = c->asked;
	return ends[1];
}

void hosted_ctl_close(struct hosted_ctl *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

bool hosted_ctl_ask_peer_restart(struct hosted_ctl *c, uint32_t channel)
{
	if (c->fd < 0)
		return false;
	struct hosted_ctl_msg msg = {
		.kind = HOSTED_CTL_PEER_RESTART,
		.channel = channel,
		.seq = c->asked + 1,
	};
	ssize_t n;
	do {
		n = send(c->fd, &msg, sizeof(msg), MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(msg))
		return false;
	c->asked = msg.seq;
	return true;
}

static void take_message(struct hosted_ctl *c, const struct hosted_ctl_msg *m)
{
	if (m->kind == HOSTED_CTL_FAILED)
		c->failures++;
	else if (m->kind == HOSTED_CTL_PEER_RESTART_DONE &&
		 m->seq == c->asked && c->answered != c->asked)
		c->answered = m->seq;
	else
		c->invalid++;
}

void hosted_ctl_pump(struct hosted_ctl *c)
{
	for (int i = 0; i < PUMP_MESSAGES && c->fd >= 0; i++) {
		struct hosted_ctl_msg msg;
		/* One more byte than a message: a longer one is truncated
		 * and seen as the wrong size, not as a valid prefix. */
		char buf[sizeof(msg) + 1];
		ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) { /* EOF, or an error: the PD is gone */
			hosted_ctl_close(c);
			return;
		}
		if (n != (ssize_t)sizeof(msg)) {
			c->invalid++;
			continue;
		}
		memcpy(&msg, buf, sizeof(msg));
		take_message(c, &msg);
	}
}
