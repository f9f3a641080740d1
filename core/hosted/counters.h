/*
 * Component counters: the table behind sdvf_counter() (core/pd.h), shared
 * by the runtimes.  The hosted runtime keeps one table in each PD's stats
 * slot (core/hosted/stats.h), so `sdvf stats` reads it and it survives a
 * restart; the sim keeps one per PD in its own memory.
 *
 * Capacity: SDVF_COUNTERS_MAX entries per PD.  A mux with 16 clients and
 * ~12 counters each needs ~200; the rest is room for its own totals and
 * for later counters, and the table (with the runtime counters) fills a
 * four-page stats slot.
 *
 * Names: 1..SDVF_COUNTER_NAME_MAX-1 bytes of [A-Za-z0-9_.-], starting with a
 * letter, digit or '_'.  Dots group counters ("c2.tx_drops_quota").  The
 * prefix "sdvf." is reserved for the runtime's own counters in
 * `sdvf stats --format=kv`.  No spaces, so a kv line splits on blanks.
 *
 * Who writes what, tagged on each field:
 *   (P) the owning PD's runtime (hosted or sim), at registration
 *       (sdvf_counter_claim): the name first, then `count` with a release
 *       store, so a reader that acquire-loads `count` sees complete names
 *       below it
 *   (C) the component, through sdvf_counter_add/set: one writer per
 *       value, relaxed (readers only display it)
 * A reader of another PD's table trusts nothing: it clamps `count`, copies
 * each name before checking it, and skips bad ones.
 */
#ifndef SDVF_COUNTERS_H
#define SDVF_COUNTERS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stats_file.h"

/* Which entries this incarnation of the PD has handed out (private to the
 * runtime): a second registration of the same name is a duplicate, while
 * a restarted PD re-registering finds its old entry free to take again. */
struct sdvf_counter_claims {
	uint64_t bits[(SDVF_COUNTERS_MAX + 63) / 64];
};

enum sdvf_counter_refusal {
	SDVF_COUNTER_INVALID = -1,   /* name breaks the rule above */
	SDVF_COUNTER_DUPLICATE = -2, /* already registered by this PD */
	SDVF_COUNTER_FULL = -3,	     /* SDVF_COUNTERS_MAX in use */
};

/* "invalid name", "already registered", "table full" (for logs). */
const char *sdvf_counter_refusal_text(int refusal);

/* The table and its readers: core/stats_file.h. */

/* Register `name` in the owning PD's table: returns its index (an entry
 * with the same name left by an earlier incarnation is reused, value
 * kept), or a negative enum sdvf_counter_refusal.  Runtime side only. */
int sdvf_counter_claim(struct sdvf_counter_table *t,
		       struct sdvf_counter_claims *claims, const char *name);

#endif
