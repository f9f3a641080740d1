/*
 * The `sdvf,net` subsystem, part 3: what the validated struct net expands
 * to, as a plan (written by net_expand_write.c).  Names, for subsystem node N
 * and client node C (index i in the order written):
 *
 *   PDs       N_nic (enet_model), N_driver (enet_driver), N_rx_mux, N_tx_mux
 *   regions   N_regs N_mmio N_rings* N_rx_dma* N_tx_pool* (a copy TX client
 *             only) N_rx_free N_rx_active N_tx_active N_tx_free (driver
 *             queues), N_C_rx_active N_C_rx_free N_C_rx_data (copy RX
 *             only) N_C_tx_active N_C_tx_free N_C_tx_data* (remap TX)
 *             (*: has an io-address)
 *             and, with local switching (a client has switch-to),
 *             N_sw_pool N_sw_active N_sw_free (between the muxes)
 *   channels  N_irq N_mmio (model-driver), N_rx (driver-rx_mux), N_tx
 *             (tx_mux-driver), N_C_rx (rx_mux-C), N_C_tx (tx_mux-C), N_sw
 *             (tx_mux-rx_mux, with local switching)
 *
 * DMA windows, the same index in the model's maps (dmaK) and the driver's
 * config (dmaK_io/_size/_rights, with the model's rights): 0 rx_dma rw,
 * then tx_pool r if present, then each remap TX client's tx_data r.
 * io addresses are handed out from 0x10000000 (or above the highest io
 * range the user wrote), each region on a 1 MiB boundary, all below 4 GiB
 * (the ENET is a 32-bit DMA master).
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "core/queue.h"
#include "core/sysdesc/sysdesc_internal.h"
#include "mux/net_expand.h"
#include "mux/net_expand_plan.h"

/* ---- what each part is ------------------------------------------------ */

struct client_names {
	char region[6][SDVF_NAME_MAX]; /* rx_active rx_free rx_data tx_... */
	char rx[SDVF_NAME_MAX], tx[SDVF_NAME_MAX];
};
static const char *const client_suffix[6] = {"rx_active", "rx_free", "rx_data",
					     "tx_active", "tx_free", "tx_data"};

static void client_names(struct plan *pl, const struct net_client *c,
			 struct client_names *cn)
{
	for (int k = 0; k < 6; k++)
		plan_name(pl, cn->region[k], c->node, client_suffix[k]);
	plan_name(pl, cn->rx, c->node, "rx");
	plan_name(pl, cn->tx, c->node, "tx");
}

struct shared_names {
	char regs[SDVF_NAME_MAX], mmio[SDVF_NAME_MAX], rings[SDVF_NAME_MAX];
	char rx_dma[SDVF_NAME_MAX], tx_pool[SDVF_NAME_MAX];
	char q[4][SDVF_NAME_MAX]; /* rx_free rx_active tx_active tx_free */
	char irq[SDVF_NAME_MAX], ch_mmio[SDVF_NAME_MAX];
	char ch_rx[SDVF_NAME_MAX], ch_tx[SDVF_NAME_MAX];
	/* local switching: sw_pool sw_active sw_free, channel sw */
	char sw[3][SDVF_NAME_MAX], ch_sw[SDVF_NAME_MAX];
};
static const char *const sw_local[3] = {"sw_pool", "sw_active", "sw_free"};
static const char *const drv_queue[4] = {"rx_free", "rx_active", "tx_active",
					 "tx_free"};

static void shared_names(struct plan *pl, struct shared_names *s)
{
	plan_name(pl, pl->pd_nic, "nic", NULL);
	plan_name(pl, pl->pd_drv, "driver", NULL);
	plan_name(pl, pl->pd_rxm, "rx_mux", NULL);
	plan_name(pl, pl->pd_txm, "tx_mux", NULL);
	plan_name(pl, s->regs, "regs", NULL);
	plan_name(pl, s->mmio, "mmio", NULL);
	plan_name(pl, s->rings, "rings", NULL);
	plan_name(pl, s->rx_dma, "rx_dma", NULL);
	plan_name(pl, s->tx_pool, "tx_pool", NULL);
	for (int k = 0; k < 4; k++)
		plan_name(pl, s->q[k], drv_queue[k], NULL);
	plan_name(pl, s->irq, "irq", NULL);
	strcpy(s->ch_mmio, s->mmio);
	plan_name(pl, s->ch_rx, "rx", NULL);
	plan_name(pl, s->ch_tx, "tx", NULL);
	for (int k = 0; k < 3; k++)
		plan_name(pl, s->sw[k], sw_local[k], NULL);
	plan_name(pl, s->ch_sw, "sw", NULL);
}

/* RX ring at the start, TX ring after it on a 64-byte boundary (8-byte
 * legacy BDs), as the driver lays them out. */
static uint64_t rings_bytes(const struct net *n)
{
	return plan_round_up(n->rx_ring * 8, 64) + n->tx_ring * 8;
}

static uint64_t queue_bytes(uint64_t capacity)
{
	return SDVF_QUEUE_BYTES(capacity);
}

static void emit_regions(struct plan *pl, const struct shared_names *s,
			 struct client_names *cn)
{
	const struct net *n = pl->n;
	if (n->uio_device[0]) {
		/* UIO: map0 the registers, map1 the DMA window; no model, so
		 * no posted writes */
		plan_region_uio(pl, s->regs, PAGE, 0, 0);
		plan_region_uio(pl, s->rings, rings_bytes(n), pl->rings_io, 1);
		plan_region_uio(pl, s->rx_dma, n->rx_buffers * NET_BUF_BYTES,
				pl->rx_dma_io, 1);
		if (pl->pool)
			plan_region_uio(pl, s->tx_pool,
					n->tx_buffers * NET_BUF_BYTES,
					pl->pool_io, 1);
	} else {
		plan_region(pl, s->regs, PAGE, 0);
		plan_region(pl, s->mmio, PAGE, 0);
		plan_region(pl, s->rings, rings_bytes(n), pl->rings_io);
		plan_region(pl, s->rx_dma, n->rx_buffers * NET_BUF_BYTES,
			    pl->rx_dma_io);
		if (pl->pool)
			plan_region(pl, s->tx_pool,
				    n->tx_buffers * NET_BUF_BYTES, pl->pool_io);
	}
	plan_region(pl, s->q[0], queue_bytes(pl->drv_rx_cap), 0);
	plan_region(pl, s->q[1], queue_bytes(pl->drv_rx_cap), 0);
	plan_region(pl, s->q[2], queue_bytes(pl->drv_tx_cap), 0);
	plan_region(pl, s->q[3], queue_bytes(pl->drv_tx_cap), 0);
	if (pl->switching) {
		plan_region(pl, s->sw[0], n->switch_buffers * NET_BUF_BYTES, 0);
		plan_region(pl, s->sw[1], queue_bytes(n->switch_buffers), 0);
		plan_region(pl, s->sw[2], queue_bytes(n->switch_buffers), 0);
	}
	for (unsigned i = 0; i < n->nclients; i++) {
		const struct net_client *c = &n->client[i];
		plan_region(pl, cn[i].region[0], queue_bytes(n->rx_capacity),
			    0);
		plan_region(pl, cn[i].region[1], queue_bytes(n->rx_capacity),
			    0);
		if (!c->rx_remap)
			plan_region(pl, cn[i].region[2],
				    c->rx_buffers * NET_BUF_BYTES, 0);
		plan_region(pl, cn[i].region[3], queue_bytes(n->tx_capacity),
			    0);
		plan_region(pl, cn[i].region[4], queue_bytes(n->tx_capacity),
			    0);
		plan_region(pl, cn[i].region[5], c->tx_buffers * NET_BUF_BYTES,
			    c->tx_remap ? c->tx_io : 0);
	}
}

static void emit_channels(struct plan *pl, const struct shared_names *s,
			  const struct client_names *cn)
{
	const struct net *n = pl->n;
	plan_channel(pl, s->irq, pl->pd_nic, pl->pd_drv);
	if (!n->uio_device[0])
		plan_channel(pl, s->ch_mmio, pl->pd_drv, pl->pd_nic);
	plan_channel(pl, s->ch_rx, pl->pd_drv, pl->pd_rxm);
	plan_channel(pl, s->ch_tx, pl->pd_txm, pl->pd_drv);
	if (pl->switching)
		plan_channel(pl, s->ch_sw, pl->pd_txm, pl->pd_rxm);
	for (unsigned i = 0; i < n->nclients; i++) {
		plan_channel(pl, cn[i].rx, pl->pd_rxm, n->client[i].pd);
		plan_channel(pl, cn[i].tx, pl->pd_txm, n->client[i].pd);
	}
}

static void emit_nic(struct plan *pl, const struct shared_names *s,
		     const struct client_names *cn)
{
	const struct net *n = pl->n;
	const char *pd = pl->pd_nic;
	char local[8];
	unsigned w = 0;
	if (n->uio_device[0]) { /* the line only (driver/enet/uio/) */
		plan_pd(pl, pd, "enet_uio", n->core[0]);
		if (n->colocate_nic)
			plan_pd_group(pl, pd, n->name);
		plan_end(pl, pd, "irq", s->irq);
		plan_cfg_str(pl, pd, "uio_device", n->uio_device);
		return;
	}
	plan_pd(pl, pd, "enet_model", n->core[0]);
	if (n->colocate_nic)
		plan_pd_group(pl, pd, n->name);
	plan_map(pl, pd, "enet_regs", s->regs, "rw");
	plan_map(pl, pd, "enet_mmio", s->mmio, "rw");
	plan_map(pl, pd, "enet_rings", s->rings, "rw");
	snprintf(local, sizeof(local), "dma%u", w++);
	plan_map(pl, pd, local, s->rx_dma, "rw");
	if (pl->pool) {
		snprintf(local, sizeof(local), "dma%u", w++);
		plan_map(pl, pd, local, s->tx_pool, "r");
	}
	for (unsigned i = 0; i < n->nclients; i++) {
		if (!n->client[i].tx_remap)
			continue;
		snprintf(local, sizeof(local), "dma%u", w++);
		plan_map(pl, pd, local, cn[i].region[5], "r");
	}
	plan_end(pl, pd, "irq", s->irq);
	plan_end(pl, pd, "mmio", s->ch_mmio);
	plan_cfg_str(pl, pd, "wire", n->wire);
	for (unsigned k = 0; k < n->nwire_params; k++)
		plan_pd_prop(pl, pd, "config", n->wire_param[k].key,
			     n->wire_param[k].value, n->wire_param[k].len);
	if (n->driver_opt[0].set) /* ref-clk-hz: the driver's too */
		plan_cfg_u64(pl, pd, net_nic_driver_keys[0],
			     n->driver_opt[0].v);
}

static void window(struct plan *pl, unsigned w, uint64_t io, uint64_t size,
		   const char *rights)
{
	char key[SDVF_NAME_MAX];
	snprintf(key, sizeof(key), "dma%u_io", w);
	plan_cfg_u64(pl, pl->pd_drv, key, io);
	snprintf(key, sizeof(key), "dma%u_size", w);
	plan_cfg_u64(pl, pl->pd_drv, key, plan_round_up(size, PAGE));
	snprintf(key, sizeof(key), "dma%u_rights", w);
	plan_cfg_str(pl, pl->pd_drv, key, rights);
}

static void emit_driver(struct plan *pl, const struct shared_names *s)
{
	const struct net *n = pl->n;
	const char *pd = pl->pd_drv;
	unsigned w = 0;
	plan_pd(pl, pd, "enet_driver", n->core[1]);
	if (n->colocate)
		plan_pd_group(pl, pd, n->name);
	if (n->driver_restartable)
		plan_pd_restartable(pl, pd);
	bool uio = n->uio_device[0] != '\0'; /* plain MMIO, no model */
	plan_map(pl, pd, "enet_regs", s->regs, uio ? "rw" : "r");
	if (!uio)
		plan_map(pl, pd, "enet_mmio", s->mmio, "rw");
	plan_map(pl, pd, "enet_rings", s->rings, "rw");
	for (int k = 0; k < 4; k++)
		plan_map(pl, pd, drv_queue[k], s->q[k], "rw");
	plan_end(pl, pd, "irq", s->irq);
	if (!uio)
		plan_end(pl, pd, "mmio", s->ch_mmio);
	plan_end(pl, pd, "rx", s->ch_rx);
	plan_end(pl, pd, "tx", s->ch_tx);
	plan_pd_prop(pl, pd, "config", "mac", n->mac, 6);
	plan_cfg_u64(pl, pd, "rx_ring", n->rx_ring);
	plan_cfg_u64(pl, pd, "tx_ring", n->tx_ring);
	plan_cfg_u64(pl, pd, "rx_capacity", pl->drv_rx_cap);
	plan_cfg_u64(pl, pd, "tx_capacity", pl->drv_tx_cap);
	for (int k = 0; k < NET_NIC_DRIVER_KEYS; k++)
		if (n->driver_opt[k].set)
			plan_cfg_u64(pl, pd, net_nic_driver_keys[k],
				     n->driver_opt[k].v);
	if (n->reset_mode[0])
		plan_cfg_str(pl, pd, "reset_mode", n->reset_mode);
	window(pl, w++, pl->rx_dma_io, n->rx_buffers * NET_BUF_BYTES, "rw");
	if (pl->pool)
		window(pl, w++, pl->pool_io, n->tx_buffers * NET_BUF_BYTES,
		       "r");
	for (unsigned i = 0; i < n->nclients; i++) {
		const struct net_client *c = &n->client[i];
		if (c->tx_remap)
			window(pl, w++, c->tx_io, c->tx_buffers * NET_BUF_BYTES,
			       "r");
	}
	pl->nwindows = w;
}

static void opt(struct plan *pl, const char *pd, unsigned i, const char *key,
		struct net_opt o)
{
	char k[SDVF_NAME_MAX];
	if (o.set)
		plan_cfg_u64(pl, pd, plan_key(k, i, key), o.v);
}

/* Local switching, the same in both muxes but for sw_pool's rights (rx_mux
 * only reads it) and sw_reserve (rx_mux's alone). */
static void emit_switching(struct plan *pl, const struct shared_names *s,
			   const char *pd, const char *pool_rights)
{
	const struct net *n = pl->n;
	char k[SDVF_NAME_MAX];
	if (!pl->switching)
		return;
	plan_map(pl, pd, sw_local[0], s->sw[0], pool_rights);
	plan_map(pl, pd, sw_local[1], s->sw[1], "rw");
	plan_map(pl, pd, sw_local[2], s->sw[2], "rw");
	plan_end(pl, pd, "sw", s->ch_sw);
	plan_cfg_u64(pl, pd, "sw_capacity", n->switch_buffers);
	for (unsigned i = 0; i < n->nclients; i++)
		if (n->client[i].switch_to)
			plan_cfg_u64(pl, pd, plan_key(k, i, "switch_to"),
				     n->client[i].switch_to);
}

static void emit_rx_mux(struct plan *pl, const struct shared_names *s,
			const struct client_names *cn)
{
	const struct net *n = pl->n;
	const char *pd = pl->pd_rxm;
	char k[SDVF_NAME_MAX];
	plan_pd(pl, pd, "rx_mux", n->core[2]);
	if (n->colocate)
		plan_pd_group(pl, pd, n->name);
	plan_map(pl, pd, "rx_dma", s->rx_dma, "rw");
	plan_map(pl, pd, "rx_free", s->q[0], "rw");
	plan_map(pl, pd, "rx_active", s->q[1], "rw");
	for (unsigned i = 0; i < n->nclients; i++) {
		plan_map(pl, pd, plan_key(k, i, "rx_active"), cn[i].region[0],
			 "rw");
		plan_map(pl, pd, plan_key(k, i, "rx_free"), cn[i].region[1],
			 "rw");
		if (!n->client[i].rx_remap)
			plan_map(pl, pd, plan_key(k, i, "rx_data"),
				 cn[i].region[2], "rw");
	}
	plan_end(pl, pd, "rx", s->ch_rx);
	for (unsigned i = 0; i < n->nclients; i++) {
		snprintf(k, sizeof(k), "c%u", i);
		plan_end(pl, pd, k, cn[i].rx);
	}
	plan_cfg_u64(pl, pd, "rx_capacity", pl->drv_rx_cap);
	plan_cfg_u64(pl, pd, "client_capacity", n->rx_capacity);
	for (unsigned i = 0; i < n->nclients; i++) {
		const struct net_client *c = &n->client[i];
		plan_pd_prop(pl, pd, "config", plan_key(k, i, "mac"), c->mac,
			     6);
		plan_cfg_str(pl, pd, plan_key(k, i, "mode"),
			     c->rx_remap ? "remap" : "copy");
		opt(pl, pd, i, "rx_cap", c->rx_cap);
		opt(pl, pd, i, "rate", c->rx_rate);
		opt(pl, pd, i, "burst", c->rx_burst);
		opt(pl, pd, i, "broadcast", c->broadcast);
		opt(pl, pd, i, "multicast", c->multicast);
	}
	emit_switching(pl, s, pd, "r");
	if (pl->switching && n->switch_reserve.set)
		plan_cfg_u64(pl, pd, "sw_reserve", n->switch_reserve.v);
}

static void emit_tx_mux(struct plan *pl, const struct shared_names *s,
			const struct client_names *cn)
{
	const struct net *n = pl->n;
	const char *pd = pl->pd_txm;
	char k[SDVF_NAME_MAX];
	plan_pd(pl, pd, "tx_mux", n->core[3]);
	if (n->colocate)
		plan_pd_group(pl, pd, n->name);
	plan_map(pl, pd, "drv_tx_active", s->q[2], "rw");
	plan_map(pl, pd, "drv_tx_free", s->q[3], "rw");
	if (pl->pool)
		plan_map(pl, pd, "tx_pool", s->tx_pool, "rw");
	for (unsigned i = 0; i < n->nclients; i++) {
		plan_map(pl, pd, plan_key(k, i, "tx_active"), cn[i].region[3],
			 "rw");
		plan_map(pl, pd, plan_key(k, i, "tx_free"), cn[i].region[4],
			 "rw");
		plan_map(pl, pd, plan_key(k, i, "tx_data"), cn[i].region[5],
			 "r");
	}
	plan_end(pl, pd, "drv", s->ch_tx);
	for (unsigned i = 0; i < n->nclients; i++) {
		snprintf(k, sizeof(k), "c%u", i);
		plan_end(pl, pd, k, cn[i].tx);
	}
	plan_cfg_str(pl, pd, "policy", n->policy);
	if (n->shaper[0])
		plan_cfg_str(pl, pd, "shaper", n->shaper);
	plan_cfg_u64(pl, pd, "drv_capacity", pl->drv_tx_cap);
	plan_cfg_u64(pl, pd, "client_capacity", n->tx_capacity);
	if (n->budget.set)
		plan_cfg_u64(pl, pd, "budget", n->budget.v);
	for (unsigned i = 0; i < n->nclients; i++) {
		const struct net_client *c = &n->client[i];
		plan_pd_prop(pl, pd, "config", plan_key(k, i, "mac"), c->mac,
			     6);
		plan_cfg_str(pl, pd, plan_key(k, i, "mode"),
			     c->tx_remap ? "remap" : "copy");
		if (c->any_source_mac)
			plan_cfg_u64(pl, pd, plan_key(k, i, "spoof_ok"), 1);
		for (int p = 0; p < 5; p++)
			opt(pl, pd, i, net_policy_keys[p], c->policy[p]);
	}
	emit_switching(pl, s, pd, "rw");
}

static void emit_client(struct plan *pl, const struct shared_names *s,
			const struct net_client *c,
			const struct client_names *cn)
{
	const struct net *n = pl->n;
	plan_map(pl, c->pd, "rx_active", cn->region[0], "rw");
	plan_map(pl, c->pd, "rx_free", cn->region[1], "rw");
	plan_map(pl, c->pd, "rx_data", c->rx_remap ? s->rx_dma : cn->region[2],
		 "r");
	plan_map(pl, c->pd, "tx_active", cn->region[3], "rw");
	plan_map(pl, c->pd, "tx_free", cn->region[4], "rw");
	plan_map(pl, c->pd, "tx_data", cn->region[5], "rw");
	plan_end(pl, c->pd, "rx", cn->rx);
	plan_end(pl, c->pd, "tx", cn->tx);
	plan_pd_prop(pl, c->pd, "config", "mac", c->mac, 6);
	if (c->has_ip)
		plan_pd_prop(pl, c->pd, "config", "ip", c->ip, 4);
	if (c->dhcp)
		plan_cfg_str(pl, c->pd, "ip_mode", "dhcp");
	plan_cfg_u64(pl, c->pd, "rx_capacity", n->rx_capacity);
	plan_cfg_u64(pl, c->pd, "tx_capacity", n->tx_capacity);
}

/* Above every io range the user wrote, so nothing generated overlaps. */
static uint64_t io_start(const void *fdt)
{
	uint64_t top = IO_BASE;
	int regions = fdt_path_offset(fdt, "/regions"), node;
	if (regions < 0)
		return top;
	fdt_for_each_subnode(node, fdt, regions)
	{
		int len, slen;
		uint64_t io, size;
		const void *v = fdt_getprop(fdt, node, "io-address", &len);
		const void *sz = fdt_getprop(fdt, node, "size", &slen);
		if (!v || !sz || !sysdesc_cells_u64(v, len, &io) ||
		    !sysdesc_cells_u64(sz, slen, &size))
			continue;
		if (io + size > top && io + size >= io)
			top = plan_round_up(io + size, IO_ALIGN);
	}
	return top;
}

/* Device-visible regions one after the other, each on a 1 MiB boundary:
 * rings, rx_dma, tx_pool, each remap TX client's tx_data. */
static void assign_io(struct plan *pl, const void *fdt)
{
	struct net *n = pl->n;
	/* UIO: inside the DMA window, the only memory the device reaches */
	uint64_t at = n->uio_device[0] ? n->uio_dma_io : io_start(fdt);
	pl->rings_io = at;
	at += plan_round_up(rings_bytes(n), IO_ALIGN);
	pl->rx_dma_io = at;
	at += plan_round_up(n->rx_buffers * NET_BUF_BYTES, IO_ALIGN);
	if (pl->pool) {
		pl->pool_io = at;
		at += plan_round_up(n->tx_buffers * NET_BUF_BYTES, IO_ALIGN);
	}
	for (unsigned i = 0; i < n->nclients; i++) {
		if (!n->client[i].tx_remap)
			continue;
		if (n->uio_device[0])
			net_error(
				n, "",
				"client '%s': tx-mode remap is not available "
				"with the nic's uio-device (its buffers would "
				"have to be in the DMA window)",
				n->client[i].node);
		n->client[i].tx_io = at;
		at += plan_round_up(n->client[i].tx_buffers * NET_BUF_BYTES,
				    IO_ALIGN);
	}
	pl->io_end = at;
	if (n->uio_device[0] && at > n->uio_dma_io + n->uio_dma_size)
		net_error(n, "/nic",
			  "property 'uio-dma': 0x%llx bytes, the rings and "
			  "buffers need 0x%llx (each on a 1 MiB boundary): use "
			  "fewer buffers or a larger window",
			  (unsigned long long)n->uio_dma_size,
			  (unsigned long long)(at - n->uio_dma_io));
}

void net_make_plan(struct plan *pl, const void *fdt)
{
	struct net *n = pl->n;
	struct shared_names s;
	struct client_names cn[NET_CLIENTS];
	uint64_t tx_total = 0;
	for (unsigned i = 0; i < n->nclients; i++) {
		pl->pool |= !n->client[i].tx_remap;
		pl->switching |= n->client[i].switch_to != 0;
		if (n->client[i].tx_remap)
			tx_total += n->client[i].tx_buffers;
	}
	tx_total += pl->pool ? n->tx_buffers : 0;
	pl->drv_rx_cap = plan_pow2(n->rx_buffers);
	/* tx_mux's drv_capacity stops at 4096: more buffers wait in it */
	pl->drv_tx_cap = plan_pow2(tx_total > 4096 ? 4096 : tx_total);
	shared_names(pl, &s);
	for (unsigned i = 0; i < n->nclients; i++)
		client_names(pl, &n->client[i], &cn[i]);
	if (pl->overflow)
		return;
	assign_io(pl, fdt);
	/* Natural order: the generated PDs first, then the clients' parts. */
	emit_nic(pl, &s, cn);
	emit_driver(pl, &s);
	emit_rx_mux(pl, &s, cn);
	emit_tx_mux(pl, &s, cn);
	for (unsigned i = 0; i < n->nclients; i++)
		emit_client(pl, &s, &n->client[i], &cn[i]);
	emit_regions(pl, &s, cn);
	emit_channels(pl, &s, cn);
	if (pl->io_end > IO_END)
		net_error(n, "",
			  "io addresses from 0x%llx to 0x%llx do not fit below "
			  "4 GiB (the ENET is a 32-bit DMA master): use fewer "
			  "buffers",
			  (unsigned long long)io_start(fdt),
			  (unsigned long long)pl->io_end);
}
