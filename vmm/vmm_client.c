/* vmm_client: virtio-net backend over net_client (vmm_client.h). */
#include "vmm/vmm_client.h"

static bool client_rx_take(void *ctx, struct virtio_net_frame *f)
{
	struct vmm_client *c = ctx;
	struct net_rx_frame rx;
	if (!net_client_rx_take(c->nc, &rx))
		return false;
	c->touched = true;
	*f = (struct virtio_net_frame){
		.handle = rx.offset, .data = rx.data, .len = rx.len};
	return true;
}

static void client_rx_return(void *ctx, uint64_t handle)
{
	struct vmm_client *c = ctx;
	if (net_client_rx_return(c->nc, handle))
		c->touched = true;
	else
		c->bad_handle++;
}

static bool client_tx_alloc(void *ctx, uint64_t *handle, uint8_t **data)
{
	struct vmm_client *c = ctx;
	struct net_tx_buf b;
	/* Taking completions back moves tx_free: finish must run. */
	c->touched = true;
	if (!net_client_tx_alloc(c->nc, &b))
		return false;
	*handle = b.offset;
	*data = b.data;
	return true;
}

static bool client_tx_send(void *ctx, uint64_t handle, uint16_t len)
{
	struct vmm_client *c = ctx;
	c->touched = true;
	if (net_client_tx_send(c->nc, handle, len))
		return true;
	/* A full tx_active (counted by net_client, the buffer idle again) or
	 * a handle it does not know. */
	return false;
}

static void client_tx_cancel(void *ctx, uint64_t handle)
{
	struct vmm_client *c = ctx;
	if (!net_client_tx_cancel(c->nc, handle))
		c->bad_handle++;
}

struct virtio_net_backend vmm_client_backend(struct vmm_client *c,
					     struct net_client *nc)
{
	*c = (struct vmm_client){.nc = nc};
	return (struct virtio_net_backend){.ctx = c,
					   .rx_take = client_rx_take,
					   .rx_return = client_rx_return,
					   .tx_alloc = client_tx_alloc,
					   .tx_send = client_tx_send,
					   .tx_cancel = client_tx_cancel};
}

void vmm_client_finish(struct vmm_client *c)
{
	if (!c->touched)
		return;
	c->touched = false;
	net_client_finish(c->nc);
}
