/*
 * tx_mux's private contract between its files: the data path
 * (mux/tx_mux.c, which opens with what the mux trusts and checks), local
 * switching (mux/tx_mux_switch.c), restarts of its peers
 * (mux/tx_mux_restart.c) and configuration and init (mux/tx_mux_init.c).
 * Nothing else includes it.
 *
 * Portable: freestanding C11.
 */
#ifndef SDVF_TX_MUX_H
#define SDVF_TX_MUX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/net.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/queue.h"
#include "policies/policy.h"

#define TXM_CLIENTS 8u
#define TXM_CLIENT_BUFS 256u /* buffers in one cN_tx_data, at most */
#define TXM_POOL_MAX 512u
#define TXM_NOBODY 0xffu
#define OWNER_CLIENT 1u
#define OWNER_DRIVER 2u
#define TXM_SW_MAX 256u /* sw_pool buffers used, at most */
#define OWNER_RX_MUX 1u /* in the sw_pool map: lent to rx_mux */

/* Why a client's descriptor was refused: X(id, name, meaning). */
#define TXM_REJECTS(X, n)                                                      \
	X(n, MISALIGNED, rej_misaligned, "offset not on a buffer boundary")    \
	X(n, OUT_OF_RANGE, rej_out_of_range, "offset past its tx_data region") \
	X(n, NOT_OWNER, rej_not_owner,                                         \
	  "buffer not held: duplicate or foreign")                             \
	X(n, TOO_SHORT, rej_too_short, "length below 14 bytes")                \
	X(n, TOO_LONG, rej_too_long, "length above 1518 bytes")                \
	X(n, SRC_MAC, rej_src_mac, "source MAC not the client's")

/* Per-client counters, "cN.<name>": X(n, id, name, meaning), n the client
 * index for lists that spell the names out (the docs). */
#define TXM_CLIENT_COUNTERS(X, n)                                              \
	X(n, TX_FRAMES, tx_frames, "frames handed to the driver")              \
	X(n, TX_BYTES, tx_bytes, "bytes of those frames")                      \
	X(n, TX_ERRORS, tx_errors, "frames the driver returned with TX_ERROR") \
	X(n, DRV_REJECTED, drv_rejected,                                       \
	  "frames the driver returned REJECTED")                               \
	X(n, IN_FLIGHT, in_flight, "frames of the client at the driver now")   \
	X(n, SW_OUT, sw_out,                                                   \
	  "frames switched to other clients (a group frame once)")             \
	X(n, SW_DROP_SELF, sw_drop_self,                                       \
	  "frames to its own MAC, not sent (REJECTED)")                        \
	X(n, SW_DROP_FULL, sw_drop_full,                                       \
	  "local copies dropped: no sw_pool buffer or sw_active slot")         \
	TXM_REJECTS(X, n)

/* Per-mux counters: X(id, name, meaning). */
#define TXM_MUX_COUNTERS(X)                                                    \
	X(ACTIVATIONS, activations,                                            \
	  "notifications and timer expiries handled")                          \
	X(BATCHES, batches, "activations that sent at least one frame")        \
	X(BATCH_MAX, batch_max, "most frames sent in one activation")          \
	X(NOTIFY_DRV, notify_drv, "notifications sent to the driver")          \
	X(NOTIFY_CLIENTS, notify_clients, "notifications sent to clients")     \
	X(BUDGET_HIT, budget_hit, "activations ended by the budget")           \
	X(POOL_EMPTY, pool_empty,                                              \
	  "activations in which an empty tx_pool held a client back")          \
	X(POOL_IDLE, pool_idle, "tx_pool buffers idle in the mux now")         \
	X(POOL_BUFS, pool_bufs, "tx_pool buffers in use (set at init)")        \
	X(POOL_DRIVER, pool_driver, "tx_pool buffers at the driver now")       \
	X(BAD_COMPLETION, bad_completion,                                      \
	  "driver returns naming no buffer "                                   \
	  "it held")                                                           \
	X(DRV_RESTARTS, drv_restarts, "restarts of the driver seen")           \
	X(DRV_RECLAIMED, drv_reclaimed,                                        \
	  "buffers taken back from a restarted driver (TX_ERROR)")             \
	X(SW_POOL_IDLE, sw_pool_idle, "sw_pool buffers idle in the mux now")   \
	X(SW_BAD_RETURN, sw_bad_return,                                        \
	  "sw_free entries naming no buffer rx_mux held")

enum txm_client_counter {
#define TXM_ENUM(n, id, name, meaning) TXM_C_##id,
	TXM_CLIENT_COUNTERS(TXM_ENUM, 0) TXM_C_COUNT
};
#undef TXM_ENUM
enum txm_mux_counter {
#define TXM_ENUM(id, name, meaning) id,
	TXM_MUX_COUNTERS(TXM_ENUM) TXM_M_COUNT
#undef TXM_ENUM
};

struct txm_client {
	bool present, remap, spoof_ok;
	uint8_t mac[SDVF_NET_MAC_LEN];
	uint32_t switch_to; /* clients its frames may be switched to */
	sdvf_channel_t ch;
	struct sdvf_queue active, free; /* we consume active, produce free */
	const struct sdvf_region *data;
	struct sdvf_own_map own; /* offsets: client, us or (remap) driver */
	uint8_t owner[TXM_CLIENT_BUFS];
	bool orphan[TXM_CLIENT_BUFS]; /* remap: at the driver at a restart */
	/* Returns waiting for room on `free` (buffers we hold, FIFO). */
	struct sdvf_desc backlog[TXM_CLIENT_BUFS];
	uint32_t backlog_head, backlog_count;
	/* `head` checked (offset, ownership, length; remap: source MAC too)
	 * and its buffer held by the mux.  copy: still the client's offset,
	 * copied into the pool (and its source MAC checked) only when the
	 * policy picks it; remap: the io address for the driver. */
	bool staged;
	struct sdvf_desc head;
	uint32_t in_flight;
	_Atomic uint64_t *ctr[TXM_C_COUNT];
};

struct txm_pool {
	uint8_t *base;
	uint64_t io;
	uint32_t nbufs;
	struct sdvf_own_map own; /* io addresses: us or driver */
	uint8_t owner[TXM_POOL_MAX];
	uint8_t client[TXM_POOL_MAX]; /* whose frame, or TXM_NOBODY */
	uint32_t idle[TXM_POOL_MAX];  /* stack of buffers we hold */
	uint32_t nidle;
};

/* Local switching (optional): sw_pool buffers lent to rx_mux, each holding
 * a frame for other clients. */
struct txm_switch {
	bool present;
	sdvf_channel_t ch;
	struct sdvf_queue active, free; /* we produce active, consume free */
	uint8_t *base;			/* sw_pool */
	struct sdvf_own_map own;	/* offsets: us or rx_mux */
	uint8_t owner[TXM_SW_MAX];
	uint32_t idle[TXM_SW_MAX]; /* stack of buffers we hold */
	uint32_t nidle;
};

struct tx_mux {
	struct sdvf_pd *pd;
	struct txm_client client[TXM_CLIENTS];
	unsigned nclients; /* highest present index + 1 */
	struct sdvf_queue drv_active, drv_free;
	sdvf_channel_t drv_ch;
	struct txm_pool pool;
	struct txm_switch sw;
	struct sdvf_policy_slot sched, shaper;
	/* the policies being started (policy_u64 reads their tables) */
	const struct sdvf_policy *sched_policy, *shaper_policy;
	bool has_shaper;
	uint32_t budget, budget_left;
	bool pool_starved; /* this activation: an empty pool held a client */
	uint64_t wake_ns;  /* timer to arm at the end, 0: none */
	/* Returns a client has not taken back, unsignalled: signal it if no
	 * activation came before this deadline (0: none pending). */
	uint64_t rest_at;
	_Atomic uint64_t *ctr[TXM_M_COUNT];
};

/* mux/tx_mux_switch.c.  A checked frame of client ci (`frame`, len bytes,
 * private to the mux or, remap, the client's buffer): switch it to other
 * clients if it is for them; true if it (also) goes to the wire, else
 * *flags is what its buffer comes back with.  And: take back the sw_pool
 * buffers rx_mux is done with (every activation).  Both do nothing without
 * switching; tx_mux.c calls them only with it (m->sw.present), to save the
 * call per frame. */
bool txm_switch_route(struct tx_mux *m, unsigned ci, const uint8_t *frame,
		      uint16_t len, uint16_t *flags);
void txm_switch_return(struct tx_mux *m);

/* mux/tx_mux.c: the component's entry point after init. */
void tx_mux_notified(void *state, struct sdvf_pd *pd, sdvf_channel_t ch);

/* mux/tx_mux.c: the steps of the data path the restart handlers reuse.
 * txm_pool_complete / txm_remap_complete: a frame came back from the
 * driver (its pool buffer to the pool; a remap client's buffer to the
 * client, or quietly to its map if orphaned); false if it names no buffer
 * at the driver.  txm_tx_return: every completion waiting on drv_tx_free,
 * through those two.  txm_activate: one activation (every queue looked
 * at, publish and signal once). */
bool txm_pool_complete(struct tx_mux *m, const struct sdvf_desc *d);
bool txm_remap_complete(struct tx_mux *m, const struct sdvf_desc *d);
void txm_tx_return(struct tx_mux *m);
void txm_activate(struct tx_mux *m);

/* The io address of pool buffer idx. */
static inline uint64_t txm_pool_io(const struct txm_pool *p, uint32_t idx)
{
	return p->io + (uint64_t)idx * SDVF_BUF_SIZE;
}

/* mux/tx_mux_restart.c: the driver or a client restarted (its channel). */
void tx_mux_peer_restart(void *state, struct sdvf_pd *pd, sdvf_channel_t ch);

#endif
