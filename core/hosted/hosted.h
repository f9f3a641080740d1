/*
 * The hosted runtime: one Linux process per PD.
 *
 * The launcher (this process) creates every region as a memfd and every
 * channel as an eventfd, then forks one child per PD.  A child maps exactly
 * its regions with exactly its rights (read-only through a read-only fd, so
 * mprotect cannot upgrade it; docs/runtime-hosted.md says why not
 * F_SEAL_FUTURE_WRITE), keeps exactly its eventfds, closes every other fd,
 * pins itself to its core, applies the seccomp filter if it is a client,
 * calls init() and then runs an epoll loop calling notified().  The launcher
 * stays as the monitor: it reaps children, reports which PD died and why,
 * restarts restartable ones, and on SIGINT/SIGTERM stops every PD and prints a
 * summary.
 */
#ifndef SDVF_HOSTED_H
#define SDVF_HOSTED_H

#include <stdbool.h>
#include <stdio.h>

#include "core/sysdesc/system.h"

struct sdvf_run_options {
	double duration_s; /* stop after this long; 0 = until signalled */
	int max_restarts;  /* per PD, then it stays down; default 5 */
	FILE *log;	   /* monitor messages and summary */
	bool quiet;
};

/* Run the system until SIGINT/SIGTERM, the duration, or every PD exits.
 * Returns the launcher's exit status: 0 if no PD died abnormally (or every
 * death was of a restartable PD that came back), 1 otherwise. */
int sdvf_hosted_run(const struct sdvf_system *sys,
		    const struct sdvf_run_options *opt);

#endif
