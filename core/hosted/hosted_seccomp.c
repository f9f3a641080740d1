/*
 * The seccomp filter of client PDs: the event loop's system calls and nothing
 * else; any other call kills the whole process (SIGSYS), which the monitor
 * reports.  Why each call is allowed: docs/runtime-hosted.md.
 */
#include <errno.h>
#include <seccomp.h>

#include "core/hosted/hosted_internal.h"

static const char *const client_syscalls[] = {
	"epoll_wait",	   /* the loop's wait (x86-64 glibc) */
	"epoll_pwait",	   /* the same where epoll_wait does not exist */
	"epoll_pwait2",	   /* newer glibc may use it */
	"read",		   /* drain eventfd and timerfd counts */
	"write",	   /* signal an eventfd; log lines on stderr */
	"timerfd_settime", /* sdvf_timer_set */
	"clock_gettime",   /* sdvf_now_ns, log rate limit (vDSO fallback) */
	"clock_nanosleep", /* sdvf_wait's short sleeps */
	"nanosleep",	   /* the same on older libcs */
	"sched_yield",	   /* sdvf_wait's spin */
	"futex",	   /* libc-internal locks */
	"exit",
	"exit_group",
	"rt_sigreturn",	   /* return from the default-handled signals */
	"restart_syscall", /* resume a wait interrupted by a stop signal */
};

int hosted_seccomp_client(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	int rc = 0;
	for (size_t i = 0;
	     i < sizeof(client_syscalls) / sizeof(*client_syscalls); i++) {
		int nr = seccomp_syscall_resolve_name(client_syscalls[i]);
		if (nr == __NR_SCMP_ERROR || nr < 0)
			continue; /* not a system call on this architecture */
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (rc < 0)
			break;
	}
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}
