/*
 * The system of test_mux_sharing (tests/fixtures/mux_sharing.dts) and its
 * test PDs: share_source keeps its TX queue full with a mix of frame sizes,
 * share_sink counts RX frames and returns them (or hoards).  The test side
 * reads their state directly (the sim runs every PD in this process).
 */
#ifndef MUX_SHARING_FIXTURE_H
#define MUX_SHARING_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/net.h"
#include "core/pd.h"
#include "core/queue.h"
#include "core/sim/sim.h"

#define NSOURCES 4
#define NSINKS 3
#define POOL_BUFS 64 /* tx_pool: 0x20000 */
#define ETHERTYPE_TEST 0x88b5
#define MAX_DEPARTURES 40000u

/* Written by the source PD; the test reads it, and stops it by setting
 * mix to 0. */
struct share_source {
	struct sdvf_queue active, free;
	sdvf_channel_t ch;
	uint8_t *data;
	uint32_t nbufs;
	uint8_t mac[SDVF_NET_MAC_LEN];
	unsigned mix;
	uint64_t limit; /* frames to queue in all, 0: no limit */
	uint64_t queued, queued_bytes;
	uint64_t returned, flagged; /* flagged: REJECTED or TX_ERROR */
	uint32_t rng;
	bool started;
};

/* Written by the sink PD; the test reads it. */
struct share_sink {
	struct sdvf_queue active, free;
	sdvf_channel_t ch;
	bool hoard;
	uint64_t frames, bytes, returned, held;
};

/* One frame that left on the wire. */
struct departure {
	uint8_t client;
	uint16_t len;
	uint64_t seq, t_ns;
};

extern struct sdvf_sim *sim;
extern struct wire *wire;
extern struct share_source *src[NSOURCES];
extern struct share_sink *sink[NSINKS];
/* Departures in order (at most MAX_DEPARTURES kept), and each source's
 * frames seen on the wire. */
extern struct departure dep[MAX_DEPARTURES];
extern uint32_t ndep;
extern uint64_t wire_frames[NSOURCES];

/* Load the fixture with `overlay` (the body of a root node merged over it),
 * run every init and start the sources. */
void start(const char *overlay);
/* Stop the sources, drain, check buffer conservation, tear down. */
void finish(void);
/* A counter of PD `pd`, and client i's "cN.<name>" (must exist). */
uint64_t counter(const char *pd, const char *name);
uint64_t client_counter(const char *pd, int i, const char *name);
/* Take every frame off the wire into dep[], stamped with the sim's now;
 * the frames taken. */
uint32_t drain_wire(void);
/* Run the saturated system until n frames have left. */
void collect(uint32_t n);
/* A frame of len bytes toward sink `to` on the wire. */
void inject_to(int to, uint16_t len);

#endif
