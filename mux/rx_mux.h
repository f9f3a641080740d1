/*
 * rx_mux's private contract between its two files: the data path
 * (mux/rx_mux.c, which opens with what the mux trusts and checks) and its
 * configuration and init (mux/rx_mux_init.c).  Nothing else includes it.
 * Every field is private to the mux (one writer, no ordering rule): the
 * only memory it shares is reached through its queues and regions.
 *
 * Portable: freestanding C11.
 */
#ifndef SDVF_RX_MUX_H
#define SDVF_RX_MUX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/net.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/queue.h"
#include "policies/policy.h"

#define RXM_CLIENTS 8u
#define RXM_MAX_BUFS 512u
/* Owners in the DMA map (SDVF_OWNER_SELF: the mux). */
#define OWNER_DRIVER 1u
#define OWNER_LENT 2u /* held by one or more remap clients */
/* Owner in a client's map. */
#define OWNER_CLIENT 1u

#define RX_MUX_COUNTERS(X)                                                     \
	X(rx_frames, "rx_frames", "frames taken from the driver")              \
	X(drop_unknown_unicast, "drop.unknown_unicast",                        \
	  "unicast to a MAC no client has")                                    \
	X(drop_no_listener, "drop.no_listener",                                \
	  "broadcast or multicast no client accepts")                          \
	X(drop_bad_length, "drop.bad_length",                                  \
	  "driver length outside 14..1518, or flagged rejected")               \
	X(bad_desc, "bad_desc",                                                \
	  "io addresses from the driver that are not ours with it")

/* Per client, published as "cN.<name>". */
#define RX_MUX_CLIENT_COUNTERS(X, n)                                           \
	X(n, rx_frames, "rx_frames", "frames delivered to the client")         \
	X(n, rx_bytes, "rx_bytes", "bytes of those frames")                    \
	X(n, drop_cap, "drop.cap",                                             \
	  "frames dropped: the client held rx_cap buffers")                    \
	X(n, drop_rate, "drop.rate_limit",                                     \
	  "frames dropped by the client's token bucket")                       \
	X(n, drop_queue, "drop.queue_full",                                    \
	  "frames dropped: rx_active looked full (a lying head)")              \
	X(n, returned, "returned", "buffers given back and accepted")          \
	X(n, in_flight, "in_flight", "buffers the client holds now")           \
	X(n, reclaimed, "reclaimed", "buffers taken back at its restart")

struct rxm_client {
	bool present, remap, bcast, mcast;
	sdvf_channel_t ch;
	struct sdvf_queue rx_active, rx_free;
	uint32_t cap;
	uint8_t *data;		 /* copy: our mapping of cN_rx_data */
	struct sdvf_own_map own; /* copy: over cN_rx_data; remap: rx_dma */
	uint8_t owner[RXM_MAX_BUFS];
	uint32_t idle[RXM_MAX_BUFS]; /* copy: free buffers of cN_rx_data */
	uint32_t nidle;
	uint8_t mac[SDVF_NET_MAC_LEN];
	struct sdvf_violations viol;
#define RXM_CLIENT_FIELD(n, field, name, meaning) _Atomic uint64_t *field;
	RX_MUX_CLIENT_COUNTERS(RXM_CLIENT_FIELD, -)
#undef RXM_CLIENT_FIELD
	_Atomic uint64_t *viol_ctr[SDVF_VIOL_COUNT];
};

struct rx_mux {
	struct sdvf_pd *pd;
	sdvf_channel_t ch_drv;
	struct sdvf_queue drv_rx_free, drv_rx_active;
	uint8_t *dma;
	uint64_t dma_io;
	uint32_t nbufs;
	struct sdvf_own_map dma_own;
	uint8_t dma_owner[RXM_MAX_BUFS];
	uint8_t lent_refs[RXM_MAX_BUFS]; /* remap clients holding each */
	unsigned nclients;		 /* highest present index + 1 */
	struct rxm_client client[RXM_CLIENTS];
	struct sdvf_policy_slot shaper;
#define RXM_FIELD(field, name, meaning) _Atomic uint64_t *field;
	RX_MUX_COUNTERS(RXM_FIELD)
#undef RXM_FIELD
};

/* mux/rx_mux.c: the component's entry points after init. */
void rx_mux_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch);
void rx_mux_peer_restart(void *state, struct sdvf_pd *pd, sdvf_channel_t ch);
/* Give the driver every DMA buffer the mux holds, publish and signal: the
 * end of init. */
void rx_mux_start(struct rx_mux *m);

#endif
