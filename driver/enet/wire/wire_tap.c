/*
 * TAP wire: the model's cable plugged into a Linux TAP interface, so the
 * host's (or a peer network namespace's) stack is on the other end.
 *
 * /dev/net/tun with IFF_TAP | IFF_NO_PI: each read or write is exactly one
 * Ethernet frame without FCS and without a packet-information header.  The
 * interface is created if missing (or attached if it exists and is free),
 * brought up, and the fd is non-blocking.  A frame from the kernel longer
 * than WIRE_MAX_FRAME (possible with a large MTU) is dropped and counted.
 *
 * A tap deleted by its peer (e.g. `ip link del` in the namespace it was
 * moved to) leaves our fd detached: poll reports an error for ever and
 * every read and write fails with EBADFD.  The device cannot come back
 * under this fd, so that is an unplugged cable: the fd is closed and the
 * wire fails (wire_fail).  Any read error but EAGAIN and EINTR is taken
 * the same way, since the fd would stay readable and the caller would spin;
 * a write error other than EBADFD only drops that frame.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "driver/enet/wire/wire_backend.h"

/* Large enough for any frame a TAP can hand us (64 KiB MTU + header). */
#define TAP_READ_MAX (65536 + 64)

struct wire_tap {
	struct wire base;
	char name[IFNAMSIZ];
	uint8_t frame[TAP_READ_MAX];
};

static void tap_unplugged(struct wire *w, const char *op, const char *reason)
{
	struct wire_tap *tw = (struct wire_tap *)w;

	close(w->fd);
	w->fd = -1;
	wire_fail(w, "tap \"%s\": %s: %s", tw->name, op, reason);
}

static int tap_send(struct wire *w, const uint8_t *frame, size_t len)
{
	ssize_t done = write(w->fd, frame, len);

	if (done < 0 && errno == EBADFD)
		tap_unplugged(w, "write", strerror(errno));
	return done == (ssize_t)len ? 0 : -1;
}

static long tap_recv(struct wire *w, uint8_t *buf, size_t cap)
{
	struct wire_tap *tw = (struct wire_tap *)w;
	ssize_t len;

	for (;;) {
		len = read(w->fd, tw->frame, sizeof(tw->frame));
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == EAGAIN)
			return 0;
		if (len <= 0) {
			tap_unplugged(w, "read",
				      len < 0 ? strerror(errno)
					      : "end of file");
			return -1;
		}
		if (len <= WIRE_MAX_FRAME)
			break;
		w->stats.rx_oversize++;
		w->stats.rx_errors++;
	}
	memcpy(buf, tw->frame, (size_t)len < cap ? (size_t)len : cap);
	return (long)len;
}

static void tap_close(struct wire *w)
{
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}

static const struct wire_ops tap_ops = {
	.send = tap_send,
	.recv = tap_recv,
	.close = tap_close,
};

static void tap_why_attach(const char *name, int err, char *why, size_t cap)
{
	if (err == EBUSY)
		wire_why(why, cap,
			 "wire: tap \"%s\" exists and is in use by another "
			 "process",
			 name);
	else if (err == EPERM || err == EACCES)
		wire_why(why, cap,
			 "wire: tap \"%s\": not permitted (needs "
			 "CAP_NET_ADMIN)",
			 name);
	else if (err == EINVAL)
		wire_why(why, cap,
			 "wire: tap \"%s\": an interface of another type has "
			 "this name",
			 name);
	else
		wire_why(why, cap, "wire: tap \"%s\": TUNSETIFF: %s", name,
			 strerror(err));
}

static int tap_attach(int fd, const char *name, char *why, size_t cap)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		tap_why_attach(name, errno, why, cap);
		return -1;
	}
	return 0;
}

static int tap_bring_up(const char *name, char *why, size_t cap)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	int rc = -1;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	if (sock >= 0 && ioctl(sock, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(sock, SIOCSIFFLAGS, &ifr);
	}
	if (rc < 0)
		wire_why(why, cap, "wire: tap \"%s\": cannot bring it up: %s",
			 name, strerror(errno));
	if (sock >= 0)
		close(sock);
	return rc;
}

static bool tap_check_name(const char *name, char *why, size_t cap)
{
	if (name == NULL || name[0] == '\0') {
		wire_why(why, cap, "wire: tap needs tap_name");
		return false;
	}
	if (strlen(name) >= IFNAMSIZ) {
		wire_why(why, cap,
			 "wire: tap_name \"%s\" is longer than %d characters",
			 name, IFNAMSIZ - 1);
		return false;
	}
	if (strchr(name, '/') != NULL || strchr(name, ' ') != NULL ||
	    strchr(name, '%') != NULL) {
		wire_why(why, cap,
			 "wire: tap_name \"%s\" contains '/', '%%' or a space",
			 name);
		return false;
	}
	return true;
}

struct wire *wire_tap_open(const struct wire_config *cfg, char *why, size_t cap)
{
	struct wire_tap *tw;
	int fd;

	if (!tap_check_name(cfg->tap_name, why, cap))
		return NULL;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		wire_why(why, cap, "wire: tap: cannot open /dev/net/tun: %s",
			 strerror(errno));
		return NULL;
	}
	if (tap_attach(fd, cfg->tap_name, why, cap) != 0 ||
	    tap_bring_up(cfg->tap_name, why, cap) != 0) {
		close(fd);
		return NULL;
	}
	tw = calloc(1, sizeof(*tw));
	if (tw == NULL) {
		wire_why(why, cap, "wire: tap: out of memory");
		close(fd);
		return NULL;
	}
	memcpy(tw->name, cfg->tap_name, strlen(cfg->tap_name) + 1);
	tw->base.ops = &tap_ops;
	tw->base.fd = fd;
	tw->base.clock_ns = cfg->clock_ns;
	tw->base.clock_ctx = cfg->clock_ctx;
	return &tw->base;
}
