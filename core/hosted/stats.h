/*
 * Live per-PD counters of a running hosted system, readable by `sdvf stats`.
 *
 * The launcher creates one stats file per system run in the stats directory
 * (sdvf_stats_dir), named "sdvf-SYSTEM.LAUNCHERPID.stats", builds it as an
 * unnamed O_TMPFILE (mode 0600) and links it under that name only once the
 * header is complete, so a reader never sees a half-written file.  It is
 * unlinked when the launcher returns.
 *
 * Trust in the directory: it must be the user's alone (owned by them, not a
 * symbolic link, writable by nobody else), or anyone on the host could put
 * a FIFO, a symbolic link or a forged system there, or take the names.  A
 * directory that is not is refused: the launcher still runs the system on
 * an unnamed file (a memfd), warns that `sdvf stats` will not see it, and
 * `sdvf stats` says why it reads nothing.  A name already taken in it (a
 * file left by a launcher that was killed, whose pid came round again) gets
 * a numbered variant.
 *
 * Layout, writers and ordering of every field: core/stats_file.h (portable,
 * so a component granted the file read-only reads it with the same checks).
 * A PD maps its own slot rw; a PD whose description grants it the region
 * "sdvf.stats" also maps the whole file read-only (docs/runtime-hosted.md).
 * The launcher maps the whole file.
 *
 * Readers: `sdvf stats` (core/hosted/stats_print.c, which copies the file
 * into its own memory with pread before reading any of it: no mapping that
 * a truncation could turn into SIGBUS, no value that changes while it is
 * checked) and the monitor's summary.
 *
 * Trust: a PD can write anything into its own slot.  Readers bound every
 * count and copy and check every name before printing it; a scribbled slot
 * shows as unreadable entries of that PD and never affects another PD.
 */
#ifndef SDVF_STATS_H
#define SDVF_STATS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/hosted/counters.h"
#include "core/stats_file.h"
#include "core/sysdesc/system.h"

#define SDVF_STATS_PREFIX "sdvf-"
#define SDVF_STATS_SUFFIX ".stats"

/* The stats directory: $SDVF_STATS_DIR if set; else /run/sdvf for root;
 * else $XDG_RUNTIME_DIR/sdvf; else /tmp/sdvf-UID.  False if the path does
 * not fit. */
#define SDVF_STATS_PATH_MAX 256
bool sdvf_stats_dir(char path[SDVF_STATS_PATH_MAX]);

/* Open the stats directory `path` (creating it, mode 0700, if `create` and
 * it is missing).  Returns an O_DIRECTORY fd, or -1 with errno set and why
 * not in `why` (e.g. "writable by others (mode 1777; ...)"): it must be a
 * directory, not a symbolic link, owned by this user and writable by no
 * one else. */
#define SDVF_STATS_WHY_MAX 128
int sdvf_stats_dir_open(const char *path, bool create,
			char why[SDVF_STATS_WHY_MAX]);

/* When process `pid` started, in clock ticks after boot (/proc/PID/stat,
 * field 22); 0 if there is no such process (or no /proc). */
uint64_t sdvf_process_start(int pid);

_Static_assert(SDVF_STATS_NAME_BYTES == SDVF_NAME_MAX, "names as loaded");
_Static_assert(SDVF_STATS_PDS_MAX == SDVF_MAX_PDS, "a slot per PD");
_Static_assert(SDVF_STATS_LINKS_MAX == 2u * SDVF_MAX_CHANNELS,
	       "both ends of every channel");
_Static_assert(SDVF_MAX_PDS <= 256, "a PD index fits a link's u8");

/* Launcher side (core/hosted/stats.c). */
#define SDVF_STATS_NAME_MAX 96 /* "sdvf-" SYSTEM "." PID ["." N] ".stats" */
struct sdvf_stats_file {
	int fd;	    /* the file, or a memfd if unpublished */
	int dir_fd; /* the stats directory, or -1 */
	struct sdvf_stats_header *header; /* whole file mapped rw */
	char name[SDVF_STATS_NAME_MAX];	  /* in dir_fd once linked, else "" */
	/* Where it is, for messages: "" until published, "none" if it
	 * cannot be. */
	char path[SDVF_STATS_PATH_MAX + SDVF_STATS_NAME_MAX];
};

/* Create the stats file for `sys` (unpublished, not yet visible).  If the
 * stats directory is refused, a memfd stands in and a warning goes to
 * `err`.  Returns 0, or -1 with a message on `err` if not even that can be
 * made. */
int sdvf_stats_create(struct sdvf_stats_file *f, const struct sdvf_system *sys,
		      FILE *err);
/* Link it under its public name, or a numbered variant if that is taken.
 * Returns 0: a file that cannot be linked only gets a warning on `err`
 * (the system runs, `sdvf stats` does not see it). */
int sdvf_stats_publish(struct sdvf_stats_file *f, FILE *err);
/* Unlink and unmap. */
void sdvf_stats_destroy(struct sdvf_stats_file *f);

static inline struct sdvf_stats_slot *
sdvf_stats_slot_of(struct sdvf_stats_header *h, int pd)
{
	return (struct sdvf_stats_slot *)((char *)h + h->header_bytes +
					  (size_t)pd * h->slot_bytes);
}

/* Reader side (core/hosted/stats_print.c, for `sdvf stats`).  TEXT: for a
 * system with muxes, a table of their clients (core/hosted/stats_net.c);
 * then a table of the PDs' runtime counters, then each PD's component
 * counters as `name = value`.  KV: one line `SYSTEM PD COUNTER VALUE` per
 * counter; the runtime's own are named `sdvf.*` (sdvf.state's value is a
 * word, the rest are numbers). */
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
	/* TEXT only: the components this program knows, to tell which PDs
	 * are muxes (role SDVF_ROLE_MUX of the component the header names,
	 * never anything a slot says) and to give counter meanings in the
	 * client view.  NULL: no client table. */
	const struct sdvf_component *const *components;
	/* TEXT only: only the client PD of this name: its row of the client
	 * table and every counter the muxes keep for it.  NULL: every PD. */
	const char *client;
	/* Why the directory or a file in it was refused; NULL: say nothing.
	 * A file whose launcher is gone is skipped without a word. */
	FILE *err;
};

/* Print what `q` asks of every live stats file in the stats directory.
 * Returns how many PDs were printed, or -1 if the directory is refused
 * (the reason on q->err); a missing directory is nothing running. */
int sdvf_stats_print(FILE *out, const struct sdvf_stats_query *q);

/* `sdvf stats --interval`: print `count` blocks (0: until killed), one
 * every `interval_ns`.  On a terminal each TEXT block replaces the last
 * (cursor home, clear screen: plain ANSI, no curses); otherwise each TEXT
 * block starts with a line "--- YYYY-MM-DD HH:MM:SS UTC ---" and blocks are
 * separated by a blank line.  KV blocks are sdvf_stats_print's lines
 * unchanged, separated by a blank line.  Returns what the last block's
 * sdvf_stats_print returned. */
struct sdvf_stats_watch {
	uint64_t interval_ns;
	uint64_t count;
	bool terminal;
};
int sdvf_stats_watch(FILE *out, const struct sdvf_stats_query *q,
		     const struct sdvf_stats_watch *w);

#endif
