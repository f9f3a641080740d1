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
 *
 * Frames the kernel drops on their way to us (the tap's queue, txqueuelen
 * frames, was full because we read too slowly) never reach the fd; the
 * kernel counts them in the interface's tx_dropped.  That sysfs file is
 * opened at open, while the tap is still in our namespace and before the
 * PD drops any privilege, and the fd keeps reading the same device after
 * it is moved to another namespace.  It is read again when a read finds
 * the queue empty, at most every TAP_DROPS_EVERY_NS, into rx_kernel_drops
 * (counted from open).  If /sys shows another namespace (no such file, or
 * an interface of that name with another MAC), nothing is counted and the
 * wire says so (wire_warning).
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
/* How often an idle wire reads the kernel's drop count: 10 ms. */
#define TAP_DROPS_EVERY_NS 10000000ull
#define TAP_SYSFS "/sys/class/net/"

struct wire_tap {
	struct wire base;
	char name[IFNAMSIZ];
	int drops_fd;		/* sysfs statistics/tx_dropped, or -1 */
	uint64_t drops_at_open; /* its value when we opened the tap */
	uint64_t drops_read_ns; /* wire clock at the last read */
	uint8_t frame[TAP_READ_MAX];
};

/* A sysfs number (decimal, newline), read from the start of the file. */
static bool tap_sysfs_u64(int fd, uint64_t *value)
{
	char text[32];
	ssize_t len = pread(fd, text, sizeof(text) - 1, 0);
	char *end;

	if (len <= 0)
		return false;
	text[len] = '\0';
	*value = strtoull(text, &end, 10);
	return end != text;
}

static void tap_read_drops(struct wire_tap *tw)
{
	uint64_t now = wire_clock(&tw->base), total;

	if (tw->drops_fd < 0 || now - tw->drops_read_ns < TAP_DROPS_EVERY_NS)
		return;
	tw->drops_read_ns = now;
	if (tap_sysfs_u64(tw->drops_fd, &total) && total >= tw->drops_at_open)
		tw->base.stats.rx_kernel_drops = total - tw->drops_at_open;
}

static void tap_unplugged(struct wire *w, const char *op, const char *reason)
{
	struct wire_tap *tw = (struct wire_tap *)w;

	close(w->fd);
	w->fd = -1;
	if (tw->drops_fd >= 0)
		close(tw->drops_fd);
	tw->drops_fd = -1;
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
		if (len < 0 && errno == EAGAIN) {
			tap_read_drops(tw);
			return 0;
		}
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
	struct wire_tap *tw = (struct wire_tap *)w;

	if (w->fd >= 0)
		close(w->fd);
	if (tw->drops_fd >= 0)
		close(tw->drops_fd);
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

/* Is /sys/class/net/NAME our tap?  Its address must be the one the tun fd
 * reports: where /sys shows another namespace, an interface of the same
 * name there is someone else's. */
static bool tap_sysfs_is_ours(int fd, const char *name)
{
	char path[sizeof(TAP_SYSFS) + IFNAMSIZ + 16], text[32], mac[32];
	const unsigned char *hw;
	struct ifreq ifr;
	ssize_t len;
	int sysfs;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return false;
	hw = (const unsigned char *)ifr.ifr_hwaddr.sa_data;
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x\n", hw[0],
		 hw[1], hw[2], hw[3], hw[4], hw[5]);
	snprintf(path, sizeof(path), TAP_SYSFS "%s/address", name);
	sysfs = open(path, O_RDONLY | O_CLOEXEC);
	if (sysfs < 0)
		return false;
	len = read(sysfs, text, sizeof(text) - 1);
	close(sysfs);
	if (len <= 0)
		return false;
	text[len] = '\0';
	return strcmp(text, mac) == 0;
}

static void tap_open_drops(struct wire_tap *tw, int fd)
{
	char path[sizeof(TAP_SYSFS) + IFNAMSIZ + 32];

	tw->drops_fd = -1;
	snprintf(path, sizeof(path), TAP_SYSFS "%s/statistics/tx_dropped",
		 tw->name);
	/* Absent, or someone else's: the same warning. */
	if (!tap_sysfs_is_ours(fd, tw->name)) {
		wire_warn(&tw->base,
			  "tap \"%s\": kernel drops not counted: " TAP_SYSFS
			  "%s is not this tap (sysfs of another network "
			  "namespace?)",
			  tw->name, tw->name);
		return;
	}
	tw->drops_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (tw->drops_fd < 0 ||
	    !tap_sysfs_u64(tw->drops_fd, &tw->drops_at_open)) {
		wire_warn(&tw->base,
			  "tap \"%s\": kernel drops not counted: %s unreadable",
			  tw->name, path);
		if (tw->drops_fd >= 0)
			close(tw->drops_fd);
		tw->drops_fd = -1;
		return;
	}
	tw->drops_read_ns = wire_clock(&tw->base);
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
	tap_open_drops(tw, fd);
	return &tw->base;
}
