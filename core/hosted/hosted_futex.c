/*
 * Futex mode of the hosted wake path (protocol and ordering:
 * core/hosted/hosted_wake.h): a PD sleeps in futex_waitv on the `pending`
 * words of its bells instead of in epoll_wait on their eventfds; a ringer
 * wakes it with FUTEX_WAKE only when it said it sleeps.  The bell pages
 * are shared memfd mappings, so the futexes are shared ones (no
 * FUTEX_PRIVATE_FLAG), keyed by the page, the same in both processes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/hosted/hosted_wake.h"

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449 /* the same number on every architecture */
#endif

bool hosted_futex_available(void)
{
	/* A libseccomp too old to name it could not allow it in the filter
	 * (hosted_seccomp.c skips a call it cannot resolve). */
	int nr = seccomp_syscall_resolve_name("futex_waitv");
	if (nr == __NR_SCMP_ERROR || nr < 0)
		return false;
	/* No waiters: EINVAL where the call exists, ENOSYS where not. */
	long rc = syscall(SYS_futex_waitv, NULL, 0, 0, NULL, CLOCK_MONOTONIC);
	return !(rc < 0 && errno == ENOSYS);
}

void hosted_futex_wake(_Atomic uint32_t *word)
{
	(void)syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, 1, NULL, NULL,
		      0);
}

static void set_sleeping(struct hosted_wake *w, uint32_t on)
{
	for (int ch = 0; ch < w->nchans; ch++)
		atomic_store(&w->mine[ch]->sleeping, on);
}

int hosted_wake_sleep(struct hosted_wake *w, uint64_t deadline_ns)
{
	struct futex_waitv waiters[SDVF_MAX_PD_CHANS];
	set_sleeping(w, 1);
	/* After announcing the sleep: a bell rung before the announcement is
	 * seen here; one rung after it sees `sleeping` and wakes us. */
	if (hosted_wake_pending(w)) {
		set_sleeping(w, 0);
		return 0;
	}
	for (int ch = 0; ch < w->nchans; ch++)
		waiters[ch] = (struct futex_waitv){
			.val = 0,
			.uaddr = (uintptr_t)&w->mine[ch]->pending,
			.flags = FUTEX_32, /* shared: no FUTEX_PRIVATE_FLAG */
		};
	struct timespec ts, *timeout = NULL;
	if (deadline_ns) {
		ts.tv_sec = (time_t)(deadline_ns / 1000000000ull);
		ts.tv_nsec = (long)(deadline_ns % 1000000000ull);
		timeout = &ts;
	}
	hosted_wake_count(w, WAKE_FUTEX_WAITS, 1);
	long rc = syscall(SYS_futex_waitv, waiters, (unsigned)w->nchans, 0,
			  timeout, CLOCK_MONOTONIC);
	int err = rc < 0 ? errno : 0;
	set_sleeping(w, 0);
	if (err == EAGAIN || err == EINTR || err == ETIMEDOUT)
		return 0;
	return -err;
}

void hosted_wake_ring_control(struct hosted_bell_page *page, int end)
{
	struct hosted_bell *b = &page->end[end];
	atomic_fetch_or(&b->pending, HOSTED_BELL_CONTROL);
	atomic_store(&b->sleeping, 0);
	/* Always, not only when `sleeping` says so: the dead peer may have
	 * cleared it before it died, and a restart is rare. */
	hosted_futex_wake(&b->pending);
}

void hosted_wake_ring_control_fd(int bell_fd, int end)
{
	struct hosted_bell_page *page =
		mmap(NULL, HOSTED_BELL_PAGE_BYTES, PROT_READ | PROT_WRITE,
		     MAP_SHARED, bell_fd, 0);
	if (page == MAP_FAILED)
		return; /* the PD then answers at its next wake-up, or the
			   monitor gives up waiting and says so */
	hosted_wake_ring_control(page, end);
	munmap(page, HOSTED_BELL_PAGE_BYTES);
}

int hosted_wake_plan(FILE *log, bool *futex)
{
	const char *env = getenv("SDVF_WAKE");
	*futex = false;
	if (!env || strcmp(env, "eventfd") == 0)
		return 0;
	if (strcmp(env, "futex") == 0) {
		*futex = true;
		return 0;
	}
	fprintf(log,
		"sdvf: SDVF_WAKE '%s': expected 'futex' or 'eventfd' "
		"(the default)\n",
		env);
	return -1;
}
