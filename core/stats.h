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
 *   page 0           struct sdvf_stats_header    written by the launcher only
 *   page 1 + i       struct sdvf_stats_slot      written by PD i only
 *
 * A PD maps only its own slot page (rw); it cannot see or corrupt the header
 * or another PD's counters.  The launcher and readers map the whole file.
 *
 * Ordering: every counter is a relaxed atomic with a single writer; readers
 * only display them, so a reader may see one counter a little ahead of
 * another.  The header's identity fields (magic, version, sizes, names) are
 * written before the file is linked and never change afterwards; the per-PD
 * `pid`, `state`, `restarts` and `end_*` fields are updated by the monitor.
 *
 * Room for later: each slot's `component` area (bytes 256..4095) is reserved
 * for counters a component publishes about itself (the muxes' per-client
 * packets, bytes, drops by reason and violations).  A component will reach
 * it through a PD API call; until then it stays zero.
 */
#ifndef SDVF_STATS_H
#define SDVF_STATS_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "core/system.h"

#define SDVF_STATS_MAGIC 0x3154415453465644ull /* "DVFSTAT1" little-endian */
#define SDVF_STATS_VERSION 1u
#define SDVF_STATS_PAGE 4096u

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
	uint64_t reserved[23];	    /* runtime counters to come */
	uint8_t component[SDVF_STATS_PAGE - 256];
};
_Static_assert(sizeof(struct sdvf_stats_slot) == SDVF_STATS_PAGE,
	       "one stats slot per page");

/* Launcher side (core/stats.c). */
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

static inline struct sdvf_stats_slot *
sdvf_stats_slot_of(struct sdvf_stats_header *h, int pd)
{
	return (struct sdvf_stats_slot *)((char *)h + h->header_bytes +
					  (size_t)pd * h->slot_bytes);
}

/* The system's name: the root `name` property, else the file name stem. */
void sdvf_system_name(const struct sdvf_system *sys, char *out, size_t len);

#endif
