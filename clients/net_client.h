/*
 * net_client: the client side of the RX and TX muxes, for every native
 * client (raw_responder, the bench reflector, the lwIP clients).  The one
 * implementation of this protocol; a client uses it and writes no second.
 *
 * What a net client PD is given (local names):
 *   rx_active  queue, RX mux -> client: {offset into rx_data, len}
 *   rx_free    queue, client -> RX mux: the offset given back when done
 *   rx_data    "r": copy mode, the client's private RX region; remap mode,
 *              the RX DMA region itself
 *   tx_active  queue, client -> TX mux: {offset into tx_data, len}
 *   tx_free    queue, TX mux -> client: the buffer back, flags
 *              SDVF_NET_REJECTED or SDVF_NET_TX_ERROR if it was not sent
 *   tx_data    "rw": the client's TX buffers (remap: also a DMA window)
 *   channels   rx (to the RX mux), tx (to the TX mux)
 *   config     mac, rx_capacity, tx_capacity (slots of each pair)
 * The client starts holding no RX buffer and every SDVF_BUF_SIZE buffer of
 * tx_data, as many as tx_capacity allows (the mux holds none of them).
 *
 * Trust.  The muxes are trusted PDs, but what they hand over is still
 * checked, as the driver's returns are checked by the muxes: every
 * descriptor is a private copy (sdvf_queue_pop), and an ownership map per
 * data region (core/ownership.h) says, per buffer, whether the mux or the
 * client has it.  An RX offset must be aligned, inside rx_data, not held
 * by the client already, with a length of SDVF_NET_FRAME_MIN..MAX; a TX
 * completion must name a buffer the client has at the mux.  Anything else
 * is counted (net.rx_bad, net.tx_bad) and ignored: never trusted, never a
 * crash.  Impossible queue indices are refused by core/queue.h
 * (<queue>.bad_index).
 *
 * One activation (core/pd_queue.h's shape), in the client's notified():
 *     struct net_tx_done done;              completions first: replies
 *     while (net_client_tx_reap(nc, &done))  need TX buffers
 *         ...;
 *     struct net_rx_frame f;
 *     while (net_client_rx_take(nc, &f)) {
 *         ... net_client_tx_alloc / net_client_tx_send ...
 *         net_client_rx_return(nc, f.offset);
 *     }
 *     net_client_finish(nc);                publish once, signal each mux
 *                                           at most once
 * rx_take and tx_reap drain, request a signal and re-check by themselves:
 * false means the queue is empty and the mux will notify when it is not.
 *
 * State lives in struct net_client, inside the client's own state struct;
 * every field is private to the client PD (one writer, no ordering rule).
 *
 * Portable: freestanding C11, PD API only.
 */
#ifndef SDVF_NET_CLIENT_H
#define SDVF_NET_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/net.h"
#include "core/ownership.h"
#include "core/pd.h"
#include "core/pd_queue.h"
#include "core/queue.h"

/* Buffers of one data region a client uses, at most (as RXM_MAX_BUFS). */
#define NET_CLIENT_MAX_BUFS 512u

/* Counters, "net.<name>", published by net_client_attach: X(field, name,
 * meaning); the client lists NET_CLIENT_COUNTER_DOCS among its own. */
#define NET_CLIENT_COUNTERS(X)                                                 \
	X(rx_bad, "net.rx_bad",                                                \
	  "RX descriptors refused: offset misaligned, out of rx_data or "      \
	  "held already, or length outside 14..1518")                          \
	X(tx_bad, "net.tx_bad",                                                \
	  "TX completions naming no buffer we have at the mux")                \
	X(tx_rejected, "net.tx_rejected",                                      \
	  "TX buffers back flagged REJECTED (not sent)")                       \
	X(tx_error, "net.tx_error",                                            \
	  "TX buffers back flagged TX_ERROR (maybe not sent)")                 \
	X(queue_full, "net.queue_full",                                        \
	  "pushes refused by a full queue (never with an honest mux)")         \
	X(tx_unreported, "net.tx_unreported",                                  \
	  "TX completions taken back while short of buffers whose report "     \
	  "did not fit the stash (the buffers are idle)")

#define NET_CLIENT_COUNTER_DOC(field, name, meaning) {name, meaning},
/* The doc entries of every counter net_client publishes, for the client's
 * sdvf_component.counters list (no trailing zero entry). */
#define NET_CLIENT_COUNTER_DOCS                                                \
	NET_CLIENT_COUNTERS(NET_CLIENT_COUNTER_DOC)                            \
	SDVF_QUEUE_COUNTER_DOC("rx_active"),                                   \
		SDVF_QUEUE_COUNTER_DOC("rx_free"),                             \
		SDVF_QUEUE_COUNTER_DOC("tx_active"),                           \
		SDVF_QUEUE_COUNTER_DOC("tx_free"),

/* The needs of a net client (its sdvf_component.needs, before its own). */
#define NET_CLIENT_NEEDS                                                       \
	SDVF_NEED_QUEUE("rx_active"), SDVF_NEED_QUEUE("rx_free"),              \
		SDVF_NEED_REGION_RO("rx_data"), SDVF_NEED_QUEUE("tx_active"),  \
		SDVF_NEED_QUEUE("tx_free"), SDVF_NEED_REGION_RW("tx_data"),    \
		SDVF_NEED_CHAN("rx"), SDVF_NEED_CHAN("tx")

/* The parameters it reads (its sdvf_component.params, before its own). */
#define NET_CLIENT_PARAMS                                                      \
	{.name = "mac",                                                        \
	 .type = SDVF_PARAM_MAC,                                               \
	 .required = true,                                                     \
	 .help = "our station address"},                                       \
		SDVF_PARAM_POW2_DEFAULT("rx_capacity", 1, 4096, 64,            \
					"slots of rx_active and rx_free"),     \
		SDVF_PARAM_POW2_DEFAULT("tx_capacity", 1, 4096, 64,            \
					"slots of tx_active and tx_free")

/* A frame lent by the RX mux: data[0..len) is read-only and valid until
 * the offset is given back with net_client_rx_return. */
struct net_rx_frame {
	uint64_t offset;
	uint16_t len;
	const uint8_t *data;
};

/* A TX buffer the client filled and got back from the TX mux. */
struct net_tx_done {
	uint64_t offset;
	uint16_t flags; /* 0: sent; SDVF_NET_REJECTED, SDVF_NET_TX_ERROR */
};

/* A TX buffer the client holds to fill. */
struct net_tx_buf {
	uint64_t offset;
	uint8_t *data; /* SDVF_BUF_SIZE bytes */
};

struct net_client {
	struct sdvf_pd *pd;
	sdvf_channel_t ch_rx, ch_tx;
	struct sdvf_queue rx_active, rx_free, tx_active, tx_free;
	uint8_t mac[SDVF_NET_MAC_LEN];
	const uint8_t *rx_data;
	uint8_t *tx_data;
	/* rx_data: the mux's, or held by the client (OWNER_SELF); tx_data:
	 * idle with us (OWNER_SELF), the client's to fill, or the mux's. */
	struct sdvf_own_map rx_own, tx_own;
	uint8_t rx_owner[NET_CLIENT_MAX_BUFS];
	uint8_t tx_owner[NET_CLIENT_MAX_BUFS];
	uint32_t tx_idle[NET_CLIENT_MAX_BUFS]; /* stack of idle TX slots */
	uint32_t ntx_idle;
	/* Low-water mark: a TX completion signal is requested only while
	 * ntx_idle <= tx_low (net_client_tx_reap). */
	uint32_t tx_low;
	/* Completions taken from tx_free by tx_alloc (buffers idle already),
	 * reported by the next tx_reap, oldest first (a ring). */
	struct net_tx_done tx_done_stash[NET_CLIENT_MAX_BUFS];
	uint32_t tx_done_first, ntx_done_stash;
	/* Offsets given back while rx_free was full (a lying mux): pushed
	 * first at the next finish. */
	uint64_t rx_backlog[NET_CLIENT_MAX_BUFS];
	uint32_t nrx_backlog;
#define NET_CLIENT_FIELD(field, name, meaning) _Atomic uint64_t *field;
	NET_CLIENT_COUNTERS(NET_CLIENT_FIELD)
#undef NET_CLIENT_FIELD
};

/* Attach the four queues, two data regions and two channels, read mac,
 * rx_capacity and tx_capacity, and publish the counters.  Logs one line
 * naming what is missing or wrong and returns false. */
bool net_client_attach(struct net_client *nc, struct sdvf_pd *pd);

/* ---- RX ----------------------------------------------------------------- */

/* The next valid frame from the RX mux, now held by the client; false when
 * rx_active is empty (a signal is requested: the mux notifies on rx).
 * Refused descriptors are counted and skipped. */
bool net_client_rx_take(struct net_client *nc, struct net_rx_frame *f);

/* As rx_take, for a client that answers every frame it takes: a frame only
 * while a TX buffer is free for the answer.  Short of TX buffers it takes
 * back what tx_free holds; if still none, the frames stay in rx_active, a
 * completion signal is left requested (with the re-check), so the
 * activation a completion brings takes them on, and `waits` (if not NULL)
 * counts one wait when a frame was left there. */
bool net_client_rx_take_answerable(struct net_client *nc,
				   struct net_rx_frame *f,
				   _Atomic uint64_t *waits);

/* Give a held RX buffer back to the mux.  False (nothing changes) if the
 * client does not hold `offset`. */
bool net_client_rx_return(struct net_client *nc, uint64_t offset);

/* RX buffers the client holds now. */
static inline uint32_t net_client_rx_held(const struct net_client *nc)
{
	return sdvf_own_held(&nc->rx_own, SDVF_OWNER_SELF);
}

/* ---- TX ----------------------------------------------------------------- */

/* An idle TX buffer for the client to fill; false if every one is in use
 * or at the mux. */
bool net_client_tx_alloc(struct net_client *nc, struct net_tx_buf *b);

/* Send the first `len` bytes of an allocated buffer.  False if `offset` is
 * not an allocated buffer (nothing changes) or tx_active is full (counted;
 * the buffer goes back to idle). */
bool net_client_tx_send(struct net_client *nc, uint64_t offset, uint16_t len);

/* Give an allocated, unsent buffer back to idle; false if it is not one. */
bool net_client_tx_cancel(struct net_client *nc, uint64_t offset);

/* The next completion from the TX mux, its buffer idle again; false when
 * tx_free is empty.  Flags are counted (net.tx_rejected, net.tx_error);
 * bad completions counted and skipped.
 *
 * Completion signals are asked for only when the client runs short (as
 * virtio's NO_INTERRUPT): when tx_free is empty a signal is requested if
 * the client has at most tx_low idle buffers (tx_low = an eighth of its
 * TX buffers), and withdrawn otherwise, so a client with idle buffers is
 * not woken just to take a completion back.  tx_alloc keeps the rule as
 * buffers go: once it leaves tx_low or fewer idle it takes back what
 * tx_free holds and requests the signal (with the re-check), so a client
 * that runs out is always woken when a buffer completes.  Completions
 * tx_alloc took are reported by the next tx_reap, first; until then their
 * buffers are idle already.  So a completion may be reported one
 * activation late, and a buffer may wait in tx_free (at the mux, for
 * net_client_tx_at_mux) until the client's next activation. */
bool net_client_tx_reap(struct net_client *nc, struct net_tx_done *done);

/* TX buffers idle with the client, and at the mux. */
static inline uint32_t net_client_tx_idle(const struct net_client *nc)
{
	return nc->ntx_idle;
}
uint32_t net_client_tx_at_mux(const struct net_client *nc);

/* ---- end of activation -------------------------------------------------- */

/* Publish each queue once and notify each mux at most once, only if a
 * queue shared with it moved and it asked to be woken. */
void net_client_finish(struct net_client *nc);

/* The mux on `ch` restarted (core/pd.h peer_restart): its queues go back to
 * the fresh state, every TX buffer at it comes back idle, and every RX
 * buffer is the mux's again (a frame still held must not be returned: the
 * new instance never lent it).  True if `ch` is one of ours. */
bool net_client_peer_restart(struct net_client *nc, sdvf_channel_t ch);

#endif
