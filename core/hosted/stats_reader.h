/*
 * Private to the reader behind `sdvf stats`: what its two files share.
 * core/hosted/stats_print.c finds, checks and copies the stats files and
 * prints the runtime table, counters and kv lines; core/hosted/stats_net.c
 * prints the table of the muxes' clients.  Both read only a private copy
 * of a file whose sizes stats_print.c has checked (core/hosted/stats.h).
 */
#ifndef SDVF_STATS_READER_H
#define SDVF_STATS_READER_H

#include <stdio.h>

#include "core/hosted/stats.h"

/* The width of a name column over system `h`'s PD names (each plus
 * `extra` characters), at least 16, so long names keep the columns in line. */
int sdvf_stats_name_width(const struct sdvf_stats_header *h, int extra);

/* The meaning `doc`'s .counters list gives counter `name`: its own entry,
 * else the longest family "PREFIX.*" that `name` extends; NULL if none
 * (or no doc). */
const char *sdvf_stats_counter_meaning(const struct sdvf_component *doc,
				       const char *name);

/* TEXT: the client table and mux lines of system `h` (q->client: that
 * client's row and its counters at each mux instead).  Prints nothing if
 * the system has no mux q->components knows.  Returns how many client rows
 * it printed. */
int sdvf_stats_print_net(FILE *out, const struct sdvf_stats_header *h,
			 const struct sdvf_stats_query *q);

#endif
