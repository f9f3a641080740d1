/*
 * Shared between the hosted launcher/monitor (core/hosted/hosted_launch.c),
 * the log pipes it reads (core/hosted/hosted_log.c) and the child side of a
 * PD (core/hosted/hosted_pd.c, core/hosted/hosted_seccomp.c).  Not a
 * contract for anyone else: see core/hosted/hosted.h and
 * docs/runtime-hosted.md.
 *
 * The launcher fills struct hosted_launch before the first fork and never
 * changes the fds afterwards, so a restarted PD gets exactly the same regions
 * and channels as its first incarnation.
 */
#ifndef SDVF_HOSTED_INTERNAL_H
#define SDVF_HOSTED_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/hosted/stats.h"
#include "core/sysdesc/system.h"

struct hosted_launch {
	const struct sdvf_system *sys;
	pid_t launcher_pid;
	int region_rw_fd[SDVF_MAX_REGIONS]; /* the memfd itself */
	int region_ro_fd[SDVF_MAX_REGIONS]; /* reopened O_RDONLY via /proc */
	/* chan_wake_fd[c][e]: the eventfd the PD at end e of channel c waits
	 * on; its peer writes it.  So a PD never wakes on its own signal. */
	int chan_wake_fd[SDVF_MAX_CHANNELS][2];
	struct sdvf_stats_file stats;
};

/* The child side of PD `pd`: log_fd becomes its fd 2, then the sandbox,
 * init(), event loop.  Never returns; exits with one of the statuses below
 * on a setup failure. */
_Noreturn void hosted_pd_main(const struct hosted_launch *l, int pd,
			      int log_fd);

/* Exit statuses of a PD process (the monitor names them). */
enum hosted_exit {
	HOSTED_EXIT_SETUP = 70, /* mapping, fds, pinning or seccomp failed */
	HOSTED_EXIT_INIT = 71,	/* the component's init() refused to start */
	HOSTED_EXIT_LOOP = 72,	/* the event loop hit an unexpected error */
};

/* Install the client seccomp filter (default: kill the process).  Returns 0
 * or a negative errno. */
int hosted_seccomp_client(void);

/* ---- logs (hosted_log.c) -------------------------------------------------
 *
 * Each PD's fd 2 is the write end of a pipe the launcher reads.  The
 * launcher prefixes each line with "[pd] " itself, replaces every byte that
 * is not printable ASCII, cuts lines at HOSTED_LOG_LINE_MAX and enforces a
 * rate limit of its own (twice the PD runtime's, so it never trims a PD
 * whose runtime limits it).
 */
#define HOSTED_LOG_LINE_MAX 512
#define HOSTED_LOG_BURST 20   /* the PD runtime's limit: lines at once */
#define HOSTED_LOG_PER_SEC 10 /* then lines per second */

/* Token bucket; zero-initialised means full on first use. */
struct hosted_log_bucket {
	double tokens;
	uint64_t refill_ns; /* 0: never used */
};

/* Take one line's token; false if the line is over the limit. */
bool hosted_log_take(struct hosted_log_bucket *b, uint64_t now_ns,
		     unsigned burst, unsigned per_sec);

/* The launcher's end of one PD's log. */
struct hosted_log_stream {
	int fd; /* read end, non-blocking; -1 when closed */
	char line[HOSTED_LOG_LINE_MAX];
	size_t len;
	bool cut;			 /* the current line passed the bound */
	struct hosted_log_bucket bucket; /* kept across restarts */
	uint64_t dropped; /* by the launcher, since the last line out */
};

void hosted_log_init(struct hosted_log_stream *s);
/* Finish any previous pipe of `s`, make a new one; returns the write end
 * (O_NONBLOCK, close-on-exec) for the child, or -1. */
int hosted_log_open(struct hosted_log_stream *s, const char *name, FILE *out);
/* Pass on what is waiting now (bounded).  At EOF it flushes a half line and
 * closes the pipe. */
void hosted_log_pump(struct hosted_log_stream *s, const char *name, FILE *out);
/* The PD is gone: pass on everything left, then close. */
void hosted_log_finish(struct hosted_log_stream *s, const char *name,
		       FILE *out);

#endif
