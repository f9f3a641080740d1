/* vmm_client: the virtio-net device's backend over the muxes' net_client
 * (clients/net_client.h): the five calls of struct virtio_net_backend
 * (virt/virtio_net.h) mapped one to one, handle = the buffer's offset in
 * rx_data or tx_data.
 *
 *   rx_take    net_client_rx_take     a frame lent by the RX mux (copy mode:
 *                                     the VM's private rx_data)
 *   rx_return  net_client_rx_return   given back after the copy to the guest
 *   tx_alloc   net_client_tx_alloc    an idle TX buffer (SDVF_BUF_SIZE)
 *   tx_send    net_client_tx_send     onto tx_active
 *   tx_cancel  net_client_tx_cancel   back to idle, unsent
 *
 * Trust: net_client checks what the muxes hand over; virtio_net checks the
 * guest.  Nothing here trusts either: a handle virtio_net gives back that
 * net_client does not know is refused by net_client (counted here as
 * bad_handle, never a crash).
 *
 * State (one writer at a time: the VMM holds its dev_lock around every
 * device call): `touched` is set by any call that moved a queue, so the
 * VMM's main thread knows to end the activation with net_client_finish
 * (publish and signal): a call made on a vCPU thread (a guest reset
 * returning held frames) leaves the signalling to the main thread.
 *
 * Portable C (no OS calls): built and unit-tested everywhere.
 */
#ifndef SDVF_VMM_CLIENT_H
#define SDVF_VMM_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "clients/net_client.h"
#include "virt/virtio_net.h"

struct vmm_client {
	struct net_client *nc;
	bool touched;	     /* a queue moved since the last finish */
	uint64_t bad_handle; /* returns/sends net_client refused */
};

/* The backend over nc (attached already). */
struct virtio_net_backend vmm_client_backend(struct vmm_client *c,
					     struct net_client *nc);

/* End of the main thread's activation: publish and signal if a call moved
 * a queue (lock held). */
void vmm_client_finish(struct vmm_client *c);

#endif
