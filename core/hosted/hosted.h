/*
 * The hosted runtime: one Linux process per PD (or per co-location group
 * of trusted PDs, core/hosted/hosted_group.c).
 *
 * The launcher (this process) creates every region as a memfd and every
 * channel as an eventfd, then starts one process per PD: fork, then exec of
 * this same binary with an image of that PD alone (its regions, channels
 * and configuration, nothing of the others).  A PD maps exactly its regions
 * with exactly its rights (read-only through a read-only fd, so mprotect
 * cannot upgrade it) and closes each region fd after mapping it, keeps its
 * eventfds, its timerfd and its log pipe (fd 2) and nothing else, pins
 * itself to its core, and confines itself: no-new-privs, a uid and gid of
 * its own with no capabilities (when the launcher is root), not dumpable,
 * and its role's seccomp filter (device and VMM PDs after init(), which
 * opens their host resources; every other role before).  Then it runs an
 * epoll loop calling notified().  The launcher stays as the monitor: it
 * prefixes and sanitises each PD's log lines, reaps PDs, reports which one
 * died and why, restarts restartable ones (once the PDs at the other end of
 * their channels have run peer_restart), reports PDs that call sdvf_fail,
 * and on SIGINT/SIGTERM stops every PD and prints a summary.
 * docs/runtime-hosted.md has the details and the per-role table.
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
 * death was of a restartable PD that came back), none reported a failure
 * (sdvf_fail) and none left a peer_restart request unanswered; 1
 * otherwise. */
int sdvf_hosted_run(const struct sdvf_system *sys,
		    const struct sdvf_run_options *opt);

#endif
