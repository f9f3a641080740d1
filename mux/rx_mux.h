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

/* For the small helpers of the per-frame path in rx_mux.c: gcc keeps
 * those with two callers (a driver frame, a switched frame) out of line,
 * and the calls cost more than the work (bench-mux: 357 -> 291
 * instructions per frame, copy, batch 32). */
#define RXM_INLINE __attribute__((always_inline)) static inline

#define RXM_CLIENTS 8u
#define RXM_MAX_BUFS 512u
/* Owners in the DMA map (SDVF_OWNER_SELF: the mux). */
#define OWNER_DRIVER 1u
#define OWNER_LENT 2u	 /* held by one or more remap clients */
#define OWNER_RESERVE 3u /* kept back for switched frames (sw_reserve) */
/* Owner in a client's map. */
#define OWNER_CLIENT 1u
/* Owner in the sw_pool map: tx_mux (we hold one only inside an activation).
 */
#define OWNER_TX_MUX 1u
#define RXM_SW_MAX 256u /* sw_pool buffers used, at most */
#define RXM_NO_BUF UINT32_MAX

#define RX_MUX_COUNTERS(X)                                                     \
	X(rx_frames, "rx_frames", "frames taken from the driver")              \
	X(drop_unknown_unicast, "drop.unknown_unicast",                        \
	  "unicast to a MAC no client has")                                    \
	X(drop_no_listener, "drop.no_listener",                                \
	  "broadcast or multicast no client accepts")                          \
	X(drop_bad_length, "drop.bad_length",                                  \
	  "driver length outside 14..1518, or flagged rejected")               \
	X(bad_desc, "bad_desc",                                                \
	  "io addresses from the driver that are not ours with it")            \
	X(sw_frames, "sw_frames", "frames taken from tx_mux's sw_active")      \
	X(sw_bad_desc, "sw_bad_desc",                                          \
	  "sw_active entries refused: offset, length or not tx_mux's")         \
	X(sw_bad_sender, "sw_bad_sender",                                      \
	  "switched frames from a client with no allow-list here")             \
	X(sw_no_listener, "sw_no_listener",                                    \
	  "switched frames no client the sender may reach accepts")            \
	X(sw_reserve, "sw_reserve",                                            \
	  "DMA buffers kept back for switched frames, idle now")               \
	X(dma_bufs, "dma_bufs", "RX DMA buffers in use (set at init)")         \
	X(dma_driver, "dma_driver", "gauge: RX DMA buffers at the driver")     \
	X(dma_lent, "dma_lent", "gauge: RX DMA buffers lent to remap clients") \
	X(dma_mux, "dma_mux",                                                  \
	  "gauge: RX DMA buffers in the mux (0 between activations)")          \
	X(activations, "activations", "notifications handled")                 \
	X(batches, "batches",                                                  \
	  "activations that took at least one frame from the driver")          \
	X(batch_max, "batch_max",                                              \
	  "most frames taken from the driver in one activation")               \
	X(notify_drv, "notify_drv", "notifications sent to the driver")        \
	X(notify_clients, "notify_clients", "notifications sent to clients")

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
	X(n, reclaimed, "reclaimed", "buffers taken back at its restart")      \
	X(n, sw_in, "sw_in", "frames switched to it from other clients")       \
	X(n, sw_drop_reserve, "sw_drop.reserve",                               \
	  "switched frames dropped: no reserve DMA buffer (remap)")

struct rxm_client {
	bool present, remap, bcast, mcast;
	bool shaped; /* has a cN_rate: the token bucket sees its frames */
	sdvf_channel_t ch;
	struct sdvf_queue rx_active, rx_free;
	uint32_t cap;
	uint8_t *data;		 /* copy: our mapping of cN_rx_data */
	struct sdvf_own_map own; /* copy: over cN_rx_data; remap: rx_dma */
	uint8_t owner[RXM_MAX_BUFS];
	uint32_t idle[RXM_MAX_BUFS]; /* copy: free buffers of cN_rx_data */
	uint32_t nidle;
	uint8_t mac[SDVF_NET_MAC_LEN];
	uint64_t mac_key;   /* mac as rxm_mac_key makes it */
	uint32_t switch_to; /* clients its switched frames may reach */
	struct sdvf_violations viol;
#define RXM_CLIENT_FIELD(n, field, name, meaning) _Atomic uint64_t *field;
	RX_MUX_CLIENT_COUNTERS(RXM_CLIENT_FIELD, -)
#undef RXM_CLIENT_FIELD
	_Atomic uint64_t *viol_ctr[SDVF_VIOL_COUNT];
};

/* Local switching (optional): frames tx_mux copied into sw_pool for other
 * clients, and RX DMA buffers kept back so a remap client can be lent one. */
struct rxm_switch {
	bool present;
	sdvf_channel_t ch;
	struct sdvf_queue active, free; /* we consume active, produce free */
	const uint8_t *base;		/* sw_pool, read-only here */
	struct sdvf_own_map own;	/* offsets: tx_mux or us */
	uint8_t owner[RXM_SW_MAX];
	uint32_t reserve[RXM_MAX_BUFS]; /* DMA buffers kept back, a stack */
	uint32_t nreserve, reserve_target;
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
	/* Set at init, as masks of client indices: present ones, and those
	 * taking broadcast and multicast. */
	uint32_t present, bcast, mcast;
	struct rxm_client client[RXM_CLIENTS];
	struct rxm_switch sw;
	struct sdvf_policy_slot shaper;
	uint32_t batch_most; /* what batch_max publishes */
#define RXM_FIELD(field, name, meaning) _Atomic uint64_t *field;
	RX_MUX_COUNTERS(RXM_FIELD)
#undef RXM_FIELD
};

/* mux/rx_mux.c: the component's entry points after init. */
void rx_mux_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch);
void rx_mux_peer_restart(void *state, struct sdvf_pd *pd, sdvf_channel_t ch);
/* Fill the switch reserve, give the driver every other DMA buffer the mux
 * holds, publish and signal: the end of init. */
void rx_mux_start(struct rx_mux *m);

#endif
