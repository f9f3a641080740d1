/*
 * /stats.json: a running system's counters as JSON, rendered from the
 * stats file (core/stats_file.h) that a client PD is granted read-only
 * (region "sdvf.stats", docs/runtime-hosted.md).  Portable: no libc, no
 * allocation; the caller gives the output buffer and the work state.
 *
 * Trust: the file's header is the launcher's, but every slot is written by
 * its PD, which may be hostile, and all of it changes while we read.  So
 * the header is checked against the mapping's size first (wrong magic,
 * version, sizes or PD count: an {"error": ...} object, nothing else), every
 * name is copied, made safe and JSON-escaped, counts are clamped, indices
 * bounded (core/stats_clients.h), and the output never passes the buffer:
 * what does not fit is left out whole and "truncated" says so.  The output
 * is always one complete JSON object.
 *
 * Shape (a column no counter gave is null):
 *   {"system": S, "launcher_pid": N,
 *    "pds": [{"name", "component", "state", "pid", "restarts",
 *             "activations", "notifications", "counters": {NAME: N, ...},
 *             "counters_unreadable": N}, ...],
 *    "clients": [{"name", "rx_frames", "rx_bytes", "tx_frames",
 *                 "tx_bytes", "drops", "top_drop", "violations",
 *                 "rx_held", "tx_held"}, ...],
 *    "muxes": [{"name", "activations", "notifications", "frames"}, ...],
 *    "truncated": false}
 * Clients and muxes are the table `sdvf stats` shows; a PD is a mux if the
 * header (the launcher) says it runs rx_mux or tx_mux.
 */
#ifndef CLIENTS_STATS_JSON_H
#define CLIENTS_STATS_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "core/stats_clients.h"

/* Room for closing whatever is open and "truncated": the writer never
 * lets the text come closer than this to the end of the buffer. */
#define STATS_JSON_RESERVE 64u
/* The smallest buffer the renderer accepts: the system line fits. */
#define STATS_JSON_MIN 256u

struct stats_json {
	struct sdvf_stats_clients table; /* work space, large */
};

/* Render the stats file mapped at `file` (`bytes` mapped) into out[cap]
 * (cap >= STATS_JSON_MIN), NUL-terminated.  Returns the length, or 0 if
 * cap is too small. */
size_t stats_json_render(struct stats_json *sj, const void *file,
			 uint64_t bytes, char *out, size_t cap);

#endif
