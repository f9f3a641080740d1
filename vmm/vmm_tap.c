/* vmm_tap: the tap backend of sdvf-vmm's virtio-net (vmm_tap.h). */
#define _GNU_SOURCE
#include "vmm/vmm_tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int vmm_tap_open(vmm_tap_t *t, const char *name)
{
	memset(t, 0, sizeof(*t));
	if (strlen(name) >= IFNAMSIZ || name[0] == '\0') {
		fprintf(stderr, "sdvf-vmm: --net tap:%s: bad interface name\n",
			name);
		return -1;
	}
	t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		fprintf(stderr, "sdvf-vmm: --net tap:%s: /dev/net/tun: %s\n",
			name, strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "sdvf-vmm: --net tap:%s: TUNSETIFF: %s\n", name,
			strerror(errno));
		close(t->fd);
		t->fd = -1;
		return -1;
	}
	memcpy(t->name, ifr.ifr_name, sizeof(t->name) - 1);
	for (uint32_t i = 0; i < VMM_TAP_RX_BUFS; i++)
		t->rx_free[i] = i;
	t->nfree = VMM_TAP_RX_BUFS;
	return 0;
}

static bool tap_rx_take(void *ctx, struct virtio_net_frame *f)
{
	vmm_tap_t *t = ctx;
	if (t->nfree == 0)
		return false;
	uint32_t b = t->rx_free[t->nfree - 1];
	for (;;) {
		ssize_t n = read(t->fd, t->rx[b], VMM_TAP_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno != EAGAIN)
				t->rx_errors++;
			return false;
		}
		t->nfree--;
		t->rx_frames++;
		*f = (struct virtio_net_frame){
			.handle = b, .data = t->rx[b], .len = (uint16_t)n};
		return true;
	}
}

static void tap_rx_return(void *ctx, uint64_t handle)
{
	vmm_tap_t *t = ctx;
	if (handle < VMM_TAP_RX_BUFS && t->nfree < VMM_TAP_RX_BUFS)
		t->rx_free[t->nfree++] = (uint32_t)handle;
}

static bool tap_tx_alloc(void *ctx, uint64_t *handle, uint8_t **data)
{
	vmm_tap_t *t = ctx;
	if (t->tx_busy)
		return false;
	t->tx_busy = true;
	*handle = 0;
	*data = t->tx;
	return true;
}

/* A tap queue that is full drops in the kernel; a write error is counted
 * and the frame lost like on a wire. */
static bool tap_tx_send(void *ctx, uint64_t handle, uint16_t len)
{
	vmm_tap_t *t = ctx;
	(void)handle;
	t->tx_busy = false;
	for (;;) {
		ssize_t n = write(t->fd, t->tx, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)len) {
			t->tx_errors++;
			return false;
		}
		t->tx_frames++;
		return true;
	}
}

static void tap_tx_cancel(void *ctx, uint64_t handle)
{
	vmm_tap_t *t = ctx;
	(void)handle;
	t->tx_busy = false;
}

struct virtio_net_backend vmm_tap_backend(vmm_tap_t *t)
{
	return (struct virtio_net_backend){.ctx = t,
					   .rx_take = tap_rx_take,
					   .rx_return = tap_rx_return,
					   .tx_alloc = tap_tx_alloc,
					   .tx_send = tap_tx_send,
					   .tx_cancel = tap_tx_cancel};
}
