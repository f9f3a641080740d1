/*
 * The plan of an `sdvf,net` expansion, private to net_expand_plan.c (which
 * makes it) and net_expand_write.c (which checks and applies it): one
 * entry per property to write, in natural order.  Written and read by the
 * expander only, in one call.
 */
#ifndef SDVF_MUX_NET_EXPAND_PLAN_H
#define SDVF_MUX_NET_EXPAND_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "mux/net_expand.h"

#define PAGE 4096u
#define IO_BASE 0x10000000ull
#define IO_ALIGN 0x100000ull
#define IO_END 0x100000000ull
#define PLAN_MAX 1024
#define NET_PATH_MAX 112 /* "/pds/" + name + "/channels" */

struct op {
	char path[NET_PATH_MAX]; /* node, created if missing */
	char prop[SDVF_NAME_MAX];
	uint8_t value[NET_VALUE_MAX];
	int len;
	/* A node this expansion creates (region, channel, PD): it must not
	 * exist before.  Otherwise a user's PD subnode: prop must not. */
	bool fresh;
	const char *what; /* "region", "channel", "PD" for fresh nodes */
	char name[SDVF_NAME_MAX]; /* the fresh node's name */
};

struct plan {
	struct net *n;
	struct op *op;
	int nops;
	bool overflow;
	/* generated names */
	char pd_nic[SDVF_NAME_MAX], pd_drv[SDVF_NAME_MAX];
	char pd_rxm[SDVF_NAME_MAX], pd_txm[SDVF_NAME_MAX];
	uint64_t rings_io, rx_dma_io, pool_io, io_end;
	uint64_t drv_rx_cap, drv_tx_cap;
	bool pool;
	bool switching; /* a client has switch-to: sw_pool and its queues */
	unsigned nwindows;
};

/* The plan of n, made from the blob's /regions (io addresses go above
 * what is there).  Errors (names too long, io past 4 GiB) go to n. */
void net_make_plan(struct plan *pl, const void *fdt);

/* Entries (net_expand_write.c).  Regions, channels and PDs are made
 * "fresh": the node must not exist before. */
uint64_t plan_round_up(uint64_t v, uint64_t to);
uint64_t plan_pow2(uint64_t v); /* the least power of two >= v */
/* "N_a" or "N_a_b" into out; false (one error) if it is too long. */
bool plan_name(struct plan *pl, char out[SDVF_NAME_MAX], const char *a,
	       const char *b);
/* A region of `bytes` rounded up to a page; io 0: none. */
void plan_region(struct plan *pl, const char *name, uint64_t bytes,
		 uint64_t io);
/* The same, UIO map `map` of n->uio_device (the UIO backend). */
void plan_region_uio(struct plan *pl, const char *name, uint64_t bytes,
		     uint64_t io, uint32_t map);
void plan_channel(struct plan *pl, const char *name, const char *a,
		  const char *b);
/* A generated PD, pinned to core.v if core.set. */
void plan_pd(struct plan *pl, const char *name, const char *component,
	     struct net_opt core);
/* Mark generated PD `name` restartable. */
void plan_pd_restartable(struct plan *pl, const char *name);
/* Put generated PD `name` in co-location group `group`. */
void plan_pd_group(struct plan *pl, const char *name, const char *group);
/* A property of /pds/pd/sub (maps, channels, config). */
struct op *plan_pd_prop(struct plan *pl, const char *pd, const char *sub,
			const char *prop, const void *v, int len);
void plan_map(struct plan *pl, const char *pd, const char *local,
	      const char *region_name, const char *rights);
void plan_end(struct plan *pl, const char *pd, const char *local,
	      const char *chan);
void plan_cfg_u64(struct plan *pl, const char *pd, const char *key, uint64_t v);
void plan_cfg_str(struct plan *pl, const char *pd, const char *key,
		  const char *s);
/* "cN_" + key, for a mux's config. */
const char *plan_key(char out[SDVF_NAME_MAX], unsigned i, const char *key);

#endif
