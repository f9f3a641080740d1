/* vmm_tap: a virtio-net backend over a Linux tap (one copy per direction
 * between the tap and its buffers, one more inside virtio_net).
 *
 * The interim backend of sdvf-vmm's `--net tap:NAME`: it implements the
 * five calls of struct virtio_net_backend (virt/virtio_net.h) the way
 * net_client will (rx_take/rx_return lend a buffer, tx_alloc/tx_send/
 * tx_cancel), so replacing it by the muxes' net_client changes only the
 * backend, not the device or the VMM's loop.
 *
 * Trust: frames read from the tap come from L1's network stack; their
 * lengths are checked by virtio_net (14..1518, else rx_bad_len). A frame
 * longer than the buffer is truncated by read() and so refused there too.
 *
 * State: one writer (the VMM thread holding the device lock). RX buffers:
 * a pool of VMM_TAP_RX_BUFS; the device holds at most VMM_TAP_HOLD frames
 * (pass it as virtio_net's hold_max), so one buffer is always free for
 * rx_take and a readable tap is always drained (no busy epoll).
 */
#ifndef SDVF_VMM_TAP_H
#define SDVF_VMM_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include "virt/virtio_net.h"

#define VMM_TAP_HOLD 64u
#define VMM_TAP_RX_BUFS (VMM_TAP_HOLD + 1u)
#define VMM_TAP_BUF 2048u

typedef struct vmm_tap {
	int fd; /* non-blocking, IFF_TAP | IFF_NO_PI */
	char name[16];
	uint8_t rx[VMM_TAP_RX_BUFS][VMM_TAP_BUF];
	uint32_t rx_free[VMM_TAP_RX_BUFS]; /* stack of free buffer indices */
	uint32_t nfree;
	uint8_t tx[VMM_TAP_BUF];
	bool tx_busy;
	/* Counters: */
	uint64_t rx_frames, tx_frames, tx_errors, rx_errors;
} vmm_tap_t;

/* Open (or create) tap NAME. Returns 0, or -1 with a reason on stderr. */
int vmm_tap_open(vmm_tap_t *t, const char *name);

/* The five backend calls over t. */
struct virtio_net_backend vmm_tap_backend(vmm_tap_t *t);

#endif
