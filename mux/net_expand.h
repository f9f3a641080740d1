/*
 * The `sdvf,net` subsystem expander (host side; private to mux/net_expand*.c):
 * one NIC (ENET model + driver) shared by up to NET_CLIENTS client PDs
 * through the RX and TX muxes.  Schema and generated names:
 * docs/system-description.md, "sdvf,net".
 *
 *   net_expand.c          reads and validates the node into struct net
 *                         (every value a user wrote, checked, copied out
 *                         of the blob) and prints the remap-TX warning;
 *   net_expand_clients.c  the same for the client nodes;
 *   net_expand_plan.c     names everything, allocates io addresses and
 *                         turns struct net into a plan (a list of writes,
 *                         net_expand_plan.h);
 *   net_expand_write.c    checks the plan against what the user wrote
 *                         (conflicts) and applies it.
 * struct net is written by the readers and read by the plan, in one call
 * of the expander; nothing here is shared with a component.
 */
#ifndef SDVF_MUX_NET_EXPAND_H
#define SDVF_MUX_NET_EXPAND_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/sysdesc/system.h"

#define NET_CLIENTS 8u	    /* the muxes serve c0 .. c7 */
#define NET_WINDOWS 8u	    /* the ENET driver's DMA windows */
#define NET_BUF_BYTES 2048u /* SDVF_BUF_SIZE */
#define NET_WIRE_PARAMS 16u
#define NET_VALUE_MAX 264u /* longest wire parameter value (a path) */
/* rx_mux uses at most 512 buffers of a region (RXM_MAX_BUFS), tx_mux at
 * most 512 pool buffers (TXM_POOL_MAX) and 256 of a client's tx_data
 * (TXM_CLIENT_BUFS). */
#define NET_RX_BUFS_MAX 512u
#define NET_POOL_MAX 512u
#define NET_CLIENT_TX_MAX 256u

/* A number the user may leave out: then the component's default holds and
 * nothing is written. */
struct net_opt {
	bool set;
	uint64_t v;
};

/* One client, in the order of /subsystems/N/clients. */
struct net_client {
	char node[SDVF_NAME_MAX]; /* its node under clients */
	char pd[SDVF_NAME_MAX];	  /* the PD it names */
	uint8_t mac[6];
	bool has_mac;
	uint8_t ip[4];
	bool has_ip;
	bool dhcp; /* ip = "dhcp": config ip_mode "dhcp", no ip */
	bool rx_remap, tx_remap;
	bool vm;		 /* its PD runs a VMM: copy mode only */
	bool any_source_mac;	 /* tx_mux cN_spoof_ok */
	bool trusted_source_mac; /* acknowledged: no warning */
	uint64_t rx_buffers;	 /* copy RX: its private rx_data */
	uint64_t tx_buffers;	 /* its tx_data */
	/* rx_mux keys */
	struct net_opt rx_cap, rx_rate, rx_burst, broadcast, multicast;
	/* tx_mux (policy) keys, in net_policy_keys order */
	struct net_opt policy[5];
	uint64_t tx_io;	    /* remap TX: io address of its tx_data */
	uint32_t switch_to; /* switch-to: client indices it may reach */
};

/* The policy keys a client may give: property name, tx_mux key suffix. */
extern const char *const net_policy_props[5];
extern const char *const net_policy_keys[5];

/* The nic's driver keys (enet_driver): property name, config key.  The
 * first, ref-clk-hz, goes to the model too (the coalescing timers' clock
 * must be the same on both sides). */
#define NET_NIC_DRIVER_KEYS 5
extern const char *const net_nic_driver_props[NET_NIC_DRIVER_KEYS];
extern const char *const net_nic_driver_keys[NET_NIC_DRIVER_KEYS];

struct net_wire_param {
	char key[SDVF_NAME_MAX]; /* the model's key ('_') */
	uint8_t value[NET_VALUE_MAX];
	int len;
};

struct net {
	const char *where; /* "FILE: /subsystems/N" */
	FILE *err;
	int errors;
	char name[SDVF_NAME_MAX];
	/* nic */
	char wire[32];
	char reset_mode[16]; /* nic reset-mode, "" = the driver's default */
	struct net_wire_param wire_param[NET_WIRE_PARAMS];
	unsigned nwire_params;
	/* A real ENET through Linux UIO instead of the model (uio-device,
	 * uio-dma; docs/enet.md "Hardware validation: QEMU i.MX7"): "" for
	 * the model.  The DMA window is UIO map1's physical range. */
	char uio_device[16];
	uint64_t uio_dma_io, uio_dma_size;
	uint8_t mac[6];
	bool has_mac;
	uint64_t rx_ring, tx_ring, rx_buffers, tx_buffers;
	struct net_opt driver_opt[NET_NIC_DRIVER_KEYS]; /* net_nic_driver_* */
	/* muxes */
	char policy[32], shaper[32]; /* shaper "" : none */
	bool policy_unknown;	     /* policy or shaper: reported */
	struct net_opt budget;
	uint64_t rx_capacity, tx_capacity; /* every client queue */
	/* local switching: on when a client has switch-to */
	uint64_t switch_buffers;       /* sw_pool buffers = sw_capacity */
	struct net_opt switch_reserve; /* rx_mux sw_reserve */
	/* driver-restartable: the monitor restarts a dead driver (the
	 * muxes and the model take back what it held) */
	bool driver_restartable;
	/* colocate: driver, RX mux and TX mux run in one process (PD
	 * property group = the net node's name) */
	bool colocate;
	/* colocate-nic: the NIC's PD (model) joins that group */
	bool colocate_nic;
	/* cores of the generated PDs: nic, driver, rx_mux, tx_mux */
	struct net_opt core[4];
	struct net_client client[NET_CLIENTS];
	unsigned nclients;
};

/* One error line, "<where><sub>: <message>"; sub is "" or "/clients/x". */
__attribute__((format(printf, 3, 4))) void
net_error(struct net *n, const char *sub, const char *fmt, ...);

/* Property readers (net_expand.c); sub is the node below the subsystem
 * ("", "/nic", "/clients/x") for messages. */
/* Every property of node not in `known` (NULL-terminated) nor accepted by
 * `extra`: "unknown (valid: <known joined><more>)". */
void net_unknown_props(struct net *n, const char *sub, const void *fdt,
		       int node, const char *const *known, const char *more,
		       bool (*extra)(const char *));
/* "node 'x': unknown (valid: none)" for every subnode of node. */
void net_no_subnodes(struct net *n, const char *sub, const void *fdt, int node);
/* A number in min..max (power of two if pow2), else *out = dflt; true if
 * present and valid. */
bool net_read_u64(struct net *n, const char *sub, const void *fdt, int node,
		  const char *prop, uint64_t min, uint64_t max, bool pow2,
		  uint64_t dflt, uint64_t *out);
/* An optional number in the range of `component`'s parameter `key`. */
void net_read_opt(struct net *n, const char *sub, const void *fdt, int node,
		  const char *prop, const char *component, const char *key,
		  struct net_opt *out);
bool net_read_mac(struct net *n, const char *sub, const void *fdt, int node,
		  uint8_t out[6]);
bool net_read_flag(struct net *n, const char *sub, const void *fdt, int node,
		   const char *prop);

/* net_expand_clients.c: every client node into n->client[], then the
 * checks across clients.  p: the scheduler and shaper (NULL: none or
 * unknown). */
struct sdvf_policy;
void net_read_clients(struct net *n, const void *fdt, int parent,
		      const struct sdvf_policy *p[2]);

/* net_expand_write.c: plan, check for conflicts, write.  0 or -1 (after
 * errors). */
int net_write(struct net *n, void *fdt);

#endif
