/*
 * Live per-PD counters of a running hosted system, readable by `sdvf stats`.
 *
 * The launcher creates one stats file per system run in $SDVF_STATS_DIR
 * (default /dev/shm), named "sdvf-SYSTEM.LAUNCHERPID.stats", builds it as an
 * unnamed O_TMPFILE and links it under that name only once the header is
 * complete, so a reader never sees a half-written file.  It is unlinked when
 * the launcher returns.
 *
 * Layout (every part page-aligned, so each PD can map only its own slot):
 *
 *   page 0                 struct sdvf_stats_header   launcher only
 *   1 + SLOT_PAGES * i     struct sdvf_stats_slot     PD i only (4 pages)
 *
 * A PD maps only its own slot (rw); it cannot see or corrupt the header
 * or another PD's counters.  The launcher and readers map the whole file.
 *
 * A slot holds the PD's runtime counters (first 256 bytes) and then its
 * component counters (struct sdvf_counter_table, core/hosted/counters.h): what
 * the component published through sdvf_counter(), names and values.
 *
 * Ordering: every counter is a relaxed atomic with a single writer; readers
 * only display them, so a reader may see one counter a little ahead of
 * another.  The header's identity fields (magic, version, sizes, names) are
 * written before the file is linked and never change afterwards; the per-PD
 * `pid`, `state`, `restarts` and `end_*` fields are updated by the monitor.
 * The counter table's `count` is published with release after its names.
 *
 * Trust: a PD can write anything into its own slot.  Readers bound every
 * count and copy and check every name before printing it; a scribbled slot
 * shows as unreadable entries of that PD and never affects another PD.
 */
#ifndef SDVF_STATS_H
#define SDVF_STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/hosted/counters.h"
#include "core/sysdesc/system.h"

#define SDVF_STATS_MAGIC 0x3154415453465644ull /* "DVFSTAT1" little-endian */
#define SDVF_STATS_VERSION 2u
#define SDVF_STATS_PAGE 4096u
#define SDVF_STATS_SLOT_PAGES 4u
#define SDVF_STATS_SLOT_BYTES (SDVF_STATS_SLOT_PAGES * SDVF_STATS_PAGE)
#define SDVF_STATS_RUNTIME_BYTES 256u
#define SDVF_STATS_PREFIX "sdvf-"
#define SDVF_STATS_SUFFIX ".stats"

/* Where stats files live: $SDVF_STATS_DIR, default /dev/shm. */
const char *sdvf_stats_dir(void);

/* How a PD is doing, as the monitor sees it. */
enum sdvf_pd_state {
	SDVF_PD_STARTING, /* not forked yet, or waiting for a restart */
	SDVF_PD_RUNNING,
	SDVF_PD_DOWN,	 /* died and stays down */
	SDVF_PD_STOPPED, /* stopped by the launcher at shutdown */
};

/* One PD as the monitor sees it: written by the launcher only. */
struct sdvf_stats_pd {
	char name[SDVF_NAME_MAX];
	char component[SDVF_NAME_MAX];
	_Atomic int32_t pid;	/* current or last process id, 0 before start */
	_Atomic uint32_t state; /* enum sdvf_pd_state */
	_Atomic uint32_t restarts;  /* times the monitor restarted it */
	_Atomic int32_t end_signal; /* last death: signal number, or 0 */
	_Atomic int32_t end_status; /* last death: exit status if no signal */
	int32_t core;		    /* -1: not pinned */
};

struct sdvf_stats_header {
	uint64_t magic;
	uint32_t version;
	uint32_t header_bytes; /* offset of slot 0 */
	uint32_t slot_bytes;   /* stride of the slots */
	uint32_t npds;
	int32_t launcher_pid;
	uint32_t reserved0;
	uint64_t started_unix_ns; /* CLOCK_REALTIME at launch */
	char system[SDVF_NAME_MAX];
	struct sdvf_stats_pd pd[SDVF_MAX_PDS];
};
_Static_assert(sizeof(struct sdvf_stats_header) <= SDVF_STATS_PAGE,
	       "stats header fits its page");

/* One PD's runtime counters: written by that PD's runtime only.  They
 * survive a restart (the new process maps the same slot and goes on). */
struct sdvf_stats_slot {
	_Atomic uint64_t activations;	 /* notified() calls */
	_Atomic uint64_t notifications;	 /* signals sent to peers (all kinds) */
	_Atomic uint64_t deferred;	 /* deferred_notify() calls */
	_Atomic uint64_t irq_acks;	 /* irq_ack() calls */
	_Atomic uint64_t timer_fires;	 /* SDVF_CHANNEL_TIMER deliveries */
	_Atomic uint64_t log_lines;	 /* lines written */
	_Atomic uint64_t log_suppressed; /* lines dropped by the rate limit */
	_Atomic uint64_t bad_calls; /* API misuse: unknown channel, watch_fd
				       refused, ... */
	_Atomic uint64_t starts;    /* processes that ran init() in this slot */
	_Atomic uint64_t counters_refused;  /* sdvf_counter() calls given the
					       scratch slot: invalid, duplicate
					       or table full */
	uint64_t reserved[22];		    /* runtime counters to come */
	struct sdvf_counter_table counters; /* written by this PD */
	uint8_t pad[SDVF_STATS_SLOT_BYTES - SDVF_STATS_RUNTIME_BYTES -
		    sizeof(struct sdvf_counter_table)];
};
_Static_assert(offsetof(struct sdvf_stats_slot, counters) ==
		       SDVF_STATS_RUNTIME_BYTES,
	       "runtime counters fill the first 256 bytes");
_Static_assert(sizeof(struct sdvf_stats_slot) == SDVF_STATS_SLOT_BYTES,
	       "one stats slot per SDVF_STATS_SLOT_PAGES pages");

/* Launcher side (core/hosted/stats.c). */
struct sdvf_stats_file {
	int fd;
	struct sdvf_stats_header *header; /* whole file mapped rw */
	char path[256];			  /* "" until published */
};

/* Create the stats file for `sys` (unpublished, not yet visible).  Returns 0
 * or -1 with a message on `err`. */
int sdvf_stats_create(struct sdvf_stats_file *f, const struct sdvf_system *sys,
		      FILE *err);
/* Link it under its public name.  Returns 0 or -1 (message on `err`). */
int sdvf_stats_publish(struct sdvf_stats_file *f, FILE *err);
/* Unlink and unmap. */
void sdvf_stats_destroy(struct sdvf_stats_file *f);
/* Bytes of a stats file for npds PDs. */
size_t sdvf_stats_file_bytes(uint32_t npds);

static inline struct sdvf_stats_slot *
sdvf_stats_slot_of(struct sdvf_stats_header *h, int pd)
{
	return (struct sdvf_stats_slot *)((char *)h + h->header_bytes +
					  (size_t)pd * h->slot_bytes);
}

/* The system's name: the root `name` property, else the file name stem. */
void sdvf_system_name(const struct sdvf_system *sys, char *out, size_t len);

/* Reader side (core/hosted/stats_print.c, for `sdvf stats`).  TEXT: a
 * table of the PDs' runtime counters, then each PD's component counters as
 * `name = value`.  KV: one line `SYSTEM PD COUNTER VALUE` per counter; the
 * runtime's own are named `sdvf.*` (sdvf.state's value is a word, the rest
 * are numbers). */
enum sdvf_stats_format { SDVF_STATS_TEXT, SDVF_STATS_KV };

struct sdvf_stats_query {
	const char *system; /* only this system; NULL: every one */
	const char *pd;	    /* only PDs of this name; NULL: every one */
	enum sdvf_stats_format format;
	/* TEXT only: find each PD's component in this table by the name in
	 * the header, and print beside each component counter the meaning
	 * its .counters list gives (none if it gives none).  NULL: no
	 * meanings. */
	const struct sdvf_component *const *explain;
};

/* Print what `q` asks of every live stats file in $SDVF_STATS_DIR.
 * Returns how many PDs were printed. */
int sdvf_stats_print(FILE *out, const struct sdvf_stats_query *q);

#endif
