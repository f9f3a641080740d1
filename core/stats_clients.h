/*
 * The muxes' per-client table of a stats file (core/stats_file.h), as
 * `sdvf stats` shows it (core/hosted/stats_net.c) and a granted component
 * renders it (clients/stats_json.c): one row per client PD, summed over
 * the muxes.  Portable.
 *
 * Which PDs are muxes: the caller says, from the component name the
 * launcher wrote in the header (is_mux); nothing a PD writes in its slot
 * makes it one.  Which PD is a mux's client N: the PD at the other end of
 * the mux's channel "cN" (the header's links); with none known the row is
 * unnamed (pd -1: "MUX:cN").  What a mux counts for client N is read by
 * name, the convention of mux/rx_mux.c and mux/tx_mux.h: "cN.<name>" and
 * its queue counters "cN_<queue>.bad_index".
 *   rx_frames rx_bytes tx_frames tx_bytes  summed over the muxes
 *   drop.<reason> sw_drop* tx_errors       DROPS; top_drop the largest
 *   drv_rejected
 *   viol.<kind> rej_<kind> *.bad_index     VIOL
 *   in_flight                              RX_HELD at a mux counting
 *                                          rx_frames, else TX_HELD at one
 *                                          counting tx_frames
 *
 * Trust: the header must have passed sdvf_stats_header_problem.  Names come
 * through sdvf_counter_read_name, client indices parsed from them are
 * bounded, link entries are checked against npds, and sums saturate: a
 * mux's slot can at worst misstate its own clients' rows.
 */
#ifndef SDVF_STATS_CLIENTS_H
#define SDVF_STATS_CLIENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/stats_file.h"

#define SDVF_STATS_CLIENT_MAX 64u  /* client indices taken from names */
#define SDVF_STATS_UNNAMED_MAX 32u /* rows of clients whose PD is unknown */

enum sdvf_stats_col {
	SDVF_COL_RX_FRAMES,
	SDVF_COL_RX_BYTES,
	SDVF_COL_TX_FRAMES,
	SDVF_COL_TX_BYTES,
	SDVF_COL_DROPS,
	SDVF_COL_VIOL,
	SDVF_COL_RX_HELD,
	SDVF_COL_TX_HELD,
	SDVF_COLS
};

struct sdvf_stats_row {
	int pd;		 /* the client PD, or -1: not known */
	int mux;	 /* pd -1: the mux ... */
	unsigned client; /* ... and its index for this client */
	bool used;
	bool has[SDVF_COLS]; /* a counter gave the column a value */
	uint64_t v[SDVF_COLS];
	char top_drop[SDVF_COUNTER_NAME_MAX]; /* "" if none */
	uint64_t top_drop_value;
};

/* One mux as read. */
struct sdvf_stats_mux {
	int pd;
	bool rx, tx;	 /* counts rx_frames / tx_frames for a client */
	uint64_t frames; /* its clients' rx_frames and tx_frames */
	bool looked[SDVF_STATS_CLIENT_MAX];
	struct sdvf_stats_row *row[SDVF_STATS_CLIENT_MAX];
};

/* The whole table (large: keep it in static or state memory). */
struct sdvf_stats_clients {
	const struct sdvf_stats_header *h;
	struct sdvf_stats_row by_pd[SDVF_STATS_PDS_MAX];
	struct sdvf_stats_row unnamed[SDVF_STATS_UNNAMED_MAX];
	unsigned nunnamed;
	struct sdvf_stats_mux mux[SDVF_STATS_PDS_MAX];
	int nmux;
};

/* True if a PD running `component` (a safe name) is a mux. */
typedef bool (*sdvf_stats_is_mux)(const char *component, const void *arg);

/* Fill `t` from checked header `h`; returns how many muxes it found. */
int sdvf_stats_clients_read(struct sdvf_stats_clients *t,
			    const struct sdvf_stats_header *h,
			    sdvf_stats_is_mux is_mux, const void *arg);

/* Client index and the rest of counter `name`: "cN.rest" or, queue set,
 * "cN_rest" (N < SDVF_STATS_CLIENT_MAX, no leading zero). */
bool sdvf_stats_client_counter(const char *name, unsigned *n, const char **rest,
			       bool *queue);

/* A mux's own counter (no client prefix), if it publishes it. */
bool sdvf_stats_own_counter(const struct sdvf_stats_slot *s, const char *name,
			    uint64_t *v);

#endif
