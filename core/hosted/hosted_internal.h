/*
 * Shared between the hosted launcher/monitor (core/hosted/hosted_launch.c) and
 * the child side of a PD (core/hosted/hosted_pd.c,
 * core/hosted/hosted_seccomp.c).  Not a contract for anyone else: see
 * core/hosted/hosted.h and docs/runtime-hosted.md.
 *
 * The launcher fills struct hosted_launch before the first fork and never
 * changes the fds afterwards, so a restarted PD gets exactly the same regions
 * and channels as its first incarnation.
 */
#ifndef SDVF_HOSTED_INTERNAL_H
#define SDVF_HOSTED_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
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

/* The child side of PD `pd`: set up the sandbox, init(), event loop.  Never
 * returns; exits with one of the statuses below on a setup failure. */
_Noreturn void hosted_pd_main(const struct hosted_launch *l, int pd);

/* Exit statuses of a PD process (the monitor names them). */
enum hosted_exit {
	HOSTED_EXIT_SETUP = 70, /* mapping, fds, pinning or seccomp failed */
	HOSTED_EXIT_INIT = 71,	/* the component's init() refused to start */
	HOSTED_EXIT_LOOP = 72,	/* the event loop hit an unexpected error */
};

/* Install the client seccomp filter (default: kill the process).  Returns 0
 * or a negative errno. */
int hosted_seccomp_client(void);

#endif
