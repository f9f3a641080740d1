/*
 * The layout of a hosted system's stats file and the checked reads of it,
 * portable so that both `sdvf stats` (core/hosted/stats_print.c) and a
 * component holding a read-only grant of the file (clients/stats_json.c)
 * read it the same way.  Who creates the file and where: core/hosted/stats.h.
 *
 * Layout (every part page-aligned, so each PD can map only its own slot):
 *
 *   pages 0..4             struct sdvf_stats_header   launcher only
 *   5 + SLOT_PAGES * i     struct sdvf_stats_slot     PD i only (4 pages)
 *
 * A slot holds the PD's runtime counters (first 256 bytes) and then its
 * component counters (struct sdvf_counter_table): names and values.
 *
 * Each field is tagged with its one writer and its ordering:
 *   (L) the launcher, before the file is linked; never changes after
 *   (M) the launcher's monitor, while the system runs
 *   (P) the PD's runtime (core/hosted/hosted_pd.c), in its own slot
 *   (C) the PD's component, through sdvf_counter_add/set (core/pd.h)
 *   relaxed      a counter readers only display: one may run a little
 *                ahead of another, and nothing is published through it
 *   release ...  stored with release after the fields named (the counter
 *                table's `count`); a reader acquire-loads it first
 *
 * Trust: a PD can write anything into its own slot.  Readers check the
 * header against the size of what they hold (sdvf_stats_header_problem)
 * before anything else, clamp every count (sdvf_counter_count), copy every
 * name before checking it (sdvf_counter_read_name, sdvf_stats_safe_name)
 * and bound every index taken from a name or a link; a scribbled slot
 * shows as unreadable entries of that PD and never affects another PD.
 *
 * Component counter names: 1..SDVF_COUNTER_NAME_MAX-1 bytes of
 * [A-Za-z0-9_.-], starting with a letter, digit or '_'.  Dots group
 * counters ("c2.tx_drops_quota").  The prefix "sdvf." is reserved for the
 * runtime's own counters in `sdvf stats --format=kv`.
 */
#ifndef SDVF_STATS_FILE_H
#define SDVF_STATS_FILE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SDVF_STATS_MAGIC 0x3154415453465644ull /* "DVFSTAT1" little-endian */
#define SDVF_STATS_VERSION 4u
#define SDVF_STATS_PAGE 4096u
#define SDVF_STATS_HEADER_PAGES 5u
#define SDVF_STATS_HEADER_BYTES (SDVF_STATS_HEADER_PAGES * SDVF_STATS_PAGE)
#define SDVF_STATS_SLOT_PAGES 4u
#define SDVF_STATS_SLOT_BYTES (SDVF_STATS_SLOT_PAGES * SDVF_STATS_PAGE)
#define SDVF_STATS_RUNTIME_BYTES 256u
/* Sizes of the system description (core/sysdesc/system.h checks they are
 * its SDVF_NAME_MAX, SDVF_MAX_PDS and 2 * SDVF_MAX_CHANNELS). */
#define SDVF_STATS_NAME_BYTES 48u
#define SDVF_STATS_PDS_MAX 32u
#define SDVF_STATS_LINKS_MAX 256u

#define SDVF_COUNTER_NAME_MAX 32u /* bytes, with the terminating NUL */
#define SDVF_COUNTERS_MAX 384u
#define SDVF_COUNTER_RESERVED_PREFIX "sdvf."

/* How a PD is doing, as the monitor sees it. */
enum sdvf_pd_state {
	SDVF_PD_STARTING, /* not forked yet, or waiting for a restart */
	SDVF_PD_RUNNING,
	SDVF_PD_DOWN,	 /* died and stays down */
	SDVF_PD_STOPPED, /* stopped by the launcher at shutdown */
};

/* One PD as the monitor sees it. */
struct sdvf_stats_pd {
	char name[SDVF_STATS_NAME_BYTES];      /* (L) */
	char component[SDVF_STATS_NAME_BYTES]; /* (L) its struct sdvf_component
						*/
	/* Current or last process id, 0 before the first start. */
	_Atomic int32_t pid;	   /* (M) relaxed */
	_Atomic uint32_t state;	   /* (M) relaxed; enum sdvf_pd_state */
	_Atomic uint32_t restarts; /* (M) relaxed; restarts so far */
	/* Its last death: the signal number, or 0 and the exit status. */
	_Atomic int32_t end_signal; /* (M) relaxed */
	_Atomic int32_t end_status; /* (M) relaxed */
	int32_t core;		    /* (L) -1: not pinned */
};

/* One end of a channel as the launcher wired it: PD `pd` knows the
 * channel by the name `local`, and PD `peer` is at the other end.  Readers
 * use them to name a mux's client N (the mux's channel "cN") after the PD
 * behind it. */
struct sdvf_stats_link {
	uint8_t pd;			   /* (L) index into pd[] */
	uint8_t peer;			   /* (L) index into pd[] */
	char local[SDVF_STATS_NAME_BYTES]; /* (L) NUL-terminated */
};

struct sdvf_stats_header {
	uint64_t magic;	       /* (L) SDVF_STATS_MAGIC */
	uint32_t version;      /* (L) SDVF_STATS_VERSION */
	uint32_t header_bytes; /* (L) offset of slot 0 */
	uint32_t slot_bytes;   /* (L) stride of the slots */
	uint32_t npds;	       /* (L) */
	int32_t launcher_pid;  /* (L) */
	uint32_t reserved0;
	uint64_t started_unix_ns; /* (L) CLOCK_REALTIME at launch */
	/* (L) sdvf_process_start(launcher_pid): with the pid, tells the
	 * launcher from a later process that was given the same pid. */
	uint64_t launcher_start;
	char system[SDVF_STATS_NAME_BYTES]; /* (L) */
	struct sdvf_stats_pd pd[SDVF_STATS_PDS_MAX];
	uint32_t nlinks; /* (L) entries of link[] in use */
	uint32_t reserved1;
	/* Both ends of every channel, in the system's channel order. */
	struct sdvf_stats_link link[SDVF_STATS_LINKS_MAX]; /* (L) */
};
_Static_assert(sizeof(struct sdvf_stats_header) <= SDVF_STATS_HEADER_BYTES,
	       "stats header fits its pages");

/* A PD's component counters. */
struct sdvf_counter_table {
	/* Entries in use. */
	_Atomic uint32_t count; /* (P) release after name[0..count-1] */
	uint32_t reserved;
	/* NUL-padded; an entry never changes once counted. */
	char name[SDVF_COUNTERS_MAX][SDVF_COUNTER_NAME_MAX]; /* (P) */
	/* Zeroed by (P) before `count` takes the entry in. */
	_Atomic uint64_t value[SDVF_COUNTERS_MAX]; /* (C) relaxed */
};

/* One PD's counters.  They survive a restart: the new process maps the
 * same slot and goes on counting. */
struct sdvf_stats_slot {
	_Atomic uint64_t activations; /* (P) relaxed; notified() calls */
	/* Signals sent to peers, of every kind. */
	_Atomic uint64_t notifications; /* (P) relaxed */
	_Atomic uint64_t deferred;	/* (P) relaxed; deferred_notify() */
	_Atomic uint64_t irq_acks;	/* (P) relaxed; irq_ack() calls */
	/* SDVF_CHANNEL_TIMER deliveries. */
	_Atomic uint64_t timer_fires; /* (P) relaxed */
	_Atomic uint64_t log_lines;   /* (P) relaxed; lines written */
	/* Log lines dropped by the rate limit. */
	_Atomic uint64_t log_suppressed; /* (P) relaxed */
	/* API misuse: unknown channel, refused watch_fd, ... */
	_Atomic uint64_t bad_calls; /* (P) relaxed */
	/* Processes that ran init() in this slot. */
	_Atomic uint64_t starts; /* (P) relaxed */
	/* sdvf_counter() calls that got the scratch counter: invalid name,
	 * duplicate or table full. */
	_Atomic uint64_t counters_refused; /* (P) relaxed */
	uint64_t reserved[22];		   /* runtime counters to come */
	/* (P) names and count, (C) values. */
	struct sdvf_counter_table counters;
	uint8_t pad[SDVF_STATS_SLOT_BYTES - SDVF_STATS_RUNTIME_BYTES -
		    sizeof(struct sdvf_counter_table)];
};
_Static_assert(offsetof(struct sdvf_stats_slot, counters) ==
		       SDVF_STATS_RUNTIME_BYTES,
	       "runtime counters fill the first 256 bytes");
_Static_assert(sizeof(struct sdvf_stats_slot) == SDVF_STATS_SLOT_BYTES,
	       "one stats slot per SDVF_STATS_SLOT_PAGES pages");

/* Bytes of a stats file for npds PDs. */
static inline size_t sdvf_stats_file_bytes(uint32_t npds)
{
	return SDVF_STATS_HEADER_BYTES + (size_t)SDVF_STATS_SLOT_BYTES * npds;
}

/* PD i's slot; i < npds of a header that passed sdvf_stats_header_problem. */
static inline const struct sdvf_stats_slot *
sdvf_stats_slot_at(const struct sdvf_stats_header *h, uint32_t i)
{
	return (const struct sdvf_stats_slot *)((const char *)h +
						SDVF_STATS_HEADER_BYTES +
						(size_t)i *
							SDVF_STATS_SLOT_BYTES);
}

/* ---- checked reads (core/stats_file.c) -------------------------------- */

/* Why a stats file of which a reader holds `bytes` (a private copy, or a
 * mapping that cannot shrink) is not one to read, or NULL: wrong magic or
 * version, sizes other than this layout's, too many PDs, or `bytes` not
 * exactly the size its npds gives (SDVF_STATS_WRONG_SIZE). */
extern const char SDVF_STATS_WRONG_SIZE[];
const char *sdvf_stats_header_problem(const struct sdvf_stats_header *h,
				      size_t bytes);

/* A launcher-written name, copied, terminated and made printable without
 * blanks (a kv line splits on them); "?" if empty. */
void sdvf_stats_safe_name(char out[SDVF_STATS_NAME_BYTES], const char *in);

/* The relaxed load of a live counter a reader only displays. */
#define SDVF_STATS_LOAD(x) atomic_load_explicit(&(x), memory_order_relaxed)

/* True if the NUL-terminated `name` follows the counter naming rule. */
bool sdvf_counter_name_valid(const char *name);

/* How many entries to look at (`count`, acquire-loaded, clamped). */
uint32_t sdvf_counter_count(const struct sdvf_counter_table *t);

/* Entry i's name copied into `out` (SDVF_COUNTER_NAME_MAX bytes) and
 * checked; false if the entry is not a valid name. */
bool sdvf_counter_read_name(const struct sdvf_counter_table *t, uint32_t i,
			    char out[SDVF_COUNTER_NAME_MAX]);

/* The index of `name`, or -1. */
int sdvf_counter_find(const struct sdvf_counter_table *t, const char *name);

#endif
