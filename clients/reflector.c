/*
 * reflector: a net client (clients/net_client.h) that sends every frame it
 * receives back to its sender: destination the frame's source, source our
 * own station address (`mac`), every other byte as received.  The far end
 * of `make bench-mux`'s hosted pipeline (generator -> driver -> RX mux ->
 * reflector -> TX mux -> driver -> wire); also a loopback peer on a real
 * wire.
 *
 * One activation: reap TX completions first (they free the buffers the
 * replies need), then for each received frame take a TX buffer, copy the
 * frame into it, readdress it (clients/reflect.h, shared with the bench
 * client's reflect mode), send it and give the RX buffer back; then
 * net_client_finish signals each mux at most once.  A frame is taken only
 * while a TX buffer is free: short of them, the frames wait in rx_active
 * (counted in rx_waits) and the completion signal left requested
 * (net_client_rx_take_answerable) brings the activation that takes them
 * on.  So a burst longer
 * than our TX buffers is delayed, not dropped; what our RX queue and the
 * RX mux's cap for us cannot hold the RX mux drops, for us alone.
 * drop.no_tx_buf stays for a TX buffer missing after all (none is).
 *
 * Trust.  Frames come from the wire through the RX mux: net_client has
 * already checked each descriptor (offset, ownership, length 14..1518);
 * the bytes are read once, by the copy into our own TX buffer, and the
 * checks read only that private copy.  A frame from a group source address
 * (broadcast or multicast: no station sent it) is not answered
 * (drop.group_source), so a forged frame cannot make us send to every
 * station.  A frame the RX mux gave us because of a group destination
 * (broadcast, or multicast with cN_multicast) is answered to its unicast
 * sender like any other.  The TX mux checks the source address of what we
 * send, as it does for every client.
 *
 * Configuration: net_client's (mac, rx_capacity, tx_capacity).
 *
 * Portable: freestanding C11, PD API only.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clients/net_client.h"
#include "clients/reflect.h"
#include "core/bytes.h"
#include "core/net.h"
#include "core/pd.h"

/* X(field, name, meaning): the reflector's own counters. */
#define REFLECTOR_COUNTERS(X)                                                  \
	X(rx_frames, "rx_frames", "frames received")                           \
	X(reflected, "reflected", "frames sent back")                          \
	X(tx_done, "tx_done", "reflected frames whose buffer came back")       \
	X(drop_group_source, "drop.group_source",                              \
	  "frames from a broadcast or multicast source address")               \
	X(rx_waits, "rx_waits",                                                \
	  "times frames waited in rx_active for a TX buffer")                  \
	X(drop_no_tx_buf, "drop.no_tx_buf", "every TX buffer was in use")      \
	X(drop_tx_queue, "drop.tx_queue", "the TX mux's queue refused it")

struct reflector {
	struct net_client nc;
#define REFLECTOR_FIELD(field, name, meaning) _Atomic uint64_t *field;
	REFLECTOR_COUNTERS(REFLECTOR_FIELD)
#undef REFLECTOR_FIELD
};

/* Answer one received frame (held by us until the caller returns it). */
static void reflect(struct reflector *r, const struct net_rx_frame *f)
{
	sdvf_counter_add(r->rx_frames, 1);
	struct net_tx_buf b;
	switch (reflect_copy(&r->nc, f, &b)) {
	case REFLECT_NO_TX_BUF:
		sdvf_counter_add(r->drop_no_tx_buf, 1);
		return;
	case REFLECT_GROUP_SOURCE:
		sdvf_counter_add(r->drop_group_source, 1);
		return;
	case REFLECT_OK:
		break;
	}
	if (!net_client_tx_send(&r->nc, b.offset, f->len)) {
		sdvf_counter_add(r->drop_tx_queue, 1);
		return;
	}
	sdvf_counter_add(r->reflected, 1);
}

/* Every frame waiting, while a TX buffer is free for its answer. */
static void reflect_waiting(struct reflector *r)
{
	struct net_rx_frame f;
	while (net_client_rx_take_answerable(&r->nc, &f, r->rx_waits)) {
		reflect(r, &f);
		net_client_rx_return(&r->nc, f.offset);
	}
}

static void reflector_notified(void *state, struct sdvf_pd *pd,
			       sdvf_channel_t ch)
{
	struct reflector *r = state;
	(void)pd;
	(void)ch; /* either mux: look at both directions */
	struct net_tx_done done;
	while (net_client_tx_reap(&r->nc, &done))
		sdvf_counter_add(r->tx_done, 1);
	reflect_waiting(r);
	net_client_finish(&r->nc);
}

static void reflector_peer_restart(void *state, struct sdvf_pd *pd,
				   sdvf_channel_t ch)
{
	struct reflector *r = state;
	(void)pd;
	/* A TX mux that restarted gives every TX buffer back: the frames
	 * that waited for one go on now, not at the next frame. */
	net_client_peer_restart(&r->nc, ch);
	reflect_waiting(r);
	net_client_finish(&r->nc);
}

static int reflector_init(void *state, struct sdvf_pd *pd)
{
	struct reflector *r = state;
#define REFLECTOR_REGISTER(field, name, meaning)                               \
	r->field = sdvf_counter(pd, name);
	REFLECTOR_COUNTERS(REFLECTOR_REGISTER)
#undef REFLECTOR_REGISTER
	return net_client_attach(&r->nc, pd) ? 0 : -1;
}

static const struct sdvf_need reflector_needs[] = {NET_CLIENT_NEEDS, {0}};
static const struct sdvf_param reflector_params[] = {NET_CLIENT_PARAMS, {0}};

#define REFLECTOR_DOC(field, name, meaning) {name, meaning},
static const struct sdvf_counter_doc reflector_counters[] = {
	REFLECTOR_COUNTERS(REFLECTOR_DOC) NET_CLIENT_COUNTER_DOCS{0}};

const struct sdvf_component reflector_component = {
	.name = "reflector",
	.summary = "net client: sends every frame back, addresses swapped",
	.role = SDVF_ROLE_CLIENT,
	.state_size = sizeof(struct reflector),
	.needs = reflector_needs,
	.params = reflector_params,
	.counters = reflector_counters,
	.init = reflector_init,
	.notified = reflector_notified,
	.peer_restart = reflector_peer_restart,
};
